package sfnlocal

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

type handleTestInput struct {
	First  string `json:"first" sfn:"required"`
	Second *int   `json:"second" sfn:"required"`
	Other  string `json:"other"`
}

func (in *handleTestInput) validate() error {
	if in.Other == "bad" {
		return validationf("other is bad")
	}
	return nil
}

type handleTestOutput struct {
	Echo string `json:"echo"`
	At   *epoch `json:"at,omitempty"`
}

// TestHandle checks the adapter's order of work: decode, required members in
// field order, the request's own checks, then the operation, whose typed
// answer is returned as is.
func TestHandle(t *testing.T) {
	called := 0
	h := handle(func(_ *Server, _ context.Context, in *handleTestInput) (*handleTestOutput, error) {
		called++
		return &handleTestOutput{Echo: in.First, At: ep(testStart)}, nil
	})
	tests := []struct {
		body     string
		wantCode string
		wantMsg  string
	}{
		{`{"first":1}`, "SerializationException", "member first: cannot use a JSON number as a string"},
		{``, "ValidationException", "Value null at 'first'"},
		{`{"second":0,"other":"bad"}`, "ValidationException", "Value null at 'first'"},
		{`{"first":"a","other":"bad"}`, "ValidationException", "Value null at 'second'"},
		{`{"first":"a","second":0,"other":"bad"}`, "ValidationException", "other is bad"},
	}
	for _, tt := range tests {
		_, err := h(nil, context.Background(), &call{body: []byte(tt.body)})
		var ae *apiError
		if !errors.As(err, &ae) || ae.Code != tt.wantCode || !strings.Contains(ae.Message, tt.wantMsg) {
			t.Errorf("handle(%s) error = %v, want %s containing %q", tt.body, err, tt.wantCode, tt.wantMsg)
		}
	}
	if called != 0 {
		t.Fatalf("the operation ran %d times for invalid requests", called)
	}
	out, err := h(nil, context.Background(), &call{body: []byte(`{"first":"a","second":0}`)})
	if err != nil || called != 1 {
		t.Fatalf("handle(valid) = %v, %v after %d calls", out, err, called)
	}
	b, _ := json.Marshal(out)
	if got, want := string(b), `{"echo":"a","at":1767323045}`; got != want {
		t.Errorf("answer = %s, want %s", got, want)
	}
}

// TestRequiredMembersNeedNames checks that a required field without a JSON
// member name is refused when the operation is registered.
func TestRequiredMembersNeedNames(t *testing.T) {
	type bad struct {
		Arn string `sfn:"required"`
	}
	defer func() {
		if recover() == nil {
			t.Error("handle accepted a required field without a JSON name")
		}
	}()
	handle(func(*Server, context.Context, *bad) (*empty, error) { return &empty{}, nil })
}

// TestMemberLengthLimits sends each member the API model bounds with one
// byte more than its limit, and then with its limit: the first answers the
// service's ValidationException naming the member and the limit, the second
// gets past that check (whatever the operation then answers).
func TestMemberLengthLimits(t *testing.T) {
	srv := New(withCompiler(fakeCompiler))
	t.Cleanup(func() { _ = srv.Close() })
	const arn = `"arn:aws:states:us-east-1:123456789012:execution:m:e"`
	tests := []struct {
		op, member string
		limit      int
		body       string // MEMBER stands for the member's value
	}{
		{"GetActivityTask", "workerName", 80, `{"activityArn":"arn:aws:states:us-east-1:123456789012:activity:a","workerName":MEMBER}`},
		{"SendTaskSuccess", "taskToken", 2048, `{"taskToken":MEMBER,"output":"{}"}`},
		{"SendTaskSuccess", "output", 262144, `{"taskToken":"t","output":MEMBER}`},
		{"SendTaskFailure", "taskToken", 2048, `{"taskToken":MEMBER}`},
		{"SendTaskFailure", "error", 256, `{"taskToken":"t","error":MEMBER}`},
		{"SendTaskFailure", "cause", 32768, `{"taskToken":"t","cause":MEMBER}`},
		{"SendTaskHeartbeat", "taskToken", 2048, `{"taskToken":MEMBER}`},
		{"StopExecution", "error", 256, `{"executionArn":` + arn + `,"error":MEMBER}`},
		{"StopExecution", "cause", 32768, `{"executionArn":` + arn + `,"cause":MEMBER}`},
		{"RedriveExecution", "clientToken", 64, `{"executionArn":` + arn + `,"clientToken":MEMBER}`},
		{"PublishStateMachineVersion", "description", 256,
			`{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:m","description":MEMBER}`},
		{"CreateStateMachineAlias", "description", 256, `{"name":"live","description":MEMBER,"routingConfiguration":
			[{"stateMachineVersionArn":"arn:aws:states:us-east-1:123456789012:stateMachine:m:1","weight":100}]}`},
		{"UpdateStateMachineAlias", "description", 256,
			`{"stateMachineAliasArn":"arn:aws:states:us-east-1:123456789012:stateMachine:m:live","description":MEMBER}`},
	}
	for _, tt := range tests {
		t.Run(tt.op+"/"+tt.member, func(t *testing.T) {
			want := "Value at '" + tt.member + "' failed to satisfy constraint: Member must have length less than or equal to " +
				strconv.Itoa(tt.limit)
			for _, n := range []int{tt.limit + 1, tt.limit} {
				value, _ := json.Marshal(strings.Repeat("x", n))
				rec := httptestPost(srv, tt.op, strings.Replace(tt.body, "MEMBER", string(value), 1))
				refused := strings.Contains(rec.Body.String(), want)
				if n > tt.limit && (rec.Code != 400 || !strings.Contains(rec.Body.String(), `#ValidationException"`) || !refused) {
					t.Errorf("%s with %d bytes = %d %s, want 400 ValidationException %q", tt.member, n, rec.Code, rec.Body, want)
				}
				if n == tt.limit && refused {
					t.Errorf("%s with %d bytes (the limit) was refused: %s", tt.member, n, rec.Body)
				}
			}
		})
	}
}

// TestMemberMinimumLengths sends each optional member the API model gives a
// minimum length of 1 as "" (what the Go SDK sends for aws.String("")):
// each answers the service's ValidationException naming the member, instead
// of the request going on as if the member were absent.
func TestMemberMinimumLengths(t *testing.T) {
	srv := New(withCompiler(fakeCompiler))
	t.Cleanup(func() { _ = srv.Close() })
	const (
		sm   = `"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:m"`
		exec = `"executionArn":"arn:aws:states:us-east-1:123456789012:execution:m:e"`
	)
	tests := []struct {
		op, member, body string
	}{
		{"StartExecution", "name", `{` + sm + `,"name":""}`},
		{"StartSyncExecution", "name", `{` + sm + `,"name":""}`},
		{"UpdateStateMachine", "definition", `{` + sm + `,"definition":""}`},
		{"UpdateStateMachine", "roleArn", `{` + sm + `,"roleArn":""}`},
		{"GetActivityTask", "workerName", `{"activityArn":"arn:aws:states:us-east-1:123456789012:activity:a","workerName":""}`},
		{"RedriveExecution", "clientToken", `{` + exec + `,"clientToken":""}`},
		{"TestState", "stateName", `{"definition":"{}","stateName":""}`},
		{"TestState", "roleArn", `{"definition":"{}","roleArn":""}`},
		{"ListStateMachines", "nextToken", `{"nextToken":""}`},
		{"GetExecutionHistory", "nextToken", `{` + exec + `,"nextToken":""}`},
		{"ListExecutions", "stateMachineArn", `{"stateMachineArn":"","mapRunArn":"arn:aws:states:us-east-1:123456789012:mapRun:m/l:1"}`},
		{"ListExecutions", "mapRunArn", `{` + sm + `,"mapRunArn":""}`},
	}
	for _, tt := range tests {
		t.Run(tt.op+"/"+tt.member, func(t *testing.T) {
			rec := httptestPost(srv, tt.op, tt.body)
			want := "1 validation error detected: Value '' at '" + tt.member +
				"' failed to satisfy constraint: Member must have length greater than or equal to 1"
			if rec.Code != 400 || !strings.Contains(rec.Body.String(), `#ValidationException"`) || !strings.Contains(rec.Body.String(), want) {
				t.Errorf("%s with %s \"\" = %d %s, want 400 ValidationException %q", tt.op, tt.member, rec.Code, rec.Body, want)
			}
		})
	}
}

// TestConstraintTagsAreChecked checks that a constraint the adapter cannot
// read is refused when the operation is registered.
func TestConstraintTagsAreChecked(t *testing.T) {
	for _, tag := range []string{"max=0", "max=x", "required,min=1", "min=1", ""} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("handle accepted the constraint %q", tag)
				}
			}()
			requestMembers(reflect.StructOf([]reflect.StructField{{Name: "Arn", Type: reflect.TypeFor[string](),
				Tag: reflect.StructTag(`json:"arn" sfn:"` + tag + `"`)}}))
		}()
	}
}
