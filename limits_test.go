package stepfunctions

import (
	"context"
	"testing"
	"time"

	"github.com/polysync/stepfunctions/auth"
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
