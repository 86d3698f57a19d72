package asl

import "errors"

// errHistoryFull is the cancel cause of an execution whose history is full.
var errHistoryFull = errors.New("execution history is full")

// MaxHistoryEvents is the most events an execution's history may hold, as
// in AWS. When the history holds MaxHistoryEvents-1 events and the execution
// needs another state event, it fails with States.Runtime and the cause
// "The execution reached the maximum number of history events (25000)."
// (AWS's cause text; the error name is not documented). The count is the id
// that Options.Emit returns, so it includes the server's own events.
const MaxHistoryEvents = 25000

// emit sends one event and links the thread's chain to it.
func (th *thread) emit(typ, key string, details map[string]any) {
	ex := th.ex
	if ex.opts.Emit == nil || th.quiet {
		return
	}
	ex.emitMu.Lock()
	defer ex.emitMu.Unlock()
	if ex.full || !ex.opts.NoHistoryLimit && ex.lastID >= MaxHistoryEvents-1 {
		// Only ExecutionSucceeded may take the last slot; stop the run.
		ex.full = true
		ex.cancel(errHistoryFull)
		return
	}
	if !ex.charge(eventSize(details)) {
		return
	}
	id := ex.opts.Emit(Event{Type: typ, PreviousEventID: th.prev, Timestamp: ex.clock.Now(), DetailsKey: key, Details: details})
	th.prev = id
	ex.lastID = id
}

// syncToLast makes the thread's chain continue from the newest event of the
// whole execution (after branches joined).
func (th *thread) syncToLast() {
	if th.ex.opts.Emit == nil {
		return
	}
	th.ex.emitMu.Lock()
	th.prev = th.ex.lastID
	th.ex.emitMu.Unlock()
}

func (th *thread) history() bool { return th.ex.opts.Emit != nil && !th.quiet }

// emitEntered records that the thread entered st with input (its JSON
// text) and returns the event's id.
func (th *thread) emitEntered(st *state, input []byte) int64 {
	th.emit(st.typ+"StateEntered", "stateEnteredEventDetails", map[string]any{
		"name": st.name, "input": string(input), "inputDetails": map[string]any{"truncated": false},
	})
	return th.prev
}

// emitExited records that st ended with output (its JSON text).
// assigned, when not nil, are the variables the state assigned; AWS
// records each as its JSON text.
func (th *thread) emitExited(st *state, output []byte, assigned map[string]any) {
	details := map[string]any{
		"name": st.name, "output": string(output), "outputDetails": map[string]any{"truncated": false},
	}
	if assigned != nil {
		vars := make(map[string]any, len(assigned))
		for name, v := range assigned {
			vars[name] = marshalString(v)
		}
		details["assignedVariables"] = vars
		details["assignedVariablesDetails"] = map[string]any{"truncated": false}
	}
	th.emit(st.typ+"StateExited", "stateExitedEventDetails", details)
}
