package sfnlocal

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/polysync/stepfunctions/internal/asl"
	"github.com/polysync/stepfunctions/internal/sfnarn"
)

// Map Runs. A Distributed Map (see package internal/asl)
// starts a Map Run, recorded here through asl.Options.MapRuns: DescribeMapRun
// answers its configuration and counts, UpdateMapRun changes the stored
// configuration (the run in progress keeps the one it started with),
// ListMapRuns lists an execution's, and ListExecutions by mapRunArn lists the
// child workflows that have started. The child workflows run inside their
// parent's run, so DescribeExecution and GetExecutionHistory do not know
// them (ExecutionDoesNotExist).

// mapRun is a recorded Map Run. The server's mutex guards it.
type mapRun struct {
	arn, execArn, smArn string
	seq                 int64
	start, stop         time.Time
	status              string
	cfg                 asl.MapRunConfig
	children            []*mapChild // by index; nil until the child starts
	redriveCount        int
	redriveDate         time.Time
}

// mapChild is a child workflow of a Map Run that has started.
type mapChild struct {
	arn, name   string
	items       int
	start, stop time.Time // stop: zero while it runs
	status      string    // statusRunning, an end status, or statusPendingRedrive
	// redriveCount and redriveDate tell how often and when last a redrive of
	// the Map Run ran this Standard child workflow again.
	redriveCount int
	redriveDate  time.Time
}

// statusPendingRedrive is the status of a child workflow that a redrive of
// its Map Run has yet to run again.
const statusPendingRedrive = "PENDING_REDRIVE"

// countPending is the count (not a status) of the child workflows a Map Run
// has yet to start.
const countPending = "pending"

// runMapRuns is the asl.MapRuns of one execution.
type runMapRuns struct {
	s  *Server
	ex *execution
}

// Start records a new Map Run of the execution.
func (r runMapRuns) Start(cfg asl.MapRunConfig) asl.MapRun {
	s, ex := r.s, r.ex
	s.mu.Lock()
	defer s.mu.Unlock()
	id := uuid.NewString()
	mr := &mapRun{arn: s.executionARN("mapRun", ex.machine.name+"/"+cfg.Label, id), execArn: ex.arn, smArn: ex.smArn,
		seq: s.nextSeq(), start: s.cfg.clock.Now(), status: statusRunning, cfg: cfg,
		children: make([]*mapChild, cfg.Children)}
	s.mapRuns[mr.arn] = mr
	ex.mapRuns = append(ex.mapRuns, mr)
	return &mapRunRecorder{s: s, run: mr, label: ex.machine.name + "/" + cfg.Label}
}

// Redrive records that a redrive of the execution redrives its Map Run
// arn: the Map Run runs again, and its children that did not succeed wait to
// be redriven (PENDING_REDRIVE) until they start again. It returns nil when
// the execution has no such Map Run, and leaves a Map Run redriven
// asl.MaxMapRunRedrives times as it is.
func (r runMapRuns) Redrive(arn string) (asl.MapRun, int) {
	s, ex := r.s, r.ex
	s.mu.Lock()
	defer s.mu.Unlock()
	mr := s.mapRuns[arn]
	if mr == nil || mr.execArn != ex.arn {
		return nil, 0
	}
	rec := &mapRunRecorder{s: s, run: mr, label: ex.machine.name + "/" + mr.cfg.Label}
	if mr.redriveCount >= asl.MaxMapRunRedrives {
		return rec, mr.redriveCount + 1
	}
	mr.redriveCount++
	mr.redriveDate = s.cfg.clock.Now()
	mr.status, mr.stop = statusRunning, time.Time{}
	for _, c := range mr.children {
		if c != nil && c.status != asl.StatusSucceeded {
			c.status = statusPendingRedrive
		}
	}
	return rec, mr.redriveCount
}

// mapRunRecorder is the asl.MapRun of a recorded Map Run.
type mapRunRecorder struct {
	s     *Server
	run   *mapRun
	label string // <state machine>/<label>, the stem of its children's ARNs
}

func (m *mapRunRecorder) ARN() string { return m.run.arn }

// ChildStarted records a child workflow that started: a new one, or, after a
// redrive, a Standard one redriven (the same execution) or an Express one
// started again (a new execution, with a new ARN).
func (m *mapRunRecorder) ChildStarted(index, items int, start time.Time) {
	s := m.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if index < 0 || index >= len(m.run.children) {
		return
	}
	if c := m.run.children[index]; c != nil && m.run.cfg.ExecutionType != typeExpress {
		c.status, c.stop = statusRunning, time.Time{}
		c.redriveCount, c.redriveDate = c.redriveCount+1, start
		return
	}
	m.run.children[index] = m.newChild(items, start, statusRunning)
}

// newChild makes the record of a child workflow with a new ARN. The caller
// holds s.mu.
func (m *mapRunRecorder) newChild(items int, start time.Time, status string) *mapChild {
	name := uuid.NewString()
	arn := m.s.executionARN("execution", m.label, name)
	if m.run.cfg.ExecutionType == typeExpress {
		arn = m.s.expressARN(m.label, name)
	}
	return &mapChild{arn: arn, name: name, items: items, start: start, status: status}
}

// ChildEnded records a child workflow that ended and returns its ARN.
func (m *mapRunRecorder) ChildEnded(index, items int, start time.Time, status string, _, _ json.RawMessage, _, _ string) string {
	s := m.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if index < 0 || index >= len(m.run.children) {
		return ""
	}
	c := m.run.children[index]
	if c == nil { // not recorded as started: record it now
		c = m.newChild(items, start, status)
		m.run.children[index] = c
	}
	c.status, c.stop = status, s.cfg.clock.Now()
	return c.arn
}

// Ended records the end of the Map Run.
func (m *mapRunRecorder) Ended(status string) {
	s := m.s
	s.mu.Lock()
	defer s.mu.Unlock()
	m.run.status, m.run.stop = status, s.cfg.clock.Now()
	for _, c := range m.run.children {
		// A child a redrive did not get to run again was stopped with
		// the Map Run (UNCONFIRMED: how AWS counts it then).
		if c != nil && c.status == statusPendingRedrive {
			c.status, c.stop = asl.StatusAborted, m.run.stop
		}
	}
}

// lookupMapRun checks a Map Run ARN and finds its Map Run. The caller holds
// s.mu.
func (s *Server) lookupMapRun(arn string) (*mapRun, error) {
	a, err := sfnarn.ParseLocal(arn)
	return lookup(s.mapRuns, arn, err == nil && a.Kind == sfnarn.MapRun, "ResourceNotFound", "Resource not found")
}

type describeMapRunInput struct {
	MapRunArn string `json:"mapRunArn" sfn:"required"`
}

// mapRunCounts is the wire form of MapRunExecutionCounts and
// MapRunItemCounts.
type mapRunCounts struct {
	Pending               int `json:"pending"`
	Running               int `json:"running"`
	Succeeded             int `json:"succeeded"`
	Failed                int `json:"failed"`
	TimedOut              int `json:"timedOut"`
	Aborted               int `json:"aborted"`
	Total                 int `json:"total"`
	ResultsWritten        int `json:"resultsWritten"`
	FailuresNotRedrivable int `json:"failuresNotRedrivable"`
	PendingRedrive        int `json:"pendingRedrive"`
}

// add counts n children or items of status.
func (c *mapRunCounts) add(status string, n int) {
	c.Total += n
	switch status {
	case asl.StatusSucceeded:
		c.Succeeded += n
	case asl.StatusFailed:
		c.Failed += n
	case asl.StatusTimedOut:
		c.TimedOut += n
	case asl.StatusAborted:
		c.Aborted += n
	case statusPendingRedrive:
		c.PendingRedrive += n
	case countPending:
		c.Pending += n
	default:
		c.Running += n
	}
}

type describeMapRunOutput struct {
	MapRunArn                  string       `json:"mapRunArn"`
	ExecutionArn               string       `json:"executionArn"`
	Status                     string       `json:"status"`
	StartDate                  *epoch       `json:"startDate,omitempty"`
	StopDate                   *epoch       `json:"stopDate,omitempty"`
	MaxConcurrency             int          `json:"maxConcurrency"`
	ToleratedFailureCount      int64        `json:"toleratedFailureCount"`
	ToleratedFailurePercentage float64      `json:"toleratedFailurePercentage"`
	ExecutionCounts            mapRunCounts `json:"executionCounts"`
	ItemCounts                 mapRunCounts `json:"itemCounts"`
	RedriveCount               int          `json:"redriveCount"`
	RedriveDate                *epoch       `json:"redriveDate,omitempty"`
}

// describeMapRun answers DescribeMapRun. It runs under s.mu (see locked).
// Children that have not started count as pending while the Map Run runs,
// and as aborted once it has ended; those a redrive has yet to run again
// as pendingRedrive. resultsWritten counts the children (and their items)
// whose results a ResultWriter wrote: all of them once the Map Run
// succeeded.
func (s *Server) describeMapRun(_ context.Context, in *describeMapRunInput) (*describeMapRunOutput, error) {
	mr, err := s.lookupMapRun(in.MapRunArn)
	if err != nil {
		return nil, err
	}
	out := &describeMapRunOutput{MapRunArn: mr.arn, ExecutionArn: mr.execArn, Status: mr.status, StartDate: ep(mr.start),
		MaxConcurrency: mr.cfg.MaxConcurrency, ToleratedFailureCount: mr.cfg.ToleratedFailureCount,
		ToleratedFailurePercentage: mr.cfg.ToleratedFailurePercentage, RedriveCount: mr.redriveCount}
	if mr.redriveCount > 0 {
		out.RedriveDate = ep(mr.redriveDate)
	}
	if mr.status != statusRunning {
		out.StopDate = ep(mr.stop)
	}
	unstarted, itemsStarted := countPending, 0
	if mr.status != statusRunning {
		unstarted = asl.StatusAborted
	}
	for _, c := range mr.children {
		if c == nil {
			out.ExecutionCounts.add(unstarted, 1)
			continue
		}
		out.ExecutionCounts.add(c.status, 1)
		out.ItemCounts.add(c.status, c.items)
		itemsStarted += c.items
	}
	out.ItemCounts.add(unstarted, mr.cfg.Items-itemsStarted)
	if mr.cfg.WritesResults && mr.status == asl.StatusSucceeded {
		// The ResultWriter wrote every child's result before the run ended
		// (UNCONFIRMED: AWS counts them as it writes).
		out.ExecutionCounts.ResultsWritten = out.ExecutionCounts.Succeeded + out.ExecutionCounts.Failed
		out.ItemCounts.ResultsWritten = out.ItemCounts.Succeeded + out.ItemCounts.Failed
	}
	return out, nil
}

type updateMapRunInput struct {
	MapRunArn                  string   `json:"mapRunArn" sfn:"required"`
	MaxConcurrency             *int32   `json:"maxConcurrency"`
	ToleratedFailureCount      *int64   `json:"toleratedFailureCount"`
	ToleratedFailurePercentage *float64 `json:"toleratedFailurePercentage"`
}

// validate checks the members' ranges, as the API model gives them.
func (in *updateMapRunInput) validate() error {
	const prefix = "1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: "
	switch {
	case in.MaxConcurrency != nil && *in.MaxConcurrency < 0:
		return validationf(prefix+"Member must have value greater than or equal to 0", *in.MaxConcurrency, "maxConcurrency")
	case in.ToleratedFailureCount != nil && *in.ToleratedFailureCount < 0:
		return validationf(prefix+"Member must have value greater than or equal to 0", *in.ToleratedFailureCount, "toleratedFailureCount")
	case in.ToleratedFailurePercentage != nil && *in.ToleratedFailurePercentage < 0:
		return validationf(prefix+"Member must have value greater than or equal to 0", *in.ToleratedFailurePercentage, "toleratedFailurePercentage")
	case in.ToleratedFailurePercentage != nil && *in.ToleratedFailurePercentage > 100:
		return validationf(prefix+"Member must have value less than or equal to 100", *in.ToleratedFailurePercentage, "toleratedFailurePercentage")
	}
	return nil
}

// updateMapRun answers UpdateMapRun: it changes what DescribeMapRun
// answers; the run in progress keeps the settings it started with. It runs
// under s.mu (see locked).
func (s *Server) updateMapRun(_ context.Context, in *updateMapRunInput) (*empty, error) {
	mr, err := s.lookupMapRun(in.MapRunArn)
	if err != nil {
		return nil, err
	}
	if in.MaxConcurrency != nil {
		mr.cfg.MaxConcurrency = int(*in.MaxConcurrency)
	}
	if in.ToleratedFailureCount != nil {
		mr.cfg.ToleratedFailureCount = *in.ToleratedFailureCount
	}
	if in.ToleratedFailurePercentage != nil {
		mr.cfg.ToleratedFailurePercentage = *in.ToleratedFailurePercentage
	}
	return &empty{}, nil
}

type listMapRunsInput struct {
	ExecutionArn string `json:"executionArn" sfn:"required"`
	pageInput
}

// mapRunListItem is an item of ListMapRuns.
type mapRunListItem struct {
	ExecutionArn    string `json:"executionArn"`
	MapRunArn       string `json:"mapRunArn"`
	StateMachineArn string `json:"stateMachineArn"`
	StartDate       *epoch `json:"startDate,omitempty"`
	StopDate        *epoch `json:"stopDate,omitempty"`
}

// listMapRuns answers ListMapRuns with the execution's Map Runs, oldest
// first (AWS does not document its order). It runs under s.mu (see locked).
func (s *Server) listMapRuns(_ context.Context, in *listMapRunsInput) (*listOutput[mapRunListItem], error) {
	ex, err := s.lookupExecution(in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	return listPage(s, "mapRuns", "ListMapRuns:"+in.ExecutionArn, ex.mapRuns, func(mr *mapRun) string { return seqKey(mr.seq) }, false,
		in.pageInput, func(mr *mapRun) mapRunListItem {
			item := mapRunListItem{ExecutionArn: mr.execArn, MapRunArn: mr.arn, StateMachineArn: mr.smArn, StartDate: ep(mr.start)}
			if mr.status != statusRunning {
				item.StopDate = ep(mr.stop)
			}
			return item
		})
}

// mapRunChildren returns the list items of the Map Run's ended children
// whose status is status (any when "") and that a redrive ran again or not
// (redrive REDRIVEN or NOT_REDRIVEN; either when ""), in the order of their
// ARNs. The caller holds s.mu.
func (s *Server) mapRunChildren(arn, status, redrive string) ([]executionListItem, error) {
	mr, err := s.lookupMapRun(arn)
	if err != nil {
		return nil, err
	}
	var items []executionListItem
	for _, c := range mr.children {
		if c == nil || status != "" && c.status != status ||
			redrive == "REDRIVEN" && c.redriveCount == 0 || redrive == "NOT_REDRIVEN" && c.redriveCount > 0 {
			continue
		}
		item := executionListItem{executionHead: executionHead{ExecutionArn: c.arn, StateMachineArn: mr.smArn,
			Name: c.name, Status: c.status, StartDate: ep(c.start), StopDate: ep(c.stop)}, MapRunArn: mr.arn, ItemCount: c.items,
			RedriveCount: c.redriveCount}
		if c.redriveCount > 0 {
			item.RedriveDate = ep(c.redriveDate)
		}
		items = append(items, item)
	}
	slices.SortFunc(items, func(a, b executionListItem) int { return strings.Compare(a.ExecutionArn, b.ExecutionArn) })
	return items, nil
}
