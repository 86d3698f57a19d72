package sfnarn

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameLen is the longest state machine, execution, activity or alias name Step Functions accepts, in
// characters.
const MaxNameLen = 80

// invalidNameChars are the characters Step Functions refuses in state machine, execution, activity and Map Run
// label names, besides whitespace and control characters.
const invalidNameChars = "<>{}[]?*\"#%\\^|~`$&,;:/"

// CheckName returns nil when name is a valid state machine, execution or activity name (and Distributed Map
// label): 1 to 80 characters, no whitespace, no control characters and none of < > { } [ ] ? * " # % \ ^ | ~ `
// $ & , ; : /. Otherwise the error says what is wrong, without repeating the name.
func CheckName(name string) error {
	if n := utf8.RuneCountInString(name); n < 1 || n > MaxNameLen {
		return fmt.Errorf("must be 1-%d characters long", MaxNameLen)
	}
	for _, r := range name {
		switch {
		case unicode.IsSpace(r):
			return errors.New("must not contain whitespace")
		case unicode.IsControl(r) || (r >= 0x7f && r <= 0x9f):
			return errors.New("must not contain control characters")
		case strings.ContainsRune(invalidNameChars, r):
			return errors.New("must not contain " + strconv.QuoteRune(r))
		}
	}
	return nil
}

// CheckAliasName returns nil when name is a valid state machine alias name: 1 to 80 characters of letters,
// digits, '_', '-' and '.', at least one of them not a digit (so that it cannot be read as a version number).
func CheckAliasName(name string) error {
	if len(name) < 1 || len(name) > MaxNameLen {
		return fmt.Errorf("must be 1-%d characters long", MaxNameLen)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return errors.New("may contain only letters, digits, '_', '-' and '.'")
		}
	}
	if isDigits(name) {
		return errors.New("must contain a character that is not a digit")
	}
	return nil
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
