package asl

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestVariables(t *testing.T) {
	taskSet := map[string]taskFunc{"echo": echo, "boom": failing("App.Boom", "it broke")}
	tests := []outcomeCase{
		{"JSONPath assign and read", `{"StartAt":"A","States":{
			"A":{"Type":"Pass","Result":{"n":2},"Assign":{"fromResult.$":"$.n","lit":"x","nested":{"v.$":"$.n"}},"Next":"B"},
			"B":{"Type":"Choice","Choices":[{"Variable":"$fromResult","NumericEquals":2,"Assign":{"picked":"two"},"Next":"C"}],"Default":"C"},
			"C":{"Type":"Pass","Parameters":{"r.$":"$fromResult","l.$":"$lit","v.$":"$nested.v","p.$":"$picked","f.$":"States.Format('{}-{}', $lit, $picked)"},"End":true}}}`,
			`{}`, `{"r":2,"l":"x","v":2,"p":"two","f":"x-two"}`, "", ""},
		{"evaluation order: paths read the variables from before the state", `{"StartAt":"S0","States":{
			"S0":{"Type":"Pass","Result":{"q":"what?"},"Assign":{"question.$":"$.q","answer":42},"Next":"S1"},
			"S1":{"Type":"Pass","InputPath":"$answer","ResultPath":"$.theAnswer","OutputPath":"$answer","Assign":{"answer":"<omitted>"},"Next":"S2"},
			"S2":{"Type":"Pass","Parameters":{"in.$":"$","answer.$":"$answer","question.$":"$question"},"End":true}}}`,
			`{}`, `{"in":42,"answer":"<omitted>","question":"what?"}`, "", ""},
		{"JSONata assign and read, applied after the state's fields", `{"QueryLanguage":"JSONata","StartAt":"A","States":{
			"A":{"Type":"Pass","Assign":{"x":1},"Next":"B"},
			"B":{"Type":"Pass","Assign":{"x":"{% $x + 1 %}","seen":"{% $x %}"},"Output":{"x":"{% $x %}"},"Next":"C"},
			"C":{"Type":"Pass","Output":{"x":"{% $x %}","seen":"{% $seen %}","in":"{% $states.input.x %}"},"End":true}}}`,
			`{}`, `{"x":2,"seen":1,"in":1}`, "", ""},
		{"task result and catcher assign", `{"QueryLanguage":"JSONata","StartAt":"T","States":{
			"T":{"Type":"Task","Resource":"echo","Arguments":{"v":5},"Assign":{"got":"{% $states.result.v %}"},"Next":"U"},
			"U":{"Type":"Task","Resource":"boom","Assign":{"never":1},"Catch":[{"ErrorEquals":["States.ALL"],"Next":"E",
				"Assign":{"err":"{% $states.errorOutput.Error %}"}}],"End":true},
			"E":{"Type":"Pass","Output":{"got":"{% $got %}","err":"{% $err %}","never":"{% $exists($never) %}"},"End":true}}}`,
			`{}`, `{"got":5,"err":"App.Boom","never":false}`, "", ""},
		{"branches read outer variables and assign their own", `{"QueryLanguage":"JSONata","StartAt":"A","States":{
			"A":{"Type":"Pass","Assign":{"outer":10},"Next":"M"},
			"M":{"Type":"Map","Items":[1,2],"ItemProcessor":{"StartAt":"I","States":{
				"I":{"Type":"Pass","Assign":{"inner":"{% $outer + $states.input %}"},"Next":"J"},
				"J":{"Type":"Pass","Output":"{% $inner %}","End":true}}},"Next":"Z"},
			"Z":{"Type":"Pass","Output":{"r":"{% $states.input %}","outer":"{% $outer %}","inner":"{% $exists($inner) %}"},"End":true}}}`,
			`{}`, `{"r":[11,12],"outer":10,"inner":false}`, "", ""},
		{"variable too large", `{"QueryLanguage":"JSONata","StartAt":"A","States":{
			"A":{"Type":"Pass","Assign":{"big":"{% $join($map([1..300], function($i){ $pad('', 1000, 'x') })) %}"},"End":true}}}`,
			`{}`, "", ErrRuntime, "The value assigned to the variable 'big' is 300002 bytes, more than the limit of 262144 bytes"},
	}
	runCases(t, outcomeCases(tests, taskSet))
}

func TestVariableReferences(t *testing.T) {
	m := mustParse(t, `{"StartAt":"A","States":{
		"A":{"Type":"Pass","Assign":{"x":1,"y":2},"Next":"B"},
		"B":{"Type":"Pass","Parameters":{"a.$":"$x","b.$":"States.Format('{} $notavar', $y)"},"Next":"C"},
		"C":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% ($l := 1; $x + $l + $count([$y])) %}","Next":"M"},
		"M":{"Type":"Map","ItemsPath":"$x","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","InputPath":"$y","End":true}}},"End":true}}}`)
	want := map[string][]string{"B": {"x", "y"}, "C": {"x", "y"}, "M": {"x"}, "I": {"y"}}
	if got := m.VariableReferences(); !reflect.DeepEqual(got, want) {
		t.Errorf("VariableReferences() = %v, want %v", got, want)
	}
}

// TestVariablesChargeTheMemoryBudget: what a Map's iterations assign is
// held until they end, and counts against the execution's memory budget.
func TestVariablesChargeTheMemoryBudget(t *testing.T) {
	m := mustParse(t, `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% [1..40] %}","MaxConcurrency":40,
		"ItemProcessor":{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"big":"{% $pad('', 200000, 'x') %}"},"Next":"W"},
			"W":{"Type":"Wait","Seconds":1,"End":true}}},"End":true}}}`)
	clock := newFakeClock(0)
	done := make(chan Result, 1)
	go func() { done <- m.Run(t.Context(), nil, Options{Clock: clock, MemoryBudget: 4 << 20}) }()
	var res Result
	select {
	case res = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the run waits on: the variables were not charged to the budget")
	}
	if res.Status != StatusFailed || res.Error != ErrDataLimitExceeded || !strings.Contains(res.Cause, "memory budget") {
		t.Fatalf("Run = %s %s %q, want FAILED with States.DataLimitExceeded (memory budget)", res.Status, res.Error, res.Cause)
	}
}

// TestUnicodeVariableNames: variable names are Unicode identifiers, as AWS
// documents them ("Variable name syntax": an ID_Start character, then
// ID_Continue characters, at most 80 characters), in both query languages.
// Only ASCII letters were taken.
func TestUnicodeVariableNames(t *testing.T) {
	long := strings.Repeat("é", 80)
	runCases(t, outcomeCases([]outcomeCase{
		{"JSONata", `{"QueryLanguage":"JSONata","StartAt":"A","States":{
			"A":{"Type":"Pass","Assign":{"café":1,"名前":"n","Ωmega_2":true,"naïve·x":2,"` + long + `":3},"Next":"B"},
			"B":{"Type":"Pass","Output":{"s":"{% $café + $naïve·x + $` + long + ` %}","n":"{% $名前 %}","o":"{% $Ωmega_2 %}"},"End":true}}}`,
			`{}`, `{"s":6,"n":"n","o":true}`, "", ""},
		{"JSONPath", `{"StartAt":"A","States":{
			"A":{"Type":"Pass","Result":{"v":"r"},"Assign":{"café.$":"$.v","名前":"n"},"Next":"B"},
			"B":{"Type":"Pass","Parameters":{"c.$":"$café","f.$":"States.Format('{}-{}', $café, $名前)"},"End":true}}}`,
			`{}`, `{"c":"r","f":"r-n"}`, "", ""},
	}, nil))
	for _, name := range []string{"1x", "x-y", "a b", "€x", "x€", "·x", "🙂", "x🙂", "٣x", long + "e"} {
		def := `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"` + name + `":1},"End":true}}}`
		if _, err := Parse(def); err == nil || !strings.Contains(err.Error(), "variable name") {
			t.Errorf("Parse(Assign %q) = %v, want an error naming the variable", name, err)
		}
	}
}
