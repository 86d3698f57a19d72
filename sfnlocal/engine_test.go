package sfnlocal

// End-to-end tests with the real ASL interpreter.

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

func history(t *testing.T, c *sfn.Client, arn string) []types.HistoryEvent {
	t.Helper()
	var events []types.HistoryEvent
	p := sfn.NewGetExecutionHistoryPaginator(c, &sfn.GetExecutionHistoryInput{ExecutionArn: &arn})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("GetExecutionHistory: %v", err)
		}
		events = append(events, page.Events...)
	}
	return events
}

func eventTypes(events []types.HistoryEvent) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = string(e.Type)
	}
	return out
}

func TestASLTaskRetryAndCatch(t *testing.T) {
	srv, c := startServer(t, WithClock(newInstantClock()))
	var calls atomic.Int32
	srv.RegisterTask("arn:aws:lambda:us-east-1:123456789012:function:charge", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		n := calls.Add(1)
		var order struct{ Amount int }
		if err := json.Unmarshal(in, &order); err != nil {
			return nil, err
		}
		switch {
		case order.Amount > 1000:
			return nil, &TaskError{Name: "Payment.Declined", Cause: "amount over limit"}
		case n == 1:
			return nil, &TaskError{Name: "Payment.Busy", Cause: "try again"}
		}
		return json.Marshal(map[string]any{"charged": order.Amount})
	})
	def := `{
	  "StartAt": "Charge",
	  "States": {
	    "Charge": {
	      "Type": "Task",
	      "Resource": "arn:aws:states:::lambda:invoke",
	      "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
	      "ResultSelector": {"result.$": "$.Payload"},
	      "Retry": [{"ErrorEquals": ["Payment.Busy"], "IntervalSeconds": 1, "MaxAttempts": 2}],
	      "Catch": [{"ErrorEquals": ["Payment.Declined"], "ResultPath": "$.error", "Next": "Declined"}],
	      "End": true
	    },
	    "Declined": {"Type": "Pass", "End": true}
	  }
	}`
	arn := createMachine(t, c, "payments", def, "")

	charged := startWith(t, c, arn, `{"Amount":5}`)
	d := waitDone(t, c, charged)
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"result":{"charged":5}}` {
		t.Errorf("retried execution = %s %s, want SUCCEEDED {\"result\":{\"charged\":5}}", d.Status, aws.ToString(d.Output))
	}
	if calls.Load() != 2 {
		t.Errorf("task called %d times, want 2 (one retry)", calls.Load())
	}
	events := history(t, c, charged)
	for i, e := range events {
		// ids run 1..n and point back; the first state event follows no
		// event (previousEventId 0), as AWS records it.
		if e.Id != int64(i+1) || e.PreviousEventId >= e.Id || (i == 1) != (e.PreviousEventId == 0 && i > 0) {
			t.Errorf("event %d (%s) id %d previous %d: ids must run 1..n and point back", i, e.Type, e.Id, e.PreviousEventId)
		}
	}
	if events[0].Type != types.HistoryEventTypeExecutionStarted || events[len(events)-1].Type != types.HistoryEventTypeExecutionSucceeded {
		t.Errorf("history %v does not start with ExecutionStarted and end with ExecutionSucceeded", eventTypes(events))
	}

	d = startAndWait(t, c, &sfn.StartExecutionInput{StateMachineArn: &arn, Input: aws.String(`{"Amount":5000}`)})
	var out struct {
		Amount int
		Error  struct{ Error, Cause string }
	}
	if err := json.Unmarshal([]byte(aws.ToString(d.Output)), &out); err != nil {
		t.Fatal(err)
	}
	if d.Status != types.ExecutionStatusSucceeded || out.Error.Error != "Payment.Declined" || out.Error.Cause != "amount over limit" {
		t.Errorf("caught execution = %s %s, want the TaskError caught into $.error", d.Status, aws.ToString(d.Output))
	}
}

// newInstantClock returns a clock on which every wait shorter than a minute
// ends at once and time jumps forward by the waited duration; longer waits
// are timeouts that must not fire.
func newInstantClock() *ManualClock {
	clk := NewManualClock(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	clk.AutoAdvance(time.Minute)
	return clk
}

func TestASLWaitWithTimeScale(t *testing.T) {
	_, c := startServer(t, WithTimeScale(1e5))
	def := `{"StartAt":"Nap","States":{"Nap":{"Type":"Wait","Seconds":3600,"Next":"Done"},"Done":{"Type":"Succeed"}}}`
	arn := createMachine(t, c, "napper", def, "")
	d := startAndWait(t, c, &sfn.StartExecutionInput{StateMachineArn: &arn})
	if d.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("status = %s, want SUCCEEDED", d.Status)
	}
	if took := d.StopDate.Sub(*d.StartDate); took < time.Hour {
		t.Errorf("execution took %v on the scaled clock, want at least the 1h Wait", took)
	}
	got := strings.Join(eventTypes(history(t, c, aws.ToString(d.ExecutionArn))), " ")
	if !strings.Contains(got, "WaitStateEntered WaitStateExited") {
		t.Errorf("history %s lacks the Wait state events", got)
	}
}

// TestASLExpressTimeoutWithTimeScale checks that WithTimeScale scales the
// 5-minute limit of an Express execution with everything else: the run ends
// TIMED_OUT after at least 5 minutes on the scaled clock, long before its
// 24-hour Wait would end. Where between the two it ends depends on how soon
// the server's goroutines run after the timer fires (at 1e4, each real
// millisecond of delay adds 10 s on the scaled clock: a loaded machine under
// -race put it at 10m40s), so the exact 5 minutes are checked on a
// ManualClock by TestASLExpressTimeoutOnManualClock; the bound here only
// tells the timeout from the Wait's end, 8.6 s of real time away.
func TestASLExpressTimeoutWithTimeScale(t *testing.T) {
	_, c := startServer(t, WithTimeScale(1e4))
	def := `{"StartAt":"Long","States":{"Long":{"Type":"Wait","Seconds":86400,"End":true}}}`
	arn := createMachine(t, c, "too-long", def, types.StateMachineTypeExpress)
	out, err := c.StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{StateMachineArn: &arn})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != types.SyncExecutionStatusTimedOut || aws.ToString(out.Error) != "States.Timeout" {
		t.Errorf("StartSyncExecution = %s %q, want TIMED_OUT States.Timeout", out.Status, aws.ToString(out.Error))
	}
	if took := out.StopDate.Sub(*out.StartDate); took < 5*time.Minute || took >= 24*time.Hour {
		t.Errorf("express execution ran %v on the scaled clock, want at least its 5 minutes and less than its 24-hour Wait", took)
	}
}

// TestASLExpressTimeoutOnManualClock checks that an Express execution ends
// TIMED_OUT States.Timeout exactly 5 minutes after its start: the clock
// moves only by the timers it fires at once (those under 10 minutes, so the
// execution's 5-minute limit but not its 24-hour Wait), so StopDate -
// StartDate is the limit whatever the machine's load.
func TestASLExpressTimeoutOnManualClock(t *testing.T) {
	clk := NewManualClock(testStart)
	clk.AutoAdvance(10 * time.Minute)
	_, c := startServer(t, WithClock(clk))
	def := `{"StartAt":"Long","States":{"Long":{"Type":"Wait","Seconds":86400,"End":true}}}`
	arn := createMachine(t, c, "too-long", def, types.StateMachineTypeExpress)
	out, err := c.StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{StateMachineArn: &arn})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != types.SyncExecutionStatusTimedOut || aws.ToString(out.Error) != "States.Timeout" {
		t.Errorf("StartSyncExecution = %s %q, want TIMED_OUT States.Timeout", out.Status, aws.ToString(out.Error))
	}
	if took := out.StopDate.Sub(*out.StartDate); took != 5*time.Minute {
		t.Errorf("express execution ran %v, want its 5-minute limit", took)
	}
}

func TestASLRedriveEndToEnd(t *testing.T) {
	ctx := context.Background()
	srv, c := startServer(t)
	var healthy atomic.Bool
	srv.RegisterTask("arn:aws:states:::demo:ship", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		if !healthy.Load() {
			return nil, &TaskError{Name: "Warehouse.Down", Cause: "no stock service"}
		}
		return json.RawMessage(`"shipped"`), nil
	})
	def := `{"StartAt":"Prepare","States":{
	  "Prepare":{"Type":"Pass","Result":"prepared","ResultPath":"$.prep","Next":"Ship"},
	  "Ship":{"Type":"Task","Resource":"arn:aws:states:::demo:ship","ResultPath":"$.ship","End":true}}}`
	arn := createMachine(t, c, "shipping", def, "")
	exArn := startWith(t, c, arn, `{"id":7}`)
	d := waitDone(t, c, exArn)
	if d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "Warehouse.Down" || d.RedriveStatus != types.ExecutionRedriveStatusRedrivable {
		t.Fatalf("first run = %s %q redrive %s, want FAILED Warehouse.Down REDRIVABLE", d.Status, aws.ToString(d.Error), d.RedriveStatus)
	}
	healthy.Store(true)
	if _, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &exArn}); err != nil {
		t.Fatalf("RedriveExecution: %v", err)
	}
	d = waitDone(t, c, exArn)
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"id":7,"prep":"prepared","ship":"shipped"}` || aws.ToInt32(d.RedriveCount) != 1 {
		t.Errorf("after redrive = %s %s count %d", d.Status, aws.ToString(d.Output), aws.ToInt32(d.RedriveCount))
	}
	types_ := eventTypes(history(t, c, exArn))
	entered := 0
	for _, typ := range types_ {
		if typ == "PassStateEntered" {
			entered++
		}
	}
	if entered != 1 || !strings.Contains(strings.Join(types_, " "), "ExecutionFailed ExecutionRedriven TaskStateEntered") {
		t.Errorf("history %v: the redrive must resume at the failed Task, not re-run Prepare", types_)
	}
}

func TestASLInvalidDefinition(t *testing.T) {
	_, c := startServer(t)
	_, err := c.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String("bad"), RoleArn: aws.String(testRole),
		Definition: aws.String(`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nowhere"}}}`)})
	var invalid *types.InvalidDefinition
	if !errors.As(err, &invalid) || !strings.HasPrefix(invalid.ErrorMessage(), "Invalid State Machine Definition: '") || !strings.Contains(invalid.ErrorMessage(), "Nowhere") {
		t.Errorf("CreateStateMachine(bad Next) error = %v, want InvalidDefinition naming Nowhere", err)
	}
}

func TestASLCloseAbortsWaits(t *testing.T) {
	srv := New()
	endpoint, err := srv.Listen("")
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(endpoint, "AKIDTEST")
	arn := createMachine(t, c, "sleepy", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":86400,"End":true}}}`, "")
	out, err := c.StartExecution(context.Background(), &sfn.StartExecutionInput{StateMachineArn: &arn})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if st := srv.execs[aws.ToString(out.ExecutionArn)].status; st != "ABORTED" {
		t.Errorf("status after Close = %s, want ABORTED", st)
	}
}
