package asl

import (
	"errors"
	"sync/atomic"
)

// DefaultMemoryBudget is the memory budget of an execution whose
// Options.MemoryBudget is zero: 256 MiB, a thousand payloads of the largest
// size.
const DefaultMemoryBudget = 256 << 20

// An execution's memory budget bounds the bytes it holds at once, so that
// no definition and input can take the process that runs it down:
//
//   - the strings of every history event it emitted (inputs, outputs,
//     parameters, causes), which the server keeps, plus eventCost each;
//   - the output each of its threads (the execution, a Parallel branch, a
//     Map iteration) currently holds, measured as JSON text when a state
//     produces it, replacing the thread's previous one; the outputs of the
//     branches of a Parallel or Map state until they are joined;
//   - threadCost for every running branch or iteration;
//   - the workflow variables of every scope (variables.go), until the
//     branch or iteration that owns the scope ends.
//
// Each value is measured once as it is produced; values shared between
// threads are counted once per thread, so the count is an upper bound of
// the memory they take. An execution that would exceed its budget ends
// FAILED with States.DataLimitExceeded, which Catch cannot catch (the
// server, not the definition, ran out). AWS has no such limit; its quotas
// (25,000 events, 256 KiB payloads, 40 concurrent iterations per inline
// Map) keep one execution's footprint bounded on its side.

const (
	eventCost  = 256     // an Event and its details map, besides the strings
	threadCost = 8 << 10 // a goroutine's stack and a thread's bookkeeping
)

// errMemoryBudget is the cancel cause of an execution that exceeded its
// memory budget.
var errMemoryBudget = errors.New("execution memory budget exhausted")

// memoryBudget is what an execution may hold, and holds.
type memoryBudget struct {
	limit int64
	used  atomic.Int64
}

// charge adds n bytes to what the execution holds. Over its budget, it ends
// the run and returns false.
func (ex *execution) charge(n int) bool {
	if ex.budget.used.Add(int64(n)) <= ex.budget.limit {
		return true
	}
	ex.cancel(errMemoryBudget)
	return false
}

// release subtracts n bytes from what the execution holds.
func (ex *execution) release(n int) {
	ex.budget.used.Add(-int64(n))
}

// hold makes a value of n bytes the thread's current one, in place of the
// one it held. It returns false when the execution is over its budget.
func (th *thread) hold(n int) bool {
	if !th.ex.charge(n) {
		return false
	}
	th.ex.release(th.held)
	th.held = n
	return true
}

// drop releases the thread's current value.
func (th *thread) drop() {
	th.ex.release(th.held)
	th.held = 0
}

// eventSize is what an event with details costs the budget.
func eventSize(details map[string]any) int {
	n := eventCost
	for k, v := range details {
		n += len(k)
		if s, ok := v.(string); ok {
			n += len(s)
		}
	}
	return n
}
