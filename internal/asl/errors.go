package asl

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ASL error names raised by the interpreter. Task code may raise any other
// name through an ErrorNamer error.
const (
	// ErrALL matches every error name in Retry and Catch except
	// States.Runtime, which ends the execution unless a retrier or catcher
	// names it explicitly. (AWS's recorded behaviour: States.ALL does catch
	// States.DataLimitExceeded from a Task, despite the developer guide.)
	ErrALL = "States.ALL"
	// ErrTaskFailed is a Task failure whose error carried no name. In
	// Retry and Catch it also matches every error name a task raises
	// (any name outside the States. namespace), as in AWS.
	ErrTaskFailed = "States.TaskFailed"
	// ErrTimeout is a Task that ran longer than its TimeoutSeconds, or an
	// execution that ran longer than its timeout.
	ErrTimeout = "States.Timeout"
	// ErrRuntime is an error in the data flow: a path that matches nothing,
	// input that is not what a state needs, and so on.
	ErrRuntime = "States.Runtime"
	// ErrDataLimitExceeded is a state output larger than MaxPayloadSize.
	ErrDataLimitExceeded = "States.DataLimitExceeded"
	// ErrBranchFailed is defined for completeness. A failed Parallel branch
	// or Map iteration fails the state with the branch's own error name (as
	// AWS does), so Catch can match it.
	ErrBranchFailed = "States.BranchFailed"
	// ErrNoChoiceMatched is a Choice state where no rule matched and there
	// is no Default.
	ErrNoChoiceMatched = "States.NoChoiceMatched"
	// ErrIntrinsicFailure is an intrinsic function called with bad arguments.
	ErrIntrinsicFailure = "States.IntrinsicFailure"
	// ErrResultPathMatchFailure is a ResultPath that cannot be applied to the
	// state's input.
	ErrResultPathMatchFailure = "States.ResultPathMatchFailure"
	// ErrParameterPathFailure is defined so that Retry and Catch can name
	// it. Like AWS (per recorded histories), this package reports a
	// Parameters path that matches nothing as States.Runtime.
	ErrParameterPathFailure = "States.ParameterPathFailure"
	// ErrHeartbeatTimeout is a callback or activity task that missed its
	// heartbeat (HeartbeatSeconds). States.Timeout in Retry and Catch
	// matches it too.
	ErrHeartbeatTimeout = "States.HeartbeatTimeout"
	// ErrPermissions is a Task without the permissions it needs; only
	// ErrorNamer errors raise it.
	ErrPermissions = "States.Permissions"
)

// stateError is an ASL error raised while running a state.
type stateError struct {
	Name  string
	Cause string
	// abort is set when the error only carries a cancellation of the run
	// (execution aborted or timed out); such errors are never retried or
	// caught.
	abort bool
	// located is set once the cause names the state it happened in.
	located bool
	// scheduleFailed is set when an activity task could not be scheduled
	// (ScheduleError).
	scheduleFailed bool
}

func (e *stateError) Error() string { return ErrorText(e.Name, e.Cause) }

// ErrorText is the text of an error with an ASL error name and cause, as
// every ErrorNamer in this module writes it: "name: cause", or the name
// alone when there is no cause.
func ErrorText(name, cause string) string {
	if cause == "" {
		return name
	}
	return name + ": " + cause
}

// ASLError implements ErrorNamer.
func (e *stateError) ASLError() (name, cause string) { return e.Name, e.Cause }

func newError(name, format string, args ...any) *stateError {
	return &stateError{Name: name, Cause: fmt.Sprintf(format, args...)}
}

func runtimeError(format string, args ...any) *stateError {
	return newError(ErrRuntime, format, args...)
}

var errAborted = &stateError{Name: "States.Aborted", Cause: "the execution was stopped", abort: true}

// fromTaskError converts an error returned by an Invoker.
func fromTaskError(err error) *stateError {
	var se *stateError
	if errors.As(err, &se) {
		return se
	}
	var en ErrorNamer
	if errors.As(err, &en) {
		name, cause := en.ASLError()
		if name == "" {
			name = ErrTaskFailed
		}
		// The task's own cause is reported as is, whatever the name.
		return &stateError{Name: name, Cause: cause, located: true}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &stateError{Name: ErrTimeout, Cause: err.Error()}
	}
	return &stateError{Name: ErrTaskFailed, Cause: err.Error()}
}

// matchesError reports whether an ErrorEquals list matches name.
//
// States.TaskFailed is a wildcard too: AWS's developer guide says it
// "matches any known error name except for States.Timeout". Here it matches
// every name outside the States. namespace, the names tasks raise
// (Lambda.Unknown, an application's own); whether AWS's wildcard also
// matches the interpreter's States. errors other than States.Timeout
// (States.Permissions, States.IntrinsicFailure, ...) is UNCONFIRMED, so
// they keep needing their own name (as LocalStack, whose error handling is
// checked against AWS, does).
func matchesError(errorEquals []string, name string) bool {
	for _, e := range errorEquals {
		if e == name || e == ErrTimeout && name == ErrHeartbeatTimeout {
			// A missed heartbeat is a timeout too (States Language spec).
			return true
		}
		if e == ErrALL && name != ErrRuntime {
			return true
		}
		if e == ErrTaskFailed && !strings.HasPrefix(name, "States.") {
			return true
		}
	}
	return false
}

// DefinitionError is returned by Parse for a definition that is not valid.
// Each problem reads like AWS's, for example
// "MISSING_TRANSITION_TARGET: Missing 'Next' target: Foo at /States/Bar/Next".
type DefinitionError struct {
	Problems []string
}

// maxReportedProblems is how many problems Error lists.
const maxReportedProblems = 100

// Error joins the problems with ", " as AWS does in its InvalidDefinition
// message; past maxReportedProblems it says how many more there are.
func (e *DefinitionError) Error() string {
	if n := len(e.Problems); n > maxReportedProblems {
		return strings.Join(e.Problems[:maxReportedProblems], ", ") + fmt.Sprintf(", and %d more problems", n-maxReportedProblems)
	}
	return strings.Join(e.Problems, ", ")
}

// fail decorates a data-flow error with the state it happened in, as AWS does.
func (r *stateRun) fail(err *stateError) *stateError {
	if err == nil || err.abort || err.located {
		return err
	}
	switch err.Name {
	case ErrRuntime, ErrResultPathMatchFailure, ErrIntrinsicFailure, ErrParameterPathFailure, ErrDataLimitExceeded,
		ErrQueryEvaluation:
	default:
		return err
	}
	return &stateError{Name: err.Name, Cause: r.location() + ". " + err.Cause, located: true}
}

// dataLimit is the error of a state whose result or output is too large. AWS
// names the resource type of an optimised integration ('lambda'), the
// resource of another Task, and the state name otherwise. That was recorded
// in the aws partition; the other partitions are taken to name alike
// (UNCONFIRMED).
func dataLimit(st *state) *stateError {
	name := st.name
	if t := st.task; t != nil {
		name = t.resource
		if _, ok := Integration(t.resource); ok {
			name = t.resourceType
		}
	}
	err := newError(ErrDataLimitExceeded, "The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", name)
	err.located = true // names the state already
	return err
}

// inputLimit is the error of a state whose input (after Parameters, for a
// Task, or the input of a Parallel branch or Map iteration) is too large:
// AWS's quota applies to the input "when scheduling a task, entering a
// state, or starting an execution".
func inputLimit(st *state) *stateError {
	err := newError(ErrDataLimitExceeded, "The input of the state '%s' has a size exceeding the maximum number of bytes service limit.", st.name)
	err.located = true
	return err
}

// failNoMatch is the error of a Choice state where no rule matched.
func (r *stateRun) failNoMatch() *stateError {
	return newError(ErrNoChoiceMatched, "%s. No Choice Rule matched and there is no Default.", r.location())
}

// location is how AWS names the state an error happened in, at the start
// of the error's cause.
func (r *stateRun) location() string {
	loc := fmt.Sprintf("An error occurred while executing the state '%s'", r.st.name)
	if r.enteredID > 0 {
		loc += fmt.Sprintf(" (entered at the event id #%d)", r.enteredID)
	}
	return loc
}
