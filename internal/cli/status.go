package cli

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/spf13/cobra"
)

// statusOptions are what 'status' needs.
type statusOptions struct {
	awsOptions

	runID string
	// paramFlags are --out: the output parameters.
	paramFlags
}

// newCmdStatus returns the status command, which calls runStatus (or runF: see
// runWith).
func newCmdStatus(f *app, runF func(context.Context, *statusOptions) error) *cobra.Command {
	opts := &statusOptions{}
	cmd := &cobra.Command{
		Use:   "status RUN-ARN [--out name:type ...]",
		Short: "Show a run's state, error and output parameters",
		Long: `status describes one run (a Standard execution ARN; Step Functions cannot describe Express ones). With
--out, the execution's output is mapped onto those output parameters as Polysync does. Exit status: 0 running or
succeeded, 1 failed, 3 cancelled.`,
		Args: exactArgs(1, "one RUN-ARN"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			opts.runID = args[0]
			if err := opts.parse(); err != nil {
				return err
			}
			return runWith(runF, runStatus)(cmd.Context(), opts)
		}),
	}
	opts.registerOutputs(cmd)
	opts.awsOptions.register(cmd, f)
	return cmd
}

func runStatus(ctx context.Context, opts *statusOptions) error {
	if ref, err := arn.Parse(opts.runID); err == nil && strings.HasPrefix(ref.Resource, "express:") {
		return usageError("%s is an Express run: Step Functions cannot describe Express executions, so only "+
			"the 'run' that started it saw its result; look for it in the state machine's CloudWatch Logs", opts.runID)
	}
	p, err := opts.provider(ctx, opts.runID)
	if err != nil {
		return err
	}
	st, err := p.GetPipelineRunStatus(ctx, opts.runID, opts.params)
	if err != nil {
		return err
	}
	link, _ := p.ConsoleURL(opts.runID)
	return runReporter{opts.io, opts.asJSON}.report(link, st)
}
