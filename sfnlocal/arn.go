package sfnlocal

import (
	"strconv"
	"strings"
	"unicode"
)

// partitionOf returns the ARN partition of region.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	default:
		return "aws"
	}
}

// arnKind is what an ARN names.
type arnKind int

const (
	kindStateMachine arnKind = iota + 1
	kindVersion
	kindAlias
	kindExecution
	kindExpress
)

// parsedARN is a Step Functions ARN split into its parts.
type parsedARN struct {
	raw       string
	partition string
	region    string
	account   string
	kind      arnKind
	machine   string // state machine name
	qualifier string // version number or alias name
	version   int
	execution string // execution name
}

// base returns the ARN of the unqualified state machine the ARN belongs to.
func (p parsedARN) base() string {
	return "arn:" + p.partition + ":states:" + p.region + ":" + p.account + ":stateMachine:" + p.machine
}

// parseARN splits a Step Functions ARN. ok is false when s is not one.
func parseARN(s string) (parsedARN, bool) {
	parts := strings.Split(s, ":")
	if len(parts) < 7 || parts[0] != "arn" || parts[2] != "states" || parts[1] == "" || parts[3] == "" || parts[4] == "" {
		return parsedARN{}, false
	}
	p := parsedARN{raw: s, partition: parts[1], region: parts[3], account: parts[4]}
	res := parts[5:]
	for _, r := range res[1:] {
		if r == "" {
			return parsedARN{}, false
		}
	}
	switch res[0] {
	case "stateMachine":
		p.machine = res[1]
		switch len(res) {
		case 2:
			p.kind = kindStateMachine
		case 3:
			p.qualifier = res[2]
			if n, err := strconv.Atoi(res[2]); err == nil && isDigits(res[2]) {
				if n < 1 {
					return parsedARN{}, false
				}
				p.kind, p.version = kindVersion, n
			} else {
				p.kind = kindAlias
			}
		default:
			return parsedARN{}, false
		}
	case "execution":
		if len(res) != 3 {
			return parsedARN{}, false
		}
		p.kind, p.machine, p.execution = kindExecution, res[1], res[2]
	case "express":
		if len(res) != 4 {
			return parsedARN{}, false
		}
		p.kind, p.machine, p.execution, p.qualifier = kindExpress, res[1], res[2], res[3]
	default:
		return parsedARN{}, false
	}
	return p, true
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// invalidNameChars are the characters AWS refuses in state machine and
// execution names (besides whitespace and control characters).
const invalidNameChars = "<>{}[]?*\"#%\\^|~`$&,;:/"

// checkName validates a state machine or execution name: 1-80 characters, no
// whitespace, no control characters, none of invalidNameChars. It returns the
// reason, or "" when the name is valid.
func checkName(name string) string {
	n := len([]rune(name))
	if n < 1 || n > 80 {
		return "must be 1-80 characters long"
	}
	for _, r := range name {
		switch {
		case unicode.IsSpace(r):
			return "must not contain whitespace"
		case unicode.IsControl(r) || (r >= 0x7f && r <= 0x9f):
			return "must not contain control characters"
		case strings.ContainsRune(invalidNameChars, r):
			return "must not contain " + strconv.QuoteRune(r)
		}
	}
	return ""
}

// checkAliasName validates an alias name: 1-80 characters of [A-Za-z0-9_.-],
// with at least one that is not a digit (so it cannot be read as a version).
func checkAliasName(name string) string {
	if len(name) < 1 || len(name) > 80 {
		return "must be 1-80 characters long"
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return "may contain only letters, digits, '_', '-' and '.'"
		}
	}
	if isDigits(name) {
		return "must contain a character that is not a digit"
	}
	return ""
}

// globMatch reports whether s matches pattern, where '*' matches any run of
// characters (including ':' and '/') and every other byte matches itself.
// It backtracks only to the last '*', so it takes at most
// len(pattern)*len(s) steps whatever the pattern.
func globMatch(pattern, s string) bool {
	p, i := 0, 0
	star, resume := -1, 0 // the last '*' seen in pattern, and where in s its run ends
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, resume = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			// Let the last '*' take one more byte and retry from there.
			resume++
			p, i = star+1, resume
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
