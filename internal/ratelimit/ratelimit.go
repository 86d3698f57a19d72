// Package ratelimit keeps one client's calls to an API under a token-bucket quota that it shares with other
// clients it cannot see.
//
// # The algorithm: AIMD on the refill rate
//
// A Limiter is a client-side token bucket (golang.org/x/time/rate) that starts as the documented quota: the
// service's bucket size and refill rate. Alone, a client therefore reaches the quota without exceeding it. When the
// service answers a throttle, the account's bucket is empty: someone else is spending the quota. The Limiter then
// multiplies its rate by 0.7 (multiplicative decrease), once for the calls sent before the cut (their throttled
// answers count as one signal however late they come back, see ThrottledSent) and at most once per cooldown, and
// empties its own bucket, which was out of step with the service's. While calls succeed, the rate grows back
// linearly (additive increase) to the quota, at a pace that would take it from zero to the quota in the time the
// quota takes to refill 1,000 tokens (50 s for a bucket refilled at 20 per second).
//
// AIMD is the choice of TCP congestion control for the same problem: several senders share a capacity none
// of them can measure, and each sees only its own losses. Multiplicative decrease makes the senders converge
// to a fair share; the slow additive increase keeps the rate of throttled calls low once they have (a cycle
// from 70% back to the point of contention spends hundreds of successful calls per throttled one). Both
// steps are expressed in units of the quota's own refill time, so the dynamics are the same at any rate,
// including a time-scaled test server. The SDK's adaptive retry mode is not used: it keeps one rate for a
// whole client, so a throttled API would slow every other.
package ratelimit

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Tuning of the AIMD steps.
const (
	// decrease multiplies the rate on a throttle.
	decrease = 0.7
	// recoverTokens: the rate grows by the quota's rate every recoverTokens refill intervals of the quota.
	recoverTokens = 1000
	// cooldownTokens: after a decrease, throttles are ignored for the time cooldownTokens calls take at the
	// new rate (at least minCooldown), since calls already in flight were sent at the old rate.
	cooldownTokens = 10
	minCooldown    = 100 * time.Millisecond
	// minShare is the lowest rate, as a share of the quota's.
	minShare = 0.02
)

// Limiter is an adaptive client-side token bucket for one API. It is safe for concurrent use. A nil
// *Limiter never waits.
type Limiter struct {
	lim   *rate.Limiter
	quota rate.Limit // the documented refill rate; rate.Inf: unlimited
	burst int        // the documented bucket size
	now   func() time.Time

	mu         sync.Mutex
	current    rate.Limit
	lastAdjust time.Time // of the last increase or decrease
	cooldown   time.Time // throttles before this instant are part of the last decrease
	throttles  int
	decreases  int
	fixed      bool // Throttled and Succeeded change nothing (see Fix)

	observer Observer // nil: none (see Observe)
}

// Observer is told of a Limiter's waits and of the throttled calls reported to it, for metrics. Its methods run
// on the caller's goroutine: they must be quick and safe for concurrent use.
type Observer interface {
	// Waited is called after every Wait with the time it took, also when it failed.
	Waited(ctx context.Context, d time.Duration)
	// Throttled is called for every Throttled call, whether or not it cuts the rate, also when the Limiter is
	// unlimited or fixed.
	Throttled()
}

// Observe makes o observe the Limiter's waits and throttles. It must be called before the Limiter is used.
func (l *Limiter) Observe(o Observer) {
	if l != nil {
		l.observer = o
	}
}

// New returns a Limiter for a quota of burst tokens refilled at perSecond. perSecond <= 0 means unlimited,
// and a burst below 1 is 1.
//
// The Limiter's bucket holds one token less than the quota's (when that leaves one): the service's bucket
// starts refilling when a burst's first call arrives, a network trip after the Limiter let it go, so without
// the spare token a client alone at the quota would run a fraction of a token ahead of the service and be
// throttled now and then. At 20 calls per second the spare token covers 50 ms of latency.
func New(perSecond float64, burst int) *Limiter {
	return newAt(perSecond, burst, time.Now)
}

func newAt(perSecond float64, burst int, now func() time.Time) *Limiter {
	quota := rate.Inf
	if perSecond > 0 {
		quota = rate.Limit(perSecond)
	}
	burst = max(burst, 1)
	bucket := burst
	if bucket > 1 && quota != rate.Inf {
		bucket--
	}
	return &Limiter{lim: rate.NewLimiter(quota, bucket), quota: quota, burst: burst, current: quota, now: now, lastAdjust: now()}
}

// Wait blocks until a call may be sent or ctx ends. Like rate.Limiter.Wait, it fails at once when ctx's
// deadline comes before the call could be sent.
func (l *Limiter) Wait(ctx context.Context) error {
	if l == nil {
		return nil
	}
	if l.observer == nil {
		return l.lim.Wait(ctx)
	}
	start := time.Now()
	err := l.lim.Wait(ctx)
	l.observer.Waited(ctx, time.Since(start))
	return err
}

// Window is the count of the Limiter's rate cuts when a call was sent (see Sent and ThrottledSent).
type Window int

// Sent returns the window of a call sent now, for ThrottledSent when the service throttles it.
func (l *Limiter) Sent() Window {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return Window(l.decreases)
}

// Throttled records that the service throttled a call: the rate is cut, unless a cut happened within the
// cooldown, and the bucket is emptied.
func (l *Limiter) Throttled() {
	if l == nil {
		return
	}
	l.throttled(-1)
}

// ThrottledSent is Throttled for a call sent in window w (from Sent): a call sent before the last cut was sent
// at the rate that cut corrected, so its throttle cuts nothing more, however late its answer comes back.
func (l *Limiter) ThrottledSent(w Window) {
	if l == nil {
		return
	}
	l.throttled(w)
}

// throttled records a throttled call sent in window w, or in an unknown one when w is negative.
func (l *Limiter) throttled(w Window) {
	if l.observer != nil {
		l.observer.Throttled()
	}
	if l.quota == rate.Inf {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.throttles++
	if l.fixed || now.Before(l.cooldown) || (w >= 0 && int(w) < l.decreases) {
		return
	}
	l.decreases++
	l.current = max(l.current*decrease, l.quota*minShare)
	l.lim.SetLimitAt(now, l.current)
	if tokens := math.Floor(l.lim.TokensAt(now)); tokens >= 1 {
		l.lim.ReserveN(now, int(tokens))
	}
	l.cooldown = now.Add(max(minCooldown, time.Duration(cooldownTokens*float64(time.Second)/float64(l.current))))
	l.lastAdjust = now
}

// Succeeded records a call the service accepted: the rate grows back towards the quota, in proportion to the
// time since the last adjustment.
func (l *Limiter) Succeeded() {
	if l == nil || l.quota == rate.Inf {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fixed || l.current >= l.quota {
		return
	}
	now := l.now()
	elapsed := now.Sub(l.lastAdjust).Seconds()
	// Growth per second: the quota's rate once every recoverTokens refill intervals, quota/recoverTokens each. The
	// share of the quota regained is capped at 1 before it multiplies the quota, which squared could overflow.
	regained := min(1, elapsed*float64(l.quota)/recoverTokens)
	l.current = min(l.quota, l.current+l.quota*rate.Limit(regained))
	l.lim.SetLimitAt(now, l.current)
	l.lastAdjust = now
}

// Fix turns the adaptation off: the Limiter keeps its rate whatever the service answers, as the fixed limits
// of earlier versions did. Measurements use it to compare.
func (l *Limiter) Fix() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fixed = true
}

// Limit returns the current rate in calls per second (rate.Inf when unlimited).
func (l *Limiter) Limit() rate.Limit {
	if l == nil {
		return rate.Inf
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.current
}

// Burst returns the quota's bucket size (the Limiter's own holds one token less, see New).
func (l *Limiter) Burst() int {
	if l == nil {
		return 0
	}
	return l.burst
}

// Stats are a Limiter's counters.
type Stats struct {
	// Throttles is how many throttled calls were reported, Decreases how many cut the rate.
	Throttles, Decreases int
	// Rate is the current rate in calls per second.
	Rate float64
}

// Stats returns the Limiter's counters.
func (l *Limiter) Stats() Stats {
	if l == nil {
		return Stats{Rate: float64(rate.Inf)}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return Stats{Throttles: l.throttles, Decreases: l.decreases, Rate: float64(l.current)}
}
