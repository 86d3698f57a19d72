package ratelimit

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// clock is a manual clock for a Limiter.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestThrottledCutsOncePerCooldown(t *testing.T) {
	c := &clock{t: time.Unix(1700000000, 0)}
	l := newAt(20, 200, c.now)
	if got := l.Limit(); got != 20 {
		t.Fatalf("initial Limit() = %v, want the quota 20", got)
	}
	l.Throttled()
	if got := l.Limit(); math.Abs(float64(got)-14) > 1e-9 {
		t.Errorf("Limit() after a throttle = %v, want 14", got)
	}
	if tokens := l.lim.TokensAt(c.t); tokens >= 1 {
		t.Errorf("bucket after a throttle holds %v tokens, want it emptied", tokens)
	}
	// Calls in flight come back throttled too: one signal.
	c.t = c.t.Add(100 * time.Millisecond)
	l.Throttled()
	if got := l.Limit(); math.Abs(float64(got)-14) > 1e-9 {
		t.Errorf("Limit() after a throttle within the cooldown = %v, want 14", got)
	}
	c.t = c.t.Add(time.Second) // 10 calls at 14/s take 0.71 s
	l.Throttled()
	if got := l.Limit(); math.Abs(float64(got)-9.8) > 1e-9 {
		t.Errorf("Limit() after a throttle past the cooldown = %v, want 9.8", got)
	}
	if s := l.Stats(); s.Throttles != 3 || s.Decreases != 2 {
		t.Errorf("Stats() = %+v, want 3 throttles and 2 decreases", s)
	}
	for range 1000 {
		c.t = c.t.Add(time.Hour)
		l.Throttled()
	}
	if got := l.Limit(); got < 20*minShare {
		t.Errorf("Limit() after many throttles = %v, want at least %v", got, 20*minShare)
	}
}

func TestThrottledSentCutsOncePerWindow(t *testing.T) {
	c := &clock{t: time.Unix(1700000000, 0)}
	l := newAt(300, 1300, c.now)
	before := l.Sent()
	l.ThrottledSent(before)
	if got := l.Limit(); math.Abs(float64(got)-210) > 1e-9 {
		t.Fatalf("Limit() after a throttle = %v, want 210", got)
	}
	// The burst's other calls come back throttled long after the cooldown: still one signal.
	for range 20 {
		c.t = c.t.Add(time.Second)
		l.ThrottledSent(before)
	}
	if got := l.Limit(); math.Abs(float64(got)-210) > 1e-9 {
		t.Errorf("Limit() after throttles of calls sent before the cut = %v, want 210", got)
	}
	// A call sent after the cut and throttled past the cooldown cuts again.
	l.ThrottledSent(l.Sent())
	if s := l.Stats(); s.Throttles != 22 || s.Decreases != 2 || math.Abs(s.Rate-147) > 1e-9 {
		t.Errorf("Stats() = %+v, want 22 throttles, 2 decreases and a rate of 147", s)
	}
	var nilLimiter *Limiter
	nilLimiter.ThrottledSent(nilLimiter.Sent())
}

// A rate set very high (a Config.RateLimits PerSecond of 1e300, meant as "no limit") squared to +Inf in the
// growth of Succeeded, and an answer in the instant of the cut made the rate NaN for good.
func TestHugeRateStaysANumber(t *testing.T) {
	c := &clock{t: time.Unix(1700000000, 0)}
	l := newAt(1e300, 10, c.now)
	l.Throttled()
	l.Succeeded() // at the instant of the cut
	if got := float64(l.Limit()); math.IsNaN(got) || got != 0.7e300 {
		t.Errorf("Limit() after a throttle and a success at once = %v, want 7e299", got)
	}
	c.t = c.t.Add(time.Second)
	l.Succeeded()
	if got := float64(l.Limit()); got != 1e300 {
		t.Errorf("Limit() a second later = %v, want the quota 1e300", got)
	}
}

func TestSucceededRecoversLinearly(t *testing.T) {
	c := &clock{t: time.Unix(1700000000, 0)}
	l := newAt(20, 200, c.now)
	l.Throttled() // 14/s
	c.t = c.t.Add(5 * time.Second)
	l.Succeeded()
	// quota²/1000 = 0.4 per second: 2 in 5 s.
	if got := l.Limit(); math.Abs(float64(got)-16) > 1e-9 {
		t.Errorf("Limit() 5 s after the cut = %v, want 16", got)
	}
	c.t = c.t.Add(time.Minute)
	l.Succeeded()
	if got := l.Limit(); got != 20 {
		t.Errorf("Limit() a minute later = %v, want the quota 20 (never above)", got)
	}
}

func TestUnlimitedAndNil(t *testing.T) {
	var nilLimiter *Limiter
	for _, l := range []*Limiter{New(0, 0), nilLimiter} {
		l.Throttled()
		l.Succeeded()
		if err := l.Wait(context.Background()); err != nil {
			t.Errorf("Wait() = %v, want nil", err)
		}
		if got := l.Limit(); got != rate.Inf {
			t.Errorf("Limit() = %v, want rate.Inf", got)
		}
	}
}

// simulate shares a service bucket (burst, refill per second) between an adaptive client that sends whenever
// its Limiter lets it and a steady client sending otherRate calls per second, for d of simulated time in 1 ms
// steps, and returns the adaptive client's accepted and throttled calls and the other's throttled ones.
func simulate(burst int, refill, otherRate float64, d time.Duration) (accepted, throttled, otherThrottled int) {
	c := &clock{t: time.Unix(1700000000, 0)}
	l := newAt(refill, burst, c.now)
	tokens := float64(burst)
	otherDue := 0.0
	const step = time.Millisecond
	for elapsed := time.Duration(0); elapsed < d; elapsed += step {
		c.t = c.t.Add(step)
		tokens = min(float64(burst), tokens+refill*step.Seconds())
		for otherRate > 0 && otherDue <= elapsed.Seconds() {
			otherDue += 1 / otherRate
			if tokens >= 1 {
				tokens--
			} else {
				otherThrottled++
			}
		}
		for l.lim.AllowN(c.t, 1) {
			if tokens >= 1 {
				tokens--
				accepted++
				l.Succeeded()
			} else {
				throttled++
				l.Throttled()
			}
		}
	}
	return accepted, throttled, otherThrottled
}

func TestAloneReachesTheQuota(t *testing.T) {
	// DescribeStateMachine: a bucket of 200 refilled at 20/s. In 100 s at most 200 + 2,000 calls pass.
	accepted, throttled, _ := simulate(200, 20, 0, 100*time.Second)
	if accepted < 2150 || throttled != 0 {
		// 199 at once (one token spare), then 20 a second.
		t.Errorf("alone for 100 s: %d accepted, %d throttled; want at least 2,150 of the 2,200 the quota allows and none throttled",
			accepted, throttled)
	}
}

func TestSharingSettlesBelowTheQuota(t *testing.T) {
	// Another client spends half the refill: the adaptive one should take most of the other half, with few
	// throttled calls.
	accepted, throttled, other := simulate(200, 20, 10, 300*time.Second)
	share := float64(throttled) / float64(accepted+throttled)
	t.Logf("300 s beside a client at 10/s: %d accepted (%.1f/s), %d throttled (%.1f%%), the other client throttled %d times",
		accepted, float64(accepted)/300, throttled, 100*share, other)
	if share > 0.05 {
		t.Errorf("throttled share = %.1f%%, want at most 5%%", 100*share)
	}
	// The other half of the quota (10/s over 300 s, plus the initial bucket) is 3,200 calls.
	if accepted < 2400 {
		t.Errorf("accepted %d calls, want at least 2,400 (75%% of what the quota leaves)", accepted)
	}
}

// recorder is an Observer that keeps what it is told.
type recorder struct {
	mu        sync.Mutex
	waits     []time.Duration
	throttles int
}

func (r *recorder) Waited(_ context.Context, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waits = append(r.waits, d)
}

func (r *recorder) Throttled() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.throttles++
}

func TestObserverSeesWaitsAndThrottles(t *testing.T) {
	l := New(20, 2) // a bucket of one token refilled every 50 ms
	var r recorder
	l.Observe(&r)
	for range 2 {
		if err := l.Wait(context.Background()); err != nil {
			t.Fatalf("Wait() = %v", err)
		}
	}
	l.Throttled()
	l.Throttled() // within the cooldown: no cut, still observed
	if len(r.waits) != 2 || r.waits[0] > 25*time.Millisecond || r.waits[1] < 25*time.Millisecond {
		t.Errorf("observed waits %v, want two: the first at once, the second about 50 ms for the next token", r.waits)
	}
	if r.throttles != 2 {
		t.Errorf("observed %d throttles, want 2", r.throttles)
	}

	unlimited := New(0, 0)
	var u recorder
	unlimited.Observe(&u)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = unlimited.Wait(ctx)
	unlimited.Throttled()
	if len(u.waits) != 1 || u.throttles != 1 {
		t.Errorf("unlimited Limiter: observed %d waits and %d throttles, want 1 and 1", len(u.waits), u.throttles)
	}
}
