package stepfunctions

import "github.com/polysync/stepfunctions/internal/sfnarn"

// parseStateMachineARN parses s as a state machine ARN, optionally qualified with a version number or alias
// name.
func parseStateMachineARN(s string) (sfnarn.ARN, error) { return sfnarn.ParseStateMachine(s) }

// parseExecutionARN parses s as a Standard (execution) or Express (express) execution ARN, Distributed Map
// children included.
func parseExecutionARN(s string) (sfnarn.ARN, error) { return sfnarn.ParseExecution(s) }

// parseInRegion parses id, a job or run ID (what says which), with parse for op and checks that it is in the
// Provider's region.
func (p *Provider) parseInRegion(op, what, id string, parse func(string) (sfnarn.ARN, error)) (sfnarn.ARN, error) {
	a, err := parse(id)
	if err != nil {
		return sfnarn.ARN{}, invalid(op, "%s ID: %w", what, err)
	}
	if a.Region != p.region {
		return sfnarn.ARN{}, invalid(op, "%s %s is in region %s but the provider's region is %s", what, id, a.Region, p.region)
	}
	return a, nil
}

// parseJobID validates a job ID for op: a state machine, version or alias ARN in the Provider's region.
func (p *Provider) parseJobID(op, jobID string) (sfnarn.ARN, error) {
	return p.parseInRegion(op, "job", jobID, sfnarn.ParseStateMachine)
}

// parseRunID validates a run ID: an execution ARN in the Provider's region.
func (p *Provider) parseRunID(op, runID string) (sfnarn.ARN, error) {
	return p.parseInRegion(op, "run", runID, sfnarn.ParseExecution)
}
