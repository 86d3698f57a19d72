package stepfunctions

import (
	"context"
	"errors"
	"log/slog"

	"github.com/polysync/stepfunctions/expressstore"
	"github.com/polysync/stepfunctions/internal/sfnarn"
	"github.com/polysync/stepfunctions/internal/sfnops"
)

// checkAsyncLogging refuses an ExpressAsync start of r's state machine when its runs' ends cannot be read back
// from its CloudWatch Logs, before anything starts.
func (p *Provider) checkAsyncLogging(ctx context.Context, r startRequest) error {
	if p.logs == nil {
		return &Error{Op: "ExecutePipeline", Kind: ErrNotSupported, Resource: r.job.ID,
			Err: errors.New("Config.ExpressMode ExpressAsync needs a CloudWatch Logs client, which this Provider has not")}
	}
	logging, err := p.machineLogging(ctx, r.sm.Base().String())
	if err != nil {
		return err
	}
	if missing := logging.resultsMissing(); missing != "" {
		return &Error{Op: "ExecutePipeline", Kind: ErrNotSupported, Resource: r.job.ID,
			Err: errors.New("Config.ExpressMode ExpressAsync cannot follow the runs of this state machine, nothing was " +
				"started: " + missing),
			Hint: "change the state machine's loggingConfiguration (the Provider looks at it again within 15 minutes), " +
				"or run it with Config.ExpressMode ExpressSync"}
	}
	return nil
}

// startAsyncExpress starts one Express execution with StartExecution and records it, RUNNING, in the result store;
// its end is read from the state machine's CloudWatch Logs later (see expressStatuses).
//
// Its call is made as StartSyncExecution's is (see sendExpressStart), on the rate limit of Express starts
// (ExpressStartRateLimit), apart from the Standard StartExecution one.
func (p *Provider) startAsyncExpress(ctx context.Context, r startRequest, digest string) (expressstore.Result, error) {
	out, err := sendExpressStart(withExpressStart(ctx), p, r, sfnops.StartExecution, p.client.StartExecution, r.startInput())
	if err != nil {
		return expressstore.Result{}, err
	}
	rec := p.expressResult(r, digest, out.ExecutionArn, out.StartDate)
	rec.Status = expressstore.StatusRunning
	if a, err := sfnarn.Parse(rec.RunID); err == nil && a.Kind != sfnarn.Express {
		// The state machine is Standard now (re-created under the same name): the run is a Standard one, which
		// GetPipelineRunStatus describes.
		p.rememberType(rec.StateMachineARN, TypeStandard)
		p.started.put(rec.RunID, p.now())
	}
	p.log.LogAttrs(ctx, slog.LevelInfo, "started Express execution asynchronously",
		slog.String("job", r.job.ID), slog.String("run", rec.RunID), slog.Int("input_bytes", len(r.input)))
	// Not recorded, the run goes on; its status is still found in the logs (by its name's time for
	// Polysync-<UUIDv7>).
	p.record(ctx, rec, "could not record an asynchronous Express start")
	return rec, nil
}
