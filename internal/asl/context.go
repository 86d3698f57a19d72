package asl

import "time"

// contextSource provides the context object ($$) on demand, so states
// that do not read it pay nothing.
type contextSource interface {
	// contextObject returns the whole context object.
	contextObject() any
	// lookupContext resolves a definite path into the context object.
	lookupContext(steps []step) (any, bool)
	// variable returns the value of the workflow variable name.
	variable(name string) (any, bool)
}

// noContext is the context source of states that never read $$; it reads
// variables from its scope.
type noContext struct{ vars *varScope }

func (noContext) contextObject() any { return map[string]any{} }

func (noContext) lookupContext([]step) (any, bool) { return nil, false }

func (c noContext) variable(name string) (any, bool) { return c.vars.lookup(name) }

func (r *stateRun) variable(name string) (any, bool) { return r.th.vars.lookup(name) }

// execObjects returns the shared Execution and StateMachine objects.
func (ex *execution) execObjects() (execObj, smObj map[string]any) {
	ex.execOnce.Do(func() {
		c := ex.opts.Context
		ex.execObj = map[string]any{
			"Id":           c.ID,
			"Name":         c.Name,
			"RoleArn":      c.RoleARN,
			"StartTime":    formatTime(c.StartTime),
			"Input":        ex.input,
			"RedriveCount": int64(c.RedriveCount),
		}
		ex.smObj = map[string]any{"Id": c.StateMachineID, "Name": c.StateMachineName}
	})
	return ex.execObj, ex.smObj
}

// stateObject returns $$.State.
// A Pass state's has no RetryCount, as AWS records it.
func (r *stateRun) stateObject() map[string]any {
	obj := map[string]any{
		"Name":        r.st.name,
		"EnteredTime": formatTime(r.entered),
	}
	if r.st.typ != typePass {
		obj["RetryCount"] = int64(r.retryCount)
	}
	return obj
}

// contextObject builds the context object ($$) for this state.
func (r *stateRun) contextObject() any {
	execObj, smObj := r.th.ex.execObjects()
	obj := map[string]any{"Execution": execObj, "StateMachine": smObj, "State": r.stateObject()}
	if r.st.typ == typeTask {
		obj["Task"] = map[string]any{"Token": r.taskToken()}
	}
	if r.inMapItem {
		obj["Map"] = map[string]any{"Item": map[string]any{"Index": int64(r.mapIndex), "Value": r.mapValue}}
	}
	return obj
}

// lookupContext resolves the common definite context paths without
// building the whole object.
func (r *stateRun) lookupContext(steps []step) (any, bool) {
	if len(steps) >= 2 && !steps[0].isIndex && !steps[1].isIndex {
		switch steps[0].key {
		case "Map":
			if !r.inMapItem || steps[1].key != "Item" || len(steps) < 3 || steps[2].isIndex {
				break
			}
			switch steps[2].key {
			case "Index":
				if len(steps) == 3 {
					return int64(r.mapIndex), true
				}
				return nil, false
			case "Value":
				return getSteps(r.mapValue, steps[3:])
			}
			return nil, false
		case "Task":
			if r.st.typ == typeTask && len(steps) == 2 && steps[1].key == "Token" {
				return r.taskToken(), true
			}
		case "State":
			if len(steps) == 2 {
				switch steps[1].key {
				case "Name":
					return r.st.name, true
				case "RetryCount":
					return int64(r.retryCount), r.st.typ != typePass
				}
			}
		case "Execution":
			execObj, _ := r.th.ex.execObjects()
			return getSteps(execObj, steps[1:])
		}
	}
	return getSteps(r.contextObject(), steps)
}

func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// ctx returns the context source for the state.
func (r *stateRun) ctx() contextSource {
	if !r.st.usesContext {
		return noContext{r.th.vars}
	}
	return r
}
