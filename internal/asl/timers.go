package asl

import "time"

// StoppableClock is a Clock whose timers can be stopped before they fire.
// When an execution's Clock is one, the interpreter stops the timer of every
// wait that ends another way: a Wait state or retry interval of an
// execution that was stopped, a task that answered before its
// TimeoutSeconds, an execution that ended before its own TimeoutSeconds. A
// clock that counts its timers (a test's manual clock) then counts only the
// waits still under way. Its methods must be safe for concurrent use.
type StoppableClock interface {
	Clock
	// AfterStop is After with a function that stops the timer: a timer
	// stopped before it fires never fires. Stopping a timer that has
	// fired, or stopping it again, does nothing.
	AfterStop(d time.Duration) (<-chan time.Time, func())
}

var _ StoppableClock = RealClock{}

// AfterStop returns clk's timer for d and a function that stops it, which
// does nothing when clk is not a StoppableClock.
func AfterStop(clk Clock, d time.Duration) (<-chan time.Time, func()) {
	if sc, ok := clk.(StoppableClock); ok {
		return sc.AfterStop(d)
	}
	return clk.After(d), func() {}
}

// AfterStop returns a wall-clock timer for d and the function that stops it.
func (RealClock) AfterStop(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTimer(d)
	return t.C, func() { t.Stop() }
}
