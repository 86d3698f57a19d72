package asl

import (
	"context"
	"strings"
	"testing"
	"time"
)

// outcomeCase is a runCase written in one line: the output a run must end
// with, or the error it must fail with and a part of the cause.
type outcomeCase struct {
	name, def, input, wantOut, wantErr, wantCause string
}

// outcomeCases converts cases to runCases whose Task states run taskSet.
func outcomeCases(cases []outcomeCase, taskSet map[string]taskFunc) []runCase {
	out := make([]runCase, len(cases))
	for i, c := range cases {
		out[i] = runCase{name: c.name, def: c.def, input: c.input, tasks: taskSet, wantOutput: c.wantOut, wantError: c.wantErr, wantCause: c.wantCause}
		if c.wantErr != "" {
			out[i].wantStatus = StatusFailed
		}
	}
	return out
}

func TestJSONataRun(t *testing.T) {
	// The self-recursion case takes about a second under -race: a loaded
	// machine must not turn it into a timeout.
	defer func(d time.Duration) { jsonataTimeout = d }(jsonataTimeout)
	jsonataTimeout = time.Minute
	taskSet := map[string]taskFunc{"echo": echo, "boom": failing("App.Boom", "it broke")}
	tests := []outcomeCase{
		{"null and empty arrays round-trip", `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass",
			"Output":{"a":"{% $states.input.a %}","b":"{% $states.input.b %}","all":"{% $states.input %}","lit":[null,[]]},"End":true}}}`,
			`{"a":null,"b":[]}`, `{"a":null,"b":[],"all":{"a":null,"b":[]},"lit":[null,[]]}`, "", ""},
		{"task arguments, result and context", `{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"echo",
			"Arguments":{"n":"{% $states.input.n * 2 %}"},"TimeoutSeconds":"{% 3600 * 2 %}",
			"Output":{"r":"{% $states.result.n %}","in":"{% $states.input.n %}","state":"{% $states.context.State.Name %}"},"End":true}}}`,
			`{"n":21}`, `{"r":42,"in":21,"state":"T"}`, "", ""},
		{"choice condition and per-state JSONPath", `{"QueryLanguage":"JSONPath","StartAt":"C","States":{
			"C":{"Type":"Choice","QueryLanguage":"JSONata","Choices":[{"Condition":"{% $states.input.n > 5 %}","Next":"Big"}],"Default":"Small"},
			"Big":{"Type":"Pass","Parameters":{"size":"big","n.$":"$.n"},"End":true},
			"Small":{"Type":"Pass","Result":"small","End":true}}}`,
			`{"n":7}`, `{"n":7,"size":"big"}`, "", ""},
		{"choice rule output and assign", `{"QueryLanguage":"JSONata","StartAt":"C","States":{
			"C":{"Type":"Choice","Output":{"from":"state"},"Choices":[
				{"Condition":"{% $states.input.n > 5 %}","Output":{"from":"rule","n":"{% $states.input.n %}"},"Assign":{"v":"rule"},"Next":"D"}],
				"Default":"D","Assign":{"v":"default"}},
			"D":{"Type":"Pass","Output":"{% $merge([$states.input, {'v': $v}]) %}","End":true}}}`,
			`{"n":7}`, `{"from":"rule","n":7,"v":"rule"}`, "", ""},
		{"choice default output and assign", `{"QueryLanguage":"JSONata","StartAt":"C","States":{
			"C":{"Type":"Choice","Output":{"from":"state"},"Choices":[
				{"Condition":"{% $states.input.n > 5 %}","Output":{"from":"rule"},"Assign":{"v":"rule"},"Next":"D"}],
				"Default":"D","Assign":{"v":"default"}},
			"D":{"Type":"Pass","Output":"{% $merge([$states.input, {'v': $v}]) %}","End":true}}}`,
			`{"n":1}`, `{"from":"state","v":"default"}`, "", ""},
		{"map items and item selector", `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map",
			"Items":"{% $states.input.xs %}","MaxConcurrency":"{% 2 %}",
			"ItemSelector":{"v":"{% $states.context.Map.Item.Value %}","i":"{% $states.context.Map.Item.Index %}"},
			"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $states.input.v * 10 + $states.input.i %}","End":true}}},"End":true}}}`,
			`{"xs":[1,2,3]}`, `[10,21,32]`, "", ""},
		{"catch output", `{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"boom","End":true,
			"Catch":[{"ErrorEquals":["States.ALL"],"Next":"F","Output":{"e":"{% $states.errorOutput.Error %}","in":"{% $states.input %}"}}]},
			"F":{"Type":"Fail","Error":"{% $states.input.e %}","Cause":"{% 'caught ' & $states.input.in.k %}"}}}`,
			`{"k":"v"}`, "", "App.Boom", "caught v"},
		{"wait seconds expression", `{"QueryLanguage":"JSONata","StartAt":"W","States":{"W":{"Type":"Wait","Seconds":"{% $states.input.s %}","End":true}}}`,
			`{"s":3}`, `{"s":3}`, "", ""},
		{"AWS functions", `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":{
			"r":"{% $range(1, 9, 9) %}","p":"{% $partition([1,2,3], 2) %}","h":"{% $hash('x', 'MD5') %}",
			"j":"{% $parse('{\"a\":[1]}') %}","s":"{% $random(1) = $random(1) %}","u":"{% $length($uuid()) %}"},"End":true}}}`,
			`{}`, `{"r":1,"p":[[1,2],[3]],"h":"9dd4e461268c8034f5c8564e155c67a6","j":{"a":[1]},"s":true,"u":36}`, "", ""},
		{"undefined", `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":{"result":"{% $x %}"},"End":true}}}`,
			`{}`, "", ErrQueryEvaluation,
			"An error occurred while executing the state 'P'. The JSONata expression '$x' specified for the field 'Output/result' returned nothing (undefined)."},
		{"items not an array", `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% 1 %}",
			"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			`{}`, "", ErrQueryEvaluation,
			"An error occurred while executing the state 'M'. The JSONata expression '1' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'number' for value: 1"},
		{"map input not an array", `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map",
			"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			`1`, "", ErrQueryEvaluation, "An error occurred while executing the state 'M'. Map state input must be an array but was: 1"},
		{"function result", `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% function($a){$a} %}","End":true}}}`,
			`{}`, "", ErrQueryEvaluation,
			"An error occurred while executing the state 'P'. The JSONata expression 'function($a){$a}' specified for the field 'Output' returned an unsupported result type."},
		{"self-recursion fails the state", `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass",
			"Output":"{% ($f := function($n){ $f($n + 1) }; $f(0)) %}","End":true}}}`,
			`{}`, "", ErrQueryEvaluation, "user-defined functions nest deeper than 500 calls"},
	}
	runCases(t, outcomeCases(tests, taskSet))
}

// TestJSONataTimeout: an expression that loops fails its state with
// States.QueryEvaluationError instead of hanging the execution.
func TestJSONataTimeout(t *testing.T) {
	defer func(d time.Duration) { jsonataTimeout = d }(jsonataTimeout)
	jsonataTimeout = 50 * time.Millisecond
	// $reduce over a large range with a string concatenation runs long
	// enough to hit a 50 ms deadline on any machine, yet ends.
	m := mustParse(t, `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass",
		"Output":"{% $count($map([1..300000], function($v){ $string($v) })) %}","End":true}}}`)
	// An evaluation of an earlier test may still be running past its own
	// deadline: let it end first.
	waitRunaways := func() int64 {
		deadline := time.Now().Add(2 * time.Minute)
		for runaway.Load() != 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		return runaway.Load()
	}
	if n := waitRunaways(); n != 0 {
		t.Fatalf("runaway evaluations = %d before the test, want 0", n)
	}
	res := m.Run(context.Background(), nil, Options{Clock: RealClock{}})
	if res.Error != ErrQueryEvaluation || !strings.Contains(res.Cause, "took longer than 50ms") {
		t.Fatalf("Run = %s %q %q, want %s after 50ms", res.Status, res.Error, res.Cause, ErrQueryEvaluation)
	}
	// The evaluation runs on to its end, counted as a runaway until then.
	if n := runaway.Load(); n != 1 {
		t.Errorf("runaway evaluations = %d right after the deadline, want 1", n)
	}
	if n := waitRunaways(); n != 0 {
		t.Errorf("runaway evaluations = %d after the evaluation ended, want 0", n)
	}
}

// TestJSONataConcurrentContextCalls: functions called with the evaluation
// context as their argument (x.$string()) read their own iteration's
// context while iterations run at once. The library keeps that context in
// its shared function values; run with -race, this fails without
// privateCopy.
func TestJSONataConcurrentContextCalls(t *testing.T) {
	runCases(t, outcomeCases([]outcomeCase{{"context calls in parallel iterations", `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map",
		"Items":"{% [1..40] %}","MaxConcurrency":8,"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass",
		"Output":"{% [$states.input].$string() & $uppercase('a') & $states.input.$formatNumber('#0') %}","End":true}}},"End":true}}}`,
		`{}`, `["1A1","2A2","3A3","4A4","5A5","6A6","7A7","8A8","9A9","10A10","11A11","12A12","13A13","14A14","15A15","16A16","17A17","18A18","19A19","20A20","21A21","22A22","23A23","24A24","25A25","26A26","27A27","28A28","29A29","30A30","31A31","32A32","33A33","34A34","35A35","36A36","37A37","38A38","39A39","40A40"]`, "", ""}}, nil))
}

// TestJSONataNowFollowsClock: $now() and $millis() read the execution's
// clock, as $states.context.State.EnteredTime does, so that a Wait until
// "$millis() + 90 seconds" waits 90 seconds on a manual or scaled clock.
func TestJSONataNowFollowsClock(t *testing.T) {
	m := mustParse(t, `{"QueryLanguage":"JSONata","StartAt":"W","States":{
		"W":{"Type":"Wait","Timestamp":"{% $fromMillis($millis() + 90000) %}","Next":"P"},
		"P":{"Type":"Pass","Output":{"now":"{% $now() %}","millis":"{% $millis() %}",
			"entered":"{% $states.context.State.EnteredTime %}","shown":"{% $now('[H01]:[m01]') %}"},"End":true}}}`)
	// On the wall clock the wait would last until the fake clock's 2024
	// reached today: the deadline ends the run instead of the test.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res := m.Run(ctx, []byte(`{}`), Options{Clock: newFakeClock(time.Hour)})
	want := `{"now":"2024-01-02T03:05:35.000Z","millis":1704164735000,"entered":"2024-01-02T03:05:35.000Z","shown":"03:05"}`
	if res.Status != StatusSucceeded || !jsonEqual(t, string(res.Output), want) {
		t.Errorf("Run = %s %s %s %s, want output %s", res.Status, res.Output, res.Error, res.Cause, want)
	}
}
