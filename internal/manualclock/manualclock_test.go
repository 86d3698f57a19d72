package manualclock

import (
	"testing"
	"time"
)

// TestAfterStop checks that a stopped timer never fires and leaves Pending,
// while the others still fire, and that stopping a fired timer does nothing.
func TestAfterStop(t *testing.T) {
	c := New(time.Unix(0, 0))
	stopped, stop := c.AfterStop(time.Second)
	kept := c.After(time.Second)
	if c.Pending() != 2 {
		t.Fatalf("Pending() = %d, want 2", c.Pending())
	}
	stop()
	stop() // again: nothing
	if c.Pending() != 1 {
		t.Fatalf("Pending() after stop = %d, want 1", c.Pending())
	}
	c.Advance(time.Second)
	select {
	case <-stopped:
		t.Error("the stopped timer fired")
	default:
	}
	select {
	case <-kept:
	default:
		t.Error("the other timer did not fire")
	}
	fired, stopFired := c.AfterStop(0)
	<-fired
	stopFired()
	if c.Pending() != 0 {
		t.Errorf("Pending() = %d, want 0", c.Pending())
	}
}
