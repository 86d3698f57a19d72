package cli

import (
	"context"

	"github.com/spf13/cobra"

	sfn "github.com/polysync/stepfunctions"
)

// statusOptions are what 'status' needs.
type statusOptions struct {
	awsOptions

	runID string
	// followFlags are --out (no --param: status maps outputs; it takes no
	// input) and the wait flags.
	followFlags
}

// newCmdStatus returns the status command, which calls runStatus (or runF: see
// runWith).
func newCmdStatus(f *app, runF func(context.Context, *statusOptions) error) *cobra.Command {
	opts := &statusOptions{}
	cmd := &cobra.Command{
		Use:   "status RUN-ARN [--out name:type ...] [--wait]",
		Short: "Show a run's state, error and output parameters; --wait follows it to the end",
		Long: `status describes one run (a Standard execution ARN; Step Functions cannot describe Express ones). With
--out, the execution's output is mapped onto those output parameters as Polysync does. With --wait, status
follows a running run to its end (resuming what an interrupted 'run --wait' did), looking every --poll-interval.

Exit status: 0 running (without --wait) or succeeded, 1 failed, 3 cancelled; an Express run exits 2.`,
		Example: `  polysync-sfn status arn:aws:states:eu-west-1:111122223333:execution:orders:Polysync-0193 --out total:number --wait`,
		Args:    exactArgs(1, "one RUN-ARN"),
		RunE:    runOnArg(opts, &opts.runID, opts.parse, runF, runStatus),
	}
	opts.followFlags.register(cmd)
	opts.awsOptions.register(cmd, f)
	return cmd
}

func runStatus(ctx context.Context, opts *statusOptions) error {
	p, a, err := opts.provider.forRun(ctx, opts.runID, "describe")
	if err != nil {
		return err
	}
	link, _ := p.ConsoleURL(opts.runID)
	report := opts.reporter("out")
	if opts.wait {
		run := sfn.PipelineRun{RunID: opts.runID, Name: a.Name, ConsoleURL: link}
		return report.followAndReport(ctx, p, run, opts.params, opts.pollInterval)
	}
	st, err := p.GetPipelineRunStatus(ctx, opts.runID, opts.params)
	if err != nil {
		return err
	}
	return report.report(link, st)
}
