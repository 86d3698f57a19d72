package asl

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestTruncateKeepsUTF8 checks that a cause quoting a long value is cut at a
// character boundary: a cut inside a multi-byte character would put invalid
// UTF-8 in the cause, which JSON then shows as U+FFFD.
func TestTruncateKeepsUTF8(t *testing.T) {
	for _, prefix := range []string{"", "a"} { // the limit falls between two bytes of é, then after a whole é
		s := prefix + strings.Repeat("é", 2000)
		got := truncate(s)
		if !utf8.ValidString(got) || !strings.HasSuffix(got, "...") || len(got) > 2048+len("...") {
			t.Errorf("truncate(%d bytes) = %d bytes, valid UTF-8 %v, want at most 2051 valid bytes ending ...", len(s), len(got), utf8.ValidString(got))
		}
		if body := strings.TrimSuffix(got, "..."); len(body) < 2047 || !strings.HasPrefix(s, body) {
			t.Errorf("truncate kept %d bytes, want the first 2047 or 2048 of the value", len(body))
		}
	}
	if got := truncate("short"); got != "short" {
		t.Errorf("truncate(short) = %q", got)
	}
}

// TestClip checks Clip at every length of a text of 1-, 2-, 3- and 4-byte
// characters: it keeps the longest whole-character prefix that fits.
func TestClip(t *testing.T) {
	const s = "aé€𝄞b"
	for n := 0; n <= len(s)+1; n++ {
		got := Clip(s, n)
		longest := ""
		for i := range s { // the byte offsets where characters start
			if i <= n {
				longest = s[:i]
			}
		}
		if n >= len(s) {
			longest = s
		}
		if got != longest || !utf8.ValidString(got) {
			t.Errorf("Clip(%q, %d) = %q, want %q", s, n, got, longest)
		}
	}
}
