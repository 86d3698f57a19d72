package stepfunctions

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions/expressstore"
	"github.com/polysync/stepfunctions/internal/cwlogs"
	"github.com/polysync/stepfunctions/internal/sfnarn"
)

// lostStartTest is a Provider on frozen time (sleeps advance it) reading a local CloudWatch Logs service whose
// orders log group holds runs, and the lost start of execution order-7 of the orders machine, sent a second ago.
func lostStartTest(t *testing.T, level types.LogLevel, includeData bool, runs ...runLog) (*Provider, *countingLogs, startRequest, lostStart, *time.Time) {
	t.Helper()
	svc, url := startLocalLogs(t, cwlogs.Options{})
	for i, r := range runs {
		if err := svc.Append("/aws/vendedlogs/states/orders", fmt.Sprintf("states/orders/x/%d", i), r.messages(t, includeData)...); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	p := testProvider(t, &fakeClient{}, Config{LogDeliveryAllowance: 10 * time.Second}, &now)
	logs := &countingLogs{logsAPI: newLogsClient(testLogsConfig(), url)}
	p.logs = logs
	sm, err := sfnarn.Parse("arn:aws:states:eu-west-1:111122223333:stateMachine:orders")
	if err != nil {
		t.Fatal(err)
	}
	p.rememberMachine(sm.String(), &sfn.DescribeStateMachineOutput{Type: types.StateMachineTypeExpress,
		LoggingConfiguration: &types.LoggingConfiguration{Level: level, IncludeExecutionData: includeData,
			Destinations: []types.LogDestination{{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{LogGroupArn: aws.String(testLogGroupARN)}}}}})
	r := startRequest{job: Job{ID: sm.String()}, sm: sm, name: "order-7", idempotent: true}
	lost := lostStart{Sent: now.Add(-time.Second), Failed: now, Digest: "d1"}
	return p, logs, r, lost, &now
}

func TestResolveLostStartRan(t *testing.T) {
	now := time.Now()
	older := runLog{arn: expressARN("order-7"), started: now.Add(-900 * time.Millisecond), end: "ExecutionSucceeded",
		details: map[string]any{"output": `{"total":42}`}}
	// Executions the search must not take for order-7's: a later one of the same name, other names sharing a prefix
	// or a suffix, another state machine, another account, a Distributed Map child, a Standard execution.
	later := runLog{arn: "arn:aws:states:eu-west-1:111122223333:express:orders:order-7:9d1b0c1e-1111-2222-3333-444455556666",
		started: now.Add(-500 * time.Millisecond), end: "ExecutionFailed", details: map[string]any{"error": "E"}}
	decoys := []runLog{
		{arn: expressARN("order-77"), started: now.Add(-950 * time.Millisecond), end: "ExecutionFailed"},
		{arn: expressARN("border-7"), started: now.Add(-950 * time.Millisecond), end: "ExecutionFailed"},
		{arn: "arn:aws:states:eu-west-1:111122223333:express:orders-2:order-7:0b7e4f1c-1111-2222-3333-444455556666",
			started: now.Add(-950 * time.Millisecond), end: "ExecutionFailed"},
		{arn: "arn:aws:states:eu-west-1:999999999999:express:orders:order-7:0b7e4f1c-1111-2222-3333-444455556666",
			started: now.Add(-950 * time.Millisecond), end: "ExecutionFailed"},
		{arn: "arn:aws:states:eu-west-1:111122223333:express:orders/m:order-7:0b7e4f1c-1111-2222-3333-444455556666",
			started: now.Add(-950 * time.Millisecond), end: "ExecutionFailed"},
		{arn: "arn:aws:states:eu-west-1:111122223333:execution:orders:order-7", started: now.Add(-950 * time.Millisecond),
			end: "ExecutionFailed"},
	}
	p, logs, r, lost, _ := lostStartTest(t, types.LogLevelAll, true, append(decoys, later, older)...)
	rec, ran, err := p.resolveLostStart(context.Background(), r, lost)
	if err != nil || !ran {
		t.Fatalf("resolveLostStart() = %+v, %v, %v; want the run", rec, ran, err)
	}
	if rec.RunID != older.arn || rec.Status != expressstore.StatusSucceeded || rec.Output != `{"total":42}` ||
		rec.Name != "order-7" || rec.InputDigest != "d1" || !rec.StartedAt.Equal(older.started.Truncate(time.Millisecond)) {
		t.Errorf("resolveLostStart() = %+v; want the first run of order-7, succeeded with its output", rec)
	}
	if n := logs.calls.Load(); n != 1 {
		t.Errorf("FilterLogEvents calls = %d, want 1", n)
	}
	held, err := p.results.GetByName(context.Background(), "order-7")
	if err != nil || held.RunID != older.arn || !held.Terminal() {
		t.Errorf("store record of order-7 = %+v, %v; want the run, ended", held, err)
	}
}

func TestResolveLostStartDidNotRun(t *testing.T) {
	p, logs, r, lost, now := lostStartTest(t, types.LogLevelAll, true,
		runLog{arn: expressARN("order-8"), started: time.Now().Add(-time.Second), end: "ExecutionSucceeded"})
	rec, ran, err := p.resolveLostStart(context.Background(), r, lost)
	if err != nil || ran {
		t.Fatalf("resolveLostStart() = %+v, %v, %v; want not run", rec, ran, err)
	}
	if now.Before(lost.Failed.Add(p.logDelivery)) {
		t.Errorf("concluded at %v, before the delivery allowance after the failure (%v)", now.Sub(lost.Failed), p.logDelivery)
	}
	// A read every second (a tenth of the allowance), the last one after the allowance.
	if n := logs.calls.Load(); n < 10 || n > 12 {
		t.Errorf("FilterLogEvents calls = %d, want about 11", n)
	}
}

func TestResolveLostStartFollowsTheRunToItsEnd(t *testing.T) {
	// The run's ExecutionStarted is delivered, its end never is: the search follows it up to its latest end plus the
	// delivery allowance, then returns it Running, recorded.
	p, logs, r, lost, now := lostStartTest(t, types.LogLevelAll, true,
		runLog{arn: expressARN("order-7"), started: time.Now().Add(-900 * time.Millisecond)})
	start := *now
	rec, ran, err := p.resolveLostStart(context.Background(), r, lost)
	if err != nil || !ran || rec.RunID != expressARN("order-7") || rec.Status != expressstore.StatusRunning {
		t.Fatalf("resolveLostStart() = %+v, %v, %v; want the run, Running", rec, ran, err)
	}
	if waited := now.Sub(start); waited < maxExpressDuration || waited > maxExpressDuration+p.logDelivery+2*logClockSkew {
		t.Errorf("followed the run for %v, want its longest run plus the delivery allowance", waited)
	}
	if n := logs.calls.Load(); n > 400 {
		t.Errorf("FilterLogEvents calls = %d, want one every %v at most", n, lostStartPoll(p.logDelivery))
	}
	if held, err := p.results.GetByName(context.Background(), "order-7"); err != nil || held.RunID != rec.RunID {
		t.Errorf("store record of order-7 = %+v, %v; want the run", held, err)
	}
}

func TestResolveLostStartSuccessWithoutOutput(t *testing.T) {
	// Logged without includeExecutionData: the run is found and returned Running, so that status calls say why its
	// output is not known rather than answering an empty one.
	p, _, r, lost, _ := lostStartTest(t, types.LogLevelAll, false,
		runLog{arn: expressARN("order-7"), started: time.Now().Add(-900 * time.Millisecond), end: "ExecutionSucceeded",
			details: map[string]any{"output": `{"total":42}`}})
	rec, ran, err := p.resolveLostStart(context.Background(), r, lost)
	if err != nil || !ran || rec.Status != expressstore.StatusRunning || rec.Output != "" {
		t.Fatalf("resolveLostStart() = %+v, %v, %v; want the run, Running, without output", rec, ran, err)
	}
}

func TestResolveLostStartCannotTell(t *testing.T) {
	for _, level := range []types.LogLevel{types.LogLevelError, types.LogLevelFatal, types.LogLevelOff} {
		p, logs, r, lost, _ := lostStartTest(t, level, true)
		_, ran, err := p.resolveLostStart(context.Background(), r, lost)
		if err == nil || ran || !strings.Contains(err.Error(), "level "+string(level)+", not ALL") {
			t.Errorf("resolveLostStart() at level %s = %v, %v; want an error naming the level", level, ran, err)
		}
		if n := logs.calls.Load(); n != 0 {
			t.Errorf("FilterLogEvents calls at level %s = %d, want 0", level, n)
		}
	}
	p, _, r, lost, _ := lostStartTest(t, types.LogLevelAll, true)
	p.logs = nil
	if _, ran, err := p.resolveLostStart(context.Background(), r, lost); err == nil || ran {
		t.Errorf("resolveLostStart() without a logs client = %v, %v; want an error", ran, err)
	}
}

func TestLostStartPattern(t *testing.T) {
	got := lostStartPattern("orders", "order-7")
	want := `{ ($.execution_arn = "*:express:orders:order-7:*") && (($.type = "ExecutionStarted") || ` +
		`($.type = "ExecutionSucceeded") || ($.type = "ExecutionFailed") || ($.type = "ExecutionTimedOut") || ` +
		`($.type = "ExecutionAborted")) }`
	if got != want {
		t.Errorf("lostStartPattern() = %s, want %s", got, want)
	}
}

func TestResolveLostStartSearchStoppedEarly(t *testing.T) {
	// CloudWatch Logs may answer a large log group with page after page of no events: a search that stopped at
	// maxLogPages has not shown that no ExecutionStarted of the name was logged, so it must not conclude the start
	// did not run (ExecutePipeline would then start it again).
	p, _, r, lost, _ := lostStartTest(t, types.LogLevelAll, true)
	var pages atomic.Int32
	p.logs = logsFunc(func(_ context.Context, in *cloudwatchlogs.FilterLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
		pages.Add(1)
		return &cloudwatchlogs.FilterLogEventsOutput{NextToken: aws.String(aws.ToString(in.NextToken) + "x")}, nil
	})
	rec, ran, err := p.resolveLostStart(context.Background(), r, lost)
	if err == nil || ran || !strings.Contains(err.Error(), "stopped after 100 pages") {
		t.Errorf("resolveLostStart() = %+v, %v, %v; want an error saying the search stopped early", rec, ran, err)
	}
	if n := pages.Load(); n > maxLogPages {
		t.Errorf("%d FilterLogEvents pages, want one search of at most %d", n, maxLogPages)
	}
}
