package asl

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestEventsForSimpleMachine(t *testing.T) {
	m := mustParse(t, `{"StartAt":"P","States":{
		"P":{"Type":"Pass","Result":{"n":1},"Next":"T"},
		"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":30,"Next":"W"},
		"W":{"Type":"Wait","Seconds":1,"Next":"S"},
		"S":{"Type":"Succeed"}}}`)
	rec := &recorder{}
	opts := Options{Clock: newFakeClock(10 * time.Second), Context: testContext(), Emit: rec.emit, PreviousEventID: 1,
		Invoke: tasks(map[string]taskFunc{"arn:aws:states:::lambda:invoke": constant(`{"ok":true}`)})}
	res := m.Run(context.Background(), json.RawMessage(`{"in":1}`), opts)
	if res.Status != StatusSucceeded {
		t.Fatalf("status = %s %s %s", res.Status, res.Error, res.Cause)
	}
	wantTypes := []string{
		"PassStateEntered", "PassStateExited",
		"TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
		"WaitStateEntered", "WaitStateExited",
		"SucceedStateEntered", "SucceedStateExited",
	}
	if got := rec.types(); !reflect.DeepEqual(got, wantTypes) {
		t.Fatalf("event types = %v, want %v", got, wantTypes)
	}
	for i, e := range rec.events {
		if want := int64(i + 1); e.PreviousEventID != want {
			t.Errorf("event %d (%s) PreviousEventID = %d, want %d", i+2, e.Type, e.PreviousEventID, want)
		}
	}
	entered := rec.events[0]
	if entered.DetailsKey != "stateEnteredEventDetails" || entered.Details["name"] != "P" || entered.Details["input"] != `{"in":1}` {
		t.Errorf("PassStateEntered = %+v", entered)
	}
	exited := rec.events[1]
	if exited.DetailsKey != "stateExitedEventDetails" || exited.Details["output"] != `{"n":1}` {
		t.Errorf("PassStateExited = %+v", exited)
	}
	sched := rec.events[3]
	wantSched := map[string]any{"resourceType": "lambda", "resource": "invoke", "region": "us-east-1",
		"parameters": `{"n":1}`, "timeoutInSeconds": int64(30)}
	if sched.DetailsKey != "taskScheduledEventDetails" || !reflect.DeepEqual(sched.Details, wantSched) {
		t.Errorf("TaskScheduled = %s %v, want %v", sched.DetailsKey, sched.Details, wantSched)
	}
	succ := rec.events[5]
	if succ.DetailsKey != "taskSucceededEventDetails" || succ.Details["output"] != `{"ok":true}` || succ.Details["resourceType"] != "lambda" {
		t.Errorf("TaskSucceeded = %+v", succ)
	}
	if !rec.events[7].Timestamp.Before(rec.events[8].Timestamp) {
		t.Errorf("WaitStateExited at %v is not after WaitStateEntered at %v", rec.events[8].Timestamp, rec.events[7].Timestamp)
	}
}

func TestEventsForFailingTask(t *testing.T) {
	m := mustParse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","End":true}}}`)
	rec := &recorder{}
	res := m.Run(context.Background(), nil, Options{Clock: newFakeClock(0), Emit: rec.emit,
		Invoke: tasks(map[string]taskFunc{"t": failing("E", "c")})})
	if res.Status != StatusFailed {
		t.Fatalf("status = %s", res.Status)
	}
	want := []string{"TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed"}
	if got := rec.types(); !reflect.DeepEqual(got, want) {
		t.Fatalf("event types = %v, want %v", got, want)
	}
	f := rec.events[3]
	wantDetails := map[string]any{"resourceType": "task", "resource": "t", "error": "E", "cause": "c"}
	if f.DetailsKey != "taskFailedEventDetails" || !reflect.DeepEqual(f.Details, wantDetails) {
		t.Errorf("TaskFailed = %s %v, want %v", f.DetailsKey, f.Details, wantDetails)
	}
}

func TestSplitResource(t *testing.T) {
	tests := []struct{ in, typ, res string }{
		{"arn:aws:states:::lambda:invoke", "lambda", "invoke"},
		{"arn:aws:states:::glue:startJobRun.sync", "glue", "startJobRun.sync"},
		{"arn:aws:states:::aws-sdk:s3:listBuckets", "aws-sdk", "s3:listBuckets"},
		{"arn:aws-cn:states:::sqs:sendMessage.waitForTaskToken", "sqs", "sendMessage.waitForTaskToken"},
		{"arn:aws:lambda:us-east-1:123456789012:function:MyFn", "lambda", "MyFn"},
		{"arn:aws:lambda:us-east-1:123456789012:function:MyFn:prod", "lambda", "MyFn"},
		{"arn:aws:states:us-east-1:123456789012:activity:Act", "activity", "Act"},
		{"arn:aws:sqs:us-east-1:123456789012:queue", "sqs", "arn:aws:sqs:us-east-1:123456789012:queue"},
		{"my-task", "task", "my-task"},
	}
	for _, tc := range tests {
		typ, res := splitResource(tc.in)
		if typ != tc.typ || res != tc.res {
			t.Errorf("splitResource(%q) = %q, %q, want %q, %q", tc.in, typ, res, tc.typ, tc.res)
		}
	}
}

func TestIntegration(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"arn:aws:states:::lambda:invoke", "lambda:invoke", true},
		{"arn:aws-cn:states:::http:invoke", "http:invoke", true},
		{"arn:aws-us-gov:states:::aws-sdk:s3:getObject", "aws-sdk:s3:getObject", true},
		{"arn:aws:states:::sqs:sendMessage.waitForTaskToken", "sqs:sendMessage.waitForTaskToken", true},
		{"arn:aws:states:us-east-1:123456789012:activity:Act", "", false},
		{"arn:aws:lambda:us-east-1:123456789012:function:MyFn", "", false},
		{"arn:aws:states::123456789012:lambda:invoke", "", false},
		{"arn:aws:states::", "", false},
		{"my-task", "", false},
	}
	for _, tc := range tests {
		if got, ok := Integration(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("Integration(%q) = %q, %v, want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestEventsForCaughtDataLimit mirrors a history recorded against AWS: a
// Task result over the limit is a TaskFailed with States.DataLimitExceeded,
// States.ALL catches it, and the Task state still exits with the catcher's
// output before the handler is entered.
func TestEventsForCaughtDataLimit(t *testing.T) {
	m := mustParse(t, `{"StartAt":"InvokeLambda","States":{
		"InvokeLambda":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,
			"Catch":[{"ErrorEquals":["States.ALL"],"Next":"HandleGeneralError"}]},
		"HandleGeneralError":{"Type":"Pass","End":true}}}`)
	big := `"` + strings.Repeat("x", MaxPayloadSize+1) + `"`
	rec := &recorder{}
	res := m.Run(context.Background(), nil, Options{Clock: newFakeClock(0), Emit: rec.emit,
		Invoke: tasks(map[string]taskFunc{"arn:aws:states:::lambda:invoke": constant(big)})})
	wantCause := "The state/task 'lambda' returned a result with a size exceeding the maximum number of bytes service limit."
	if res.Status != StatusSucceeded || !jsonEqual(t, string(res.Output), `{"Error":"States.DataLimitExceeded","Cause":"`+wantCause+`"}`) {
		t.Fatalf("Run = %s %s", res.Status, res.Output)
	}
	want := []string{"TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed", "TaskStateExited", "PassStateEntered", "PassStateExited"}
	if got := rec.types(); !reflect.DeepEqual(got, want) {
		t.Fatalf("events = %v, want %v", got, want)
	}
	if d := rec.events[3].Details; d["error"] != ErrDataLimitExceeded || d["cause"] != wantCause {
		t.Errorf("TaskFailed details = %v", d)
	}
	for i, e := range rec.events {
		if e.PreviousEventID != int64(i+1) && i > 0 {
			t.Errorf("event %s previous = %d, want %d", e.Type, e.PreviousEventID, i+1)
		}
	}
	if rec.events[0].PreviousEventID != 0 {
		t.Errorf("first state event previous = %d, want 0 as AWS records", rec.events[0].PreviousEventID)
	}
}

// TestDataLimitCauseNamesTheIntegration checks the cause's name for a result
// over the limit: a service integration is named by its service in every
// partition, any other resource by its ARN.
func TestDataLimitCauseNamesTheIntegration(t *testing.T) {
	tests := []struct{ resource, want string }{
		{"arn:aws:states:::lambda:invoke", "lambda"},
		{"arn:aws-cn:states:::lambda:invoke", "lambda"},
		{"arn:aws-us-gov:states:::dynamodb:getItem", "dynamodb"},
		{"arn:aws:lambda:us-east-1:123456789012:function:Big", "arn:aws:lambda:us-east-1:123456789012:function:Big"},
	}
	big := `"` + strings.Repeat("x", MaxPayloadSize+1) + `"`
	for _, tc := range tests {
		m := mustParse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"`+tc.resource+`","End":true}}}`)
		res := m.Run(context.Background(), nil, Options{Clock: newFakeClock(0),
			Invoke: tasks(map[string]taskFunc{tc.resource: constant(big)})})
		want := "The state/task '" + tc.want + "' returned a result with a size exceeding the maximum number of bytes service limit."
		if res.Error != ErrDataLimitExceeded || res.Cause != want {
			t.Errorf("%s: Run = %s %s: %s, want %s: %s", tc.resource, res.Status, res.Error, res.Cause, ErrDataLimitExceeded, want)
		}
	}
}

func TestEventsWhenAborted(t *testing.T) {
	m := mustParse(t, `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"End":true}}}]}}}`)
	rec := &recorder{}
	clock := newFakeClock(0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan Result, 1)
	go func() { done <- m.Run(ctx, nil, Options{Clock: clock, Emit: rec.emit}) }()
	clock.waitPending(t, 1)
	cancel()
	if res := <-done; res.Status != StatusAborted {
		t.Fatalf("status = %s, want ABORTED", res.Status)
	}
	want := []string{"ParallelStateEntered", "ParallelStateStarted", "WaitStateEntered", "WaitStateAborted", "ParallelStateAborted"}
	if got := rec.types(); !reflect.DeepEqual(got, want) {
		t.Errorf("events = %v, want %v", got, want)
	}
}

func TestEventsForFailedParallelAndRetriedTask(t *testing.T) {
	m := mustParse(t, `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","End":true,"Retry":[{"ErrorEquals":["E"],"MaxAttempts":1}]}}}]}}}`)
	rec := &recorder{}
	res := m.Run(context.Background(), nil, Options{Clock: newFakeClock(time.Hour), Emit: rec.emit,
		Invoke: tasks(map[string]taskFunc{"t": failing("E", "no")})})
	if res.Status != StatusFailed || res.Error != "E" {
		t.Fatalf("Run = %+v", res)
	}
	want := []string{"ParallelStateEntered", "ParallelStateStarted",
		"TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed", "TaskScheduled", "TaskStarted", "TaskFailed",
		"ParallelStateFailed"}
	if got := rec.types(); !reflect.DeepEqual(got, want) {
		t.Errorf("events = %v, want %v", got, want)
	}
}

func TestHistoryLimit(t *testing.T) {
	// Done is never reached (the input has no stop): a definition needs a
	// terminal state, which some state must name.
	m := mustParse(t, `{"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Variable":"$.stop","IsPresent":true,"Next":"Done"}],"Default":"A"},"Done":{"Type":"Succeed"}}}`)
	rec := &recorder{}
	res := m.Run(context.Background(), json.RawMessage(`{}`), Options{Clock: newFakeClock(0), Emit: rec.emit, PreviousEventID: 1})
	if res.Status != StatusFailed || res.Error != ErrRuntime || res.Cause != "The execution reached the maximum number of history events (25000)." {
		t.Fatalf("Run = %+v, want FAILED at the history limit", res)
	}
	// Ids run from 2 (1 is ExecutionStarted) to 24999; 25000 is left for
	// ExecutionFailed.
	if n := len(rec.events); n != MaxHistoryEvents-2 {
		t.Errorf("emitted %d events, want %d", n, MaxHistoryEvents-2)
	}
}
