package asl

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// Every intrinsic function is bounded by the value it may return before it
// builds that value, so that no definition can make one call (States.Format
// with thousands of references to a large input, States.JsonToString over a
// States.Array of them) build gigabytes before a size check sees it:
//
//   - Each call's size function measures the result from the arguments
//     without building it. A result longer than MaxPayloadSize as JSON text
//     fails the call with States.DataLimitExceeded before it is built; the
//     result actually built is measured again (escaping in strings can only
//     lengthen it).
//   - The calls of one evaluation (a Parameters, ResultSelector or
//     ItemSelector template, or one ...Path field) may return at most
//     maxIntrinsicWork bytes together, nested calls included, so that many
//     calls of a large result fail as well.
//
// AWS documents its 256 KiB payload quota for a state's input after
// Parameters and for its result and output, and no limit on the values
// inside an evaluation. A result over the quota could only reach a state's
// input through a function that shrinks it (States.ArrayLength,
// States.Hash, ...); this interpreter refuses it, as it refuses the
// evaluations that return more than four payloads' worth of intermediate
// results.

// maxIntrinsicWork is the most bytes (as JSON text) that the intrinsic calls
// of one evaluation may return together.
const maxIntrinsicWork = 4 * MaxPayloadSize

// intrinsicBudget is what the intrinsic calls of one evaluation may still
// return, in bytes of JSON text.
type intrinsicBudget struct{ left int }

func newIntrinsicBudget() *intrinsicBudget { return &intrinsicBudget{left: maxIntrinsicWork} }

// bound checks the result of c, v (nil when not yet built), against the
// payload quota and the evaluation's budget b, and charges v to b.
func (c *intrinsicCall) bound(b *intrinsicBudget, args []any, v any, built bool) *stateError {
	limit := min(MaxPayloadSize, b.left)
	var n int
	if built {
		n = jsonSize(v, limit)
	} else {
		n = c.fn.size(c, args, limit)
	}
	if n <= limit || !built && n <= smallResult {
		if built {
			b.left -= n
		}
		return nil
	}
	if limit < MaxPayloadSize {
		return newError(ErrDataLimitExceeded, "The intrinsic functions of one field would return more than %d bytes together, ending with %s.", maxIntrinsicWork, c.name)
	}
	return newError(ErrDataLimitExceeded, "The result of %s would be larger than the maximum payload size of %d bytes.", c.name, MaxPayloadSize)
}

// smallResult is the most bytes a size function may return for a result it
// has not measured: results this small are measured once built.
const smallResult = 256

// Size functions, one per intrinsic function (see intrinsicFunc.size). Those
// whose results are always small return a bound of at most smallResult.

const (
	maxIntSize  = 20 // an int64 as JSON text: "-9223372036854775808"
	uuidSize    = 38 // "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" with its quotes
	maxHashSize = 130
	boolSize    = 5
)

// sizeFormat is the length of the formatted string with its quotes, not
// counting JSON escapes.
func sizeFormat(c *intrinsicCall, args []any, limit int) int {
	tmpl, escapes, err := formatTemplate(c, args)
	if err != nil {
		return 0
	}
	n, next := 2, 1
	formatPieces(tmpl, escapes, func(lit string, placeholder bool) bool {
		switch {
		case !placeholder:
			n += len(lit)
		case next < len(args):
			n += formatValueSize(args[next], limit-n)
			next++
		}
		return n <= limit
	})
	return n
}

// formatValueSize is the length of what writeFormatValue writes for v,
// stopping early once it exceeds limit.
func formatValueSize(v any, limit int) int {
	switch tv := v.(type) {
	case string:
		return len(tv)
	case []any:
		n := 2 + 2*max(len(tv)-1, 0) // brackets and ", " separators
		for _, e := range tv {
			if n += formatValueSize(e, limit-n); n > limit {
				return n
			}
		}
		return n
	case *object, map[string]any:
		o, _ := asObject(tv)
		n := 2 + 2*max(o.len()-1, 0)
		for i, k := range o.keys {
			if n += len(k) + 1 + formatValueSize(o.vals[i], limit-n); n > limit {
				return n
			}
		}
		return n
	default:
		return jsonSize(tv, limit)
	}
}

// sizeStringToJSON: parsing allocates in proportion to the string, which is
// bounded like every value; the parsed value is measured once built.
func sizeStringToJSON(_ *intrinsicCall, args []any, _ int) int {
	s, _ := args[0].(string)
	return len(s)
}

// sizeJSONToString is the length of the argument's JSON text with the
// string's quotes, not counting the escapes of its own quotes.
func sizeJSONToString(_ *intrinsicCall, args []any, limit int) int {
	return jsonSize(args[0], limit) + 2
}

func sizeArray(_ *intrinsicCall, args []any, limit int) int {
	return jsonSize(args, limit)
}

// sizeArrayPartition is the argument's length plus the brackets of each
// chunk (the commas between chunks replace those between their last and
// first elements).
func sizeArrayPartition(_ *intrinsicCall, args []any, limit int) int {
	a, err := arrayArg(args, 0)
	if err != nil || len(a) == 0 {
		return 2
	}
	size, err := intArg(args, 1)
	if err != nil || size <= 0 {
		return 0
	}
	chunks := (int64(len(a)) + size - 1) / size
	return jsonSize(a, limit) + 2*int(chunks)
}

func sizeArrayContains(*intrinsicCall, []any, int) int { return boolSize }

// sizeArrayRange is the length of the range, counted without building it;
// fnArrayRange refuses ranges of more than maxArrayRange elements.
func sizeArrayRange(_ *intrinsicCall, args []any, _ int) int {
	ca := callArgs{args: args}
	start, end, stepBy := ca.integer(0), ca.integer(1), ca.integer(2)
	if ca.err != nil {
		return 0
	}
	if stepBy <= 0 || start > end {
		return 2
	}
	steps := (uint64(end) - uint64(start)) / uint64(stepBy)
	if steps >= maxArrayRange {
		return 0
	}
	size := 1 // '[', then each element with its ',' or the ']'
	for i := range int64(steps) + 1 {
		size += intSize(start+i*stepBy) + 1
	}
	return size
}

// sizeArrayGetItem is the item's length; the item is the argument's own,
// not a copy.
func sizeArrayGetItem(_ *intrinsicCall, args []any, limit int) int {
	ca := callArgs{args: args}
	a, i := ca.array(0), ca.integer(1)
	if ca.err != nil || i < 0 || i >= int64(len(a)) {
		return 0
	}
	return jsonSize(a[i], limit)
}

func sizeArrayLength(*intrinsicCall, []any, int) int { return maxIntSize }

// sizeArrayUnique: the result holds some of the argument's elements, and
// the canonical keys built to compare them are as long as the argument.
func sizeArrayUnique(*intrinsicCall, []any, int) int { return 0 }

// sizeBase64Encode is the encoded length with its quotes; fnBase64Encode
// refuses strings of more than maxIntrinsicString characters.
func sizeBase64Encode(_ *intrinsicCall, args []any, _ int) int {
	s, _ := args[0].(string)
	if utf8.RuneCountInString(s) > maxIntrinsicString {
		return 0
	}
	return base64.StdEncoding.EncodedLen(len(s)) + 2
}

func sizeBase64Decode(_ *intrinsicCall, args []any, _ int) int {
	s, _ := args[0].(string)
	if utf8.RuneCountInString(s) > maxIntrinsicString {
		return 0
	}
	return base64.StdEncoding.DecodedLen(len(s)) + 2
}

func sizeHash(*intrinsicCall, []any, int) int { return maxHashSize }

// sizeJSONMerge is the length of the merged object: the first object's
// members that the second does not replace, and the second's.
func sizeJSONMerge(_ *intrinsicCall, args []any, limit int) int {
	a, okA := asObject(args[0])
	b, okB := asObject(args[1])
	if !okA || !okB {
		return 0
	}
	n, members := 1, 0
	add := func(k string, v any) bool {
		members++
		n += stringSize(k) + 2 + jsonSize(v, limit-n)
		return n <= limit
	}
	for i, k := range a.keys {
		if _, replaced := b.get(k); !replaced && !add(k, a.vals[i]) {
			return n
		}
	}
	for i, k := range b.keys {
		if !add(k, b.vals[i]) {
			return n
		}
	}
	if members == 0 {
		n++
	}
	return n
}

func sizeMathRandom(*intrinsicCall, []any, int) int { return maxIntSize }

func sizeMathAdd(*intrinsicCall, []any, int) int { return maxIntSize }

// sizeStringSplit is the length of the array of parts, not counting JSON
// escapes, counted without splitting.
func sizeStringSplit(_ *intrinsicCall, args []any, limit int) int {
	s, okS := args[0].(string)
	delims, okD := args[1].(string)
	if !okS || !okD {
		return 0
	}
	if delims == "" {
		return len(s) + 4
	}
	n, parts, inPart := 2, 0, false
	for _, r := range s {
		switch {
		case strings.ContainsRune(delims, r):
			inPart = false
		case !inPart:
			inPart = true
			parts++
			n += 2 + utf8.RuneLen(r) // the part's quotes and first rune
		default:
			n += utf8.RuneLen(r)
		}
		if n+parts > limit {
			break
		}
	}
	return n + max(parts-1, 0)
}

func sizeUUID(*intrinsicCall, []any, int) int { return uuidSize }
