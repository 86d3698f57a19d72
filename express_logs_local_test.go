package stepfunctions_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/sfnlocal"
)

// TestLocalExpressRecoveredByAnotherProvider starts Express runs with one Provider (synchronously, and
// asynchronously with a crash after the start) and follows them from another that shares no store with it, or
// shares only a SQL store, reading the events sfnlocal logs on its listener through New's own CloudWatch Logs
// client (Config.LogsEndpoint).
func TestLocalExpressRecoveredByAnotherProvider(t *testing.T) {
	e := newLocalEnv(t)
	release := make(chan struct{})
	e.registerTasks(`{"total":42}`, release)
	logged := e.create(machineSpec{name: "logged", typ: types.StateMachineTypeExpress, logging: types.LogLevelAll})
	params := []stepfunctions.Parameter{
		{Name: "amount", DataType: stepfunctions.DataTypeNumber, Value: "40"},
		{Name: "total", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeNumber},
	}
	ctx := context.Background()
	job := stepfunctions.Job{ID: logged, Type: stepfunctions.TypeExpress}

	t.Run("sync, fresh provider without a store", func(t *testing.T) {
		first := e.provider(stepfunctions.Config{LogsEndpoint: e.url})
		run, err := first.ExecutePipeline(ctx, job, params)
		if err != nil || run.Status == nil || run.Status.State != stepfunctions.RunStateSuccess {
			t.Fatalf("ExecutePipeline() = %+v, %v", run, err)
		}
		second := e.provider(stepfunctions.Config{LogsEndpoint: e.url})
		st, err := second.GetPipelineRunStatus(ctx, run.RunID, params)
		if err != nil || st.State != stepfunctions.RunStateSuccess || paramValues(st.Parameters)["total"] != "42" {
			t.Errorf("GetPipelineRunStatus() on a fresh provider = %+v, %v; want Success with total 42 from the logs", st, err)
		}
	})

	t.Run("async, crash after the start", func(t *testing.T) {
		blocking := e.create(machineSpec{name: "blocking", typ: types.StateMachineTypeExpress, logging: types.LogLevelAll,
			definition: taskDefinition(blockTask)})
		job := stepfunctions.Job{ID: blocking, Type: stepfunctions.TypeExpress}
		params := []stepfunctions.Parameter{{Name: "released", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeBoolean}}
		open := sharedStore(t)
		first := e.provider(stepfunctions.Config{LogsEndpoint: e.url, ExpressMode: stepfunctions.ExpressAsync,
			ExpressResults: open()})
		before := e.calls("StartExecution")
		run, err := first.ExecutePipeline(ctx, job, params, stepfunctions.WithIdempotencyKey("order-7"))
		if err != nil || run.Status != nil || e.calls("StartExecution")-before != 1 {
			t.Fatalf("ExecutePipeline(async) = %+v, %v; want a started run without a status, from one StartExecution", run, err)
		}
		// The host crashes: first is never used again. The run goes on in Step Functions.

		// A replica sharing the SQL store sees it Running, and a repeated start with its key returns it.
		replica := e.provider(stepfunctions.Config{LogsEndpoint: e.url, ExpressResults: open()})
		if st, err := replica.GetPipelineRunStatus(ctx, run.RunID, params); err != nil || st.State != stepfunctions.RunStateRunning {
			t.Errorf("GetPipelineRunStatus() while it runs = %+v, %v; want Running", st, err)
		}
		again, err := replica.ExecutePipeline(ctx, job, params, stepfunctions.WithIdempotencyKey("order-7"))
		if err != nil || again.RunID != run.RunID || e.calls("StartExecution")-before != 1 {
			t.Errorf("ExecutePipeline(same key) on the replica = %+v, %v; want run %s without a new start", again, err, run.RunID)
		}
		// The replica follows it to its end; so does a fresh Provider with no store at all.
		go func() {
			time.Sleep(50 * time.Millisecond)
			close(release)
		}()
		st, err := replica.WaitPipelineRun(ctx, run.RunID, params, stepfunctions.WithPollInterval(20*time.Millisecond))
		if err != nil || st.State != stepfunctions.RunStateSuccess || paramValues(st.Parameters)["released"] != "true" {
			t.Errorf("WaitPipelineRun() on the replica = %+v, %v; want Success with released true", st, err)
		}
		fresh := e.provider(stepfunctions.Config{LogsEndpoint: e.url})
		if st, err := fresh.GetPipelineRunStatus(ctx, run.RunID, params); err != nil || st.State != stepfunctions.RunStateSuccess {
			t.Errorf("GetPipelineRunStatus() on a fresh provider without a store = %+v, %v; want Success", st, err)
		}
		// With the logs off, a replica on the SQL store answers from the result the replica recorded.
		noLogs := e.provider(stepfunctions.Config{ExpressResults: open(), LogsEndpoint: "http://127.0.0.1:1"})
		if st, err := noLogs.GetPipelineRunStatus(ctx, run.RunID, params); err != nil || paramValues(st.Parameters)["released"] != "true" {
			t.Errorf("GetPipelineRunStatus() from the SQL store alone = %+v, %v; want released true", st, err)
		}
	})

	t.Run("async refused for a state machine that does not log results", func(t *testing.T) {
		quiet := e.create(machineSpec{name: "quiet", typ: types.StateMachineTypeExpress})
		errorsOnly := e.create(machineSpec{name: "errors-only", typ: types.StateMachineTypeExpress, logging: types.LogLevelError})
		p := e.provider(stepfunctions.Config{LogsEndpoint: e.url, ExpressMode: stepfunctions.ExpressAsync})
		before := e.calls("StartExecution")
		for arn, setting := range map[string]string{quiet: "level ALL with includeExecutionData", errorsOnly: "logs at level ERROR"} {
			_, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: arn}, params)
			if !errors.Is(err, stepfunctions.ErrNotSupported) || !strings.Contains(err.Error(), setting) {
				t.Errorf("ExecutePipeline(%s) error = %v; want ErrNotSupported naming %q", arn, err, setting)
			}
		}
		if n := e.calls("StartExecution") - before; n != 0 {
			t.Errorf("%d StartExecution calls, want 0", n)
		}
	})
}

// TestLocalExpressLogDeliveryDelay follows an asynchronous Express run whose events sfnlocal delivers late: it is
// Running until they arrive, however long ago it ended.
func TestLocalExpressLogDeliveryDelay(t *testing.T) {
	e := newLocalEnv(t, sfnlocal.WithLogDeliveryDelay(time.Hour))
	e.registerTasks(`{"total":42}`, nil)
	arn := e.create(machineSpec{name: "late", typ: types.StateMachineTypeExpress, logging: types.LogLevelAll})
	p := e.provider(stepfunctions.Config{LogsEndpoint: e.url, ExpressMode: stepfunctions.ExpressAsync})
	ctx := context.Background()
	run, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: arn}, nil)
	if err != nil {
		t.Fatal(err)
	}
	other := e.provider(stepfunctions.Config{LogsEndpoint: e.url})
	for range 3 {
		if st, err := other.GetPipelineRunStatus(ctx, run.RunID, nil); err != nil || st.State != stepfunctions.RunStateRunning {
			t.Errorf("GetPipelineRunStatus() with the end not delivered yet = %+v, %v; want Running", st, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestLocalExpressKeyFoundInTheLogs repeats an idempotent Express start from a second Provider that shares no store
// with the first: the state machine's logs show the key already ran, so nothing runs again.
func TestLocalExpressKeyFoundInTheLogs(t *testing.T) {
	e := newLocalEnv(t)
	tasks := e.registerTasks(`{"total":42}`, nil)
	logged := e.create(machineSpec{name: "keyed", typ: types.StateMachineTypeExpress, logging: types.LogLevelAll})
	unlogged := e.create(machineSpec{name: "unlogged", typ: types.StateMachineTypeExpress})
	params := []stepfunctions.Parameter{{Name: "total", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeNumber}}
	ctx := context.Background()
	for _, mode := range []stepfunctions.ExpressMode{stepfunctions.ExpressSync, stepfunctions.ExpressAsync} {
		first := e.provider(stepfunctions.Config{LogsEndpoint: e.url, ExpressMode: mode})
		second := e.provider(stepfunctions.Config{LogsEndpoint: e.url, ExpressMode: mode})
		key := "order-" + string(rune('a'+int(mode)))
		job := stepfunctions.Job{ID: logged, Type: stepfunctions.TypeExpress}
		run, err := first.ExecutePipeline(ctx, job, params, stepfunctions.WithIdempotencyKey(key))
		if err != nil {
			t.Fatalf("mode %v: ExecutePipeline() error = %v", mode, err)
		}
		if _, err := first.WaitPipelineRun(ctx, run.RunID, params, stepfunctions.WithPollInterval(10*time.Millisecond)); err != nil {
			t.Fatalf("mode %v: WaitPipelineRun() error = %v", mode, err)
		}
		ran := len(tasks.all())
		again, err := second.ExecutePipeline(ctx, job, params, stepfunctions.WithIdempotencyKey(key))
		if err != nil || again.RunID != run.RunID {
			t.Errorf("mode %v: ExecutePipeline(same key) on another Provider = %+v, %v; want run %s", mode, again, err, run.RunID)
		}
		if mode == stepfunctions.ExpressSync && (again.Status == nil || again.Status.State != stepfunctions.RunStateSuccess ||
			paramValues(again.Status.Parameters)["total"] != "42") {
			t.Errorf("mode %v: the run found in the logs = %+v, want its status with total 42", mode, again.Status)
		}
		if n := len(tasks.all()); n != ran {
			t.Errorf("mode %v: the repeat ran the task %d more times, want 0", mode, n-ran)
		}
	}
	// Without logs at level ALL, nothing can tell: the second Provider runs the key again (a shared store would not).
	first := e.provider(stepfunctions.Config{LogsEndpoint: e.url})
	second := e.provider(stepfunctions.Config{LogsEndpoint: e.url})
	job := stepfunctions.Job{ID: unlogged, Type: stepfunctions.TypeExpress}
	a, errA := first.ExecutePipeline(ctx, job, params, stepfunctions.WithIdempotencyKey("k"))
	b, errB := second.ExecutePipeline(ctx, job, params, stepfunctions.WithIdempotencyKey("k"))
	if errA != nil || errB != nil || a.RunID == b.RunID {
		t.Errorf("without logs: runs %s and %s (%v, %v), want two runs", a.RunID, b.RunID, errA, errB)
	}
}
