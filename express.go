package stepfunctions

import (
	"context"
	"crypto/sha256"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"golang.org/x/sync/singleflight"
)

// expressRecord is the result of an Express run, kept so that GetPipelineRunStatus can answer for it.
type expressRecord struct {
	jobID     string
	name      string
	inputHash [sha256.Size]byte
	status    string // SUCCEEDED, FAILED or TIMED_OUT
	output    string
	errName   string
	cause     string
	startedAt time.Time
	stoppedAt time.Time
}

// size is what the record counts against Config.ExpressResultBytes: its variable-length fields.
func (r expressRecord) size() int {
	return len(r.jobID) + len(r.name) + len(r.status) + len(r.output) + len(r.errName) + len(r.cause)
}

// startExpress runs an Express execution with StartSyncExecution and records its result.
//
// Step Functions does not deduplicate Express names, so for an idempotent start the Provider does: while it holds
// the result recorded for the same name it returns that run (or ErrIdempotencyConflict for a different input),
// and concurrent starts with the same name share one execution. A caller waiting on another's start stops
// waiting when its own ctx ends; if the start fails because the starting caller's ctx ended before its request
// went out, a waiter whose ctx is still live starts the run itself. After a start whose answer was lost
// (ErrOutcomeUnknown) the key is spent: while the Provider remembers it, a start with it is ErrOutcomeUnknown too.
func (p *Provider) startExpress(ctx context.Context, r startRequest) (PipelineRun, error) {
	hash := sha256.Sum256([]byte(r.input))
	if !r.idempotent {
		runID, rec, err := p.runExpress(ctx, r, hash)
		if err != nil {
			return PipelineRun{}, err
		}
		return p.expressRun(runID, rec, r.params), nil
	}
	type result struct {
		runID string
		rec   expressRecord
	}
	for {
		var led atomic.Bool // whether this caller's function ran: it started the execution or found the record
		ch := p.expressFlight.DoChan(r.name, func() (any, error) {
			led.Store(true)
			if runID, ok := p.expressByName.get(r.name); ok {
				if runID == "" {
					return result{}, spentKey(r)
				}
				if rec, ok := p.express.get(runID); ok {
					p.log.LogAttrs(ctx, slog.LevelInfo, "returned recorded Express run for idempotency key",
						slog.String("job", r.job.ID), slog.String("run", runID))
					return result{runID, rec}, nil
				}
			}
			runID, rec, err := p.runExpress(ctx, r, hash)
			return result{runID, rec}, err
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
		got := res.Val.(result)
		if got.rec.inputHash != hash {
			return PipelineRun{}, differentParameters(got.runID, nil)
		}
		return p.expressRun(got.runID, got.rec, r.params), nil
	}
}

// runExpress runs one Express execution with StartSyncExecution and records its result.
func (p *Provider) runExpress(ctx context.Context, r startRequest, hash [sha256.Size]byte) (string, expressRecord, error) {
	if err := p.wait(ctx, apiStartSyncExecution, r.job.ID); err != nil {
		return "", expressRecord{}, err
	}
	var sent sendTracker
	out, err := p.client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{
		StateMachineArn: aws.String(r.job.ID),
		Name:            aws.String(r.name),
		Input:           aws.String(r.input),
		TraceHeader:     optional(r.trace),
	}, retryThrottlesOnly, sent.install)
	if err != nil {
		if !sent.mayHaveRun.Load() {
			return "", expressRecord{}, p.classify(ctx, apiStartSyncExecution, r.job.ID, err)
		}
		if r.idempotent {
			p.expressByName.put(r.name, "") // the key is spent: see spentKey
		}
		p.log.LogAttrs(ctx, slog.LevelWarn, "lost the answer of StartSyncExecution; the Express execution may have run",
			slog.String("job", r.job.ID), slog.String("name", r.name), slog.String("error", err.Error()))
		return "", expressRecord{}, outcomeUnknown(r, err)
	}
	runID := aws.ToString(out.ExecutionArn)
	rec := expressRecord{
		jobID:     r.job.ID,
		name:      r.name,
		inputHash: hash,
		status:    string(out.Status),
		output:    aws.ToString(out.Output),
		errName:   aws.ToString(out.Error),
		cause:     aws.ToString(out.Cause),
		startedAt: aws.ToTime(out.StartDate),
		stoppedAt: aws.ToTime(out.StopDate),
	}
	p.express.put(runID, rec)
	p.expressByName.put(r.name, runID)
	p.log.LogAttrs(ctx, slog.LevelInfo, "ran Express execution",
		slog.String("job", r.job.ID), slog.String("run", runID), slog.String("status", rec.status),
		slog.Int("input_bytes", len(r.input)), slog.Int("output_bytes", len(rec.output)))
	return runID, rec, nil
}

// expressRun builds the PipelineRun of a recorded Express run.
func (p *Provider) expressRun(runID string, rec expressRecord, params []Parameter) PipelineRun {
	st := expressStatus(runID, rec, params)
	run := PipelineRun{RunID: runID, JobID: rec.jobID, Name: rec.name, StartedAt: rec.startedAt, Status: &st}
	run.ConsoleURL, _ = consoleURL(runID, rec.startedAt)
	return run
}

// expressStatus maps a recorded Express result to a RunStatus, applying outputs on success.
func expressStatus(runID string, rec expressRecord, params []Parameter) RunStatus {
	return buildStatus(runID, rec.status, rec.output, rec.errName, rec.cause, rec.startedAt, rec.stoppedAt, params)
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
	return resp, err
}

// isConnectError reports whether err failed the connection to the endpoint, before any request was sent.
func isConnectError(err error) bool {
	var op *net.OpError
	var dns *net.DNSError
	return errors.As(err, &dns) || (errors.As(err, &op) && op.Op == "dial")
}

// outcomeUnknown is the ErrOutcomeUnknown error of StartSyncExecution call r whose request was sent and whose
// answer was lost (err).
func outcomeUnknown(r startRequest, err error) *Error {
	return &Error{Op: "ExecutePipeline", API: apiStartSyncExecution, Kind: ErrOutcomeUnknown, Resource: r.job.ID, Err: err,
		Hint: "the request reached Step Functions but its answer was lost, so the Express execution " + r.name +
			" may have run, and starting it again may run it twice: look for it in the state machine's CloudWatch Logs first"}
}

// spentKey is the ErrOutcomeUnknown error of an idempotent Express start whose key an earlier start lost the answer
// of.
func spentKey(r startRequest) *Error {
	return &Error{Op: "ExecutePipeline", Kind: ErrOutcomeUnknown, Resource: r.job.ID,
		Err: errors.New("an earlier start with this idempotency key lost its answer, so its execution may have run; " +
			"it is not started again"),
		Hint: "look for execution " + r.name + " in the state machine's CloudWatch Logs; start with a new idempotency key " +
			"to run it again"}
}
