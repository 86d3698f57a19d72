package stepfunctions

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/uuid"
	"golang.org/x/sync/singleflight"

	"github.com/polysync/stepfunctions/expressstore"
	"github.com/polysync/stepfunctions/internal/sfnops"
)

// Express results are kept in a Store (Config.ExpressResults): the bounded in-memory one by default, or one the
// host's replicas share.
const (
	// expressClaimTTL is how long the claim of an idempotent Express start's name holds: the longest Express run
	// (5 minutes) with room for the wait on the rate limiter and for clock differences between replicas.
	expressClaimTTL = 6 * time.Minute
	// expressClaimPoll is how often a start waiting on another replica's claim of its name looks again.
	expressClaimPoll = time.Second
)

// startExpress runs an Express execution with StartSyncExecution and records its result in the result store.
//
// Step Functions does not deduplicate Express names, so for an idempotent start the Provider does: the start
// claims its execution name in the result store, and only the winner runs the execution; the others (concurrent
// callers of this Provider share the winner's start, other replicas sharing the store wait for its record)
// return the recorded run, or ErrIdempotencyConflict for a different input. A caller waiting on another's start
// stops waiting when its own ctx ends; if the start fails before its request went out, its claim is released and
// a waiter whose ctx is still live starts the run itself. A start whose answer was lost (ErrOutcomeUnknown) is
// resolved from the state machine's logs where they can tell (see runExpress); where they cannot, the key is
// spent: its claim is kept until it expires, and while this Provider remembers the key a start with it asks the
// logs again, and is ErrOutcomeUnknown too while they cannot tell.
func (p *Provider) startExpress(ctx context.Context, r startRequest) (PipelineRun, error) {
	if p.expressMode == ExpressAsync {
		if err := p.checkAsyncLogging(ctx, r); err != nil {
			return PipelineRun{}, err
		}
	}
	sum := sha256.Sum256([]byte(r.input))
	digest := hex.EncodeToString(sum[:])
	if !r.idempotent {
		rec, err := p.runExpress(ctx, r, digest)
		if err != nil {
			return PipelineRun{}, err
		}
		return p.expressRun(rec, r.params), nil
	}
	for {
		var led atomic.Bool // whether this caller's function ran: it started the execution or found the record
		ch := p.expressFlight.DoChan(r.name, func() (any, error) {
			led.Store(true)
			return p.claimAndRunExpress(ctx, r, digest)
		})
		var res singleflight.Result
		select {
		case res = <-ch:
		case <-ctx.Done():
			if !led.Load() {
				return PipelineRun{}, &Error{Op: "ExecutePipeline", Resource: r.job.ID, Err: ctx.Err()}
			}
			// This caller's own start is under way with its ctx, so it ends promptly; its error says whether the
			// request went out.
			res = <-ch
		}
		if res.Err != nil {
			if !led.Load() && ctx.Err() == nil && !errors.Is(res.Err, ErrOutcomeUnknown) &&
				(errors.Is(res.Err, context.Canceled) || errors.Is(res.Err, context.DeadlineExceeded)) {
				continue // the caller that started it gave up before its request went out; this one has not
			}
			return PipelineRun{}, res.Err
		}
		rec := res.Val.(expressstore.Result)
		if rec.InputDigest != digest {
			return PipelineRun{}, differentParameters(cmp.Or(rec.RunID, r.name), nil)
		}
		return p.expressRun(rec, r.params), nil
	}
}

// claimAndRunExpress claims r's execution name in the result store and runs the execution when this caller
// wins, or returns the record of the run the name already denotes.
func (p *Provider) claimAndRunExpress(ctx context.Context, r startRequest, digest string) (expressstore.Result, error) {
	if lost, spent := p.spent.get(r.name); spent {
		rec, ran, why := p.resolveLostStart(ctx, r, lost)
		switch {
		case why != nil:
			return expressstore.Result{}, spentKey(r, why)
		case ran:
			p.spent.remove(r.name)
			return rec, nil
		}
		// It did not run: give up the claim the lost start kept, and start afresh.
		if err := p.results.Release(ctx, r.name, p.owner); err != nil {
			return expressstore.Result{}, p.storeError(ctx, r.job.ID, "release the execution name "+r.name, err)
		}
		p.spent.remove(r.name)
	}
	rec, won, err := p.claimExpressName(ctx, r, digest)
	if err != nil {
		return expressstore.Result{}, err
	}
	if !won {
		if rec.RunID != "" {
			p.log.LogAttrs(ctx, slog.LevelInfo, "returned recorded Express run for idempotency key",
				slog.String("job", r.job.ID), slog.String("run", rec.RunID))
		}
		return rec, nil // a run, or another start's claim with another input: startExpress compares the digest
	}
	if p.resultsLocal {
		// No other process shares this Provider's store: another one may have run the key already, which only
		// the state machine's logs can tell.
		if rec, ran := p.findStartedElsewhere(ctx, r, digest); ran {
			return rec, nil
		}
	}
	rec, err = p.runExpress(ctx, r, digest)
	if err != nil {
		if !errors.Is(err, ErrOutcomeUnknown) {
			// Nothing ran: let the next start of the key (here or in another replica) run it.
			p.releaseExpressClaim(ctx, r.name, "an Express start that did not run")
		}
		return expressstore.Result{}, err
	}
	return rec, nil
}

// expressReleaseTimeout bounds the release of a claim by a start that ran nothing, which is made after the caller's
// ctx may have ended.
const expressReleaseTimeout = 10 * time.Second

// releaseExpressClaim gives up this Provider's pending claim of name, if it holds one, so that the next start of the
// key (here or in another replica) runs at once instead of waiting up to expressClaimTTL for it to expire. It runs
// with a ctx of its own, bounded by expressReleaseTimeout, since the caller's may have ended; a failure is logged,
// saying whose claim (what) could not be released, and the claim then expires.
func (p *Provider) releaseExpressClaim(ctx context.Context, name, what string) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), expressReleaseTimeout)
	defer cancel()
	if err := p.results.Release(rctx, name, p.owner); err != nil {
		p.log.LogAttrs(ctx, slog.LevelWarn, "could not release the claim of "+what,
			slog.String("name", name), slog.String("error", err.Error()))
	}
}

// claimExpressName claims r's execution name in the result store for a start with input digest (see
// expressstore.ClaimOrWait).
func (p *Provider) claimExpressName(ctx context.Context, r startRequest, digest string) (expressstore.Result, bool, error) {
	claim := expressstore.Result{Name: r.name, JobID: r.job.ID, StateMachineARN: r.sm.Base().String(),
		InputDigest: digest, Owner: p.owner}
	claims := &claimFailures{Store: p.results}
	rec, won, err := expressstore.ClaimOrWait(ctx, claims, claim, expressClaimTTL, expressClaimPoll)
	if errors.Is(err, expressstore.ErrInvalid) {
		// A name (chosen with WithName) that is no execution name: Step Functions would refuse it (InvalidName)
		// as every store does (see expressstore.ValidateText).
		e := invalid(opOf(ctx), "%w", err)
		e.Resource = r.job.ID
		return expressstore.Result{}, false, e
	}
	if err != nil {
		if claims.last != nil {
			// The claim failed mid-statement (its ctx ended, its connection broke): the store may have recorded it
			// all the same, which would block the key until the claim expired. Nothing has run, so give it up.
			p.releaseExpressClaim(ctx, r.name, "an Express start whose claim failed")
		}
		return expressstore.Result{}, false, p.storeError(ctx, r.job.ID, "claim the execution name "+r.name, err)
	}
	return rec, won, nil
}

// claimFailures is the result store as claimExpressName's ClaimOrWait calls it, remembering the error of the last
// Claim: an error there means the claim may have been recorded, while one of the wait between claims (its ctx ended)
// follows a Claim that lost cleanly to another start's claim, which must not be released.
type claimFailures struct {
	expressstore.Store
	last error
}

// Claim implements expressstore.Store.
func (c *claimFailures) Claim(ctx context.Context, r expressstore.Result, ttl time.Duration) (expressstore.Result, bool, error) {
	rec, won, err := c.Store.Claim(ctx, r, ttl)
	c.last = err
	return rec, won, err
}

// runExpress runs one Express execution with StartSyncExecution and records its result, or with ExpressAsync
// starts it (see startAsyncExpress). A start whose answer was lost (ErrOutcomeUnknown) is looked for in the state
// machine's CloudWatch Logs before anything is returned (see resolveLostStart): found, it is the run; not run, it
// is started once more (an idempotent one after claiming its name afresh, since the wait may have outlived the
// claim); when the logs cannot tell, the error stands and r's idempotency key is spent.
func (p *Provider) runExpress(ctx context.Context, r startRequest, digest string) (expressstore.Result, error) {
	start := p.startSyncExpress
	if p.expressMode == ExpressAsync {
		start = p.startAsyncExpress
	}
	for restarted := false; ; restarted = true {
		lost := lostStart{Sent: p.now(), Digest: digest}
		rec, err := start(ctx, r, digest)
		if !errors.Is(err, ErrOutcomeUnknown) {
			return rec, err
		}
		lost.Failed = p.now()
		rec, ran, why := p.resolveLostStart(ctx, r, lost)
		switch {
		case why != nil:
			if r.idempotent {
				p.spent.put(r.name, lost) // the key is spent: see spentKey
			}
			return expressstore.Result{}, unresolvedLostStart(err, why)
		case ran:
			return rec, nil
		case restarted:
			return expressstore.Result{}, notStarted(r, err, p.logDelivery)
		}
		if r.idempotent {
			// The wait for the logs may have outlived the claim of the name, which another start of the key may
			// hold now: claim it afresh, and return that start's run instead if it has one.
			if err := p.results.Release(ctx, r.name, p.owner); err != nil {
				return expressstore.Result{}, p.storeError(ctx, r.job.ID, "release the execution name "+r.name, err)
			}
			rec, won, err := p.claimExpressName(ctx, r, digest)
			if err != nil || !won {
				return rec, err
			}
		}
		p.log.LogAttrs(ctx, slog.LevelWarn, "an Express start whose answer was lost did not run; starting it again",
			slog.String("job", r.job.ID), slog.String("name", r.name))
	}
}

// startSyncExpress runs one Express execution with StartSyncExecution and records its result.
func (p *Provider) startSyncExpress(ctx context.Context, r startRequest, digest string) (expressstore.Result, error) {
	out, err := sendExpressStart(ctx, p, r, sfnops.StartSyncExecution, p.client.StartSyncExecution, r.syncInput())
	if err != nil {
		return expressstore.Result{}, err
	}
	rec := p.expressResult(r, digest, out.ExecutionArn, out.StartDate)
	rec.Status = string(out.Status)
	rec.Output = aws.ToString(out.Output)
	rec.Error = aws.ToString(out.Error)
	rec.Cause = aws.ToString(out.Cause)
	rec.StoppedAt = aws.ToTime(out.StopDate)
	p.log.LogAttrs(ctx, slog.LevelInfo, "ran Express execution",
		slog.String("job", r.job.ID), slog.String("run", rec.RunID), slog.String("status", rec.Status),
		slog.Int("input_bytes", len(r.input)), slog.Int("output_bytes", len(rec.Output)))
	p.record(ctx, rec, "could not record an Express result")
	return rec, nil
}

// expressResult is the record of r's Express run runID, started at startDate, with what the synchronous and the
// asynchronous start both know of it; the caller adds its status.
func (p *Provider) expressResult(r startRequest, digest string, runID *string, startDate *time.Time) expressstore.Result {
	return expressstore.Result{
		RunID:           aws.ToString(runID),
		JobID:           r.job.ID,
		StateMachineARN: r.sm.Base().String(),
		Name:            r.name,
		InputDigest:     digest,
		Owner:           p.owner,
		StartedAt:       aws.ToTime(startDate),
	}
}

// record puts rec in the result store, even when the caller's ctx has just ended: the run has happened. A failure
// is logged with msg; the caller still gets the run, only later lookups of it (and of its key) miss it.
func (p *Provider) record(ctx context.Context, rec expressstore.Result, msg string) {
	if err := p.results.Put(context.WithoutCancel(ctx), rec); err != nil {
		p.log.LogAttrs(ctx, slog.LevelWarn, msg, slog.String("run", rec.RunID), slog.String("error", err.Error()))
	}
}

// sendExpressStart makes the call (of api, StartSyncExecution or StartExecution, with in) that starts the Express
// execution of r. Step Functions does not deduplicate Express names, so the call's retries are limited to throttling (see
// retryThrottlesOnly), and a request that may have been processed and whose answer was lost is ErrOutcomeUnknown
// (see outcomeUnknown).
func sendExpressStart[In, Out any](ctx context.Context, p *Provider, r startRequest, api string,
	call func(context.Context, In, ...func(*sfn.Options)) (Out, error), in In) (Out, error) {
	var zero Out
	if err := p.wait(ctx, api, r.job.ID); err != nil {
		return zero, err
	}
	var sent sendTracker
	out, err := call(ctx, in, retryThrottlesOnly, sent.install)
	switch {
	case err == nil:
		return out, nil
	case !sent.mayHaveRun.Load():
		return zero, p.classify(ctx, api, r.job.ID, err)
	}
	p.log.LogAttrs(ctx, slog.LevelWarn, "lost the answer of "+api+"; the Express execution may have run",
		slog.String("job", r.job.ID), slog.String("name", r.name), slog.String("error", err.Error()))
	return zero, outcomeUnknown(r, api, err)
}

// storeError wraps an error of the result store met while doing what.
func (p *Provider) storeError(ctx context.Context, resource, what string, err error) *Error {
	return &Error{Op: opOf(ctx), Resource: resource, Err: fmt.Errorf("express result store: %s: %w", what, err),
		Hint: "check the store given as Config.ExpressResults (its database, its connection)"}
}

// expressRun builds the PipelineRun of a recorded Express run; its Status is set once the run has ended.
func (p *Provider) expressRun(rec expressstore.Result, params []Parameter) PipelineRun {
	run := PipelineRun{RunID: rec.RunID, JobID: rec.JobID, Name: rec.Name, StartedAt: rec.StartedAt}
	if rec.Terminal() {
		st := expressStatus(rec, params)
		run.Status = &st
	}
	run.ConsoleURL, _ = consoleURL(rec.RunID, rec.StartedAt)
	return run
}

// expressStatus maps a recorded Express result to a RunStatus, applying outputs on success.
func expressStatus(rec expressstore.Result, params []Parameter) RunStatus {
	return buildStatus(rec.RunID, rec.Status, rec.Output, rec.Error, rec.Cause, rec.StartedAt, rec.StoppedAt, params)
}

// retryThrottlesOnly restricts the retries of a StartSyncExecution call to throttling errors. Express
// executions are not idempotent, and after a server error or a dropped connection the execution may have run
// already, so retrying could run it twice; a throttled request was rejected before anything ran.
func retryThrottlesOnly(o *sfn.Options) {
	if o.Retryer != nil {
		o.Retryer = throttleOnlyRetryer{o.Retryer}
	}
}

// throttleOnlyRetryer wraps a retryer so that only throttling errors are retryable.
type throttleOnlyRetryer struct{ aws.Retryer }

// IsErrorRetryable reports whether err is a throttling error the wrapped retryer would retry.
func (r throttleOnlyRetryer) IsErrorRetryable(err error) bool {
	return isThrottleCode(apiErrorCode(err)) && r.Retryer.IsErrorRetryable(err)
}

// GetAttemptToken implements aws.RetryerV2.
func (r throttleOnlyRetryer) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	if v2, ok := r.Retryer.(aws.RetryerV2); ok {
		return v2.GetAttemptToken(ctx)
	}
	return r.Retryer.GetInitialToken(), nil
}

// minHTTPTimeout is the shortest overall timeout New accepts for Config.HTTPClient: StartSyncExecution answers when
// the Express execution ends, up to 5 minutes after the start, and the request and its answer take time too.
//
// New refuses a shorter client rather than raising the timeout for StartSyncExecution calls: the client is the
// caller's (it may be shared, or wrap others whose timeouts cannot be seen), and a timeout silently overridden for
// some calls would surprise whoever set it. A ctx deadline bounds each call instead.
const minHTTPTimeout = 5*time.Minute + 30*time.Second

// httpClientTimeout returns the shortest timeout of c that can end a request before its answer, with the name of
// its setting: the client's Timeout, its transport's ResponseHeaderTimeout, or (for the SDK's
// *awshttp.BuildableClient) its read timeout. It returns 0 when c is neither an *http.Client nor a BuildableClient,
// or sets none of them.
func httpClientTimeout(c aws.HTTPClient) (time.Duration, string) {
	type setting struct {
		d    time.Duration
		name string
	}
	var settings []setting
	var transport http.RoundTripper
	switch c := c.(type) {
	case *http.Client:
		settings = append(settings, setting{c.Timeout, "Timeout"})
		transport = c.Transport
	case *awshttp.BuildableClient:
		settings = append(settings, setting{c.GetTimeout(), "Timeout"})
		if d, ok := c.GetReadTimeout(); ok {
			settings = append(settings, setting{d, "read timeout"})
		}
		transport = c.GetTransport()
	}
	if t, ok := transport.(*http.Transport); ok && t != nil {
		settings = append(settings, setting{t.ResponseHeaderTimeout, "transport's ResponseHeaderTimeout"})
	}
	shortest := setting{}
	for _, s := range settings {
		if s.d > 0 && (shortest.d == 0 || s.d < shortest.d) {
			shortest = s
		}
	}
	return shortest.d, shortest.name
}

// sendTracker is an HTTP client for one call that records whether its last attempt may have been processed by
// Step Functions: the request went out on a connection (or, with a client that reports no connection events, it
// failed other than while connecting) and no refusal (a 4xx answer) came back.
type sendTracker struct {
	next       aws.HTTPClient
	mayHaveRun atomic.Bool
	// anyMayHaveRun records whether any attempt of the call may have been processed, for calls whose retries are
	// not limited to throttling (a Standard start).
	anyMayHaveRun atomic.Bool
}

// install is the per-call option that puts the tracker in front of the call's HTTP client.
func (s *sendTracker) install(o *sfn.Options) {
	s.next = o.HTTPClient
	o.HTTPClient = s
}

// Do sends req through the wrapped client and records the attempt's outcome.
func (s *sendTracker) Do(req *http.Request) (*http.Response, error) {
	var connecting, connected atomic.Bool
	trace := &httptrace.ClientTrace{
		GetConn: func(string) { connecting.Store(true) },
		GotConn: func(httptrace.GotConnInfo) { connected.Store(true) },
	}
	resp, err := s.next.Do(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
	refused := err == nil && resp.StatusCode >= 400 && resp.StatusCode < 500
	// Once connected, the request is being written: whether Step Functions read it all cannot be told apart from
	// the client's side (the transport reports the end of the write asynchronously), so it may have.
	sent := err == nil || connected.Load() || (!connecting.Load() && !isConnectError(err))
	s.mayHaveRun.Store(sent && !refused)
	if sent && !refused {
		s.anyMayHaveRun.Store(true)
	}
	return resp, err
}

// isConnectError reports whether err failed the connection to the endpoint, before any request was sent.
func isConnectError(err error) bool {
	var op *net.OpError
	var dns *net.DNSError
	return errors.As(err, &dns) || (errors.As(err, &op) && op.Op == "dial")
}

// outcomeUnknown is the ErrOutcomeUnknown error of the start r of an Express execution (a call of api) whose request
// was sent and whose answer was lost (err), or was a server error.
//
// A 5xx answer is treated as a lost one. What Step Functions guarantees for a server error of StartSyncExecution or
// StartExecution is not documented (UNCONFIRMED): it may come from a front end that never passed the request on, or
// after the execution started (StartSyncExecution answers when the execution ends, up to 5 minutes later). So after
// a 5xx the execution may have run, and only its logs can tell. (sfnlocal answers its injected 500 and 503 before
// anything runs, and drops a connection after the execution ran: resolveLostStart tells the two apart.)
func outcomeUnknown(r startRequest, api string, err error) *Error {
	e := &Error{Op: "ExecutePipeline", API: api, Kind: ErrOutcomeUnknown, Resource: r.job.ID, Err: err}
	look := ", and starting it again may run it twice: look for it in the state machine's CloudWatch Logs first " +
		"(level ALL logs its ExecutionStarted event)"
	if status := serverErrorStatus(err); status != 0 {
		e.Hint = fmt.Sprintf("Step Functions answered HTTP %d; whether it ran the Express execution %s before failing "+
			"is not documented, so it may have run%s", status, r.name, look)
	} else {
		e.Hint = "the request reached Step Functions but its answer was lost, so the Express execution " + r.name +
			" may have run" + look
	}
	return e
}

// serverErrorStatus returns the HTTP status of err's answer when it is a server error (5xx), or 0.
func serverErrorStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() >= 500 {
		return re.HTTPStatusCode()
	}
	return 0
}

// newOwner names a Provider in the claims of idempotent Express starts: the host, the process and a random
// part, so that two Providers of one process are told apart too.
func newOwner() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), uuid.NewString()[:8])
}
