// Package manualclock is a clock for tests that moves only when told to. It
// is the one implementation behind sfnlocal.ManualClock, which users give to
// a Server, and behind the interpreter's own tests, which cannot import
// sfnlocal (it imports the interpreter).
package manualclock

import (
	"slices"
	"sync"
	"time"
)

// Clock is a clock whose Now stays where Advance last put it and whose timers
// from After fire when Advance reaches their deadline. Its zero value reads
// the zero time; its methods are safe for concurrent use.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	auto    time.Duration
	waits   []time.Duration
	pending []timer
}

// timer is a timer of a Clock that has not fired yet.
type timer struct {
	at time.Time
	ch chan time.Time
}

// New returns a Clock that reads start until it is advanced.
func New(start time.Time) *Clock {
	return &Clock{now: start}
}

// Set puts the clock at now without firing any timer, for a Clock that
// starts as a zero value.
func (c *Clock) Set(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = now
}

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After returns a channel that receives the clock's time once Advance has
// moved the clock d past the present. A d of zero or less fires at once, and
// so does a d shorter than the limit set with AutoAdvance, which moves the
// clock forward by d as it fires.
func (c *Clock) After(d time.Duration) <-chan time.Time {
	ch, _ := c.AfterStop(d)
	return ch
}

// AfterStop is After with a function that stops the timer: a timer stopped
// before it fires never fires and no longer counts in Pending. Stopping a
// timer that has fired, or stopping it again, does nothing.
func (c *Clock) AfterStop(d time.Duration) (<-chan time.Time, func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	ch := make(chan time.Time, 1)
	switch {
	case d <= 0:
		ch <- c.now
	case d < c.auto:
		c.now = c.now.Add(d)
		ch <- c.now
	default:
		c.pending = append(c.pending, timer{at: c.now.Add(d), ch: ch})
		return ch, func() { c.stop(ch) }
	}
	return ch, func() {}
}

// stop removes the pending timer whose channel is ch, if it is still there.
func (c *Clock) stop(ch chan time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, t := range c.pending {
		if t.ch == ch {
			c.pending = slices.Delete(c.pending, i, i+1)
			return
		}
	}
}

// Advance moves the clock forward by d and fires the timers that are then
// due.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.pending[:0]
	for _, t := range c.pending {
		if t.at.After(c.now) {
			kept = append(kept, t)
			continue
		}
		t.ch <- c.now
	}
	clear(c.pending[len(kept):])
	c.pending = kept
}

// AutoAdvance makes every later timer shorter than limit fire at once,
// moving the clock forward by its duration. Zero, the default, turns it off.
func (c *Clock) AutoAdvance(limit time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.auto = limit
}

// Pending returns how many timers wait for Advance.
func (c *Clock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending)
}

// Waits returns the duration of every timer asked for with After so far, in
// order, including those that have fired.
func (c *Clock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}
