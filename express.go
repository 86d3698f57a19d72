package stepfunctions

import (
	"context"
	"crypto/sha256"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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
// waiting when its own ctx ends; if the start fails because the starting caller's ctx ended, a waiter whose ctx
// is still live starts the run itself.
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
		led := false // whether this caller's function ran: it started the execution or found the record
		ch := p.expressFlight.DoChan(r.name, func() (any, error) {
			led = true
			if runID, ok := p.expressByName.get(r.name); ok {
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
			return PipelineRun{}, &Error{Op: "ExecutePipeline", Resource: r.job.ID, Err: ctx.Err()}
		}
		if res.Err != nil {
			if !led && ctx.Err() == nil && (errors.Is(res.Err, context.Canceled) || errors.Is(res.Err, context.DeadlineExceeded)) {
				continue // the caller that started it gave up; this one has not
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
	out, err := p.client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{
		StateMachineArn: aws.String(r.job.ID),
		Name:            aws.String(r.name),
		Input:           aws.String(r.input),
		TraceHeader:     optional(r.trace),
	}, retryThrottlesOnly)
	if err != nil {
		return "", expressRecord{}, classify(apiStartSyncExecution, r.job.ID, p.region, err)
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
