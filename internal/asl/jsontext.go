package asl

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/ohler55/ojg/oj"
)

// tokenizers keeps ojg tokenizers, whose buffers are worth reusing.
var tokenizers = sync.Pool{New: func() any { return &oj.Tokenizer{} }}

// parseJSON parses one JSON document into the values of this package,
// objects keeping their keys in document order (a repeated key keeps its
// first place and its last value, as Jackson does). It accepts exactly what
// encoding/json accepts (RFC 8259: no empty document, no "1.", no trailing
// data), which ojg alone does not, and it never panics: a document that
// makes ojg panic is parsed again with encoding/json, as is one with
// invalid UTF-8 (which encoding/json turns into U+FFFD).
func parseJSON(data []byte) (any, error) {
	if !json.Valid(data) || !utf8.Valid(data) || hasSurrogateEscape(data) || hasLargeExponent(data) || hasLongDigitRun(data) {
		return parseJSONStd(data)
	}
	if v, ok := parseJSONFast(data); ok {
		return v, nil
	}
	return parseJSONStd(data)
}

// hasLargeExponent reports whether data may hold a number with an exponent
// of three digits or more, which ojg turns into +Inf or 0 where it is out of
// float64's range; encoding/json keeps such a number as json.Number. A
// string that merely looks like one costs only the slower parse.
func hasLargeExponent(data []byte) bool {
	for i := bytes.IndexAny(data, "eE"); i >= 0; {
		j := i + 1
		if j < len(data) && (data[j] == '+' || data[j] == '-') {
			j++
		}
		if j+2 < len(data) && isDigit(data[j]) && isDigit(data[j+1]) && isDigit(data[j+2]) {
			return true
		}
		k := bytes.IndexAny(data[i+1:], "eE")
		if k < 0 {
			return false
		}
		i += 1 + k
	}
	return false
}

// hasLongDigitRun reports whether data holds 16 or more digits in a row:
// an integer that may not fit int64, which ojg's tokenizer wraps around
// (20000000000000000000 became 1553255926290448384), or a mantissa longer
// than float64 holds. encoding/json parses those exactly; a long digit
// string costs only the slower parse.
func hasLongDigitRun(data []byte) bool {
	run := 0
	for _, c := range data {
		if !isDigit(c) {
			run = 0
			continue
		}
		if run++; run >= 16 {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// hasSurrogateEscape reports whether data holds a \uD800-\uDBFF escape,
// the first half of a UTF-16 surrogate pair, which ojg decodes as two
// U+FFFD instead of the character the pair encodes.
func hasSurrogateEscape(data []byte) bool {
	for i := bytes.Index(data, []byte(`\u`)); i >= 0 && i+3 < len(data); {
		if c, d := data[i+2], data[i+3]; (c == 'd' || c == 'D') && strings.ContainsRune("89abAB", rune(d)) {
			return true
		}
		j := bytes.Index(data[i+2:], []byte(`\u`))
		if j < 0 {
			return false
		}
		i += 2 + j
	}
	return false
}

// parseJSONFast parses valid JSON with a pooled ojg tokenizer. It reports
// false when ojg fails or panics; a tokenizer that panicked is not reused.
func parseJSONFast(data []byte) (v any, ok bool) {
	t := tokenizers.Get().(*oj.Tokenizer)
	defer func() {
		if recover() != nil {
			v, ok = nil, false
			return
		}
		tokenizers.Put(t)
	}()
	var b valueBuilder
	if err := t.Parse(data, &b); err != nil || !b.done {
		return nil, false
	}
	return b.result, true
}

// valueBuilder builds a value from ojg's tokens.
type valueBuilder struct {
	stack  []any    // the open containers: *object or *[]any
	keys   []string // for each open object, the key of the value to come
	result any
	done   bool
}

func (b *valueBuilder) add(v any) {
	if len(b.stack) == 0 {
		b.result, b.done = v, true
		return
	}
	switch top := b.stack[len(b.stack)-1].(type) {
	case *object:
		top.set(b.keys[len(b.keys)-1], v)
	case *[]any:
		*top = append(*top, v)
	}
}

// Null implements oj.TokenHandler.
func (b *valueBuilder) Null() { b.add(nil) }

// Bool implements oj.TokenHandler.
func (b *valueBuilder) Bool(v bool) { b.add(v) }

// Int implements oj.TokenHandler.
func (b *valueBuilder) Int(v int64) { b.add(v) }

// Float implements oj.TokenHandler.
func (b *valueBuilder) Float(v float64) { b.add(v) }

// Number implements oj.TokenHandler: a number that fits neither int64 nor
// float64.
func (b *valueBuilder) Number(v string) { b.add(json.Number(v)) }

// String implements oj.TokenHandler.
func (b *valueBuilder) String(v string) { b.add(v) }

// ObjectStart implements oj.TokenHandler.
func (b *valueBuilder) ObjectStart() {
	b.stack = append(b.stack, newObject(4))
	b.keys = append(b.keys, "")
}

// ObjectEnd implements oj.TokenHandler.
func (b *valueBuilder) ObjectEnd() {
	o := b.stack[len(b.stack)-1]
	b.stack, b.keys = b.stack[:len(b.stack)-1], b.keys[:len(b.keys)-1]
	b.add(o)
}

// Key implements oj.TokenHandler.
func (b *valueBuilder) Key(k string) { b.keys[len(b.keys)-1] = k }

// ArrayStart implements oj.TokenHandler.
func (b *valueBuilder) ArrayStart() { b.stack = append(b.stack, &[]any{}) }

// ArrayEnd implements oj.TokenHandler.
func (b *valueBuilder) ArrayEnd() {
	a := b.stack[len(b.stack)-1].(*[]any)
	b.stack = b.stack[:len(b.stack)-1]
	b.add(*a)
}

// parseJSONStd parses data with encoding/json, which decodes surrogate
// pairs, into the values ojg produces: int64 where an integer fits,
// json.Number where it does not, float64 for the rest; objects keep their
// keys in document order.
func parseJSONStd(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if !json.Valid(data) {
		// For encoding/json's own words about what is wrong.
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
	} else {
		v, err := decodeValue(dec)
		if err != nil {
			return nil, err
		}
		if _, err := dec.Token(); err == io.EOF {
			return v, nil
		}
	}
	return nil, errors.New("unexpected data after the JSON value")
}

// decodeValue reads one value from dec's tokens. The document is valid
// JSON, so it nests at most as deep as encoding/json allows (10,000).
func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tv := tok.(type) {
	case json.Delim:
		if tv == '[' {
			a := []any{}
			for dec.More() {
				e, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, e)
			}
			_, err := dec.Token()
			return a, err
		}
		o := newObject(4)
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			e, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			o.set(k.(string), e)
		}
		_, err := dec.Token()
		return o, err
	case json.Number:
		return fromStdNumber(tv), nil
	}
	return tok, nil
}

func fromStdNumber(n json.Number) any {
	if i, err := n.Int64(); err == nil {
		return i
	}
	if !strings.ContainsAny(string(n), ".eE") {
		return n
	}
	if f, err := n.Float64(); err == nil {
		return f
	}
	return n // beyond float64, as ojg keeps it
}
