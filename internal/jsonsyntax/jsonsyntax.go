// Package jsonsyntax says where a text stops being JSON without quoting any of
// it, for the parameter values and input files that may hold secrets: the
// provider's BuildInput and the command line's --input both answer with it.
package jsonsyntax

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ErrEndsEarly is the fault of a text that ends before its JSON value does
// (an empty text, an unclosed object or string).
var ErrEndsEarly = errors.New("the JSON text ends before its value does")

// Fault returns nil when data is one JSON value, and otherwise an error that
// says where it goes wrong: "syntax error at byte N", N being the first byte
// that cannot be there, counted from 0 and moved on by lead (the bytes the
// caller trimmed from before data), or ErrEndsEarly. It never quotes data.
//
// encoding/json's Compact and Decoder.Token report no reliable position
// (Compact's SyntaxError.Offset is always 0; Token's points before the token
// that failed), which is why callers ask Fault once they know data is bad.
func Fault(data []byte, lead int) error {
	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	var se *json.SyntaxError
	switch {
	case err == nil:
		return nil
	case !errors.As(err, &se):
		return errors.New("syntax error")
	case strings.HasPrefix(se.Error(), "unexpected end"):
		return ErrEndsEarly
	}
	// Offset counts the bytes read, the bad one included.
	return fmt.Errorf("syntax error at byte %d", int64(lead)+se.Offset-1)
}
