package stepfunctions

import (
	"fmt"

	"github.com/polysync/stepfunctions/internal/sfnarn"
)

// parseStateMachineARN parses s as a state machine ARN, optionally qualified with a version number or alias
// name.
func parseStateMachineARN(s string) (sfnarn.ARN, error) {
	a, err := sfnarn.Parse(s)
	if err != nil {
		return sfnarn.ARN{}, err
	}
	if a.Kind != sfnarn.StateMachine && a.Kind != sfnarn.Version && a.Kind != sfnarn.Alias {
		return sfnarn.ARN{}, fmt.Errorf("%q is not a state machine ARN "+
			"(arn:<partition>:states:<region>:<account>:stateMachine:<name>[:<version or alias>]): it names %s", s, a.Kind.Indefinite())
	}
	return a, nil
}

// parseExecutionARN parses s as a Standard (execution) or Express (express) execution ARN, Distributed Map
// children included.
func parseExecutionARN(s string) (sfnarn.ARN, error) {
	a, err := sfnarn.Parse(s)
	if err != nil {
		return sfnarn.ARN{}, err
	}
	if a.Kind != sfnarn.Execution && a.Kind != sfnarn.Express {
		return sfnarn.ARN{}, fmt.Errorf("%q is not an execution ARN (arn:<partition>:states:<region>:<account>:execution:<stateMachine>:<name>, "+
			"or :express:<stateMachine>:<name>:<id> for Express): it names %s", s, a.Kind.Indefinite())
	}
	return a, nil
}

// parseJobID validates a job ID for op: a state machine, version or alias ARN in the Provider's region.
func (p *Provider) parseJobID(op, jobID string) (sfnarn.ARN, error) {
	sm, err := parseStateMachineARN(jobID)
	if err != nil {
		return sfnarn.ARN{}, invalid(op, "job ID: %w", err)
	}
	if sm.Region != p.region {
		return sfnarn.ARN{}, invalid(op, "job %s is in region %s but the provider's region is %s", jobID, sm.Region, p.region)
	}
	return sm, nil
}
