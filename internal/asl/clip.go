package asl

import "unicode/utf8"

// Clip returns s cut to at most n bytes, never inside a UTF-8 sequence: the
// one place where the interpreter and the endpoint shorten text they quote.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
