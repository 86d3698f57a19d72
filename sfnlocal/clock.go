package sfnlocal

import (
	"time"

	"github.com/polysync/stepfunctions/internal/asl"
	"github.com/polysync/stepfunctions/internal/manualclock"
)

// Clock is the time source of a Server: timestamps, execution ids, Wait
// states, task timeouts, the eventual-consistency window and the throttling
// buckets all read it. It has the same method set as the interpreter's clock
// and must be safe for concurrent use. A Clock that also has the method
// AfterStop(d time.Duration) (<-chan time.Time, func()), as ManualClock
// does, gets its timers stopped when the wait they time ends another way:
// an execution stopped in a Wait state, a task answered before its
// TimeoutSeconds or HeartbeatSeconds, an activity poll that got a task.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// After returns a channel that receives once d has elapsed.
	After(d time.Duration) <-chan time.Time
}

var (
	_ asl.Clock          = Clock(nil)
	_ asl.StoppableClock = (*ManualClock)(nil)
	_ asl.StoppableClock = scaledClock{}
)

// scaledClock is a clock on which time runs factor times faster than the
// wall clock, starting from the wall-clock time at which it was made.
type scaledClock struct {
	base   time.Time // wall time at creation, with monotonic reading
	factor float64
}

func (c scaledClock) Now() time.Time {
	elapsed := time.Since(c.base)
	return c.base.Add(time.Duration(float64(elapsed) * c.factor))
}

func (c scaledClock) After(d time.Duration) <-chan time.Time {
	ch, _ := c.AfterStop(d)
	return ch
}

func (c scaledClock) AfterStop(d time.Duration) (<-chan time.Time, func()) {
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.Now()
		return ch, func() {}
	}
	real := time.Duration(float64(d) / c.factor)
	t := time.AfterFunc(real, func() { ch <- c.Now() })
	return ch, func() { t.Stop() }
}

var _ Clock = (*ManualClock)(nil)

// ManualClock is a Clock for tests that moves only when told to: Now stays
// where Advance last put it, and a timer from After fires when Advance
// reaches its deadline. Give it to a Server with WithClock to step Wait
// states, timeouts, the eventual-consistency window and the throttling
// buckets deterministically. Its methods are safe for concurrent use.
type ManualClock struct {
	clock manualclock.Clock
}

// defaultManualStart is where a ManualClock made with a zero start begins.
var defaultManualStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// NewManualClock returns a ManualClock that reads start until it is
// advanced. A zero start means 2026-01-01T00:00:00Z: the server writes no
// zero timestamps.
func NewManualClock(start time.Time) *ManualClock {
	if start.IsZero() {
		start = defaultManualStart
	}
	c := new(ManualClock)
	c.clock.Set(start)
	return c
}

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time { return c.clock.Now() }

// After returns a channel that receives the clock's time once Advance has
// moved the clock d past the present. A d of zero or less fires at once, and
// so does a d shorter than the limit set with AutoAdvance, which moves the
// clock forward by d as it fires.
func (c *ManualClock) After(d time.Duration) <-chan time.Time { return c.clock.After(d) }

// AfterStop is After with a function that stops the timer: a timer stopped
// before it fires never fires and no longer counts in Pending. Stopping a
// timer that has fired, or stopping it again, does nothing. The server stops
// its own timers this way when the wait they time ends another way.
func (c *ManualClock) AfterStop(d time.Duration) (<-chan time.Time, func()) {
	return c.clock.AfterStop(d)
}

// Advance moves the clock forward by d and fires the timers that are then
// due.
func (c *ManualClock) Advance(d time.Duration) { c.clock.Advance(d) }

// AutoAdvance makes every later timer shorter than limit fire at once,
// moving the clock forward by its duration, so that short waits and retry
// back-offs take no real time while longer ones (timeouts, say) still wait
// for Advance. Zero, the default, turns it off.
func (c *ManualClock) AutoAdvance(limit time.Duration) { c.clock.AutoAdvance(limit) }

// Pending returns how many timers wait for Advance: a test can poll it to
// know that the code under test has armed its timer before advancing. A
// timer whose wait ended another way leaves the count: the server stops the
// timers of an activity poll that got a task, a heartbeat or TimeoutSeconds
// of a task that answered, the Wait state or retry interval of an execution
// that was stopped, the TimeoutSeconds of an execution that ended, and the
// WithLatency wait of a call whose caller went away.
func (c *ManualClock) Pending() int { return c.clock.Pending() }

// Waits returns the duration of every timer asked for with After so far, in
// order, including those that have fired.
func (c *ManualClock) Waits() []time.Duration { return c.clock.Waits() }
