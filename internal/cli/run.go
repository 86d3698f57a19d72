package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	sfn "github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/internal/sfnarn"
)

// runOptions are what 'run' needs.
type runOptions struct {
	awsOptions
	stdin io.Reader

	jobARN         string
	traceHeader    string
	idempotencyKey string
	// input is --input, a file of JSON ("-" for stdin) whose properties are
	// input parameters; name is --name, the execution name.
	input, name string
	// version and alias select what of the state machine runs.
	version int
	alias   string
	// followFlags are --param, --out, --wait and --poll-interval.
	followFlags
}

// newCmdRun returns the run command, which calls runRun (or runF: see runWith).
func newCmdRun(f *app, runF func(context.Context, *runOptions) error) *cobra.Command {
	opts := &runOptions{stdin: f.stdin}
	cmd := &cobra.Command{
		Use:   "run JOB-ARN [--param name:type=value ...] [--input FILE|-] [--out name:type ...] [--wait]",
		Short: "Start a run of a state machine (a version or alias ARN works too)",
		Long: `run starts an execution with a JSON input built from the --param flags, as Polysync does.

Types: string (default), number, boolean, json. A json value, or a string value that already is a JSON object
or array, is embedded as JSON. --input FILE (or - for stdin) adds the properties of a JSON object as json
parameters, checked like --param values (valid JSON, at most 262,144 bytes). --out declares an output
parameter, filled from the top-level property of the execution's output with the same name
(case-insensitive). A name given to both --param (or --input) and --out is an InputOutput parameter.

--version N or --alias NAME runs that version or alias of the state machine (or pass its ARN). --name names
the execution (default Polysync-<UUIDv7>). With --idempotency-key or --name (not both), a run that already exists
with the same input is reported ("Already started"), not started again.

Express state machines run synchronously: run returns when the execution has ended, with or without --wait.

Exit status with --wait (or for Express): 0 succeeded, 1 failed, 3 cancelled.`,
		Example: `  polysync-sfn run arn:aws:states:us-east-1:123456789012:stateMachine:orders \
    --param orderId=A-17 --param quantity:number=3 --param rush:boolean=true \
    --out total:number --wait`,
		Args: exactArgs(1, "one JOB-ARN"),
		RunE: runOnArg(opts, &opts.jobARN, opts.parse, runF, runRun),
	}
	opts.registerInputs(cmd)
	opts.followFlags.register(cmd)
	fs := cmd.Flags()
	fs.StringVar(&opts.input, "input", "", "JSON object file (- for stdin) whose properties are input parameters")
	fs.StringVar(&opts.name, "name", "", "execution name (default Polysync-<UUIDv7>)")
	fs.IntVar(&opts.version, "version", 0, "run this published version of the state machine")
	fs.StringVar(&opts.alias, "alias", "", "run the version this alias routes to")
	fs.StringVar(&opts.traceHeader, "trace-header", "", "X-Ray trace header for this run")
	fs.StringVar(&opts.idempotencyKey, "idempotency-key", "", "repeating a run with the same key returns the same run")
	opts.awsOptions.register(cmd, f)
	return cmd
}

// The results 'run' reports.
const (
	runResultStarted        = "started"
	runResultAlreadyStarted = "already started"
)

// runStartJSON is what 'run --json' prints, with or without --wait: the run
// as runJSON, and whether this command started it.
type runStartJSON struct {
	// Result is one of the runResult constants.
	Result string `json:"Result"`
	runJSON
}

func runRun(ctx context.Context, opts *runOptions) error {
	target, err := opts.target()
	if err != nil {
		return err
	}
	if opts.input != "" {
		fromFile, err := readInput(ctx, opts.input, opts.stdin)
		if err != nil {
			return err
		}
		if opts.params, err = mergeInput(fromFile, opts.params); err != nil {
			return err
		}
	}
	p, err := opts.provider(ctx, target.String())
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
	if opts.name != "" {
		execOpts = append(execOpts, sfn.WithName(opts.name))
	}
	existed := opts.existing(ctx, p, target)
	// An Express run is run to its end by ExecutePipeline itself, which can take 5 minutes.
	prog := newProgress(opts.io.errOut, target.StateMachine)
	prog.spin("starting")
	pr, err := p.ExecutePipeline(ctx, sfn.Job{ID: target.String()}, opts.params, execOpts...)
	prog.erase()
	if errors.Is(err, sfn.ErrIdempotencyConflict) && opts.name != "" {
		// Step Functions' answer (ExecutionAlreadyExists), as for a conflicting --idempotency-key: exit status 4.
		return &exitError{code: ExitAWS, err: fmt.Errorf("--name %s: a run of that name already exists with another input: "+
			"choose another name (Step Functions keeps a Standard run's name for 90 days after it ends)", opts.name)}
	}
	if err != nil {
		return err
	}
	result := runResultStarted
	if existed {
		result = runResultAlreadyStarted
	}
	if !opts.wait && pr.Status == nil {
		if opts.asJSON {
			return writeJSON(opts.io.out, runStartJSON{Result: result, runJSON: newRunJSON(pr.ConsoleURL, sfn.RunStatus{
				RunID: pr.RunID, State: sfn.RunStateRunning, StartedAt: pr.StartedAt, Parameters: opts.params,
			})})
		}
		if existed {
			fmt.Fprintf(opts.io.out, "Already started %s: nothing new was started\nConsole %s\n", pr.RunID, pr.ConsoleURL)
			return nil
		}
		fmt.Fprintf(opts.io.out, "Started %s\nConsole %s\n", pr.RunID, pr.ConsoleURL)
		return nil
	}
	if existed && !opts.asJSON {
		fmt.Fprintf(opts.io.errOut, "Already started %s: following it\n", pr.RunID)
	}
	report := opts.reporter("out")
	report.result = result
	return report.followAndReport(ctx, p, pr, opts.params, opts.pollInterval)
}

// target returns the ARN to start: JOB-ARN, qualified with --version or
// --alias.
func (opts *runOptions) target() (sfnarn.ARN, error) {
	a, err := jobARN(opts.jobARN)
	if err != nil {
		return sfnarn.ARN{}, err
	}
	if opts.name != "" {
		if opts.idempotencyKey != "" {
			return sfnarn.ARN{}, usageError("--name and --idempotency-key both name the execution, and --name replaces the name " +
				"the key derives, so the key would protect nothing: give one (a repeated --name finds its run as a repeated key does)")
		}
		if err := sfnarn.CheckName(opts.name); err != nil {
			return sfnarn.ARN{}, usageError("--name %q: %v", opts.name, err)
		}
	}
	switch {
	case opts.version != 0 && opts.alias != "":
		return sfnarn.ARN{}, usageError("--version and --alias both choose what runs: give one")
	case (opts.version != 0 || opts.alias != "") && a.Kind != sfnarn.StateMachine:
		return sfnarn.ARN{}, usageError("JOB-ARN %s already names %s: drop --version and --alias", opts.jobARN, a.Kind.Indefinite())
	case opts.version < 0:
		return sfnarn.ARN{}, usageError("--version %d: want a version number, 1 or more", opts.version)
	case opts.version > 0:
		return sfnarn.Parse(a.String() + ":" + strconv.Itoa(opts.version))
	case opts.alias != "":
		if err := sfnarn.CheckAliasName(opts.alias); err != nil {
			return sfnarn.ARN{}, usageError("--alias %q: %v", opts.alias, err)
		}
		return sfnarn.Parse(a.String() + ":" + opts.alias)
	}
	return a, nil
}

// existing reports whether the run that --name or --idempotency-key names
// exists already, so that a repeated start says it started nothing. It is
// false when there is no such flag, or when the run cannot be read.
func (opts *runOptions) existing(ctx context.Context, p *sfn.Provider, target sfnarn.ARN) bool {
	var runID string
	switch {
	case opts.name != "":
		runID = target.Execution(opts.name).String()
	case opts.idempotencyKey != "":
		runID, _ = sfn.IdempotentRunID(target.String(), opts.idempotencyKey)
	default:
		return false
	}
	_, err := p.GetPipelineRunStatus(ctx, runID, nil)
	return err == nil
}
