package asl

import (
	"math"
	"time"
)

// queryLanguage is one of the languages in which a state's fields are
// written (ASL's QueryLanguage). Every field that the languages write
// differently is compiled by the state's language into one of the small
// interfaces below; the state code runs those and never looks at a path, a
// template or an expression itself. See "Query languages" in the package
// documentation for the contract in prose.
//
// Each compile method reads its fields from obj (a state, a Catch entry or a
// Choice rule found at the JSON pointer where), reports every problem
// through c.problem in AWS's words, and returns a usable value even when it
// reported one (Parse then discards the machine). The methods are called in
// the order of the state's fields, so problems keep that order.
type queryLanguage interface {
	// stateFields returns every field a state of type typ may have in this
	// language, the language-independent ones (Type, Next, Retry, ...)
	// included.
	stateFields(typ string) map[string]bool
	// catcherFields returns every field a Catch entry may have.
	catcherFields() map[string]bool

	// compileIO compiles a state's input-side and result-side transforms.
	// Every state type but Fail has them.
	compileIO(c *checker, typ string, obj map[string]any, where string) dataFlow
	// compileCatchOutput compiles what a catcher makes of the error.
	compileCatchOutput(c *checker, obj map[string]any, where string) errorFlow
	// compileCondition compiles a Choice rule's condition. The caller has
	// read the rule's Next (and, with variables, will read its Assign).
	compileCondition(c *checker, rule map[string]any, where string) condition
	// compileTaskTimeouts compiles a Task's timeout and heartbeat fields.
	compileTaskTimeouts(c *checker, obj map[string]any, where string) taskTimeouts
	// compileWait compiles a Wait state's Seconds or Timestamp fields.
	compileWait(c *checker, obj map[string]any, where string) waitTime
	// compileFail compiles a Fail state's Error and Cause fields.
	compileFail(c *checker, obj map[string]any, where string) failReason
	// compileItems compiles where a Map state's items come from and how
	// each becomes an iteration's input. io is the state's compiled
	// dataFlow (JSONPath's older Map Parameters field is the ItemSelector).
	compileItems(c *checker, obj map[string]any, where string, io dataFlow) mapItems
	// compileMaxConcurrency compiles a Map state's MaxConcurrency fields.
	compileMaxConcurrency(c *checker, obj map[string]any, where string) concurrency
	// compileResourceArgs compiles the payload of the S3 call that obj, a
	// Distributed Map's ItemReader or ResultWriter found at where, makes:
	// its Parameters (JSONPath) or Arguments (JSONata).
	compileResourceArgs(c *checker, obj map[string]any, where string) resourceArgs
	// compileLimit compiles a number field of a Distributed Map (MaxItems,
	// ToleratedFailureCount, ToleratedFailurePercentage) that must lie in
	// rng. JSONPath writes it as a number or reads it from the input with
	// the field named field+"Path"; JSONata as a number or an expression.
	compileLimit(c *checker, obj map[string]any, field, where string, rng numRange) limit
	// compileAssign compiles an Assign object m (of a state, a catcher or
	// a Choice rule) found at where; checker.compileAssign has checked
	// its variable names.
	compileAssign(c *checker, m map[string]any, where string) assignment
}

// statesVars are what a field may be evaluated against: the state's input
// and, where there is one, its result or a catcher's error output. JSONata
// binds them as $states.input, $states.result and $states.errorOutput.
type statesVars struct {
	input, result, errorOutput any
	hasResult, hasErrorOutput  bool
}

// query is what every compiled field reports about itself.
type query interface {
	// usesContext reports whether the field reads the context object ($$
	// in JSONPath, $states.context in JSONata). States none of whose
	// fields do are run without building it.
	usesContext() bool
}

// Every method below takes cx, the context source of the state entry (the
// context object, built on demand). With variables, cx is also where a
// query reads them.

// dataFlow is a state's input-side and result-side transforms.
type dataFlow interface {
	query
	// input returns the state's effective input, against which its other
	// fields (TimeoutSecondsPath, ItemsPath, SecondsPath, Choice rules, ...)
	// are evaluated, and its arguments: the Task payload, the input of
	// every Parallel branch, or a Pass state's result.
	//
	// JSONPath: eff is the input after InputPath; args is Parameters
	// evaluated against eff (eff without Parameters), or the Pass state's
	// Result. JSONata: eff is the input ($states.input); args is Arguments.
	input(raw any, cx contextSource) (eff, args any, err *stateError)
	// output returns the state's output from its raw input and its result
	// (for Choice, Wait and Succeed states, eff).
	//
	// JSONPath: ResultSelector on result, ResultPath into raw, then
	// OutputPath. JSONata: Output with $states.input and $states.result
	// (the result when Output is absent).
	output(raw, result any, cx contextSource) (any, *stateError)
	// outputMayGrow reports whether a Pass state's output can be larger
	// than its input; when it cannot, the interpreter skips the size check.
	outputMayGrow() bool
}

// errorFlow is what a catcher makes of the error it caught.
type errorFlow interface {
	query
	// output returns the state's output when the catcher catches
	// errorOutput ({"Error": ..., "Cause": ...}) raised on raw input.
	//
	// JSONPath: ResultPath into raw. JSONata: Output with
	// $states.errorOutput (errorOutput when Output is absent).
	output(raw, errorOutput any, cx contextSource) (any, *stateError)
}

// condition is a Choice rule's test.
type condition interface {
	query
	// eval evaluates the rule against the Choice state's effective input.
	eval(eff any, cx contextSource) (bool, *stateError)
	// output returns the state's output when the rule matched and has an
	// output of its own (JSONata: the rule's Output, over
	// $states.input); ok is false when it has none (always in JSONPath).
	output(raw any, cx contextSource) (out any, ok bool, err *stateError)
}

// taskTimeouts are a Task's TimeoutSeconds and HeartbeatSeconds.
type taskTimeouts interface {
	query
	// timeout returns the attempt's timeout in seconds, evaluated against
	// eff, and whether the definition set one (TaskScheduled reports it
	// only then). Unset, it is defaultTaskTimeout.
	timeout(eff any, cx contextSource) (seconds int64, set bool, err *stateError)
	// heartbeat returns HeartbeatSeconds and whether the definition set
	// it. Heartbeats never fire (see "Differences from AWS"); the value is
	// only reported in TaskScheduled.
	heartbeat(eff any, cx contextSource) (seconds int64, set bool, err *stateError)
}

// waitTime is how long a Wait state waits.
type waitTime interface {
	query
	// duration returns the wait, evaluated against eff; a timestamp is
	// measured from clock.Now(). A negative duration means no wait.
	duration(eff any, clock Clock, cx contextSource) (time.Duration, *stateError)
}

// failReason is a Fail state's error.
type failReason interface {
	query
	// errorAndCause returns the error name and cause, evaluated against
	// the state's input (Fail has no InputPath).
	errorAndCause(raw any, cx contextSource) (name, cause string, err *stateError)
}

// mapItems are the items of a Map state.
type mapItems interface {
	query
	// items returns the array the Map state iterates over, evaluated
	// against eff. JSONPath: ItemsPath (default "$"); JSONata: Items
	// (default $states.input).
	items(eff any, cx contextSource) ([]any, *stateError)
	// hasSelector reports whether selectItem does more than return the
	// item, so that the interpreter need not build an iteration's context.
	hasSelector() bool
	// selectItem returns an iteration's input: ItemSelector evaluated
	// against eff, with cx resolving $$.Map.Item.Index and .Value.
	selectItem(eff, item any, cx contextSource) (any, *stateError)
}

// concurrency is a Map state's MaxConcurrency.
type concurrency interface {
	query
	// maxConcurrency returns the most iterations to run at once, evaluated
	// against eff; 0 means no limit.
	maxConcurrency(eff any, cx contextSource) (int, *stateError)
}

// limitConcurrency is a MaxConcurrency compiled as a limit whose range
// holds only integers.
type limitConcurrency struct{ limit }

func (mc limitConcurrency) maxConcurrency(eff any, cx contextSource) (int, *stateError) {
	n, _, err := mc.value(eff, cx)
	return int(n), err
}

// resourceArgs is the payload of an ItemReader's or ResultWriter's S3 call.
type resourceArgs interface {
	query
	// args returns the payload evaluated against eff; nil when the
	// definition gave none.
	args(eff any, cx contextSource) (any, *stateError)
}

// numRange is the range of a limit: lo to hi, integral when integer is
// set; desc says so in problems and errors ("a non-negative integer"),
// pathValueDesc, when set, in the error about a value read by a Path field.
type numRange struct {
	lo, hi        float64
	integer       bool
	desc          string
	pathValueDesc string
}

// pathDesc is what a value read by a Path field is not when it lies
// outside rng.
func (rng numRange) pathDesc() string {
	if rng.pathValueDesc != "" {
		return rng.pathValueDesc
	}
	return rng.desc
}

// contains reports whether v is a JSON number in the range, and returns it.
func (rng numRange) contains(v any) (float64, bool) {
	f, ok := toFloat(v)
	if !ok || f < rng.lo || f > rng.hi || math.IsNaN(f) {
		return 0, false
	}
	if _, isInt := toInt(v); rng.integer && !isInt {
		return 0, false
	}
	return f, true
}

// limit is a number field of a Distributed Map, or a Map state's
// MaxConcurrency.
type limit interface {
	query
	// value returns the number evaluated against eff and whether the
	// definition set the field (0 when it did not).
	value(eff any, cx contextSource) (n float64, set bool, err *stateError)
}

// languages are the query languages Parse knows, by QueryLanguage value.
var languages = map[string]queryLanguage{
	"JSONPath": jsonPath{},
	"JSONata":  jsonataLang{},
}
