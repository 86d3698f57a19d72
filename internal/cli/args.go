package cli

import (
	"context"
	"errors"

	sfn "github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/internal/sfnarn"
)

// The ARN arguments are checked before anything else, so that a mistyped ARN
// is reported as such rather than as a missing region or a failed call.

// runARN parses a RUN-ARN argument: a Standard or Express execution ARN.
func runARN(s string) (sfnarn.ARN, error) {
	return argARN("RUN-ARN", s, sfnarn.ParseExecution,
		"arn:<partition>:states:<region>:<account>:execution:<state machine>:<name>")
}

// jobARN parses a JOB-ARN argument: a state machine ARN, or one of its
// version or alias ARNs.
func jobARN(s string) (sfnarn.ARN, error) {
	return argARN("JOB-ARN", s, sfnarn.ParseStateMachine, sfnarn.StateMachineForm)
}

// argARN parses s, the argument called arg, with parse (sfnarn.ParseExecution
// or sfnarn.ParseStateMachine); a usage error names the argument and, for an
// ARN of another kind, the form wanted.
func argARN(arg, s string, parse func(string) (sfnarn.ARN, error), form string) (sfnarn.ARN, error) {
	a, err := parse(s)
	var kind *sfnarn.KindError
	switch {
	case errors.As(err, &kind):
		return sfnarn.ARN{}, usageError("%s %s names %s: want %s, %s", arg, s, kind.Kind.Indefinite(), kind.Want, form)
	case err != nil:
		return sfnarn.ARN{}, usageError("%s %v", arg, err)
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
