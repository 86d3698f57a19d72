package stepfunctions_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/internal/cwlogs"
)

// localLogGroup is the name of the log group of localLogARN.
const localLogGroup = "/aws/vendedlogs/states/polysync"

// localLogs serves an in-memory CloudWatch Logs with the log group of localLogARN on loopback. Until sfnlocal
// writes its executions' events, tests deliver the events of a run's end themselves, in AWS's record format.
func localLogs(t *testing.T, opts cwlogs.Options) (*cwlogs.Service, string) {
	t.Helper()
	svc := cwlogs.NewService(opts)
	if err := svc.CreateLogGroup(localLogGroup); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	return svc, srv.URL
}

// deliverEnd logs the start and the end of run as a state machine logging at level ALL with execution data does.
func deliverEnd(t *testing.T, svc *cwlogs.Service, run stepfunctions.PipelineRun, typ string, details map[string]any) {
	t.Helper()
	stream := cwlogs.LogStreamName("machine", run.StartedAt, []byte(run.RunID))
	for _, e := range []cwlogs.ExecutionEvent{
		{ID: 1, Type: "ExecutionStarted", Timestamp: run.StartedAt, Details: map[string]any{"input": "{}"}},
		{ID: 2, PreviousEventID: 1, Type: typ, Timestamp: run.StartedAt.Add(time.Millisecond), Details: details},
	} {
		e.ExecutionARN = run.RunID
		if err := svc.LogExecutionEvent(localLogGroup, stream, cwlogs.LevelAll, true, e); err != nil {
			t.Fatal(err)
		}
	}
}

// TestLocalExpressRecoveredByAnotherProvider starts Express runs with one Provider (synchronously, and
// asynchronously with a crash after the start) and follows them from another that shares no store with it, or
// shares only a SQL store, through New's own CloudWatch Logs client (Config.LogsEndpoint).
func TestLocalExpressRecoveredByAnotherProvider(t *testing.T) {
	e := newLocalEnv(t)
	e.registerTasks(`{"total":42}`, nil)
	logged := e.create(machineSpec{name: "logged", typ: types.StateMachineTypeExpress, logging: types.LogLevelAll})
	svc, logsURL := localLogs(t, cwlogs.Options{})
	params := []stepfunctions.Parameter{
		{Name: "amount", DataType: stepfunctions.DataTypeNumber, Value: "40"},
		{Name: "total", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeNumber},
	}
	ctx := context.Background()
	job := stepfunctions.Job{ID: logged, Type: stepfunctions.TypeExpress}

	t.Run("sync, fresh provider without a store", func(t *testing.T) {
		first := e.provider(stepfunctions.Config{LogsEndpoint: logsURL})
		run, err := first.ExecutePipeline(ctx, job, params)
		if err != nil || run.Status == nil || run.Status.State != stepfunctions.RunStateSuccess {
			t.Fatalf("ExecutePipeline() = %+v, %v", run, err)
		}
		deliverEnd(t, svc, run, "ExecutionSucceeded", map[string]any{"output": run.Status.Output})
		second := e.provider(stepfunctions.Config{LogsEndpoint: logsURL})
		st, err := second.GetPipelineRunStatus(ctx, run.RunID, params)
		if err != nil || st.State != stepfunctions.RunStateSuccess || paramValues(st.Parameters)["total"] != "42" {
			t.Errorf("GetPipelineRunStatus() on a fresh provider = %+v, %v; want Success with total 42 from the logs", st, err)
		}
	})

	t.Run("async, crash after the start", func(t *testing.T) {
		open := sharedStore(t)
		first := e.provider(stepfunctions.Config{LogsEndpoint: logsURL, ExpressMode: stepfunctions.ExpressAsync,
			ExpressResults: open()})
		before := e.calls("StartExecution")
		run, err := first.ExecutePipeline(ctx, job, params, stepfunctions.WithIdempotencyKey("order-7"))
		if err != nil || run.Status != nil || e.calls("StartExecution")-before != 1 {
			t.Fatalf("ExecutePipeline(async) = %+v, %v; want a started run without a status, from one StartExecution", run, err)
		}
		// The host crashes: first is never used again. The run goes on and is logged.

		// A replica sharing the SQL store sees it Running, then follows it to its end once the end is delivered.
		replica := e.provider(stepfunctions.Config{LogsEndpoint: logsURL, ExpressResults: open()})
		if st, err := replica.GetPipelineRunStatus(ctx, run.RunID, params); err != nil || st.State != stepfunctions.RunStateRunning {
			t.Errorf("GetPipelineRunStatus() before the end is logged = %+v, %v; want Running", st, err)
		}
		again, err := replica.ExecutePipeline(ctx, job, params, stepfunctions.WithIdempotencyKey("order-7"))
		if err != nil || again.RunID != run.RunID || e.calls("StartExecution")-before != 1 {
			t.Errorf("ExecutePipeline(same key) on the replica = %+v, %v; want run %s without a new start", again, err, run.RunID)
		}
		go func() {
			time.Sleep(50 * time.Millisecond)
			deliverEnd(t, svc, run, "ExecutionSucceeded", map[string]any{"output": `{"total":42}`})
		}()
		st, err := replica.WaitPipelineRun(ctx, run.RunID, params, stepfunctions.WithPollInterval(20*time.Millisecond))
		if err != nil || st.State != stepfunctions.RunStateSuccess || paramValues(st.Parameters)["total"] != "42" {
			t.Errorf("WaitPipelineRun() on the replica = %+v, %v; want Success with total 42", st, err)
		}
		// With the logs off, a replica on the SQL store answers from the result the first replica recorded.
		noLogs := e.provider(stepfunctions.Config{ExpressResults: open(), LogsEndpoint: "http://127.0.0.1:1"})
		if st, err := noLogs.GetPipelineRunStatus(ctx, run.RunID, params); err != nil || paramValues(st.Parameters)["total"] != "42" {
			t.Errorf("GetPipelineRunStatus() from the SQL store alone = %+v, %v; want total 42", st, err)
		}
	})

	t.Run("async refused for a state machine that does not log", func(t *testing.T) {
		quiet := e.create(machineSpec{name: "quiet", typ: types.StateMachineTypeExpress})
		p := e.provider(stepfunctions.Config{LogsEndpoint: logsURL, ExpressMode: stepfunctions.ExpressAsync})
		before := e.calls("StartExecution")
		_, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: quiet}, params)
		if !errors.Is(err, stepfunctions.ErrNotSupported) || !strings.Contains(err.Error(), "level ALL with includeExecutionData") {
			t.Errorf("ExecutePipeline() error = %v; want ErrNotSupported naming the logging to set", err)
		}
		if n := e.calls("StartExecution") - before; n != 0 {
			t.Errorf("%d StartExecution calls, want 0", n)
		}
	})

	t.Run("delivery delay", func(t *testing.T) {
		delayed, delayedURL := localLogs(t, cwlogs.Options{DeliveryDelay: time.Hour})
		first := e.provider(stepfunctions.Config{LogsEndpoint: delayedURL, ExpressMode: stepfunctions.ExpressAsync})
		run, err := first.ExecutePipeline(ctx, job, params)
		if err != nil {
			t.Fatal(err)
		}
		deliverEnd(t, delayed, run, "ExecutionSucceeded", map[string]any{"output": `{"total":42}`})
		second := e.provider(stepfunctions.Config{LogsEndpoint: delayedURL})
		if st, err := second.GetPipelineRunStatus(ctx, run.RunID, params); err != nil || st.State != stepfunctions.RunStateRunning {
			t.Errorf("GetPipelineRunStatus() with the end not delivered yet = %+v, %v; want Running", st, err)
		}
	})
}
