package stepfunctions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/polysync/stepfunctions/auth"
	"github.com/polysync/stepfunctions/internal/sfnops"
)

// TestWaitPipelineRunSurvivesAHungRequest: a server that accepts the first DescribeExecution and never answers it
// (or stops halfway through its answer) held the shared round (which runs on no deadline of a caller) until the
// connection failed, and with it every WaitPipelineRun; the attempt now ends after Config.AttemptTimeout and the
// SDK's retry is answered.
func TestWaitPipelineRunSurvivesAHungRequest(t *testing.T) {
	const run = "arn:aws:states:eu-west-1:123456789012:execution:orders:r1"
	for _, tt := range []struct {
		name    string
		partial bool // the hung answer sends its headers and the start of its body
	}{{"no answer", false}, {"answer stops halfway", true}} {
		t.Run(tt.name, func(t *testing.T) {
			release := make(chan struct{})
			var describes atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSStepFunctions.")
				if op != "DescribeExecution" {
					t.Errorf("unexpected operation %s", op)
					http.Error(rw, "no handler", http.StatusInternalServerError)
					return
				}
				rw.Header().Set("Content-Type", "application/x-amz-json-1.0")
				if describes.Add(1) == 1 {
					if tt.partial {
						_, _ = io.WriteString(rw, `{"executionArn": "`+run+`", `)
						rw.(http.Flusher).Flush()
					}
					select { // hang until the client gives up (or the test ends)
					case <-r.Context().Done():
					case <-release:
					}
					return
				}
				_ = json.NewEncoder(rw).Encode(map[string]any{"executionArn": run, "stateMachineArn": testMachine,
					"name": "r1", "status": "SUCCEEDED", "startDate": epoch(t0), "stopDate": epoch(t0.Add(time.Minute)),
					"output": "{}"})
			}))
			t.Cleanup(srv.Close)
			t.Cleanup(func() { close(release) }) // before srv.Close, which waits for the handlers
			p, err := New(context.Background(), Config{Region: "eu-west-1", Endpoint: srv.URL,
				Credentials: auth.Static("AKIDEXAMPLE12345678", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
				RateLimits:  unlimited(), MaxBackoff: time.Millisecond, AttemptTimeout: 250 * time.Millisecond})
			if err != nil {
				t.Fatalf("New() error = %v", err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			st, err := p.WaitPipelineRun(ctx, run, nil)
			if err != nil || st.State != RunStateSuccess {
				t.Fatalf("WaitPipelineRun() = %+v, %v; want Success after the hung attempt was retried", st, err)
			}
			if n := describes.Load(); n != 2 {
				t.Errorf("DescribeExecution requests = %d, want 2 (the hung one and its retry)", n)
			}
		})
	}
}

// TestBoundAttemptsSparesStartSyncExecution: every API's attempt gets Config.AttemptTimeout but StartSyncExecution's,
// whose answer comes when the Express execution ends (up to 5 minutes).
func TestBoundAttemptsSparesStartSyncExecution(t *testing.T) {
	const bound = time.Hour
	for _, tt := range []struct {
		api     string
		bounded bool
	}{
		{sfnops.DescribeExecution, true},
		{sfnops.ListExecutions, true},
		{sfnops.StartExecution, true},
		{apiFilterLogEvents, true},
		{sfnops.StartSyncExecution, false},
	} {
		stack := middleware.NewStack(tt.api, smithyhttp.NewStackRequest)
		if err := boundAttempts(bound)(stack); err != nil {
			t.Fatalf("boundAttempts() error = %v", err)
		}
		var deadline time.Time
		var bounded bool
		h := middleware.DecorateHandler(middleware.HandlerFunc(func(ctx context.Context, _ any) (any, middleware.Metadata, error) {
			deadline, bounded = ctx.Deadline()
			return nil, middleware.Metadata{}, nil
		}), stack)
		before := time.Now()
		if _, _, err := h.Handle(middleware.WithOperationName(context.Background(), tt.api), struct{}{}); err != nil {
			t.Fatalf("%s: Handle() error = %v", tt.api, err)
		}
		if bounded != tt.bounded || (bounded && (deadline.Before(before.Add(bound)) || deadline.After(time.Now().Add(bound)))) {
			t.Errorf("%s: attempt deadline %v (set %v), want set %v, %v after the attempt began", tt.api, deadline, bounded,
				tt.bounded, bound)
		}
	}
}

// TestAttemptTimeoutErrorIsRetryable: a call whose every attempt ran out of Config.AttemptTimeout is an error more
// calls may cure (WaitPipelineRun looks again next round), not the caller's deadline.
func TestAttemptTimeoutErrorIsRetryable(t *testing.T) {
	err := classify(sfnops.DescribeExecution, "arn:aws:states:eu-west-1:123456789012:execution:orders:r1", "eu-west-1",
		&smithy.OperationError{ServiceID: "SFN", OperationName: sfnops.DescribeExecution,
			Err: fmt.Errorf("exceeded maximum number of attempts, 8, %w", &attemptTimeoutError{api: sfnops.DescribeExecution, timeout: time.Second})})
	if !IsRetryable(err) || errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "Config.AttemptTimeout") {
		t.Errorf("classify(attempt timeout) = %v (retryable %v), want a retryable error naming Config.AttemptTimeout, not "+
			"context.DeadlineExceeded", err, IsRetryable(err))
	}
}
