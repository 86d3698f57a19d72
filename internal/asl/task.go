package asl

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
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

// splitResource splits a Task's Resource into the resourceType and resource
// reported in history events:
//   - arn:aws:states:::lambda:invoke        -> "lambda", "invoke"
//   - arn:aws:states:::glue:startJobRun.sync -> "glue", "startJobRun.sync"
//   - arn:aws:lambda:<region>:<account>:function:Name[:alias] -> "lambda", "Name"
//   - arn:aws:states:<region>:<account>:activity:Name -> "activity", "Name"
//   - any other ARN -> its service, the whole ARN
//   - anything else -> "task", the resource as written
func splitResource(res string) (resourceType, resource string) {
	parts := strings.SplitN(res, ":", 7)
	if len(parts) < 6 || parts[0] != "arn" {
		return "task", res
	}
	service, region := parts[2], parts[3]
	switch {
	case service == "states" && region == "" && len(parts) >= 6:
		rest := strings.Join(parts[5:], ":")
		if i := strings.IndexByte(rest, ':'); i >= 0 {
			return rest[:i], rest[i+1:]
		}
		return rest, rest
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
		details := t.eventDetails("region", arnRegion(th.ex.opts.Context.ID), "parameters", string(payload))
		if timeoutSet {
			details["timeoutInSeconds"] = timeout
		}
		if heartbeatSet {
			details["heartbeatInSeconds"] = heartbeat
		}
		th.emit("TaskScheduled", "taskScheduledEventDetails", details)
		th.emit("TaskStarted", "taskStartedEventDetails", t.eventDetails())
	}
	out, err := th.invoke(ctx, t.resource, payload, seconds(timeout))
	if err != nil {
		if err.abort {
			return nil, err
		}
		typ, key := "TaskFailed", "taskFailedEventDetails"
		if err.Name == ErrTimeout {
			typ, key = "TaskTimedOut", "taskTimedOutEventDetails"
		}
		th.emit(typ, key, t.eventDetails("error", err.Name, "cause", err.Cause))
		return nil, err
	}
	if len(out) > MaxPayloadSize {
		th.emit("TaskFailed", "taskFailedEventDetails", t.eventDetails("error", ErrDataLimitExceeded, "cause", dataLimit(r.st).Cause))
		return nil, dataLimit(r.st)
	}
	var result any
	if len(bytes.TrimSpace(out)) > 0 {
		v, perr := parseJSON(out)
		if perr != nil {
			e := runtimeError("The task returned output that is not valid JSON: %v", perr)
			th.emit("TaskFailed", "taskFailedEventDetails", t.eventDetails("error", e.Name, "cause", e.Cause))
			return nil, e
		}
		result = v
	}
	if th.history() {
		th.emit("TaskSucceeded", "taskSucceededEventDetails", t.eventDetails("output", string(out), "outputDetails", map[string]any{"truncated": false}))
	}
	return result, nil
}

// taskResult is what an Invoker returned.
type taskResult struct {
	out json.RawMessage
	err error
}

// invoke calls the Invoker with a timeout on the execution's clock. The
// call runs in its own goroutine so that a timeout or an abort returns at
// once even when the task ignores its context.
func (th *thread) invoke(ctx context.Context, resource string, payload []byte, timeout time.Duration) (json.RawMessage, *stateError) {
	tctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan taskResult, 1)
	invoke := th.ex.opts.Invoke
	go func() {
		defer func() {
			if rec := recover(); rec != nil {
				ch <- taskResult{err: newError(ErrTaskFailed, "the task function panicked: %v", rec)}
			}
		}()
		out, err := invoke(tctx, resource, payload)
		ch <- taskResult{out: out, err: err}
	}()
	timeout, last := th.ex.untilDeadline(timeout)
	timer := th.ex.clock.After(timeout)
	select {
	case res := <-ch:
		if res.err != nil {
			if ctx.Err() != nil {
				return nil, errAborted
			}
			return nil, fromTaskError(res.err)
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
