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

	"github.com/spf13/cobra"
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
	// ExitAWS means Step Functions answered with an error (not found, throttled, invalid input, ...).
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

// app holds what every subcommand shares.
type app struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	conn           connFlags
	jsonOut        bool
	verbose        bool
	// defaultCreds records that config chose the SDK's default credential
	// chain, for hints.
	defaultCreds bool
}

func (a *app) logger() *slog.Logger {
	if !a.verbose {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// Main runs polysync-sfn with args (without the program name) and returns the
// exit status. getenv is os.Getenv in production; tests pass their own.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if getenv == nil {
		getenv = os.Getenv
	}
	a := &app{stdout: stdout, stderr: stderr, getenv: getenv}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	code := exitCode(ctx, err)
	var ee *exitError
	if !errors.As(err, &ee) || ee.err != nil {
		if hint := a.hint(err); hint != "" {
			fmt.Fprintf(stderr, "polysync-sfn: %v (hint: %s)\n", err, hint)
		} else {
			fmt.Fprintf(stderr, "polysync-sfn: %v\n", err)
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
		Long: `polysync-sfn discovers Step Functions state machines as Polysync jobs, starts and follows runs,
maps outputs, cancels runs and prints console links, against AWS or the embedded endpoint.

Start with 'polysync-sfn demo': it needs no AWS account.

Exit status:
  0    success (for run --wait and status: the run succeeded or is still running)
  1    the run failed or timed out; for demo, a step did not behave as expected
  2    bad usage: unknown command or flag, bad argument, bad parameter value
  3    the run was cancelled
  4    Step Functions answered with an error (not found, throttled, ...) or could not be reached
  5    authentication or authorisation failed (credentials, identity token, access denied)
  130  interrupted (Ctrl-C)`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &exitError{code: ExitUsage, err: err}
	})
	// Each command takes only the flags it uses, so that its help stays short
	// and a misplaced flag is an error rather than silently ignored.
	jsonFlag := func(c *cobra.Command) {
		c.Flags().BoolVar(&a.jsonOut, "json", false, "print data as JSON (for scripts)")
	}
	verboseFlag := func(c *cobra.Command) {
		c.Flags().BoolVarP(&a.verbose, "verbose", "v", false, "log API activity to stderr (never secrets)")
	}
	for _, c := range []*cobra.Command{a.jobsCommand(), a.runCommand(), a.statusCommand(), a.cancelCommand(), a.redriveCommand()} {
		a.conn.register(c.Flags())
		jsonFlag(c)
		verboseFlag(c)
		root.AddCommand(c)
	}
	url, iamPolicy := a.urlCommand(), a.iamPolicyCommand()
	jsonFlag(url)
	jsonFlag(iamPolicy)
	demo, local := a.demoCommand(), a.localCommand()
	verboseFlag(demo)
	verboseFlag(local)
	local.Flags().StringVar(&a.conn.region, "region", "", "region in the ARNs the endpoint makes (default $AWS_REGION, then $AWS_DEFAULT_REGION, then "+localRegion+")")
	root.AddCommand(url, iamPolicy, demo, local)
	return root
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
