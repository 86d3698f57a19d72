// Package cli implements the polysync-sfn command: the operator's tool for
// checking a Step Functions set-up against AWS (or the embedded endpoint)
// before wiring it into Polysync, and the newcomer's demo.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	sfn "github.com/polysync/stepfunctions"
)

// Exit statuses of polysync-sfn. They are part of the command's contract:
// scripts may test them.
const (
	// ExitOK means the command did what was asked; for run --wait, the run succeeded.
	ExitOK = 0
	// ExitRunFailed means the run ended Failed (or the demo saw a step misbehave).
	ExitRunFailed = 1
	// ExitUsage means the command line was wrong: unknown flag, bad argument, bad parameter value.
	ExitUsage = 2
	// ExitRunCancelled means the run ended Cancelled.
	ExitRunCancelled = 3
	// ExitAWS means Step Functions answered with an error (not found, throttled, invalid input, ...), or the
	// output could not be written.
	ExitAWS = 4
	// ExitAuth means authentication or authorisation failed (credentials, identity token, access denied).
	ExitAuth = 5
	// ExitInterrupted means the command was interrupted (Ctrl-C) before it finished.
	ExitInterrupted = 130
)

// exitError carries an exit status with the message to print.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

// app is the factory every command is built from: the streams, the
// environment and the flags all commands share (the connection flags and
// --verbose). It makes the provider (newProvider) and the logger, and it
// keeps what Main needs after a command failed to add a hint.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	conn           connFlags
	verbose        bool
	// defaultCreds records that config chose the SDK's default credential
	// chain, for hints.
	defaultCreds bool
	// onCall, when a command sets it before making its provider, is told the
	// operation of every Step Functions call (see callObserver).
	onCall func(op string)
}

// ioStreams are where a command writes: its data (text or JSON) to out, and
// progress and warnings to errOut. Errors are Main's to print.
type ioStreams struct {
	out, errOut io.Writer
}

func (a *app) streams() ioStreams { return ioStreams{out: a.stdout, errOut: a.stderr} }

// providerFunc makes a provider configured from the connection flags and the
// environment, for a command that works on resourceARN ("" for none). It is
// app.newProvider outside tests.
type providerFunc func(ctx context.Context, resourceARN string) (*sfn.Provider, error)

// logger returns the logger of -v (which discards without it), observed by
// onCall when a command set it.
func (a *app) logger() *slog.Logger {
	h := slog.DiscardHandler
	if a.verbose {
		h = slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
	}
	if a.onCall != nil {
		h = callObserver{next: h, onCall: a.onCall}
	}
	return slog.New(h)
}

// Main runs polysync-sfn with args (without the program name) and returns the
// exit status. getenv is os.Getenv in production; tests pass their own.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if getenv == nil {
		getenv = os.Getenv
	}
	out := &outputWriter{w: stdout}
	a := &app{stdin: os.Stdin, stdout: out, stderr: stderr, getenv: getenv}
	root := a.rootCommand()
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if lost := out.failure(); lost != nil && (err == nil || errors.As(err, new(*lostOutputError))) {
		// Whether the command returned the failed write (--json output, --version, completion) or did not check
		// it (text output, help), its data did not reach the caller. A command that returned something else (a
		// run that failed) keeps its own exit status.
		err = &exitError{code: ExitAWS, err: fmt.Errorf("the output was lost: %w", lost)}
	}
	if err == nil {
		return ExitOK
	}
	code := exitCode(ctx, err)
	var ee *exitError
	if !errors.As(err, &ee) || ee.err != nil {
		// An error is one line, with what the service or a task said escaped (printable) as in the text output:
		// a message may hold a new line or a terminal's escape sequence.
		line := a.errorLine(err)
		fmt.Fprintf(stderr, "polysync-sfn: %s\n", printable(withoutURLUserinfo(line)))
		if detail := errorDetail(err, line); a.verbose && detail != "" {
			fmt.Fprintf(stderr, "polysync-sfn: detail: %s\n", printable(withoutURLUserinfo(detail)))
		}
	}
	if code == ExitUsage {
		path := root.CommandPath()
		if cmd != nil {
			path = cmd.CommandPath()
		}
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", path)
	}
	return code
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "polysync-sfn",
		Short: "Check and drive AWS Step Functions the way Polysync does",
		Long: `polysync-sfn is the operator's tool for Polysync jobs on AWS Step Functions: discover state machines as
jobs, describe them, start and follow runs, list runs, read their history, cancel and redrive them, print
console links and IAM policies, against AWS or the embedded endpoint.

Start with 'polysync-sfn demo': it needs no AWS account. -v logs every API call to stderr.

Region: a command on an ARN calls the ARN's region (--region, when given too, must match it); jobs uses
--region, else $AWS_REGION, else $AWS_DEFAULT_REGION, else the shared config profile's region.

Exit status:
  0    success (for --wait and history --follow: the run succeeded; status: succeeded or still running)
  1    the run failed or timed out; for demo, a step did not behave as expected
  2    bad usage: unknown command or flag, bad argument or ARN, bad parameter value, --region against the
       ARN's region, or what Step Functions does not support for that resource (an Express run)
  3    the run was cancelled
  4    Step Functions answered with an error (not found, not redrivable, throttled, ...) or could not be
       reached; local could not listen on --addr; the output could not be written (a full disk)
  5    authentication or authorisation failed (credentials, identity token, access denied, unknown profile)
  130  interrupted (Ctrl-C)`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// Before the completion command is added below: it takes its output stream when it is made.
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.Version = versionText(debug.ReadBuildInfo())
	root.SetVersionTemplate("polysync-sfn {{.Version}}\n")
	// Without the -v shorthand cobra would give it: -v is --verbose in every command.
	root.Flags().Bool("version", false, "print the module version and the commit polysync-sfn was built from")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &exitError{code: ExitUsage, err: err}
	})
	root.AddCommand(
		newCmdJobs(a, nil), newCmdRun(a, nil), newCmdStatus(a, nil), newCmdCancel(a, nil), newCmdRedrive(a, nil),
		newCmdURL(a, nil), newCmdIAMPolicy(a, nil), newCmdDemo(a, nil), newCmdLocal(a, nil),
		newCmdRuns(a, nil), newCmdHistory(a, nil), newCmdDescribe(a, nil),
	)
	// Cobra's completion command (bash, zsh, fish, powershell), added now rather than when the command runs, so
	// that the README's lines that use it parse like the others.
	root.InitDefaultCompletionCmd()
	return root
}

// runWith returns runF when it is set (by a test that checks what the flags
// parse into), else runX, the command's work.
func runWith[O any](runF, runX func(context.Context, *O) error) func(context.Context, *O) error {
	if runF != nil {
		return runF
	}
	return runX
}

// runOnArg returns the RunE of a command that takes one argument (an ARN):
// it stores the argument in *arg, then runs check (nil when there is nothing
// to check), then runF or runX as runWith picks. A check that needs the
// command itself (which flags were set) stays in the command's own RunE.
func runOnArg[O any](opts *O, arg *string, check func() error, runF, runX func(context.Context, *O) error) func(*cobra.Command, []string) error {
	return run(func(cmd *cobra.Command, args []string) error {
		*arg = args[0]
		if check != nil {
			if err := check(); err != nil {
				return err
			}
		}
		return runWith(runF, runX)(cmd.Context(), opts)
	})
}

// exactArgs is cobra.ExactArgs with a usage exit status and a message that
// names what is missing.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError("want %s, got %d argument(s)", what, len(args))
		}
		return nil
	}
}
