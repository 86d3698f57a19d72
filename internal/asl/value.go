package asl

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxPayloadSize is the largest state input or output, in bytes, that an
// execution may carry (262,144 bytes, as in AWS). A larger one fails the
// execution with States.DataLimitExceeded.
const MaxPayloadSize = 262144

// JSON values inside an execution are plain Go values: *object (see
// object.go), []any, string, int64, float64, json.Number (for numbers that
// do not fit either), bool and nil; a map[string]any is read as an object
// too. Values are never mutated in place once they have been shared: code
// that changes a container copies it first (see setPath).

// marshal returns the compact JSON text of v without HTML escaping, the
// keys of an *object in order and those of a map[string]any sorted.
func marshal(v any) []byte {
	return appendJSON(make([]byte, 0, 64), v)
}

// marshalBounded is marshal for a value that may be larger than
// MaxPayloadSize: it measures v first, and builds nothing when v is larger.
func marshalBounded(v any) ([]byte, bool) {
	if jsonSize(v, MaxPayloadSize) > MaxPayloadSize {
		return nil, false
	}
	return marshal(v), true
}

// marshalString is marshal as a string.
func marshalString(v any) string {
	return string(marshal(v))
}

// appendJSON appends the compact JSON text of v to buf.
func appendJSON(buf []byte, v any) []byte {
	switch tv := v.(type) {
	case nil:
		return append(buf, "null"...)
	case bool:
		if tv {
			return append(buf, "true"...)
		}
		return append(buf, "false"...)
	case string:
		return appendString(buf, tv)
	case int64:
		return strconv.AppendInt(buf, tv, 10)
	case int:
		return strconv.AppendInt(buf, int64(tv), 10)
	case float64:
		return appendFloat(buf, tv)
	case json.Number:
		return append(buf, tv...)
	case *object:
		if len(tv.keys) == 0 {
			return append(buf, "{}"...)
		}
		buf = append(buf, '{')
		for i, k := range tv.keys {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendString(buf, k)
			buf = append(buf, ':')
			buf = appendJSON(buf, tv.vals[i])
		}
		return append(buf, '}')
	case map[string]any:
		if len(tv) == 0 {
			return append(buf, "{}"...)
		}
		var small [16]string
		keys := small[:0]
		for k := range tv {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		buf = append(buf, '{')
		for i, k := range keys {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendString(buf, k)
			buf = append(buf, ':')
			buf = appendJSON(buf, tv[k])
		}
		return append(buf, '}')
	case []any:
		buf = append(buf, '[')
		for i, e := range tv {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSON(buf, e)
		}
		return append(buf, ']')
	default:
		// Not produced by this package; fall back to encoding/json so that
		// nothing is silently lost.
		b, err := json.Marshal(tv)
		if err != nil {
			return appendString(buf, fmt.Sprint(tv))
		}
		return append(buf, b...)
	}
}

// appendFloat formats f the way JavaScript and Jackson do for the common
// cases: integral values without a fraction, others in the shortest form.
func appendFloat(buf []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(buf, "null"...)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.AppendFloat(buf, f, 'f', -1, 64)
	}
	abs := math.Abs(f)
	if abs < 1e-6 || abs >= 1e21 {
		return strconv.AppendFloat(buf, f, 'e', -1, 64)
	}
	return strconv.AppendFloat(buf, f, 'f', -1, 64)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string literal.
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

// jsonSize returns the length of the JSON text of v, stopping early once it
// exceeds limit (the returned value is then > limit but not exact). It does
// not allocate for the types this package produces.
func jsonSize(v any, limit int) int {
	switch tv := v.(type) {
	case nil:
		return 4
	case bool:
		if tv {
			return 4
		}
		return 5
	case string:
		return stringSize(tv)
	case int64:
		return intSize(tv)
	case int:
		return intSize(int64(tv))
	case float64:
		var tmp [32]byte
		return len(appendFloat(tmp[:0], tv))
	case json.Number:
		return len(tv)
	case *object:
		n := 1 // '{', then each entry with its ':' and a ',' or the '}'
		for i, k := range tv.keys {
			n += stringSize(k) + 2 + jsonSize(tv.vals[i], limit-n)
			if n > limit {
				return n
			}
		}
		if len(tv.keys) == 0 {
			n++
		}
		return n
	case map[string]any:
		n := 1
		for k, e := range tv {
			n += stringSize(k) + 2 + jsonSize(e, limit-n)
			if n > limit {
				return n
			}
		}
		if len(tv) == 0 {
			n++
		}
		return n
	case []any:
		n := 1
		for _, e := range tv {
			n += jsonSize(e, limit-n) + 1
			if n > limit {
				return n
			}
		}
		if len(tv) == 0 {
			n++
		}
		return n
	default:
		return len(appendJSON(nil, tv))
	}
}

// stringSize is the length of s as a JSON string literal, as appendString
// writes it.
func stringSize(s string) int {
	n := len(s) + 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\n' || c == '\r' || c == '\t' || c == '"' || c == '\\':
				n++
			case c < 0x20:
				n += 5
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1: // written as \ufffd
			n += 5
		case r == '\u2028' || r == '\u2029': // written as \u2028, \u2029
			n += 3
		}
		i += size
	}
	return n
}

// intSize is the number of characters of i in decimal.
func intSize(i int64) int {
	n := 1
	if i < 0 {
		n++
		if i == math.MinInt64 {
			return 20
		}
		i = -i
	}
	for i >= 10 {
		i /= 10
		n++
	}
	return n
}

// toFloat converts a JSON number to float64.
func toFloat(v any) (float64, bool) {
	switch tv := v.(type) {
	case int64:
		return float64(tv), true
	case float64:
		return tv, true
	case int:
		return float64(tv), true
	case json.Number:
		f, err := tv.Float64()
		return f, err == nil
	}
	return 0, false
}

// toInt converts a JSON number that holds an integral value to int64.
func toInt(v any) (int64, bool) {
	switch tv := v.(type) {
	case int64:
		return tv, true
	case int:
		return int64(tv), true
	case float64:
		if tv == math.Trunc(tv) && math.Abs(tv) < 1<<53 {
			return int64(tv), true
		}
	case json.Number:
		if i, err := tv.Int64(); err == nil {
			return i, true
		}
	}
	return 0, false
}

// isNumber reports whether v is a JSON number.
func isNumber(v any) bool {
	switch v.(type) {
	case int64, float64, int, json.Number:
		return true
	}
	return false
}

// deepEqual compares two JSON values, treating numbers by value.
func deepEqual(a, b any) bool {
	switch ta := a.(type) {
	case nil:
		return b == nil
	case bool:
		tb, ok := b.(bool)
		return ok && ta == tb
	case string:
		tb, ok := b.(string)
		return ok && ta == tb
	case *object, map[string]any:
		oa, _ := asObject(ta)
		ob, ok := asObject(b)
		if !ok || oa.len() != ob.len() {
			return false
		}
		for i, k := range oa.keys {
			bv, ok := ob.get(k)
			if !ok || !deepEqual(oa.vals[i], bv) {
				return false
			}
		}
		return true
	case []any:
		tb, ok := b.([]any)
		if !ok || len(ta) != len(tb) {
			return false
		}
		for i := range ta {
			if !deepEqual(ta[i], tb[i]) {
				return false
			}
		}
		return true
	default:
		if na, ok := a.(json.Number); ok {
			if nb, ok := b.(json.Number); ok && strings.EqualFold(string(na), string(nb)) {
				return true // beyond float64, as 1e400 is: equal when spelt alike
			}
		}
		if ia, ok := toInt(a); ok {
			if ib, ok := toInt(b); ok {
				return ia == ib
			}
		}
		fa, okA := toFloat(a)
		fb, okB := toFloat(b)
		return okA && okB && fa == fb
	}
}

// typeName names the JSON type of v for error messages.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case *object, map[string]any:
		return "object"
	case []any:
		return "array"
	}
	if isNumber(v) {
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

// parseTimestamp parses an ASL timestamp (RFC 3339 with uppercase T and Z).
func parseTimestamp(s string) (time.Time, bool) {
	if strings.ContainsAny(s, "tz") {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
