package asl

// state types.
const (
	typePass     = "Pass"
	typeTask     = "Task"
	typeChoice   = "Choice"
	typeWait     = "Wait"
	typeSucceed  = "Succeed"
	typeFail     = "Fail"
	typeParallel = "Parallel"
	typeMap      = "Map"
)

// state is one compiled state. The fields every state type has come first;
// io holds the fields written in the state's query language that shape its
// input and output. Then one group per state type: exactly the group of
// the state's type is set (none for Pass and Succeed).
type state struct {
	name string
	typ  string
	next string
	end  bool
	// usesContext is set when some field reads the context object, so that
	// other states run without building it.
	usesContext bool

	io dataFlow // nil for Fail
	// assign is the state's Assign (nil without one); varRefs the
	// variables its fields read (DescribeStateMachine's
	// variableReferences).
	assign  assignment
	varRefs []string

	// Retry and Catch (Task, Parallel, Map).
	retry []*retrier
	catch []*catcher

	task     *taskState
	choice   *choiceState
	wait     waitTime
	fail     failReason
	parallel *parallelState
	mapState *mapState
}

// distributedMapFields are the fields only a Distributed Map state may have
// (see distributed.go): a Map state whose ItemProcessor is not DISTRIBUTED
// may not have them.
var distributedMapFields = []string{"ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailureCount",
	"ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath"}

func (st *state) computeUsesContext() bool {
	var qs []query
	if st.io != nil {
		qs = append(qs, st.io)
	}
	if st.assign != nil {
		qs = append(qs, st.assign)
	}
	for _, ct := range st.catch {
		qs = append(qs, ct.output)
		if ct.assign != nil {
			qs = append(qs, ct.assign)
		}
	}
	switch {
	case st.task != nil:
		qs = append(qs, st.task.timeouts)
	case st.choice != nil:
		for _, r := range st.choice.rules {
			qs = append(qs, r.cond)
			if r.assign != nil {
				qs = append(qs, r.assign)
			}
		}
	case st.wait != nil:
		qs = append(qs, st.wait)
	case st.fail != nil:
		qs = append(qs, st.fail)
	case st.mapState != nil:
		qs = append(qs, st.mapState.items, st.mapState.concurrency)
		qs = append(qs, st.mapState.distributed.queries()...)
	}
	for _, q := range qs {
		if q.usesContext() {
			return true
		}
	}
	return false
}

// mayGrow reports whether the state's output can be larger than its input.
func (st *state) mayGrow() bool {
	switch st.typ {
	case typeChoice, typeWait, typeSucceed:
		return false
	case typePass:
		return st.io.outputMayGrow()
	}
	return true
}
