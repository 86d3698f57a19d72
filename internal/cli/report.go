package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	sfn "github.com/polysync/stepfunctions"
)

// runReporter prints a run the way run, status and redrive do: as text or,
// with --json, as runJSON on the output stream, with progress on the error
// stream; and it turns the run's state into the exit status.
type runReporter struct {
	io     ioStreams
	asJSON bool
	log    *slog.Logger
	// statusFlags and cancelFlags are the flags that the commands an
	// interruption suggests need to reach the same run the same way
	// (awsOptions.carriedFlags).
	statusFlags, cancelFlags string
	// result, when set, is what 'run' did (a runResult constant), which its
	// --json output adds to the run (runStartJSON).
	result string
}

// reporter returns the runReporter of a command with these options; outputs
// are the output flags 'status --wait' must repeat (--out).
func (o *awsOptions) reporter(outputs ...string) runReporter {
	return runReporter{io: o.io, asJSON: o.asJSON, log: o.log(),
		statusFlags: o.carriedFlags(append([]string{"json"}, outputs...)...), cancelFlags: o.carriedFlags()}
}

// runWaiter is the part of the provider that followAndReport needs.
type runWaiter interface {
	WaitPipelineRun(ctx context.Context, runID string, params []sfn.Parameter, opts ...sfn.WaitOption) (sfn.RunStatus, error)
}

// followAndReport follows run to its end with WaitPipelineRun, looking every
// interval, with a progress display; then it reports the run. An
// interruption says how to follow or stop the run, which goes on, with the
// connection and output flags in use.
func (r runReporter) followAndReport(ctx context.Context, p runWaiter, run sfn.PipelineRun, params []sfn.Parameter, every time.Duration) error {
	prog := newProgress(r.io.errOut, run.Name)
	st := sfn.RunStatus{}
	var err error
	if run.Status != nil {
		st = *run.Status
	} else {
		prog.spin(string(sfn.RunStateRunning))
		st, err = p.WaitPipelineRun(ctx, run.RunID, params, sfn.WithPollInterval(every), sfn.WithMaxPollInterval(every),
			sfn.WithStateChange(func(s sfn.RunStatus) {
				prog.set(string(s.State))
				r.log.LogAttrs(ctx, slog.LevelDebug, "run state", slog.String("run", s.RunID), slog.String("state", string(s.State)))
			}))
	}
	if err != nil && ctx.Err() != nil {
		prog.done("interrupted")
		return &exitError{code: ExitInterrupted, err: fmt.Errorf(
			"interrupted; run %[1]s goes on: follow it with 'polysync-sfn status %[1]s --wait%[2]s' or stop it with 'polysync-sfn cancel %[1]s%[3]s'",
			run.RunID, r.statusFlags, r.cancelFlags)}
	}
	if err != nil {
		prog.done("error")
		return err
	}
	prog.done(string(st.State))
	return r.report(run.ConsoleURL, st)
}

// report prints a finished (or current) run and turns its state into the
// exit status.
func (r runReporter) report(consoleURL string, st sfn.RunStatus) error {
	var out any = newRunJSON(consoleURL, st)
	if r.result != "" {
		out = runStartJSON{Result: r.result, runJSON: newRunJSON(consoleURL, st)}
	}
	if r.asJSON {
		if err := writeJSON(r.io.out, out); err != nil {
			return err
		}
	} else {
		printStatus(r.io.out, consoleURL, st)
	}
	switch st.State {
	case sfn.RunStateFailed:
		return &exitError{code: ExitRunFailed}
	case sfn.RunStateCancelled:
		return &exitError{code: ExitRunCancelled}
	case sfn.RunStateUnknown:
		return &exitError{code: ExitAWS, err: fmt.Errorf("run %s is in a state this tool does not know: %s", st.RunID, st.Message)}
	}
	return nil
}

func printStatus(w io.Writer, consoleURL string, st sfn.RunStatus) {
	tw := newTable(w)
	fmt.Fprintf(tw, "Run\t%s\n", st.RunID)
	fmt.Fprintf(tw, "State\t%s\n", st.State)
	if !st.StartedAt.IsZero() {
		fmt.Fprintf(tw, "Started\t%s\n", st.StartedAt.UTC().Format(time.RFC3339))
	}
	if !st.StoppedAt.IsZero() {
		fmt.Fprintf(tw, "Stopped\t%s (%s)\n", st.StoppedAt.UTC().Format(time.RFC3339), st.StoppedAt.Sub(st.StartedAt).Round(time.Millisecond))
	}
	optionalRow(tw, "Error", st.Error)
	optionalRow(tw, "Cause", st.Cause)
	optionalRow(tw, "Message", st.Message)
	optionalRow(tw, "Console", consoleURL)
	tw.Flush()
	var outs []sfn.Parameter
	for _, p := range st.Parameters {
		if p.Direction == sfn.DirectionOutput || p.Direction == sfn.DirectionInputOutput {
			outs = append(outs, p)
		}
	}
	if len(outs) > 0 {
		fmt.Fprintln(w, "Output parameters:")
		printList(w, "", "", outs, func(p sfn.Parameter) []string {
			return []string{"  " + p.Name, "(" + string(p.DataType) + ")", "= " + p.Value}
		})
	}
}
