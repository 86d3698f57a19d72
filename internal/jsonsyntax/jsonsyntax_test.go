package jsonsyntax

import (
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
