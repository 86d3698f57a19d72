package cli

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/spf13/cobra"

	sfn "github.com/polysync/stepfunctions"
)

// statusOptions are what 'status' needs.
type statusOptions struct {
	io       ioStreams
	provider providerFunc
	asJSON   bool

	runID string
	// params are the --out flags, parsed.
	params []sfn.Parameter
}

// newCmdStatus returns the status command. runF, when not nil, runs in place
// of runStatus, so that tests can check what the flags parse into.
func newCmdStatus(f *app, runF func(context.Context, *statusOptions) error) *cobra.Command {
	opts := &statusOptions{io: f.streams(), provider: f.newProvider}
	var outs []string
	cmd := &cobra.Command{
		Use:   "status RUN-ARN [--out name:type ...]",
		Short: "Show a run's state, error and output parameters",
		Long: `status describes one run (a Standard execution ARN; Step Functions cannot describe Express ones). With
--out, the execution's output is mapped onto those output parameters as Polysync does. Exit status: 0 running or
succeeded, 1 failed, 3 cancelled.`,
		Args: exactArgs(1, "one RUN-ARN"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			opts.runID = args[0]
			params, err := parseParams(nil, outs)
			if err != nil {
				return usageError("%v", err)
			}
			opts.params = params
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runStatus(cmd.Context(), opts)
		}),
	}
	addOutFlag(cmd, &outs)
	addAWSFlags(cmd, f, &opts.asJSON)
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
