package stepfunctions

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions/expressstore"
	"github.com/polysync/stepfunctions/internal/sfnarn"
)

// This file resolves the Express starts whose answer was lost (ErrOutcomeUnknown) from the state machine's
// CloudWatch Logs. A state machine logging at level ALL writes an ExecutionStarted event for every execution it
// runs, whose execution_arn names the state machine and the execution name; the ARN ends with an ID the caller
// never saw, so the execution is sought by name, with wildcards around it. Its ExecutionStarted event says it ran;
// none within Config.LogDeliveryAllowance of the failure says it did not (delivery is best effort, usually within
// seconds: the allowance is the bet, 5 minutes by default).

// lostStart is an Express start whose answer was lost.
type lostStart struct {
	// Sent is a time before its request went out; Failed is when its failure came back.
	Sent, Failed time.Time
	// Digest is its input's digest (see expressstore.Result.InputDigest).
	Digest string
}

// Bounds of the interval at which the logs are read again while a lost start is resolved: a tenth of the delivery
// allowance, so a short allowance is not overshot, within these. Each read is one FilterLogEvents call (or a few
// pages) through the Provider's FilterLogEvents rate limiter.
const (
	minLostStartPoll = 50 * time.Millisecond
	maxLostStartPoll = 2 * time.Second
)

// lostStartPoll returns the interval at which a lost start is sought again in the logs, for a delivery allowance.
func lostStartPoll(allowance time.Duration) time.Duration {
	return min(max(allowance/10, minLostStartPoll), maxLostStartPoll)
}

// lostStartPattern is the filterPattern that selects the ExecutionStarted and terminal events of the Express
// executions named name of state machine machine: their ARNs are
// arn:<partition>:states:<region>:<account>:express:<machine>:<name>:<id>. Neither name may hold a quote or a
// wildcard (Step Functions refuses names with " or *). Wildcards in JSON string comparisons are documented
// CloudWatch Logs filter syntax; the events are checked again after reading all the same.
func lostStartPattern(machine, name string) string {
	terminal := terminalEventsPattern[2 : len(terminalEventsPattern)-2]
	return `{ ($.execution_arn = "*:express:` + machine + `:` + name + `:*") && (($.type = "ExecutionStarted") || ` +
		terminal + `) }`
}

// loggedRun is an execution found in the logs by name.
type loggedRun struct {
	arn string
	// started is its ExecutionStarted event's time; zero when that event was not seen.
	started time.Time
	// end is its terminal event; end.ExecutionARN is empty while none was seen.
	end loggedEnd
}

// resolveLostStart looks for the execution of lost, a start of r whose answer was lost, in its state machine's
// CloudWatch Logs, reading them every lostStartPoll until it can tell. It returns:
//   - the run and true when the execution ran: the run is recorded in the result store (its name bound to it) as
//     soon as it is seen, and with ExpressSync followed to its end, as StartSyncExecution would have returned it.
//     The run is returned RUNNING (without its end) when ctx ends first, when its end is not delivered by its
//     latest possible end plus the delivery allowance, or when it succeeded and its output is not in the logs
//     (then GetPipelineRunStatus says why).
//   - false when it did not run: no ExecutionStarted (nor end) of it was delivered within the delivery allowance
//     after lost.Failed.
//   - an error saying why the logs cannot tell: this Provider reads no logs, the state machine does not log at
//     level ALL to a log group, reading them failed, or ctx ended before they could tell.
//
// The search is bounded to lost.Sent (less a minute of clock skew) until the latest end of a run started then plus
// the delivery allowance.
func (p *Provider) resolveLostStart(ctx context.Context, r startRequest, lost lostStart) (expressstore.Result, bool, error) {
	if p.logs == nil {
		return expressstore.Result{}, false, errors.New("this Provider reads no CloudWatch Logs (it was built with " +
			"NewWithClient)")
	}
	logging, err := p.machineLogging(ctx, r.sm.Base().String())
	if err != nil {
		return expressstore.Result{}, false, err
	}
	if logging.Level != string(types.LogLevelAll) {
		return expressstore.Result{}, false, fmt.Errorf("the state machine logs at level %s, not ALL, so its "+
			"ExecutionStarted events are not in its logs", cmp.Or(logging.Level, "OFF"))
	}
	group, err := parseLogGroupARN(logging.LogGroupARN)
	if err != nil {
		return expressstore.Result{}, false, fmt.Errorf("the state machine's log destination: %w", err)
	}
	in := &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName:  aws.String(group.Name),
		FilterPattern: aws.String(lostStartPattern(r.sm.StateMachine, r.name)),
		StartTime:     aws.Int64(lost.Sent.Add(-logClockSkew).UnixMilli()),
		EndTime:       aws.Int64(lost.Sent.Add(maxExpressDuration + p.logDelivery + logClockSkew).UnixMilli()),
	}
	notRunAt := lost.Failed.Add(p.logDelivery) // no ExecutionStarted delivered by then: it did not run
	poll := lostStartPoll(p.logDelivery)
	var (
		rec   expressstore.Result
		known bool // the run was seen and recorded
	)
	for {
		searched := p.now()
		run, found, err := p.findLostRun(ctx, in, r)
		switch {
		case err != nil && known:
			return rec, true, nil // the run is recorded; status calls follow it from here
		case err != nil:
			return expressstore.Result{}, false, p.logsError(ctx, logging.LogGroupARN, err)
		case found:
			rec = p.lostRunRecord(r, lost, run)
			if !known || rec.Terminal() {
				p.record(ctx, rec, "could not record an Express run found in the logs")
			}
			if !known {
				p.log.LogAttrs(ctx, slog.LevelInfo, "found in the logs an Express run whose start lost its answer",
					slog.String("job", r.job.ID), slog.String("run", rec.RunID))
			}
			known = true
			endDue := run.started.Add(maxExpressDuration + p.logDelivery + logClockSkew)
			if run.end.ExecutionARN != "" || p.expressMode == ExpressAsync || (!run.started.IsZero() && searched.After(endDue)) {
				return rec, true, nil
			}
		case !searched.Before(notRunAt):
			p.log.LogAttrs(ctx, slog.LevelInfo, "an Express start whose answer was lost is not in the logs: it did not run",
				slog.String("job", r.job.ID), slog.String("name", r.name), slog.String("log_group", logging.LogGroupARN))
			return expressstore.Result{}, false, nil
		}
		wait := poll
		if !known {
			wait = max(min(poll, notRunAt.Sub(p.now())), time.Millisecond)
		}
		if err := p.sleep(ctx, wait); err != nil {
			if known {
				return rec, true, nil
			}
			return expressstore.Result{}, false, fmt.Errorf("ExecutionStarted not seen yet: %w", err)
		}
	}
}

// findLostRun reads the events in selects (see lostStartPattern) and returns the earliest started execution named
// r.name of r's state machine, and whether there is one. A search that stops after maxLogPages pages with more to
// read and none found is an error: it has not shown that there is none.
func (p *Provider) findLostRun(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, r startRequest) (loggedRun, bool, error) {
	runs := make(map[string]*loggedRun)
	pages := cloudwatchlogs.NewFilterLogEventsPaginator(limitedLogs{p}, in, func(o *cloudwatchlogs.FilterLogEventsPaginatorOptions) {
		o.StopOnDuplicateToken = true
	})
	for n := 0; pages.HasMorePages(); n++ {
		if n == maxLogPages {
			if len(runs) == 0 {
				return loggedRun{}, false, fmt.Errorf("the search for execution %s stopped after %d pages with more "+
					"to read", r.name, maxLogPages)
			}
			break
		}
		out, err := pages.NextPage(ctx)
		if err != nil {
			return loggedRun{}, false, err
		}
		for _, e := range out.Events {
			addLostRunEvent(runs, aws.ToString(e.Message), aws.ToInt64(e.Timestamp), r)
		}
	}
	if len(runs) == 0 {
		return loggedRun{}, false, nil
	}
	// Several executions of the name (Step Functions does not deduplicate Express names): the first is the lost
	// start's, or else the one that ran it in its stead.
	all := make([]*loggedRun, 0, len(runs))
	for _, run := range runs {
		all = append(all, run)
	}
	slices.SortFunc(all, func(a, b *loggedRun) int {
		return firstTime(a.started, a.end.Stopped).Compare(firstTime(b.started, b.end.Stopped))
	})
	return *all[0], true, nil
}

// addLostRunEvent adds a log event (msg, logged at epoch ms eventTime) to runs when it is the ExecutionStarted or
// terminal event of an Express execution named r.name of r's state machine.
func addLostRunEvent(runs map[string]*loggedRun, msg string, eventTime int64, r startRequest) {
	var rec loggedRecord
	if len(msg) > maxLogMessageBytes {
		rec.ExecutionARN = recordExecutionARN(msg)
	} else if err := json.Unmarshal([]byte(msg), &rec); err != nil {
		return
	}
	a, err := sfnarn.Parse(rec.ExecutionARN)
	if err != nil || a.Kind != sfnarn.Express || a.Label != "" || a.Name != r.name || a.Base() != r.sm.Base() {
		return
	}
	run := runs[rec.ExecutionARN]
	if run == nil {
		run = &loggedRun{arn: rec.ExecutionARN}
		runs[rec.ExecutionARN] = run
	}
	if end, ok := parseLoggedEnd(msg, eventTime, map[string]time.Time{rec.ExecutionARN: {}}); ok {
		if preferLoggedEnd(end, run.end) {
			run.end = end
		}
		return
	}
	if rec.Type == "ExecutionStarted" {
		ms, err := jsonInt(rec.EventTimestamp)
		if err != nil {
			ms = eventTime
		}
		run.started = time.UnixMilli(ms)
	}
}

// lostRunRecord is the record of run, the execution of lost (a start of r) found in the logs: RUNNING until its end
// is seen whole (a success with its output).
func (p *Provider) lostRunRecord(r startRequest, lost lostStart, run loggedRun) expressstore.Result {
	rec := expressstore.Result{RunID: run.arn, JobID: r.job.ID, StateMachineARN: r.sm.Base().String(), Name: r.name,
		InputDigest: lost.Digest, Owner: p.owner, Status: expressstore.StatusRunning,
		StartedAt: firstTime(run.started, lost.Sent)}
	end := run.end
	if end.ExecutionARN == "" || end.Unreadable != "" || end.Status == "" ||
		(end.Status == types.ExecutionStatusSucceeded && (end.OutputTruncated || !end.OutputIncluded)) {
		return rec // an end that cannot be recorded whole is read again by status calls, which say why
	}
	rec.Status, rec.Error, rec.Cause, rec.StoppedAt = string(end.Status), end.Error, end.Cause, end.Stopped
	if end.Status == types.ExecutionStatusSucceeded {
		rec.Output = end.Output
	}
	return rec
}

// firstTime returns a, or b when a is zero.
func firstTime(a, b time.Time) time.Time {
	if a.IsZero() {
		return b
	}
	return a
}

// unresolvedLostStart is err, the ErrOutcomeUnknown error of a lost start, with why its state machine's logs could
// not tell whether it ran added to its hint.
func unresolvedLostStart(err, why error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	c.Hint = e.Hint + "; the logs could not tell whether it ran: " + why.Error()
	return &c
}

// notStarted is the ErrNotStarted error of r's start, lost twice (err is the second ErrOutcomeUnknown), whose
// executions the logs showed did not run.
func notStarted(r startRequest, err error, allowance time.Duration) *Error {
	e := &Error{Op: "ExecutePipeline", Kind: ErrNotStarted, Resource: r.job.ID, Err: err}
	var u *Error
	if errors.As(err, &u) {
		e.API, e.Err = u.API, u.Err
	}
	e.Hint = fmt.Sprintf("the Express execution %s did not run: its state machine's logs hold no ExecutionStarted "+
		"event of it %v after its start failed, nor after the one new start, which failed the same way; calling "+
		"again starts it", r.name, allowance)
	return e
}

// spentKey is the ErrOutcomeUnknown error of an idempotent Express start whose key an earlier start lost the answer
// of, when the logs still cannot tell (why) whether that start ran.
func spentKey(r startRequest, why error) *Error {
	return &Error{Op: "ExecutePipeline", Kind: ErrOutcomeUnknown, Resource: r.job.ID,
		Err: fmt.Errorf("an earlier start with this idempotency key lost its answer, so its execution may have run; "+
			"it is not started again, and the logs cannot tell: %w", why),
		Hint: "look for execution " + r.name + " in the state machine's CloudWatch Logs; start with a new idempotency key " +
			"to run it again"}
}

// idempotentLookback is how far back the logs are searched for a run of an idempotency key that another process
// may have started (see findStartedElsewhere). It matches the lookback of status calls for runs named from a key.
const idempotentLookback = 24 * time.Hour

// findStartedElsewhere looks in r's state machine's logs, when it logs at level ALL, for an execution of r's
// idempotent name started in the last idempotentLookback by another process (this Provider's store is its own, so
// it cannot know), and returns it as resolveLostStart does: recorded, and with ExpressSync followed to its end. It
// reports false when the logs show none, and when they cannot tell (no logs, another level, a failed read), which
// is logged: the caller then starts the execution. A start in the last seconds, whose events are not delivered yet,
// is not seen: only a shared store (Config.ExpressResults) closes that window. The input of a run found this way is
// not compared with r's (its ExecutionStarted event holds it only with includeExecutionData).
func (p *Provider) findStartedElsewhere(ctx context.Context, r startRequest, digest string) (expressstore.Result, bool) {
	if p.logs == nil {
		return expressstore.Result{}, false
	}
	logging, err := p.machineLogging(ctx, r.sm.Base().String())
	if err != nil || logging.Level != string(types.LogLevelAll) {
		return expressstore.Result{}, false
	}
	group, err := parseLogGroupARN(logging.LogGroupARN)
	if err != nil {
		return expressstore.Result{}, false
	}
	now := p.now()
	in := &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName:  aws.String(group.Name),
		FilterPattern: aws.String(lostStartPattern(r.sm.StateMachine, r.name)),
		StartTime:     aws.Int64(now.Add(-idempotentLookback).UnixMilli()),
		EndTime:       aws.Int64(now.Add(logClockSkew).UnixMilli()),
	}
	run, found, err := p.findLostRun(ctx, in, r)
	if err != nil {
		p.log.LogAttrs(ctx, slog.LevelWarn, "could not look in the logs for an earlier run of an idempotency key; starting it",
			slog.String("job", r.job.ID), slog.String("name", r.name), slog.String("error", err.Error()))
		return expressstore.Result{}, false
	}
	if !found {
		return expressstore.Result{}, false
	}
	p.log.LogAttrs(ctx, slog.LevelInfo, "found in the logs an Express run of the idempotency key started elsewhere",
		slog.String("job", r.job.ID), slog.String("run", run.arn))
	started := firstTime(run.started, now)
	rec, ran, why := p.resolveLostStart(ctx, r, lostStart{Sent: started, Failed: now, Digest: digest})
	if why != nil || !ran {
		// The run was seen: return what is known of it rather than start a second one.
		rec = p.lostRunRecord(r, lostStart{Sent: started, Failed: now, Digest: digest}, run)
		p.record(ctx, rec, "could not record an Express run found in the logs")
	}
	return rec, true
}
