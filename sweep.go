package stepfunctions

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"golang.org/x/sync/errgroup"

	"github.com/polysync/stepfunctions/internal/sfnarn"
	"github.com/polysync/stepfunctions/internal/sfnops"
)

// RunRef names a run to look up, with the parameters its outputs are applied to.
type RunRef struct {
	RunID      string
	Parameters []Parameter
}

// RunResult is one run's status, or the error that kept it from being known.
type RunResult struct {
	Status RunStatus
	Err    error
}

const (
	// executionPageSize is the largest ListExecutions page Step Functions serves.
	executionPageSize = 1000
	// listRetryAfter is how long a state machine whose listing was refused is described run by run before
	// listing is tried again.
	listRetryAfter = 15 * time.Minute
	// sweepStatsCapacity bounds the state machines whose listing statistics are kept.
	sweepStatsCapacity = 10000
)

// GetPipelineRunStatuses returns one RunResult per ref, in order: for each, what GetPipelineRunStatus would
// return, at a fraction of the API calls.
//
// # How runs are looked up
//
// Runs are grouped by state machine (a run started through a version or alias belongs to its state machine,
// whose unqualified ARN lists it). For each state machine the cheaper of two routes is taken:
//
//   - describe: one DescribeExecution per tracked run;
//   - list: ListExecutions with statusFilter RUNNING, 1,000 executions a page, newest first, stopping as soon as
//     every tracked run of the machine has been seen. A tracked run seen there is Running, with no further call.
//     One that is not has ended (or is not listed yet: ListExecutions is eventually consistent) and is
//     described, which gives its output, error and cause, and the NotFoundGrace treatment of GetPipelineRunStatus.
//
// # Cost model
//
// Both routes spend quota time: a call of an API costs 1/r seconds of its bucket's refill rate r (the
// client-side rate limits, which follow the documented quotas). For a machine with k tracked runs, d of which
// have ended, and p pages of running executions to read,
//
//	describe costs  k / r(DescribeExecution)
//	list costs      p / r(ListExecutions) + d / r(DescribeExecution)
//
// so the list route wins when p * r(DescribeExecution) / r(ListExecutions) < k - d. With the documented
// quotas the ratio is 3 (15/s against 5/s) in the largest regions and 5 (10/s against 2/s) elsewhere: one
// page pays for itself from 4 (or 6) tracked runs still running. p is estimated from the number of running
// executions the last listing of the machine saw (one page the first time) and d from the last sweep of the
// machine: the share of its tracked runs that had ended, but no more runs than had ended then (a sweep of one
// ended run says little of a thousand others, and listing when d was overestimated costs p pages at most). A machine whose listing failed (for example
// without states:ListExecutions) is described run by run for 15 minutes before listing is tried again, and
// the failure is logged.
//
// Express runs are answered as GetPipelineRunStatus says: from the result store, with no call, and those whose
// end it does not hold from their state machines' CloudWatch Logs, with one FilterLogEvents query (and its pages)
// per log group for all of them, plus one DescribeStateMachine per state machine every 15 minutes. Distributed Map
// children (which are listed by Map Run, not by state machine) are described one by one. Concurrent calls, and concurrent
// WaitPipelineRun calls, share listings and descriptions in flight. Refs naming the same run share one
// lookup. A ref with an invalid run ID gets ErrInvalidInput in its result; the others are still looked up.
func (p *Provider) GetPipelineRunStatuses(ctx context.Context, runs []RunRef) (results []RunResult) {
	const op = "GetPipelineRunStatuses"
	if opOf(ctx) == "" {
		ctx = withOp(ctx, op)
	}
	ctx, span := p.startSpan(ctx, op)
	defer span.end(nil, &results)
	results = make([]RunResult, len(runs))
	views := make(map[string]*runLookup) // by run ID
	var order []string                   // run IDs in first-seen order
	var express expressRefs
	for i, r := range runs {
		a, err := p.parseRunID(op, r.RunID)
		if err != nil {
			results[i].Err = err
			continue
		}
		if a.Kind == sfnarn.Express && !a.MapRunChild() {
			express.add(i, r.RunID, a)
			continue
		}
		l, ok := views[r.RunID]
		if !ok {
			l = &runLookup{runID: r.RunID, arn: a}
			views[r.RunID] = l
			order = append(order, r.RunID)
		}
		l.refs = append(l.refs, i)
	}
	if err := ctx.Err(); err != nil {
		for _, l := range views {
			l.err = &Error{Op: op, Resource: l.runID, Err: err}
		}
		for _, l := range express.lookup {
			l.err = &Error{Op: op, Resource: l.runID, Err: err}
		}
	} else {
		var wg sync.WaitGroup
		wg.Go(func() { p.expressStatuses(ctx, express.lookup) })
		p.sweep(ctx, views, order)
		wg.Wait()
	}
	for _, l := range express.lookup {
		for _, i := range l.refs {
			results[i].Status, results[i].Err = l.statusOf(runs[i].Parameters)
		}
	}
	for _, l := range views {
		for _, i := range l.refs {
			if l.err != nil {
				results[i].Err = l.err
			} else {
				results[i].Status = l.view.status(runs[i].Parameters)
			}
		}
	}
	return results
}

// runLookup is one distinct run of a sweep: where its result goes and, once looked up, its view or error.
type runLookup struct {
	runID string
	arn   sfnarn.ARN
	refs  []int // indices of the refs naming the run
	view  runView
	err   error
}

// sweep looks up every run of views: by machine, listing or describing as the cost model says, and describing
// whatever a listing did not show running.
func (p *Provider) sweep(ctx context.Context, views map[string]*runLookup, order []string) {
	byMachine := make(map[string][]*runLookup)
	var machines []string
	var describe []*runLookup
	for _, id := range order {
		l := views[id]
		if l.arn.MapRunChild() {
			describe = append(describe, l)
			continue
		}
		m := l.arn.Base().String()
		if _, ok := byMachine[m]; !ok {
			machines = append(machines, m)
		}
		byMachine[m] = append(byMachine[m], l)
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.discoveryConcurrency)
	for _, m := range machines {
		tracked := byMachine[m]
		if !p.sweeps.preferList(m, len(tracked), p.listCostRatio(), p.now()) {
			mu.Lock()
			describe = append(describe, tracked...)
			mu.Unlock()
			continue
		}
		g.Go(func() error {
			rest := p.listRunning(gctx, m, tracked)
			mu.Lock()
			describe = append(describe, rest...)
			mu.Unlock()
			return nil
		})
	}
	_ = g.Wait() // the goroutines report through the lookups, never through the group
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(p.discoveryConcurrency)
	for _, l := range describe {
		g.Go(func() error {
			l.view, l.err = p.describeShared(gctx, l.runID, l.arn)
			return nil
		})
	}
	_ = g.Wait()
	for _, m := range machines {
		ended := 0
		for _, l := range byMachine[m] {
			if l.err == nil && l.view.sfnStatus != string(types.ExecutionStatusRunning) {
				ended++
			}
		}
		p.sweeps.recordEnded(m, ended, len(byMachine[m]))
	}
}

// listCostRatio is how many DescribeExecution calls one ListExecutions page costs in quota time, at the
// client-side rates in force.
func (p *Provider) listCostRatio() float64 {
	d, l := p.limiters[sfnops.DescribeExecution].Limit(), p.limiters[sfnops.ListExecutions].Limit()
	if math.IsInf(float64(l), 1) || l <= 0 {
		return 0 // unlimited listing: a page costs no quota time
	}
	if math.IsInf(float64(d), 1) {
		return math.Inf(1)
	}
	return float64(d) / float64(l)
}

// listRunning marks the tracked runs of machine that its running-execution listing shows, and returns the
// others, which need a DescribeExecution. On a listing error it returns every tracked run not yet seen.
func (p *Provider) listRunning(ctx context.Context, machine string, tracked []*runLookup) []*runLookup {
	want := make(map[string]*runLookup, len(tracked))
	for _, l := range tracked {
		want[l.runID] = l
	}
	res := p.listFlight(ctx, machine, want)
	var rest []*runLookup
	for _, l := range tracked {
		if item, ok := res.running[l.runID]; ok {
			l.view = runView{runID: l.runID, sfnStatus: string(item.Status),
				started: aws.ToTime(item.StartDate), stopped: aws.ToTime(item.StopDate),
				details: listItemDetails(item)}
			continue
		}
		rest = append(rest, l)
	}
	return rest
}

// listing is what one walk through a machine's running executions saw.
type listing struct {
	running map[string]types.ExecutionListItem
	// cancelled: the walk stopped because the ctx it ran with ended.
	cancelled bool
}

// listFlight lists machine's running executions until every run in want has been seen or the list ends.
// Concurrent callers for the same machine share one walk: a caller whose runs the shared walk stopped short
// of describes them instead, which costs what its own walk would have saved at most. The shared walk runs with
// the ctx of the caller that made it: when that caller gives up, a caller whose ctx is still live walks again
// instead of describing its runs one by one.
func (p *Provider) listFlight(ctx context.Context, machine string, want map[string]*runLookup) listing {
	for {
		var led bool // whether this caller's function ran, with its own ctx
		v, _, _ := p.listGroup.Do(machine, func() (any, error) {
			led = true
			return p.listMachine(ctx, machine, want), nil
		})
		if res := v.(listing); led || !res.cancelled || ctx.Err() != nil {
			return res
		}
	}
}

// listMachine walks machine's running executions, newest first, until every run in want has been seen.
func (p *Provider) listMachine(ctx context.Context, machine string, want map[string]*runLookup) listing {
	res := listing{running: make(map[string]types.ExecutionListItem)}
	if p.sweeps.listingDisabled(machine, p.now()) {
		return res
	}
	pager := sfn.NewListExecutionsPaginator(p.client, &sfn.ListExecutionsInput{
		StateMachineArn: aws.String(machine), StatusFilter: types.ExecutionStatusRunning, MaxResults: executionPageSize,
	})
	seen, found := 0, 0
	for pager.HasMorePages() {
		page, err := callPage(ctx, p, sfnops.ListExecutions, machine, pager)
		if err != nil {
			res.cancelled = ctx.Err() != nil
			if ctx.Err() == nil && !IsRetryable(err) {
				// A permanent refusal: describe this machine's runs one by one from now on.
				if p.sweeps.disableListing(machine, p.now()) {
					p.log.LogAttrs(ctx, slog.LevelWarn, "cannot list executions, tracking its runs one DescribeExecution each for a while",
						slog.String("stateMachine", machine), slog.String("error", err.Error()))
				}
			}
			return res
		}
		for _, item := range page.Executions {
			seen++
			arn := aws.ToString(item.ExecutionArn)
			res.running[arn] = item
			if _, ok := want[arn]; ok {
				found++
			}
		}
		if found == len(want) {
			break
		}
	}
	p.sweeps.recordRunning(machine, seen, !pager.HasMorePages())
	return res
}

// describeShared describes one run; concurrent callers for the same run share one DescribeExecution. The shared
// call runs with the ctx of the caller that made it: when that caller gives up (its ctx ends), a caller whose ctx
// is still live describes the run again instead of failing with the other's context error.
func (p *Provider) describeShared(ctx context.Context, runID string, a sfnarn.ARN) (runView, error) {
	for {
		var led bool // whether this caller's function ran, with its own ctx
		v, err, _ := p.describeGroup.Do(runID, func() (any, error) {
			led = true
			return p.describeRun(ctx, runID, a)
		})
		if err != nil {
			if !led && ctx.Err() == nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
				continue // the caller that made the call gave up; this one has not
			}
			return runView{}, err
		}
		return v.(runView), nil
	}
}

// sweepStats is what earlier sweeps learnt about each state machine, for the cost model.
type sweepStats struct {
	mu       sync.Mutex
	machines *lru[string, machineStats]
}

// machineStats is what earlier sweeps saw of one state machine.
type machineStats struct {
	running    int     // running executions the last listing saw (a lower bound when it stopped early)
	endedShare float64 // share of tracked runs that had ended in the last sweep
	ended      int     // tracked runs that had ended in the last sweep
	// listDisabledUntil is set when a listing failed for a reason other than throttling or cancellation
	// (such as a missing states:ListExecutions permission): until then, runs are described one by one.
	listDisabledUntil time.Time
}

func newSweepStats(capacity int) *sweepStats {
	return &sweepStats{machines: newLRU[string, machineStats](capacity)}
}

// preferList applies the cost model: list machine's running executions rather than describe its k tracked
// runs one each, when a page costs ratio describes.
func (s *sweepStats) preferList(machine string, k int, ratio float64, now time.Time) bool {
	s.mu.Lock()
	st, _ := s.machines.get(machine)
	s.mu.Unlock()
	if now.Before(st.listDisabledUntil) {
		return false
	}
	pages := max(1, (st.running+executionPageSize-1)/executionPageSize)
	expectedEnded := min(st.endedShare*float64(k), float64(st.ended))
	return float64(pages)*ratio < float64(k)-expectedEnded
}

func (s *sweepStats) update(machine string, f func(*machineStats)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, _ := s.machines.get(machine)
	f(&st)
	s.machines.put(machine, st)
}

func (s *sweepStats) recordRunning(machine string, seen int, complete bool) {
	s.update(machine, func(st *machineStats) {
		if complete || seen > st.running {
			st.running = seen
		}
	})
}

func (s *sweepStats) recordEnded(machine string, ended, tracked int) {
	if tracked == 0 {
		return
	}
	s.update(machine, func(st *machineStats) { st.endedShare, st.ended = float64(ended)/float64(tracked), ended })
}

func (s *sweepStats) listingDisabled(machine string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, _ := s.machines.get(machine)
	return now.Before(st.listDisabledUntil)
}

// disableListing describes machine's runs one by one for listRetryAfter from now, and reports whether listing
// was enabled until now.
func (s *sweepStats) disableListing(machine string, now time.Time) bool {
	was := false
	s.update(machine, func(st *machineStats) {
		was = !now.Before(st.listDisabledUntil)
		st.listDisabledUntil = now.Add(listRetryAfter)
	})
	return was
}
