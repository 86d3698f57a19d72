package asl

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/polysync/stepfunctions/internal/manualclock"
)

// fakeClock is the tests' Clock: a manual clock that fires every timer of at
// most auto at once, moving the clock forward (so waits and retry back-offs
// take no real time and are recorded); longer timers fire only when Advance
// passes their deadline.
type fakeClock struct {
	*manualclock.Clock
	auto time.Duration
}

var epoch = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

func newFakeClock(auto time.Duration) *fakeClock {
	c := manualclock.New(epoch)
	if auto > 0 {
		c.AutoAdvance(auto + 1) // manualclock fires the timers shorter than its limit
	}
	return &fakeClock{Clock: c, auto: auto}
}

// waitPending blocks until at least n long timers are pending.
func (c *fakeClock) waitPending(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c.Pending() >= n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("timed out waiting for %d pending timers", n)
}

// Sleeps returns the timers that fired at once, in order: the waits and
// back-offs the run took.
func (c *fakeClock) Sleeps() []time.Duration {
	var fired []time.Duration
	for _, d := range c.Waits() {
		if d <= c.auto {
			fired = append(fired, d)
		}
	}
	return fired
}

// taskFunc is a test task.
type taskFunc func(ctx context.Context, input json.RawMessage) (json.RawMessage, error)

// tasks builds an Invoker from a map of resource to function.
func tasks(m map[string]taskFunc) Invoker {
	return func(ctx context.Context, resource string, input json.RawMessage) (json.RawMessage, error) {
		f, ok := m[resource]
		if !ok {
			return nil, &namedError{name: "States.TaskFailed", cause: "no task " + resource}
		}
		return f(ctx, input)
	}
}

// namedError is an ErrorNamer.
type namedError struct{ name, cause string }

func (e *namedError) Error() string                  { return e.name + ": " + e.cause }
func (e *namedError) ASLError() (name, cause string) { return e.name, e.cause }

func echo(_ context.Context, in json.RawMessage) (json.RawMessage, error) { return in, nil }

func constant(out string) taskFunc {
	return func(context.Context, json.RawMessage) (json.RawMessage, error) { return json.RawMessage(out), nil }
}

func failing(name, cause string) taskFunc {
	return func(context.Context, json.RawMessage) (json.RawMessage, error) {
		if name == "" {
			return nil, errors.New(cause)
		}
		return nil, &namedError{name, cause}
	}
}

func mustParse(t testing.TB, def string) *StateMachine {
	t.Helper()
	m, err := Parse(def)
	if err != nil {
		t.Fatalf("Parse: %v\ndefinition: %s", err, def)
	}
	return m
}

// jsonEqual compares two JSON texts semantically.
func jsonEqual(t testing.TB, got, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("output %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want %q is not JSON: %v", want, err)
	}
	return reflect.DeepEqual(g, w)
}

// recorder collects events and assigns ids from 2 (1 is ExecutionStarted).
type recorder struct {
	mu     sync.Mutex
	events []Event
}

func (r *recorder) emit(e Event) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return int64(len(r.events) + 1)
}

func (r *recorder) types() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.events))
	for i, e := range r.events {
		out[i] = e.Type
	}
	return out
}

// staticContext is a contextSource over a fixed object.
type staticContext struct{ v any }

func (c staticContext) contextObject() any                     { return c.v }
func (c staticContext) lookupContext(steps []step) (any, bool) { return getSteps(c.v, steps) }
func (staticContext) variable(string) (any, bool)              { return nil, false }
