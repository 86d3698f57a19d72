package stepfunctions

import "time"

// The types a host exchanges with a Provider: parameters, jobs, runs and their status.

// Direction says whether a parameter is sent to the execution, read from its output, or both.
type Direction string

// Parameter directions. They match case-insensitively; an empty Direction means DirectionInput.
const (
	DirectionInput       Direction = "Input"
	DirectionOutput      Direction = "Output"
	DirectionInputOutput Direction = "InputOutput"
)

// DataType is a parameter's data type. Names match case-insensitively; see BuildInput for the accepted
// aliases and what each becomes in JSON.
type DataType string

// Parameter data types.
const (
	DataTypeString  DataType = "string"
	DataTypeNumber  DataType = "number"
	DataTypeBoolean DataType = "boolean"
	DataTypeJSON    DataType = "json"
)

// Parameter is a named value passed to a run (Input), read from its output (Output), or both (InputOutput).
type Parameter struct {
	Name      string
	Direction Direction
	DataType  DataType
	Value     string
	// Optional marks an input that SuggestParameters found the definition tests for with IsPresent (or JSONata's
	// $exists) before reading it: a run may leave it out. BuildInput ignores it: it sends an optional parameter
	// like any other, so a host that wants the property absent leaves the parameter out.
	Optional bool
}

// Job is a state machine.
type Job struct {
	// ID is the state machine ARN (or a version or alias ARN).
	ID string
	// Name is the state machine's name.
	Name string
	// Type is STANDARD or EXPRESS. When empty, ExecutePipeline looks it up once per state machine.
	Type string
	// RoleARN is the IAM role the state machine runs as.
	RoleARN string
	// Status is ACTIVE or DELETING.
	Status string
	// Description is the state machine's description (versions only carry one).
	Description string
	// CreatedAt is when the state machine was created.
	CreatedAt time.Time
	// Parameters is always empty for discovered jobs: Step Functions does not declare inputs.
	Parameters []Parameter
	// LoggingLevel is the CloudWatch Logs level: ALL, ERROR, FATAL or OFF. Express results outside this
	// Provider's memory are only in those logs (level ALL with execution data).
	LoggingLevel string
	// ExpressResultsRecoverable reports whether the results of an Express job's runs can be read back from its
	// CloudWatch Logs: it logs at level ALL with includeExecutionData to a log group. Only then can a Provider
	// that did not start a run (another replica, a restart) learn its outputs, and only then is
	// Config.ExpressMode ExpressAsync accepted for it. Always false for Standard jobs; see
	// ExpressResultsNotRecoverable for why not.
	ExpressResultsRecoverable bool
	// ExpressResultsNotRecoverable says, for an Express job whose ExpressResultsRecoverable is false, which
	// logging setting to change; empty otherwise.
	ExpressResultsNotRecoverable string
	// TracingEnabled reports whether X-Ray tracing is on.
	TracingEnabled bool
	// RevisionID identifies the state machine's current definition revision.
	RevisionID string
	// Label is the state machine's label, if any.
	Label string
}

// Job types.
const (
	TypeStandard = "STANDARD"
	TypeExpress  = "EXPRESS"
)

// RunState is the host's view of a run's status.
type RunState string

// Run states. See MapStatus.
const (
	RunStateRunning   RunState = "Running"
	RunStateSuccess   RunState = "Success"
	RunStateFailed    RunState = "Failed"
	RunStateCancelled RunState = "Cancelled"
	RunStateUnknown   RunState = "Unknown"
)

// PipelineRun is a started run.
type PipelineRun struct {
	// RunID is the execution ARN.
	RunID string
	// JobID is the job's ID as passed to ExecutePipeline.
	JobID string
	// Name is the execution name.
	Name string
	// StartedAt is the execution's start date as Step Functions reports it.
	StartedAt time.Time
	// ConsoleURL links to the execution in the AWS console.
	ConsoleURL string
	// Status is set when the run has already ended, which is the case for Express runs.
	Status *RunStatus
}

// RunStatus is a run's status.
type RunStatus struct {
	RunID string
	State RunState
	// Message explains the state: the error and cause of a failed run, why outputs were not applied, and so on.
	Message string
	// Error and Cause are Step Functions' error name and cause for failed, timed-out or aborted runs.
	Error, Cause string
	// Output is the execution's raw JSON output on success.
	Output               string
	StartedAt, StoppedAt time.Time
	// Parameters is a copy of the parameters passed in, with outputs applied on success.
	Parameters []Parameter
	// Details is what Step Functions says about the run beyond its state: the version and alias it ran under,
	// its redrives, the Map Run that started it. Empty for Express runs, which Step Functions does not
	// describe.
	Details RunDetails
}

// RunDetails is what Step Functions says about a Standard run beyond its state (DescribeExecution, or
// ListExecutions for runs a status sweep saw running, which gives all but the redrive status).
type RunDetails struct {
	// StateMachineVersionARN is the version the run executed, when it was started through a version or an
	// alias; StateMachineAliasARN the alias, when it was started through one.
	StateMachineVersionARN, StateMachineAliasARN string
	// RedriveCount is how many times the run was redriven, and RedrivenAt when it last was.
	RedriveCount int
	RedrivenAt   time.Time
	// RedriveStatus says whether the run can be redriven now: REDRIVABLE, NOT_REDRIVABLE or
	// REDRIVABLE_BY_MAP_RUN (a Distributed Map child, redriven through its parent); RedriveStatusReason says
	// why not. Both are empty when unknown.
	RedriveStatus, RedriveStatusReason string
	// MapRunARN is the Map Run that started the run, for a child execution of a Distributed Map.
	MapRunARN string
}
