package asl

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// tracing is a query language that wraps JSONPath in types of its own and
// counts the calls states make through each interface method. Running a
// machine under it proves that the state code reaches its fields only
// through queryLanguage, as a JSONata implementation will.
type tracing struct {
	mu    *sync.Mutex
	calls map[string]int
}

func (t tracing) count(method string) {
	t.mu.Lock()
	t.calls[method]++
	t.mu.Unlock()
}

var _ queryLanguage = tracing{}

func (tracing) stateFields(typ string) map[string]bool { return jsonPath{}.stateFields(typ) }
func (tracing) catcherFields() map[string]bool         { return jsonPath{}.catcherFields() }

func (t tracing) compileIO(c *checker, typ string, obj map[string]any, where string) dataFlow {
	return tracedIO{t, jsonPath{}.compileIO(c, typ, obj, where)}
}

func (t tracing) compileCatchOutput(c *checker, obj map[string]any, where string) errorFlow {
	return tracedCatch{t, jsonPath{}.compileCatchOutput(c, obj, where)}
}

func (t tracing) compileCondition(c *checker, rule map[string]any, where string) condition {
	return tracedCondition{t, jsonPath{}.compileCondition(c, rule, where)}
}

func (t tracing) compileTaskTimeouts(c *checker, obj map[string]any, where string) taskTimeouts {
	return tracedTimeouts{t, jsonPath{}.compileTaskTimeouts(c, obj, where)}
}

func (t tracing) compileWait(c *checker, obj map[string]any, where string) waitTime {
	return tracedWait{t, jsonPath{}.compileWait(c, obj, where)}
}

func (t tracing) compileFail(c *checker, obj map[string]any, where string) failReason {
	return tracedFail{t, jsonPath{}.compileFail(c, obj, where)}
}

func (t tracing) compileItems(c *checker, obj map[string]any, where string, io dataFlow) mapItems {
	return tracedItems{t, jsonPath{}.compileItems(c, obj, where, io.(tracedIO).dataFlow)}
}

func (t tracing) compileMaxConcurrency(c *checker, obj map[string]any, where string) concurrency {
	return tracedConcurrency{t, jsonPath{}.compileMaxConcurrency(c, obj, where)}
}

func (t tracing) compileResourceArgs(c *checker, obj map[string]any, where string) resourceArgs {
	return tracedArgs{t, jsonPath{}.compileResourceArgs(c, obj, where)}
}

func (t tracing) compileLimit(c *checker, obj map[string]any, field, where string, rng numRange) limit {
	return tracedLimit{t, jsonPath{}.compileLimit(c, obj, field, where, rng)}
}

type tracedArgs struct {
	t tracing
	resourceArgs
}

func (x tracedArgs) args(eff any, cx contextSource) (any, *stateError) {
	x.t.count("resourceArgs.args")
	return x.resourceArgs.args(eff, cx)
}

type tracedLimit struct {
	t tracing
	limit
}

func (x tracedLimit) value(eff any, cx contextSource) (float64, bool, *stateError) {
	x.t.count("limit.value")
	return x.limit.value(eff, cx)
}

func (t tracing) compileAssign(c *checker, m map[string]any, where string) assignment {
	return tracedAssign{t, jsonPath{}.compileAssign(c, m, where)}
}

type tracedAssign struct {
	t tracing
	assignment
}

func (x tracedAssign) values(in statesVars, cx contextSource) (map[string]any, *stateError) {
	x.t.count("assignment.values")
	return x.assignment.values(in, cx)
}

type tracedIO struct {
	t tracing
	dataFlow
}

func (x tracedIO) input(raw any, cx contextSource) (any, any, *stateError) {
	x.t.count("dataFlow.input")
	return x.dataFlow.input(raw, cx)
}

func (x tracedIO) output(raw, result any, cx contextSource) (any, *stateError) {
	x.t.count("dataFlow.output")
	return x.dataFlow.output(raw, result, cx)
}

type tracedCatch struct {
	t tracing
	errorFlow
}

func (x tracedCatch) output(raw, errorOutput any, cx contextSource) (any, *stateError) {
	x.t.count("errorFlow.output")
	return x.errorFlow.output(raw, errorOutput, cx)
}

type tracedCondition struct {
	t tracing
	condition
}

func (x tracedCondition) eval(eff any, cx contextSource) (bool, *stateError) {
	x.t.count("condition.eval")
	return x.condition.eval(eff, cx)
}

type tracedTimeouts struct {
	t tracing
	taskTimeouts
}

func (x tracedTimeouts) timeout(eff any, cx contextSource) (int64, bool, *stateError) {
	x.t.count("taskTimeouts.timeout")
	return x.taskTimeouts.timeout(eff, cx)
}

func (x tracedTimeouts) heartbeat(eff any, cx contextSource) (int64, bool, *stateError) {
	x.t.count("taskTimeouts.heartbeat")
	return x.taskTimeouts.heartbeat(eff, cx)
}

type tracedWait struct {
	t tracing
	waitTime
}

func (x tracedWait) duration(eff any, clock Clock, cx contextSource) (time.Duration, *stateError) {
	x.t.count("waitTime.duration")
	return x.waitTime.duration(eff, clock, cx)
}

type tracedFail struct {
	t tracing
	failReason
}

func (x tracedFail) errorAndCause(raw any, cx contextSource) (string, string, *stateError) {
	x.t.count("failReason.errorAndCause")
	return x.failReason.errorAndCause(raw, cx)
}

type tracedItems struct {
	t tracing
	mapItems
}

func (x tracedItems) items(eff any, cx contextSource) ([]any, *stateError) {
	x.t.count("mapItems.items")
	return x.mapItems.items(eff, cx)
}

func (x tracedItems) selectItem(eff, item any, cx contextSource) (any, *stateError) {
	x.t.count("mapItems.selectItem")
	return x.mapItems.selectItem(eff, item, cx)
}

type tracedConcurrency struct {
	t tracing
	concurrency
}

func (x tracedConcurrency) maxConcurrency(eff any, cx contextSource) (int, *stateError) {
	x.t.count("concurrency.maxConcurrency")
	return x.concurrency.maxConcurrency(eff, cx)
}

// TestQueryLanguageSeam runs a machine with every state type, a catcher
// and a Map selector under JSONPath and under tracing: the results must be
// the same, and every interface method must have been called, so that no
// state reads its fields around the interface.
func TestQueryLanguageSeam(t *testing.T) {
	const body = `"StartAt":"P","States":{
		"P":{"Type":"Pass","Result":{"items":[1,2,3],"k":"go"},"Next":"T"},
		"T":{"Type":"Task","Resource":"boom","TimeoutSeconds":5,"HeartbeatSeconds":2,"Next":"C",
			"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"C"}]},
		"C":{"Type":"Choice","Choices":[{"Variable":"$.k","StringEquals":"go","Next":"W"}],"Default":"F"},
		"W":{"Type":"Wait","Seconds":1,"Next":"Par"},
		"Par":{"Type":"Parallel","ResultPath":"$.par","Next":"M",
			"Branches":[{"StartAt":"S","States":{"S":{"Type":"Succeed","OutputPath":"$.k"}}}]},
		"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,"ResultPath":"$.doubled","Next":"F",
			"ItemSelector":{"v.$":"$$.Map.Item.Value","k.$":"$.k"},
			"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}}},
		"F":{"Type":"Fail","ErrorPath":"$.err.Error","CausePath":"States.JsonToString($.doubled)"}}`
	run := func(def string) Result {
		m := mustParse(t, def)
		opts := Options{Clock: newFakeClock(time.Second), Invoke: tasks(map[string]taskFunc{"boom": failing("App.Boom", "no")}),
			Context: testContext()}
		return m.Run(context.Background(), json.RawMessage(`{}`), opts)
	}
	want := run(`{` + body + `}`)
	if want.Status != StatusFailed || want.Error != "App.Boom" || !strings.Contains(want.Cause, `"v":3`) {
		t.Fatalf("JSONPath run = %+v, want FAILED with App.Boom and the Map's output as cause", want)
	}

	tr := tracing{mu: &sync.Mutex{}, calls: map[string]int{}}
	languages["Tracing"] = tr
	defer delete(languages, "Tracing")
	got := run(`{"QueryLanguage":"Tracing",` + body + `}`)
	if got.Status != want.Status || got.Error != want.Error || got.Cause != want.Cause || !reflect.DeepEqual(got.Resume, want.Resume) {
		t.Errorf("run under tracing = %+v, want %+v", got, want)
	}
	methods := []string{"dataFlow.input", "dataFlow.output", "errorFlow.output", "condition.eval", "taskTimeouts.timeout",
		"taskTimeouts.heartbeat", "waitTime.duration", "failReason.errorAndCause", "mapItems.items", "mapItems.selectItem",
		"concurrency.maxConcurrency"}
	var missing []string
	for _, m := range methods {
		if tr.calls[m] == 0 {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		t.Errorf("never called through the interface: %v (called: %v)", missing, sortedKeys(tr.calls))
	}
}
