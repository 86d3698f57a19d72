package cwlogs

import (
	"errors"
	"testing"
)

func TestFilterPatterns(t *testing.T) {
	succeeded := `{"id":"4","type":"ExecutionSucceeded","details":{"output":"{}"},"n":3,"ok":true,"none":null,"list":[{"k":"v"}]}`
	failed := `{"type":"ExecutionFailed","details":{"error":"States.TaskFailed","cause":"boom"},"n":10}`
	plain := `ERROR something broke in ExecutionFailed`
	terminal := `{ ($.type = "ExecutionSucceeded") || ($.type = "ExecutionFailed") || ($.type = "ExecutionTimedOut") || ($.type = "ExecutionAborted") }`
	tests := []struct {
		pattern string
		want    [3]bool // succeeded, failed, plain
	}{
		{"", [3]bool{true, true, true}},
		{terminal, [3]bool{true, true, false}},
		{`{ $.type = "ExecutionSucceeded" || $.type = "ExecutionFailed" }`, [3]bool{true, true, false}},
		{`{$.type="ExecutionSucceeded"}`, [3]bool{true, false, false}},
		{`{ $.type = Execution* }`, [3]bool{true, true, false}},
		{`{ $.type != "ExecutionSucceeded" }`, [3]bool{false, true, false}},
		{`{ $.details.error = "States.*" && $.n >= 10 }`, [3]bool{false, true, false}},
		{`{ $.n < 5 }`, [3]bool{true, false, false}},
		{`{ $.n = 3 }`, [3]bool{true, false, false}},
		{`{ $.ok IS TRUE }`, [3]bool{true, false, false}},
		{`{ $.none IS NULL }`, [3]bool{true, false, false}},
		{`{ $.details.output NOT EXISTS }`, [3]bool{false, true, false}},
		{`{ $.list[0].k = "v" }`, [3]bool{true, false, false}},
		{`ExecutionFailed`, [3]bool{false, true, true}},
		{`ERROR ExecutionFailed`, [3]bool{false, false, true}},
		{`"something broke"`, [3]bool{false, false, true}},
		{`ExecutionFailed -ERROR`, [3]bool{false, true, false}},
		{`?ExecutionSucceeded ?ERROR`, [3]bool{true, false, true}},
	}
	for _, tt := range tests {
		m, err := parseFilterPattern(tt.pattern)
		if err != nil {
			t.Errorf("parseFilterPattern(%q): %v", tt.pattern, err)
			continue
		}
		for i, msg := range []string{succeeded, failed, plain} {
			if got := m(msg); got != tt.want[i] {
				t.Errorf("pattern %q on message %d = %v, want %v", tt.pattern, i, got, tt.want[i])
			}
		}
	}
}

func TestFilterPatternsRefused(t *testing.T) {
	for _, p := range []string{
		`{ $.type = }`, `{ $.type = "x"`, `{ type = "x" }`, `{ ($.type = "x" }`, `{ $.n > abc }`,
		`{ $.type = "x" } extra`, `[ip, user]`, `%ERR.*%`, `"unterminated`, string(make([]byte, 1025)),
	} {
		_, err := parseFilterPattern(p)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeInvalidParameter {
			t.Errorf("parseFilterPattern(%.40q) error = %v, want InvalidParameterException", p, err)
		}
	}
}

func FuzzFilterPattern(f *testing.F) {
	f.Add(`{ ($.type = "ExecutionSucceeded") || $.n >= 3 }`, `{"type":"ExecutionSucceeded","n":3}`)
	f.Add(`?a -b "c d"`, `a c d`)
	f.Fuzz(func(t *testing.T, pattern, message string) {
		m, err := parseFilterPattern(pattern)
		if err == nil {
			m(message)
		}
	})
}
