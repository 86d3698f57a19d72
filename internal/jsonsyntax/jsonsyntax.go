// Package jsonsyntax says where a text stops being JSON without quoting any of
// it, for the parameter values and input files that may hold secrets (the
// provider's BuildInput and the command line's --input), and turns such a
// position into a line and column for files (--input, --definitions, and
// sfnlocal's mock configuration).
package jsonsyntax

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ErrEndsEarly is the fault of a text that ends before its JSON value does
// (an empty text, an unclosed object or string).
var ErrEndsEarly = errors.New("the JSON text ends before its value does")

// MaxDepth is how deep encoding/json reads nested arrays and objects; it
// refuses a deeper text, however valid, as a syntax error at the byte that
// opens one array or object too many.
const MaxDepth = 10000

// Error is a byte that cannot stand where it is in a JSON text.
type Error struct {
	// Offset is the byte's position, counted from 0.
	Offset int64
	// TooDeep reports that the byte opens an array or object nested deeper
	// than MaxDepth, in a text that may be valid JSON all the same.
	TooDeep bool
}

// Error returns "syntax error at byte <Offset>", or for TooDeep "nested more
// than 10000 arrays and objects deep at byte <Offset>".
func (e *Error) Error() string {
	if e.TooDeep {
		return fmt.Sprintf("nested more than %d arrays and objects deep at byte %d", MaxDepth, e.Offset)
	}
	return fmt.Sprintf("syntax error at byte %d", e.Offset)
}

// Fault returns nil when data is one JSON value, and otherwise where it goes
// wrong: an *Error whose Offset is the first byte that cannot be there,
// moved on by lead (the bytes the caller trimmed from before data), or
// ErrEndsEarly. It never quotes data.
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
	return &Error{Offset: int64(lead) + se.Offset - 1, TooDeep: strings.HasSuffix(se.Error(), "exceeded max depth")}
}

// LineColumn returns the line and column, both counted from 1, of the byte
// at offset in data (columns count bytes); an offset past the end is placed
// just after the last byte.
func LineColumn(data []byte, offset int64) (line, column int) {
	before := data[:max(0, min(offset, int64(len(data))))]
	line = 1 + bytes.Count(before, []byte{'\n'})
	column = len(before) - bytes.LastIndexByte(before, '\n')
	return line, column
}

// Locate returns err, the error of decoding data, prefixed with the line and
// column of the byte where data stops being JSON ("line 3, column 7: ...")
// when err is a syntax error; any other error comes back as it is. Use it for
// files that hold no secrets: err's own words may quote a character of data.
func Locate(data []byte, err error) error {
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return err
	}
	offset := se.Offset - 1 // Offset counts the bytes read, the bad one included
	var at *Error
	if errors.As(Fault(data, 0), &at) {
		offset = at.Offset // a Decoder's offsets can point before the fault
	}
	line, column := LineColumn(data, offset)
	return fmt.Errorf("line %d, column %d: %w", line, column, err)
}
