package sfnlocal

import (
	"testing"
	"time"

	"github.com/polysync/stepfunctions/internal/sfnops"
)

// TestThrottlingFollowsTheOperationsTable checks that every operation's
// bucket, in both classes of region, has the burst and refill documented in
// internal/sfnops, and that operations without a published quota are never
// throttled.
func TestThrottlingFollowsTheOperationsTable(t *testing.T) {
	const unthrottled = 10000
	takeAll := func(srv *Server, key string) int {
		n := 0
		for n < unthrottled && srv.take(key) == nil {
			n++
		}
		return n
	}
	for _, region := range []string{"us-west-2", "eu-north-1"} {
		clk := NewManualClock(testStart)
		srv := New(withCompiler(fakeCompiler), WithClock(clk), WithThrottling(region))
		t.Cleanup(func() { srv.Close() })
		for _, op := range sfnops.All() {
			for _, b := range []struct {
				key   string
				quota sfnops.Quota
			}{{op.Name, op.Quota}, {op.Name + expressBucketSuffix, op.ExpressQuota}} {
				if !b.quota.Published() {
					if n := takeAll(srv, b.key); n != unthrottled {
						t.Errorf("%s %s: throttled after %d calls, want no throttling (no published quota)", region, b.key, n)
					}
					continue
				}
				want := b.quota.In(region)
				if n := takeAll(srv, b.key); n != int(want.Burst) {
					t.Errorf("%s %s burst = %d, want %v", region, b.key, n, want.Burst)
				}
				clk.Advance(time.Second)
				if n := takeAll(srv, b.key); n != int(want.Refill) {
					t.Errorf("%s %s refill in 1s = %d, want %v", region, b.key, n, want.Refill)
				}
			}
		}
	}
}
