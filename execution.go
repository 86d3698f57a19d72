package stepfunctions

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/google/uuid"

	"github.com/polysync/stepfunctions/internal/sfnarn"
	"github.com/polysync/stepfunctions/internal/sfnops"
)

// Cancellation markers StopExecution records on runs cancelled by this package.
const (
	CancelError = "PolysyncCancellation"
	CancelCause = "Cancelled by Polysync"
)

// namePrefix starts every execution name this package creates.
const namePrefix = "Polysync-"

// ExecutePipeline starts a run of job with params (see BuildInput) and returns it. job.ID must be a state
// machine ARN, or a version or alias ARN, in the Provider's region; when job.Type is empty, the state
// machine's type is looked up once and cached.
//
// A Standard run is started with StartExecution and is still running when ExecutePipeline returns. An Express
// run is executed with StartSyncExecution: ExecutePipeline returns when it has ended (at most 5 minutes), with
// PipelineRun.Status set and outputs applied; a failed Express run is not an error of ExecutePipeline. With
// Config.ExpressMode ExpressAsync an Express run is started with StartExecution instead and returned at once,
// without a Status, and followed in its state machine's CloudWatch Logs; a state machine whose logging cannot
// give its runs' results (level ALL with includeExecutionData to a log group) is refused with ErrNotSupported
// before anything starts.
//
// An Express start whose answer was lost is looked for in the state machine's CloudWatch Logs before
// ExecutePipeline returns, where it logs at level ALL (see ErrOutcomeUnknown and ErrNotStarted); a run found there
// is returned without a Status when its end is not known by the time ctx ends, or not logged in full.
//
// The execution name is Polysync-<UUIDv7>, or derived from the key given WithIdempotencyKey. Nothing is
// started when validation fails (ErrInvalidInput). A Standard start of a Polysync-<UUIDv7> name whose answers were
// lost looks the run of that name up: found, it is returned; not found, the start is ErrOutcomeUnknown, since a
// new call would start a run of another name.
//
// A state machine's type changes when it is deleted and re-created under the same name. When StartSyncExecution
// answers StateMachineTypeNotSupported (nothing has run), the type is looked up again and, if the state machine
// is Standard now, the run is started with StartExecution instead, whether EXPRESS came from job.Type or from the
// cache. The reverse cannot be undone: StartExecution on a state machine that is Express now starts an Express
// execution asynchronously, whose result Step Functions cannot report. ExecutePipeline then returns that run with
// Status set, State RunStateUnknown and a Message saying so, and remembers the type so that the next start of a
// job without a Type runs synchronously; it does not start the execution again with StartSyncExecution, since it
// has started already.
func (p *Provider) ExecutePipeline(ctx context.Context, job Job, params []Parameter, opts ...ExecuteOption) (run PipelineRun, err error) {
	const op = "ExecutePipeline"
	ctx, span := p.beginOp(ctx, op, attrJob.String(job.ID))
	defer span.end(&err, &run)
	sm, err := p.parseJobID(op, job.ID)
	if err != nil {
		return PipelineRun{}, err
	}
	var o executeOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	trace := p.traceHeader
	if o.traceHeader != nil {
		trace = *o.traceHeader
		if err := validateTraceHeader(trace); err != nil {
			return PipelineRun{}, invalid(op, "WithTraceHeader: %w", err)
		}
	}
	input, err := BuildInput(params)
	if err != nil {
		return PipelineRun{}, err
	}
	var name string
	if o.idempotencyKey != nil {
		if *o.idempotencyKey == "" {
			return PipelineRun{}, invalid(op, "WithIdempotencyKey: empty key")
		}
		name = idempotentName(sm.Base().String(), *o.idempotencyKey)
	} else {
		id, err := uuid.NewV7()
		if err != nil {
			return PipelineRun{}, &Error{Op: op, Err: fmt.Errorf("generate execution name: %w", err)}
		}
		name = namePrefix + id.String()
	}
	name = o.nameOr(name)
	typ, err := p.jobType(ctx, job, sm)
	if err != nil {
		return PipelineRun{}, err
	}
	req := startRequest{job: job, sm: sm, name: name, input: input, trace: trace, params: params,
		idempotent: o.idempotencyKey != nil, named: o.name != nil, typeGiven: strings.TrimSpace(job.Type) != ""}
	if typ != TypeExpress {
		return p.startStandard(ctx, req)
	}
	run, err = p.startExpress(ctx, req)
	if apiErrorCode(err) == "StateMachineTypeNotSupported" {
		return p.startNoLongerExpress(ctx, req, err)
	}
	return run, err
}

// startNoLongerExpress handles StartSyncExecution's StateMachineTypeNotSupported (syncErr) for r, after which
// nothing has run: the state machine is not Express (any more). Its type is looked up again and, when it is
// Standard, the run is started with StartExecution.
func (p *Provider) startNoLongerExpress(ctx context.Context, r startRequest, syncErr error) (PipelineRun, error) {
	t, err := p.describeType(ctx, r.sm.Base().String())
	if err != nil {
		return PipelineRun{}, err
	}
	if t != TypeStandard {
		return PipelineRun{}, syncErr
	}
	p.log.LogAttrs(ctx, slog.LevelWarn, "state machine is Standard now, not Express; starting it with StartExecution",
		slog.String("job", r.job.ID), slog.Bool("job_type_given", r.typeGiven))
	return p.startStandard(ctx, r)
}

// startRequest is a validated ExecutePipeline call.
type startRequest struct {
	job        Job
	sm         sfnarn.ARN
	name       string
	input      string
	trace      string
	params     []Parameter
	idempotent bool
	named      bool // the name came from WithName
	typeGiven  bool // the type came from job.Type, not from the Provider's cache or a lookup
}

// startInput is the StartExecution request of r: a Standard start, or an Express one made asynchronously.
func (r startRequest) startInput() *sfn.StartExecutionInput {
	return &sfn.StartExecutionInput{
		StateMachineArn: aws.String(r.job.ID),
		Name:            aws.String(r.name),
		Input:           aws.String(r.input),
		TraceHeader:     optional(r.trace),
	}
}

// syncInput is the StartSyncExecution request of r, with the members of startInput.
func (r startRequest) syncInput() *sfn.StartSyncExecutionInput {
	in := r.startInput()
	return &sfn.StartSyncExecutionInput{StateMachineArn: in.StateMachineArn, Name: in.Name, Input: in.Input,
		TraceHeader: in.TraceHeader}
}

// idempotentName derives a valid execution name (Polysync- and 64 hex digits, 73 characters) from the
// unqualified state machine ARN and the key, so that one key names one run per state machine.
func idempotentName(machineARN, key string) string {
	h := sha256.New()
	h.Write([]byte(machineARN))
	h.Write([]byte{0})
	h.Write([]byte(key))
	return namePrefix + hex.EncodeToString(h.Sum(nil))
}

// jobType returns job's type: job.Type when set, else the cached or described type of its state machine.
func (p *Provider) jobType(ctx context.Context, job Job, sm sfnarn.ARN) (string, error) {
	switch t := strings.ToUpper(strings.TrimSpace(job.Type)); t {
	case TypeStandard, TypeExpress:
		return t, nil
	case "":
	default:
		return "", invalid("ExecutePipeline", "job %s: unknown type %q (want STANDARD or EXPRESS)", job.ID, job.Type)
	}
	base := sm.Base().String()
	if t, ok := p.cachedType(base); ok {
		return t, nil
	}
	return p.describeType(ctx, base)
}

// describeType looks up the type of the state machine with unqualified ARN base and remembers it.
func (p *Provider) describeType(ctx context.Context, base string) (string, error) {
	out, err := p.describeMachine(ctx, base)
	if err != nil {
		return "", err
	}
	t := string(out.Type)
	if t != TypeStandard && t != TypeExpress {
		return "", &Error{Op: opOf(ctx), API: sfnops.DescribeStateMachine, Kind: ErrNotSupported, Resource: base,
			Err: fmt.Errorf("unknown state machine type %q", t)}
	}
	return t, nil
}

// startStandard starts a Standard execution.
func (p *Provider) startStandard(ctx context.Context, r startRequest) (PipelineRun, error) {
	var sent sendTracker
	out, err := callAPI(ctx, p, sfnops.StartExecution, r.job.ID, func(ctx context.Context) (*sfn.StartExecutionOutput, error) {
		return p.client.StartExecution(ctx, r.startInput(), sent.install)
	})
	if err != nil {
		if apiErrorCode(err) == "ExecutionAlreadyExists" {
			// The name is this call's own: derived from the idempotency key, or a fresh Polysync-<UUIDv7>. So the
			// execution was started by an earlier attempt of this call when the SDK retried after an ambiguous
			// failure (a dropped connection, a timeout) and the run had ended by then; with the same input it is
			// this run.
			return p.adopt(ctx, r, err)
		}
		if !r.idempotent && !r.named && sent.anyMayHaveRun.Load() && IsRetryable(err) {
			return p.lostStandardStart(ctx, r, err)
		}
		return PipelineRun{}, err
	}
	run := PipelineRun{
		RunID:     aws.ToString(out.ExecutionArn),
		JobID:     r.job.ID,
		Name:      r.name,
		StartedAt: aws.ToTime(out.StartDate),
	}
	run.ConsoleURL, _ = consoleURL(run.RunID, run.StartedAt) // the start date only matters for an Express run
	if a, err := sfnarn.Parse(run.RunID); err == nil && a.Kind == sfnarn.Express {
		// job.Type or the cached type said STANDARD but the machine is Express (re-created under the same name,
		// for a cached type): StartExecution ran it asynchronously, and Step Functions offers no API to learn its
		// result. Remember the type so that the next start of a job without a Type runs synchronously (an explicit
		// Type is the caller's to correct).
		p.rememberType(r.sm.Base().String(), TypeExpress)
		p.log.LogAttrs(ctx, slog.LevelWarn, "started an Express state machine taken for Standard; its result cannot be tracked",
			slog.String("job", r.job.ID), slog.String("run", run.RunID), slog.Bool("job_type_given", r.typeGiven))
		why := "the state machine is Express but the job's Type is STANDARD"
		if !r.typeGiven {
			why = "the state machine is Express now, not Standard as when the provider looked its type up (re-created under the same name?)"
		}
		run.Status = &RunStatus{RunID: run.RunID, State: RunStateUnknown, StartedAt: run.StartedAt, Parameters: copyParams(r.params),
			Message: why + ": the execution was started asynchronously and its result is only in the state machine's CloudWatch Logs"}
		return run, nil
	}
	p.started.put(run.RunID, p.now())
	p.log.LogAttrs(ctx, slog.LevelInfo, "started execution",
		slog.String("job", r.job.ID), slog.String("run", run.RunID), slog.Int("input_bytes", len(r.input)))
	return run, nil
}

// lostStandardStart handles the retryable failure startErr of a Standard start r named Polysync-<UUIDv7> after an
// attempt that may have been processed (its answer was lost, or was a server error). The name is new to this call,
// so a host repeating ExecutePipeline would start a second run under another name: the run of r's name is
// described, and returned when it exists; otherwise the start is ErrOutcomeUnknown naming that run, which is not
// retryable. (Starts named by an idempotency key or WithName repeat safely: Step Functions answers a repeated name.)
func (p *Provider) lostStandardStart(ctx context.Context, r startRequest, startErr error) (PipelineRun, error) {
	runID := r.sm.Execution(r.name).String()
	if ctx.Err() == nil {
		if d, err := p.describeMetadata(ctx, runID); err == nil {
			run := PipelineRun{RunID: runID, JobID: r.job.ID, Name: r.name, StartedAt: aws.ToTime(d.StartDate)}
			run.ConsoleURL, _ = ConsoleURL(runID)
			p.started.put(runID, p.now())
			p.log.LogAttrs(ctx, slog.LevelInfo, "found the execution a start whose answer was lost started",
				slog.String("job", r.job.ID), slog.String("run", runID), slog.String("status", string(d.Status)))
			return run, nil
		}
	}
	cause := startErr
	var e *Error
	if errors.As(startErr, &e) && e.Err != nil {
		cause = e.Err
	}
	return PipelineRun{}, &Error{Op: "ExecutePipeline", API: sfnops.StartExecution, Kind: ErrOutcomeUnknown, Resource: runID,
		Err: cause, Hint: "the request may have started the Standard run " + runID + ", and starting again would start a " +
			"second run under another name: GetPipelineRunStatus on it tells whether it exists (ErrRunNotFound once " +
			"Config.NotFoundGrace has passed means it did not start); WithIdempotencyKey makes repeating a start safe"}
}

// differentParameters is the ErrIdempotencyConflict of a start whose idempotency key already names run runID,
// started with other parameters; cause, when not nil, is the service's error that revealed it.
func differentParameters(runID string, cause error) *Error {
	err := errors.New("a run with this idempotency key already exists with different parameters")
	if cause != nil {
		err = fmt.Errorf("%w: %w", err, cause)
	}
	return &Error{Op: "ExecutePipeline", Kind: ErrIdempotencyConflict, Resource: runID, Err: err,
		Hint: "use a new idempotency key to start a run with different parameters"}
}

// adopt handles ExecutionAlreadyExists (startErr) for a start: the run that name already denotes is returned
// when its input equals ours, else the start is an ErrIdempotencyConflict that wraps startErr.
func (p *Provider) adopt(ctx context.Context, r startRequest, startErr error) (PipelineRun, error) {
	runID := r.sm.Execution(r.name).String()
	d, err := p.describeExisting(ctx, runID)
	if err != nil {
		return PipelineRun{}, err
	}
	if d.Input == nil {
		return PipelineRun{}, &Error{Op: "ExecutePipeline", Kind: ErrIdempotencyConflict, Resource: runID,
			Err:  fmt.Errorf("an execution with this idempotency key already exists, and Step Functions did not return its input to compare: %w", startErr),
			Hint: "check the execution in the console, or use a new idempotency key"}
	}
	if !sameJSON(aws.ToString(d.Input), r.input) {
		return PipelineRun{}, differentParameters(runID, startErr)
	}
	run := PipelineRun{RunID: runID, JobID: r.job.ID, Name: r.name, StartedAt: aws.ToTime(d.StartDate)}
	run.ConsoleURL, _ = ConsoleURL(runID)
	p.log.LogAttrs(ctx, slog.LevelInfo, "adopted existing execution of the same name",
		slog.String("job", r.job.ID), slog.String("run", runID), slog.String("status", string(d.Status)))
	return run, nil
}

// describeExisting describes the execution runID, which Step Functions has just said exists (ExecutionAlreadyExists):
// while DescribeExecution does not show it yet (eventual consistency), it keeps trying with growing pauses for
// Config.NotFoundGrace from now, and past that answers a retryable error rather than ErrRunNotFound.
func (p *Provider) describeExisting(ctx context.Context, runID string) (*sfn.DescribeExecutionOutput, error) {
	deadline := p.now().Add(max(p.notFoundGrace, 0))
	for delay := 250 * time.Millisecond; ; delay = min(2*delay, 4*time.Second) {
		d, err := p.describeExecution(ctx, runID, "")
		if err == nil || apiErrorCode(err) != "ExecutionDoesNotExist" {
			return d, err
		}
		left := deadline.Sub(p.now())
		if left <= 0 {
			return nil, &Error{Op: "ExecutePipeline", API: sfnops.DescribeExecution, Resource: runID,
				Err: fmt.Errorf("an execution with this idempotency key exists (ExecutionAlreadyExists), but "+
					"DescribeExecution did not show it within %s: %w", max(p.notFoundGrace, 0), context.DeadlineExceeded),
				Hint: "the run exists: retry with the same idempotency key to get it"}
		}
		p.log.LogAttrs(ctx, slog.LevelDebug, "existing execution not visible yet, retrying", slog.String("run", runID))
		if serr := p.sleep(ctx, min(delay, left)); serr != nil {
			return nil, &Error{Op: "ExecutePipeline", Resource: runID, Err: serr}
		}
	}
}

// sameJSON reports whether a and b hold equal JSON values: objects compare without regard to key order or
// white space, numbers by their text.
func sameJSON(a, b string) bool {
	va, errA := decodeJSON(a)
	vb, errB := decodeJSON(b)
	return errA == nil && errB == nil && reflect.DeepEqual(va, vb)
}

func decodeJSON(s string) (any, error) {
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// CancelPipelineRun stops a Standard run with StopExecution, recording error PolysyncCancellation and cause
// "Cancelled by Polysync" (without them when the state machine's customer managed KMS key, with which Step
// Functions encrypts them, cannot be used: disabled, or denied to its role). Cancelling a run that already ended is not an error; an unknown run is
// ErrRunNotFound (a run not yet visible right after its start is retried within Config.NotFoundGrace), and an
// Express run is ErrNotSupported (Step Functions cannot stop Express executions; those ExecutePipeline starts have
// ended when it returns).
func (p *Provider) CancelPipelineRun(ctx context.Context, runID string) (err error) {
	const op = "CancelPipelineRun"
	ctx, span := p.beginOp(ctx, op, attrRun.String(runID))
	defer span.end(&err, nil)
	a, err := p.parseStandardRunID(op, runID,
		errors.New("an Express execution cannot be cancelled: Step Functions does not support StopExecution "+
			"for them (an Express run that ExecutePipeline started has already ended when it returned)"), "")
	if err != nil {
		return err
	}
	stop := func(in *sfn.StopExecutionInput) error {
		_, err := callAPI(ctx, p, sfnops.StopExecution, runID, func(ctx context.Context) (*sfn.StopExecutionOutput, error) {
			return p.client.StopExecution(ctx, in)
		})
		return err
	}
	// Right after a start the execution may not be visible yet: within the grace period keep trying, with
	// growing pauses, until it is or the grace ends.
	for delay := 250 * time.Millisecond; ; delay = min(2*delay, 4*time.Second) {
		err = stop(&sfn.StopExecutionInput{ExecutionArn: aws.String(runID), Error: aws.String(CancelError),
			Cause: aws.String(CancelCause)})
		if code := apiErrorCode(err); code == "KmsAccessDeniedException" || code == "KmsInvalidStateException" {
			// Step Functions encrypts the error and cause with the state machine's customer managed KMS key, and
			// stops the execution without using the key when both are null (StopExecution's API reference): a run
			// whose key is disabled, or which its role may no longer use, is stopped without the marker.
			p.log.LogAttrs(ctx, slog.LevelWarn, "cannot record the cancellation marker with the state machine's KMS key; "+
				"stopping the execution without error and cause", slog.String("run", runID), slog.String("error", code))
			err = stop(&sfn.StopExecutionInput{ExecutionArn: aws.String(runID)})
		}
		if err == nil || apiErrorCode(err) != "ExecutionDoesNotExist" || !p.inGrace(runID, a) {
			break
		}
		p.log.LogAttrs(ctx, slog.LevelDebug, "execution to cancel not visible yet, retrying", slog.String("run", runID))
		if serr := p.sleep(ctx, delay); serr != nil {
			return &Error{Op: op, Resource: runID, Err: serr}
		}
	}
	if err == nil {
		p.log.LogAttrs(ctx, slog.LevelInfo, "stopped execution", slog.String("run", runID))
		return nil
	}
	stopErr := err
	// Whether Step Functions answers StopExecution on a closed execution with success or with an error is not
	// documented; for the latter, an execution that has ended makes the cancel a success.
	if code := apiErrorCode(err); code == "ValidationException" || code == "ExecutionNotRedrivable" {
		if d, derr := p.describeMetadata(ctx, runID); derr == nil && !isOpen(d.Status) {
			p.log.LogAttrs(ctx, slog.LevelInfo, "execution already ended, nothing to cancel", slog.String("run", runID), slog.String("status", string(d.Status)))
			return nil
		}
	}
	return stopErr
}

// RedrivePipelineRun restarts a failed, timed-out or cancelled Standard run from the state where it stopped,
// with RedriveExecution: the run keeps its ID, is Running again, and GetPipelineRunStatus follows it as before.
// Step Functions redrives runs that stopped in the last 14 days, unless they succeeded or their failure cannot
// be redriven; such a run is ErrNotRedrivable, with Step Functions' reason in the hint. A run that is already
// running (after a redrive whose answer was lost, for example) is left as it is and is not an error. An unknown
// run is ErrRunNotFound, and an Express run ErrNotSupported (Step Functions cannot redrive Express executions).
//
// The SDK sends one client token with every attempt of a call, so its retries never redrive twice.
func (p *Provider) RedrivePipelineRun(ctx context.Context, runID string) (err error) {
	const op = "RedrivePipelineRun"
	ctx, span := p.beginOp(ctx, op, attrRun.String(runID))
	defer span.end(&err, nil)
	_, err = p.parseStandardRunID(op, runID,
		errors.New("an Express execution cannot be redriven: Step Functions redrives Standard executions only"),
		"start a new run instead (an Express child of a Distributed Map is redriven with its parent run)")
	if err != nil {
		return err
	}
	_, err = callAPI(ctx, p, sfnops.RedriveExecution, runID, func(ctx context.Context) (*sfn.RedriveExecutionOutput, error) {
		return p.client.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(runID)})
	})
	if err == nil {
		p.log.LogAttrs(ctx, slog.LevelInfo, "redrove execution", slog.String("run", runID))
		return nil
	}
	redriveErr := err
	if apiErrorCode(err) != "ExecutionNotRedrivable" {
		return redriveErr
	}
	// Say why from the run itself: running already (nothing to do), or Step Functions' reason.
	d, derr := p.describeMetadata(ctx, runID)
	if derr != nil {
		return redriveErr
	}
	if isOpen(d.Status) {
		p.log.LogAttrs(ctx, slog.LevelInfo, "execution already running, nothing to redrive", slog.String("run", runID))
		return nil
	}
	var e *Error
	if reason := aws.ToString(d.RedriveStatusReason); reason != "" && errors.As(redriveErr, &e) {
		e.Hint = fmt.Sprintf("the run is %s and Step Functions says: %s", d.Status, reason)
	}
	return redriveErr
}

// describeMetadata describes a Standard run without its input and output, which needs no kms:Decrypt for an
// encrypted execution.
func (p *Provider) describeMetadata(ctx context.Context, runID string) (*sfn.DescribeExecutionOutput, error) {
	return p.describeExecution(ctx, runID, types.IncludedDataMetadataOnly)
}

func isOpen(s types.ExecutionStatus) bool {
	return s == types.ExecutionStatusRunning || s == types.ExecutionStatusPendingRedrive
}

// parseStandardRunID is parseRunID for the calls Step Functions answers for Standard executions only: an Express
// run is ErrNotSupported, with why and hint.
func (p *Provider) parseStandardRunID(op, runID string, why error, hint string) (sfnarn.ARN, error) {
	a, err := p.parseRunID(op, runID)
	if err != nil {
		return sfnarn.ARN{}, err
	}
	if a.Kind == sfnarn.Express {
		return sfnarn.ARN{}, &Error{Op: op, Kind: ErrNotSupported, Resource: runID, Err: why, Hint: hint}
	}
	return a, nil
}

// optional returns nil for "" and a pointer to s otherwise.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// startedFromName returns the start time carried by a Polysync-<UUIDv7> execution name.
func startedFromName(name string) (time.Time, bool) {
	rest, ok := strings.CutPrefix(name, namePrefix)
	if !ok {
		return time.Time{}, false
	}
	id, err := uuid.Parse(rest)
	if err != nil || id.Version() != 7 {
		return time.Time{}, false
	}
	sec, nsec := id.Time().UnixTime()
	return time.Unix(sec, nsec), true
}
