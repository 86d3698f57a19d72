package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	sfn "github.com/polysync/stepfunctions"
)

// progress shows how a run is going. On a terminal it redraws one line with a
// spinner and the elapsed time; anywhere else (a pipe, CI logs) it prints a
// line only when the state changes, so logs stay readable.
type progress struct {
	w       io.Writer
	tty     bool
	label   string
	start   time.Time
	last    sfn.RunState
	frame   int
	drawn   bool
	nowFunc func() time.Time
}

var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

func newProgress(w io.Writer, label string) *progress {
	return &progress{w: w, tty: isTerminal(w), label: label, start: time.Now(), nowFunc: time.Now}
}

// update shows the run's current state.
func (p *progress) update(state sfn.RunState) {
	elapsed := p.nowFunc().Sub(p.start).Round(100 * time.Millisecond)
	if p.tty {
		p.frame++
		fmt.Fprintf(p.w, "\r\033[K%s %s  %s  %s", spinner[p.frame%len(spinner)], p.label, state, elapsed)
		p.drawn = true
		p.last = state
		return
	}
	if state != p.last {
		fmt.Fprintf(p.w, "%s: %s (%s)\n", p.label, state, elapsed)
		p.last = state
	}
}

// done ends the display with the final state.
func (p *progress) done(state sfn.RunState) {
	elapsed := p.nowFunc().Sub(p.start).Round(100 * time.Millisecond)
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s  %s  %s\n", p.label, state, elapsed)
		return
	}
	if state != p.last {
		fmt.Fprintf(p.w, "%s: %s (%s)\n", p.label, state, elapsed)
		p.last = state
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// statusGetter is the part of the provider that follow needs.
type statusGetter interface {
	GetPipelineRunStatus(ctx context.Context, runID string, params []sfn.Parameter) (sfn.RunStatus, error)
}

// follow polls a run until it leaves Running, showing progress. A run that
// already ended when it was started (Express) is returned at once.
func follow(ctx context.Context, p statusGetter, run sfn.PipelineRun, params []sfn.Parameter, every time.Duration, prog *progress) (sfn.RunStatus, error) {
	if run.Status != nil {
		prog.done(run.Status.State)
		return *run.Status, nil
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	spin := time.NewTicker(100 * time.Millisecond)
	defer spin.Stop()
	state := sfn.RunStateRunning
	prog.update(state)
	for {
		st, err := p.GetPipelineRunStatus(ctx, run.RunID, params)
		if err != nil {
			return sfn.RunStatus{}, err
		}
		if st.State != sfn.RunStateRunning {
			prog.done(st.State)
			return st, nil
		}
		prog.update(st.State)
	wait:
		for {
			select {
			case <-ctx.Done():
				prog.done(state)
				return sfn.RunStatus{}, ctx.Err()
			case <-spin.C:
				if prog.tty {
					prog.update(state)
				}
			case <-tick.C:
				break wait
			}
		}
	}
}
