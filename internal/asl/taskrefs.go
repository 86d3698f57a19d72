package asl

import "fmt"

// TaskRef is a Task state of a definition, at any depth.
type TaskRef struct {
	// Resource is the state's Resource as written.
	Resource string
	// Location is the JSON pointer of the Resource field in the definition,
	// such as /States/P/Branches/0/States/Run/Resource.
	Location string
}

// Tasks returns the Task states of m and of every Parallel branch and Map
// ItemProcessor (or Iterator) within, Distributed ones included, depth
// first: each (sub) state machine's states in name order, a Parallel's
// branches in order and a Map's processor where the state comes.
func (m *StateMachine) Tasks() []TaskRef {
	var out []TaskRef
	m.appendTasks(&out, "")
	return out
}

// appendTasks appends the Task states of m, at the JSON pointer where.
func (m *StateMachine) appendTasks(out *[]TaskRef, where string) {
	for _, name := range sortedKeys(m.states) {
		st, at := m.states[name], where+"/States/"+name
		switch {
		case st.task != nil:
			*out = append(*out, TaskRef{Resource: st.task.resource, Location: at + "/Resource"})
		case st.parallel != nil:
			for i, b := range st.parallel.branches {
				b.appendTasks(out, fmt.Sprintf("%s/Branches/%d", at, i))
			}
		case st.mapState != nil && st.mapState.processor != nil:
			st.mapState.processor.appendTasks(out, at+"/"+st.mapState.field)
		}
	}
}
