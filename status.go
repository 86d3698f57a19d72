package stepfunctions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/polysync/stepfunctions/internal/sfnarn"
	"github.com/polysync/stepfunctions/internal/sfnops"
)

// MapStatus maps a Step Functions execution status (case-insensitively) to a RunState:
//
//	RUNNING, PENDING_REDRIVE  Running
//	SUCCEEDED                 Success
//	FAILED, TIMED_OUT         Failed
//	ABORTED                   Cancelled
//	anything else             Unknown
func MapStatus(status string) RunState {
	switch strings.ToUpper(strings.TrimSpace(status)) {
	case "RUNNING", "PENDING_REDRIVE":
		return RunStateRunning
	case "SUCCEEDED":
		return RunStateSuccess
	case "FAILED", "TIMED_OUT":
		return RunStateFailed
	case "ABORTED":
		return RunStateCancelled
	}
	return RunStateUnknown
}

// GetPipelineRunStatus returns the status of a run. For a Standard run it calls DescribeExecution; on success
// the output is applied to params (see ApplyOutput) and returned in Output and Parameters (a copy; params is
// not modified), and Message says which output parameters the output had no property for, or why it could not
// be applied. A failed run's Message carries its error and cause; a timed-out run without them is looked up in
// the execution history, and says it timed out in any case.
//
// Right after a start Step Functions may briefly answer ExecutionDoesNotExist: within Config.NotFoundGrace of
// the start of a run this Provider started (or named Polysync-<UUIDv7>), that is reported as Running.
//
// Step Functions cannot describe Express runs. One is answered from Config.ExpressResults when the store holds its
// end, without calling AWS. Otherwise (another replica or process started it, the store lost it, or it was started
// with ExpressAsync and has not been seen ending) its end is read from its state machine's CloudWatch Logs
// (FilterLogEvents on the log group of its loggingConfiguration, which DescribeStateMachine gives once per state
// machine and the Provider keeps for 15 minutes), from its start (the time in a Polysync-<UUIDv7> name, or the
// store's record) to 5 minutes later plus a delivery allowance; what is found is recorded in the store, so the next
// lookup is free. Delivery is best effort: a run whose end is not in the logs yet is Running while it may still be
// running or its events still arrive (5 minutes plus 5 minutes from its start), and ErrRunNotFound after that, with
// a hint naming the log group, the logs:FilterLogEvents permission and any logging setting to change. A run named
// from an idempotency key (no time in its name) that no store holds is sought over the last 24 hours by its ARN.
//
// Only a state machine that logs at level ALL with includeExecutionData logs every run's end with its output. At
// level ERROR or FATAL, or without includeExecutionData, failed, timed-out and aborted runs are still found (with
// their error and cause); a success is not logged at ERROR or FATAL (the run is then Running while young and
// ErrRunNotFound after, the error naming the level), and is logged without its output without
// includeExecutionData: it is reported Success with a Message saying so when params has no Output or InputOutput
// parameter, and is ErrOutputNotApplied otherwise, since its outputs cannot be applied. Neither is recorded in the
// store. A state machine that does not log (level OFF) leaves such a run ErrRunNotFound, naming the setting.
//
// The exception are the Express child executions of a Distributed Map (express:<stateMachine>/<label>:...), which
// Step Functions describes like Standard ones.
func (p *Provider) GetPipelineRunStatus(ctx context.Context, runID string, params []Parameter) (st RunStatus, err error) {
	const op = "GetPipelineRunStatus"
	if opOf(ctx) == "" {
		ctx = withOp(ctx, op)
	}
	ctx, span := p.startSpan(ctx, op, attrRun.String(runID))
	defer span.end(&err, &st)
	a, err := p.parseRunID(op, runID)
	if err != nil {
		return RunStatus{}, err
	}
	if err := ctx.Err(); err != nil {
		return RunStatus{}, &Error{Op: op, Resource: runID, Err: err}
	}
	if a.Kind == sfnarn.Express && !a.MapRunChild() {
		l := &expressLookup{runID: runID, arn: a}
		p.expressStatuses(ctx, []*expressLookup{l})
		return l.statusOf(params)
	}
	v, err := p.describeRun(ctx, runID, a)
	if err != nil {
		return RunStatus{}, err
	}
	return v.status(params), nil
}

// runView is what Step Functions says of a run, before outputs are applied to anyone's parameters.
type runView struct {
	runID, sfnStatus, output, errName, cause string
	started, stopped                         time.Time
	details                                  RunDetails
	// notVisible: DescribeExecution answered ExecutionDoesNotExist within NotFoundGrace of the start.
	notVisible bool
}

// status applies v to params.
func (v runView) status(params []Parameter) RunStatus {
	if v.notVisible {
		return RunStatus{RunID: v.runID, State: RunStateRunning, Parameters: copyParams(params),
			Message: "execution not visible yet: Step Functions is eventually consistent right after a start"}
	}
	st := buildStatus(v.runID, v.sfnStatus, v.output, v.errName, v.cause, v.started, v.stopped, params)
	st.Details = v.details
	return st
}

// describeRun describes a Standard run (or a Distributed Map child) with DescribeExecution, and a timed-out
// run's history when DescribeExecution gives no error and cause.
func (p *Provider) describeRun(ctx context.Context, runID string, a sfnarn.ARN) (runView, error) {
	d, err := p.describeExecution(ctx, runID, "")
	if err != nil {
		if apiErrorCode(err) == "ExecutionDoesNotExist" && p.inGrace(runID, a) {
			p.log.LogAttrs(ctx, slog.LevelDebug, "execution not visible yet, reporting it running", slog.String("run", runID))
			return runView{runID: runID, notVisible: true}, nil
		}
		return runView{}, err
	}
	v := runView{runID: runID, sfnStatus: string(d.Status), output: aws.ToString(d.Output),
		errName: aws.ToString(d.Error), cause: aws.ToString(d.Cause),
		started: aws.ToTime(d.StartDate), stopped: aws.ToTime(d.StopDate),
		details: RunDetails{StateMachineVersionARN: aws.ToString(d.StateMachineVersionArn),
			StateMachineAliasARN: aws.ToString(d.StateMachineAliasArn), RedriveCount: int(aws.ToInt32(d.RedriveCount)),
			RedrivenAt: aws.ToTime(d.RedriveDate), RedriveStatus: string(d.RedriveStatus),
			RedriveStatusReason: aws.ToString(d.RedriveStatusReason), MapRunARN: aws.ToString(d.MapRunArn)}}
	if d.Status == "TIMED_OUT" && v.errName == "" && v.cause == "" {
		v.errName, v.cause = p.timeoutDetail(ctx, runID)
	}
	return v, nil
}

// inGrace reports whether ExecutionDoesNotExist for run a may be eventual consistency after its start.
func (p *Provider) inGrace(runID string, a sfnarn.ARN) bool {
	if p.notFoundGrace < 0 {
		return false
	}
	started, ok := p.started.get(runID)
	if !ok {
		started, ok = startedFromName(a.Name)
	}
	if !ok {
		return false
	}
	age := p.now().Sub(started)
	return age < p.notFoundGrace && age > -p.notFoundGrace // tolerate clock skew between hosts
}

// timeoutDetail looks up the error and cause of a timed-out execution in its newest history events. It is
// best effort: failures (such as a missing states:GetExecutionHistory permission) leave both empty.
func (p *Provider) timeoutDetail(ctx context.Context, runID string) (errName, cause string) {
	h, err := callAPI(ctx, p, sfnops.GetExecutionHistory, runID, func(ctx context.Context) (*sfn.GetExecutionHistoryOutput, error) {
		return p.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{
			ExecutionArn: aws.String(runID), ReverseOrder: true, MaxResults: 10,
		})
	})
	if err != nil {
		p.log.LogAttrs(ctx, slog.LevelDebug, "could not read the history of a timed-out execution",
			slog.String("run", runID), slog.String("error", err.Error()))
		return "", ""
	}
	for _, e := range h.Events {
		if d := e.ExecutionTimedOutEventDetails; d != nil {
			return aws.ToString(d.Error), aws.ToString(d.Cause)
		}
	}
	return "", ""
}

// buildStatus maps Step Functions' view of an ended or running execution to a RunStatus.
func buildStatus(runID, status, output, errName, cause string, started, stopped time.Time, params []Parameter) RunStatus {
	st := RunStatus{RunID: runID, State: MapStatus(status), Error: errName, Cause: cause, StartedAt: started, StoppedAt: stopped}
	switch strings.ToUpper(status) {
	case "SUCCEEDED":
		st.Output = output
		var (
			err     error
			missing []string
		)
		st.Parameters, missing, err = applyOutput(params, output)
		var e *Error
		var notes []string
		if errors.As(err, &e) && e.Err != nil {
			notes = append(notes, e.Err.Error())
		}
		if len(missing) > 0 {
			notes = append(notes, "the output has no property for "+quoteList(missing)+", left unchanged")
		}
		st.Message = strings.Join(notes, "; ")
	case "FAILED":
		st.Message = withDetail("execution failed", errName, cause)
	case "TIMED_OUT":
		st.Message = withDetail("execution timed out", errName, cause)
	case "ABORTED":
		if errName == CancelError {
			st.Message = "cancelled by Polysync"
		} else {
			st.Message = withDetail("execution aborted", errName, cause)
		}
	case "PENDING_REDRIVE":
		st.Message = "execution is waiting to be redriven"
	case "RUNNING":
	default:
		st.Message = fmt.Sprintf("unknown execution status %q", status)
	}
	if st.Parameters == nil {
		st.Parameters = copyParams(params)
	}
	return st
}

// withDetail appends ": error: cause" to msg, leaving out empty parts.
func withDetail(msg, errName, cause string) string {
	for _, s := range []string{errName, cause} {
		if s != "" {
			msg += ": " + s
		}
	}
	return msg
}

func copyParams(params []Parameter) []Parameter {
	if params == nil {
		return nil
	}
	return append([]Parameter(nil), params...)
}

// ConsoleURL returns the AWS console link of a run (or any ARN ConsoleURL accepts). For an Express run whose
// result the store holds, the link carries the start date the console needs (the store is asked for at most
// consoleStoreTimeout; without an answer the link has no start date).
func (p *Provider) ConsoleURL(runID string) (string, error) {
	var start time.Time
	if a, err := sfnarn.Parse(runID); err == nil && a.Kind == sfnarn.Express {
		ctx, cancel := context.WithTimeout(context.Background(), consoleStoreTimeout)
		defer cancel()
		if rec, err := p.results.Get(ctx, runID); err == nil {
			start = rec.StartedAt
		}
	}
	return consoleURL(runID, start)
}

// consoleStoreTimeout bounds ConsoleURL's look-up of an Express run's start date in the result store.
const consoleStoreTimeout = 5 * time.Second
