package awsjson

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// DecodeError is a request body that [Decode] refused, with a message a
// service may answer as it is, usually as its SerializationException: a
// value of the wrong kind is told by JSON kinds, never Go types; a body that
// is not JSON by encoding/json's syntax error (or the error of a field's own
// UnmarshalJSON).
type DecodeError struct {
	// Member is the dotted path on the wire of the member whose value is of
	// the wrong JSON kind ("nextToken", "tags.key"), empty when the body as
	// a whole is refused.
	Member string
	// Reason says what is wrong ("cannot use a JSON string as a number").
	Reason string
}

// Error returns Reason, after "member <Member>: " when Member is set.
func (e *DecodeError) Error() string {
	if e.Member == "" {
		return e.Reason
	}
	return "member " + e.Member + ": " + e.Reason
}

// Decode decodes body, a request of the AWS JSON protocol, into v, a pointer
// to the operation's input struct. An empty (or all white space) body counts
// as {}; any other must be exactly one JSON object, with nothing but white
// space after it. A body of null is refused like any other non-object:
// AWS's JSON services answer it with a SerializationException (as
// DynamoDB did to rusoto's DescribeLimits with a null body,
// rusoto/rusoto#702), although encoding/json would decode it as nothing. Members v has no field for are ignored, as AWS ignores
// them. Every failure is a *DecodeError. Its Member is the path on the wire:
// the members of an embedded struct stand in the enclosing object, so the
// embedded struct's name, which encoding/json puts in its path, is left out.
func Decode(body []byte, v any) error {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil
	}
	if string(body) == "null" {
		return &DecodeError{Reason: "request body must be a JSON object, not null"}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case !errors.As(err, &te):
			return &DecodeError{Reason: "request body is not a valid JSON object: " + err.Error()}
		case te.Field == "": // the body itself is no object; te.Type would name a Go type
			return &DecodeError{Reason: "request body must be a JSON object, not " + kind(te.Value)}
		}
		return &DecodeError{Member: wirePath(reflect.TypeOf(v), te.Field), Reason: mismatch(te)}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &DecodeError{Reason: "request body has data after the JSON object"}
	}
	return nil
}

// kind names the JSON kind of an UnmarshalTypeError's Value ("string",
// "number", "bool", ...), with "boolean" for "bool".
func kind(value string) string {
	if value == "bool" {
		return "boolean"
	}
	return value
}

// mismatch says why te's value does not fit its field.
func mismatch(te *json.UnmarshalTypeError) string {
	if number, ok := strings.CutPrefix(te.Value, "number "); ok { // a number out of range, or a fraction for an integer
		return fmt.Sprintf("cannot use the JSON number %s as %s", number, numberRange(te.Type))
	}
	return fmt.Sprintf("cannot use a JSON %s as %s", kind(te.Value), want(te.Type))
}

// textUnmarshaler is the interface of a type decoded from a JSON string.
var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// want names the JSON kind a value of Go type t decodes from.
func want(t reflect.Type) string {
	t = indirect(t)
	switch {
	case reflect.PointerTo(t).Implements(textUnmarshaler):
		return "a string"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return "a base64 string"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	default:
		return "a number"
	}
}

// numberRange names the numbers a value of Go number type t holds.
func numberRange(t reflect.Type) string {
	t = indirect(t)
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		lo := int64(-1) << (t.Bits() - 1)
		return fmt.Sprintf("an integer from %d to %d", lo, -(lo + 1))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return fmt.Sprintf("an integer from 0 to %d", ^uint64(0)>>(64-t.Bits()))
	default:
		return "a number in range"
	}
}

// wirePath returns field, the path encoding/json gives a member of a value
// of type t, as it stands on the wire: without the names of the embedded
// structs on the way, whose members stand in the enclosing object.
// encoding/json leaves array indexes and map keys out of its paths, so an
// array, slice or map is crossed to its element without a name.
func wirePath(t reflect.Type, field string) string {
	var path []string
	for name := range strings.SplitSeq(field, ".") {
		t = indirect(t)
		for t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map) {
			t = indirect(t.Elem())
		}
		f, embedded := member(t, name)
		if !embedded {
			path = append(path, name)
		}
		t = f
	}
	return strings.Join(path, ".")
}

// member finds name in struct type t, as encoding/json names a field in a
// path: the type of its field, and whether that field is an embedded struct
// whose members stand in t's object. The type is nil when t is no struct or
// has no such field.
func member(t reflect.Type, name string) (reflect.Type, bool) {
	if t == nil || t.Kind() != reflect.Struct {
		return nil, false
	}
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case tag == "" && f.Name == name:
			return f.Type, f.Anonymous && indirect(f.Type).Kind() == reflect.Struct
		case tag == name:
			return f.Type, false
		}
	}
	return nil, false
}

// indirect returns the type a chain of pointers to t ends at; nil for nil.
func indirect(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}
