package asl

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
)

// maxIntrinsicString is the longest string States.Base64Encode,
// States.Base64Decode and States.Hash accept, as in AWS.
const maxIntrinsicString = 10000

// maxArrayRange is the most elements States.ArrayRange may return.
const maxArrayRange = 1000

func fnFormat(c *intrinsicCall, args []any) (any, error) {
	tmpl, escapes, err := formatTemplate(c, args)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	next := 1
	formatPieces(tmpl, escapes, func(lit string, placeholder bool) bool {
		switch {
		case !placeholder:
			b.WriteString(lit)
		case next >= len(args):
			err = fmt.Errorf("the template has more {} placeholders than the %d arguments given", len(args)-1)
			return false
		default:
			writeFormatValue(&b, args[next])
			next++
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if next != len(args) {
		return nil, fmt.Errorf("the template has %d {} placeholders but %d arguments were given", next-1, len(args)-1)
	}
	return b.String(), nil
}

// formatTemplate returns the template of a States.Format call and whether
// its escapes apply: a literal keeps \{ \} and \\ for Format to read, a
// template read from a path is taken as it is.
func formatTemplate(c *intrinsicCall, args []any) (tmpl string, escapes bool, err error) {
	tmpl, ok := args[0].(string)
	if !ok {
		return "", false, fmt.Errorf("the template must be a string, got %s", typeName(args[0]))
	}
	if c.args[0].kind == argLiteral {
		return c.args[0].raw, true, nil
	}
	return tmpl, false, nil
}

// formatPieces calls piece with each part of a States.Format template in
// order, a run of literal text or a {} placeholder, until piece returns
// false.
func formatPieces(tmpl string, escapes bool, piece func(lit string, placeholder bool) bool) {
	start := 0
	for i := 0; i < len(tmpl); i++ {
		switch {
		case escapes && tmpl[i] == '\\' && i+1 < len(tmpl):
			if !piece(tmpl[start:i], false) {
				return
			}
			i++ // the escaped byte starts the next run
			start = i
		case tmpl[i] == '{' && i+1 < len(tmpl) && tmpl[i+1] == '}':
			if !piece(tmpl[start:i], false) || !piece("", true) {
				return
			}
			i++
			start = i + 1
		}
	}
	piece(tmpl[start:], false)
}

// writeFormatValue writes v as States.Format does: strings as they are,
// other scalars as JSON, arrays as [a, b] and objects as {k=v, k2=v2}
// (Java's toString, which AWS uses; keys here are sorted).
func writeFormatValue(b *strings.Builder, v any) {
	switch tv := v.(type) {
	case string:
		b.WriteString(tv)
	case []any:
		b.WriteByte('[')
		for i, e := range tv {
			if i > 0 {
				b.WriteString(", ")
			}
			writeFormatValue(b, e)
		}
		b.WriteByte(']')
	case *object, map[string]any:
		o, _ := asObject(tv)
		b.WriteByte('{')
		for i, k := range o.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteByte('=')
			writeFormatValue(b, o.vals[i])
		}
		b.WriteByte('}')
	default:
		b.Write(appendJSON(nil, tv))
	}
}

func fnStringToJSON(_ *intrinsicCall, args []any) (any, error) {
	s, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("the argument must be a string, got %s", typeName(args[0]))
	}
	if strings.TrimSpace(s) == "" {
		return nil, nil // as AWS answers (recorded)
	}
	v, err := parseJSON([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("the argument is not valid JSON: %w", err)
	}
	return v, nil
}

func fnJSONToString(_ *intrinsicCall, args []any) (any, error) {
	return marshalString(args[0]), nil
}

func fnArray(_ *intrinsicCall, args []any) (any, error) {
	out := make([]any, len(args))
	copy(out, args)
	return out, nil
}

func arrayArg(args []any, i int) ([]any, error) {
	a, ok := args[i].([]any)
	if !ok {
		return nil, fmt.Errorf("argument %d must be an array, got %s", i+1, typeName(args[i]))
	}
	return a, nil
}

// intArg returns an integer argument. Like AWS, a number with a fraction is
// rounded to the nearest integer (halves up, as Java's Math.round).
func intArg(args []any, i int) (int64, error) {
	if n, ok := toInt(args[i]); ok {
		return n, nil
	}
	f, ok := toFloat(args[i])
	if !ok || math.IsNaN(f) || math.Abs(f) >= 1<<62 {
		return 0, fmt.Errorf("argument %d must be an integer, got %s", i+1, describeValue(args[i]))
	}
	return int64(math.Floor(f + 0.5)), nil
}

func describeValue(v any) string {
	if isNumber(v) {
		return "the number " + string(appendJSON(nil, v))
	}
	return typeName(v)
}

func stringArg(args []any, i int) (string, error) {
	s, ok := args[i].(string)
	if !ok {
		return "", fmt.Errorf("argument %d must be a string, got %s", i+1, typeName(args[i]))
	}
	return s, nil
}

func objectArg(args []any, i int) (*object, error) {
	o, ok := asObject(args[i])
	if !ok {
		return nil, fmt.Errorf("argument %d must be an object, got %s", i+1, typeName(args[i]))
	}
	return o, nil
}

func boolArg(args []any, i int) (bool, error) {
	b, ok := args[i].(bool)
	if !ok {
		return false, fmt.Errorf("argument %d must be a boolean, got %s", i+1, typeName(args[i]))
	}
	return b, nil
}

// callArgs reads a call's arguments by position and keeps the first error:
// a function reads all it needs, then checks err once. A read after an
// error returns the zero value.
type callArgs struct {
	args []any
	err  error
}

func (c *callArgs) array(i int) []any    { return readArg(c, i, arrayArg) }
func (c *callArgs) integer(i int) int64  { return readArg(c, i, intArg) }
func (c *callArgs) str(i int) string     { return readArg(c, i, stringArg) }
func (c *callArgs) object(i int) *object { return readArg(c, i, objectArg) }
func (c *callArgs) boolean(i int) bool   { return readArg(c, i, boolArg) }

func readArg[T any](c *callArgs, i int, read func(args []any, i int) (T, error)) T {
	var v T
	if c.err == nil {
		v, c.err = read(c.args, i)
	}
	return v
}

// shortStringArg returns a string argument of at most maxIntrinsicString
// characters.
func shortStringArg(args []any, i int) (string, error) {
	s, err := stringArg(args, i)
	if err != nil {
		return "", err
	}
	return s, checkLength("string", s)
}

// checkLength refuses a string of more than maxIntrinsicString characters;
// what names it in the error.
func checkLength(what, s string) error {
	if n := utf8.RuneCountInString(s); n > maxIntrinsicString {
		return fmt.Errorf("the %s has %d characters, more than the limit of %d", what, n, maxIntrinsicString)
	}
	return nil
}

func fnArrayPartition(_ *intrinsicCall, args []any) (any, error) {
	ca := callArgs{args: args}
	a, size := ca.array(0), ca.integer(1)
	if ca.err != nil {
		return nil, ca.err
	}
	if size <= 0 {
		return nil, fmt.Errorf("the chunk size must be positive, got %d", size)
	}
	n := int(min(size, int64(max(len(a), 1)))) // a larger chunk holds as much, and i+n cannot overflow
	out := make([]any, 0, (len(a)+n-1)/n)
	for i := 0; i < len(a); i += n {
		end := min(i+n, len(a))
		chunk := make([]any, end-i)
		copy(chunk, a[i:end])
		out = append(out, chunk)
	}
	return out, nil
}

func fnArrayContains(_ *intrinsicCall, args []any) (any, error) {
	a, err := arrayArg(args, 0)
	if err != nil {
		return nil, err
	}
	for _, e := range a {
		if deepEqual(e, args[1]) {
			return true, nil
		}
	}
	return false, nil
}

func fnArrayRange(_ *intrinsicCall, args []any) (any, error) {
	ca := callArgs{args: args}
	start, end, stepBy := ca.integer(0), ca.integer(1), ca.integer(2)
	if ca.err != nil {
		return nil, ca.err
	}
	if stepBy <= 0 {
		return nil, fmt.Errorf("the step must be positive, got %d", stepBy)
	}
	if start > end {
		return []any{}, nil
	}
	steps := (uint64(end) - uint64(start)) / uint64(stepBy) // end-start may not fit an int64; as uint64 it does
	if steps >= maxArrayRange {
		return nil, fmt.Errorf("the range from %d to %d in steps of %d has more elements than the limit of %d", start, end, stepBy, maxArrayRange)
	}
	out := make([]any, 0, steps+1)
	for i := range int64(steps) + 1 {
		out = append(out, start+i*stepBy)
	}
	return out, nil
}

func fnArrayGetItem(_ *intrinsicCall, args []any) (any, error) {
	ca := callArgs{args: args}
	a, i := ca.array(0), ca.integer(1)
	if ca.err != nil {
		return nil, ca.err
	}
	if i < 0 || i >= int64(len(a)) {
		return nil, fmt.Errorf("index %d is out of bounds for an array of length %d", i, len(a))
	}
	return a[i], nil
}

func fnArrayLength(_ *intrinsicCall, args []any) (any, error) {
	a, err := arrayArg(args, 0)
	if err != nil {
		return nil, err
	}
	return int64(len(a)), nil
}

func fnArrayUnique(_ *intrinsicCall, args []any) (any, error) {
	a, err := arrayArg(args, 0)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(a))
	seen := make(map[string]struct{}, len(a))
	for _, e := range a {
		// Canonical JSON text identifies equal values (keys are sorted).
		k := canonicalKey(e)
		if _, dup := seen[k]; dup {
			continue
		}
		seen[k] = struct{}{}
		out = append(out, e)
	}
	return out, nil
}

// canonicalKey returns a text that is equal for equal JSON values: objects
// are equal whatever the order of their keys, as in AWS.
func canonicalKey(v any) string {
	if f, ok := toFloat(v); ok {
		if i, ok := toInt(v); ok {
			return strconv.FormatInt(i, 10)
		}
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return marshalString(plain(v)) // a map's keys come out sorted
}

func fnBase64Encode(_ *intrinsicCall, args []any) (any, error) {
	s, err := shortStringArg(args, 0)
	if err != nil {
		return nil, err
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
}

func fnBase64Decode(_ *intrinsicCall, args []any) (any, error) {
	s, err := shortStringArg(args, 0)
	if err != nil {
		return nil, err
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("the string is not valid base64: %w", err)
	}
	return string(b), nil
}

var hashes = map[string]func() hash.Hash{
	"MD5":     md5.New,
	"SHA-1":   sha1.New,
	"SHA-256": sha256.New,
	"SHA-384": sha512.New384,
	"SHA-512": sha512.New,
}

func fnHash(_ *intrinsicCall, args []any) (any, error) {
	data := args[0]
	if data == nil {
		return nil, fmt.Errorf("argument 1 must not be null")
	}
	s, ok := data.(string)
	if !ok {
		s = marshalString(data)
	}
	if err := checkLength("data", s); err != nil {
		return nil, err
	}
	alg, err := stringArg(args, 1)
	if err != nil {
		return nil, err
	}
	newHash, ok := hashes[alg]
	if !ok {
		return nil, fmt.Errorf("unknown hash algorithm %q (want MD5, SHA-1, SHA-256, SHA-384 or SHA-512)", alg)
	}
	h := newHash()
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil)), nil
}

func fnJSONMerge(_ *intrinsicCall, args []any) (any, error) {
	ca := callArgs{args: args}
	a, b, deep := ca.object(0), ca.object(1), ca.boolean(2)
	if ca.err != nil {
		return nil, ca.err
	}
	if deep {
		return nil, fmt.Errorf("deep merging is not supported; argument 3 must be false")
	}
	// The first object's keys in their order, each replaced in place by
	// the second's value where it has one, then the second's new keys.
	out := a.clone(b.len())
	for i, k := range b.keys {
		out.set(k, b.vals[i])
	}
	return out, nil
}

func fnMathRandom(_ *intrinsicCall, args []any) (any, error) {
	ca := callArgs{args: args}
	start, end := ca.integer(0), ca.integer(1)
	if ca.err != nil {
		return nil, ca.err
	}
	if end < start {
		return nil, fmt.Errorf("the end (%d) must not be less than the start (%d)", end, start)
	}
	// Both ends are included, as in LocalStack's AWS-validated
	// implementation; AWS documents only "between start and end".
	random, randomN := rand.Uint64, rand.Uint64N
	if len(args) == 3 {
		seed, err := intArg(args, 2)
		if err != nil {
			return nil, err
		}
		r := rand.New(rand.NewPCG(uint64(seed), uint64(seed)))
		random, randomN = r.Uint64, r.Uint64N
	}
	// end-start may not fit an int64; as uint64 it does, and the sum below
	// wraps back into [start, end].
	width := uint64(end) - uint64(start)
	if width == math.MaxUint64 { // every int64
		return int64(random()), nil
	}
	return start + int64(randomN(width+1)), nil
}

// fnMathAdd adds two integers; like AWS, numbers with a fraction are
// rounded first.
func fnMathAdd(_ *intrinsicCall, args []any) (any, error) {
	ca := callArgs{args: args}
	a, b := ca.integer(0), ca.integer(1)
	if ca.err != nil {
		return nil, ca.err
	}
	s := a + b
	if (s > a) != (b > 0) {
		return nil, fmt.Errorf("the sum of %d and %d overflows", a, b)
	}
	return s, nil
}

func fnStringSplit(_ *intrinsicCall, args []any) (any, error) {
	ca := callArgs{args: args}
	s, delims := ca.str(0), ca.str(1)
	if ca.err != nil {
		return nil, ca.err
	}
	var parts []string
	if delims == "" {
		parts = []string{s}
	} else {
		parts = strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(delims, r) })
	}
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

func fnUUID(_ *intrinsicCall, _ []any) (any, error) {
	return uuid.NewString(), nil
}
