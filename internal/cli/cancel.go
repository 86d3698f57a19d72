package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	sfn "github.com/polysync/stepfunctions"
)

// cancelOptions are what 'cancel' needs.
type cancelOptions struct {
	awsOptions

	runID string
}

// newCmdCancel returns the cancel command, which calls runCancel (or runF: see
// runWith).
func newCmdCancel(f *app, runF func(context.Context, *cancelOptions) error) *cobra.Command {
	opts := &cancelOptions{}
	cmd := &cobra.Command{
		Use:   "cancel RUN-ARN",
		Short: "Cancel a run (StopExecution); a run that already ended is left as it is",
		Long: `cancel stops a running Standard run with StopExecution, recording error PolysyncCancellation. It looks at the
run first: a run that already ended (cancelled, failed or succeeded) is left as it is and reported as such.
Step Functions cannot stop Express runs (exit status 2).`,
		Args: exactArgs(1, "one RUN-ARN"),
		RunE: runOnArg(opts, &opts.runID, nil, runF, runCancel),
	}
	opts.awsOptions.register(cmd, f)
	return cmd
}

// The results 'cancel' reports.
const (
	cancelResultCancelled    = "cancelled"
	cancelResultAlreadyEnded = "already ended"
	cancelResultRequested    = "cancel requested"
)

// cancelJSON is what 'cancel --json' prints. The fields are in the order of
// their names, as they were printed before the type fixed them.
type cancelJSON struct {
	// Result is one of the cancelResult constants.
	Result string `json:"Result"`
	RunID  string `json:"RunID"`
	// State is the run's state after the cancel, Running when it could not
	// be read.
	State string `json:"State"`
}

func runCancel(ctx context.Context, opts *cancelOptions) error {
	p, _, err := opts.provider.forRun(ctx, opts.runID, "stop")
	if err != nil {
		return err
	}
	result, state := cancelResultRequested, sfn.RunStateRunning
	// A run that already ended is not stopped again. When the run cannot be read (no
	// states:DescribeExecution, say), the cancel goes ahead and its result is what StopExecution says.
	before, err := p.GetPipelineRunStatus(ctx, opts.runID, nil)
	switch {
	case errors.Is(err, sfn.ErrRunNotFound):
		return err
	case err == nil && before.State != sfn.RunStateRunning:
		result, state = cancelResultAlreadyEnded, before.State
	default:
		if err := p.CancelPipelineRun(ctx, opts.runID); err != nil {
			return err
		}
		if st, err := p.GetPipelineRunStatus(ctx, opts.runID, nil); err == nil {
			switch state = st.State; state {
			case sfn.RunStateCancelled:
				result = cancelResultCancelled
			case sfn.RunStateRunning:
			default:
				result = cancelResultAlreadyEnded // it ended on its own before the stop
			}
		}
	}
	if opts.asJSON {
		return writeJSON(opts.io.out, cancelJSON{Result: result, RunID: opts.runID, State: string(state)})
	}
	switch result {
	case cancelResultCancelled:
		fmt.Fprintf(opts.io.out, "Cancelled %s\n", opts.runID)
	case cancelResultAlreadyEnded:
		fmt.Fprintf(opts.io.out, "Run %s had already ended (%s): nothing to cancel\n", opts.runID, state)
	default:
		fmt.Fprintf(opts.io.out, "Cancel requested for %s\n", opts.runID)
	}
	return nil
}
