package asl

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

func (c *checker) task(st *state, obj map[string]any, where string) {
	res, ok := obj["Resource"].(string)
	if !ok || res == "" {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [Resource]")
	}
	st.resource = res
	st.resourceType, st.resourceName = splitResource(res)
	st.timeoutSeconds = defaultTaskTimeout
	_, hasT := obj["TimeoutSeconds"]
	_, hasTP := obj["TimeoutSecondsPath"]
	if hasT && hasTP {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: Only one of 'TimeoutSeconds' or 'TimeoutSecondsPath' may be set")
	}
	if hasT {
		n, ok := toInt(obj["TimeoutSeconds"])
		if !ok || n < 1 || n > defaultTaskTimeout {
			c.problem(where+"/TimeoutSeconds", "SCHEMA_VALIDATION_FAILED: 'TimeoutSeconds' must be an integer from 1 to %d", defaultTaskTimeout)
		}
		st.timeoutSeconds, st.timeoutSet = n, true
	}
	if hasTP {
		st.timeoutPath = c.reqPath(obj["TimeoutSecondsPath"], "TimeoutSecondsPath", where, true)
	}
	_, hasH := obj["HeartbeatSeconds"]
	_, hasHP := obj["HeartbeatSecondsPath"]
	if hasH && hasHP {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: Only one of 'HeartbeatSeconds' or 'HeartbeatSecondsPath' may be set")
	}
	if hasH {
		n, ok := toInt(obj["HeartbeatSeconds"])
		if !ok || n < 1 || n > defaultTaskTimeout {
			c.problem(where+"/HeartbeatSeconds", "SCHEMA_VALIDATION_FAILED: 'HeartbeatSeconds' must be an integer from 1 to %d", defaultTaskTimeout)
		} else if hasT && n >= st.timeoutSeconds {
			c.problem(where+"/HeartbeatSeconds", "SCHEMA_VALIDATION_FAILED: 'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'")
		}
		st.heartbeatSeconds, st.heartbeatSet = n, true
	}
	if hasHP {
		c.reqPath(obj["HeartbeatSecondsPath"], "HeartbeatSecondsPath", where, true)
	}
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

// task runs a Task state's work once. eff is the state's input after
// InputPath (where TimeoutSecondsPath is resolved); params is the payload.
func (r *stateRun) task(ctx context.Context, eff, params any) (any, *stateError) {
	st, th := r.st, r.th
	timeout := st.timeoutSeconds
	if st.timeoutPath != nil {
		v, ok := st.timeoutPath.get(eff, r.ctx())
		n, isInt := toInt(v)
		if !ok || !isInt || n < 1 {
			return nil, runtimeError("The TimeoutSecondsPath '%s' must point to a positive integer", st.timeoutPath.text)
		}
		timeout = n
	}
	payload := marshal(params)
	if th.history() {
		details := map[string]any{
			"resourceType": st.resourceType, "resource": st.resourceName,
			"region": arnRegion(th.ex.opts.Context.ID), "parameters": string(payload),
		}
		if st.timeoutSet || st.timeoutPath != nil {
			details["timeoutInSeconds"] = timeout
		}
		if st.heartbeatSet {
			details["heartbeatInSeconds"] = st.heartbeatSeconds
		}
		th.emit("TaskScheduled", "taskScheduledEventDetails", details)
		th.emit("TaskStarted", "taskStartedEventDetails", map[string]any{"resourceType": st.resourceType, "resource": st.resourceName})
	}
	out, err := th.invoke(ctx, st.resource, payload, seconds(timeout))
	if err != nil {
		if err.abort {
			return nil, err
		}
		typ, key := "TaskFailed", "taskFailedEventDetails"
		if err.Name == ErrTimeout {
			typ, key = "TaskTimedOut", "taskTimedOutEventDetails"
		}
		th.emit(typ, key, map[string]any{"resourceType": st.resourceType, "resource": st.resourceName, "error": err.Name, "cause": err.Cause})
		return nil, err
	}
	if len(out) > MaxPayloadSize {
		th.emit("TaskFailed", "taskFailedEventDetails", map[string]any{"resourceType": st.resourceType, "resource": st.resourceName,
			"error": ErrDataLimitExceeded, "cause": dataLimit(st).Cause})
		return nil, dataLimit(st)
	}
	var result any
	if len(bytes.TrimSpace(out)) > 0 {
		v, perr := parseJSON(out)
		if perr != nil {
			e := runtimeError("The task returned output that is not valid JSON: %v", perr)
			th.emit("TaskFailed", "taskFailedEventDetails", map[string]any{"resourceType": st.resourceType, "resource": st.resourceName, "error": e.Name, "cause": e.Cause})
			return nil, e
		}
		result = v
	}
	if th.history() {
		th.emit("TaskSucceeded", "taskSucceededEventDetails", map[string]any{"resourceType": st.resourceType, "resource": st.resourceName,
			"output": string(out), "outputDetails": map[string]any{"truncated": false}})
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
