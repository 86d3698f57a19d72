package cli

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	sfn "github.com/polysync/stepfunctions"
)

// runReporter prints a run the way run, status and redrive do: as text or,
// with --json, as runJSON on the output stream, with progress on the error
// stream; and it turns the run's state into the exit status.
type runReporter struct {
	io     ioStreams
	asJSON bool
}

// followAndReport follows run to its end with a progress display, then
// reports it. An interruption says how to follow or stop the run, which goes
// on.
func (r runReporter) followAndReport(ctx context.Context, p statusGetter, run sfn.PipelineRun, params []sfn.Parameter, every time.Duration) error {
	st, err := follow(ctx, p, run, params, every, newProgress(r.io.errOut, run.Name))
	if err != nil && ctx.Err() != nil {
		return &exitError{code: ExitInterrupted, err: fmt.Errorf(
			"interrupted; run %[1]s goes on: follow it with 'polysync-sfn status %[1]s' or stop it with 'polysync-sfn cancel %[1]s'",
			run.RunID)}
	}
	if err != nil {
		return err
	}
	return r.report(run.ConsoleURL, st)
}

// report prints a finished (or current) run and turns its state into the
// exit status.
func (r runReporter) report(consoleURL string, st sfn.RunStatus) error {
	if r.asJSON {
		if err := writeJSON(r.io.out, newRunJSON(consoleURL, st)); err != nil {
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
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Run\t%s\n", st.RunID)
	fmt.Fprintf(tw, "State\t%s\n", st.State)
	if !st.StartedAt.IsZero() {
		fmt.Fprintf(tw, "Started\t%s\n", st.StartedAt.UTC().Format(time.RFC3339))
	}
	if !st.StoppedAt.IsZero() {
		fmt.Fprintf(tw, "Stopped\t%s (%s)\n", st.StoppedAt.UTC().Format(time.RFC3339), st.StoppedAt.Sub(st.StartedAt).Round(time.Millisecond))
	}
	if st.Error != "" {
		fmt.Fprintf(tw, "Error\t%s\n", st.Error)
	}
	if st.Cause != "" {
		fmt.Fprintf(tw, "Cause\t%s\n", st.Cause)
	}
	if st.Message != "" {
		fmt.Fprintf(tw, "Message\t%s\n", st.Message)
	}
	if consoleURL != "" {
		fmt.Fprintf(tw, "Console\t%s\n", consoleURL)
	}
	tw.Flush()
	var outs []sfn.Parameter
	for _, p := range st.Parameters {
		if p.Direction == sfn.DirectionOutput || p.Direction == sfn.DirectionInputOutput {
			outs = append(outs, p)
		}
	}
	if len(outs) > 0 {
		fmt.Fprintln(w, "Output parameters:")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, p := range outs {
			fmt.Fprintf(tw, "  %s\t(%s)\t= %s\n", p.Name, p.DataType, p.Value)
		}
		tw.Flush()
	}
}
