package stepfunctions

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/polysync/stepfunctions/internal/sfnarn"
)

// Defaults of WaitPipelineRun.
const (
	// DefaultPollInterval is how often WaitPipelineRun looks at a young run.
	DefaultPollInterval = 5 * time.Second
	// DefaultMaxPollInterval is the longest WaitPipelineRun waits between two looks at a run.
	DefaultMaxPollInterval = time.Minute
	// pollAgeDivisor: a run is looked at every 1/pollAgeDivisor of its age, between the poll interval and
	// the maximum one.
	pollAgeDivisor = 12
	// gatherDelay lets WaitPipelineRun calls made at the same moment join one sweep.
	gatherDelay = 20 * time.Millisecond
)

// WaitOption configures one WaitPipelineRun call.
type WaitOption func(*waitOptions)

type waitOptions struct {
	interval, maxInterval time.Duration
	onChange              func(RunStatus)
}

// WithPollInterval sets how often a young run is looked at (default DefaultPollInterval, 5s). Once the run
// has been running for 12 intervals, it is looked at every twelfth of its age, up to WithMaxPollInterval: a
// run's end is noticed within about 8% of its duration, and long runs cost few calls.
func WithPollInterval(d time.Duration) WaitOption {
	return func(o *waitOptions) { o.interval = d }
}

// WithMaxPollInterval caps the time between two looks at a run (default DefaultMaxPollInterval, 1 minute).
// Setting it to the poll interval turns the backoff off.
func WithMaxPollInterval(d time.Duration) WaitOption {
	return func(o *waitOptions) { o.maxInterval = d }
}

// WithStateChange calls fn with the run's status on the first look and each time its State changes after
// that, the final status included. fn runs on WaitPipelineRun's goroutine: a slow fn delays only its own
// wait.
func WithStateChange(fn func(RunStatus)) WaitOption {
	return func(o *waitOptions) { o.onChange = fn }
}

// WaitPipelineRun follows a run until it ends (or ctx ends) and returns its final status: Success with
// outputs applied to params, Failed, Cancelled or Unknown, as GetPipelineRunStatus reports them.
//
// Concurrent WaitPipelineRun calls share their lookups: the Provider follows every waited-on run in shared
// rounds of GetPipelineRunStatuses, so a thousand goroutines each waiting on its own run cost what one sweep
// of those runs costs per interval, not a thousand calls. Runs due within half their interval join the same
// round, which aligns the rounds of runs waited on with the same options.
//
// Errors that more calls may cure (throttling after retries, network failures, server errors, a search of an
// Express run's end in its logs that stopped early, ErrLogSearchIncomplete, which the next round goes on with) are
// logged and the run is looked at again next round; the others (ErrRunNotFound, ErrAccessDenied, ErrInvalidInput, bad
// credentials, ...) end the wait. When ctx ends, WaitPipelineRun returns the last status it saw with an error
// that wraps ctx.Err(). An Express run started with ExpressSync has ended when ExecutePipeline returns, and its
// status is returned at once; one started with ExpressAsync is followed in its state machine's CloudWatch Logs (see
// GetPipelineRunStatus), in the same shared rounds.
func (p *Provider) WaitPipelineRun(ctx context.Context, runID string, params []Parameter, opts ...WaitOption) (final RunStatus, err error) {
	const op = "WaitPipelineRun"
	ctx, span := p.startSpan(ctx, op, attrRun.String(runID))
	defer span.end(&err, &final)
	o := waitOptions{interval: DefaultPollInterval, maxInterval: DefaultMaxPollInterval}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	switch {
	case o.interval <= 0:
		return RunStatus{}, invalid(op, "WithPollInterval(%v): the interval must be positive", o.interval)
	case o.maxInterval < o.interval:
		return RunStatus{}, invalid(op, "WithMaxPollInterval(%v) is shorter than the poll interval %v", o.maxInterval, o.interval)
	}
	a, err := p.parseRunID(op, runID)
	if err != nil {
		return RunStatus{}, err
	}
	if a.Kind == sfnarn.Express && !a.MapRunChild() {
		// Most Express runs have ended when ExecutePipeline returns; the others (ExpressAsync) are followed in
		// their logs by the shared rounds below.
		st, err := p.GetPipelineRunStatus(withLogResume(ctx, p.tracker.resume), runID, params)
		switch {
		case err == nil && st.State != RunStateRunning:
			if o.onChange != nil {
				o.onChange(st)
			}
			return st, nil
		case err != nil && !IsRetryable(err):
			return st, err
		case err != nil:
			p.log.LogAttrs(ctx, slog.LevelWarn, "could not look at a run, trying again next round",
				slog.String("run", runID), slog.String("error", err.Error()))
		}
	}
	w := p.tracker.add(ctx, RunRef{RunID: runID, Parameters: params}, o)
	defer p.tracker.remove(w)
	var last RunStatus
	for {
		select {
		case <-ctx.Done():
			return last, &Error{Op: op, Resource: runID, Err: ctx.Err()}
		case r := <-w.results:
			if r.Err != nil {
				if !IsRetryable(r.Err) {
					return last, r.Err
				}
				p.log.LogAttrs(ctx, slog.LevelWarn, "could not look at a run, trying again next round",
					slog.String("run", runID), slog.String("error", r.Err.Error()))
				continue
			}
			changed := r.Status.State != last.State
			last = r.Status
			if changed && o.onChange != nil {
				o.onChange(r.Status)
			}
			if r.Status.State != RunStateRunning {
				return r.Status, nil
			}
		}
	}
}

// tracker follows the runs WaitPipelineRun calls wait on, in shared rounds. Its loop runs while it has
// waiters and stops when the last one leaves.
type tracker struct {
	p      *Provider
	wake   chan struct{} // a new waiter is due sooner than the loop planned
	resume *logResume    // where the log searches of Express runs that stopped go on next round

	mu      sync.Mutex
	waiters map[*waiter]struct{}
	running bool
	// inRound counts the waiters of the round in progress that still wait; when the last leaves, stopRound ends
	// the round's calls, whose results nobody would read.
	inRound   int
	stopRound context.CancelFunc
}

// waiter is one WaitPipelineRun call.
type waiter struct {
	ref     RunRef
	opts    waitOptions
	since   time.Time      // when the wait began, for the run's age until its start time is known
	due     time.Time      // when the run is next looked at
	results chan RunResult // the latest result not yet read (capacity 1)
	inRound bool           // the round in progress looks at the run
	link    trace.Link     // to the span of the WaitPipelineRun call, for the rounds that serve it
}

func newTracker(p *Provider) *tracker {
	return &tracker{p: p, wake: make(chan struct{}, 1), resume: newLogResume(), waiters: make(map[*waiter]struct{})}
}

// add registers a waiter, due at once, and starts the loop if it is not running.
func (t *tracker) add(ctx context.Context, ref RunRef, o waitOptions) *waiter {
	now := time.Now()
	w := &waiter{ref: ref, opts: o, since: now, due: now, results: make(chan RunResult, 1), link: trace.LinkFromContext(ctx)}
	t.p.tel.following(ctx, 1)
	t.mu.Lock()
	t.waiters[w] = struct{}{}
	start := !t.running
	t.running = true
	t.mu.Unlock()
	if start {
		go t.loop()
	} else {
		select {
		case t.wake <- struct{}{}:
		default:
		}
	}
	return w
}

func (t *tracker) remove(w *waiter) {
	t.p.tel.following(context.Background(), -1)
	t.mu.Lock()
	delete(t.waiters, w)
	if w.inRound {
		w.inRound = false
		if t.inRound--; t.inRound == 0 {
			t.stopRound()
		}
	}
	t.mu.Unlock()
}

// loop runs rounds until no waiter is left.
func (t *tracker) loop() {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		t.mu.Lock()
		if len(t.waiters) == 0 {
			t.running = false
			t.mu.Unlock()
			return
		}
		var next time.Time
		for w := range t.waiters {
			if next.IsZero() || w.due.Before(next) {
				next = w.due
			}
		}
		t.mu.Unlock()
		if d := time.Until(next); d > 0 {
			timer.Reset(d)
			select {
			case <-timer.C:
			case <-t.wake:
				if !timer.Stop() {
					<-timer.C
				}
				continue
			}
		}
		time.Sleep(gatherDelay)
		t.round()
	}
}

// round looks at every run that is due, or due within half its interval, in one sweep, and hands out the
// results.
func (t *tracker) round() {
	now := time.Now()
	// The sweep outlives any one waiter: those still waiting when it ends get its results. It runs on no caller's
	// deadline; each attempt of its calls ends after Config.AttemptTimeout, so a request never answered is retried
	// instead of holding the round. When every waiter of the round has left, its calls end.
	ctx, cancel := context.WithCancel(withLogResume(withOp(context.Background(), "WaitPipelineRun"), t.resume))
	defer cancel()
	t.mu.Lock()
	var batch []*waiter
	for w := range t.waiters {
		if !w.due.After(now.Add(w.interval(now) / 2)) {
			batch = append(batch, w)
			w.inRound = true
		}
	}
	t.inRound, t.stopRound = len(batch), cancel
	t.mu.Unlock()
	if len(batch) == 0 {
		return
	}
	refs := make([]RunRef, len(batch))
	for i, w := range batch {
		refs[i] = w.ref
	}
	ctx, span := t.p.startRound(ctx, batch)
	results := t.p.GetPipelineRunStatuses(ctx, refs)
	span.End()
	done := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.inRound, t.stopRound = 0, nil
	for i, w := range batch {
		if _, ok := t.waiters[w]; !ok {
			continue
		}
		w.inRound = false
		if st := results[i].Status; !st.StartedAt.IsZero() && st.StartedAt.Before(w.since) {
			w.since = st.StartedAt
		}
		w.due = done.Add(w.interval(done))
		select {
		case <-w.results: // replace a result nobody read
		default:
		}
		w.results <- results[i]
	}
}

// interval is how long after now the waiter's run is looked at next: the poll interval, or a twelfth of the
// run's age once that is longer, at most the maximum interval.
func (w *waiter) interval(now time.Time) time.Duration {
	d := now.Sub(w.since) / pollAgeDivisor
	return min(max(d, w.opts.interval), w.opts.maxInterval)
}
