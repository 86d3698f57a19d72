package stepfunctions

import (
	"strings"
	"testing"

	"github.com/polysync/stepfunctions/internal/sfnops"
)

// TestDefaultRateLimitsFollowTheOperationsTable checks that the client-side
// limits are internal/sfnops's documented buckets, for exactly the
// operations the provider calls, in both classes of region.
func TestDefaultRateLimitsFollowTheOperationsTable(t *testing.T) {
	start, _ := sfnops.Lookup(sfnops.StartExecution)
	for _, region := range []string{"us-east-1", "ap-southeast-2"} {
		got := DefaultRateLimits(region)
		n := 0
		for _, op := range sfnops.All() {
			l, ok := got[op.Name]
			if ok != op.Provider {
				t.Errorf("DefaultRateLimits(%q) has a limit for %s: %v, want %v", region, op.Name, ok, op.Provider)
				continue
			}
			if !ok {
				continue
			}
			n++
			q := op.Quota
			if !q.Published() {
				q = start.ExpressQuota // StartSyncExecution
			}
			b := q.In(region)
			if want := (RateLimit{PerSecond: b.Refill, Burst: int(b.Burst)}); l != want {
				t.Errorf("DefaultRateLimits(%q)[%s] = %+v, want %+v (the bucket %+v)", region, op.Name, l, want, b)
			}
		}
		// Beyond Step Functions' table: the Express StartExecution bucket, documented as 6,000 refilled at 6,000
		// per second in every region, and CloudWatch Logs' FilterLogEvents.
		if l, want := got[ExpressStartRateLimit], (RateLimit{PerSecond: 6000, Burst: 6000}); l != want {
			t.Errorf("DefaultRateLimits(%q)[%s] = %+v, want %+v", region, ExpressStartRateLimit, l, want)
		}
		if l := got[apiFilterLogEvents]; l != filterLogEventsLimit {
			t.Errorf("DefaultRateLimits(%q)[FilterLogEvents] = %+v, want %+v", region, l, filterLogEventsLimit)
		}
		if n+2 != len(got) {
			t.Errorf("DefaultRateLimits(%q) has %d limits, want the table's %d operations the provider calls, "+
				"the Express StartExecution bucket and FilterLogEvents", region, len(got), n)
		}
	}
}

// TestAccessDeniedHintsFollowTheOperationsTable checks that the hint of an
// AccessDeniedException names the operation's IAM action and the resource
// its scope in internal/sfnops says the action is granted on.
func TestAccessDeniedHintsFollowTheOperationsTable(t *testing.T) {
	const machine = "arn:aws:states:eu-west-1:123456789012:stateMachine:orders"
	const run = "arn:aws:states:eu-west-1:123456789012:execution:orders:run-1"
	const mapRun = "arn:aws:states:eu-west-1:123456789012:mapRun:orders/items:7d3e"
	for _, op := range sfnops.All() {
		resource, where := "", `on resource "*"`
		switch {
		case op.Scope&sfnops.ScopeStateMachine != 0:
			resource, where = machine, "on the state machine ARN "+machine
		case op.Scope&sfnops.ScopeExecution != 0:
			resource, where = run, "on the execution ARN "+run
		case op.Scope&sfnops.ScopeMapRun != 0:
			resource, where = mapRun, "on the map run ARN "+mapRun
		}
		err := classify(op.Name, resource, "eu-west-1", genericErr("AccessDeniedException"))
		e, ok := err.(*Error)
		if !ok {
			t.Fatalf("classify(%s) = %T, want *Error", op.Name, err)
		}
		if want := op.Action() + " " + where; !strings.Contains(e.Hint, want) {
			t.Errorf("%s hint = %q, want it to contain %q", op.Name, e.Hint, want)
		}
	}
}
