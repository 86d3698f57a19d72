package asl

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// choiceMachine routes to Yes when rule matches, otherwise to No.
func choiceMachine(rule string) string {
	return `{"StartAt":"C","States":{
		"C":{"Type":"Choice","Choices":[` + strings.TrimSuffix(rule, "}") + `,"Next":"Yes"}],"Default":"No"},
		"Yes":{"Type":"Pass","Result":"yes","End":true},
		"No":{"Type":"Pass","Result":"no","End":true}}}`
}

func TestChoiceOperators(t *testing.T) {
	tests := []struct {
		rule  string // a rule object without Next
		input string
		want  bool
	}{
		{`{"Variable":"$.s","StringEquals":"abc"}`, `{"s":"abc"}`, true},
		{`{"Variable":"$.s","StringEquals":"abc"}`, `{"s":"abd"}`, false},
		{`{"Variable":"$.s","StringEquals":"1"}`, `{"s":1}`, false},
		{`{"Variable":"$.s","StringLessThan":"b"}`, `{"s":"a"}`, true},
		{`{"Variable":"$.s","StringLessThan":"b"}`, `{"s":"b"}`, false},
		{`{"Variable":"$.s","StringGreaterThan":"b"}`, `{"s":"c"}`, true},
		{`{"Variable":"$.s","StringLessThanEquals":"b"}`, `{"s":"b"}`, true},
		{`{"Variable":"$.s","StringGreaterThanEquals":"b"}`, `{"s":"a"}`, false},
		{`{"Variable":"$.s","StringEqualsPath":"$.t"}`, `{"s":"x","t":"x"}`, true},
		{`{"Variable":"$.s","StringLessThanPath":"$.t"}`, `{"s":"a","t":"b"}`, true},
		{`{"Variable":"$.s","StringGreaterThanPath":"$.t"}`, `{"s":"a","t":"b"}`, false},
		{`{"Variable":"$.s","StringLessThanEqualsPath":"$.t"}`, `{"s":"b","t":"b"}`, true},
		{`{"Variable":"$.s","StringGreaterThanEqualsPath":"$.t"}`, `{"s":"c","t":"b"}`, true},
		{`{"Variable":"$.s","StringMatches":"log-*.txt"}`, `{"s":"log-2024.txt"}`, true},
		{`{"Variable":"$.s","StringMatches":"log-*.txt"}`, `{"s":"log-2024.csv"}`, false},
		{`{"Variable":"$.s","StringMatches":"*"}`, `{"s":""}`, true},
		{`{"Variable":"$.s","StringMatches":"a*b*c"}`, `{"s":"aXbYbZc"}`, true},
		{`{"Variable":"$.s","StringMatches":"a*bc"}`, `{"s":"abc"}`, true},
		{`{"Variable":"$.s","StringMatches":"ab*b"}`, `{"s":"ab"}`, false},
		{`{"Variable":"$.s","StringMatches":"star\\*"}`, `{"s":"star*"}`, true},
		{`{"Variable":"$.s","StringMatches":"star\\*"}`, `{"s":"starry"}`, false},
		{`{"Variable":"$.n","NumericEquals":3}`, `{"n":3.0}`, true},
		{`{"Variable":"$.n","NumericEquals":3}`, `{"n":"3"}`, false},
		{`{"Variable":"$.n","NumericLessThan":3}`, `{"n":2.5}`, true},
		{`{"Variable":"$.n","NumericGreaterThan":3}`, `{"n":3}`, false},
		{`{"Variable":"$.n","NumericLessThanEquals":3}`, `{"n":3}`, true},
		{`{"Variable":"$.n","NumericGreaterThanEquals":3}`, `{"n":-1}`, false},
		{`{"Variable":"$.n","NumericEqualsPath":"$.m"}`, `{"n":3,"m":3}`, true},
		{`{"Variable":"$.n","NumericLessThanPath":"$.m"}`, `{"n":3,"m":4}`, true},
		{`{"Variable":"$.n","NumericGreaterThanPath":"$.m"}`, `{"n":3,"m":4}`, false},
		{`{"Variable":"$.n","NumericLessThanEqualsPath":"$.m"}`, `{"n":4,"m":4}`, true},
		{`{"Variable":"$.n","NumericGreaterThanEqualsPath":"$.m"}`, `{"n":5,"m":4}`, true},
		{`{"Variable":"$.n","NumericEqualsPath":"$.m"}`, `{"n":5,"m":"5"}`, false},
		{`{"Variable":"$.b","BooleanEquals":true}`, `{"b":true}`, true},
		{`{"Variable":"$.b","BooleanEquals":true}`, `{"b":"true"}`, false},
		{`{"Variable":"$.b","BooleanEqualsPath":"$.c"}`, `{"b":false,"c":false}`, true},
		{`{"Variable":"$.t","TimestampEquals":"2024-01-01T00:00:00Z"}`, `{"t":"2024-01-01T01:00:00+01:00"}`, true},
		{`{"Variable":"$.t","TimestampLessThan":"2024-01-01T00:00:00Z"}`, `{"t":"2023-12-31T23:59:59Z"}`, true},
		{`{"Variable":"$.t","TimestampGreaterThan":"2024-01-01T00:00:00Z"}`, `{"t":"2023-12-31T23:59:59Z"}`, false},
		{`{"Variable":"$.t","TimestampLessThanEquals":"2024-01-01T00:00:00Z"}`, `{"t":"2024-01-01T00:00:00Z"}`, true},
		{`{"Variable":"$.t","TimestampGreaterThanEquals":"2024-01-01T00:00:00Z"}`, `{"t":"2024-01-01T00:00:00.5Z"}`, true},
		{`{"Variable":"$.t","TimestampEquals":"2024-01-01T00:00:00Z"}`, `{"t":"not a time"}`, false},
		{`{"Variable":"$.t","TimestampEqualsPath":"$.u"}`, `{"t":"2024-01-01T00:00:00Z","u":"2024-01-01T00:00:00Z"}`, true},
		{`{"Variable":"$.t","TimestampLessThanPath":"$.u"}`, `{"t":"2024-01-01T00:00:00Z","u":"2025-01-01T00:00:00Z"}`, true},
		{`{"Variable":"$.t","TimestampGreaterThanPath":"$.u"}`, `{"t":"2024-01-01T00:00:00Z","u":"2025-01-01T00:00:00Z"}`, false},
		{`{"Variable":"$.t","TimestampLessThanEqualsPath":"$.u"}`, `{"t":"2025-01-01T00:00:00Z","u":"2025-01-01T00:00:00Z"}`, true},
		{`{"Variable":"$.t","TimestampGreaterThanEqualsPath":"$.u"}`, `{"t":"2024-01-01T00:00:00Z","u":"2025-01-01T00:00:00Z"}`, false},
		{`{"Variable":"$.x","IsNull":true}`, `{"x":null}`, true},
		{`{"Variable":"$.x","IsNull":true}`, `{"x":0}`, false},
		{`{"Variable":"$.x","IsNull":false}`, `{"x":0}`, true},
		{`{"Variable":"$.x","IsPresent":true}`, `{"x":null}`, true},
		{`{"Variable":"$.x","IsPresent":true}`, `{}`, false},
		{`{"Variable":"$.x","IsPresent":false}`, `{}`, true},
		{`{"Variable":"$.x","IsNumeric":true}`, `{"x":1.5}`, true},
		{`{"Variable":"$.x","IsNumeric":true}`, `{"x":"1.5"}`, false},
		{`{"Variable":"$.x","IsString":true}`, `{"x":"s"}`, true},
		{`{"Variable":"$.x","IsString":false}`, `{"x":"s"}`, false},
		{`{"Variable":"$.x","IsBoolean":true}`, `{"x":false}`, true},
		{`{"Variable":"$.x","IsBoolean":true}`, `{"x":0}`, false},
		{`{"Variable":"$.x","IsTimestamp":true}`, `{"x":"2024-01-01T00:00:00Z"}`, true},
		{`{"Variable":"$.x","IsTimestamp":true}`, `{"x":"2024-01-01"}`, false},
		{`{"And":[{"Variable":"$.a","NumericGreaterThan":1},{"Variable":"$.a","NumericLessThan":5}]}`, `{"a":3}`, true},
		{`{"And":[{"Variable":"$.a","NumericGreaterThan":1},{"Variable":"$.a","NumericLessThan":5}]}`, `{"a":7}`, false},
		{`{"Or":[{"Variable":"$.a","StringEquals":"x"},{"Variable":"$.a","StringEquals":"y"}]}`, `{"a":"y"}`, true},
		{`{"Or":[{"Variable":"$.a","StringEquals":"x"},{"Variable":"$.a","StringEquals":"y"}]}`, `{"a":"z"}`, false},
		{`{"Not":{"Variable":"$.a","StringEquals":"x"}}`, `{"a":"z"}`, true},
		{`{"Not":{"Variable":"$.a","StringEquals":"x"}}`, `{"a":"x"}`, false},
		{`{"Variable":"$$.Execution.Name","StringEquals":"exec-1"}`, `{}`, true},
		{`{"Variable":"$.items[0].id","NumericEquals":1}`, `{"items":[{"id":1}]}`, true},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s on %s", tc.rule, tc.input), func(t *testing.T) {
			m := mustParse(t, choiceMachine(tc.rule))
			res := m.Run(context.Background(), json.RawMessage(tc.input), Options{Clock: newFakeClock(0), Context: testContext()})
			if res.Status != StatusSucceeded {
				t.Fatalf("status = %s (%s: %s)", res.Status, res.Error, res.Cause)
			}
			want := `"no"`
			if tc.want {
				want = `"yes"`
			}
			if string(res.Output) != want {
				t.Errorf("rule %s on %s chose %s, want %s", tc.rule, tc.input, res.Output, want)
			}
		})
	}
}

func TestChoiceBehaviour(t *testing.T) {
	runCases(t, []runCase{
		{
			name: "first matching rule wins",
			def: `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[
				{"Variable":"$.n","NumericGreaterThan":0,"Next":"A"},
				{"Variable":"$.n","NumericGreaterThan":1,"Next":"B"}]},
				"A":{"Type":"Pass","Result":"A","End":true},"B":{"Type":"Pass","Result":"B","End":true}}}`,
			input:      `{"n":5}`,
			wantOutput: `"A"`,
		},
		{
			name: "no match and no default",
			def: `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[
				{"Variable":"$.n","NumericEquals":0,"Next":"A"}]},"A":{"Type":"Succeed"}}}`,
			input:      `{"n":5}`,
			wantStatus: StatusFailed,
			wantError:  ErrNoChoiceMatched,
			wantCause:  "No Choice Rule matched",
		},
		{
			name: "missing variable is States.Runtime",
			def: `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[
				{"Variable":"$.missing","NumericEquals":0,"Next":"A"}],"Default":"A"},"A":{"Type":"Succeed"}}}`,
			wantStatus: StatusFailed,
			wantError:  ErrRuntime,
			wantCause:  "Invalid path '$.missing': The choice state's condition path references an invalid value.",
		},
		{
			name: "input and output paths",
			def: `{"StartAt":"C","States":{"C":{"Type":"Choice","InputPath":"$.in","OutputPath":"$.v","Choices":[
				{"Variable":"$.v","IsPresent":true,"Next":"A"}]},"A":{"Type":"Succeed"}}}`,
			input:      `{"in":{"v":[1]}}`,
			wantOutput: `[1]`,
		},
	})
}

func TestChoiceNoMatchEventsAndCause(t *testing.T) {
	m := mustParse(t, `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericEquals":0,"Next":"A"}]},"A":{"Type":"Succeed"}}}`)
	rec := &recorder{}
	res := m.Run(context.Background(), json.RawMessage(`{"n":1}`), Options{Clock: newFakeClock(time.Second), Emit: rec.emit})
	if res.Error != ErrNoChoiceMatched || !strings.Contains(res.Cause, "(entered at the event id #2)") {
		t.Errorf("Run = %+v, want NoChoiceMatched naming event #2", res)
	}
	if got := rec.types(); len(got) != 1 || got[0] != "ChoiceStateEntered" {
		t.Errorf("events = %v, want [ChoiceStateEntered]", got)
	}
}

func TestMatchPattern(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "a", false},
		{"abc", "abc", true},
		{"*", "anything", true},
		{"a*", "a", true},
		{"*a", "ba", true},
		{"*a", "ab", false},
		{"a*a", "a", false},
		{"a*a", "aa", true},
		{"**", "x", true},
		{`\*`, "*", true},
		{`\*`, "x", false},
		{`a\\*`, `a\bc`, true},
	}
	for _, tc := range tests {
		if got := matchPattern(compilePattern(tc.pattern), tc.s); got != tc.want {
			t.Errorf("match(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}
