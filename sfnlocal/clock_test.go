package sfnlocal

import (
	"slices"
	"testing"
	"time"
)

// fired reports whether ch has received a time, and which.
func fired(ch <-chan time.Time) (time.Time, bool) {
	select {
	case t := <-ch:
		return t, true
	default:
		return time.Time{}, false
	}
}

func TestManualClock(t *testing.T) {
	clk := NewManualClock(testStart)
	if got := clk.Now(); !got.Equal(testStart) {
		t.Fatalf("Now() = %v, want %v", got, testStart)
	}
	now := clk.After(0)
	short, long := clk.After(time.Second), clk.After(time.Hour)
	if _, ok := fired(now); !ok {
		t.Error("After(0) did not fire at once")
	}
	if _, ok := fired(short); ok {
		t.Error("After(1s) fired before Advance")
	}
	if got := clk.Pending(); got != 2 {
		t.Errorf("Pending() = %d, want 2", got)
	}
	clk.Advance(999 * time.Millisecond)
	if _, ok := fired(short); ok {
		t.Error("After(1s) fired after Advance(999ms)")
	}
	clk.Advance(time.Millisecond)
	if at, ok := fired(short); !ok || !at.Equal(testStart.Add(time.Second)) {
		t.Errorf("After(1s) after Advance to 1s: fired %v at %v, want true at %v", ok, at, testStart.Add(time.Second))
	}
	if _, ok := fired(long); ok || clk.Pending() != 1 {
		t.Errorf("After(1h) fired %v with %d pending after 1s, want false with 1", ok, clk.Pending())
	}
	clk.Advance(2 * time.Hour)
	if _, ok := fired(long); !ok || clk.Pending() != 0 {
		t.Errorf("After(1h) fired %v with %d pending after 2h, want true with 0", ok, clk.Pending())
	}
	if got, want := clk.Waits(), []time.Duration{0, time.Second, time.Hour}; !slices.Equal(got, want) {
		t.Errorf("Waits() = %v, want %v", got, want)
	}
}

func TestManualClockAutoAdvance(t *testing.T) {
	clk := NewManualClock(testStart)
	clk.AutoAdvance(time.Minute)
	if at, ok := fired(clk.After(30 * time.Second)); !ok || !at.Equal(testStart.Add(30*time.Second)) {
		t.Errorf("After(30s) under AutoAdvance(1m): fired %v at %v, want true at start+30s", ok, at)
	}
	if got := clk.Now(); !got.Equal(testStart.Add(30 * time.Second)) {
		t.Errorf("Now() after an auto-advanced wait = %v, want start+30s", got)
	}
	if _, ok := fired(clk.After(time.Minute)); ok {
		t.Error("After(1m) under AutoAdvance(1m) fired at once, want it to wait for Advance")
	}
}

func TestManualClockZeroStart(t *testing.T) {
	if got := NewManualClock(time.Time{}).Now(); got.IsZero() {
		t.Error("NewManualClock(zero).Now() is the zero time, which the server would not write")
	}
}
