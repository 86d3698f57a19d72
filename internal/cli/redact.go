package cli

import (
	"regexp"
	"strings"
)

// What polysync-sfn prints must never hold a credential. An endpoint URL may
// carry one as user information (http://user:password@host), which the
// command refuses (parseEndpoint) but must not echo while refusing it.

// shownEndpoint returns an endpoint setting as polysync-sfn may print it:
// what may be user information (a user name, a password or a token) replaced
// by REDACTED. That is everything before the last @ of what follows "//", or
// of the whole value when it has no "//" (in "user:password@host" url.Parse
// finds no user information, yet it is there). A value without an @ is
// shown as it is.
func shownEndpoint(s string) string {
	at := strings.LastIndex(s, "@")
	if at < 0 {
		return s
	}
	start := 0
	if i := strings.Index(s, "//"); i >= 0 && i < at {
		start = i + len("//")
	}
	return s[:start] + "REDACTED" + s[at:]
}

// urlUserinfo matches the user information of a URL in free text: a scheme,
// "//", then anything up to an @ before the host ends.
var urlUserinfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^\s/?#@"']*@`)

// withoutURLUserinfo returns text (an error line) with the user information
// of every URL in it replaced by REDACTED: an argument given where an ARN
// belongs, or a message that quotes a URL, may hold one.
func withoutURLUserinfo(text string) string {
	if !strings.Contains(text, "@") {
		return text
	}
	return urlUserinfo.ReplaceAllString(text, "${1}REDACTED@")
}
