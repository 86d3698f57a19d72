package asl

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// taskState is what a Task state has beyond the common fields.
type taskState struct {
	resource     string // as written
	resourceType string // for history events, see splitResource
	resourceName string
	timeouts     taskTimeouts
}

// decodeTask compiles a Task state's Resource and timeouts.
func (c *checker) decodeTask(obj map[string]any, where string) *taskState {
	res, ok := obj["Resource"].(string)
	if !ok || res == "" {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [Resource]")
	}
	t := &taskState{resource: res}
	t.resourceType, t.resourceName = splitResource(res)
	t.timeouts = c.lang.compileTaskTimeouts(c, obj, where)
	return t
}

// Integration returns the integration a Task resource of Step Functions'
// service integrations names, in any partition: "lambda:invoke" for
// arn:aws:states:::lambda:invoke, "aws-sdk:s3:getObject" for
// arn:aws-cn:states:::aws-sdk:s3:getObject, with any suffix
// (".waitForTaskToken", ".sync") kept. ok is false for any other resource.
func Integration(resource string) (integration string, ok bool) {
	parts := strings.SplitN(resource, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "states" || parts[3] != "" || parts[4] != "" {
		return "", false
	}
	return parts[5], true
}

// splitResource splits a Task's Resource into the resourceType and resource
// reported in history events:
//   - arn:aws:states:::lambda:invoke        -> "lambda", "invoke"
//   - arn:aws:states:::glue:startJobRun.sync -> "glue", "startJobRun.sync"
//   - arn:aws:lambda:<region>:<account>:function:Name[:alias] -> "lambda", "Name"
//   - arn:aws:states:<region>:<account>:activity:Name -> "activity", "Name"
//   - any other ARN -> its service, the whole ARN
//   - anything else -> "task", the resource as written
func splitResource(res string) (resourceType, resource string) {
	if integration, ok := Integration(res); ok {
		if service, action, found := strings.Cut(integration, ":"); found {
			return service, action
		}
		return integration, integration
	}
	parts := strings.SplitN(res, ":", 7)
	if len(parts) < 6 || parts[0] != "arn" {
		return "task", res
	}
	service := parts[2]
	switch {
	case service == "lambda" && len(parts) == 7 && parts[5] == "function":
		name := parts[6]
		if i := strings.IndexByte(name, ':'); i >= 0 {
			name = name[:i]
		}
		return "lambda", name
	case service == "states" && len(parts) == 7 && parts[5] == "activity":
		return "activity", parts[6]
	}
	return service, res
}

// TaskCall is one attempt of a Task state's work, as a TaskRunner gets it.
type TaskCall struct {
	// State is the Task state's name.
	State string
	// Resource is the state's Resource field as written.
	Resource string
	// Input is the state's effective input (after InputPath and Parameters).
	Input json.RawMessage
	// Token is the attempt's task token, which $$.Task.Token reads. It is made
	// only for the tasks that hand it out (activities and .waitForTaskToken
	// integrations) or whose fields read it; empty otherwise.
	Token string
	// Heartbeat is the state's HeartbeatSeconds; 0 when it has none.
	Heartbeat time.Duration
	// Submitted records that the integration call of a callback task
	// (.waitForTaskToken) returned out, the TaskSubmitted event. Started
	// records that the worker called workerName took an activity task, the
	// ActivityStarted event. Both may be called from any goroutine, at most
	// once each; calls after the attempt ended are ignored.
	Submitted func(out json.RawMessage)
	Started   func(workerName string)
}

// TaskRunner runs the work of a Task state: Options.Task. The returned error
// is read as an Invoker's is, except *ScheduleError.
type TaskRunner func(ctx context.Context, call *TaskCall) (json.RawMessage, error)

// ScheduleError is returned by a TaskRunner when an activity task could not
// be scheduled (the activity does not exist): the history then records
// ActivityScheduleFailed instead of ActivityFailed.
type ScheduleError struct {
	Name, Cause string
}

// Error returns the name and cause.
func (e *ScheduleError) Error() string { return ErrorText(e.Name, e.Cause) }

// ASLError returns the error name and cause (ErrorNamer).
func (e *ScheduleError) ASLError() (name, cause string) { return e.Name, e.Cause }

// runTask runs a Task state's work once. eff is the state's effective
// input (where the timeouts are evaluated); args is the payload.
func (r *stateRun) runTask(ctx context.Context, eff, args any) (any, *stateError) {
	t, th := r.st.task, r.th
	timeout, timeoutSet, err := t.timeouts.timeout(eff, r.ctx())
	if err != nil {
		return nil, err
	}
	heartbeat, heartbeatSet, err := t.timeouts.heartbeat(eff, r.ctx())
	if err != nil {
		return nil, err
	}
	payload, ok := marshalBounded(args)
	if !ok {
		return nil, inputLimit(r.st)
	}
	if th.history() {
		t.emitScheduled(th, payload, timeout, timeoutSet, heartbeat, heartbeatSet)
	}
	call := &TaskCall{State: r.st.name, Resource: t.resource, Input: payload}
	if t.takesToken() || (r.token != "" && r.tokenAttempt == r.retryCount) {
		call.Token = r.taskToken()
	}
	if heartbeatSet {
		call.Heartbeat = seconds(heartbeat)
	}
	out, err := th.invoke(ctx, t, call, seconds(timeout))
	if err != nil {
		if err.abort {
			return nil, err
		}
		outcome := "Failed"
		switch {
		case err.scheduleFailed:
			outcome = "ScheduleFailed"
		case err.Name == ErrTimeout || err.Name == ErrHeartbeatTimeout:
			outcome = "TimedOut"
		}
		t.emitEnded(th, outcome, "error", err.Name, "cause", err.Cause)
		return nil, err
	}
	if len(out) > MaxPayloadSize {
		t.emitEnded(th, "Failed", "error", ErrDataLimitExceeded, "cause", dataLimit(r.st).Cause)
		return nil, dataLimit(r.st)
	}
	var result any
	if len(bytes.TrimSpace(out)) > 0 {
		v, perr := parseJSON(out)
		if perr != nil {
			e := runtimeError("The task returned output that is not valid JSON: %v", perr)
			t.emitEnded(th, "Failed", "error", e.Name, "cause", e.Cause)
			return nil, e
		}
		result = v
	}
	if th.history() {
		t.emitEnded(th, "Succeeded", "output", string(out), "outputDetails", map[string]any{"truncated": false})
	}
	return result, nil
}

// takesToken reports whether the task hands its attempt's token to a worker:
// an activity, or a .waitForTaskToken integration. Other tasks get a token
// only when their fields read $$.Task.Token, so that an ordinary task does
// not pay for making one.
func (t *taskState) takesToken() bool {
	return t.isActivity() || strings.HasSuffix(t.resource, ".waitForTaskToken")
}

// isActivity reports whether the task runs an activity, whose history events
// are Activity... rather than Task....
func (t *taskState) isActivity() bool { return t.resourceType == "activity" }

// emitScheduled records that the task was scheduled: TaskScheduled and
// TaskStarted, or ActivityScheduled (an activity starts when a worker takes
// it).
func (t *taskState) emitScheduled(th *thread, payload []byte, timeout int64, timeoutSet bool, heartbeat int64, heartbeatSet bool) {
	var details map[string]any
	if t.isActivity() {
		details = map[string]any{"resource": t.resource, "input": string(payload), "inputDetails": map[string]any{"truncated": false}}
	} else {
		details = t.eventDetails("region", arnRegion(th.ex.opts.Context.ID), "parameters", string(payload))
	}
	if timeoutSet {
		details["timeoutInSeconds"] = timeout
	}
	if heartbeatSet {
		details["heartbeatInSeconds"] = heartbeat
	}
	if t.isActivity() {
		th.emit("ActivityScheduled", "activityScheduledEventDetails", details)
		return
	}
	th.emit("TaskScheduled", "taskScheduledEventDetails", details)
	th.emit("TaskStarted", "taskStartedEventDetails", t.eventDetails())
}

// emitEnded records how the task ended: outcome is Succeeded, Failed,
// TimedOut or ScheduleFailed; kv are the details beyond the resource.
func (t *taskState) emitEnded(th *thread, outcome string, kv ...any) {
	if t.isActivity() {
		details := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			details[kv[i].(string)] = kv[i+1]
		}
		th.emit("Activity"+outcome, "activity"+outcome+"EventDetails", details)
		return
	}
	th.emit("Task"+outcome, "task"+outcome+"EventDetails", t.eventDetails(kv...))
}

// taskResult is what an Invoker returned.
type taskResult struct {
	out json.RawMessage
	err error
}

// invoke runs the task's work with a timeout on the execution's clock. The
// call runs in its own goroutine so that a timeout or an abort returns at
// once even when the task ignores its context.
func (th *thread) invoke(ctx context.Context, t *taskState, call *TaskCall, timeout time.Duration) (json.RawMessage, *stateError) {
	tctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan taskResult, 1)
	run := th.ex.opts.Task
	if run == nil {
		invoke := th.ex.opts.Invoke
		run = func(ctx context.Context, c *TaskCall) (json.RawMessage, error) {
			return invoke(ctx, c.Resource, c.Input)
		}
	}
	var (
		mu    sync.Mutex
		ended bool
	)
	hook := func(typ, key string, details map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		if !ended && th.history() {
			th.emit(typ, key, details)
		}
	}
	call.Submitted = func(out json.RawMessage) {
		hook("TaskSubmitted", "taskSubmittedEventDetails",
			t.eventDetails("output", string(out), "outputDetails", map[string]any{"truncated": false}))
	}
	call.Started = func(worker string) {
		hook("ActivityStarted", "activityStartedEventDetails", map[string]any{"workerName": worker})
	}
	defer func() {
		mu.Lock()
		ended = true
		mu.Unlock()
	}()
	go func() {
		defer func() {
			if rec := recover(); rec != nil {
				ch <- taskResult{err: newError(ErrTaskFailed, "the task function panicked: %v", rec)}
			}
		}()
		out, err := run(tctx, call)
		ch <- taskResult{out: out, err: err}
	}()
	timeout, last := th.ex.untilDeadline(timeout)
	timer, stop := AfterStop(th.ex.clock, timeout)
	defer stop()
	select {
	case res := <-ch:
		if res.err != nil {
			if ctx.Err() != nil {
				return nil, errAborted
			}
			se := fromTaskError(res.err)
			var sched *ScheduleError
			if errors.As(res.err, &sched) {
				se.scheduleFailed = true
			}
			return nil, se
		}
		return res.out, nil
	case <-timer:
		select {
		case res := <-ch: // finished at the same moment: the task wins
			if res.err == nil {
				return res.out, nil
			}
		default:
		}
		if last { // the execution's deadline, not the task's
			th.ex.cancel(errExecutionTimedOut)
			return nil, errAborted
		}
		return nil, &stateError{Name: ErrTimeout, Cause: fmt.Sprintf("The task did not finish within its timeout of %d seconds.", int64(timeout/time.Second))}
	case <-ctx.Done():
		return nil, errAborted
	}
}

// arnRegion returns the region field of an ARN, or "".
func arnRegion(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) < 5 {
		return ""
	}
	return parts[3]
}

// eventDetails returns the details of a Task event: the resource members and
// the given key/value pairs.
func (t *taskState) eventDetails(kv ...any) map[string]any {
	d := make(map[string]any, 2+len(kv)/2)
	d["resourceType"], d["resource"] = t.resourceType, t.resourceName
	for i := 0; i+1 < len(kv); i += 2 {
		d[kv[i].(string)] = kv[i+1]
	}
	return d
}

// taskToken returns the task token of the state's current attempt, making
// it on first use: Parameters may read it ($$.Task.Token) before the task
// runs, and a retry gets a new one.
func (r *stateRun) taskToken() string {
	if r.token == "" || r.tokenAttempt != r.retryCount {
		r.token, r.tokenAttempt = r.th.ex.newTaskToken(), r.retryCount
	}
	return r.token
}

// newTaskToken makes a task token: Options.TaskToken's, or a random one.
func (ex *execution) newTaskToken() string {
	if ex.opts.TaskToken != nil {
		return ex.opts.TaskToken()
	}
	return rand.Text()
}
