package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	sfn "github.com/polysync/stepfunctions"
)

// historyOptions are what 'history' needs.
type historyOptions struct {
	awsOptions

	runID        string
	follow       bool
	pollInterval time.Duration
}

// newCmdHistory returns the history command, which calls runHistory (or runF:
// see runWith).
func newCmdHistory(f *app, runF func(context.Context, *historyOptions) error) *cobra.Command {
	opts := &historyOptions{}
	cmd := &cobra.Command{
		Use:   "history RUN-ARN [--follow]",
		Short: "Show a run's events under Step Functions' event type names (GetExecutionHistory)",
		Long: `history prints a Standard run's events, oldest first: ID, time, event type (TaskStateEntered,
TaskFailed, ExecutionFailed, ...), state and detail (the task's resource, or an error and its cause). Failure
events are marked with '!' (in red on a terminal), and a last line names the state that failed with its
error and cause. Inputs and outputs are not shown. With --follow, history prints new events as they happen
until the run ends. Step Functions keeps no history of Express runs.

Exit status with --follow: 0 succeeded, 1 failed or timed out, 3 cancelled.`,
		Example: `  polysync-sfn history arn:aws:states:eu-west-1:111122223333:execution:orders:Polysync-0193 --follow`,
		Args:    exactArgs(1, "one RUN-ARN"),
		RunE:    runOnArg(opts, &opts.runID, func() error { return checkPollInterval(opts.pollInterval) }, runF, runHistory),
	}
	fs := cmd.Flags()
	fs.BoolVar(&opts.follow, "follow", false, "print new events as they happen, until the run ends")
	fs.DurationVar(&opts.pollInterval, "poll-interval", 2*time.Second, "how often --follow asks for new events")
	opts.awsOptions.register(cmd, f)
	return cmd
}

// historyJSON is what 'history --json' prints once the events are read (with
// --follow, once the run has ended).
type historyJSON struct {
	RunID  string      `json:"RunID"`
	Events []eventJSON `json:"Events"`
	// FailedState, Error and Cause name the state that failed, if any, and
	// the error it failed with.
	FailedState string `json:"FailedState"`
	Error       string `json:"Error"`
	Cause       string `json:"Cause"`
}

// eventJSON is one event in 'history --json'.
type eventJSON struct {
	ID         int64     `json:"ID"`
	PreviousID int64     `json:"PreviousID"`
	Type       string    `json:"Type"`
	Timestamp  time.Time `json:"Timestamp"`
	// State is the state the event belongs to, Resource a task's resource.
	State    string `json:"State"`
	Resource string `json:"Resource"`
	Error    string `json:"Error"`
	Cause    string `json:"Cause"`
	Failed   bool   `json:"Failed"`
}

// endEvents are the event types that end a run (until a redrive).
var endEvents = map[string]int{
	"ExecutionSucceeded": ExitOK, "ExecutionFailed": ExitRunFailed, "ExecutionTimedOut": ExitRunFailed,
	"ExecutionAborted": ExitRunCancelled,
}

func runHistory(ctx context.Context, opts *historyOptions) error {
	p, _, err := opts.provider.forRun(ctx, opts.runID, "keep the history of")
	if err != nil {
		return err
	}
	// json starts empty, not nil, so that a history without events prints "Events": [].
	h := &historyPrinter{w: opts.io.out, color: isTerminal(opts.io.out), states: map[int64]string{}, text: !opts.asJSON,
		json: []eventJSON{}}
	events, err := p.RunHistory(ctx, opts.runID, 0)
	if err != nil {
		return err
	}
	h.add(events)
	tick := time.NewTicker(opts.pollInterval)
	defer tick.Stop()
	for opts.follow && !h.ended() {
		select {
		case <-ctx.Done():
			return &exitError{code: ExitInterrupted, err: fmt.Errorf("interrupted; run %s goes on", opts.runID)}
		case <-tick.C:
		}
		events, err := p.RunHistory(ctx, opts.runID, h.lastID())
		if err != nil {
			if ctx.Err() != nil {
				return &exitError{code: ExitInterrupted, err: fmt.Errorf("interrupted; run %s goes on", opts.runID)}
			}
			return err
		}
		h.add(events)
	}
	failed := h.failure()
	if opts.asJSON {
		out := historyJSON{RunID: opts.runID, Events: h.json, FailedState: failed.State, Error: failed.Error, Cause: failed.Cause}
		if err := writeJSON(opts.io.out, out); err != nil {
			return err
		}
	} else if failed.Type != "" {
		fmt.Fprintf(opts.io.out, "%s\n", h.paint(fmt.Sprintf("%s in state %s: %s", endVerb(failed.Type), printable(orDash(failed.State)),
			printable(errorAndCause(failed.Error, failed.Cause)))))
	}
	if code := endEvents[h.lastType()]; opts.follow && code != ExitOK {
		return &exitError{code: code}
	}
	return nil
}

// historyPrinter prints events as they arrive and remembers what the summary
// needs. An event without a state of its own belongs to the state of the
// event it follows.
type historyPrinter struct {
	w      io.Writer
	color  bool
	text   bool
	states map[int64]string
	events []sfn.HistoryEvent
	json   []eventJSON
}

func (h *historyPrinter) add(events []sfn.HistoryEvent) {
	tw := newTable(h.w)
	for _, e := range events {
		if e.State == "" {
			e.State = h.states[e.PreviousID]
		}
		h.states[e.ID] = e.State
		h.events = append(h.events, e)
		h.json = append(h.json, eventJSON{ID: e.ID, PreviousID: e.PreviousID, Type: e.Type, Timestamp: e.Timestamp, State: e.State,
			Resource: e.Resource, Error: e.Error, Cause: e.Cause, Failed: e.Failed()})
		if !h.text {
			continue
		}
		mark, detail := " ", e.Resource
		if e.Failed() {
			mark, detail = "!", errorAndCause(e.Error, e.Cause)
		}
		line := fmt.Sprintf("%s %d\t%s\t%s\t%s\t%s", mark, e.ID, e.Timestamp.UTC().Format("15:04:05.000"), printable(e.Type),
			printable(orDash(e.State)), printable(detail))
		if e.Failed() {
			line = h.paint(line)
		}
		fmt.Fprintln(tw, strings.TrimRight(line, "\t"))
	}
	tw.Flush()
}

func (h *historyPrinter) lastID() int64 {
	if len(h.events) == 0 {
		return 0
	}
	return h.events[len(h.events)-1].ID
}

func (h *historyPrinter) lastType() string {
	if len(h.events) == 0 {
		return ""
	}
	return h.events[len(h.events)-1].Type
}

// ended reports whether the last event ends the run.
func (h *historyPrinter) ended() bool {
	_, ok := endEvents[h.lastType()]
	return ok
}

// failure returns the first failure in a state since the run last started
// (or was redriven): the state that failed, with its error. When no state
// failed (a timeout, a cancel), it is the run's own failure event.
func (h *historyPrinter) failure() sfn.HistoryEvent {
	var first, last sfn.HistoryEvent
	for _, e := range h.events {
		switch {
		case e.Type == "ExecutionRedriven" || e.Type == "ExecutionStarted":
			first, last = sfn.HistoryEvent{}, sfn.HistoryEvent{}
		case !e.Failed():
		case first.Type == "" && e.State != "":
			first = e
		default:
			last = e
		}
	}
	if first.Type != "" {
		if first.Error == "" && first.Cause == "" {
			first.Error, first.Cause = last.Error, last.Cause
		}
		return first
	}
	return last
}

// paint shows s in red on a terminal.
func (h *historyPrinter) paint(s string) string {
	if !h.color {
		return s
	}
	return "\033[31m" + s + "\033[0m"
}

// endVerb says how a failure event ended its state: Failed, Timed out or
// Cancelled (Aborted).
func endVerb(eventType string) string {
	switch {
	case strings.HasSuffix(eventType, "TimedOut"):
		return "Timed out"
	case strings.HasSuffix(eventType, "Aborted"):
		return "Cancelled"
	}
	return "Failed"
}

func errorAndCause(errName, cause string) string {
	switch {
	case errName == "":
		return cause
	case cause == "":
		return errName
	}
	return errName + ": " + cause
}
