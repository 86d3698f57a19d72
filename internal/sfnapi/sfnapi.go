// Package sfnapi is the narrow interface over the AWS SDK's Step Functions client that package stepfunctions
// calls. Tests substitute fakes for it; production code passes *sfn.Client.
package sfnapi

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/sfn"
)

// Client holds exactly the Step Functions operations the provider uses, with the SDK's signatures. They are the
// operations marked Provider in internal/sfnops's table, which also holds their IAM scope and quotas; a test keeps
// the two in step.
// Implementations must be safe for concurrent use and must return the SDK's error types (smithy.APIError
// with the service's error codes) so that callers can classify them.
type Client interface {
	// ListStateMachines lists state machines, one page per call.
	ListStateMachines(ctx context.Context, params *sfn.ListStateMachinesInput, optFns ...func(*sfn.Options)) (*sfn.ListStateMachinesOutput, error)
	// DescribeStateMachine describes one state machine (or version).
	DescribeStateMachine(ctx context.Context, params *sfn.DescribeStateMachineInput, optFns ...func(*sfn.Options)) (*sfn.DescribeStateMachineOutput, error)
	// StartExecution starts a Standard execution.
	StartExecution(ctx context.Context, params *sfn.StartExecutionInput, optFns ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error)
	// StartSyncExecution runs an Express execution and returns when it ends.
	StartSyncExecution(ctx context.Context, params *sfn.StartSyncExecutionInput, optFns ...func(*sfn.Options)) (*sfn.StartSyncExecutionOutput, error)
	// DescribeExecution describes a Standard execution.
	DescribeExecution(ctx context.Context, params *sfn.DescribeExecutionInput, optFns ...func(*sfn.Options)) (*sfn.DescribeExecutionOutput, error)
	// StopExecution stops a Standard execution.
	StopExecution(ctx context.Context, params *sfn.StopExecutionInput, optFns ...func(*sfn.Options)) (*sfn.StopExecutionOutput, error)
	// RedriveExecution restarts a failed, timed-out or aborted Standard execution from where it stopped.
	RedriveExecution(ctx context.Context, params *sfn.RedriveExecutionInput, optFns ...func(*sfn.Options)) (*sfn.RedriveExecutionOutput, error)
	// ListExecutions lists a state machine's executions, one page per call.
	ListExecutions(ctx context.Context, params *sfn.ListExecutionsInput, optFns ...func(*sfn.Options)) (*sfn.ListExecutionsOutput, error)
	// GetExecutionHistory lists a Standard execution's events.
	GetExecutionHistory(ctx context.Context, params *sfn.GetExecutionHistoryInput, optFns ...func(*sfn.Options)) (*sfn.GetExecutionHistoryOutput, error)
	// ListStateMachineVersions lists a state machine's published versions, newest first, one page per call.
	ListStateMachineVersions(ctx context.Context, params *sfn.ListStateMachineVersionsInput, optFns ...func(*sfn.Options)) (*sfn.ListStateMachineVersionsOutput, error)
	// ListStateMachineAliases lists a state machine's aliases, one page per call.
	ListStateMachineAliases(ctx context.Context, params *sfn.ListStateMachineAliasesInput, optFns ...func(*sfn.Options)) (*sfn.ListStateMachineAliasesOutput, error)
	// DescribeStateMachineAlias describes an alias: the versions it routes runs to.
	DescribeStateMachineAlias(ctx context.Context, params *sfn.DescribeStateMachineAliasInput, optFns ...func(*sfn.Options)) (*sfn.DescribeStateMachineAliasOutput, error)
	// ListMapRuns lists the Map Runs of an execution's Distributed Maps, one page per call.
	ListMapRuns(ctx context.Context, params *sfn.ListMapRunsInput, optFns ...func(*sfn.Options)) (*sfn.ListMapRunsOutput, error)
	// DescribeMapRun describes a Map Run: its status and its item and child execution counts.
	DescribeMapRun(ctx context.Context, params *sfn.DescribeMapRunInput, optFns ...func(*sfn.Options)) (*sfn.DescribeMapRunOutput, error)
	// ValidateStateMachineDefinition checks a definition and returns its errors and warnings.
	ValidateStateMachineDefinition(ctx context.Context, params *sfn.ValidateStateMachineDefinitionInput, optFns ...func(*sfn.Options)) (*sfn.ValidateStateMachineDefinitionOutput, error)
}

var _ Client = (*sfn.Client)(nil)
