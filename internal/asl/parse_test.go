package asl

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		name    string
		def     string
		startAt string
		timeout int
	}{
		{"minimal", `{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}`, "A", 0},
		{"with timeout and version", `{"Comment":"c","Version":"1.0","TimeoutSeconds":30,"QueryLanguage":"JSONPath","StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`, "A", 30},
		{"states named by a Default and a catcher", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsNull":true,"Next":"C"}],"Default":"T"},
			"T":{"Type":"Task","Resource":"r","End":true,"Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}]},"H":{"Type":"Succeed"}}}`, "C", 0},
		{"every state type", `{"StartAt":"P","States":{
			"P":{"Type":"Pass","Next":"T"},
			"T":{"Type":"Task","Resource":"r","HeartbeatSeconds":10,"TimeoutSeconds":20,"Next":"C",
				"Retry":[{"ErrorEquals":["A","B"],"IntervalSeconds":2,"MaxAttempts":0,"BackoffRate":1.5,"MaxDelaySeconds":10,"JitterStrategy":"FULL"},{"ErrorEquals":["States.ALL"]}],
				"Catch":[{"ErrorEquals":["States.ALL"],"Next":"F","ResultPath":null}]},
			"C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"W"}],"Default":"F"},
			"W":{"Type":"Wait","Seconds":0,"Next":"Par"},
			"Par":{"Type":"Parallel","Branches":[{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}],"Next":"M"},
			"M":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Y","States":{"Y":{"Type":"Pass","End":true}}},"Next":"S"},
			"S":{"Type":"Succeed"},
			"F":{"Type":"Fail","Error":"E","Cause":"C"}}}`, "P", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse(tc.def)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if m.StartAt() != tc.startAt || m.TimeoutSeconds() != tc.timeout {
				t.Errorf("StartAt, TimeoutSeconds = %q, %d, want %q, %d", m.StartAt(), m.TimeoutSeconds(), tc.startAt, tc.timeout)
			}
		})
	}
}

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name string
		def  string
		want []string // every problem, in order
	}{
		{"not JSON", `{"StartAt":`, nil},
		{"not an object", `[1]`, []string{"SCHEMA_VALIDATION_FAILED: The definition must be a JSON object, not array at /"}},
		{"missing StartAt and States", `{}`, []string{"SCHEMA_VALIDATION_FAILED: These fields are required: [StartAt, States] at /"}},
		{"StartAt names no state", `{"StartAt":"X","States":{"A":{"Type":"Succeed"}}}`,
			[]string{
				// AWS's words, 'Next' and all (recorded InvalidDefinition answers).
				"MISSING_TRANSITION_TARGET: Missing 'Next' target: X at /StartAt",
				`MISSING_TRANSITION_TARGET: State "A" is not reachable. at /States/A`,
			}},
		// AWS refuses a state that nothing names (recorded InvalidDefinition
		// messages), in branches too.
		{"unreachable state", `{"StartAt":"A","States":{"A":{"Type":"Succeed"},"B":{"Type":"Pass","End":true},
			"P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"X","States":{"X":{"Type":"Succeed"},"Y":{"Type":"Succeed"}}}]}}}`,
			[]string{
				`MISSING_TRANSITION_TARGET: State "Y" is not reachable. at /States/P/Branches[0]/States/Y`,
				`MISSING_TRANSITION_TARGET: State "B" is not reachable. at /States/B`,
				`MISSING_TRANSITION_TARGET: State "P" is not reachable. at /States/P`,
			}},
		// AWS checks that each state is named, not that it can be reached:
		// C, named only by the unnamed B, is not reported (recorded).
		{"state named only by an unreachable one", `{"StartAt":"A","States":{"A":{"Type":"Succeed"},"B":{"Type":"Pass","Next":"C"},"C":{"Type":"Succeed"}}}`,
			[]string{`MISSING_TRANSITION_TARGET: State "B" is not reachable. at /States/B`}},
		{"missing Next target", `{"StartAt":"Bar","States":{"Bar":{"Type":"Pass","Next":"Foo"}}}`,
			[]string{"MISSING_TRANSITION_TARGET: Missing 'Next' target: Foo at /States/Bar/Next"}},
		{"missing Default, Choice and Catch targets", `{"StartAt":"C","States":{
			"C":{"Type":"Choice","Choices":[{"Variable":"$.a","IsNull":true,"Next":"N1"}],"Default":"N2"},
			"T":{"Type":"Task","Resource":"r","End":true,"Catch":[{"ErrorEquals":["States.ALL"],"Next":"N3"}]}}}`,
			[]string{
				"MISSING_TRANSITION_TARGET: Missing 'Default' target: N2 at /States/C/Default",
				"MISSING_TRANSITION_TARGET: Missing 'Next' target: N1 at /States/C/Choices[0]/Next",
				"MISSING_TRANSITION_TARGET: Missing 'Next' target: N3 at /States/T/Catch[0]/Next",
				`MISSING_TRANSITION_TARGET: State "T" is not reachable. at /States/T`,
			}},
		{"bad type", `{"StartAt":"A","States":{"A":{"Type":"Sleep","End":true}}}`,
			[]string{`SCHEMA_VALIDATION_FAILED: "Sleep" is not a valid state type (want Pass, Task, Choice, Wait, Succeed, Fail, Parallel or Map) at /States/A/Type`}},
		{"missing type", `{"StartAt":"A","States":{"A":{"End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: These fields are required: [Type] at /States/A"}},
		{"neither Next nor End", `{"StartAt":"A","States":{"A":{"Type":"Pass"}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: One of 'Next' or 'End' is required; 'End' must be true when there is no 'Next' at /States/A"}},
		{"both Next and End", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"A","End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: Only one of 'Next' or 'End' may be set at /States/A"}},
		{"End on terminal states", `{"StartAt":"A","States":{"A":{"Type":"Succeed","End":true},"B":{"Type":"Fail","Next":"A"}}}`,
			[]string{
				"SCHEMA_VALIDATION_FAILED: The field 'End' is not supported by Step Functions at /States/A",
				"SCHEMA_VALIDATION_FAILED: The field 'Next' is not supported by Step Functions at /States/B",
				`MISSING_TRANSITION_TARGET: State "B" is not reachable. at /States/B`,
			}},
		{"unknown state field", `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Resource":"x","Bogus":1}}}`,
			[]string{
				"SCHEMA_VALIDATION_FAILED: The field 'Bogus' is not supported by Step Functions at /States/A",
				"SCHEMA_VALIDATION_FAILED: The field 'Resource' is not supported by Step Functions at /States/A",
			}},
		{"unknown top-level field", `{"StartAt":"A","Extra":true,"States":{"A":{"Type":"Succeed"}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The field 'Extra' is not supported by Step Functions at /"}},
		{"JSONPath field in a JSONata state", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.a","End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The field 'InputPath' is not supported by Step Functions at /States/A"}},
		{"JSONata field in a JSONPath state", `{"StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% 1 %}","End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The field 'Output' is not supported by Step Functions at /States/A"}},
		{"JSONPath state in a JSONata machine", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","QueryLanguage":"JSONPath","End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: A state cannot use the JSONPath query language when the state machine's QueryLanguage is JSONata at /States/A/QueryLanguage"}},
		{"bad JSONata expression", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":{"x":"{% $states.input.( %}"},"End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The value for the field 'Output/x' must be a valid JSONata expression: "}},
		{"choice without choices", `{"StartAt":"C","States":{"C":{"Type":"Choice"}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: These fields are required: [Choices] at /States/C"}},
		{"choice rule problems", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[
			{"Variable":"$.a","StringEquals":1,"Next":"C"},
			{"Variable":"$.a","Next":"C"},
			{"StringEquals":"x","Next":"C"},
			{"Variable":"$.a","NumericEquals":1,"StringEquals":"x","Next":"C"},
			{"Variable":"$.a","TimestampEquals":"yesterday","Next":"C"},
			{"And":[{"Variable":"$.a","IsNull":true,"Next":"C"}],"Next":"C"},
			{"Variable":"$.a","IsNull":true}]}}}`,
			[]string{
				"SCHEMA_VALIDATION_FAILED: The value for the field 'StringEquals' must be a STRING at /States/C/Choices[0]/StringEquals",
				"SCHEMA_VALIDATION_FAILED: A choice rule must have one comparison operator, 'And', 'Or' or 'Not' at /States/C/Choices[1]",
				"SCHEMA_VALIDATION_FAILED: These fields are required: [Variable] at /States/C/Choices[2]",
				"SCHEMA_VALIDATION_FAILED: A choice rule must have exactly one comparison operator, 'And', 'Or' or 'Not', found NumericEquals, StringEquals at /States/C/Choices[3]",
				"SCHEMA_VALIDATION_FAILED: The value for the field 'TimestampEquals' must be a TIMESTAMP (RFC 3339, for example 2016-03-14T01:59:00Z) at /States/C/Choices[4]/TimestampEquals",
				"SCHEMA_VALIDATION_FAILED: Nested choice rules must not have a 'Next' field at /States/C/Choices[5]/And[0]",
				"SCHEMA_VALIDATION_FAILED: These fields are required: [Next] at /States/C/Choices[6]",
			}},
		{"bad paths", `{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"a.b","OutputPath":"$[","ResultPath":"$.a[*]","End":true}}}`,
			[]string{
				`SCHEMA_VALIDATION_FAILED: The value for the field 'InputPath' must be a valid JSONPath: path "a.b" must start with '$' at /States/A/InputPath`,
				`SCHEMA_VALIDATION_FAILED: The value for the field 'OutputPath' must be a valid JSONPath: path "$[" is not a valid JSONPath: `,
				`SCHEMA_VALIDATION_FAILED: The value for the field 'ResultPath' must be a valid JSONPath: path "$.a[*]" must be a reference path (keys and indexes only) at /States/A/ResultPath`,
			}},
		{"bad parameters", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"a.$":"nope","b.$":3,"c":{"d.$":"States.Bogus()"}},"End":true}}}`,
			[]string{
				`SCHEMA_VALIDATION_FAILED: The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call: path "nope" must start with '$' at /States/A/Parameters/a.$`,
				`SCHEMA_VALIDATION_FAILED: The value for the field 'b.$' must be a STRING that contains a JSONPath but was a number at /States/A/Parameters/b.$`,
				`SCHEMA_VALIDATION_FAILED: The value for the field 'd.$' must be a valid JSONPath or a valid intrinsic function call: invalid intrinsic function call "States.Bogus()": unknown function "States.Bogus" at /States/A/Parameters/c/d.$`,
			}},
		{"retry and catch rules", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","End":true,
			"Retry":[{"ErrorEquals":["States.ALL"]},{"ErrorEquals":["X"],"BackoffRate":0.5,"MaxAttempts":-1,"JitterStrategy":"SOME"}],
			"Catch":[{"ErrorEquals":["States.ALL","X"],"Next":"T"},{"ErrorEquals":[]}]}}}`,
			[]string{
				"SCHEMA_VALIDATION_FAILED: 'MaxAttempts' must be a non-negative integer no larger than 99999999 at /States/T/Retry[1]/MaxAttempts",
				"SCHEMA_VALIDATION_FAILED: 'BackoffRate' must be a number greater than or equal to 1.0 at /States/T/Retry[1]/BackoffRate",
				"SCHEMA_VALIDATION_FAILED: 'JitterStrategy' must be FULL or NONE at /States/T/Retry[1]/JitterStrategy",
				"SCHEMA_VALIDATION_FAILED: A retrier or catcher with 'States.ALL' must be the last one at /States/T/Retry[0]/ErrorEquals",
				"SCHEMA_VALIDATION_FAILED: 'States.ALL' must appear alone in 'ErrorEquals' at /States/T/Catch[0]/ErrorEquals",
				"SCHEMA_VALIDATION_FAILED: 'ErrorEquals' must be a non-empty array of strings at /States/T/Catch[1]/ErrorEquals",
				"SCHEMA_VALIDATION_FAILED: These fields are required: [Next] at /States/T/Catch[1]",
				"SCHEMA_VALIDATION_FAILED: A retrier or catcher with 'States.ALL' must be the last one at /States/T/Catch[0]/ErrorEquals",
			}},
		// The developer guide: "MaxAttempts has a maximum value of 99999999".
		{"too many retry attempts", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","End":true,
			"Retry":[{"ErrorEquals":["X"],"MaxAttempts":100000000}]}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: 'MaxAttempts' must be a non-negative integer no larger than 99999999 at /States/T/Retry[0]/MaxAttempts"}},
		{"task without resource", `{"StartAt":"T","States":{"T":{"Type":"Task","End":true,"TimeoutSeconds":0}}}`,
			[]string{
				"SCHEMA_VALIDATION_FAILED: These fields are required: [Resource] at /States/T",
				"SCHEMA_VALIDATION_FAILED: 'TimeoutSeconds' must be an integer from 1 to 99999999 at /States/T/TimeoutSeconds",
			}},
		{"wait needs exactly one duration", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"SecondsPath":"$.s","Next":"V"},"V":{"Type":"Wait","End":true}}}`,
			[]string{
				"SCHEMA_VALIDATION_FAILED: A Wait state must have exactly one of 'Seconds', 'SecondsPath', 'Timestamp' or 'TimestampPath' at /States/V",
				"SCHEMA_VALIDATION_FAILED: A Wait state must have exactly one of 'Seconds', 'SecondsPath', 'Timestamp' or 'TimestampPath' at /States/W",
			}},
		{"nested branch problems", `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"X","States":{"X":{"Type":"Pass","Next":"Nowhere"}}},
			{"States":{}}]}}}`,
			[]string{
				"MISSING_TRANSITION_TARGET: Missing 'Next' target: Nowhere at /States/P/Branches[0]/States/X/Next",
				"SCHEMA_VALIDATION_FAILED: These fields are required: [StartAt] at /States/P/Branches[1]",
				"SCHEMA_VALIDATION_FAILED: 'States' must contain at least one state at /States/P/Branches[1]/States",
			}},
		{"branch cannot jump outside", `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"X","States":{"X":{"Type":"Pass","Next":"P"}}}]}}}`,
			[]string{"MISSING_TRANSITION_TARGET: Missing 'Next' target: P at /States/P/Branches[0]/States/X/Next"}},
		{"map problems", `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ToleratedFailureCount":1,
			"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED"},"StartAt":"Y","States":{"Y":{"Type":"Wait","End":true,"Seconds":-1}}}}}}`,
			[]string{
				"SCHEMA_VALIDATION_FAILED: These fields are required: [ExecutionType] when 'Mode' is DISTRIBUTED at /States/M/ItemProcessor/ProcessorConfig",
				"SCHEMA_VALIDATION_FAILED: 'Seconds' must be an integer from 0 to 99999999 at /States/M/ItemProcessor/States/Y/Seconds",
			}},
		{"distributed map fields", `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemReader":{},"Label":"a/b",
			"ToleratedFailurePercentage":101,"ItemBatcher":{"MaxInputBytesPerBatch":10},
			"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"QUICK"},"StartAt":"Y","States":{"Y":{"Type":"Pass","End":true}}}}}}`,
			[]string{
				"SCHEMA_VALIDATION_FAILED: 'ExecutionType' must be STANDARD or EXPRESS at /States/M/ItemProcessor/ProcessorConfig/ExecutionType",
				"SCHEMA_VALIDATION_FAILED: 'ToleratedFailurePercentage' must be a number between 0 and 100 at /States/M/ToleratedFailurePercentage",
				"SCHEMA_VALIDATION_FAILED: 'Label' must be 1 to 40 characters, without whitespace or any of ? * < > { } [ ] : ; , \\ | ^ ~ $ # % & ` \" / at /States/M/Label",
				"SCHEMA_VALIDATION_FAILED: The field 'MaxInputBytesPerBatch' of ItemBatcher is not supported by this endpoint at /States/M/ItemBatcher/MaxInputBytesPerBatch",
				"SCHEMA_VALIDATION_FAILED: 'MaxItemsPerBatch' must be a positive integer (this endpoint batches by count only) at /States/M/ItemBatcher",
				"SCHEMA_VALIDATION_FAILED: These fields are required: [Resource] at /States/M/ItemReader",
			}},
		{"distributed fields on an inline map", `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ToleratedFailureCount":1,
			"ItemProcessor":{"StartAt":"Y","States":{"Y":{"Type":"Pass","End":true}}}}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The field 'ToleratedFailureCount' is only allowed when ProcessorConfig Mode is DISTRIBUTED at /States/M/ToleratedFailureCount"}},
		{"map without processor", `{"StartAt":"M","States":{"M":{"Type":"Map","End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: These fields are required: [ItemProcessor] at /States/M"}},
		{"fail with both error and error path", `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"a","ErrorPath":"$.e"}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: Only one of 'Error' or 'ErrorPath' may be set at /States/F"}},
		{"long state name", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"` + strings.Repeat("n", 81) + `"},"` + strings.Repeat("n", 81) + `":{"Type":"Succeed"}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: State names must be 1 to 80 characters long at /States/" + strings.Repeat("n", 81)}},
		{"no terminal state", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}}}`,
			[]string{"MISSING_END_STATE: Workflow has no terminal state at /"}},
		{"choice loop without terminal state", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"C"}],"Default":"C"}}}`,
			[]string{"MISSING_END_STATE: Workflow has no terminal state at /"}},
		{"branch without terminal state", `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"X","States":{"X":{"Type":"Pass","Next":"X"}}}]}}}`,
			[]string{"MISSING_END_STATE: Workflow has no terminal state at /States/P/Branches[0]"}},
		{"duplicate state name in a branch", `{"StartAt":"A","States":{"A":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}]}}}`,
			[]string{"DUPLICATE_STATE_NAME: Duplicate State name: A at /States/A/Branches[0]/States/A"}},
		{"duplicate state name across branch and map", `{"StartAt":"M","States":{
			"M":{"Type":"Map","Next":"P","ItemProcessor":{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}},
			"P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}]}}}`,
			[]string{"DUPLICATE_STATE_NAME: Duplicate State name: X at /States/P/Branches[0]/States/X"}},
		{"reserved variable name", `{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"states":1,"ok":2},"End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The variable name 'states' is reserved at /States/A/Assign/states"}},
		{"bad variable name", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"1x":1},"End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The variable name '1x' is not valid: use letters, digits and underscores, not starting with a digit at /States/A/Assign/1x"}},
		// JSONata keys are never JSONPath's "name.$": the variable would be
		// named "x.$", which no expression can read.
		{"JSONPath suffix in a JSONata Assign", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x.$":"{% 1 %}"},"End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The variable name 'x.$' is not valid: use letters, digits and underscores, not starting with a digit at /States/A/Assign/x.$"}},
		// A payload template, Assign included, names each field once after
		// ".$" is stripped; "x" silently won over "x.$".
		{"JSONPath Assign with x and x.$", `{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":1,"x.$":"$.a"},"End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The fields 'x' and 'x.$' both set the field 'x'; keep one at /States/A/Assign/x.$"}},
		{"x and x.$ nested in a JSONPath Assign", `{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"o":{"y.$":"$.a","y":2}},"End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The fields 'y' and 'y.$' both set the field 'y'; keep one at /States/A/Assign/o/y.$"}},
		{"Parameters with x and x.$", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x.$":"$.a","x":1},"End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The fields 'x' and 'x.$' both set the field 'x'; keep one at /States/A/Parameters/x.$"}},
		{"Assign in a Succeed state", `{"StartAt":"A","States":{"A":{"Type":"Succeed","Assign":{"x":1}}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: The field 'Assign' is not supported by Step Functions at /States/A"}},
		{"ResultPath to a variable", `{"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$x.y","End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: 'ResultPath' must not refer to a variable at /States/A/ResultPath"}},
		{"JSONata Wait with a literal Timestamp that is no time", `{"QueryLanguage":"JSONata","StartAt":"W","States":{
			"W":{"Type":"Wait","Timestamp":"tomorrow","Next":"V"},
			"V":{"Type":"Wait","Timestamp":"2026-12-02T08:00:00Z","End":true}}}`,
			[]string{"SCHEMA_VALIDATION_FAILED: 'Timestamp' must be an RFC 3339 timestamp such as 2016-03-14T01:59:00Z at /States/W/Timestamp"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse(tc.def)
			if err == nil {
				t.Fatalf("Parse = %v, want an error", m)
			}
			var de *DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("Parse error %T is not a *DefinitionError", err)
			}
			if tc.want == nil {
				if len(de.Problems) != 1 || !strings.HasPrefix(de.Problems[0], "INVALID_JSON_DESCRIPTION: ") {
					t.Errorf("problems = %q, want one INVALID_JSON_DESCRIPTION", de.Problems)
				}
				return
			}
			got := de.Problems
			if len(got) != len(tc.want) {
				t.Fatalf("problems =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tc.want[i]) {
					t.Errorf("problem %d = %q, want %q", i, got[i], tc.want[i])
				}
			}
			if err.Error() != strings.Join(got, ", ") {
				t.Errorf("Error() = %q, want the problems joined", err.Error())
			}
		})
	}
}

func TestStatesSorted(t *testing.T) {
	m := mustParse(t, `{"StartAt":"B","States":{"B":{"Type":"Pass","Next":"A"},"A":{"Type":"Succeed"}}}`)
	if got := m.States(); !reflect.DeepEqual(got, []string{"A", "B"}) {
		t.Errorf("States() = %v, want [A B]", got)
	}
}

// TestParseNestingLimit checks that a definition nested deeper than
// maxDefinitionDepth is refused before it is compiled: compiling keeps a
// JSON pointer per level, so memory grows with the square of the depth (a
// 1 MB definition of nested "Not" rules took the process down).
func TestParseNestingLimit(t *testing.T) {
	nested := func(depth int) string { // a Choice rule under depth levels of JSON
		levels := depth - 6 // the definition, States, C, Choices, the rule and its innermost comparison
		rule := strings.Repeat(`{"Not":`, levels) + `{"Variable":"$.x","IsPresent":true}` + strings.Repeat(`}`, levels)
		return `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Not":` + rule + `,"Next":"S"}],"Default":"S"},"S":{"Type":"Succeed"}}}`
	}
	if _, err := Parse(nested(maxDefinitionDepth)); err != nil {
		t.Errorf("Parse(nested %d deep) = %v, want it accepted", maxDefinitionDepth, err)
	}
	for _, depth := range []int{maxDefinitionDepth + 1, 5000} {
		_, err := Parse(nested(depth))
		var de *DefinitionError
		if !errors.As(err, &de) || len(de.Problems) != 1 || !strings.HasPrefix(de.Problems[0], "INVALID_JSON_DESCRIPTION: ") ||
			!strings.Contains(de.Problems[0], "nested deeper than") {
			t.Errorf("Parse(nested %d deep) = %v, want one INVALID_JSON_DESCRIPTION about the nesting", depth, err)
		}
	}
}

// TestParseProblemsAreBounded checks that InvalidDefinition's reason stays
// short however much of the definition its problems would quote: a 900 KB
// intrinsic call that does not parse, and 5,000 states that each have a
// problem. Unbounded, each was a message as large as the definition, built
// for every request that sent it.
func TestParseProblemsAreBounded(t *testing.T) {
	badCall := `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"a.$":"States.Array(` +
		strings.Repeat("1,", 450_000) + `bogus)"},"End":true}}}`
	var states []string
	for i := range 5000 {
		states = append(states, fmt.Sprintf(`"S%d":{"Type":"Pass","Next":"Nowhere"}`, i))
	}
	manyBad := `{"StartAt":"S0","States":{` + strings.Join(states, ",") + `}}`
	for name, def := range map[string]string{"900 KB intrinsic": badCall, "5,000 bad states": manyBad} {
		_, err := Parse(def)
		var de *DefinitionError
		if !errors.As(err, &de) {
			t.Fatalf("Parse(%s) = %v, want a DefinitionError", name, err)
		}
		if n := len(de.Error()); n > 200_000 {
			t.Errorf("Parse(%s): the reason is %d bytes long, want at most 200,000", name, n)
		}
		for _, p := range de.Problems {
			if len(p) > 2*maxProblemText+10 {
				t.Errorf("Parse(%s): a problem is %d bytes long, want at most %d", name, len(p), 2*maxProblemText+10)
				break
			}
		}
	}
}

// TestParseProblemOrder checks that a definition with a problem in nearly
// every field reports them all, in the order of the fields: state by state,
// the common fields, then those of the state's type (which the query
// language compiles piece by piece, in between the language-independent
// ones).
func TestParseProblemOrder(t *testing.T) {
	def := `{"StartAt":"C","States":{
		"C":{"Type":"Choice","Choices":[{"Variable":"$.x","Next":1,"StringEquals":2}, 7],"Default":3},
		"F":{"Type":"Fail","Error":1,"ErrorPath":"$.e","CausePath":"States.Nope()"},
		"M":{"Type":"Map","End":true,"ItemsPath":"$[*]","ItemSelector":1,"Parameters":{"a.$":1},
			"ItemProcessor":{"StartAt":"Y","States":{"Y":{"Type":"Pass"}}},"MaxConcurrency":-1,"MaxConcurrencyPath":"$.m"},
		"P":{"Type":"Parallel","End":true,"Branches":[1]},
		"T":{"Type":"Task","End":true,"InputPath":5,"Parameters":{"a.$":1},"ResultSelector":{"b.$":"nope"},
			"Retry":[{"ErrorEquals":[]}],"Catch":[{"ErrorEquals":["X"],"ResultPath":"bad"}],
			"TimeoutSeconds":0,"TimeoutSecondsPath":"$.t","HeartbeatSeconds":0},
		"W":{"Type":"Wait","Next":"C","Seconds":-1,"Timestamp":"bad"}}}`
	want := []string{
		"SCHEMA_VALIDATION_FAILED: 'Next' must be a string at /States/C/Choices[0]/Next",
		"SCHEMA_VALIDATION_FAILED: The value for the field 'StringEquals' must be a STRING at /States/C/Choices[0]/StringEquals",
		"SCHEMA_VALIDATION_FAILED: A choice rule must be an object at /States/C/Choices[1]",
		"SCHEMA_VALIDATION_FAILED: 'Default' must be a non-empty string at /States/C/Default",
		"SCHEMA_VALIDATION_FAILED: Only one of 'Error' or 'ErrorPath' may be set at /States/F",
		"SCHEMA_VALIDATION_FAILED: 'Error' must be a string at /States/F/Error",
		"SCHEMA_VALIDATION_FAILED: The value for the field 'CausePath' must be a valid JSONPath or intrinsic function call: invalid intrinsic function call \"States.Nope()\": unknown function \"States.Nope\" at /States/F/CausePath",
		"SCHEMA_VALIDATION_FAILED: The value for the field 'a.$' must be a STRING that contains a JSONPath but was a number at /States/M/Parameters/a.$",
		"SCHEMA_VALIDATION_FAILED: The value for the field 'ItemsPath' must be a valid JSONPath: path \"$[*]\" must be a reference path (keys and indexes only) at /States/M/ItemsPath",
		"SCHEMA_VALIDATION_FAILED: Only one of 'ItemSelector' or 'Parameters' may be set at /States/M",
		"SCHEMA_VALIDATION_FAILED: The value must be an object at /States/M/ItemSelector",
		"SCHEMA_VALIDATION_FAILED: One of 'Next' or 'End' is required; 'End' must be true when there is no 'Next' at /States/M/ItemProcessor/States/Y",
		"SCHEMA_VALIDATION_FAILED: Only one of 'MaxConcurrency' or 'MaxConcurrencyPath' may be set at /States/M",
		"SCHEMA_VALIDATION_FAILED: 'MaxConcurrency' must be a non-negative integer at /States/M/MaxConcurrency",
		"SCHEMA_VALIDATION_FAILED: A branch must be an object at /States/P/Branches[0]",
		"SCHEMA_VALIDATION_FAILED: The value for the field 'InputPath' must be a STRING that contains a JSONPath at /States/T/InputPath",
		"SCHEMA_VALIDATION_FAILED: The value for the field 'a.$' must be a STRING that contains a JSONPath but was a number at /States/T/Parameters/a.$",
		"SCHEMA_VALIDATION_FAILED: The value for the field 'b.$' must be a valid JSONPath or a valid intrinsic function call: path \"nope\" must start with '$' at /States/T/ResultSelector/b.$",
		"SCHEMA_VALIDATION_FAILED: 'ErrorEquals' must be a non-empty array of strings at /States/T/Retry[0]/ErrorEquals",
		"SCHEMA_VALIDATION_FAILED: These fields are required: [Next] at /States/T/Catch[0]",
		"SCHEMA_VALIDATION_FAILED: The value for the field 'ResultPath' must be a valid JSONPath: path \"bad\" must start with '$' at /States/T/Catch[0]/ResultPath",
		"SCHEMA_VALIDATION_FAILED: These fields are required: [Resource] at /States/T",
		"SCHEMA_VALIDATION_FAILED: Only one of 'TimeoutSeconds' or 'TimeoutSecondsPath' may be set at /States/T",
		"SCHEMA_VALIDATION_FAILED: 'TimeoutSeconds' must be an integer from 1 to 99999999 at /States/T/TimeoutSeconds",
		"SCHEMA_VALIDATION_FAILED: 'HeartbeatSeconds' must be an integer from 1 to 99999999 at /States/T/HeartbeatSeconds",
		"SCHEMA_VALIDATION_FAILED: A Wait state must have exactly one of 'Seconds', 'SecondsPath', 'Timestamp' or 'TimestampPath' at /States/W",
		"SCHEMA_VALIDATION_FAILED: 'Seconds' must be an integer from 0 to 99999999 at /States/W/Seconds",
		"SCHEMA_VALIDATION_FAILED: 'Timestamp' must be an RFC 3339 timestamp such as 2016-03-14T01:59:00Z at /States/W/Timestamp",
		`MISSING_TRANSITION_TARGET: State "F" is not reachable. at /States/F`,
		`MISSING_TRANSITION_TARGET: State "M" is not reachable. at /States/M`,
		`MISSING_TRANSITION_TARGET: State "P" is not reachable. at /States/P`,
		`MISSING_TRANSITION_TARGET: State "T" is not reachable. at /States/T`,
		`MISSING_TRANSITION_TARGET: State "W" is not reachable. at /States/W`,
	}
	_, err := Parse(def)
	var de *DefinitionError
	if !errors.As(err, &de) {
		t.Fatalf("Parse error = %v, want a *DefinitionError", err)
	}
	if !reflect.DeepEqual(de.Problems, want) {
		t.Errorf("problems =\n%s\nwant\n%s", strings.Join(de.Problems, "\n"), strings.Join(want, "\n"))
	}
}
