package cli

import (
	"context"

	sfn "github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/internal/sfnarn"
)

// The ARN arguments are checked before anything else, so that a mistyped ARN
// is reported as such rather than as a missing region or a failed call.

// runARN parses a RUN-ARN argument: a Standard or Express execution ARN.
func runARN(s string) (sfnarn.ARN, error) {
	a, err := sfnarn.Parse(s)
	if err != nil {
		return sfnarn.ARN{}, usageError("RUN-ARN %v", err)
	}
	if a.Kind != sfnarn.Execution && a.Kind != sfnarn.Express {
		return sfnarn.ARN{}, usageError("RUN-ARN %s names %s: want an execution ARN, "+
			"arn:<partition>:states:<region>:<account>:execution:<state machine>:<name>", s, a.Kind.Indefinite())
	}
	return a, nil
}

// jobARN parses a JOB-ARN argument: a state machine ARN, or one of its
// version or alias ARNs.
func jobARN(s string) (sfnarn.ARN, error) {
	a, err := sfnarn.Parse(s)
	if err != nil {
		return sfnarn.ARN{}, usageError("JOB-ARN %v", err)
	}
	if a.Kind != sfnarn.StateMachine && a.Kind != sfnarn.Version && a.Kind != sfnarn.Alias {
		return sfnarn.ARN{}, usageError("JOB-ARN %s names %s: want a state machine ARN, "+
			"arn:<partition>:states:<region>:<account>:stateMachine:<name>[:<version or alias>]", s, a.Kind.Indefinite())
	}
	return a, nil
}

// forRun parses the RUN-ARN runID of a command that works on the executions
// Step Functions keeps (Standard ones and a Distributed Map's Express
// children), refuses any other Express run with expressRunError(runID, doing),
// and then makes the provider for the run.
func (f providerFunc) forRun(ctx context.Context, runID, doing string) (*sfn.Provider, sfnarn.ARN, error) {
	a, err := runARN(runID)
	if err != nil {
		return nil, sfnarn.ARN{}, err
	}
	if a.Kind == sfnarn.Express && !a.MapRunChild() {
		return nil, sfnarn.ARN{}, expressRunError(runID, doing)
	}
	p, err := f(ctx, runID)
	if err != nil {
		return nil, sfnarn.ARN{}, err
	}
	return p, a, nil
}

// expressRunError is the usage error of a command that Step Functions cannot
// answer for an Express run (what it cannot do is in doing).
func expressRunError(runID, doing string) error {
	return usageError("%s is an Express run: Step Functions cannot %s Express executions (only the 'run' that "+
		"started it saw its result; its events are in the state machine's CloudWatch Logs)", runID, doing)
}
