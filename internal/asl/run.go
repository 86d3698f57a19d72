package asl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"sync"
	"time"
)

// errExecutionTimedOut is the cancel cause of an execution that ran out of
// time.
var errExecutionTimedOut = errors.New("execution timed out")

// execution is the shared state of one Run.
type execution struct {
	opts  Options
	clock Clock
	input any

	emitMu sync.Mutex
	lastID int64 // id of the newest event, guarded by emitMu
	full   bool  // the history is full, guarded by emitMu
	cancel context.CancelCauseFunc

	execOnce sync.Once
	execObj  map[string]any
	smObj    map[string]any

	budget memoryBudget
	// deadline, when set, is when the execution's MaxExecutionTime ends
	// (when no shorter timeout has its own timer).
	deadline time.Time
}

// thread is one line of control: the execution itself, a Parallel branch or
// a Map iteration. Each has its own chain of PreviousEventID.
type thread struct {
	ex   *execution
	prev int64
	held int       // bytes of the thread's current value charged to the budget
	vars *varScope // the workflow variables the thread reads and assigns
	// quiet is set on the child workflows of a Distributed Map, whose
	// events are not the parent's history.
	quiet bool
	// resume, while a redrive runs the state it resumes in, is how that
	// Parallel or Map state's runs ended before (see redrive.go).
	resume *fanoutRuns
	// failedRuns, after a Parallel or Map state's runs failed, is how each
	// ended, for the checkpoint of the thread.
	failedRuns *fanoutRuns
}

// Run runs the state machine on input and reports how it ended. It never
// panics: an internal error ends the run FAILED with States.Runtime.
// Cancelling ctx ends it ABORTED.
func (m *StateMachine) Run(ctx context.Context, input json.RawMessage, opts Options) (res Result) {
	defer func() {
		if r := recover(); r != nil {
			res = Result{Status: StatusFailed, Error: ErrRuntime,
				Cause: fmt.Sprintf("internal error in the state machine interpreter: %v", r)}
		}
	}()
	if opts.Clock == nil {
		opts.Clock = RealClock{}
	}
	in := any(newObject(0))
	if len(bytes.TrimSpace(input)) > 0 {
		v, err := parseJSON(input)
		if err != nil {
			return Result{Status: StatusFailed, Error: ErrRuntime, Cause: fmt.Sprintf("the execution input is not valid JSON: %v", err)}
		}
		in = v
	}
	ex := &execution{opts: opts, clock: opts.Clock, input: in}
	ex.budget.limit = opts.MemoryBudget
	if ex.budget.limit <= 0 {
		ex.budget.limit = DefaultMemoryBudget
	}
	timeout := opts.Timeout
	if m.timeoutSeconds > 0 {
		if d := time.Duration(m.timeoutSeconds) * time.Second; timeout <= 0 || d < timeout {
			timeout = d
		}
	}
	if timeout <= 0 || timeout > MaxExecutionTime {
		timeout = MaxExecutionTime
	}
	ctx, ex.cancel = context.WithCancelCause(ctx)
	defer ex.cancel(nil)
	if timeout == MaxExecutionTime {
		// No timer for the year: only waiting can take that long, and
		// thread.sleep and thread.invoke end the run at the deadline.
		ex.deadline = ex.clock.Now().Add(MaxExecutionTime)
	} else {
		cancel := ex.cancel
		timer, stop := AfterStop(ex.clock, timeout)
		defer stop()
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-timer:
				cancel(errExecutionTimedOut)
			case <-done:
			case <-ctx.Done():
			}
		}()
	}
	if m.hasTask && opts.Invoke == nil {
		return Result{Status: StatusFailed, Error: ErrRuntime, Cause: "the state machine has Task states but no Invoker was configured"}
	}

	th := &thread{ex: ex, prev: opts.PreviousEventID, vars: &varScope{}}
	ex.lastID = opts.PreviousEventID
	out, serr, resume := th.runMachine(ctx, m, in, opts.ResumeFrom)
	if serr == nil {
		return Result{Status: StatusSucceeded, Output: marshal(out)}
	}
	if resume == nil { // ResumeFrom could not be read
		return Result{Status: StatusFailed, Error: serr.Name, Cause: serr.Cause}
	}
	res.Resume = resume
	switch {
	case serr.abort && errors.Is(context.Cause(ctx), errHistoryFull):
		res.Status, res.Error = StatusFailed, ErrRuntime
		res.Cause = fmt.Sprintf("The execution reached the maximum number of history events (%d).", MaxHistoryEvents)
	case serr.abort && errors.Is(context.Cause(ctx), errExecutionTimedOut):
		res.Status, res.Error = StatusTimedOut, ErrTimeout
		res.Cause = fmt.Sprintf("The execution ran longer than its timeout of %s.", timeout)
		if timeout == MaxExecutionTime {
			res.Cause = fmt.Sprintf("The execution ran longer than the maximum execution time of one year (%s).", timeout)
		}
	case serr.abort && errors.Is(context.Cause(ctx), errMemoryBudget):
		res.Status, res.Error = StatusFailed, ErrDataLimitExceeded
		res.Cause = fmt.Sprintf("The execution held more data than its memory budget of %d bytes "+
			"(history, state outputs and running branches); this interpreter's limit, not AWS's.", ex.budget.limit)
	case serr.abort:
		res.Status = StatusAborted
	default:
		res.Status, res.Error, res.Cause = StatusFailed, serr.Name, serr.Cause
	}
	return res
}

// runMachine runs states from the machine's StartAt on input, or, when
// resume is non-nil, from resume's state on its input (a redrive), until the
// machine ends. On error it also returns where a redrive would resume: the
// state that failed, the input it received and, for a Parallel or Map
// state, how its branches or iterations ended. A resume point that cannot
// be read fails with no checkpoint (a run of a branch or iteration then
// starts it again from its start).
func (th *thread) runMachine(ctx context.Context, m *StateMachine, input any, resume *Checkpoint) (out any, serr *stateError, failed *Checkpoint) {
	name := m.startAt
	if resume != nil {
		name = resume.State
		if len(resume.Input) > 0 {
			v, err := parseJSON(resume.Input)
			if err != nil {
				return nil, runtimeError("cannot resume: the checkpoint input is not valid JSON: %v", err), nil
			}
			input = v
		}
		if _, ok := m.states[name]; !ok {
			return nil, runtimeError("cannot resume: the state machine has no state %q", name), nil
		}
		th.resume = resume.runs
	}
	for {
		st := m.states[name]
		if ctx.Err() != nil {
			th.resume = nil
			if resume != nil {
				return nil, errAborted, resume // nothing ran: resume there again
			}
			return nil, errAborted, &Checkpoint{State: name, Input: marshal(input)}
		}
		th.failedRuns = nil
		next, output, size, err := th.runState(ctx, st, input)
		th.resume = nil
		if err != nil {
			th.drop()
			return nil, err, th.checkpoint(name, input)
		}
		if size >= 0 && !th.hold(size) {
			th.drop()
			return nil, errAborted, th.checkpoint(name, input)
		}
		if next == "" {
			return output, nil, nil
		}
		name, input, resume = next, output, nil
	}
}

// runMachineSafe is runMachine for goroutines: a panic becomes States.Runtime.
func (th *thread) runMachineSafe(ctx context.Context, m *StateMachine, input any, resume *Checkpoint) (out any, serr *stateError, failed *Checkpoint) {
	defer func() {
		if r := recover(); r != nil {
			serr = runtimeError("internal error in the state machine interpreter: %v\n%s", r, debug.Stack())
			failed = nil
		}
	}()
	return th.runMachine(ctx, m, input, resume)
}

// stateRun is the per-entry context of one state.
type stateRun struct {
	th         *thread
	st         *state
	entered    time.Time
	enteredID  int64
	retryCount int
	mapIndex   int
	mapValue   any
	inMapItem  bool
	// token is the task token of a Task state's attempt tokenAttempt (see
	// taskToken).
	token        string
	tokenAttempt int
	// assigned are the variables the state assigns when it ends well.
	assigned map[string]any
}

// runState runs one state and returns the next state ("" at the end), its
// output and the output's size as JSON text (-1 when not measured: the
// output is no larger than the input).
func (th *thread) runState(ctx context.Context, st *state, input any) (string, any, int, *stateError) {
	r := &stateRun{th: th, st: st}
	if st.usesContext || th.history() {
		r.entered = th.ex.clock.Now()
	}
	if th.history() {
		text, ok := marshalBounded(input)
		if !ok {
			return "", nil, -1, inputLimit(st)
		}
		r.enteredID = th.emitEntered(st, text)
	}
	var (
		next string
		out  any
		err  *stateError
	)
	switch st.typ {
	case typePass, typeTask, typeParallel, typeMap:
		next, out, err = r.runWithRetry(ctx, input)
	case typeChoice:
		next, out, err = r.runChoice(input)
	case typeWait:
		out, err = r.runWait(ctx, input)
		next = st.next
	case typeSucceed:
		out, err = r.runSucceed(input)
	case typeFail:
		return "", nil, -1, r.runFail(input)
	default:
		return "", nil, -1, runtimeError("unknown state type %q", st.typ)
	}
	if err != nil {
		if err.abort && th.history() {
			switch st.typ {
			case typeTask, typeWait, typeParallel, typeMap:
				th.emit(st.typ+"StateAborted", "", nil)
			}
		}
		return "", nil, -1, r.fail(err)
	}
	if r.assigned != nil {
		grown, err := th.vars.assign(r.assigned)
		if err != nil {
			return "", nil, -1, r.fail(err)
		}
		// The variables are part of what the execution holds.
		if grown > 0 && !th.ex.charge(grown) {
			return "", nil, -1, errAborted
		}
		th.ex.release(max(-grown, 0))
	}
	size := -1
	if th.history() {
		text, ok := marshalBounded(out)
		if !ok {
			return "", nil, -1, dataLimit(st)
		}
		th.emitExited(st, text, r.assigned)
		size = len(text)
	} else if st.mayGrow() {
		if size = jsonSize(out, MaxPayloadSize); size > MaxPayloadSize {
			return "", nil, -1, dataLimit(st)
		}
	}
	return next, out, size, nil
}

// attempt runs the body of a Pass, Task, Parallel or Map state once.
func (r *stateRun) attempt(ctx context.Context, input any) (any, *stateError) {
	st := r.st
	eff, args, err := st.io.input(input, r.ctx())
	if err != nil {
		return nil, err
	}
	var result any
	switch st.typ {
	case typePass:
		result = args
	case typeTask:
		result, err = r.runTask(ctx, eff, args)
	case typeParallel:
		result, err = r.runParallel(ctx, args)
	case typeMap:
		result, err = r.runMap(ctx, eff)
	}
	if err != nil {
		return nil, err
	}
	out, err := st.io.output(input, result, r.ctx())
	if err != nil {
		return nil, err
	}
	return r.endAttempt(input, result, out)
}

// endAttempt ends an attempt of a Pass, Task, Parallel or Map state that
// produced result and out: it evaluates the state's Assign and checks the
// output's size (here, so that Retry and Catch see the error).
func (r *stateRun) endAttempt(input, result, out any) (any, *stateError) {
	if err := r.assignVariables(r.st.assign, statesVars{input: input, result: result, hasResult: true}); err != nil {
		return nil, err
	}
	if r.st.typ != typePass && jsonSize(out, MaxPayloadSize) > MaxPayloadSize {
		return nil, dataLimit(r.st)
	}
	return out, nil
}

// runSucceed runs a Succeed state: its input-side, then its output-side
// transform.
func (r *stateRun) runSucceed(input any) (any, *stateError) {
	eff, _, err := r.st.io.input(input, r.ctx())
	if err != nil {
		return nil, err
	}
	return r.st.io.output(input, eff, r.ctx())
}

// seconds converts n seconds (from a ...Path, so unbounded) to a Duration,
// saturating at the longest one rather than wrapping around.
func seconds(n int64) time.Duration {
	if n > int64(math.MaxInt64/time.Second) {
		return math.MaxInt64
	}
	return time.Duration(n) * time.Second
}

// sleep waits d on the execution's clock, or until ctx ends. A wait past
// the execution's deadline ends the run there, TIMED_OUT.
func (th *thread) sleep(ctx context.Context, d time.Duration) *stateError {
	if d <= 0 {
		return nil
	}
	d, last := th.ex.untilDeadline(d)
	timer, stop := AfterStop(th.ex.clock, d)
	defer stop()
	select {
	case <-timer:
		if last {
			th.ex.cancel(errExecutionTimedOut)
			return errAborted
		}
		return nil
	case <-ctx.Done():
		return errAborted
	}
}

// untilDeadline shortens a wait of d that would pass the execution's
// deadline to end there, and reports whether it did.
func (ex *execution) untilDeadline(d time.Duration) (time.Duration, bool) {
	if ex.deadline.IsZero() {
		return d, false
	}
	left := ex.deadline.Sub(ex.clock.Now())
	if d < left {
		return d, false
	}
	return max(left, 0), true
}
