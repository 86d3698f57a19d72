package stepfunctions

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/polysync/stepfunctions/auth"
	"github.com/polysync/stepfunctions/internal/ratelimit"
	"github.com/polysync/stepfunctions/internal/sfnops"
	"github.com/polysync/stepfunctions/sfnlocal"
)

// TestThrottledAttemptsFeedTheLimiter checks on the wire that a throttled attempt cuts its API's rate and that
// the SDK's retry waits on the limiter: the retry takes a token from the bucket the throttle emptied.
func TestThrottledAttemptsFeedTheLimiter(t *testing.T) {
	t.Setenv("AWS_CA_BUNDLE", "")
	srv := sfnlocal.New(sfnlocal.WithRegion("eu-west-1"),
		sfnlocal.WithFault(sfnlocal.Fault{Operation: "ListStateMachines", Call: 1, Code: "ThrottlingException", Message: "Rate exceeded"}))
	url, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	limits := DefaultRateLimits("eu-west-1")
	// A bucket of one token (two less the spare) refilled at 2/s: the first attempt takes the token, the
	// throttle cuts the rate to 1.4/s, and a retry that waits on the limiter waits about 0.7 s for the next.
	limits[sfnops.ListStateMachines] = RateLimit{PerSecond: 2, Burst: 2}
	p, err := New(context.Background(), Config{Region: "eu-west-1", Endpoint: url, RateLimits: limits,
		Credentials: auth.Static("AKIDEXAMPLE", "secret", ""), MaxBackoff: 1})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := p.ListJobs(context.Background()); err != nil {
		t.Fatalf("ListJobs() error = %v (the throttled attempt should have been retried)", err)
	}
	if elapsed := time.Since(start); elapsed < 500*time.Millisecond {
		t.Errorf("ListJobs() took %v, want at least 0.5 s: the retry must wait on the limiter the throttle emptied", elapsed)
	}
	if s := p.limiters[sfnops.ListStateMachines].Stats(); s.Throttles != 1 || s.Decreases != 1 || s.Rate < 1.4 || s.Rate > 1.5 {
		t.Errorf("ListStateMachines limiter after one throttled attempt: %+v, want 1 throttle, 1 decrease and a rate of about 1.4/s (cut from 2/s, growing back)", s)
	}
	if got := srv.Calls("ListStateMachines"); got != 2 {
		t.Errorf("server received %d ListStateMachines calls, want 2 (one throttled, one retry)", got)
	}
}

// TestThrottlesOfCallsInFlightCutOnce checks that the throttled answers of calls sent before a cut count as one
// signal however long they take to come back: calls of a burst whose answers spread over more than the cooldown
// (slow connections, a busy proxy) each cut the rate again, to a fraction of the quota.
func TestThrottlesOfCallsInFlightCutOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		set := limiterSet{sfnops.StartExecution: ratelimit.New(300, 1300)}
		var sent sync.WaitGroup
		answer := make(chan time.Duration)
		// call makes one call through a stack of its own, as the SDK does.
		call := func() {
			stack := middleware.NewStack("test", smithyhttp.NewStackRequest)
			if err := stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("Retry",
				func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
					return next.HandleFinalize(ctx, in)
				}), middleware.After); err != nil {
				t.Error(err)
			}
			if err := set.addMiddleware(stack); err != nil {
				t.Error(err)
			}
			h := middleware.DecorateHandler(middleware.HandlerFunc(func(ctx context.Context, _ any) (any, middleware.Metadata, error) {
				sent.Done()
				time.Sleep(<-answer)
				return nil, middleware.Metadata{}, &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
			}), stack)
			_, _, _ = h.Handle(middleware.WithOperationName(context.Background(), sfnops.StartExecution), struct{}{})
		}
		const burst = 50
		sent.Add(burst)
		var done sync.WaitGroup
		for range burst {
			done.Go(call)
		}
		sent.Wait() // the whole burst is in flight
		for i := range burst {
			answer <- time.Duration(i) * 20 * time.Millisecond // the answers come back over a second
		}
		done.Wait()
		if s := set[sfnops.StartExecution].Stats(); s.Throttles != burst || s.Decreases != 1 {
			t.Errorf("after %d throttled calls sent together: %+v, want %d throttles and 1 decrease (the rate cut once, to 210/s)",
				burst, s, burst)
		}
	})
}

// TestRetryWaitPastTheDeadlineNamesTheLimit checks that a retry whose wait on the limiter would outlast the caller's
// deadline fails as the first attempt's wait does (Provider.wait): an error that names the API's client-side rate
// limit and wraps context.DeadlineExceeded, where it was x/time/rate's bare "rate: Wait(n=1) would exceed context
// deadline", which errors.Is(err, context.DeadlineExceeded) did not see.
func TestRetryWaitPastTheDeadlineNamesTheLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		set := limiterSet{sfnops.DescribeExecution: ratelimit.New(0.5, 2)}
		stack := middleware.NewStack("test", smithyhttp.NewStackRequest)
		if err := stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("Retry", // two attempts, as the SDK's retryer would
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				if _, _, err := next.HandleFinalize(ctx, in); err == nil {
					t.Error("first attempt succeeded, want it throttled")
				}
				return next.HandleFinalize(ctx, in)
			}), middleware.After); err != nil {
			t.Fatal(err)
		}
		if err := set.addMiddleware(stack); err != nil {
			t.Fatal(err)
		}
		h := middleware.DecorateHandler(middleware.HandlerFunc(func(context.Context, any) (any, middleware.Metadata, error) {
			return nil, middleware.Metadata{}, &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
		}), stack)
		// The throttle cuts the rate to 0.35/s and empties the bucket: the retry's token is 2.9 s away.
		ctx, cancel := context.WithTimeout(middleware.WithOperationName(context.Background(), sfnops.DescribeExecution), time.Second)
		defer cancel()
		_, _, err := h.Handle(ctx, struct{}{})
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(fmt.Sprint(err), "client-side rate limit of DescribeExecution") {
			t.Errorf("retry past the deadline: error = %v, want one naming the client-side rate limit of DescribeExecution and wrapping context.DeadlineExceeded", err)
		}
	})
}
