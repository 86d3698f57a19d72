package stepfunctions

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/google/uuid"

	"github.com/polysync/stepfunctions/expressstore"
	"github.com/polysync/stepfunctions/internal/cwlogs"
)

// logsWorld is a fake Step Functions whose Express state machines log, at the level each was created with, to an
// in-memory CloudWatch Logs served over HTTP, which the Provider reads with the real SDK client.
type logsWorld struct {
	t        *testing.T
	fake     *fakeClient
	svc      *cwlogs.Service
	url      string
	mu       sync.Mutex
	machines map[string]types.LoggingConfiguration // by state machine name
	started  []string                              // run IDs StartExecution made
}

const worldAccount = "111122223333"

func newLogsWorld(t *testing.T, opts cwlogs.Options) *logsWorld {
	t.Helper()
	w := &logsWorld{t: t, machines: map[string]types.LoggingConfiguration{}}
	w.svc, w.url = startLocalLogs(t, opts)
	w.fake = &fakeClient{
		describeStateMachine: func(_ context.Context, in *sfn.DescribeStateMachineInput) (*sfn.DescribeStateMachineOutput, error) {
			name := aws.ToString(in.StateMachineArn)[strings.LastIndex(aws.ToString(in.StateMachineArn), ":")+1:]
			w.mu.Lock()
			defer w.mu.Unlock()
			lc, ok := w.machines[name]
			if !ok {
				return nil, genericErr("StateMachineDoesNotExist")
			}
			return &sfn.DescribeStateMachineOutput{StateMachineArn: in.StateMachineArn, Name: aws.String(name),
				Type: types.StateMachineTypeExpress, LoggingConfiguration: &lc}, nil
		},
		startExecution: func(_ context.Context, in *sfn.StartExecutionInput) (*sfn.StartExecutionOutput, error) {
			sm := aws.ToString(in.StateMachineArn)
			arn := strings.Replace(sm, ":stateMachine:", ":express:", 1) + ":" + aws.ToString(in.Name) + ":" + uuid.NewString()
			w.mu.Lock()
			w.started = append(w.started, arn)
			w.mu.Unlock()
			return &sfn.StartExecutionOutput{ExecutionArn: &arn, StartDate: aws.Time(time.Now())}, nil
		},
	}
	return w
}

// machine adds an Express state machine logging at level (with or without execution data) to log group group and
// returns its ARN; level "" means no logging configuration.
func (w *logsWorld) machine(name string, level types.LogLevel, data bool, group string) string {
	w.t.Helper()
	lc := types.LoggingConfiguration{Level: level, IncludeExecutionData: data}
	if group != "" {
		if !w.svc.HasLogGroup(group) {
			if err := w.svc.CreateLogGroup(group); err != nil {
				w.t.Fatal(err)
			}
		}
		lc.Destinations = []types.LogDestination{{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{
			LogGroupArn: aws.String("arn:aws:logs:eu-west-1:" + worldAccount + ":log-group:" + group + ":*")}}}
	}
	if level == "" {
		lc.Level = types.LogLevelOff
	}
	w.mu.Lock()
	w.machines[name] = lc
	w.mu.Unlock()
	return "arn:aws:states:eu-west-1:" + worldAccount + ":stateMachine:" + name
}

// provider returns a Provider on the fake Step Functions that reads the logs; store nil means a fresh memory store.
func (w *logsWorld) provider(cfg Config) (*Provider, *countingLogs) {
	w.t.Helper()
	p := testProvider(w.t, w.fake, cfg, nil)
	logs := &countingLogs{logsAPI: newLogsClient(testLogsConfig(), w.url)}
	p.logs = logs
	return p, logs
}

// end logs a run's end as its state machine's logging does: ExecutionStarted, then typ with details.
func (w *logsWorld) end(runID string, started time.Time, typ string, details map[string]any) {
	w.t.Helper()
	machine := strings.Split(runID, ":")[6]
	w.mu.Lock()
	lc := w.machines[machine]
	w.mu.Unlock()
	if len(lc.Destinations) == 0 {
		return
	}
	group := strings.TrimSuffix(strings.SplitN(aws.ToString(lc.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn), ":", 7)[6], ":*")
	stream := cwlogs.LogStreamName(machine, started, []byte(runID[len(runID)-4:]))
	for i, e := range []cwlogs.ExecutionEvent{
		{ID: 1, Type: "ExecutionStarted", Timestamp: started, Details: map[string]any{"input": `{}`}},
		{ID: 2, PreviousEventID: 1, Type: typ, Timestamp: started.Add(2 * time.Second), Details: details},
	} {
		e.ExecutionARN = runID
		if err := w.svc.LogExecutionEvent(group, stream, cwlogs.Level(lc.Level), lc.IncludeExecutionData, e); err != nil {
			w.t.Fatalf("event %d of %s: %v", i, runID, err)
		}
	}
}

// succeededRuns makes n runs of arn, started at first and then step apart, run i succeeding with output total i, and
// returns their refs asking for totalParams.
func (w *logsWorld) succeededRuns(arn string, first time.Time, step time.Duration, n int) []RunRef {
	w.t.Helper()
	var refs []RunRef
	for i := range n {
		started := first.Add(time.Duration(i) * step)
		run := runOf(arn, nameAt(started))
		w.end(run, started, "ExecutionSucceeded", map[string]any{"output": fmt.Sprintf(`{"total":%d}`, i)})
		refs = append(refs, RunRef{RunID: run, Parameters: totalParams})
	}
	return refs
}

// nameAt returns a Polysync-<UUIDv7> execution name carrying time t.
func nameAt(t time.Time) string {
	id := uuid.New()
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(t.UnixMilli()))
	copy(id[:6], ms[2:])
	id[6] = 0x70 | id[6]&0x0f
	return namePrefix + id.String()
}

// runOf returns the ARN of an Express run of machineARN called name.
func runOf(machineARN, name string) string {
	return strings.Replace(machineARN, ":stateMachine:", ":express:", 1) + ":" + name + ":" + uuid.NewString()
}

var totalParams = []Parameter{{Name: "total", Direction: DirectionOutput, DataType: DataTypeNumber}}

func TestExpressRecoveredFromLogs(t *testing.T) {
	w := newLogsWorld(t, cwlogs.Options{})
	orders := w.machine("orders", types.LogLevelAll, true, "/aws/vendedlogs/states/orders")
	now := time.Now()
	ok := runOf(orders, nameAt(now.Add(-2*time.Minute)))
	failed := runOf(orders, nameAt(now.Add(-time.Minute)))
	young := runOf(orders, nameAt(now.Add(-time.Minute)))
	old := runOf(orders, nameAt(now.Add(-time.Hour)))
	w.end(ok, now.Add(-2*time.Minute), "ExecutionSucceeded", map[string]any{"output": `{"total":42}`})
	w.end(failed, now.Add(-time.Minute), "ExecutionFailed", map[string]any{"error": "States.TaskFailed", "cause": "boom"})

	// A fresh Provider with its own (empty) store: another replica, or this host after a restart.
	p, logs := w.provider(Config{})
	ctx := context.Background()
	st, err := p.GetPipelineRunStatus(ctx, ok, totalParams)
	if err != nil || st.State != RunStateSuccess || st.Parameters[0].Value != "42" || st.StartedAt.IsZero() || st.StoppedAt.IsZero() {
		t.Fatalf("GetPipelineRunStatus(logged success) = %+v, %v; want Success with total 42 and its times", st, err)
	}
	calls := logs.calls.Load()
	if again, err := p.GetPipelineRunStatus(ctx, ok, totalParams); err != nil || again.Parameters[0].Value != "42" {
		t.Errorf("GetPipelineRunStatus(again) = %+v, %v", again, err)
	}
	if n := logs.calls.Load() - calls; n != 0 {
		t.Errorf("the second lookup made %d FilterLogEvents calls, want 0 (the store holds the recovered result)", n)
	}
	if st, err := p.GetPipelineRunStatus(ctx, failed, totalParams); err != nil || st.State != RunStateFailed ||
		st.Error != "States.TaskFailed" || !strings.Contains(st.Message, "boom") {
		t.Errorf("GetPipelineRunStatus(logged failure) = %+v, %v; want Failed with its error and cause", st, err)
	}
	// Not in the logs yet but young: it may be running, or its events not delivered yet.
	if st, err := p.GetPipelineRunStatus(ctx, young, totalParams); err != nil || st.State != RunStateRunning {
		t.Errorf("GetPipelineRunStatus(young, not logged) = %+v, %v; want Running", st, err)
	}
	_, err = p.GetPipelineRunStatus(ctx, old, totalParams)
	if !errors.Is(err, ErrRunNotFound) || !strings.Contains(err.Error(), "logs:FilterLogEvents on arn:aws:logs:eu-west-1:111122223333:log-group:/aws/vendedlogs/states/orders:*") {
		t.Errorf("GetPipelineRunStatus(old, not logged) error = %v; want ErrRunNotFound naming the log group and the permission", err)
	}
	if n := w.fake.count("DescribeStateMachine"); n != 1 {
		t.Errorf("%d DescribeStateMachine calls, want 1 (the logging configuration is kept)", n)
	}
}

func TestExpressLogsOneQueryPerLogGroup(t *testing.T) {
	w := newLogsWorld(t, cwlogs.Options{})
	groups := []string{"/g/one", "/g/one", "/g/two"} // two machines share a log group
	now := time.Now()
	var refs []RunRef
	for m, group := range groups {
		arn := w.machine(fmt.Sprintf("m%d", m), types.LogLevelAll, true, group)
		for i := range 20 {
			started := now.Add(-time.Duration(i+1) * time.Second)
			run := runOf(arn, nameAt(started))
			if i%2 == 0 {
				w.end(run, started, "ExecutionSucceeded", map[string]any{"output": fmt.Sprintf(`{"total":%d}`, i)})
			}
			refs = append(refs, RunRef{RunID: run, Parameters: totalParams})
		}
	}
	p, logs := w.provider(Config{})
	results := p.GetPipelineRunStatuses(context.Background(), refs)
	for i, r := range results {
		want := RunStateRunning
		if i%20%2 == 0 {
			want = RunStateSuccess
		}
		if r.Err != nil || r.Status.State != want {
			t.Errorf("result %d = %+v, %v; want %s", i, r.Status, r.Err, want)
		}
	}
	if n := logs.calls.Load(); n != 2 {
		t.Errorf("%d FilterLogEvents calls for 60 runs in 2 log groups, want 2", n)
	}
	if n := w.fake.count("DescribeStateMachine"); n != 3 {
		t.Errorf("%d DescribeStateMachine calls for 3 state machines, want 3", n)
	}
}

func TestExpressLoggingThatCannotGiveResults(t *testing.T) {
	w := newLogsWorld(t, cwlogs.Options{})
	errorLevel := w.machine("errors", types.LogLevelError, true, "/g/errors")
	noData := w.machine("nodata", types.LogLevelAll, false, "/g/nodata")
	off := w.machine("off", "", false, "")
	ctx := context.Background()
	then := time.Now().Add(-time.Hour)
	p, logs := w.provider(Config{})

	t.Run("level ERROR", func(t *testing.T) {
		failed, succeeded := runOf(errorLevel, nameAt(then)), runOf(errorLevel, nameAt(then))
		w.end(failed, then, "ExecutionFailed", map[string]any{"error": "E", "cause": "c"})
		w.end(succeeded, then, "ExecutionSucceeded", map[string]any{"output": `{"total":1}`}) // ERROR does not log it
		if st, err := p.GetPipelineRunStatus(ctx, failed, totalParams); err != nil || st.State != RunStateFailed {
			t.Errorf("GetPipelineRunStatus(failed) = %+v, %v; want Failed: failures are logged at ERROR", st, err)
		}
		_, err := p.GetPipelineRunStatus(ctx, succeeded, totalParams)
		if !errors.Is(err, ErrRunNotFound) || !strings.Contains(err.Error(), "logs at level ERROR") ||
			!strings.Contains(err.Error(), "level to ALL") {
			t.Errorf("GetPipelineRunStatus(succeeded) error = %v; want ErrRunNotFound naming the level to change", err)
		}
	})

	t.Run("without includeExecutionData", func(t *testing.T) {
		run := runOf(noData, nameAt(then))
		w.end(run, then, "ExecutionSucceeded", map[string]any{"output": `{"total":1}`})
		_, err := p.GetPipelineRunStatus(ctx, run, totalParams)
		if !errors.Is(err, ErrOutputNotApplied) || !strings.Contains(err.Error(), "includeExecutionData") {
			t.Errorf("GetPipelineRunStatus(output parameters) error = %v; want ErrOutputNotApplied naming includeExecutionData", err)
		}
		st, err := p.GetPipelineRunStatus(ctx, run, nil)
		if err != nil || st.State != RunStateSuccess || !strings.Contains(st.Message, "output is not known") {
			t.Errorf("GetPipelineRunStatus(no output parameters) = %+v, %v; want Success saying the output is not known", st, err)
		}
		if _, err := p.results.Get(ctx, run); !errors.Is(err, expressstore.ErrNotFound) {
			t.Errorf("store.Get() error = %v; a success without its output must not be recorded", err)
		}
	})

	t.Run("level OFF", func(t *testing.T) {
		before := logs.calls.Load()
		_, err := p.GetPipelineRunStatus(ctx, runOf(off, nameAt(then)), totalParams)
		if !errors.Is(err, ErrRunNotFound) || !strings.Contains(err.Error(), "level OFF") {
			t.Errorf("GetPipelineRunStatus() error = %v; want ErrRunNotFound naming the logging level", err)
		}
		if n := logs.calls.Load() - before; n != 0 {
			t.Errorf("%d FilterLogEvents calls for a state machine that does not log, want 0", n)
		}
	})

	t.Run("async start refused before anything starts", func(t *testing.T) {
		async, _ := w.provider(Config{ExpressMode: ExpressAsync})
		for _, arn := range []string{errorLevel, noData, off} {
			_, err := async.ExecutePipeline(ctx, Job{ID: arn, Type: TypeExpress}, nil, WithIdempotencyKey("k"))
			if !errors.Is(err, ErrNotSupported) || !strings.Contains(err.Error(), "nothing was started") {
				t.Errorf("ExecutePipeline(%s) error = %v; want ErrNotSupported saying nothing started", arn, err)
			}
		}
		if n := w.fake.count("StartExecution") + w.fake.count("StartSyncExecution"); n != 0 {
			t.Errorf("%d starts, want 0", n)
		}
	})
}

func TestExpressLogsErrors(t *testing.T) {
	w := newLogsWorld(t, cwlogs.Options{})
	arn := w.machine("orders", types.LogLevelAll, true, "/g/orders")
	p, _ := w.provider(Config{})
	p.logs = logsFunc(func(context.Context, *cloudwatchlogs.FilterLogEventsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
		return nil, genericErr("AccessDeniedException")
	})
	_, err := p.GetPipelineRunStatus(context.Background(), runOf(arn, nameAt(time.Now())), nil)
	if !errors.Is(err, ErrAccessDenied) ||
		!strings.Contains(err.Error(), "grant the caller's IAM role logs:FilterLogEvents on the log group arn:aws:logs:eu-west-1:111122223333:log-group:/g/orders:*") {
		t.Errorf("GetPipelineRunStatus() error = %v; want ErrAccessDenied naming logs:FilterLogEvents and the log group", err)
	}
	p.logs = logsFunc(func(context.Context, *cloudwatchlogs.FilterLogEventsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
		return nil, genericErr("ThrottlingException")
	})
	_, err = p.GetPipelineRunStatus(context.Background(), runOf(arn, nameAt(time.Now())), nil)
	if !errors.Is(err, ErrThrottled) || !IsRetryable(err) || !strings.Contains(err.Error(), "CloudWatch Logs") {
		t.Errorf("GetPipelineRunStatus() error = %v; want a retryable ErrThrottled naming CloudWatch Logs", err)
	}
}

func TestExpressAsync(t *testing.T) {
	w := newLogsWorld(t, cwlogs.Options{})
	arn := w.machine("orders", types.LogLevelAll, true, "/aws/vendedlogs/states/orders")
	store := expressstore.NewMemory()
	first, _ := w.provider(Config{ExpressMode: ExpressAsync, ExpressResults: store})
	ctx := context.Background()
	run, err := first.ExecutePipeline(ctx, Job{ID: arn, Type: TypeExpress}, totalParams)
	if err != nil || run.Status != nil || !strings.Contains(run.RunID, ":express:orders:Polysync-") {
		t.Fatalf("ExecutePipeline(async) = %+v, %v; want a started Express run without a status", run, err)
	}
	if rec, err := store.Get(ctx, run.RunID); err != nil || rec.Status != expressstore.StatusRunning {
		t.Errorf("store.Get() = %+v, %v; want a RUNNING record", rec, err)
	}
	if st, err := first.GetPipelineRunStatus(ctx, run.RunID, totalParams); err != nil || st.State != RunStateRunning {
		t.Errorf("GetPipelineRunStatus(before its end is logged) = %+v, %v; want Running", st, err)
	}

	// The first Provider "crashes"; the run ends and is logged. Another with the same store, and one with a store of
	// its own, follow it to its end.
	// (first is never used again.)
	w.end(run.RunID, run.StartedAt, "ExecutionSucceeded", map[string]any{"output": `{"total":7}`})
	for name, cfg := range map[string]Config{"same store": {ExpressResults: store}, "no store": {}} {
		second, _ := w.provider(cfg)
		st, err := second.WaitPipelineRun(ctx, run.RunID, totalParams, WithPollInterval(10*time.Millisecond))
		if err != nil || st.State != RunStateSuccess || st.Parameters[0].Value != "7" {
			t.Errorf("%s: WaitPipelineRun() = %+v, %v; want Success with total 7", name, st, err)
		}
	}
	if rec, err := store.Get(ctx, run.RunID); err != nil || rec.Status != expressstore.StatusSucceeded || rec.Output != `{"total":7}` {
		t.Errorf("store.Get() after the end = %+v, %v; want the SUCCEEDED record", rec, err)
	}
}

func TestExpressAsyncIdempotentAcrossProviders(t *testing.T) {
	w := newLogsWorld(t, cwlogs.Options{})
	arn := w.machine("orders", types.LogLevelAll, true, "/g/orders")
	store := expressstore.NewMemory()
	ctx := context.Background()
	var runs []string
	for range 3 {
		p, _ := w.provider(Config{ExpressMode: ExpressAsync, ExpressResults: store})
		run, err := p.ExecutePipeline(ctx, Job{ID: arn, Type: TypeExpress}, totalParams, WithIdempotencyKey("order-1"))
		if err != nil {
			t.Fatalf("ExecutePipeline() error = %v", err)
		}
		runs = append(runs, run.RunID)
	}
	if runs[1] != runs[0] || runs[2] != runs[0] || w.fake.count("StartExecution") != 1 {
		t.Errorf("runs %v, %d StartExecution calls; want one run for one key", runs, w.fake.count("StartExecution"))
	}

	// With no store in common, the run named from the key (no time in its name) is sought by its ARN.
	started := time.Now().Add(-3 * time.Hour)
	w.end(runs[0], started, "ExecutionSucceeded", map[string]any{"output": `{"total":3}`})
	fresh, logs := w.provider(Config{})
	st, err := fresh.GetPipelineRunStatus(ctx, runs[0], totalParams)
	if err != nil || st.State != RunStateSuccess || st.Parameters[0].Value != "3" || logs.calls.Load() != 1 {
		t.Errorf("GetPipelineRunStatus() = %+v, %v after %d queries; want Success with total 3 from one query", st, err, logs.calls.Load())
	}
}

// WaitPipelineRun looks at a run again next round after an error more calls may cure, for Express runs followed in
// their logs too: a throttled first look ended the wait with the error.
func TestWaitPipelineRunExpressRetriesATransientFirstLook(t *testing.T) {
	w := newLogsWorld(t, cwlogs.Options{})
	arn := w.machine("orders", types.LogLevelAll, true, "/aws/vendedlogs/states/orders")
	started := time.Now().Add(-time.Minute)
	run := runOf(arn, nameAt(started))
	w.end(run, started, "ExecutionSucceeded", map[string]any{"output": `{"total":7}`})
	p, logs := w.provider(Config{})
	var throttled atomic.Bool
	p.logs = logsFunc(func(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
		if throttled.CompareAndSwap(false, true) {
			return nil, genericErr("ThrottlingException")
		}
		return logs.FilterLogEvents(ctx, in, optFns...)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := p.WaitPipelineRun(ctx, run, totalParams, WithPollInterval(10*time.Millisecond))
	if err != nil || st.State != RunStateSuccess || st.Parameters[0].Value != "7" {
		t.Errorf("WaitPipelineRun() = %+v, %v; want Success with total 7 after the throttled first look", st, err)
	}
}

// TestExpressLogsTruncatedSearch: CloudWatch Logs may answer a FilterLogEvents page with no events and a nextToken
// (it searches a large log group in slices), so a search over a busy log group can stop at maxLogPages before it
// reaches a run's end. Such a run is not proven absent: it must not be ErrRunNotFound, and is sought again alone.
func TestExpressLogsTruncatedSearch(t *testing.T) {
	w := newLogsWorld(t, cwlogs.Options{})
	arn := w.machine("orders", types.LogLevelAll, true, "/g/orders")
	refs := w.succeededRuns(arn, time.Now().Add(-time.Hour), time.Second, 2)
	p, real := w.provider(Config{})
	var broad atomic.Int32
	p.logs = logsFunc(func(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
		if aws.ToString(in.FilterPattern) == terminalEventsPattern { // a busy log group: empty pages, more to read
			n := broad.Add(1)
			return &cloudwatchlogs.FilterLogEventsOutput{NextToken: aws.String(fmt.Sprintf("slice-%d", n))}, nil
		}
		return real.FilterLogEvents(ctx, in, optFns...)
	})
	for i, r := range p.GetPipelineRunStatuses(context.Background(), refs) {
		if r.Err != nil || r.Status.State != RunStateSuccess {
			t.Errorf("result %d = %+v, %v; want Success, read by a search of the run alone", i, r.Status, r.Err)
		}
	}
	if n := broad.Load(); n != maxLogPages {
		t.Errorf("%d pages of the shared search, want %d", n, maxLogPages)
	}

	// Every search stops early: the runs are not said to be missing from the log group.
	p, _ = w.provider(Config{})
	p.logs = logsFunc(func(_ context.Context, in *cloudwatchlogs.FilterLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
		return &cloudwatchlogs.FilterLogEventsOutput{NextToken: aws.String(aws.ToString(in.NextToken) + "x")}, nil
	})
	for i, r := range p.GetPipelineRunStatuses(context.Background(), refs) {
		if r.Err == nil || errors.Is(r.Err, ErrRunNotFound) || !strings.Contains(r.Err.Error(), "stopped after 100 FilterLogEvents pages") {
			t.Errorf("result %d error = %v; want an error saying the search stopped, not ErrRunNotFound", i, r.Err)
		}
	}
}

// TestExpressLogsThrottledMidSearch: a search throttled after some pages keeps what those pages found, so each round
// of a throttled log group makes progress instead of starting over with nothing.
func TestExpressLogsThrottledMidSearch(t *testing.T) {
	w := newLogsWorld(t, cwlogs.Options{})
	arn := w.machine("orders", types.LogLevelAll, true, "/g/orders")
	refs := w.succeededRuns(arn, time.Now().Add(-time.Hour), time.Minute, 2)
	p, real := w.provider(Config{})
	var calls atomic.Int32
	p.logs = logsFunc(func(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
		if calls.Add(1) == 2 {
			return nil, genericErr("ThrottlingException")
		}
		one := *in
		one.Limit = aws.Int32(1) // a page per event
		return real.FilterLogEvents(ctx, &one, optFns...)
	})
	results := p.GetPipelineRunStatuses(context.Background(), refs)
	if r := results[0]; r.Err != nil || r.Status.State != RunStateSuccess {
		t.Errorf("result 0 = %+v, %v; want Success, read on the page before the throttle", r.Status, r.Err)
	}
	if r := results[1]; !errors.Is(r.Err, ErrThrottled) {
		t.Errorf("result 1 error = %v; want ErrThrottled", r.Err)
	}
	for i, r := range p.GetPipelineRunStatuses(context.Background(), refs) {
		if r.Err != nil || r.Status.State != RunStateSuccess {
			t.Errorf("second look: result %d = %+v, %v; want Success", i, r.Status, r.Err)
		}
	}
}

// TestExpressLogsUnknownStartAllowsClockSkew: a run whose start is not known is sought up to now; an end that AWS's
// clock, ahead of this host's by less than logClockSkew, dated after this host's now is still found.
func TestExpressLogsUnknownStartAllowsClockSkew(t *testing.T) {
	w := newLogsWorld(t, cwlogs.Options{})
	arn := w.machine("orders", types.LogLevelAll, true, "/g/orders")
	run := runOf(arn, "order-7") // no time in the name, and no store holds it
	w.end(run, time.Now().Add(20*time.Second), "ExecutionSucceeded", map[string]any{"output": `{"total":7}`})
	p, _ := w.provider(Config{})
	st, err := p.GetPipelineRunStatus(context.Background(), run, totalParams)
	if err != nil || st.State != RunStateSuccess {
		t.Errorf("GetPipelineRunStatus() = %+v, %v; want Success, its end dated 22s ahead of this host's clock", st, err)
	}
}

// TestExpressLogsAloneSearchesBounded: after a shared search stopped early, at most maxAloneSearches runs are sought
// alone in one call; the others are told the search stopped (not ErrRunNotFound).
func TestExpressLogsAloneSearchesBounded(t *testing.T) {
	w := newLogsWorld(t, cwlogs.Options{})
	arn := w.machine("orders", types.LogLevelAll, true, "/g/orders")
	then := time.Now().Add(-time.Hour)
	var refs []RunRef
	for i := range maxAloneSearches + 2 {
		refs = append(refs, RunRef{RunID: runOf(arn, nameAt(then.Add(time.Duration(i)*time.Second)))})
	}
	p, _ := w.provider(Config{})
	var narrow atomic.Int32
	p.logs = logsFunc(func(_ context.Context, in *cloudwatchlogs.FilterLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
		if aws.ToString(in.FilterPattern) == terminalEventsPattern {
			return &cloudwatchlogs.FilterLogEventsOutput{NextToken: aws.String(aws.ToString(in.NextToken) + "x")}, nil
		}
		narrow.Add(1)
		return &cloudwatchlogs.FilterLogEventsOutput{}, nil // searched whole: not there
	})
	notFound, stopped := 0, 0
	for _, r := range p.GetPipelineRunStatuses(context.Background(), refs) {
		switch {
		case errors.Is(r.Err, ErrRunNotFound):
			notFound++
		case r.Err != nil && strings.Contains(r.Err.Error(), "stopped after"):
			stopped++
		default:
			t.Errorf("result %+v, %v; want ErrRunNotFound or the search stopped", r.Status, r.Err)
		}
	}
	if n := narrow.Load(); n != maxAloneSearches || notFound != maxAloneSearches || stopped != 2 {
		t.Errorf("%d searches alone, %d not found, %d stopped; want %d, %d, 2", n, notFound, stopped, maxAloneSearches, maxAloneSearches)
	}
}
