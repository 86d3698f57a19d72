package stepfunctions_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/polysync/stepfunctions"
)

// TestErrorsNameTheMethodAndTheAPIOnce checks on the wire that an error says which Provider method failed in
// which AWS call, and names the call and the resource once each.
func TestErrorsNameTheMethodAndTheAPIOnce(t *testing.T) {
	e := newLocalEnv(t)
	p := e.provider(stepfunctions.Config{})
	const machine = "arn:aws:states:eu-west-1:123456789012:stateMachine:nope"
	const run = "arn:aws:states:eu-west-1:123456789012:execution:nope:x"
	ctx := context.Background()
	_, startErr := p.ExecutePipeline(ctx, stepfunctions.Job{ID: machine}, nil)
	_, statusErr := p.GetPipelineRunStatus(ctx, run, nil)
	tests := []struct {
		err                   error
		method, api, resource string
	}{
		{startErr, "ExecutePipeline", "DescribeStateMachine", machine},
		{statusErr, "GetPipelineRunStatus", "DescribeExecution", run},
		{p.CancelPipelineRun(ctx, run), "CancelPipelineRun", "StopExecution", run},
	}
	for _, tt := range tests {
		var e *stepfunctions.Error
		if !errors.As(tt.err, &e) || e.Op != tt.method || e.API != tt.api || e.Resource != tt.resource {
			t.Errorf("error = %#v, want Op %s, API %s, Resource %s", tt.err, tt.method, tt.api, tt.resource)
			continue
		}
		msg := tt.err.Error()
		if !strings.HasPrefix(msg, "stepfunctions: "+tt.method+": "+tt.api+": ") {
			t.Errorf("error text %q does not start with the method and the API", msg)
		}
		body, _, _ := strings.Cut(msg, " (hint: ") // a hint may name the permission to grant
		for _, s := range []string{tt.api, tt.resource, "operation error"} {
			if n := strings.Count(body, s); n > 1 || (s == "operation error" && n > 0) {
				t.Errorf("error text %q names %q %d times", msg, s, n)
			}
		}
		if !strings.Contains(msg, "request ID ") {
			t.Errorf("error text %q lacks the request ID", msg)
		}
	}
}
