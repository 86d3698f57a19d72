package asl

import (
	"context"
	"encoding/json"
	"testing"
	"time"
)

func TestContextObject(t *testing.T) {
	clock := newFakeClock(0)
	ec := testContext()
	ec.RedriveCount = 2
	m2 := mustParse(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{
		"id.$":"$$.Execution.Id","name.$":"$$.Execution.Name","start.$":"$$.Execution.StartTime",
		"role.$":"$$.Execution.RoleArn","input.$":"$$.Execution.Input","redrives.$":"$$.Execution.RedriveCount",
		"sm.$":"$$.StateMachine.Id","smName.$":"$$.StateMachine.Name",
		"state.$":"$$.State.Name","entered.$":"$$.State.EnteredTime","st.$":"$$.State"},"End":true}}}`)
	res := m2.Run(context.Background(), json.RawMessage(`{"k":[1]}`), Options{Clock: clock, Context: ec})
	want := `{"id":"arn:aws:states:us-east-1:123456789012:execution:Machine:exec-1","name":"exec-1",
		"start":"2024-01-02T03:04:05.000Z","role":"arn:aws:iam::123456789012:role/Role","input":{"k":[1]},"redrives":2,
		"sm":"arn:aws:states:us-east-1:123456789012:stateMachine:Machine","smName":"Machine",
		"state":"P","entered":"2024-01-02T03:04:05.000Z","st":{"Name":"P","EnteredTime":"2024-01-02T03:04:05.000Z"}}`
	if !jsonEqual(t, string(res.Output), want) {
		t.Errorf("context object = %s\nwant %s", res.Output, want)
	}
	// A Pass state's $$.State has no RetryCount (AWS records only Name and
	// EnteredTime there).
	m3 := mustParse(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"r.$":"$$.State.RetryCount"},"End":true}}}`)
	if res := m3.Run(context.Background(), nil, Options{Clock: clock, Context: ec}); res.Status != StatusFailed || res.Error != ErrRuntime {
		t.Errorf("$$.State.RetryCount in a Pass state: Run = %+v, want States.Runtime", res)
	}
}

func TestContextEnteredTimeFollowsClock(t *testing.T) {
	m := mustParse(t, `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":90,"Next":"P"},
		"P":{"Type":"Pass","Parameters":{"t.$":"$$.State.EnteredTime","s.$":"$$.State.Name"},"End":true}}}`)
	res := m.Run(context.Background(), nil, Options{Clock: newFakeClock(time.Hour)})
	if !jsonEqual(t, string(res.Output), `{"t":"2024-01-02T03:05:35.000Z","s":"P"}`) {
		t.Errorf("output = %s", res.Output)
	}
}

func TestContextMissingFieldIsRuntime(t *testing.T) {
	m := mustParse(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"t.$":"$$.Task.Token"},"End":true}}}`)
	res := m.Run(context.Background(), nil, Options{Clock: newFakeClock(0)})
	if res.Status != StatusFailed || res.Error != ErrRuntime {
		t.Errorf("Run = %+v, want FAILED States.Runtime ($$.Task.Token is absent)", res)
	}
}
