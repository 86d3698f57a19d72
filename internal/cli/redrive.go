package cli

import (
	"context"
	"fmt"
	"strings"

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
where it stopped; the run keeps its ARN. A run that is already running is left as it is. With --wait, redrive
follows the run to the end like run --wait, mapping its output onto the --out parameters.

Exit status with --wait: 0 succeeded, 1 failed, 3 cancelled; a run Step Functions cannot redrive exits 4.`,
		Args: exactArgs(1, "one RUN-ARN"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			opts.runID = args[0]
			if err := opts.parse(); err != nil {
				return err
			}
			return runWith(runF, runRedrive)(cmd.Context(), opts)
		}),
	}
	opts.registerOutputs(cmd)
	opts.waitFlags.register(cmd)
	opts.awsOptions.register(cmd, f)
	return cmd
}

// redriveResultRedriven is the result 'redrive' reports without --wait.
const redriveResultRedriven = "redriven"

// redriveJSON is what 'redrive --json' prints without --wait (with it, the
// run as runJSON). The fields are in the order of their names, as they were
// printed before the type fixed them.
type redriveJSON struct {
	Result string `json:"Result"`
	RunID  string `json:"RunID"`
}

func runRedrive(ctx context.Context, opts *redriveOptions) error {
	p, err := opts.provider(ctx, opts.runID)
	if err != nil {
		return err
	}
	if err := p.RedrivePipelineRun(ctx, opts.runID); err != nil {
		return err
	}
	link, _ := p.ConsoleURL(opts.runID)
	if !opts.wait {
		if opts.asJSON {
			return writeJSON(opts.io.out, redriveJSON{Result: redriveResultRedriven, RunID: opts.runID})
		}
		fmt.Fprintf(opts.io.out, "Redriven %s\nConsole %s\n", opts.runID, link)
		return nil
	}
	name := opts.runID[strings.LastIndex(opts.runID, ":")+1:]
	run := sfn.PipelineRun{RunID: opts.runID, Name: name, ConsoleURL: link}
	return runReporter{opts.io, opts.asJSON}.followAndReport(ctx, p, run, opts.params, opts.pollInterval)
}
