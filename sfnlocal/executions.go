package sfnlocal

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/polysync/stepfunctions/internal/asl"
)

const (
	maxPayloadBytes    = 262144
	maxTraceHeader     = 256
	maxErrorBytes      = 256   // the most of an execution's error an answer holds
	maxCauseBytes      = 32768 // the most of its cause
	maxOpenExecutions  = 1_000_000
	stopWaitRealTime   = 2 * time.Second
	statusRunning      = "RUNNING"
	errExpressNotValid = "Invalid Arn: 'Resource type not valid in this context: express'"
)

// execution is one execution. The server's mutex guards every field except
// hist, which histMu guards (lock order: s.mu, then histMu).
type execution struct {
	arn, name   string
	machine     *stateMachine
	smArn       string // unqualified state machine ARN
	versionArn  string
	aliasArn    string
	roleArn     string
	rev         *revision // the revision run (revisions are never changed in place)
	revDate     time.Time // when that revision was made: the machine's update or creation, or the version's
	express     bool
	input       json.RawMessage
	traceHeader string
	seq         int64
	prog        program
	start, stop time.Time
	visibleAt   time.Time
	status      string
	output      json.RawMessage
	errName     string
	cause       string
	stopReq     *stopRequest
	resume      *asl.Checkpoint
	done        chan struct{}
	evicted     bool
	testCase    *testCase // the test case of the mock configuration it runs, if any
	mapRuns     []*mapRun // the Map Runs its Distributed Map states started

	redriveCount  int
	redriveDate   time.Time
	redriveTokens []redriveToken // of its last redrives, oldest first

	histMu sync.Mutex
	hist   []histEvent // nil for Express executions
	events int64       // how many events the execution has emitted
	log    *execLog    // nil when its state machine does not log
}

type stopRequest struct {
	errName, cause string
}

// startInput is the request of StartExecution and StartSyncExecution.
type startInput struct {
	StateMachineArn string       `json:"stateMachineArn" sfn:"required"`
	Name            *string      `json:"name" sfn:"min=1"`
	Input           *string      `json:"input"`
	TraceHeader     *string      `json:"traceHeader"`
	IncludedData    includedData `json:"includedData"`

	doc json.RawMessage // the execution's input document, set by validate
}

// validate checks the members and sets the input document.
func (in *startInput) validate() error {
	if in.Name != nil {
		if err := invalidName(*in.Name, checkName); err != nil {
			return err
		}
	}
	if in.TraceHeader != nil {
		th := *in.TraceHeader
		if len(th) > maxTraceHeader {
			return tooLong("traceHeader", maxTraceHeader)
		}
		for i := 0; i < len(th); i++ {
			if th[i] < 0x20 || th[i] > 0x7e {
				return validationf("1 validation error detected: Value at 'traceHeader' failed to satisfy constraint: Member must contain only printable ASCII characters")
			}
		}
	}
	input := "{}"
	if in.Input != nil {
		input = *in.Input
	}
	if len(input) > maxPayloadBytes {
		return errf("InvalidExecutionInput", "Invalid State Machine Execution Input: 'input is %d bytes, which exceeds the maximum of %d bytes'", len(input), maxPayloadBytes)
	}
	if !utf8.ValidString(input) || !json.Valid([]byte(input)) {
		var v any
		err := json.Unmarshal([]byte(input), &v)
		reason := "not valid UTF-8"
		if err != nil {
			reason = err.Error()
		}
		return errf("InvalidExecutionInput", "Invalid State Machine Execution Input: 'input is not valid JSON: %s'", reason)
	}
	in.doc = json.RawMessage(input)
	return nil
}

// takeTraceHeader makes value, the X-Amzn-Trace-Id header, the trace
// header, whatever the body's traceHeader (traceHeaderTaker).
func (in *startInput) takeTraceHeader(value string) { in.TraceHeader = &value }

// executionName returns the name the request gives, or a new one.
func (in *startInput) executionName() string {
	if in.Name == nil {
		return uuid.NewString()
	}
	return *in.Name
}

// startTarget is what the ARN of a start request resolves to.
type startTarget struct {
	machine    *stateMachine
	rev        *revision // the revision to run
	versionArn string    // the version run, "" for the unqualified ARN
	revDate    time.Time // when rev was made (see execution.revDate)
	aliasArn   string    // the alias started, if any
	testCase   *testCase // the mocks the execution runs with, if any
}

// target resolves the ARN of a start request, which may name a test case of
// the mock configuration ("<stateMachineArn>#<test case>", as Step Functions
// Local reads it). The caller holds s.mu.
func (s *Server) target(ref string) (startTarget, error) {
	arn, name := splitTestCase(ref)
	t, err := s.resolveTarget(arn)
	if err != nil || name == "" {
		return t, err
	}
	if s.mocksErr != nil {
		return startTarget{}, validationf("Invalid test case '%s': the mock configuration could not be loaded: %v", name, s.mocksErr)
	}
	if t.testCase, err = s.mocks.testCase(t.machine.name, name); err != nil {
		return startTarget{}, err
	}
	return t, nil
}

// resolveTarget resolves the ARN of a start request without its test case.
// The caller holds s.mu.
func (s *Server) resolveTarget(arn string) (startTarget, error) {
	r, err := s.resolveMachine(arn, kindStateMachine, kindVersion, kindAlias)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.Code == "ResourceNotFound" {
			return startTarget{}, errf("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn)
		}
		return startTarget{}, err
	}
	switch {
	case r.version != nil:
		return startTarget{machine: r.machine, rev: r.version.rev, versionArn: r.version.arn, revDate: r.version.created}, nil
	case r.alias != nil:
		v := s.pickVersion(r.alias)
		if v == nil {
			return startTarget{}, errf("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s': the alias routes to a version that no longer exists", arn)
		}
		return startTarget{machine: r.machine, rev: v.rev, versionArn: v.arn, revDate: v.created, aliasArn: r.alias.arn}, nil
	}
	revDate := r.machine.updated
	if revDate.IsZero() {
		revDate = r.machine.created
	}
	return startTarget{machine: r.machine, rev: r.machine.rev, revDate: revDate}, nil
}

// newExecution returns a RUNNING execution of t named name, started now.
func (t startTarget) newExecution(name string, input json.RawMessage, now time.Time) *execution {
	return &execution{name: name, machine: t.machine, smArn: t.machine.arn, versionArn: t.versionArn,
		aliasArn: t.aliasArn, roleArn: t.rev.roleArn, rev: t.rev, revDate: t.revDate, input: input, prog: t.rev.prog, start: now,
		status: statusRunning, testCase: t.testCase}
}

// pickVersion chooses a version of an alias by weight.
func (s *Server) pickVersion(a *alias) *version {
	pick := a.routes[0].StateMachineVersionArn
	if len(a.routes) == 2 && rand.Int32N(100) >= a.routes[0].Weight {
		pick = a.routes[1].StateMachineVersionArn
	}
	for _, v := range a.machine.versions {
		if v.arn == pick {
			return v
		}
	}
	return nil
}

func (s *Server) executionARN(kind, machine, name string) string {
	return "arn:" + partitionOf(s.cfg.region) + ":states:" + s.cfg.region + ":" + s.cfg.accountID + ":" + kind + ":" + machine + ":" + name
}

// expressARN returns a new, unique ARN of an Express execution.
func (s *Server) expressARN(machine, name string) string {
	return s.executionARN("express", machine, name) + ":" + uuid.NewString()
}

type startExecutionOutput struct {
	ExecutionArn string `json:"executionArn"`
	StartDate    *epoch `json:"startDate,omitempty"`
}

func (s *Server) startExecution(_ context.Context, in *startInput) (*startExecutionOutput, error) {
	s.mu.Lock()
	t, err := s.target(in.StateMachineArn)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	bucketKey := bucketStartStandard
	if t.machine.typ == typeExpress {
		bucketKey = bucketStartExpress
	}
	if err := s.take(bucketKey); err != nil {
		return nil, err
	}
	now := s.cfg.clock.Now()
	ex := t.newExecution(in.executionName(), in.doc, now)
	ex.visibleAt = now.Add(s.cfg.consistency)
	if in.TraceHeader != nil {
		ex.traceHeader = *in.TraceHeader
	}
	m := t.machine
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errClosed()
	}
	if s.machines[m.arn] != m { // deleted since target found it: its executions were aborted
		arn, _ := splitTestCase(in.StateMachineArn)
		return nil, errf("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn)
	}
	if m.typ == typeExpress {
		ex.express = true
		ex.arn = s.expressARN(m.name, ex.name)
		ex.log = s.newExecLog(m, t.rev.logging, now)
		ex.emitStarted()
		s.launch(ex, nil)
		return &startExecutionOutput{ExecutionArn: ex.arn, StartDate: ep(now)}, nil
	}
	ex.arn = s.executionARN("execution", m.name, ex.name)
	if old := s.execs[ex.arn]; old != nil {
		if old.status == statusRunning && string(old.input) == string(in.doc) {
			return &startExecutionOutput{ExecutionArn: old.arn, StartDate: ep(old.start)}, nil
		}
		return nil, errf("ExecutionAlreadyExists", "Execution Already Exists: '%s'", ex.arn)
	}
	if len(s.running) >= maxOpenExecutions {
		return nil, errf("ExecutionLimitExceeded", "Execution Limit Exceeded: the account has %d open executions", maxOpenExecutions)
	}
	ex.seq = s.nextSeq()
	s.execs[ex.arn] = ex
	m.execs = append(m.execs, ex)
	ex.log = s.newExecLog(m, t.rev.logging, now)
	ex.emitStarted()
	s.launch(ex, nil)
	return &startExecutionOutput{ExecutionArn: ex.arn, StartDate: ep(now)}, nil
}

// lookupExecution finds a Standard execution. The caller holds s.mu.
func (s *Server) lookupExecution(arn string) (*execution, error) {
	p, ok := parseARN(arn)
	if ok && p.kind == kindExpress {
		return nil, errf("InvalidArn", errExpressNotValid)
	}
	return lookup(s.execs, arn, ok && p.kind == kindExecution, "ExecutionDoesNotExist", "Execution Does Not Exist")
}

// lookupVisibleExecution finds a Standard execution for an operation that
// describes it: until its visibleAt (see WithEventualConsistency) a new
// execution answers ExecutionDoesNotExist, as on AWS; a redriven one is
// visible at once. The caller holds s.mu.
func (s *Server) lookupVisibleExecution(arn string, now time.Time) (*execution, error) {
	ex, err := s.lookupExecution(arn)
	if err != nil {
		return nil, err
	}
	if ex.redriveCount == 0 && now.Before(ex.visibleAt) {
		return nil, errf("ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", arn)
	}
	return ex, nil
}

// executionHead is the members every answer about one execution has.
type executionHead struct {
	ExecutionArn    string `json:"executionArn"`
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Status          string `json:"status"`
	StartDate       *epoch `json:"startDate,omitempty"`
	StopDate        *epoch `json:"stopDate,omitempty"` // nil while the execution runs
}

// executionListItem is the wire form of an ExecutionListItem, whose members
// DescribeExecution answers too.
type executionListItem struct {
	executionHead
	StateMachineVersionArn string `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   string `json:"stateMachineAliasArn,omitempty"`
	RedriveCount           int    `json:"redriveCount"`
	RedriveDate            *epoch `json:"redriveDate,omitempty"`
	MapRunArn              string `json:"mapRunArn,omitempty"` // of a Map Run's child workflow
	ItemCount              int    `json:"itemCount,omitempty"` // the items a Map Run's child workflow ran
}

// summary returns the list item of ex. The caller holds s.mu.
func (ex *execution) summary() executionListItem {
	out := executionListItem{executionHead: executionHead{ExecutionArn: ex.arn, StateMachineArn: ex.smArn,
		Name: ex.name, Status: ex.status, StartDate: ep(ex.start)}, StateMachineVersionArn: ex.versionArn,
		StateMachineAliasArn: ex.aliasArn, RedriveCount: ex.redriveCount, RedriveDate: ep(ex.redriveDate)}
	if ex.status != statusRunning {
		out.StopDate = ep(ex.stop)
	}
	return out
}

// dataDetails is the wire form of CloudWatchEventsExecutionDataDetails.
type dataDetails struct {
	Included bool `json:"included"`
}

// executionData is the input and output an execution answers, with their
// details: the output only when the execution succeeded, the payloads only
// when the request includes data.
type executionData struct {
	Input         string       `json:"input,omitempty"`
	InputDetails  dataDetails  `json:"inputDetails"`
	Output        string       `json:"output,omitempty"`
	OutputDetails *dataDetails `json:"outputDetails,omitempty"`
}

// newExecutionData returns the data members of an answer.
func newExecutionData(input, output json.RawMessage, succeeded bool, d includedData) executionData {
	withData := d.withData()
	out := executionData{InputDetails: dataDetails{Included: withData}}
	if withData {
		out.Input = string(input)
	}
	if succeeded {
		out.OutputDetails = &dataDetails{Included: withData}
		if withData {
			out.Output = string(output)
		}
	}
	return out
}

type describeExecutionInput struct {
	ExecutionArn string       `json:"executionArn" sfn:"required"`
	IncludedData includedData `json:"includedData"`
}

func (in *describeExecutionInput) validate() error { return in.IncludedData.check() }

type describeExecutionOutput struct {
	executionListItem
	executionData
	Error               string `json:"error,omitempty"`
	Cause               string `json:"cause,omitempty"`
	TraceHeader         string `json:"traceHeader,omitempty"`
	RedriveStatus       string `json:"redriveStatus"`
	RedriveStatusReason string `json:"redriveStatusReason,omitempty"`
}

// describeExecution answers DescribeExecution. It runs under s.mu (see locked).
func (s *Server) describeExecution(_ context.Context, in *describeExecutionInput) (*describeExecutionOutput, error) {
	now := s.cfg.clock.Now()
	ex, err := s.lookupVisibleExecution(in.ExecutionArn, now)
	if err != nil {
		return nil, err
	}
	out := &describeExecutionOutput{executionListItem: ex.summary(),
		executionData: newExecutionData(ex.input, ex.output, ex.status == asl.StatusSucceeded, in.IncludedData),
		Error:         asl.Clip(ex.errName, maxErrorBytes), Cause: asl.Clip(ex.cause, maxCauseBytes), TraceHeader: ex.traceHeader}
	out.RedriveStatus, out.RedriveStatusReason = s.redrivable(ex, now)
	return out, nil
}

type stopExecutionInput struct {
	ExecutionArn string `json:"executionArn" sfn:"required"`
	Error        string `json:"error" sfn:"max=256"`
	Cause        string `json:"cause" sfn:"max=32768"`
}

type stopExecutionOutput struct {
	StopDate *epoch `json:"stopDate,omitempty"`
}

func (s *Server) stopExecution(ctx context.Context, in *stopExecutionInput) (*stopExecutionOutput, error) {
	s.mu.Lock()
	ex, err := s.lookupExecution(in.ExecutionArn)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if ex.status != statusRunning {
		// UNCONFIRMED: AWS is believed to answer a closed execution with its
		// stop date and change nothing.
		stop := ex.stop
		s.mu.Unlock()
		return &stopExecutionOutput{StopDate: ep(stop)}, nil
	}
	ex.stopReq = &stopRequest{errName: in.Error, cause: in.Cause}
	ex.status, ex.stop = asl.StatusAborted, s.cfg.clock.Now()
	ex.errName, ex.cause = in.Error, in.Cause
	stop, done := ex.stop, ex.done
	if cancel := s.running[ex]; cancel != nil {
		cancel()
	}
	s.mu.Unlock()
	// Give the run a moment to unwind so that the history ends with
	// ExecutionAborted when the caller reads it.
	t := time.NewTimer(stopWaitRealTime)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	case <-ctx.Done():
	}
	return &stopExecutionOutput{StopDate: ep(stop)}, nil
}

type listExecutionsInput struct {
	StateMachineArn *string `json:"stateMachineArn" sfn:"min=1"`
	MapRunArn       *string `json:"mapRunArn" sfn:"min=1"`
	StatusFilter    string  `json:"statusFilter"`
	RedriveFilter   string  `json:"redriveFilter"`
	pageInput
}

func (in *listExecutionsInput) validate() error {
	switch {
	case in.StateMachineArn != nil && in.MapRunArn != nil:
		return validationf("Only one of stateMachineArn or mapRunArn can be specified")
	case in.StateMachineArn == nil && in.MapRunArn == nil:
		return validationf("Must provide a StateMachine ARN or MapRun ARN")
	}
	switch in.StatusFilter {
	case "", statusRunning, asl.StatusSucceeded, asl.StatusFailed, asl.StatusTimedOut, asl.StatusAborted:
	case "PENDING_REDRIVE":
		if in.MapRunArn == nil {
			return validationf("PENDING_REDRIVE status filter requires a mapRunArn")
		}
	default:
		return validationf("1 validation error detected: Value '%s' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]", in.StatusFilter)
	}
	switch in.RedriveFilter {
	case "", "REDRIVEN", "NOT_REDRIVEN":
	default:
		return validationf("1 validation error detected: Value '%s' at 'redriveFilter' failed to satisfy constraint: Member must satisfy enum value set: [REDRIVEN, NOT_REDRIVEN]", in.RedriveFilter)
	}
	return in.pageInput.validate()
}

// listExecutions answers ListExecutions. It runs under s.mu (see locked).
func (s *Server) listExecutions(_ context.Context, in *listExecutionsInput) (*listOutput[executionListItem], error) {
	if in.MapRunArn != nil {
		children, err := s.mapRunChildren(*in.MapRunArn, in.StatusFilter, in.RedriveFilter)
		if err != nil {
			return nil, err
		}
		scope := "ListExecutions:" + *in.MapRunArn + ":" + in.StatusFilter + ":" + in.RedriveFilter
		return listPage(s, "executions", scope, children, func(c executionListItem) string { return c.ExecutionArn }, false,
			in.pageInput, func(c executionListItem) executionListItem { return c })
	}
	r, err := s.resolveMachine(*in.StateMachineArn, kindStateMachine, kindVersion, kindAlias)
	if err != nil {
		return nil, err
	}
	if r.machine.typ == typeExpress {
		return nil, errf("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine")
	}
	var matched []*execution
	for i := len(r.machine.execs) - 1; i >= 0; i-- {
		ex := r.machine.execs[i]
		switch {
		case ex.evicted,
			in.StatusFilter != "" && ex.status != in.StatusFilter,
			in.RedriveFilter == "REDRIVEN" && ex.redriveCount == 0,
			in.RedriveFilter == "NOT_REDRIVEN" && ex.redriveCount > 0,
			r.version != nil && ex.versionArn != r.version.arn,
			r.alias != nil && ex.aliasArn != r.alias.arn:
			continue
		}
		matched = append(matched, ex)
	}
	scope := "ListExecutions:" + *in.StateMachineArn + ":" + in.StatusFilter + ":" + in.RedriveFilter
	return listPage(s, "executions", scope, matched, func(e *execution) string { return seqKey(e.seq) }, true, in.pageInput, (*execution).summary)
}
