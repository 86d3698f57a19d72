package stepfunctions_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/internal/testkit"
)

// lostFirstStart is an HTTP client that sends the first StartExecution on to the endpoint, which runs it, and then
// never hands back the answer: it holds the call until the request's context ends, as a proxy that swallowed the
// answer would.
type lostFirstStart struct{ starts atomic.Int32 }

func (c *lostFirstStart) Do(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultClient.Do(r)
	if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".StartExecution") && c.starts.Add(1) == 1 {
		if err == nil {
			resp.Body.Close()
		}
		<-r.Context().Done()
		return nil, r.Context().Err()
	}
	return resp, err
}

// With ExpressAsync, a StartExecution whose answer never comes ends after Config.AttemptTimeout instead of holding
// the start until the caller's ctx ends; it is not retried (an Express start is not idempotent), and the lost
// start is found in the logs and returned.
func TestLocalExpressAsyncHungStartEndsAfterAttemptTimeout(t *testing.T) {
	testkit.IsolateAWSEnv(t) // a CA bundle would refuse a client that is not an *http.Client
	e, job, tasks := lostStartEnv(t, types.LogLevelAll)
	p := e.lostStartProvider(stepfunctions.Config{ExpressMode: stepfunctions.ExpressAsync, HTTPClient: &lostFirstStart{},
		AttemptTimeout: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	run, err := executeInvoice(ctx, p, job)
	if err != nil || !strings.Contains(run.RunID, ":express:invoices:") {
		t.Fatalf("ExecutePipeline(async) = %+v, %v; want the Express run found in the logs", run, err)
	}
	if ran, calls := len(tasks.all()), e.calls("StartExecution"); ran != 1 || calls != 1 {
		t.Errorf("the task ran %d times with %d StartExecution calls, want 1 and 1", ran, calls)
	}
}
