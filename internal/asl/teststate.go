package asl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"
)

// TestState statuses (the API's TestExecutionStatus).
const (
	// TestSucceeded: the state ran and produced its output.
	TestSucceeded = "SUCCEEDED"
	// TestFailed: the state failed and no Retry or Catch handles the error.
	TestFailed = "FAILED"
	// TestRetriable: the state failed and a retrier would run it again.
	TestRetriable = "RETRIABLE"
	// TestCaughtError: the state failed and a catcher handled the error.
	TestCaughtError = "CAUGHT_ERROR"
)

// MaxTestStateTime is how long TestState runs a state: AWS's five minutes,
// past which the state fails with States.Timeout.
const MaxTestStateTime = 5 * time.Minute

// testStateName is the name of a state given on its own, without a state
// machine around it. UNCONFIRMED: what AWS calls it in $$.State.Name.
const testStateName = "TestState"

// TestStateInput is one TestState request: run one state once.
type TestStateInput struct {
	// Definition is one state's definition, or a whole state machine's
	// when StateName is set.
	Definition string
	// StateName names the top-level state of Definition to run.
	StateName string
	// Input is the state's input; empty means {}.
	Input json.RawMessage
	// Variables, when set, is a JSON object of the workflow variables the
	// state sees.
	Variables json.RawMessage
	// Context, when set, is the context object ($$) or a part of it: its
	// Execution, StateMachine, State and Task fields replace the defaults
	// built from Options.Context. Only with a Mock, as on AWS.
	Context json.RawMessage
	// Mock, when set, answers for the state's work (a Task's call, a Map's
	// or Parallel's iterations) instead of running it.
	Mock *TestStateMock
	// RetrierRetryCount is how many times the retrier that matches the
	// error has already retried ($$.State.RetryCount too).
	RetrierRetryCount int
	// ErrorCausedByState, for a Map or Parallel state whose Mock is an
	// error, names the state of its ItemProcessor or branches that raised
	// it (stateConfiguration.errorCausedByState). It is checked; the state
	// fails with the mocked error either way, as recorded AWS answers show.
	ErrorCausedByState string
	// MapIterationFailureCount, when set, is how many of a mocked Map
	// state's iterations failed: beyond the state's ToleratedFailureCount or
	// ToleratedFailurePercentage the state fails with
	// States.ExceedToleratedFailureThreshold.
	MapIterationFailureCount *int
	// MapItemReaderData, when set, is what a Map state's ItemReader would
	// read (stateConfiguration.mapItemReaderData).
	MapItemReaderData *string
	// Inspect asks for the intermediate values (DEBUG and TRACE).
	Inspect bool
	// MockedTask, when set, is called for a Task state the Mock answers
	// for, with its Resource, its arguments (the JSON its call would get)
	// and the mocked result (nil for a mocked error), before the mock
	// answers: an error it returns fails the state instead, as the call
	// would have (an ErrorNamer gives the error's name). sfnlocal builds an
	// HTTP Task's request and checks its mocked response this way.
	MockedTask func(resource string, args, result json.RawMessage) error
	// Options are the interpreter options: Clock, Invoke, Task, TaskToken
	// and Context are used; Emit is ignored (a test keeps no history).
	Options Options
}

// TestStateMock is a mocked result, or with ErrorName set a mocked error.
type TestStateMock struct {
	Result    json.RawMessage
	ErrorName string
	Cause     string
	// FieldValidationMode is how a Task's mocked result is checked against
	// its integration's response shape: one of the MockValidation...
	// modes, "" meaning STRICT.
	FieldValidationMode string
}

// TestStateOutput is what TestState answers.
type TestStateOutput struct {
	Status    string // one of the Test... statuses
	Output    json.RawMessage
	Error     string
	Cause     string
	NextState string
	// Inspection is set when TestStateInput.Inspect was.
	Inspection *Inspection
}

// Inspection holds a state's intermediate values, each the JSON text of the
// value (nil when the step does not apply to the state, as AWS leaves it
// out). The After... fields of InputPath, Parameters, ResultSelector and
// ResultPath are JSONPath's; AfterArguments is JSONata's. Variables are all
// the workflow variables after the state: those given and those it
// assigned.
type Inspection struct {
	Input               json.RawMessage
	AfterInputPath      json.RawMessage
	AfterParameters     json.RawMessage
	AfterArguments      json.RawMessage
	AfterItemsPath      json.RawMessage
	Result              json.RawMessage
	AfterResultSelector json.RawMessage
	AfterResultPath     json.RawMessage
	Variables           json.RawMessage
	// MaxConcurrency is set for a Map state.
	MaxConcurrency *int
	// ToleratedFailureCount and ToleratedFailurePercentage are set for a
	// Map state that declares them.
	ToleratedFailureCount      *int64
	ToleratedFailurePercentage *float64
	// ErrorDetails is set when a retrier or catcher handled the error.
	ErrorDetails *InspectionErrorDetails
}

// InspectionErrorDetails says which retrier or catcher handled an error.
type InspectionErrorDetails struct {
	RetryIndex                  *int
	RetryBackoffIntervalSeconds *int
	CatchIndex                  *int
}

// TestStateError is a request TestState refuses before running anything.
// Code is the API error: InvalidDefinition, InvalidExecutionInput or
// ValidationException.
type TestStateError struct {
	Code    string
	Message string
}

// Error returns the code and message.
func (e *TestStateError) Error() string { return e.Code + ": " + e.Message }

func validationError(format string, args ...any) *TestStateError {
	return &TestStateError{Code: "ValidationException", Message: fmt.Sprintf(format, args...)}
}

// RunTestState runs one state of in.Definition once, as AWS's TestState
// does: no retry is waited for and no Next state is run; a Wait state
// reports its output without waiting (UNCONFIRMED whether AWS waits). An
// error TestState refuses before running is a *TestStateError, or a
// *DefinitionError for a bad definition; cancelling ctx returns ctx's error.
// Like Run, it never panics: an internal error fails the state with
// States.Runtime.
func RunTestState(ctx context.Context, in TestStateInput) (res *TestStateOutput, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = &TestStateOutput{Status: TestFailed, Error: ErrRuntime,
				Cause: fmt.Sprintf("internal error in the state machine interpreter: %v", r)}, nil
		}
	}()
	m, name, err := testMachine(in.Definition, in.StateName)
	if err != nil {
		return nil, err
	}
	st := m.states[name]
	cfg, err := checkStateConfig(&in, st)
	if err != nil {
		return nil, err
	}
	if err := checkTestMock(st, in.Mock, in.Context != nil); err != nil {
		return nil, err
	}
	input := any(newObject(0))
	if len(bytes.TrimSpace(in.Input)) > 0 {
		if input, err = parseJSON(in.Input); err != nil {
			return nil, &TestStateError{Code: "InvalidExecutionInput", Message: fmt.Sprintf("Invalid State Machine Execution Input: %v", err)}
		}
	}
	var mockResult any
	if in.Mock != nil && in.Mock.ErrorName == "" {
		if mockResult, err = parseJSON(in.Mock.Result); err != nil {
			return nil, validationError("mock.result is not valid JSON: %v", err)
		}
		if st.task != nil {
			if err := validateMockResult(st.task.resource, mockResult, in.Mock.FieldValidationMode); err != nil {
				return nil, err
			}
		}
		if err := checkFanOutMock(st, mockResult); err != nil {
			return nil, err
		}
	}
	vars := &varScope{}
	if len(in.Variables) > 0 {
		v, err := parseJSON(in.Variables)
		o, ok := v.(*object)
		if err != nil || !ok {
			return nil, validationError("variables must be a JSON object")
		}
		obj := o.fields()
		for _, name := range o.keys {
			if variableName(name) != name || name == "" || name == "states" {
				return nil, validationError("variables: %q is not a valid variable name", name)
			}
		}
		if _, serr := vars.assign(obj); serr != nil {
			return nil, validationError("variables: %s", serr.Cause)
		}
	}
	cx, err := parseTestContext(in.Context, st)
	if err != nil {
		return nil, err
	}

	opts := in.Options
	opts.Emit = nil
	if opts.Clock == nil {
		opts.Clock = RealClock{}
	}
	opts.Context = cx.apply(opts.Context)
	ex := &execution{opts: opts, clock: opts.Clock, input: input}
	if cx.execInput != nil {
		ex.input = cx.execInput
	}
	ex.budget.limit = DefaultMemoryBudget
	ex.deadline = ex.clock.Now().Add(MaxTestStateTime)
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ex.cancel = cancel
	if st.typ == typeTask && in.Mock == nil {
		// UNCONFIRMED whether AWS asks for a role for unmocked Pass,
		// Choice, Wait, Succeed and Fail states too: they need no
		// permission.
		if opts.Context.RoleARN == "" {
			return nil, validationError("roleArn is required to test a Task state without a mock")
		}
		if opts.Invoke == nil && opts.Task == nil {
			return nil, validationError("the Task state %q has no mock and nothing to run it", name)
		}
	}

	r := &stateRun{th: &thread{ex: ex, vars: vars}, st: st, entered: ex.clock.Now(), retryCount: in.RetrierRetryCount}
	cx.applyState(r)
	t := &testRun{r: r, mock: in.Mock, mockResult: mockResult, cfg: cfg, mockedTask: in.MockedTask}
	if in.Inspect {
		t.insp = &Inspection{Input: marshal(input)}
	}
	out := t.run(runCtx, input)
	if t.refusal != nil {
		return nil, t.refusal
	}
	if t.insp != nil && len(vars.vals) > 0 {
		t.insp.Variables = marshal(vars.vals)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if errors.Is(context.Cause(runCtx), errExecutionTimedOut) {
		out = &TestStateOutput{Status: TestFailed, Error: ErrTimeout,
			Cause: fmt.Sprintf("The state ran longer than TestState's limit of %s.", MaxTestStateTime)}
	}
	out.Inspection = t.insp
	return out, nil
}

// testRun is one TestState run of a state.
type testRun struct {
	r          *stateRun
	mock       *TestStateMock
	mockResult any
	cfg        *stateConfig
	mockedTask func(resource string, args, result json.RawMessage) error
	insp       *Inspection // nil at INFO
	// refusal, when set, is a request error found while running (the
	// Map's iterations are known only then): RunTestState returns it.
	refusal error
}

// note records a value of the inspection, when inspecting.
func (t *testRun) note(field *json.RawMessage, v any) {
	if t.insp != nil {
		*field = marshal(v)
	}
}

// noteAfterInput records the effective input of a state whose only
// input-side step is InputPath.
func (t *testRun) noteAfterInput(input any) {
	if t.insp == nil || !isJSONPath(t.r.st) {
		return
	}
	eff, _, err := t.r.st.io.input(input, t.r.ctx())
	if err == nil {
		t.note(&t.insp.AfterInputPath, eff)
	}
}

// run runs the state and returns its outcome.
func (t *testRun) run(ctx context.Context, input any) *TestStateOutput {
	r, st := t.r, t.r.st
	var (
		next string
		out  any
		serr *stateError
	)
	switch st.typ {
	case typePass, typeTask, typeParallel, typeMap:
		next = st.next
		out, serr = t.attempt(ctx, input)
		if serr != nil {
			return t.failure(input, serr)
		}
	case typeChoice:
		t.noteAfterInput(input)
		next, out, serr = r.runChoice(input)
	case typeWait:
		t.noteAfterInput(input)
		next = st.next
		out, serr = t.waitOutput(input)
	case typeSucceed:
		t.noteAfterInput(input)
		out, serr = r.runSucceed(input)
	case typeFail:
		if t.insp != nil && isJSONPath(st) {
			t.note(&t.insp.AfterInputPath, input)
		}
		serr = r.runFail(input)
	}
	if serr == nil {
		serr = t.applyAssigned()
	}
	if serr != nil {
		serr = r.fail(serr)
		return &TestStateOutput{Status: TestFailed, Error: serr.Name, Cause: serr.Cause}
	}
	text, ok := marshalBounded(out)
	if !ok {
		serr = dataLimit(st)
		return &TestStateOutput{Status: TestFailed, Error: serr.Name, Cause: serr.Cause}
	}
	return &TestStateOutput{Status: TestSucceeded, Output: text, NextState: next}
}

// waitOutput is a Wait state's output, its wait evaluated (so that a bad
// SecondsPath fails) but not waited for.
func (t *testRun) waitOutput(input any) (any, *stateError) {
	r := t.r
	eff, _, err := r.st.io.input(input, r.ctx())
	if err != nil {
		return nil, err
	}
	if _, err := r.st.wait.duration(eff, r.th.ex.clock, r.ctx()); err != nil {
		return nil, err
	}
	if err := r.assignVariables(r.st.assign, statesVars{input: input}); err != nil {
		return nil, err
	}
	return r.st.io.output(input, eff, r.ctx())
}

// attempt runs a Pass, Task, Parallel or Map state once, its work mocked
// when a mock is set, recording each step's value.
func (t *testRun) attempt(ctx context.Context, input any) (any, *stateError) {
	r, st := t.r, t.r.st
	eff, args, err := st.io.input(input, r.ctx())
	if err != nil {
		return nil, err
	}
	passResult := st.typ == typePass && hasPassResult(st.io)
	switch {
	case t.insp == nil || passResult: // AWS leaves these out for a Pass state with a Result
	case isJSONPath(st):
		t.note(&t.insp.AfterInputPath, eff)
		t.note(&t.insp.AfterParameters, args)
	case st.typ != typePass:
		t.note(&t.insp.AfterArguments, args)
	}
	var iterations int
	if ms := st.mapState; ms != nil {
		// With an ItemReader the items are what it reads: the given
		// mapItemReaderData, not the state's input.
		items, known, err := t.cfg.readerItems(r, eff) // known: the number of iterations
		if err != nil {
			return nil, err
		}
		if !t.cfg.reader {
			if items, err = ms.items.items(eff, r.ctx()); err != nil {
				return nil, err
			}
			known = true
		}
		n, err := ms.concurrency.maxConcurrency(eff, r.ctx())
		if err != nil {
			return nil, err
		}
		if err := t.cfg.setTolerance(r, eff); err != nil {
			return nil, err
		}
		if t.insp != nil {
			if isJSONPath(st) && !t.cfg.reader { // AWS leaves it out for JSONata
				t.note(&t.insp.AfterItemsPath, items)
			}
			t.insp.MaxConcurrency = &n
			t.insp.ToleratedFailureCount, t.insp.ToleratedFailurePercentage = t.cfg.toleratedCount, t.cfg.toleratedPercent
		}
		iterations = len(items)
		if f := t.cfg.failures; f != nil && known && *f > iterations {
			t.refusal = validationError("Map iteration failure count must be less than or equal to the number of Map iterations")
			return nil, errAborted
		}
	}
	var result any
	switch {
	case t.mock != nil && t.mock.ErrorName != "":
		if err := t.callMockedTask(args); err != nil {
			return nil, err
		}
		return nil, &stateError{Name: t.mock.ErrorName, Cause: t.mock.Cause, located: true}
	case t.mock != nil:
		if err := t.callMockedTask(args); err != nil {
			return nil, err
		}
		result = t.mockResult
		if err := t.cfg.failedIterations(st, iterations); err != nil {
			return nil, err
		}
	case st.typ == typePass:
		result = args
	case st.typ == typeTask:
		if result, err = r.runTask(ctx, eff, args); err != nil {
			return nil, err
		}
	}
	if t.insp != nil && (st.typ != typePass || passResult) {
		t.note(&t.insp.Result, result)
	}
	var out any
	if staged, ok := st.io.(stagedFlow); ok {
		var selected, placed any
		if selected, placed, out, err = staged.outputStages(input, result, r.ctx()); err != nil {
			return nil, err
		}
		if t.insp != nil {
			t.note(&t.insp.AfterResultSelector, selected)
			t.note(&t.insp.AfterResultPath, placed)
		}
	} else if out, err = st.io.output(input, result, r.ctx()); err != nil {
		return nil, err
	}
	return r.endAttempt(input, result, out)
}

// callMockedTask calls the MockedTask hook for a mocked Task state.
func (t *testRun) callMockedTask(args any) *stateError {
	if t.mockedTask == nil || t.r.st.task == nil {
		return nil
	}
	var result json.RawMessage
	if t.mock.ErrorName == "" {
		result = t.mock.Result
	}
	if err := t.mockedTask(t.r.st.task.resource, marshal(args), result); err != nil {
		return fromTaskError(err)
	}
	return nil
}

// failure is the outcome of a state whose attempt failed with serr: a
// retrier with attempts left makes it RETRIABLE, else a catcher makes it
// CAUGHT_ERROR, else it FAILED.
func (t *testRun) failure(input any, serr *stateError) *TestStateOutput {
	r, st := t.r, t.r.st
	serr = r.fail(serr)
	out := &TestStateOutput{Status: TestFailed, Error: serr.Name, Cause: serr.Cause}
	if serr.abort {
		return out
	}
	if i := findRetrier(st.retry, serr.Name); i >= 0 && r.retryCount < st.retry[i].maxAttempts {
		out.Status = TestRetriable
		if t.insp != nil {
			backoff := backoffSeconds(st.retry[i], r.retryCount+1)
			t.insp.ErrorDetails = &InspectionErrorDetails{RetryIndex: &i, RetryBackoffIntervalSeconds: &backoff}
		}
		return out
	}
	for i, ct := range st.catch {
		if !matchesError(ct.errorEquals, serr.Name) {
			continue
		}
		errOut := objectOf("Error", serr.Name, "Cause", serr.Cause)
		caught, perr := ct.output.output(input, errOut, r.ctx())
		if perr == nil {
			r.assigned = nil
			perr = r.assignVariables(ct.assign, statesVars{input: input, errorOutput: errOut, hasErrorOutput: true})
		}
		if perr == nil {
			perr = t.applyAssigned()
		}
		if perr != nil {
			perr = r.fail(perr)
			return &TestStateOutput{Status: TestFailed, Error: perr.Name, Cause: perr.Cause}
		}
		out.Status, out.Output, out.NextState = TestCaughtError, marshal(caught), ct.next
		if t.insp != nil {
			t.insp.ErrorDetails = &InspectionErrorDetails{CatchIndex: &i}
		}
		return out
	}
	return out
}

// backoffSeconds is the wait before retry number attempt (1-based), whole
// seconds, without jitter.
func backoffSeconds(rt *retrier, attempt int) int {
	secs := rt.interval * math.Pow(rt.backoffRate, float64(attempt-1))
	if rt.maxDelay > 0 && secs > rt.maxDelay {
		secs = rt.maxDelay
	}
	return int(min(secs, defaultTaskTimeout))
}

// applyAssigned sets the variables the state assigned, as a run does when
// the state ends well.
func (t *testRun) applyAssigned() *stateError {
	if t.r.assigned == nil {
		return nil
	}
	_, err := t.r.th.vars.assign(t.r.assigned)
	return err
}

// isJSONPath reports whether st's fields are JSONPath's.
func isJSONPath(st *state) bool {
	if st.io == nil { // a Fail state
		_, ok := st.fail.(*jsonataFail)
		return !ok
	}
	_, ok := st.io.(*jsonPathIO)
	return ok
}
