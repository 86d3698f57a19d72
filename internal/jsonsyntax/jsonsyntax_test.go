package jsonsyntax

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestFault(t *testing.T) {
	tests := []struct {
		data string
		lead int
		want string // "" for no fault
	}{
		{`{"a": [1, 2]}`, 0, ""},
		{`"s"`, 0, ""},
		{`{bad`, 0, "syntax error at byte 1"},
		{`{"a":}`, 0, "syntax error at byte 5"},
		{`{"secret": "hunter2",, }`, 0, "syntax error at byte 21"},
		{`{"a": 1} x`, 0, "syntax error at byte 9"},
		{`{bad`, 3, "syntax error at byte 4"},
		{`[1,2`, 0, ErrEndsEarly.Error()},
		{``, 0, ErrEndsEarly.Error()},
		{`"unclosed`, 0, ErrEndsEarly.Error()},
	}
	for _, tt := range tests {
		err := Fault([]byte(tt.data), tt.lead)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("Fault(%q, %d) = %q, want %q", tt.data, tt.lead, got, tt.want)
		}
		if strings.Contains(got, "hunter2") {
			t.Errorf("Fault(%q) quotes the text: %q", tt.data, got)
		}
	}
	if err := Fault([]byte(`[1`), 0); !errors.Is(err, ErrEndsEarly) {
		t.Errorf("Fault([1) = %v, want ErrEndsEarly", err)
	}
}

// TestFaultTooDeep checks that JSON nested past MaxDepth is told apart from
// a syntax error, at the byte that opens one level too many.
func TestFaultTooDeep(t *testing.T) {
	deep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	var e *Error
	if err := Fault([]byte(deep), 2); !errors.As(err, &e) || !e.TooDeep || e.Offset != MaxDepth+2 ||
		err.Error() != "nested more than 10000 arrays and objects deep at byte 10002" {
		t.Errorf("Fault(%d levels) = %#v (%v), want TooDeep at byte %d", MaxDepth+1, err, err, MaxDepth+2)
	}
	limit := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	if err := Fault([]byte(limit), 0); err != nil {
		t.Errorf("Fault(%d levels) = %v, want nil", MaxDepth, err)
	}
	if err := Fault([]byte(`{bad`), 0); !errors.As(err, &e) || e.TooDeep {
		t.Errorf("Fault({bad) = %#v, want a syntax error, not TooDeep", err)
	}
}

func TestFaultOffset(t *testing.T) {
	var e *Error
	if err := Fault([]byte("\n  {bad"), 0); !errors.As(err, &e) || e.Offset != 4 {
		t.Errorf("Fault = %#v, want *Error at byte 4", err)
	}
}

func TestLineColumn(t *testing.T) {
	data := []byte("{\n  \"a\": 1,\n  x\n}")
	tests := []struct {
		offset       int64
		line, column int
	}{
		{0, 1, 1},
		{1, 1, 2}, // the newline ends line 1
		{2, 2, 1},
		{14, 3, 3}, // the x
		{99, 4, 2}, // past the end
		{-1, 1, 1},
	}
	for _, tt := range tests {
		if line, column := LineColumn(data, tt.offset); line != tt.line || column != tt.column {
			t.Errorf("LineColumn(%d) = %d, %d; want %d, %d", tt.offset, line, column, tt.line, tt.column)
		}
	}
}

func TestLocate(t *testing.T) {
	data := []byte("{\n  \"a\": 1,\n  oops\n}")
	var v any
	err := Locate(data, json.Unmarshal(data, &v))
	var se *json.SyntaxError
	if err == nil || !strings.HasPrefix(err.Error(), "line 3, column 3: invalid character 'o'") || !errors.As(err, &se) {
		t.Errorf("Locate(syntax error) = %v, want it at line 3, column 3, wrapping the *json.SyntaxError", err)
	}
	other := errors.New("not a syntax error")
	if got := Locate(data, other); got != other {
		t.Errorf("Locate(other) = %v, want it unchanged", got)
	}
}
