package stepfunctions

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"golang.org/x/sync/errgroup"

	"github.com/polysync/stepfunctions/expressstore"
	"github.com/polysync/stepfunctions/internal/sfnarn"
)

// This file answers for Express runs, which Step Functions cannot describe: from the result store
// (Config.ExpressResults) when it holds the run's end, else from the state machine's CloudWatch Logs, one
// FilterLogEvents query per log group for all the runs a call (or a round of WaitPipelineRun) asks about there.

// unknownStartLookback is how far back a run whose start is not known is sought in its log group: a run named from
// an idempotency key (Polysync-<sha256>, which carries no time) that no store holds. Such a run not found in the
// window is not found, however young it may be; a shared store records its start and avoids this.
const unknownStartLookback = 24 * time.Hour

// expressLookup is one distinct Express run of a status call: what the store and the logs said of it.
type expressLookup struct {
	runID string
	arn   sfnarn.ARN
	refs  []int  // indices of the refs naming the run
	op    string // the Provider method asking, for errors

	rec     expressstore.Result // the store's record, or what the logs said (Status RUNNING while not ended)
	held    bool                // the store holds rec
	started time.Time           // when the run started; zero when unknown
	// noOutput says why a success read from the logs carries no usable output; outputs cannot be applied then.
	noOutput string
	err      error
}

// expressStatuses looks up every run of ls: in the store, then the runs whose end it does not hold in their state
// machines' log groups, one query per log group.
func (p *Provider) expressStatuses(ctx context.Context, ls []*expressLookup) {
	var fromLogs []*expressLookup
	for _, l := range ls {
		l.op = opOf(ctx)
		rec, err := p.results.Get(ctx, l.runID)
		switch {
		case err == nil:
			l.rec, l.held, l.started = rec, true, rec.StartedAt
			if rec.Terminal() {
				continue
			}
		case !errors.Is(err, expressstore.ErrNotFound):
			l.err = p.storeError(ctx, l.runID, "look the run up", err)
			continue
		default:
			l.started, _ = startedFromName(l.arn.Name)
		}
		fromLogs = append(fromLogs, l)
	}
	if len(fromLogs) == 0 {
		return
	}
	if p.logs == nil {
		for _, l := range fromLogs {
			p.withoutLogs(l)
		}
		return
	}
	p.readLoggedEnds(ctx, fromLogs)
}

// withoutLogs answers for a run the store does not hold the end of, when this Provider reads no logs.
func (p *Provider) withoutLogs(l *expressLookup) {
	if l.held && p.now().Before(l.started.Add(maxExpressDuration+p.logDelivery)) {
		return // a RUNNING record, young enough to be running still
	}
	l.err = &Error{Op: l.op, Kind: ErrRunNotFound, Resource: l.runID,
		Err: errors.New("the Express result store holds no result for the run"),
		Hint: "Step Functions cannot describe Express executions; the Provider keeps the results of the Express runs it " +
			"starts in Config.ExpressResults (by default in this process's memory, bounded by ExpressResultCapacity and " +
			"ExpressResultBytes): share one store between replicas, or build the Provider with New (not NewWithClient) " +
			"to read the results from the state machine's CloudWatch Logs (level ALL with includeExecutionData)"}
}

// logQuery is the runs of one log group a status call seeks, and the logging they were written with.
type logQuery struct {
	group   string
	logging loggingInfo
	runs    []*expressLookup
}

// readLoggedEnds finds the ends of ls in their state machines' log groups.
func (p *Provider) readLoggedEnds(ctx context.Context, ls []*expressLookup) {
	queries := make(map[string]*logQuery) // by log group ARN
	var order []string
	machines := make(map[string]loggingInfo)
	machineErrs := make(map[string]error)
	for _, l := range ls {
		base := l.arn.Base().String()
		logging, seen := machines[base]
		err := machineErrs[base]
		if !seen && err == nil {
			logging, err = p.machineLogging(ctx, base)
			machines[base], machineErrs[base] = logging, err
		}
		switch {
		case err != nil:
			l.err = err
			continue
		case logging.Level == "" || logging.Level == "OFF" || logging.LogGroupARN == "":
			l.err = p.notInLogs(l, logging, "")
			continue
		}
		if _, err := parseLogGroupARN(logging.LogGroupARN); err != nil {
			l.err = p.notInLogs(l, logging, "")
			continue
		}
		// Runs without a known start are each sought alone, by execution ARN, over unknownStartLookback.
		key := logging.LogGroupARN
		if l.started.IsZero() {
			key += "\x00" + l.runID
		}
		q, ok := queries[key]
		if !ok {
			q = &logQuery{group: logging.LogGroupARN, logging: logging}
			queries[key] = q
			order = append(order, key)
		}
		q.runs = append(q.runs, l)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.discoveryConcurrency)
	for _, key := range order {
		g.Go(func() error {
			p.searchLogGroup(gctx, queries[key])
			return nil
		})
	}
	_ = g.Wait() // the searches report through the lookups
}

// searchLogGroup runs one findLoggedEnds query for q and applies its answer to q's runs.
func (p *Provider) searchLogGroup(ctx context.Context, q *logQuery) {
	now := p.now()
	query := logSearchQuery{LogGroupARN: q.group, Runs: make(map[string]time.Time, len(q.runs)), Now: now,
		DeliveryAllowance: p.logDelivery}
	for _, l := range q.runs {
		started := l.started
		if started.IsZero() {
			started = now.Add(-unknownStartLookback)
			// Up to now by AWS's clock, which may be ahead of this host's (findLoggedEnds ends no later).
			query.Pattern, query.Through = runEndPattern(l.runID), now.Add(logClockSkew)
		}
		query.Runs[l.runID] = started
	}
	res, err := p.findLoggedEndsResuming(ctx, query)
	if err != nil {
		err = p.logsError(ctx, q.group, err)
		for _, l := range q.runs {
			if end, found := logSearchFound(res, l.runID); found {
				p.applyLoggedEnd(ctx, l, end, q) // read before the failed page: kept, so the next round needs less
			} else {
				l.err = err
			}
		}
		return
	}
	p.log.LogAttrs(ctx, slog.LevelDebug, "searched a log group for the ends of Express runs",
		slog.String("log_group", q.group), slog.Int("runs", len(q.runs)), slog.Int("found", len(res.Found)),
		slog.Int("pages", res.Pages), slog.Bool("truncated", res.Truncated))
	pending := make(map[string]bool, len(res.Pending))
	for _, id := range res.Pending {
		pending[id] = true
	}
	alone := 0 // searches of one run made after the shared one stopped early
	for _, l := range q.runs {
		end, found := res.Found[l.runID]
		truncated := res.Truncated
		if !found && !pending[l.runID] && truncated && len(q.runs) > 1 && alone < maxAloneSearches {
			// The shared query stopped before reading all its window (CloudWatch Logs may answer a large log group
			// with many pages of few or no events): the run is sought again alone, by its ARN.
			alone++
			end, found, truncated, err = p.searchRunAlone(ctx, query, l.runID)
			if err != nil {
				l.err = p.logsError(ctx, q.group, err)
				continue
			}
		}
		switch {
		case found:
			p.applyLoggedEnd(ctx, l, end, q)
		case pending[l.runID]:
			// Not ended, or its end not delivered yet: running as far as anyone can tell.
			p.runningFromLogs(l)
		case truncated:
			// Not proven absent: not ErrRunNotFound, which says the run is not in the log group, but a kind that
			// is retryable, so that WaitPipelineRun keeps following the run.
			l.err = &Error{Op: l.op, API: apiFilterLogEvents, Kind: ErrLogSearchIncomplete, Resource: l.runID,
				Err: fmt.Errorf("the search of log group %s for the run's end stopped after %d FilterLogEvents "+
					"pages with more to read", q.group, maxLogPages),
				Hint: "CloudWatch Logs answers a large log group in many pages; ask again later (WaitPipelineRun does, " +
					"going on from where the search stopped), or share one Config.ExpressResults store between the " +
					"replicas so that runs' ends need no search"}
		default:
			l.err = p.notInLogs(l, q.logging, q.group)
		}
	}
}

// maxAloneSearches bounds the searches of one run each that follow a shared search which stopped early, so that one
// status call over many runs of a busy log group makes a bounded number of FilterLogEvents calls; the runs left over
// get the error saying the search stopped, and are sought again by the next call (the ends found are recorded).
const maxAloneSearches = 10

// searchRunAlone seeks the end of run runID of query alone, by its ARN, over its own window, and returns it,
// whether it was found, and whether that search stopped after maxLogPages pages too.
func (p *Provider) searchRunAlone(ctx context.Context, query logSearchQuery, runID string) (loggedEnd, bool, bool, error) {
	query.Runs = map[string]time.Time{runID: query.Runs[runID]}
	query.Pattern = runEndPattern(runID)
	res, err := p.findLoggedEndsResuming(ctx, query)
	if end, found := logSearchFound(res, runID); found {
		return end, true, false, nil
	}
	if err != nil {
		return loggedEnd{}, false, false, err
	}
	return loggedEnd{}, false, res.Truncated, nil
}

// logSearchFound returns the end of run runID that res (nil after an invalid query) found.
func logSearchFound(res *logSearch, runID string) (loggedEnd, bool) {
	if res == nil {
		return loggedEnd{}, false
	}
	end, found := res.Found[runID]
	return end, found
}

// runningFromLogs makes l a Running run whose end is not in the logs yet.
func (p *Provider) runningFromLogs(l *expressLookup) {
	if !l.held {
		l.rec = expressstore.Result{RunID: l.runID, StateMachineARN: l.arn.Base().String(), Name: l.arn.Name,
			Status: expressstore.StatusRunning, StartedAt: l.started}
	}
}

// applyLoggedEnd records the end of run l read from q's log group: in l, and in the store when it is whole.
func (p *Provider) applyLoggedEnd(ctx context.Context, l *expressLookup, end loggedEnd, q *logQuery) {
	rec := l.rec
	if !l.held {
		rec = expressstore.Result{RunID: l.runID, StateMachineARN: l.arn.Base().String(), StartedAt: l.started}
	}
	rec.Status, rec.Error, rec.Cause, rec.StoppedAt = string(end.Status), end.Error, end.Cause, end.Stopped
	rec.Output = ""
	if end.Status == expressstore.StatusSucceeded {
		switch {
		case end.Unreadable != "":
			l.noOutput = end.Unreadable
		case end.OutputTruncated:
			l.noOutput = "Step Functions truncated its output in the log event (outputs over 248 KB are cut)"
		case !end.OutputIncluded:
			l.noOutput = "its log event carries no output: " + cmp.Or(q.logging.resultsMissing(),
				"the state machine logged it without includeExecutionData")
		default:
			rec.Output = end.Output
		}
	}
	l.rec = rec
	if l.noOutput != "" {
		return // a success without its output is not recorded: the store would answer it as a whole result
	}
	// Record the end so that the next lookup needs no query. A run recorded before keeps its name binding (and the
	// input digest its idempotency key is compared with); one found only in the logs is recorded by run ID alone,
	// since its input, which a start with its key compares, is unknown.
	if err := p.results.Put(context.WithoutCancel(ctx), rec); err != nil {
		p.log.LogAttrs(ctx, slog.LevelWarn, "could not record an Express result read from the logs",
			slog.String("run", rec.RunID), slog.String("error", err.Error()))
	}
}

// notInLogs is the ErrRunNotFound of run l that is neither held by the store nor found in its state machine's log
// group (empty when the machine logs to none).
func (p *Provider) notInLogs(l *expressLookup, logging loggingInfo, group string) *Error {
	e := &Error{Op: l.op, Kind: ErrRunNotFound, Resource: l.runID}
	missing := logging.resultsMissing()
	switch {
	case group == "":
		e.Err = errors.New("the Express result store holds no result for the run, and its state machine logs none")
		e.Hint = missing + "; or share one Config.ExpressResults store between the replicas"
	case l.started.IsZero():
		e.Err = fmt.Errorf("the Express result store holds no result for the run, and its end is not in log group %s "+
			"in the last %v (its name, made from an idempotency key, does not say when it started)", group, unknownStartLookback)
		e.Hint = "check that the caller may read the log group (logs:FilterLogEvents on " + group + ")"
	default:
		e.Err = fmt.Errorf("the Express result store holds no result for the run, and its end is not in log group %s "+
			"(searched from %s, when it started)", group, l.started.UTC().Format(time.RFC3339))
		e.Hint = "check that the caller may read the log group (logs:FilterLogEvents on " + group + "), and that " +
			"CloudWatch Logs kept the events (the log group's retention)"
	}
	if missing != "" && group != "" {
		e.Hint = missing + "; " + e.Hint
	}
	return e
}

// statusOf returns the status of l with params, or its error.
func (l *expressLookup) statusOf(params []Parameter) (RunStatus, error) {
	if l.err != nil {
		return RunStatus{}, l.err
	}
	if l.noOutput != "" && hasOutputParams(params) {
		return RunStatus{}, &Error{Op: l.op, Kind: ErrOutputNotApplied, Resource: l.runID,
			Err:  errors.New("the run succeeded, but its output cannot be read from the logs: " + l.noOutput),
			Hint: "turn on includeExecutionData in the state machine's loggingConfiguration (level ALL), or share one Config.ExpressResults store between the replicas"}
	}
	st := expressStatus(l.rec, params)
	switch {
	case l.noOutput != "":
		st.Message = "the run succeeded; its output is not known: " + l.noOutput
	case l.rec.Status == expressstore.StatusRunning:
		st.Message = "no end of the run in its state machine's CloudWatch Logs yet"
	}
	return st, nil
}

// hasOutputParams reports whether params has an Output or InputOutput parameter.
func hasOutputParams(params []Parameter) bool {
	for _, prm := range params {
		if d, ok := parseDirection(prm.Direction); ok && d != DirectionInput {
			return true
		}
	}
	return false
}

// runEndPattern is the filterPattern that selects the events ending the execution runID.
func runEndPattern(runID string) string {
	return `{ ($.execution_arn = "` + runID + `") && (` + terminalEventsPattern[2:len(terminalEventsPattern)-2] + `) }`
}

// limitedLogs is the Provider's CloudWatch Logs client behind the FilterLogEvents rate limiter.
type limitedLogs struct{ p *Provider }

// FilterLogEvents waits on the rate limiter, then calls CloudWatch Logs.
func (c limitedLogs) FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput,
	optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	if err := c.p.wait(ctx, apiFilterLogEvents, ""); err != nil {
		return nil, err
	}
	return c.p.logs.FilterLogEvents(ctx, in, optFns...)
}

// logsError classifies an error of a FilterLogEvents search of log group, with hints for CloudWatch Logs.
func (p *Provider) logsError(ctx context.Context, group string, err error) error {
	err = p.classify(ctx, apiFilterLogEvents, group, err)
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	e.API, e.Resource = apiFilterLogEvents, group
	switch {
	case errors.Is(e, ErrAccessDenied):
		e.Hint = "grant the caller's IAM role logs:FilterLogEvents on the log group " + group
	case errors.Is(e, ErrThrottled):
		e.Hint = "CloudWatch Logs kept throttling FilterLogEvents (5 per second per account and region, shared with " +
			"every reader of the account's logs); lower Config.RateLimits[\"FilterLogEvents\"] or follow runs less often"
	case apiErrorCode(err) == "ResourceNotFoundException":
		e.Kind = ErrRunNotFound
		e.Hint = "the state machine's log group " + group + " does not exist (deleted?), or is in another region " +
			"than the provider's (" + p.region + ")"
	}
	return e
}

// expressRefs is the Express runs of a status call, deduplicated.
type expressRefs struct {
	byID   map[string]*expressLookup
	lookup []*expressLookup
}

// add notes that ref i names Express run a.
func (r *expressRefs) add(i int, runID string, a sfnarn.ARN) {
	if r.byID == nil {
		r.byID = make(map[string]*expressLookup)
	}
	l, ok := r.byID[runID]
	if !ok {
		l = &expressLookup{runID: runID, arn: a}
		r.byID[runID] = l
		r.lookup = append(r.lookup, l)
	}
	l.refs = append(l.refs, i)
}
