package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	sfn "github.com/polysync/stepfunctions"
)

// runOptions are what 'run' needs.
type runOptions struct {
	awsOptions

	jobARN         string
	traceHeader    string
	idempotencyKey string
	// followFlags are --param, --out, --wait and --poll-interval.
	followFlags
}

// newCmdRun returns the run command, which calls runRun (or runF: see runWith).
func newCmdRun(f *app, runF func(context.Context, *runOptions) error) *cobra.Command {
	opts := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run JOB-ARN [--param name:type=value ...] [--out name:type ...] [--wait]",
		Short: "Start a run of a state machine (a version or alias ARN works too)",
		Long: `run starts an execution with a JSON input built from the --param flags, as Polysync does.

Types: string (default), number, boolean, json. A json value, or a string value that already is a JSON object
or array, is embedded as JSON. --out declares an output parameter, filled from the top-level property of the
execution's output with the same name (case-insensitive). A name given to both --param and --out is an
InputOutput parameter.

Express state machines run synchronously: run returns when the execution has ended, with or without --wait.

Exit status with --wait (or for Express): 0 succeeded, 1 failed, 3 cancelled.`,
		Example: `  polysync-sfn run arn:aws:states:us-east-1:123456789012:stateMachine:orders \
    --param orderId=A-17 --param quantity:number=3 --param rush:boolean=true \
    --out total:number --wait`,
		Args: exactArgs(1, "one JOB-ARN"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			opts.jobARN = args[0]
			if err := opts.parse(); err != nil {
				return err
			}
			return runWith(runF, runRun)(cmd.Context(), opts)
		}),
	}
	opts.registerInputs(cmd)
	opts.registerOutputs(cmd)
	opts.waitFlags.register(cmd)
	fs := cmd.Flags()
	fs.StringVar(&opts.traceHeader, "trace-header", "", "X-Ray trace header for this run")
	fs.StringVar(&opts.idempotencyKey, "idempotency-key", "", "repeating a run with the same key returns the same run")
	opts.awsOptions.register(cmd, f)
	return cmd
}

func runRun(ctx context.Context, opts *runOptions) error {
	p, err := opts.provider(ctx, opts.jobARN)
	if err != nil {
		return err
	}
	var execOpts []sfn.ExecuteOption
	if opts.traceHeader != "" {
		execOpts = append(execOpts, sfn.WithTraceHeader(opts.traceHeader))
	}
	if opts.idempotencyKey != "" {
		execOpts = append(execOpts, sfn.WithIdempotencyKey(opts.idempotencyKey))
	}
	pr, err := p.ExecutePipeline(ctx, sfn.Job{ID: opts.jobARN}, opts.params, execOpts...)
	if err != nil {
		return err
	}
	if !opts.wait && pr.Status == nil {
		if opts.asJSON {
			return writeJSON(opts.io.out, newRunJSON(pr.ConsoleURL, sfn.RunStatus{
				RunID: pr.RunID, State: sfn.RunStateRunning, StartedAt: pr.StartedAt, Parameters: opts.params,
			}))
		}
		fmt.Fprintf(opts.io.out, "Started %s\nConsole %s\n", pr.RunID, pr.ConsoleURL)
		return nil
	}
	return runReporter{opts.io, opts.asJSON}.followAndReport(ctx, p, pr, opts.params, opts.pollInterval)
}
