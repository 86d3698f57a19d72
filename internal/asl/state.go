package asl

import "time"

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

// state is one compiled state.
type state struct {
	name string
	typ  string
	next string
	end  bool

	// Data flow. A nil path means "$" (the default); the *Null flags mean
	// the field was JSON null.
	inputPath      *path
	inputNull      bool
	outputPath     *path
	outputNull     bool
	parameters     *template
	resultSelector *template
	resultPath     *path
	resultNull     bool
	result         any
	hasResult      bool
	usesContext    bool

	retry []*retrier
	catch []*catcher

	// Task
	resource         string
	resourceType     string
	resourceName     string
	timeoutSeconds   int64
	timeoutSet       bool
	timeoutPath      *path
	heartbeatSeconds int64
	heartbeatSet     bool

	// Choice
	choices     []*rule
	defaultNext string

	// Wait
	waitSeconds   int64
	secondsPath   *path
	timestamp     time.Time
	hasTimestamp  bool
	timestampPath *path

	// Fail
	errorName string
	cause     string
	errorPath *valueSource
	causePath *valueSource

	// Parallel
	branches []*StateMachine

	// Map
	itemsPath          *path
	itemSelector       *template
	iterator           *StateMachine
	maxConcurrency     int
	maxConcurrencyPath *path
}

var stateFields = map[string]map[string]bool{
	typePass: fieldSet("Type", "Comment", "Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "Result"),
	typeTask: fieldSet("Type", "Comment", "Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters",
		"ResultSelector", "Retry", "Catch", "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds",
		"HeartbeatSecondsPath", "Credentials"),
	typeChoice:  fieldSet("Type", "Comment", "InputPath", "OutputPath", "Choices", "Default"),
	typeWait:    fieldSet("Type", "Comment", "Next", "End", "InputPath", "OutputPath", "Seconds", "SecondsPath", "Timestamp", "TimestampPath"),
	typeSucceed: fieldSet("Type", "Comment", "InputPath", "OutputPath"),
	typeFail:    fieldSet("Type", "Comment", "Error", "Cause", "ErrorPath", "CausePath"),
	typeParallel: fieldSet("Type", "Comment", "Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters",
		"ResultSelector", "Retry", "Catch", "Branches"),
	typeMap: fieldSet("Type", "Comment", "Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters",
		"ResultSelector", "Retry", "Catch", "ItemsPath", "ItemSelector", "ItemProcessor", "Iterator", "MaxConcurrency",
		"MaxConcurrencyPath", "Label"),
}

// unsupportedMapFields are Distributed Map fields, rejected with a clear
// message rather than ignored.
var unsupportedMapFields = []string{"ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailureCount",
	"ToleratedFailurePercentage", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"}

func (st *state) computeUsesContext() bool {
	for _, p := range []*path{st.inputPath, st.outputPath, st.timeoutPath, st.secondsPath, st.timestampPath, st.itemsPath, st.maxConcurrencyPath} {
		if p != nil && p.context {
			return true
		}
	}
	for _, t := range []*template{st.parameters, st.resultSelector, st.itemSelector} {
		if t != nil && t.context {
			return true
		}
	}
	for _, r := range st.choices {
		if r.usesContext() {
			return true
		}
	}
	for _, v := range []*valueSource{st.errorPath, st.causePath} {
		if v != nil && (v.path != nil && v.path.context || v.call != nil && v.call.usesContext()) {
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
		return st.parameters != nil || st.hasResult || st.resultPath != nil && len(st.resultPath.steps) > 0
	}
	return true
}
