package sfnlocal

import (
	"context"
)

type describeStateMachineForExecutionInput struct {
	ExecutionArn string       `json:"executionArn" sfn:"required"`
	IncludedData includedData `json:"includedData"`
}

func (in *describeStateMachineForExecutionInput) validate() error { return in.IncludedData.check() }

// describeStateMachineForExecutionOutput is the state machine an execution
// ran, as it was when the execution started.
type describeStateMachineForExecutionOutput struct {
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	UpdateDate      *epoch `json:"updateDate,omitempty"`
	revisionMembers
}

// describeStateMachineForExecution answers DescribeStateMachineForExecution
// with the revision the execution runs: a later UpdateStateMachine does not
// change the answer, and the state machine's deletion does not end it. It
// runs under s.mu (see locked).
//
// stateMachineArn is the version ARN when the execution ran a version
// (started with a version or alias ARN), the state machine's ARN otherwise;
// UNCONFIRMED: the API reference says only "the state machine associated
// with the execution". updateDate is when the revision was made: the version's
// creation, or the state machine's last update (its creation before any).
// Executions here are never children of a Distributed Map, so mapRunArn and
// label are never set.
func (s *Server) describeStateMachineForExecution(_ context.Context, in *describeStateMachineForExecutionInput) (*describeStateMachineForExecutionOutput, error) {
	ex, err := s.lookupVisibleExecution(in.ExecutionArn, s.cfg.clock.Now())
	if err != nil {
		return nil, err
	}
	out := &describeStateMachineForExecutionOutput{StateMachineArn: ex.smArn, Name: ex.machine.name,
		UpdateDate: ep(ex.revDate), revisionMembers: ex.rev.members(in.IncludedData)}
	if ex.versionArn != "" {
		out.StateMachineArn = ex.versionArn
	}
	return out, nil
}
