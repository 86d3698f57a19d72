package cli

import (
	"context"
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
		Args:  exactArgs(1, "one RUN-ARN"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			opts.runID = args[0]
			return runWith(runF, runCancel)(cmd.Context(), opts)
		}),
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
	p, err := opts.provider(ctx, opts.runID)
	if err != nil {
		return err
	}
	if err := p.CancelPipelineRun(ctx, opts.runID); err != nil {
		return err
	}
	// Say what the run is now; when that cannot be read (no states:DescribeExecution, say), the
	// cancel itself still succeeded.
	result, state := cancelResultRequested, sfn.RunStateRunning
	if st, err := p.GetPipelineRunStatus(ctx, opts.runID, nil); err == nil {
		switch state = st.State; state {
		case sfn.RunStateCancelled:
			result = cancelResultCancelled
		case sfn.RunStateRunning:
		default:
			result = cancelResultAlreadyEnded
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
