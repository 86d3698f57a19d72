package asl

import (
	"testing"
)

// TestJSONPathAsAWS checks the JSONPath behaviours recorded from real AWS
// executions where this package used to differ.
func TestJSONPathAsAWS(t *testing.T) {
	tests := []outcomeCase{
		{"SecondsPath negative", `{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.p","End":true}}}`,
			`{"p":-1}`, "", ErrRuntime, "The SecondsPath parameter references a negative value: $.p == -1"},
		{"SecondsPath not an integer", `{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.p","End":true}}}`,
			`{"p":1.5}`, "", ErrRuntime, "The SecondsPath parameter cannot be parsed as a long value: $.p == 1.5"},
		{"TimestampPath invalid", `{"StartAt":"W","States":{"W":{"Type":"Wait","TimestampPath":"$.p","End":true}}}`,
			`{"p":"2024-13-01"}`, "", ErrRuntime,
			"The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.p == 2024-13-01"},
		{"MaxConcurrencyPath invalid", `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrencyPath":"$.p",
			"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"ItemsPath":"$.xs","End":true}}}`,
			`{"p":"abc","xs":[]}`, "", ErrRuntime, `The MaxConcurrencyPath field refers to value "abc" which is not a valid integer: $.p`},
		{"ErrorPath not found", `{"StartAt":"F","States":{"F":{"Type":"Fail","ErrorPath":"$.e","Cause":"c"}}}`,
			`{}`, "", ErrRuntime, "The JSONPath '$.e' specified for the field 'ErrorPath' could not be found in the input '{}'"},
		{"missing context path in Parameters", `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"t.$":"$$.Task.Token"},"End":true}}}`,
			`{"a":1}`, "", ErrRuntime, `The JSONPath '$$.Task.Token' specified for the field 't.$' could not be found in the input '{"a":1}'`},
		{"surrogate pairs in input and definition", `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"in.$":"$.s","def":"\ud83c\udd97"},"End":true}}}`,
			`{"s":"\ud83c\udd97"}`, `{"in":"🆗","def":"🆗"}`, "", ""},
		{"StringToJson of blank strings", `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"a.$":"States.StringToJson('')","b.$":"States.StringToJson('  ')"},"End":true}}}`,
			`{}`, `{"a":null,"b":null}`, "", ""},
		{"legacy Iterator with Mode DISTRIBUTED over inline items", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs",
			"Parameters":{"v.$":"$$.Map.Item.Value"},
			"Iterator":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			`{"xs":[1,2]}`, `[{"v":1},{"v":2}]`, "", ""},
	}
	runCases(t, outcomeCases(tests, nil))
}
