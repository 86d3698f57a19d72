package asl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// errExecutionTimedOut is the cancel cause of an execution that ran out of
// time.
var errExecutionTimedOut = errors.New("execution timed out")

// errHistoryFull is the cancel cause of an execution whose history is full.
var errHistoryFull = errors.New("execution history is full")

// MaxHistoryEvents is the most events an execution's history may hold, as
// in AWS. When the history holds MaxHistoryEvents-1 events and the execution
// needs another state event, it fails with States.Runtime and the cause
// "The execution reached the maximum number of history events (25000)."
// (AWS's cause text; the error name is not documented). The count is the id
// that Options.Emit returns, so it includes the server's own events.
const MaxHistoryEvents = 25000

// RealClock is the wall clock.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (RealClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

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
}

// thread is one line of control: the execution itself, a Parallel branch or
// a Map iteration. Each has its own chain of PreviousEventID.
type thread struct {
	ex   *execution
	prev int64
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
	in := any(map[string]any{})
	if len(bytes.TrimSpace(input)) > 0 {
		v, err := parseJSON(input)
		if err != nil {
			return Result{Status: StatusFailed, Error: ErrRuntime, Cause: fmt.Sprintf("the execution input is not valid JSON: %v", err)}
		}
		in = v
	}
	ex := &execution{opts: opts, clock: opts.Clock, input: in}
	start, startInput := m.startAt, in
	if rf := opts.ResumeFrom; rf != nil {
		if _, ok := m.states[rf.State]; !ok {
			return Result{Status: StatusFailed, Error: ErrRuntime, Cause: fmt.Sprintf("cannot resume: the state machine has no state %q", rf.State)}
		}
		start = rf.State
		if len(rf.Input) > 0 {
			v, err := parseJSON(rf.Input)
			if err != nil {
				return Result{Status: StatusFailed, Error: ErrRuntime, Cause: fmt.Sprintf("cannot resume: the checkpoint input is not valid JSON: %v", err)}
			}
			startInput = v
		}
	}

	timeout := opts.Timeout
	if m.timeoutSeconds > 0 {
		if d := time.Duration(m.timeoutSeconds) * time.Second; timeout <= 0 || d < timeout {
			timeout = d
		}
	}
	if timeout > 0 || opts.Emit != nil {
		ctx, ex.cancel = context.WithCancelCause(ctx)
		defer ex.cancel(nil)
	}
	if timeout > 0 {
		cancel := ex.cancel
		timer := ex.clock.After(timeout)
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

	th := &thread{ex: ex, prev: opts.PreviousEventID}
	ex.lastID = opts.PreviousEventID
	out, serr, failed, failedInput := th.runMachine(ctx, m, start, startInput)
	if serr == nil {
		return Result{Status: StatusSucceeded, Output: marshal(out)}
	}
	res.Resume = &Checkpoint{State: failed, Input: marshal(failedInput)}
	switch {
	case serr.abort && errors.Is(context.Cause(ctx), errHistoryFull):
		res.Status, res.Error = StatusFailed, ErrRuntime
		res.Cause = fmt.Sprintf("The execution reached the maximum number of history events (%d).", MaxHistoryEvents)
	case serr.abort && errors.Is(context.Cause(ctx), errExecutionTimedOut):
		res.Status, res.Error = StatusTimedOut, ErrTimeout
		res.Cause = fmt.Sprintf("The execution ran longer than its timeout of %s.", timeout)
	case serr.abort:
		res.Status = StatusAborted
	default:
		res.Status, res.Error, res.Cause = StatusFailed, serr.Name, serr.Cause
	}
	return res
}

// arnRegion returns the region field of an ARN, or "".
func arnRegion(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) < 5 {
		return ""
	}
	return parts[3]
}

// emit sends one event and links the thread's chain to it.
func (th *thread) emit(typ, key string, details map[string]any) {
	ex := th.ex
	if ex.opts.Emit == nil {
		return
	}
	ex.emitMu.Lock()
	defer ex.emitMu.Unlock()
	if ex.full || ex.lastID >= MaxHistoryEvents-1 {
		// Only ExecutionSucceeded may take the last slot; stop the run.
		ex.full = true
		ex.cancel(errHistoryFull)
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

func (th *thread) history() bool { return th.ex.opts.Emit != nil }

// runMachine runs states from start until the machine ends. On error it also
// returns the state that failed and the input it received.
func (th *thread) runMachine(ctx context.Context, m *StateMachine, start string, input any) (out any, serr *stateError, failed string, failedInput any) {
	name := start
	for {
		st := m.states[name]
		if ctx.Err() != nil {
			return nil, errAborted, name, input
		}
		next, output, err := th.runState(ctx, st, input)
		if err != nil {
			return nil, err, name, input
		}
		if next == "" {
			return output, nil, "", nil
		}
		name, input = next, output
	}
}

// runMachineSafe is runMachine for goroutines: a panic becomes States.Runtime.
func (th *thread) runMachineSafe(ctx context.Context, m *StateMachine, input any) (out any, serr *stateError) {
	defer func() {
		if r := recover(); r != nil {
			serr = runtimeError("internal error in the state machine interpreter: %v\n%s", r, debug.Stack())
		}
	}()
	out, serr, _, _ = th.runMachine(ctx, m, m.startAt, input)
	return out, serr
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
}

// contextSource provides the context object ($$) on demand, so states
// that do not read it pay nothing.
type contextSource interface {
	// contextObject returns the whole context object.
	contextObject() any
	// lookupContext resolves a definite path into the context object.
	lookupContext(steps []step) (any, bool)
}

// noContext is the context source of states that never read $$.
type noContext struct{}

func (noContext) contextObject() any               { return map[string]any{} }
func (noContext) lookupContext([]step) (any, bool) { return nil, false }

// execObjects returns the shared Execution and StateMachine objects.
func (ex *execution) execObjects() (execObj, smObj map[string]any) {
	ex.execOnce.Do(func() {
		c := ex.opts.Context
		ex.execObj = map[string]any{
			"Id":           c.ID,
			"Name":         c.Name,
			"RoleArn":      c.RoleARN,
			"StartTime":    formatTime(c.StartTime),
			"Input":        ex.input,
			"RedriveCount": int64(c.RedriveCount),
		}
		ex.smObj = map[string]any{"Id": c.StateMachineID, "Name": c.StateMachineName}
	})
	return ex.execObj, ex.smObj
}

// stateObject returns $$.State.
func (r *stateRun) stateObject() map[string]any {
	return map[string]any{
		"Name":        r.st.name,
		"EnteredTime": formatTime(r.entered),
		"RetryCount":  int64(r.retryCount),
	}
}

// contextObject builds the context object ($$) for this state.
func (r *stateRun) contextObject() any {
	execObj, smObj := r.th.ex.execObjects()
	obj := map[string]any{"Execution": execObj, "StateMachine": smObj, "State": r.stateObject()}
	if r.inMapItem {
		obj["Map"] = map[string]any{"Item": map[string]any{"Index": int64(r.mapIndex), "Value": r.mapValue}}
	}
	return obj
}

// lookupContext resolves the common definite context paths without
// building the whole object.
func (r *stateRun) lookupContext(steps []step) (any, bool) {
	if len(steps) >= 2 && !steps[0].isIndex && !steps[1].isIndex {
		switch steps[0].key {
		case "Map":
			if !r.inMapItem || steps[1].key != "Item" || len(steps) < 3 || steps[2].isIndex {
				break
			}
			switch steps[2].key {
			case "Index":
				if len(steps) == 3 {
					return int64(r.mapIndex), true
				}
				return nil, false
			case "Value":
				return getSteps(r.mapValue, steps[3:])
			}
			return nil, false
		case "State":
			if len(steps) == 2 {
				switch steps[1].key {
				case "Name":
					return r.st.name, true
				case "RetryCount":
					return int64(r.retryCount), true
				}
			}
		case "Execution":
			execObj, _ := r.th.ex.execObjects()
			return getSteps(execObj, steps[1:])
		}
	}
	return getSteps(r.contextObject(), steps)
}

func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// ctx returns the context source for the state.
func (r *stateRun) ctx() contextSource {
	if !r.st.usesContext {
		return noContext{}
	}
	return r
}

// fail decorates a data-flow error with the state it happened in, as AWS does.
func (r *stateRun) fail(err *stateError) *stateError {
	if err == nil || err.abort || err.located {
		return err
	}
	switch err.Name {
	case ErrRuntime, ErrResultPathMatchFailure, ErrIntrinsicFailure, ErrParameterPathFailure:
	default:
		return err
	}
	prefix := fmt.Sprintf("An error occurred while executing the state '%s'", r.st.name)
	if r.enteredID > 0 {
		prefix += fmt.Sprintf(" (entered at the event id #%d)", r.enteredID)
	}
	return &stateError{Name: err.Name, Cause: prefix + ". " + err.Cause, located: true}
}

// runState runs one state and returns the next state ("" at the end).
func (th *thread) runState(ctx context.Context, st *state, input any) (string, any, *stateError) {
	r := &stateRun{th: th, st: st}
	if st.usesContext || th.history() {
		r.entered = th.ex.clock.Now()
	}
	if th.history() {
		th.emit(st.typ+"StateEntered", "stateEnteredEventDetails", map[string]any{
			"name": st.name, "input": string(marshal(input)), "inputDetails": map[string]any{"truncated": false},
		})
		r.enteredID = th.prev
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
		next, out, err = r.choice(input)
	case typeWait:
		out, err = r.wait(ctx, input)
		next = st.next
	case typeSucceed:
		out, err = r.passThrough(input)
	case typeFail:
		return "", nil, r.failState(input)
	default:
		return "", nil, runtimeError("unknown state type %q", st.typ)
	}
	if err != nil {
		if err.abort && th.history() {
			switch st.typ {
			case typeTask, typeWait, typeParallel, typeMap:
				th.emit(st.typ+"StateAborted", "", nil)
			}
		}
		return "", nil, r.fail(err)
	}
	if th.history() {
		text := marshal(out)
		if len(text) > MaxPayloadSize {
			return "", nil, dataLimit(st)
		}
		th.emit(st.typ+"StateExited", "stateExitedEventDetails", map[string]any{
			"name": st.name, "output": string(text), "outputDetails": map[string]any{"truncated": false},
		})
	} else if st.typ == typePass && st.mayGrow() && jsonSize(out, MaxPayloadSize) > MaxPayloadSize {
		return "", nil, dataLimit(st)
	}
	return next, out, nil
}

// dataLimit is the error of a state whose result or output is too large. AWS
// names the resource type of an optimised integration ('lambda'), the
// resource of another Task, and the state name otherwise.
func dataLimit(st *state) *stateError {
	name := st.name
	if st.typ == typeTask {
		name = st.resource
		if strings.HasPrefix(st.resource, "arn:aws:states:::") {
			name = st.resourceType
		}
	}
	return newError(ErrDataLimitExceeded, "The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", name)
}

// mayGrow reports whether the state's output can be larger than its input.
func (st *state) mayGrow() bool {
	switch st.typ {
	case typeChoice, typeWait, typeSucceed:
		return false
	case typePass:
		return st.parameters != nil || st.hasResult || st.resultPath != nil && len(st.resultPath.steps) > 0
	}
	return true
}

// inputPath applies InputPath.
func (r *stateRun) inputPath(input any) (any, *stateError) {
	return applyPath(r.st.inputPath, r.st.inputNull, input, r.ctx())
}

// outputPath applies OutputPath.
func (r *stateRun) outputPath(v any) (any, *stateError) {
	return applyPath(r.st.outputPath, r.st.outputNull, v, r.ctx())
}

func applyPath(p *path, null bool, v any, cx contextSource) (any, *stateError) {
	if null {
		return map[string]any{}, nil
	}
	if p == nil {
		return v, nil
	}
	out, ok := p.get(v, cx)
	if !ok {
		return nil, runtimeError("Invalid path '%s' : No results for path: %s", p.text, normalizedPath(p))
	}
	return out, nil
}

// normalizedPath renders a definite path the way Jayway does: $['a'][0].
func normalizedPath(p *path) string {
	var b strings.Builder
	if p.context {
		b.WriteString("$")
	}
	b.WriteString("$")
	for _, s := range p.steps {
		if s.isIndex {
			fmt.Fprintf(&b, "[%d]", s.index)
		} else {
			b.WriteString("['" + s.key + "']")
		}
	}
	return b.String()
}

// applyResultPath combines a state's raw input and its result.
func applyResultPath(input, result any, p *path, discard bool) (any, *stateError) {
	if discard {
		return input, nil
	}
	if p == nil {
		return result, nil
	}
	out, err := setPath(input, p.steps, result)
	if err != nil {
		return nil, newError(ErrResultPathMatchFailure, "Unable to apply ResultPath '%s' to input '%s': %v", p.text, truncate(marshalString(input)), err)
	}
	return out, nil
}

// passThrough is Succeed: InputPath then OutputPath.
func (r *stateRun) passThrough(input any) (any, *stateError) {
	eff, err := r.inputPath(input)
	if err != nil {
		return nil, err
	}
	return r.outputPath(eff)
}

// runWithRetry runs a Pass, Task, Parallel or Map state with its Retry and
// Catch rules.
func (r *stateRun) runWithRetry(ctx context.Context, input any) (string, any, *stateError) {
	st := r.st
	var counts []int
	for {
		out, err := r.attempt(ctx, input)
		if err == nil {
			return st.next, out, nil
		}
		err = r.fail(err)
		if err.abort {
			return "", nil, err
		}
		if idx := findRetrier(st.retry, err.Name); idx >= 0 {
			if counts == nil {
				counts = make([]int, len(st.retry))
			}
			rt := st.retry[idx]
			if counts[idx] < rt.maxAttempts {
				counts[idx]++
				if werr := r.th.sleep(ctx, rt.delay(counts[idx])); werr != nil {
					return "", nil, werr
				}
				r.retryCount++
				continue
			}
		}
		for _, ct := range st.catch {
			if !matchesError(ct.errorEquals, err.Name) {
				continue
			}
			errOut := map[string]any{"Error": err.Name, "Cause": err.Cause}
			out, perr := applyResultPath(input, errOut, ct.resultPath, ct.resultNull)
			if perr != nil {
				return "", nil, r.fail(perr)
			}
			return ct.next, out, nil
		}
		return "", nil, err
	}
}

func findRetrier(rs []*retrier, name string) int {
	for i, rt := range rs {
		if matchesError(rt.errorEquals, name) {
			return i
		}
	}
	return -1
}

// delay is the wait before retry number attempt (1-based).
func (rt *retrier) delay(attempt int) time.Duration {
	secs := rt.interval * math.Pow(rt.backoffRate, float64(attempt-1))
	if rt.maxDelay > 0 && secs > rt.maxDelay {
		secs = rt.maxDelay
	}
	if rt.jitterFull {
		secs = rand.Float64() * secs
	}
	if secs > float64(defaultTaskTimeout) {
		secs = defaultTaskTimeout
	}
	return time.Duration(secs * float64(time.Second))
}

// seconds converts n seconds (from a ...Path, so unbounded) to a Duration,
// saturating at the longest one rather than wrapping around.
func seconds(n int64) time.Duration {
	if n > int64(math.MaxInt64/time.Second) {
		return math.MaxInt64
	}
	return time.Duration(n) * time.Second
}

// sleep waits d on the execution's clock, or until ctx ends.
func (th *thread) sleep(ctx context.Context, d time.Duration) *stateError {
	if d <= 0 {
		return nil
	}
	select {
	case <-th.ex.clock.After(d):
		return nil
	case <-ctx.Done():
		return errAborted
	}
}

// attempt runs the body of a Pass, Task, Parallel or Map state once.
func (r *stateRun) attempt(ctx context.Context, input any) (any, *stateError) {
	st := r.st
	eff, err := r.inputPath(input)
	if err != nil {
		return nil, err
	}
	params := eff
	if st.parameters != nil {
		if params, err = st.parameters.eval(eff, r.ctx()); err != nil {
			return nil, err
		}
	}
	var result any
	switch st.typ {
	case typePass:
		result = params
		if st.hasResult {
			result = st.result
		}
	case typeTask:
		result, err = r.task(ctx, eff, params)
	case typeParallel:
		result, err = r.parallel(ctx, params)
	case typeMap:
		result, err = r.mapState(ctx, params)
	}
	if err != nil {
		return nil, err
	}
	if st.resultSelector != nil {
		if result, err = st.resultSelector.eval(result, r.ctx()); err != nil {
			return nil, err
		}
	}
	out, err := applyResultPath(input, result, st.resultPath, st.resultNull)
	if err != nil {
		return nil, err
	}
	if out, err = r.outputPath(out); err != nil {
		return nil, err
	}
	// Checked here so that Retry and Catch see it.
	if st.typ != typePass && jsonSize(out, MaxPayloadSize) > MaxPayloadSize {
		return nil, dataLimit(st)
	}
	return out, nil
}

// choice evaluates the Choice rules.
func (r *stateRun) choice(input any) (string, any, *stateError) {
	st := r.st
	eff, err := r.inputPath(input)
	if err != nil {
		return "", nil, err
	}
	next := ""
	for _, rule := range st.choices {
		ok, err := rule.eval(eff, r.ctx())
		if err != nil {
			return "", nil, err
		}
		if ok {
			next = rule.next
			break
		}
	}
	if next == "" {
		next = st.defaultNext
	}
	if next == "" {
		return "", nil, r.failNoMatch()
	}
	out, err := r.outputPath(eff)
	return next, out, err
}

func (r *stateRun) failNoMatch() *stateError {
	cause := fmt.Sprintf("An error occurred while executing the state '%s'", r.st.name)
	if r.enteredID > 0 {
		cause += fmt.Sprintf(" (entered at the event id #%d)", r.enteredID)
	}
	return newError(ErrNoChoiceMatched, "%s. No Choice Rule matched and there is no Default.", cause)
}

// wait runs a Wait state.
func (r *stateRun) wait(ctx context.Context, input any) (any, *stateError) {
	st := r.st
	eff, err := r.inputPath(input)
	if err != nil {
		return nil, err
	}
	var d time.Duration
	switch {
	case st.secondsPath != nil:
		v, ok := st.secondsPath.get(eff, r.ctx())
		if !ok {
			return nil, runtimeError("Invalid path '%s' : No results for path: %s", st.secondsPath.text, normalizedPath(st.secondsPath))
		}
		n, ok := toInt(v)
		if !ok || n < 0 {
			return nil, runtimeError("The SecondsPath '%s' must point to a non-negative integer, but it points to %s", st.secondsPath.text, truncate(marshalString(v)))
		}
		d = seconds(n)
	case st.timestampPath != nil:
		v, ok := st.timestampPath.get(eff, r.ctx())
		if !ok {
			return nil, runtimeError("Invalid path '%s' : No results for path: %s", st.timestampPath.text, normalizedPath(st.timestampPath))
		}
		s, _ := v.(string)
		t, ok := parseTimestamp(s)
		if !ok {
			return nil, runtimeError("The TimestampPath '%s' must point to an RFC 3339 timestamp, but it points to %s", st.timestampPath.text, truncate(marshalString(v)))
		}
		d = t.Sub(r.th.ex.clock.Now())
	case st.hasTimestamp:
		d = st.timestamp.Sub(r.th.ex.clock.Now())
	default:
		d = time.Duration(st.waitSeconds) * time.Second
	}
	if err := r.th.sleep(ctx, d); err != nil {
		return nil, err
	}
	return r.outputPath(eff)
}

// failState builds the error of a Fail state.
func (r *stateRun) failState(input any) *stateError {
	st := r.st
	name, cause := st.errorName, st.cause
	for _, f := range []struct {
		src *valueSource
		dst *string
		fld string
	}{{st.errorPath, &name, "ErrorPath"}, {st.causePath, &cause, "CausePath"}} {
		if f.src == nil {
			continue
		}
		v, err := f.src.get(input, r.ctx())
		if err != nil {
			return r.fail(err)
		}
		s, ok := v.(string)
		if !ok {
			return r.fail(runtimeError("The %s of the Fail state must resolve to a string, but it resolved to %s", f.fld, typeName(v)))
		}
		*f.dst = s
	}
	return &stateError{Name: name, Cause: cause, located: true}
}

// taskResult is what an Invoker returned.
type taskResult struct {
	out json.RawMessage
	err error
}

// task runs a Task state's work once. eff is the state's input after
// InputPath (where TimeoutSecondsPath is resolved); params is the payload.
func (r *stateRun) task(ctx context.Context, eff, params any) (any, *stateError) {
	st, th := r.st, r.th
	timeout := st.timeoutSeconds
	if st.timeoutPath != nil {
		v, ok := st.timeoutPath.get(eff, r.ctx())
		n, isInt := toInt(v)
		if !ok || !isInt || n < 1 {
			return nil, runtimeError("The TimeoutSecondsPath '%s' must point to a positive integer", st.timeoutPath.text)
		}
		timeout = n
	}
	payload := marshal(params)
	if th.history() {
		details := map[string]any{
			"resourceType": st.resourceType, "resource": st.resourceName,
			"region": arnRegion(th.ex.opts.Context.ID), "parameters": string(payload),
		}
		if st.timeoutSet || st.timeoutPath != nil {
			details["timeoutInSeconds"] = timeout
		}
		if st.heartbeatSet {
			details["heartbeatInSeconds"] = st.heartbeatSeconds
		}
		th.emit("TaskScheduled", "taskScheduledEventDetails", details)
		th.emit("TaskStarted", "taskStartedEventDetails", map[string]any{"resourceType": st.resourceType, "resource": st.resourceName})
	}
	out, err := th.invoke(ctx, st.resource, payload, seconds(timeout))
	if err != nil {
		if err.abort {
			return nil, err
		}
		typ, key := "TaskFailed", "taskFailedEventDetails"
		if err.Name == ErrTimeout {
			typ, key = "TaskTimedOut", "taskTimedOutEventDetails"
		}
		th.emit(typ, key, map[string]any{"resourceType": st.resourceType, "resource": st.resourceName, "error": err.Name, "cause": err.Cause})
		return nil, err
	}
	if len(out) > MaxPayloadSize {
		th.emit("TaskFailed", "taskFailedEventDetails", map[string]any{"resourceType": st.resourceType, "resource": st.resourceName,
			"error": ErrDataLimitExceeded, "cause": dataLimit(st).Cause})
		return nil, dataLimit(st)
	}
	var result any
	if len(bytes.TrimSpace(out)) > 0 {
		v, perr := parseJSON(out)
		if perr != nil {
			e := runtimeError("The task returned output that is not valid JSON: %v", perr)
			th.emit("TaskFailed", "taskFailedEventDetails", map[string]any{"resourceType": st.resourceType, "resource": st.resourceName, "error": e.Name, "cause": e.Cause})
			return nil, e
		}
		result = v
	}
	if th.history() {
		th.emit("TaskSucceeded", "taskSucceededEventDetails", map[string]any{"resourceType": st.resourceType, "resource": st.resourceName,
			"output": string(out), "outputDetails": map[string]any{"truncated": false}})
	}
	return result, nil
}

// invoke calls the Invoker with a timeout on the execution's clock. The
// call runs in its own goroutine so that a timeout or an abort returns at
// once even when the task ignores its context.
func (th *thread) invoke(ctx context.Context, resource string, payload []byte, timeout time.Duration) (json.RawMessage, *stateError) {
	tctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan taskResult, 1)
	invoke := th.ex.opts.Invoke
	go func() {
		defer func() {
			if rec := recover(); rec != nil {
				ch <- taskResult{err: newError(ErrTaskFailed, "the task function panicked: %v", rec)}
			}
		}()
		out, err := invoke(tctx, resource, payload)
		ch <- taskResult{out: out, err: err}
	}()
	timer := th.ex.clock.After(timeout)
	select {
	case res := <-ch:
		if res.err != nil {
			if ctx.Err() != nil {
				return nil, errAborted
			}
			return nil, fromTaskError(res.err)
		}
		return res.out, nil
	case <-timer:
		select {
		case res := <-ch: // finished at the same moment: the task wins
			if res.err == nil {
				return res.out, nil
			}
		default:
		}
		return nil, &stateError{Name: ErrTimeout, Cause: fmt.Sprintf("The task did not finish within its timeout of %d seconds.", int64(timeout/time.Second))}
	case <-ctx.Done():
		return nil, errAborted
	}
}

// parallel runs every branch on input and collects their outputs.
func (r *stateRun) parallel(ctx context.Context, input any) (any, *stateError) {
	th := r.th
	th.emit("ParallelStateStarted", "", nil)
	branches := r.st.branches
	results := make([]any, len(branches))
	err := th.fanOut(ctx, len(branches), len(branches), func(ctx context.Context, i int, bt *thread) *stateError {
		out, err := bt.runMachineSafe(ctx, branches[i], input)
		results[i] = out
		return err
	})
	th.syncToLast()
	if err != nil {
		if !err.abort {
			th.emit("ParallelStateFailed", "", nil)
		}
		return nil, err
	}
	th.emit("ParallelStateSucceeded", "", nil)
	return results, nil
}

// fanOut runs n jobs on at most workers goroutines, each job on its own
// thread whose chain starts at th's newest event. The first failure cancels
// the others and is returned.
func (th *thread) fanOut(ctx context.Context, n, workers int, job func(ctx context.Context, i int, t *thread) *stateError) *stateError {
	if n == 0 {
		return nil
	}
	if workers <= 0 || workers > n {
		workers = n
	}
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		once     sync.Once
		firstErr *stateError
		nextIdx  atomic.Int64
		wg       sync.WaitGroup
	)
	start := th.prev
	work := func() {
		for {
			i := int(nextIdx.Add(1) - 1)
			if i >= n || fctx.Err() != nil {
				return
			}
			t := &thread{ex: th.ex, prev: start}
			if err := job(fctx, i, t); err != nil {
				once.Do(func() {
					firstErr = err
					cancel()
				})
				return
			}
		}
	}
	if workers == 1 {
		work()
	} else {
		wg.Add(workers)
		for w := 0; w < workers; w++ {
			go func() {
				defer wg.Done()
				defer func() {
					if rec := recover(); rec != nil {
						once.Do(func() {
							firstErr = runtimeError("internal error in the state machine interpreter: %v", rec)
							cancel()
						})
					}
				}()
				work()
			}()
		}
		wg.Wait()
	}
	if ctx.Err() != nil {
		return errAborted
	}
	return firstErr
}

// maxInlineConcurrency is the most iterations an inline Map state runs at
// once. AWS documents the same limit of 40 for inline Map; MaxConcurrency 0
// ("no limit") and larger values run at most this many.
const maxInlineConcurrency = 40

// mapState runs the iterator on every item.
func (r *stateRun) mapState(ctx context.Context, eff any) (any, *stateError) {
	st, th := r.st, r.th
	itemsV := eff
	if st.itemsPath != nil {
		v, ok := st.itemsPath.get(eff, r.ctx())
		if !ok {
			return nil, runtimeError("Invalid path '%s' : No results for path: %s", st.itemsPath.text, normalizedPath(st.itemsPath))
		}
		itemsV = v
	}
	items, ok := itemsV.([]any)
	if !ok {
		return nil, runtimeError("The Map state's ItemsPath must point to a JSON array, but it points to %s", typeName(itemsV))
	}
	workers := st.maxConcurrency
	if st.maxConcurrencyPath != nil {
		v, ok := st.maxConcurrencyPath.get(eff, r.ctx())
		n, isInt := toInt(v)
		if !ok || !isInt || n < 0 {
			return nil, runtimeError("The MaxConcurrencyPath '%s' must point to a non-negative integer", st.maxConcurrencyPath.text)
		}
		workers = int(n)
	}
	if workers == 0 || workers > maxInlineConcurrency {
		workers = maxInlineConcurrency
	}
	if th.history() {
		th.emit("MapStateStarted", "mapStateStartedEventDetails", map[string]any{"length": len(items)})
	}
	results := make([]any, len(items))
	err := th.fanOut(ctx, len(items), workers, func(ctx context.Context, i int, it *thread) *stateError {
		if it.history() {
			it.emit("MapIterationStarted", "mapIterationStartedEventDetails", map[string]any{"name": st.name, "index": i})
		}
		item := items[i]
		if st.itemSelector != nil {
			sr := &stateRun{th: r.th, st: st, entered: r.entered, retryCount: r.retryCount, mapIndex: i, mapValue: item, inMapItem: true}
			v, err := st.itemSelector.eval(eff, sr)
			if err != nil {
				it.emit("MapIterationFailed", "mapIterationFailedEventDetails", map[string]any{"name": st.name, "index": i})
				return err
			}
			item = v
		}
		out, err := it.runMachineSafe(ctx, st.iterator, item)
		if err != nil {
			if it.history() {
				typ, key := "MapIterationFailed", "mapIterationFailedEventDetails"
				if err.abort {
					typ, key = "MapIterationAborted", "mapIterationAbortedEventDetails"
				}
				it.emit(typ, key, map[string]any{"name": st.name, "index": i})
			}
			return err
		}
		results[i] = out
		if it.history() {
			it.emit("MapIterationSucceeded", "mapIterationSucceededEventDetails", map[string]any{"name": st.name, "index": i})
		}
		return nil
	})
	th.syncToLast()
	if err != nil {
		if !err.abort {
			th.emit("MapStateFailed", "", nil)
		}
		return nil, err
	}
	th.emit("MapStateSucceeded", "", nil)
	return results, nil
}
