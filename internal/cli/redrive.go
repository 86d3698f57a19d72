package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	sfn "github.com/polysync/stepfunctions"
)

// redriveOptions are what 'redrive' needs.
type redriveOptions struct {
	awsOptions

	runID string
	// followFlags are --out (no --param: a redriven run keeps its input) and
	// the wait flags.
	followFlags
}

// newCmdRedrive returns the redrive command, which calls runRedrive (or runF:
// see runWith).
func newCmdRedrive(f *app, runF func(context.Context, *redriveOptions) error) *cobra.Command {
	opts := &redriveOptions{}
	cmd := &cobra.Command{
		Use:   "redrive RUN-ARN [--wait] [--out name:type ...]",
		Short: "Restart a failed, timed-out or cancelled run from where it stopped (RedriveExecution)",
		Long: `redrive restarts a Standard run that failed, timed out or was cancelled in the last 14 days from the state
where it stopped; the run keeps its ARN. A run that is still running is left as it is and reported as such
("already running"). With --wait, redrive follows the run to the end like run --wait, mapping its output onto
the --out parameters.

Exit status with --wait: 0 succeeded, 1 failed, 3 cancelled; a run Step Functions cannot redrive exits 4, an
Express run 2.`,
		Args: exactArgs(1, "one RUN-ARN"),
		RunE: runOnArg(opts, &opts.runID, opts.parse, runF, runRedrive),
	}
	opts.followFlags.register(cmd)
	opts.awsOptions.register(cmd, f)
	return cmd
}

// The results 'redrive' reports without --wait.
const (
	redriveResultRedriven       = "redriven"
	redriveResultAlreadyRunning = "already running"
)

// redriveJSON is what 'redrive --json' prints without --wait (with it, the
// run as runJSON). The fields are in the order of their names, as they were
// printed before the type fixed them.
type redriveJSON struct {
	// Result is one of the redriveResult constants.
	Result string `json:"Result"`
	RunID  string `json:"RunID"`
}

func runRedrive(ctx context.Context, opts *redriveOptions) error {
	p, a, err := opts.provider.forRun(ctx, opts.runID, "redrive")
	if err != nil {
		return err
	}
	// A run that is still running is left alone. When the run cannot be read (no
	// states:DescribeExecution, say), the redrive goes ahead.
	result := redriveResultRedriven
	before, err := p.GetPipelineRunStatus(ctx, opts.runID, nil)
	switch {
	case errors.Is(err, sfn.ErrRunNotFound):
		return err
	case err == nil && before.State == sfn.RunStateRunning:
		result = redriveResultAlreadyRunning
	case err == nil && before.Details.RedriveStatus == "NOT_REDRIVABLE":
		// Step Functions has said why already; RedriveExecution would only refuse with the same reason.
		return &exitError{code: ExitAWS, err: fmt.Errorf("run %s cannot be redriven: %s; Step Functions redrives Standard "+
			"runs that failed, timed out or were cancelled in the last 14 days", opts.runID,
			cmp.Or(before.Details.RedriveStatusReason, "its state is "+string(before.State)))}
	default:
		if err := p.RedrivePipelineRun(ctx, opts.runID); err != nil {
			return err
		}
	}
	link, _ := p.ConsoleURL(opts.runID)
	if !opts.wait {
		if opts.asJSON {
			return writeJSON(opts.io.out, redriveJSON{Result: result, RunID: opts.runID})
		}
		if result == redriveResultAlreadyRunning {
			fmt.Fprintf(opts.io.out, "Run %s is still running: nothing to redrive\nConsole %s\n", opts.runID, link)
			return nil
		}
		fmt.Fprintf(opts.io.out, "Redriven %s\nConsole %s\n", opts.runID, link)
		return nil
	}
	run := sfn.PipelineRun{RunID: opts.runID, Name: a.Name, ConsoleURL: link}
	return opts.reporter("out").followAndReport(ctx, p, run, opts.params, opts.pollInterval)
}
