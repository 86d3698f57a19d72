package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	sfn "github.com/polysync/stepfunctions"
)

// progress shows a long wait: following a run, discovering state machines,
// following a history. On a terminal it redraws one line with a spinner, the
// state and the elapsed time. Elsewhere (a pipe, CI logs) a command's
// progress is quiet, so that logs hold only what the command prints; the demo
// narrates instead, one line per change of state.
type progress struct {
	w       io.Writer
	tty     bool
	lines   bool // not on a terminal: print a line per change (the demo)
	label   string
	start   time.Time
	nowFunc func() time.Time

	mu    sync.Mutex
	state string
	shown string // the state the last line showed, without a terminal
	frame int
	stop  chan struct{}
	ended chan struct{}
}

var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// newProgress returns the progress display of a command on w: a spinner on a
// terminal, nothing elsewhere.
func newProgress(w io.Writer, label string) *progress {
	return &progress{w: w, tty: isTerminal(w), label: label, start: time.Now(), nowFunc: time.Now}
}

// newNarratedProgress returns the progress display of the demo: a spinner on
// a terminal, a line per change of state elsewhere.
func newNarratedProgress(w io.Writer, label string) *progress {
	p := newProgress(w, label)
	p.lines = !p.tty
	return p
}

// spin shows state and, on a terminal, redraws the line every 100ms until
// done is called.
func (p *progress) spin(state string) {
	p.set(state)
	if !p.tty {
		return
	}
	p.stop, p.ended = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.ended)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.mu.Lock()
				p.draw()
				p.mu.Unlock()
			}
		}
	}()
}

// set shows a new state.
func (p *progress) set(state string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state = state
	switch {
	case p.tty:
		p.draw()
	case p.lines && state != p.shown:
		fmt.Fprintf(p.w, "%s: %s (%s)\n", p.label, state, p.elapsed())
		p.shown = state
	}
}

// draw redraws the terminal line; p.mu is held.
func (p *progress) draw() {
	p.frame++
	fmt.Fprintf(p.w, "\r\033[K%s %s  %s  %s", spinner[p.frame%len(spinner)], p.label, p.state, p.elapsed())
}

func (p *progress) elapsed() time.Duration {
	return p.nowFunc().Sub(p.start).Round(100 * time.Millisecond)
}

// done stops the spinner and ends the display with the final state.
func (p *progress) done(state string) {
	p.halt()
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.tty:
		fmt.Fprintf(p.w, "\r\033[K%s  %s  %s\n", p.label, state, p.elapsed())
	case p.lines && state != p.shown:
		fmt.Fprintf(p.w, "%s: %s (%s)\n", p.label, state, p.elapsed())
		p.shown = state
	}
}

// erase stops the spinner and removes its line, for a wait whose result the
// command prints itself.
func (p *progress) erase() {
	p.halt()
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// halt stops the spinner's goroutine, if it runs.
func (p *progress) halt() {
	if p.stop != nil {
		close(p.stop)
		<-p.ended
		p.stop = nil
	}
}

func isTerminal(w io.Writer) bool {
	if o, ok := w.(*outputWriter); ok {
		w = o.w
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// statusGetter is the part of the provider that the demo's follow needs.
type statusGetter interface {
	GetPipelineRunStatus(ctx context.Context, runID string, params []sfn.Parameter) (sfn.RunStatus, error)
}

// follow polls a run until it leaves Running, showing progress: the demo's
// way, one DescribeExecution per poll. A run that already ended when it was
// started (Express) is returned at once.
func follow(ctx context.Context, p statusGetter, run sfn.PipelineRun, params []sfn.Parameter, every time.Duration, prog *progress) (sfn.RunStatus, error) {
	if run.Status != nil {
		prog.done(string(run.Status.State))
		return *run.Status, nil
	}
	prog.spin(string(sfn.RunStateRunning))
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		st, err := p.GetPipelineRunStatus(ctx, run.RunID, params)
		if err != nil {
			prog.done(string(sfn.RunStateRunning))
			return sfn.RunStatus{}, err
		}
		if st.State != sfn.RunStateRunning {
			prog.done(string(st.State))
			return st, nil
		}
		prog.set(string(st.State))
		select {
		case <-ctx.Done():
			prog.done(string(sfn.RunStateRunning))
			return sfn.RunStatus{}, ctx.Err()
		case <-tick.C:
		}
	}
}
