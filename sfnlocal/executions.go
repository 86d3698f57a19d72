package sfnlocal

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/polysync/stepfunctions/internal/asl"
)

const (
	maxPayloadBytes    = 262144
	maxTraceHeader     = 256
	maxOpenExecutions  = 1_000_000
	expressTimeout     = 5 * time.Minute
	redriveWindow      = 14 * 24 * time.Hour
	stopWaitRealTime   = 2 * time.Second
	statusRunning      = "RUNNING"
	redriveRedrivable  = "REDRIVABLE"
	redriveNot         = "NOT_REDRIVABLE"
	errExpressNotValid = "Invalid Arn: 'Resource type not valid in this context: express'"
)

// execution is one execution. The server's mutex guards every field except
// hist, which histMu guards (lock order: s.mu, then histMu).
type execution struct {
	arn, name   string
	machine     *stateMachine
	smArn       string // unqualified state machine ARN
	versionArn  string
	aliasArn    string
	roleArn     string
	express     bool
	input       json.RawMessage
	traceHeader string
	seq         int64
	prog        program
	start, stop time.Time
	visibleAt   time.Time
	status      string
	output      json.RawMessage
	errName     string
	cause       string
	stopReq     *stopRequest
	resume      *asl.Checkpoint
	done        chan struct{}
	evicted     bool

	redriveCount  int
	redriveDate   time.Time
	redriveTokens map[string]bool

	histMu sync.Mutex
	hist   []histEvent // nil for Express executions
}

type stopRequest struct {
	errName, cause string
}

// histEvent is one history event. Its details are kept marshalled: a
// finished execution's history is then a few pointer-free byte slices, which
// costs less memory and garbage-collector time than the details maps.
type histEvent struct {
	id, prev int64
	typ      string
	ts       time.Time
	key      string
	details  json.RawMessage
}

// wire returns the HistoryEvent wire form; withData false drops input and
// output payloads (includeExecutionData=false).
func (e histEvent) wire(withData bool) map[string]any {
	out := map[string]any{"id": e.id, "previousEventId": e.prev, "timestamp": ep(e.ts), "type": e.typ}
	if e.key == "" {
		return out
	}
	d := e.details
	if len(d) == 0 {
		d = json.RawMessage("{}")
	}
	if !withData {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(d, &m); err == nil {
			delete(m, "input")
			delete(m, "output")
			delete(m, "parameters")
			d, _ = json.Marshal(m)
		}
	}
	out[e.key] = d
	return out
}

// emit appends an event and returns its id. The interpreter chains
// PreviousEventID itself (0 for the first state event, as AWS records it).
func (ex *execution) emit(ev asl.Event) int64 {
	ex.histMu.Lock()
	defer ex.histMu.Unlock()
	id := int64(len(ex.hist) + 1)
	prev := ev.PreviousEventID
	if prev < 0 || prev >= id {
		prev = id - 1
	}
	var details json.RawMessage
	if ev.DetailsKey != "" {
		var err error
		if details, err = json.Marshal(ev.Details); err != nil {
			details, _ = json.Marshal(map[string]string{"error": "sfnlocal: details not representable as JSON: " + err.Error()})
		}
	}
	ex.hist = append(ex.hist, histEvent{id: id, prev: prev, typ: ev.Type, ts: ev.Timestamp, key: ev.DetailsKey, details: details})
	return id
}

// emitExec appends an execution-level event that follows the last event.
func (ex *execution) emitExec(typ, key string, ts time.Time, details map[string]any) {
	if ex.express {
		return
	}
	ex.histMu.Lock()
	last := int64(len(ex.hist))
	ex.histMu.Unlock()
	ex.emit(asl.Event{Type: typ, PreviousEventID: last, Timestamp: ts, DetailsKey: key, Details: details})
}

// startInput is the request of StartExecution and StartSyncExecution.
type startInput struct {
	StateMachineArn string  `json:"stateMachineArn"`
	Name            string  `json:"name"`
	Input           *string `json:"input"`
	TraceHeader     *string `json:"traceHeader"`
	IncludedData    string  `json:"includedData"`
}

// decodeStart decodes and validates a StartExecution or StartSyncExecution
// request and returns it with the execution's input document.
func decodeStart(body []byte) (*startInput, json.RawMessage, error) {
	in := &startInput{}
	if err := decodeBody(body, in); err != nil {
		return nil, nil, err
	}
	input, err := in.validate()
	return in, input, err
}

// validate checks the members and returns the input document.
func (in *startInput) validate() (json.RawMessage, error) {
	if in.StateMachineArn == "" {
		return nil, required("stateMachineArn")
	}
	if in.Name != "" {
		if reason := checkName(in.Name); reason != "" {
			return nil, errf("InvalidName", "Invalid Name: '%s' (%s)", in.Name, reason)
		}
	}
	if in.TraceHeader != nil {
		th := *in.TraceHeader
		if len(th) > maxTraceHeader {
			return nil, tooLong("traceHeader", maxTraceHeader)
		}
		for i := 0; i < len(th); i++ {
			if th[i] < 0x20 || th[i] > 0x7e {
				return nil, validationf("1 validation error detected: Value at 'traceHeader' failed to satisfy constraint: Member must contain only printable ASCII characters")
			}
		}
	}
	input := "{}"
	if in.Input != nil {
		input = *in.Input
	}
	if len(input) > maxPayloadBytes {
		return nil, errf("InvalidExecutionInput", "Invalid State Machine Execution Input: 'input is %d bytes, which exceeds the maximum of %d bytes'", len(input), maxPayloadBytes)
	}
	if !utf8.ValidString(input) || !json.Valid([]byte(input)) {
		var v any
		err := json.Unmarshal([]byte(input), &v)
		reason := "not valid UTF-8"
		if err != nil {
			reason = err.Error()
		}
		return nil, errf("InvalidExecutionInput", "Invalid State Machine Execution Input: 'input is not valid JSON: %s'", reason)
	}
	return json.RawMessage(input), nil
}

// target resolves the ARN of a start request to the machine, the program to
// run and the version/alias ARNs to record. The caller holds s.mu.
func (s *Server) target(arn string) (*stateMachine, *revision, string, string, error) {
	r, err := s.resolveMachine(arn, kindStateMachine, kindVersion, kindAlias)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.Code == "ResourceNotFound" {
			return nil, nil, "", "", errf("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn)
		}
		return nil, nil, "", "", err
	}
	switch {
	case r.version != nil:
		return r.machine, r.version.rev, r.version.arn, "", nil
	case r.alias != nil:
		v := s.pickVersion(r.alias)
		if v == nil {
			return nil, nil, "", "", errf("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s': the alias routes to a version that no longer exists", arn)
		}
		return r.machine, v.rev, v.arn, r.alias.arn, nil
	}
	return r.machine, r.machine.rev, "", "", nil
}

// pickVersion chooses a version of an alias by weight.
func (s *Server) pickVersion(a *alias) *version {
	pick := a.routes[0].StateMachineVersionArn
	if len(a.routes) == 2 && rand.Int32N(100) >= a.routes[0].Weight {
		pick = a.routes[1].StateMachineVersionArn
	}
	for _, v := range a.machine.versions {
		if v.arn == pick {
			return v
		}
	}
	return nil
}

func (s *Server) executionARN(kind, machine, name string) string {
	return "arn:" + partitionOf(s.cfg.region) + ":states:" + s.cfg.region + ":" + s.cfg.accountID + ":" + kind + ":" + machine + ":" + name
}

func (s *Server) startExecution(ctx context.Context, c *call) (any, error) {
	in, input, err := decodeStart(c.body)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	m, rev, versionArn, aliasArn, err := s.target(in.StateMachineArn)
	var typ string
	if m != nil {
		typ = m.typ
	}
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	bucketKey := bucketStartStandard
	if typ == typeExpress {
		bucketKey = bucketStartExpress
	}
	if err := s.take(bucketKey); err != nil {
		return nil, err
	}
	name := in.Name
	if name == "" {
		name = uuid.NewString()
	}
	now := s.cfg.clock.Now()
	ex := &execution{name: name, machine: m, smArn: m.arn, versionArn: versionArn, aliasArn: aliasArn,
		roleArn: rev.roleArn, input: input, prog: rev.prog, start: now, status: statusRunning,
		visibleAt: now.Add(s.cfg.consistency)}
	if in.TraceHeader != nil {
		ex.traceHeader = *in.TraceHeader
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, &apiError{Status: 503, Code: "ServiceUnavailable", Message: "the server is closed"}
	}
	if typ == typeExpress {
		ex.express = true
		ex.arn = s.executionARN("express", m.name, name) + ":" + uuid.NewString()
		s.launch(ex, nil)
		return map[string]any{"executionArn": ex.arn, "startDate": ep(now)}, nil
	}
	ex.arn = s.executionARN("execution", m.name, name)
	if old := s.execs[ex.arn]; old != nil {
		if old.status == statusRunning && string(old.input) == string(input) {
			return map[string]any{"executionArn": old.arn, "startDate": ep(old.start)}, nil
		}
		return nil, errf("ExecutionAlreadyExists", "Execution Already Exists: '%s'", ex.arn)
	}
	if len(s.running) >= maxOpenExecutions {
		return nil, errf("ExecutionLimitExceeded", "Execution Limit Exceeded: the account has %d open executions", maxOpenExecutions)
	}
	ex.seq = s.nextSeq()
	s.execs[ex.arn] = ex
	m.execs = append(m.execs, ex)
	details := map[string]any{"input": string(input), "inputDetails": map[string]any{"truncated": false}, "roleArn": ex.roleArn}
	if versionArn != "" {
		details["stateMachineVersionArn"] = versionArn
	}
	if aliasArn != "" {
		details["stateMachineAliasArn"] = aliasArn
	}
	ex.emitExec("ExecutionStarted", "executionStartedEventDetails", now, details)
	s.launch(ex, nil)
	return map[string]any{"executionArn": ex.arn, "startDate": ep(now)}, nil
}

// runOptions returns the interpreter options of an execution.
func (s *Server) runOptions(ex *execution, resume *asl.Checkpoint) asl.Options {
	smID := ex.smArn
	if ex.versionArn != "" {
		smID = ex.versionArn
	}
	opts := asl.Options{
		Clock:  s.cfg.clock,
		Invoke: s.invoke,
		Context: asl.ExecutionContext{ID: ex.arn, Name: ex.name, RoleARN: ex.roleArn, StartTime: ex.start,
			RedriveCount: ex.redriveCount, StateMachineID: smID, StateMachineName: ex.machine.name},
		ResumeFrom: resume,
	}
	if ex.express {
		opts.Timeout = expressTimeout
	} else {
		opts.Emit = ex.emit
		if resume != nil {
			// A redrive's first state event follows ExecutionRedriven; a
			// first run's follows no event (previousEventId 0), as on AWS.
			ex.histMu.Lock()
			opts.PreviousEventID = int64(len(ex.hist))
			ex.histMu.Unlock()
		}
	}
	return opts
}

// launch runs ex in a goroutine. The caller holds s.mu and has checked that
// the server is not closed.
func (s *Server) launch(ex *execution, resume *asl.Checkpoint) {
	ctx, cancel := context.WithCancel(context.Background())
	s.running[ex] = cancel
	ex.done = make(chan struct{})
	opts := s.runOptions(ex, resume)
	input := ex.input
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(ex.done)
		defer cancel()
		res := s.runSafely(ctx, ex, input, opts)
		s.finish(ex, res)
	}()
}

// runSafely runs the program, turning a panic inside it into a failed
// execution.
func (s *Server) runSafely(ctx context.Context, ex *execution, input json.RawMessage, opts asl.Options) (res asl.Result) {
	defer func() {
		if v := recover(); v != nil {
			s.logger().Error("sfnlocal: interpreter panic", "execution", ex.arn, "panic", v)
			res = asl.Result{Status: asl.StatusFailed, Error: "States.Runtime", Cause: "internal error in the interpreter"}
		}
	}()
	return ex.prog.Run(ctx, input, opts)
}

// finish records how an execution ended.
func (s *Server) finish(ex *execution, res asl.Result) {
	now := s.cfg.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.running, ex)
	ex.resume = res.Resume
	if ex.stopReq != nil {
		ex.emitExec("ExecutionAborted", "executionAbortedEventDetails", ex.stop, errorDetails(ex.stopReq.errName, ex.stopReq.cause))
	} else {
		ex.status, ex.stop = res.Status, now
		ex.errName, ex.cause = res.Error, res.Cause
		switch res.Status {
		case asl.StatusSucceeded:
			ex.output = res.Output
			ex.emitExec("ExecutionSucceeded", "executionSucceededEventDetails", now,
				map[string]any{"output": string(res.Output), "outputDetails": map[string]any{"truncated": false}})
		case asl.StatusFailed:
			ex.emitExec("ExecutionFailed", "executionFailedEventDetails", now, errorDetails(res.Error, res.Cause))
		case asl.StatusTimedOut:
			ex.emitExec("ExecutionTimedOut", "executionTimedOutEventDetails", now, errorDetails(res.Error, res.Cause))
		default:
			ex.status = asl.StatusAborted
			ex.emitExec("ExecutionAborted", "executionAbortedEventDetails", now, errorDetails(res.Error, res.Cause))
		}
	}
	if ex.express || ex.evicted {
		return
	}
	s.finished = append(s.finished, ex)
	for s.cfg.maxFinished > 0 && len(s.finished) > s.cfg.maxFinished {
		s.evict(s.finished[0])
		s.finished[0] = nil
		s.finished = s.finished[1:]
	}
}

// evict forgets a finished execution. The caller holds s.mu.
func (s *Server) evict(ex *execution) {
	if s.execs[ex.arn] == ex {
		delete(s.execs, ex.arn)
	}
	ex.evicted = true
	ex.histMu.Lock()
	ex.hist = nil
	ex.histMu.Unlock()
	m := ex.machine
	m.evicted++
	if m.evicted > len(m.execs)/2 {
		kept := m.execs[:0]
		for _, e := range m.execs {
			if !e.evicted {
				kept = append(kept, e)
			}
		}
		clear(m.execs[len(kept):])
		m.execs, m.evicted = kept, 0
	}
}

func errorDetails(name, cause string) map[string]any {
	d := map[string]any{}
	if name != "" {
		d["error"] = name
	}
	if cause != "" {
		d["cause"] = cause
	}
	return d
}

func (s *Server) startSyncExecution(ctx context.Context, c *call) (any, error) {
	in, input, err := decodeStart(c.body)
	if err != nil {
		return nil, err
	}
	if err := checkIncludedData(in.IncludedData); err != nil {
		return nil, err
	}
	s.mu.Lock()
	m, rev, versionArn, aliasArn, err := s.target(in.StateMachineArn)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if m.typ != typeExpress {
		s.mu.Unlock()
		return nil, errf("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine")
	}
	if s.closed {
		s.mu.Unlock()
		return nil, &apiError{Status: 503, Code: "ServiceUnavailable", Message: "the server is closed"}
	}
	name := in.Name
	if name == "" {
		name = uuid.NewString()
	}
	now := s.cfg.clock.Now()
	ex := &execution{arn: s.executionARN("express", m.name, name) + ":" + uuid.NewString(), name: name, machine: m,
		smArn: m.arn, versionArn: versionArn, aliasArn: aliasArn, roleArn: rev.roleArn, express: true,
		input: input, prog: rev.prog, start: now, status: statusRunning}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.running[ex] = cancel
	s.wg.Add(1)
	opts := s.runOptions(ex, nil)
	s.mu.Unlock()

	res := s.runSafely(runCtx, ex, input, opts)
	stop := s.cfg.clock.Now()
	s.mu.Lock()
	delete(s.running, ex)
	s.mu.Unlock()
	s.wg.Done()

	status := res.Status
	if status == asl.StatusAborted { // not a SyncExecutionStatus: the run was cut short by Close or the client
		status = asl.StatusFailed
	}
	billed := stop.Sub(now).Milliseconds()
	billed = max(100, (billed+99)/100*100)
	out := map[string]any{
		"executionArn":    ex.arn,
		"stateMachineArn": m.arn,
		"name":            name,
		"startDate":       ep(now),
		"stopDate":        ep(stop),
		"status":          status,
		"billingDetails":  map[string]any{"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": billed},
	}
	withData := in.IncludedData != "METADATA_ONLY"
	out["inputDetails"] = map[string]any{"included": withData}
	if withData {
		out["input"] = string(input)
	}
	if res.Status == asl.StatusSucceeded {
		out["outputDetails"] = map[string]any{"included": withData}
		if withData {
			out["output"] = string(res.Output)
		}
	}
	if res.Error != "" {
		out["error"] = res.Error
	}
	if res.Cause != "" {
		out["cause"] = res.Cause
	}
	if in.TraceHeader != nil {
		out["traceHeader"] = *in.TraceHeader
	}
	return out, nil
}

// lookupExecution finds a Standard execution. The caller holds s.mu.
func (s *Server) lookupExecution(arn string) (*execution, error) {
	p, ok := parseARN(arn)
	if ok && p.kind == kindExpress {
		return nil, errf("InvalidArn", errExpressNotValid)
	}
	if !ok || p.kind != kindExecution {
		return nil, invalidArn(arn)
	}
	ex := s.execs[arn]
	if ex == nil {
		return nil, errf("ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", arn)
	}
	return ex, nil
}

type executionArnInput struct {
	ExecutionArn string `json:"executionArn"`
	IncludedData string `json:"includedData"`
}

func (s *Server) describeExecution(_ context.Context, c *call) (any, error) {
	var in executionArnInput
	if err := decodeBody(c.body, &in, mustSet{"executionArn", &in.ExecutionArn}); err != nil {
		return nil, err
	}
	if err := checkIncludedData(in.IncludedData); err != nil {
		return nil, err
	}
	now := s.cfg.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	ex, err := s.lookupExecution(in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	if ex.redriveCount == 0 && now.Before(ex.visibleAt) {
		return nil, errf("ExecutionDoesNotExist", "Execution Does Not Exist: '%s'", in.ExecutionArn)
	}
	withData := in.IncludedData != "METADATA_ONLY"
	out := ex.summary()
	out["inputDetails"] = map[string]any{"included": withData}
	if withData {
		out["input"] = string(ex.input)
	}
	if ex.status == asl.StatusSucceeded {
		out["outputDetails"] = map[string]any{"included": withData}
		if withData {
			out["output"] = string(ex.output)
		}
	}
	if ex.errName != "" {
		out["error"] = truncate(ex.errName, 256)
	}
	if ex.cause != "" {
		out["cause"] = truncate(ex.cause, 32768)
	}
	if ex.traceHeader != "" {
		out["traceHeader"] = ex.traceHeader
	}
	status, reason := s.redrivable(ex, now)
	out["redriveStatus"] = status
	if reason != "" {
		out["redriveStatusReason"] = reason
	}
	return out, nil
}

// summary returns the members of an ExecutionListItem, which
// DescribeExecution answers too. The caller holds s.mu.
func (ex *execution) summary() map[string]any {
	out := map[string]any{"executionArn": ex.arn, "stateMachineArn": ex.smArn, "name": ex.name,
		"status": ex.status, "startDate": ep(ex.start), "redriveCount": ex.redriveCount}
	if ex.status != statusRunning {
		out["stopDate"] = ep(ex.stop)
	}
	if ex.versionArn != "" {
		out["stateMachineVersionArn"] = ex.versionArn
	}
	if ex.aliasArn != "" {
		out["stateMachineAliasArn"] = ex.aliasArn
	}
	if !ex.redriveDate.IsZero() {
		out["redriveDate"] = ep(ex.redriveDate)
	}
	return out
}

// checkIncludedData validates an includedData member: empty, ALL_DATA or
// METADATA_ONLY.
func checkIncludedData(v string) error {
	switch v {
	case "", "ALL_DATA", "METADATA_ONLY":
		return nil
	}
	return validationf("1 validation error detected: Value '%s' at 'includedData' failed to satisfy constraint: Member must satisfy enum value set: [ALL_DATA, METADATA_ONLY]", v)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// redrivable returns the redrive status of ex and, when not redrivable, the
// reason. The caller holds s.mu.
func (s *Server) redrivable(ex *execution, now time.Time) (string, string) {
	switch {
	case ex.status == statusRunning:
		return redriveNot, "Execution is RUNNING and cannot be redriven"
	case ex.status == asl.StatusSucceeded:
		return redriveNot, "Execution is SUCCEEDED and cannot be redriven"
	case now.Sub(ex.stop) > redriveWindow:
		return redriveNot, "Execution can only be redriven within 14 days of its stop date"
	case s.machines[ex.smArn] != ex.machine:
		return redriveNot, "The state machine of the execution was deleted"
	case ex.resume == nil:
		return redriveNot, "Execution has no failed state to resume from"
	}
	return redriveRedrivable, ""
}

func (s *Server) stopExecution(ctx context.Context, c *call) (any, error) {
	var in struct {
		ExecutionArn string `json:"executionArn"`
		Error        string `json:"error"`
		Cause        string `json:"cause"`
	}
	if err := decodeBody(c.body, &in, mustSet{"executionArn", &in.ExecutionArn}); err != nil {
		return nil, err
	}
	if len(in.Error) > 256 {
		return nil, tooLong("error", 256)
	}
	if len(in.Cause) > 32768 {
		return nil, tooLong("cause", 32768)
	}
	s.mu.Lock()
	ex, err := s.lookupExecution(in.ExecutionArn)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	if ex.status != statusRunning {
		// UNCONFIRMED: AWS is believed to answer a closed execution with its
		// stop date and change nothing.
		stop := ex.stop
		s.mu.Unlock()
		return map[string]any{"stopDate": ep(stop)}, nil
	}
	ex.stopReq = &stopRequest{errName: in.Error, cause: in.Cause}
	ex.status, ex.stop = asl.StatusAborted, s.cfg.clock.Now()
	ex.errName, ex.cause = in.Error, in.Cause
	stop, done := ex.stop, ex.done
	if cancel := s.running[ex]; cancel != nil {
		cancel()
	}
	s.mu.Unlock()
	// Give the run a moment to unwind so that the history ends with
	// ExecutionAborted when the caller reads it.
	t := time.NewTimer(stopWaitRealTime)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	case <-ctx.Done():
	}
	return map[string]any{"stopDate": ep(stop)}, nil
}

func (s *Server) listExecutions(_ context.Context, c *call) (any, error) {
	var in struct {
		StateMachineArn string `json:"stateMachineArn"`
		MapRunArn       string `json:"mapRunArn"`
		StatusFilter    string `json:"statusFilter"`
		RedriveFilter   string `json:"redriveFilter"`
		pageInput
	}
	if err := decodeBody(c.body, &in); err != nil {
		return nil, err
	}
	switch {
	case in.StateMachineArn != "" && in.MapRunArn != "":
		return nil, validationf("Only one of stateMachineArn or mapRunArn can be specified")
	case in.MapRunArn != "":
		return nil, errf("ResourceNotFound", "Resource not found: '%s': this endpoint runs no Distributed Map runs", in.MapRunArn)
	case in.StateMachineArn == "":
		return nil, validationf("Must provide a StateMachine ARN or MapRun ARN")
	}
	switch in.StatusFilter {
	case "", statusRunning, asl.StatusSucceeded, asl.StatusFailed, asl.StatusTimedOut, asl.StatusAborted:
	case "PENDING_REDRIVE":
		return nil, validationf("PENDING_REDRIVE status filter requires a mapRunArn")
	default:
		return nil, validationf("1 validation error detected: Value '%s' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]", in.StatusFilter)
	}
	switch in.RedriveFilter {
	case "", "REDRIVEN", "NOT_REDRIVEN":
	default:
		return nil, validationf("1 validation error detected: Value '%s' at 'redriveFilter' failed to satisfy constraint: Member must satisfy enum value set: [REDRIVEN, NOT_REDRIVEN]", in.RedriveFilter)
	}
	if err := in.pageInput.check(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.resolveMachine(in.StateMachineArn, kindStateMachine, kindVersion, kindAlias)
	if err != nil {
		return nil, err
	}
	if r.machine.typ == typeExpress {
		return nil, errf("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine")
	}
	var matched []*execution
	for i := len(r.machine.execs) - 1; i >= 0; i-- {
		ex := r.machine.execs[i]
		switch {
		case ex.evicted,
			in.StatusFilter != "" && ex.status != in.StatusFilter,
			in.RedriveFilter == "REDRIVEN" && ex.redriveCount == 0,
			in.RedriveFilter == "NOT_REDRIVEN" && ex.redriveCount > 0,
			r.version != nil && ex.versionArn != r.version.arn,
			r.alias != nil && ex.aliasArn != r.alias.arn:
			continue
		}
		matched = append(matched, ex)
	}
	scope := "ListExecutions:" + in.StateMachineArn + ":" + in.StatusFilter + ":" + in.RedriveFilter
	return listPage(s, "executions", scope, matched, func(e *execution) string { return seqKey(e.seq) }, true, in.pageInput, (*execution).summary)
}

func (s *Server) getExecutionHistory(_ context.Context, c *call) (any, error) {
	var in struct {
		ExecutionArn         string `json:"executionArn"`
		ReverseOrder         bool   `json:"reverseOrder"`
		IncludeExecutionData *bool  `json:"includeExecutionData"`
		pageInput
	}
	if err := decodeBody(c.body, &in, mustSet{"executionArn", &in.ExecutionArn}, &in.pageInput); err != nil {
		return nil, err
	}
	s.mu.Lock()
	ex, err := s.lookupExecution(in.ExecutionArn)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	ex.histMu.Lock()
	events := make([]histEvent, len(ex.hist))
	copy(events, ex.hist)
	ex.histMu.Unlock()
	if in.ReverseOrder {
		for i, j := 0, len(events)-1; i < j; i, j = i+1, j-1 {
			events[i], events[j] = events[j], events[i]
		}
	}
	scope := "GetExecutionHistory:" + in.ExecutionArn
	if in.ReverseOrder {
		scope += ":reverse"
	}
	withData := in.IncludeExecutionData == nil || *in.IncludeExecutionData
	return listPage(s, "events", scope, events, func(e histEvent) string { return seqKey(e.id) }, in.ReverseOrder, in.pageInput,
		func(e histEvent) map[string]any { return e.wire(withData) })
}

func (s *Server) redriveExecution(_ context.Context, c *call) (any, error) {
	var in struct {
		ExecutionArn string `json:"executionArn"`
		ClientToken  string `json:"clientToken"`
	}
	if err := decodeBody(c.body, &in, mustSet{"executionArn", &in.ExecutionArn}); err != nil {
		return nil, err
	}
	if len(in.ClientToken) > 64 {
		return nil, tooLong("clientToken", 64)
	}
	now := s.cfg.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	ex, err := s.lookupExecution(in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	if in.ClientToken != "" && ex.redriveTokens[in.ClientToken] {
		return map[string]any{"redriveDate": ep(ex.redriveDate)}, nil
	}
	if status, reason := s.redrivable(ex, now); status != redriveRedrivable {
		return nil, errf("ExecutionNotRedrivable", "Execution with the execution ARN '%s' cannot be redriven: %s", ex.arn, reason)
	}
	if s.closed {
		return nil, &apiError{Status: 503, Code: "ServiceUnavailable", Message: "the server is closed"}
	}
	if in.ClientToken != "" {
		if ex.redriveTokens == nil {
			ex.redriveTokens = map[string]bool{}
		}
		ex.redriveTokens[in.ClientToken] = true
	}
	for i := len(s.finished) - 1; i >= 0; i-- {
		if s.finished[i] == ex {
			s.finished = append(s.finished[:i], s.finished[i+1:]...)
			break
		}
	}
	ex.redriveCount++
	ex.redriveDate = now
	ex.status, ex.stop, ex.output, ex.errName, ex.cause, ex.stopReq = statusRunning, time.Time{}, nil, "", "", nil
	ex.emitExec("ExecutionRedriven", "executionRedrivenEventDetails", now, map[string]any{"redriveCount": ex.redriveCount})
	s.launch(ex, ex.resume)
	return map[string]any{"redriveDate": ep(now)}, nil
}
