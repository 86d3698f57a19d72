package asl

import (
	"context"
	"encoding/json"
	"time"
)

// Clock is the time source of an execution. Wait states, task timeouts,
// retry intervals and execution timeouts all go through it, so tests can run
// them fast. It must be safe for concurrent use. A Clock that is also a
// StoppableClock gets the timers of waits that end another way stopped.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// After returns a channel that receives once d has elapsed.
	After(d time.Duration) <-chan time.Time
}

// Invoker runs the work of a Task state. resource is the state's Resource
// field as written; input is the state's effective input (after InputPath and
// Parameters). The returned error may implement ErrorNamer to carry an ASL
// error name (matched by Retry and Catch); any other error is States.TaskFailed
// with the error text as cause.
type Invoker func(ctx context.Context, resource string, input json.RawMessage) (json.RawMessage, error)

// ErrorNamer is implemented by errors that carry an ASL error name and cause.
type ErrorNamer interface {
	error
	// ASLError returns the error name (for example "States.Timeout" or
	// "MyApp.Failed") and the cause text.
	ASLError() (name, cause string)
}

// ExecutionContext is the execution-level part of the context object ($$).
type ExecutionContext struct {
	ID               string // $$.Execution.Id (the execution ARN)
	Name             string // $$.Execution.Name
	RoleARN          string // $$.Execution.RoleArn
	StartTime        time.Time
	RedriveCount     int
	StateMachineID   string // $$.StateMachine.Id
	StateMachineName string // $$.StateMachine.Name
}

// Event is one state-level history event. The server assigns ids and adds the
// execution-level events (ExecutionStarted, ExecutionSucceeded, ...).
type Event struct {
	// Type is the AWS HistoryEventType, for example "TaskStateEntered".
	Type string
	// PreviousEventID is the id of the causally preceding event (0 for none).
	PreviousEventID int64
	// Timestamp is when the event happened, from the execution's Clock.
	Timestamp time.Time
	// DetailsKey is the wire member holding the details, for example
	// "stateEnteredEventDetails"; empty when the event has none.
	DetailsKey string
	// Details is the wire form of the details object (camelCase members).
	Details map[string]any
}

// Checkpoint is where an execution stopped, so that a redrive can resume from
// the state that failed with the input that state received. When that state
// is a Parallel or Map state, the checkpoint also holds how each of its
// branches, iterations or child workflows ended, so that a redrive runs
// again only those that did not succeed (see redrive.go); such a checkpoint
// is only meaningful to the StateMachine that made it.
type Checkpoint struct {
	State string
	Input json.RawMessage
	runs  *fanoutRuns
}

// Status values of a Result.
const (
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
	StatusTimedOut  = "TIMED_OUT"
	StatusAborted   = "ABORTED"
)

// Result is how an execution ended.
type Result struct {
	Status string          // one of the Status constants
	Output json.RawMessage // set when Status is SUCCEEDED
	Error  string          // ASL error name when not SUCCEEDED
	Cause  string
	// Resume is where a redrive would start; nil when SUCCEEDED.
	Resume *Checkpoint
}

// Options configure one run of a StateMachine.
type Options struct {
	Clock   Clock   // required
	Invoke  Invoker // required when the definition has Task states or Distributed Maps that call S3
	Context ExecutionContext
	// Emit, when non-nil, receives every state-level history event in order
	// and returns the id the server assigned to it. Nil means no history is
	// kept (Express executions, benchmarks), and costs nothing.
	Emit func(Event) int64
	// Timeout, when positive, bounds the whole execution (for example the
	// 5-minute Express limit); the definition's own TimeoutSeconds also
	// applies, and so does MaxExecutionTime. Exceeding any ends the run
	// TIMED_OUT with States.Timeout.
	Timeout time.Duration
	// ResumeFrom, when non-nil, starts at that state with that input instead
	// of StartAt (redrive). A Parallel or Map state there runs again only
	// the branches, iterations or child workflows that did not succeed, and
	// a Distributed Map redrives its Map Run (MapRuns.Redrive).
	ResumeFrom *Checkpoint
	// NoHistoryLimit lifts the MaxHistoryEvents limit, for executions that
	// emit events without keeping a history (Express executions that log).
	NoHistoryLimit bool
	// MemoryBudget bounds the bytes the execution holds at once (history
	// events, state outputs, running branches; see budget.go): exceeding it
	// ends the run FAILED with States.DataLimitExceeded. Zero means
	// DefaultMemoryBudget.
	MemoryBudget int64
	// PreviousEventID is the PreviousEventID of the first state event.
	// Default 0, which is what AWS records for the first state entered after
	// ExecutionStarted; a redrive may pass the id of ExecutionRedriven.
	PreviousEventID int64
	// Task, when non-nil, runs Task states instead of Invoke, with what a
	// callback (.waitForTaskToken) or activity task needs (see TaskCall).
	// Invoke must still be set; it is not called.
	Task TaskRunner
	// TaskToken, when non-nil, makes the task token of each attempt of a
	// Task state ($$.Task.Token, TaskCall.Token). Nil: a random token.
	TaskToken func() string
	// MapRuns, when non-nil, records the Map Run of each Distributed Map
	// state the run enters (see MapRuns). Nil: Distributed Maps run without
	// a record, and their MapRunStarted events name no Map Run.
	MapRuns MapRuns
}

// MapRuns records the Map Runs of an execution's Distributed Map states.
// Its methods and those of the MapRun it returns are called from several
// goroutines at once.
type MapRuns interface {
	// Start records that a Distributed Map state started a Map Run and
	// returns it.
	Start(MapRunConfig) MapRun
	// Redrive records that a redrive of the execution runs the unsuccessful
	// child workflows of the Map Run arn again and returns it with the
	// number of times it has been redriven, this time included. It returns
	// nil when it no longer knows the Map Run; the state then starts a new
	// one. A Map Run already redriven MaxMapRunRedrives times is left as it
	// is: Redrive returns it with count MaxMapRunRedrives+1, and the state
	// fails with States.Runtime.
	Redrive(arn string) (run MapRun, count int)
}

// MaxMapRunRedrives is how many times a Map Run may be redriven: AWS's hard
// limit of 1,000 redrives of a given Map Run, past which the redrive fails
// with States.Runtime (the Developer Guide's "Redriving Map Runs").
const MaxMapRunRedrives = 1000

// MapRunConfig is how a Map Run was started.
type MapRunConfig struct {
	State         string // the Map state's name
	Label         string // the state's Label, or its name
	ExecutionType string // of the child workflows: STANDARD or EXPRESS
	Children      int    // child workflows to run: the items, or the batches of ItemBatcher
	Items         int    // items read
	// MaxConcurrency is the state's MaxConcurrency (0: no limit set).
	MaxConcurrency             int
	ToleratedFailureCount      int64
	ToleratedFailurePercentage float64
	// WritesResults is set when the state has a ResultWriter: a Map Run
	// that ends SUCCEEDED has written the results of all its children.
	WritesResults bool
}

// MapRun is one Map Run being recorded.
type MapRun interface {
	// ARN returns the Map Run's ARN, which the MapRunStarted event names.
	ARN() string
	// ChildStarted records that child workflow index, which runs items
	// items (one, or a batch's), started at start: it is running (after a
	// Redrive, no longer waiting to be redriven).
	ChildStarted(index, items int, start time.Time)
	// ChildEnded records that child workflow index, which ran items items
	// (one, or a batch's), ended with status (StatusSucceeded, StatusFailed
	// or StatusAborted), started at start, with its input and its output or
	// error. It returns the child workflow's execution ARN, which a
	// ResultWriter writes. After a Redrive it is called again for the
	// children that ran again only.
	ChildEnded(index, items int, start time.Time, status string, input, output json.RawMessage, errName, cause string) (childARN string)
	// Ended records that the Map Run ended with status.
	Ended(status string)
}

// Cancelling the ctx given to Run ends the execution ABORTED.

// MaxExecutionTime is the longest an execution runs: AWS's "maximum
// execution time" of a Standard execution, one year (taken as 365 days; the
// quota does not say which year). Past it the execution ends TIMED_OUT with
// States.Timeout, as AWS's does, so a Wait state, retry interval or task
// timeout of up to 99999999 seconds (3.2 years) that the definition may
// hold ends there. A redrive counts the year from its own start
// (UNCONFIRMED: AWS does not say whether a redriven execution's year counts
// from its first start).
const MaxExecutionTime = 365 * 24 * time.Hour

// RealClock is the wall clock.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (RealClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
