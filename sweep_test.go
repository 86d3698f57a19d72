package stepfunctions

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions/internal/sfnops"
)

// executionWorld is a fake account's executions for sweep tests: ListExecutions pages through the running
// ones, newest first, and DescribeExecution describes any of them.
type executionWorld struct {
	mu    sync.Mutex
	order []string // run IDs, oldest first
	runs  map[string]*fakeRun
}

type fakeRun struct {
	machine string
	status  types.ExecutionStatus
	output  string
}

func newExecutionWorld() *executionWorld {
	return &executionWorld{runs: make(map[string]*fakeRun)}
}

const testAccountPrefix = "arn:aws:states:eu-west-1:123456789012:"

// add starts n running executions of machine and returns their run IDs.
func (w *executionWorld) add(machine string, n int) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%sexecution:%s:run-%d", testAccountPrefix, machine, len(w.order))
		w.order = append(w.order, ids[i])
		w.runs[ids[i]] = &fakeRun{machine: testAccountPrefix + "stateMachine:" + machine, status: types.ExecutionStatusRunning}
	}
	return ids
}

// end marks run as succeeded with output.
func (w *executionWorld) end(run string, status types.ExecutionStatus, output string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.runs[run].status, w.runs[run].output = status, output
}

func (w *executionWorld) client(f *fakeClient) *fakeClient {
	f.listExecutions = func(_ context.Context, in *sfn.ListExecutionsInput) (*sfn.ListExecutionsOutput, error) {
		if in.StatusFilter != types.ExecutionStatusRunning || in.MaxResults != 1000 {
			return nil, fmt.Errorf("ListExecutions(%+v): want statusFilter RUNNING and maxResults 1000", in)
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		var matched []types.ExecutionListItem
		for i := len(w.order) - 1; i >= 0; i-- {
			r := w.runs[w.order[i]]
			if r.machine == aws.ToString(in.StateMachineArn) && r.status == types.ExecutionStatusRunning {
				matched = append(matched, types.ExecutionListItem{ExecutionArn: aws.String(w.order[i]), Status: r.status,
					StartDate: aws.Time(time.Unix(1700000000, 0))})
			}
		}
		from := 0
		if in.NextToken != nil {
			from, _ = strconv.Atoi(*in.NextToken)
		}
		to := min(from+int(in.MaxResults), len(matched))
		out := &sfn.ListExecutionsOutput{Executions: matched[from:to]}
		if to < len(matched) {
			out.NextToken = aws.String(strconv.Itoa(to))
		}
		return out, nil
	}
	f.describeExecution = func(_ context.Context, in *sfn.DescribeExecutionInput) (*sfn.DescribeExecutionOutput, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		r, ok := w.runs[aws.ToString(in.ExecutionArn)]
		if !ok {
			return nil, genericErr("ExecutionDoesNotExist")
		}
		out := &sfn.DescribeExecutionOutput{ExecutionArn: in.ExecutionArn, Status: r.status, StartDate: aws.Time(time.Unix(1700000000, 0))}
		if r.status == types.ExecutionStatusSucceeded {
			out.Output = aws.String(r.output)
		}
		return out, nil
	}
	return f
}

// quotaLimits are the documented eu-west-1 refill rates with a burst large enough never to wait in a test:
// the cost model reads the rates.
func quotaLimits() map[string]RateLimit {
	m := unlimited()
	m[sfnops.DescribeExecution] = RateLimit{PerSecond: 15, Burst: 1 << 20}
	m[sfnops.ListExecutions] = RateLimit{PerSecond: 5, Burst: 1 << 20}
	return m
}

func refsOf(ids []string, params []Parameter) []RunRef {
	refs := make([]RunRef, len(ids))
	for i, id := range ids {
		refs[i] = RunRef{RunID: id, Parameters: params}
	}
	return refs
}

// checkAllRunning fails t, naming the results by what, unless every result of p's GetPipelineRunStatuses for ids
// (without parameters) is Running.
func checkAllRunning(t *testing.T, p *Provider, what string, ids []string) {
	t.Helper()
	for i, r := range p.GetPipelineRunStatuses(context.Background(), refsOf(ids, nil)) {
		if r.Err != nil || r.Status.State != RunStateRunning {
			t.Errorf("%s: result %d = %+v, want Running", what, i, r)
		}
	}
}

// checkSweepCalls fails t unless f was asked ListExecutions list times and DescribeExecution describe times; what
// names the calls and want says why those counts.
func checkSweepCalls(t *testing.T, f *fakeClient, what string, list, describe int, want string) {
	t.Helper()
	if l, d := f.count("ListExecutions"), f.count("DescribeExecution"); l != list || d != describe {
		t.Errorf("%s: %d ListExecutions, %d DescribeExecution; want %s", what, l, d, want)
	}
}

var outParam = []Parameter{{Name: "total", Direction: DirectionOutput, DataType: DataTypeNumber}}

func TestGetPipelineRunStatusesListsOnceAndDescribesTheEnded(t *testing.T) {
	w := newExecutionWorld()
	ids := w.add("orders", 10)
	w.add("orders", 50) // running executions nobody tracks
	w.end(ids[3], types.ExecutionStatusSucceeded, `{"total": 3}`)
	w.end(ids[7], types.ExecutionStatusFailed, "")
	f := w.client(&fakeClient{})
	p := testProvider(t, f, Config{RateLimits: quotaLimits()}, nil)

	got := p.GetPipelineRunStatuses(context.Background(), refsOf(ids, outParam))
	if len(got) != len(ids) {
		t.Fatalf("GetPipelineRunStatuses() returned %d results, want %d", len(got), len(ids))
	}
	for i, r := range got {
		want := RunStateRunning
		switch i {
		case 3:
			want = RunStateSuccess
		case 7:
			want = RunStateFailed
		}
		if r.Err != nil || r.Status.State != want || r.Status.RunID != ids[i] {
			t.Errorf("result %d = %+v, want %s of %s", i, r, want, ids[i])
		}
	}
	if v := got[3].Status.Parameters[0].Value; v != "3" {
		t.Errorf("output total of the succeeded run = %q, want 3", v)
	}
	checkSweepCalls(t, f, "calls", 1, 2, "1 and 2 (the ended runs)")
}

func TestGetPipelineRunStatusesDescribesFewRuns(t *testing.T) {
	// One page costs three describes at 15/s against 5/s: three tracked runs are cheaper described.
	w := newExecutionWorld()
	ids := w.add("orders", 3)
	f := w.client(&fakeClient{})
	p := testProvider(t, f, Config{RateLimits: quotaLimits()}, nil)
	checkAllRunning(t, p, "tracked", ids)
	checkSweepCalls(t, f, "calls", 0, 3, "0 and 3")
	// Four running runs: one page (1/5 s) beats four describes (4/15 s).
	more := w.add("orders", 1)
	ids = append(ids, more...)
	p.GetPipelineRunStatuses(context.Background(), refsOf(ids, nil))
	checkSweepCalls(t, f, "calls after a sweep of four", 1, 3, "1 and 3")
}

func TestGetPipelineRunStatusesPagesPastOneThousand(t *testing.T) {
	w := newExecutionWorld()
	oldest := w.add("orders", 5) // listed last: newest first
	w.add("orders", 2495)
	newest := w.add("orders", 5)
	f := w.client(&fakeClient{})
	p := testProvider(t, f, Config{RateLimits: quotaLimits()}, nil)

	checkAllRunning(t, p, "newest", newest)
	if l := f.count("ListExecutions"); l != 1 {
		t.Errorf("tracking the newest runs read %d pages, want 1 (the walk stops once every tracked run is seen)", l)
	}
	// The last walk stopped after 1,000 of 2,505 running: the cost model now expects at least one page, and
	// 10 runs still pay for it.
	tracked := append(slices.Clone(newest), oldest...)
	checkAllRunning(t, p, "newest and oldest", tracked)
	checkSweepCalls(t, f, "calls", 1+3, 0, "1+3 pages and 0")
}

func TestGetPipelineRunStatusesRunEndingBetweenListAndDescribe(t *testing.T) {
	w := newExecutionWorld()
	ids := w.add("orders", 6)
	f := w.client(&fakeClient{})
	list := f.listExecutions
	f.listExecutions = func(ctx context.Context, in *sfn.ListExecutionsInput) (*sfn.ListExecutionsOutput, error) {
		out, err := list(ctx, in)
		// The listing misses run 0, which is still running (ListExecutions is best effort), and run 1, which
		// ends after the listing and before its describe.
		out.Executions = slices.DeleteFunc(out.Executions, func(e types.ExecutionListItem) bool {
			return aws.ToString(e.ExecutionArn) == ids[0] || aws.ToString(e.ExecutionArn) == ids[1]
		})
		w.end(ids[1], types.ExecutionStatusSucceeded, `{"total": 1}`)
		return out, err
	}
	p := testProvider(t, f, Config{RateLimits: quotaLimits()}, nil)
	got := p.GetPipelineRunStatuses(context.Background(), refsOf(ids, outParam))
	if got[0].Err != nil || got[0].Status.State != RunStateRunning {
		t.Errorf("run missing from the listing but running = %+v, want Running", got[0])
	}
	if got[1].Err != nil || got[1].Status.State != RunStateSuccess || got[1].Status.Parameters[0].Value != "1" {
		t.Errorf("run ended between list and describe = %+v, want Success with total 1", got[1])
	}
	if d := f.count("DescribeExecution"); d != 2 {
		t.Errorf("%d DescribeExecution calls, want 2", d)
	}
}

func TestGetPipelineRunStatusesEventualConsistency(t *testing.T) {
	w := newExecutionWorld()
	ids := w.add("orders", 5)
	now := time.Now()
	f := w.client(&fakeClient{})
	f.startExecution = func(_ context.Context, in *sfn.StartExecutionInput) (*sfn.StartExecutionOutput, error) {
		return &sfn.StartExecutionOutput{StartDate: aws.Time(now),
			ExecutionArn: aws.String(testAccountPrefix + "execution:orders:" + aws.ToString(in.Name))}, nil
	}
	p := testProvider(t, f, Config{RateLimits: quotaLimits()}, &now)
	run, err := p.ExecutePipeline(context.Background(), Job{ID: testAccountPrefix + "stateMachine:orders", Type: TypeStandard}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Neither listed nor describable yet.
	got := p.GetPipelineRunStatuses(context.Background(), refsOf(append(ids, run.RunID), nil))
	if r := got[5]; r.Err != nil || r.Status.State != RunStateRunning {
		t.Errorf("a run just started = %+v, want Running", r)
	}
	now = now.Add(time.Hour)
	got = p.GetPipelineRunStatuses(context.Background(), refsOf(append(ids, run.RunID), nil))
	if r := got[5]; !errors.Is(r.Err, ErrRunNotFound) {
		t.Errorf("a run never seen an hour after its start = %+v, want ErrRunNotFound", r)
	}
	for _, r := range got[:5] {
		if r.Err != nil || r.Status.State != RunStateRunning {
			t.Errorf("result = %+v, want Running", r)
		}
	}
}

func TestGetPipelineRunStatusesMixedRefs(t *testing.T) {
	w := newExecutionWorld()
	ids := w.add("orders", 4)
	w.end(ids[0], types.ExecutionStatusSucceeded, `{"total": 7, "other": "x"}`)
	child := testAccountPrefix + "execution:orders/map1:child-1"
	f := w.client(&fakeClient{})
	describe := f.describeExecution
	f.describeExecution = func(ctx context.Context, in *sfn.DescribeExecutionInput) (*sfn.DescribeExecutionOutput, error) {
		if aws.ToString(in.ExecutionArn) == child {
			return &sfn.DescribeExecutionOutput{Status: types.ExecutionStatusFailed, Error: aws.String("States.TaskFailed")}, nil
		}
		return describe(ctx, in)
	}
	p := testProvider(t, f, Config{RateLimits: unlimited()}, nil)
	other := []Parameter{{Name: "other", Direction: DirectionOutput}}
	refs := []RunRef{
		{RunID: ids[0], Parameters: outParam},
		{RunID: "not-an-arn"},
		{RunID: ids[0], Parameters: other}, // the same run with other parameters
		{RunID: child},
		{RunID: "arn:aws:states:us-east-1:123456789012:execution:orders:x"}, // another region
		{RunID: testAccountPrefix + "express:orders:x:1234"},                // an Express run this Provider never ran
		{RunID: ids[1]},
	}
	got := p.GetPipelineRunStatuses(context.Background(), refs)
	if got[0].Err != nil || got[0].Status.Parameters[0].Value != "7" {
		t.Errorf("ref 0 = %+v, want total 7", got[0])
	}
	if got[2].Err != nil || got[2].Status.Parameters[0].Value != "x" {
		t.Errorf("ref 2 (same run, other parameters) = %+v, want other x", got[2])
	}
	for _, i := range []int{1, 4} {
		if !errors.Is(got[i].Err, ErrInvalidInput) {
			t.Errorf("ref %d = %+v, want ErrInvalidInput", i, got[i])
		}
	}
	if got[3].Err != nil || got[3].Status.State != RunStateFailed {
		t.Errorf("map run child = %+v, want Failed", got[3])
	}
	if !errors.Is(got[5].Err, ErrRunNotFound) {
		t.Errorf("unknown Express run = %+v, want ErrRunNotFound", got[5])
	}
	if got[6].Err != nil || got[6].Status.State != RunStateRunning {
		t.Errorf("ref 6 = %+v, want Running", got[6])
	}
	// The map run child and the run that ended are described once each.
	if d := f.count("DescribeExecution"); d != 2 {
		t.Errorf("%d DescribeExecution calls, want 2", d)
	}
}

func TestGetPipelineRunStatusesListingRefused(t *testing.T) {
	w := newExecutionWorld()
	ids := w.add("orders", 8)
	f := w.client(&fakeClient{})
	f.listExecutions = func(context.Context, *sfn.ListExecutionsInput) (*sfn.ListExecutionsOutput, error) {
		return nil, genericErr("AccessDeniedException")
	}
	p := testProvider(t, f, Config{RateLimits: quotaLimits()}, nil)
	for i := range 2 {
		checkAllRunning(t, p, fmt.Sprintf("sweep %d", i+1), ids)
	}
	checkSweepCalls(t, f, "calls", 1, 16, "1 (refused, not tried again) and 16")
}

func TestGetPipelineRunStatusesCancelled(t *testing.T) {
	w := newExecutionWorld()
	ids := w.add("orders", 8)
	f := w.client(&fakeClient{})
	p := testProvider(t, f, Config{RateLimits: quotaLimits()}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, r := range p.GetPipelineRunStatuses(ctx, refsOf(ids, nil)) {
		if !errors.Is(r.Err, context.Canceled) {
			t.Errorf("result = %+v, want context.Canceled", r)
		}
	}
	if n := f.count("ListExecutions") + f.count("DescribeExecution"); n != 0 {
		t.Errorf("%d calls after cancellation, want 0", n)
	}
	// Cancelled while listing: the runs still waiting fail with the context's error.
	ctx, cancel = context.WithCancel(context.Background())
	list := f.listExecutions
	f.listExecutions = func(c context.Context, in *sfn.ListExecutionsInput) (*sfn.ListExecutionsOutput, error) {
		cancel()
		return list(c, in)
	}
	for _, r := range p.GetPipelineRunStatuses(ctx, refsOf(ids, nil)) {
		if r.Err == nil && r.Status.State != RunStateRunning {
			t.Errorf("result = %+v, want Running or an error", r)
		}
	}
}

// A DescribeExecution that two callers share must not fail the one still waiting because the other gave up: a
// host's GetPipelineRunStatuses whose request was cancelled left every WaitPipelineRun round that shared its
// describe with context.Canceled, which is not retryable and ended those waits.
func TestGetPipelineRunStatusesSharedDescribeOutlivesACancelledCaller(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newExecutionWorld()
		ids := w.add("orders", 1)
		w.end(ids[0], types.ExecutionStatusSucceeded, `{"total": 3}`)
		f := w.client(&fakeClient{})
		f.describeExecution = firstCallUntilCancelled(f.describeExecution)
		p := testProvider(t, f, Config{RateLimits: quotaLimits()}, nil) // one run: described, not listed
		first, second := statusesBesideACancelledCaller(p, refsOf(ids, outParam))
		if r := first[0]; !errors.Is(r.Err, context.Canceled) {
			t.Errorf("cancelled caller's result = %+v, want context.Canceled", r)
		}
		r := second[0]
		if r.Err != nil || r.Status.State != RunStateSuccess || r.Status.Parameters[0].Value != "3" {
			t.Errorf("other caller's result = %+v, %v; want Success with total 3", r.Status, r.Err)
		}
	})
}

// A ListExecutions walk that two callers share must not leave the one still waiting to describe its runs one by
// one because the other gave up: a host's GetPipelineRunStatuses whose request was cancelled cut the walk short,
// and every WaitPipelineRun round sharing it spent a DescribeExecution per tracked run (minutes of the bucket for
// thousands of runs) where one page would do.
func TestGetPipelineRunStatusesSharedListingOutlivesACancelledCaller(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newExecutionWorld()
		ids := w.add("orders", 100)
		f := w.client(&fakeClient{})
		f.listExecutions = firstCallUntilCancelled(f.listExecutions)
		p := testProvider(t, f, Config{RateLimits: quotaLimits()}, nil)
		_, second := statusesBesideACancelledCaller(p, refsOf(ids, nil))
		for i, r := range second {
			if r.Err != nil || r.Status.State != RunStateRunning {
				t.Errorf("other caller's result %d = %+v, want Running", i, r)
			}
		}
		checkSweepCalls(t, f, "after the sharing caller gave up", 2, 0, "the walk made again, no describe")
	})
}

// The share of ended runs that one sweep saw must not decide alone how a much larger sweep of the same machine is
// made: a WaitPipelineRun round (or a host's GetPipelineRunStatuses) that looked at one run, which had ended, made
// the next sweep describe each of 1,000 running runs (67 s of the DescribeExecution bucket) where one page listed
// them all.
func TestGetPipelineRunStatusesOneEndedRunDoesNotPriceALargeSweep(t *testing.T) {
	w := newExecutionWorld()
	ids := w.add("orders", 1001)
	w.end(ids[0], types.ExecutionStatusSucceeded, `{"total": 1}`)
	f := w.client(&fakeClient{})
	p := testProvider(t, f, Config{RateLimits: quotaLimits()}, nil)
	if r := p.GetPipelineRunStatuses(context.Background(), refsOf(ids[:1], nil))[0]; r.Err != nil || r.Status.State != RunStateSuccess {
		t.Fatalf("ended run: %+v, want Success", r)
	}
	checkSweepCalls(t, f, "one ended run", 0, 1, "it described")
	checkAllRunning(t, p, "1,000 running runs", ids[1:])
	checkSweepCalls(t, f, "one ended run, then 1,000 running runs", 1, 1, "one page for the 1,000")
}

// statusesBesideACancelledCaller asks p for the statuses of refs from two callers at once, inside a synctest
// bubble: the first caller's calls are in flight when the second joins and shares them, and the first then gives
// up. It returns both callers' results.
func statusesBesideACancelledCaller(p *Provider, refs []RunRef) (cancelled, other []RunResult) {
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan []RunResult, 1)
	go func() { first <- p.GetPipelineRunStatuses(ctx, refs) }()
	synctest.Wait() // the first caller's call is in flight
	second := make(chan []RunResult, 1)
	go func() { second <- p.GetPipelineRunStatuses(context.Background(), refs) }()
	synctest.Wait() // the second caller shares it
	cancel()
	return <-first, <-second
}

// firstCallUntilCancelled returns call, except that its first call lasts until its ctx ends, as the SDK's call of a
// caller that gives up does.
func firstCallUntilCancelled[In, Out any](call func(context.Context, In) (Out, error)) func(context.Context, In) (Out, error) {
	var calls atomic.Int32
	return func(ctx context.Context, in In) (Out, error) {
		if calls.Add(1) == 1 {
			<-ctx.Done()
			var zero Out
			return zero, ctx.Err()
		}
		return call(ctx, in)
	}
}
