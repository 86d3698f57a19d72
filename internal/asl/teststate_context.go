package asl

import (
	"slices"
	"strings"
	"time"
)

// mockedContext is the context object a TestState request gives: the fields
// it sets, which replace those the run would build.
type mockedContext struct {
	fields map[string]map[string]any // "Execution" -> "Id" -> value
	// execInput is $$.Execution.Input when given.
	execInput any
}

// testContextFields are the members TestState accepts in each object of a
// mocked context, and whether each must be a string ("s"), an integer ("i")
// or any JSON value ("").
var testContextFields = map[string]map[string]string{
	"Execution":    {"Id": "s", "Name": "s", "RoleArn": "s", "StartTime": "s", "Input": "", "RedriveCount": "i"},
	"StateMachine": {"Id": "s", "Name": "s"},
	"State":        {"Name": "s", "EnteredTime": "s", "RetryCount": "i"},
	"Task":         {"Token": "s"},
}

// parseTestContext checks a TestState context object as AWS does and
// returns it; nil text gives an empty mockedContext.
func parseTestContext(text []byte, st *state) (*mockedContext, error) {
	cx := &mockedContext{fields: map[string]map[string]any{}}
	if len(text) == 0 {
		return cx, nil
	}
	invalid := func(format string, args ...any) error {
		return validationError("Invalid Context object provided: "+format, args...)
	}
	v, err := parseJSON(text)
	if err != nil {
		return nil, invalid("not valid JSON: %v", err)
	}
	obj, ok := plain(v).(map[string]any)
	if !ok {
		return nil, invalid("it must be a JSON object")
	}
	for _, key := range sortedKeys(obj) {
		allowed, known := testContextFields[key]
		switch {
		case key == "Map":
			return nil, invalid("'Map' field is not supported when mocking a Context object")
		case !known:
			return nil, invalid("Field '%s' is not allowed", key)
		case key == "Task" && !isCallbackTask(st):
			return nil, invalid("Context object contains 'Task' when state is not a Task state with a '.sync' or " +
				"'.waitForTaskToken' service integration pattern")
		}
		members, ok := obj[key].(map[string]any)
		if !ok {
			return nil, invalid("%s must be an object", key)
		}
		for _, name := range sortedKeys(members) {
			kind, ok := allowed[name]
			if !ok {
				return nil, invalid("Field '%s' is not allowed", name)
			}
			val := members[name]
			if _, isString := val.(string); kind == "s" && !isString {
				return nil, invalid("%s.%s must be a string", key, name)
			}
			if n, isInt := toInt(val); kind == "i" && (!isInt || n < 0) {
				return nil, invalid("%s.%s must be a non-negative integer", key, name)
			}
		}
		if t, ok := members["StartTime"].(string); ok && key == "Execution" {
			if _, err := time.Parse(time.RFC3339Nano, t); err != nil {
				return nil, invalid("Execution.StartTime must be an ISO 8601 timestamp")
			}
		}
		if t, ok := members["EnteredTime"].(string); ok {
			if _, err := time.Parse(time.RFC3339Nano, t); err != nil {
				return nil, invalid("State.EnteredTime must be an ISO 8601 timestamp")
			}
		}
		cx.fields[key] = members
	}
	exec, _ := field(v, "Execution")
	if in, ok := field(exec, "Input"); ok {
		cx.execInput = in // as given, its keys in order
	}
	return cx, nil
}

// isCallbackTask reports whether st is a Task whose integration pattern has
// a task token: .sync or .waitForTaskToken.
func isCallbackTask(st *state) bool {
	if st.task == nil {
		return false
	}
	_, pattern, _ := strings.Cut(st.task.resource, ".")
	return slices.Contains([]string{"sync", "sync:2", "waitForTaskToken"}, pattern)
}

// str returns the string field obj.name, or def.
func (cx *mockedContext) str(obj, name, def string) string {
	if s, ok := cx.fields[obj][name].(string); ok {
		return s
	}
	return def
}

// apply returns ec with the Execution and StateMachine fields the context
// sets.
func (cx *mockedContext) apply(ec ExecutionContext) ExecutionContext {
	ec.ID = cx.str("Execution", "Id", ec.ID)
	ec.Name = cx.str("Execution", "Name", ec.Name)
	ec.RoleARN = cx.str("Execution", "RoleArn", ec.RoleARN)
	if t, err := time.Parse(time.RFC3339Nano, cx.str("Execution", "StartTime", "")); err == nil {
		ec.StartTime = t
	}
	if n, ok := toInt(cx.fields["Execution"]["RedriveCount"]); ok {
		ec.RedriveCount = int(n)
	}
	ec.StateMachineID = cx.str("StateMachine", "Id", ec.StateMachineID)
	ec.StateMachineName = cx.str("StateMachine", "Name", ec.StateMachineName)
	return ec
}

// applyState sets the State and Task fields the context sets on the state's
// run. $$.State.Name stays the state's own name.
func (cx *mockedContext) applyState(r *stateRun) {
	if t, err := time.Parse(time.RFC3339Nano, cx.str("State", "EnteredTime", "")); err == nil {
		r.entered = t
	}
	if n, ok := toInt(cx.fields["State"]["RetryCount"]); ok {
		r.retryCount = int(n)
	}
	if tok := cx.str("Task", "Token", ""); tok != "" {
		r.token, r.tokenAttempt = tok, r.retryCount
	}
}
