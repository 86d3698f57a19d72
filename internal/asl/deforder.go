package asl

import (
	"reflect"
	"unsafe"
)

// keyOrder remembers the key order of the objects of a parsed definition.
// The checker reads a definition as map[string]any, whose order Go does not
// keep; the templates and literals it compiles (Parameters, Result,
// ItemSelector, Arguments, Output, Assign, BatchInput, ...) must still put
// their keys in definition order, as AWS does. Each map is known by its
// identity, which holds while the definition is being checked: the table
// keeps the maps alive.
type keyOrder map[unsafe.Pointer][]string

// parseDefinition parses a definition's JSON text into maps for the
// checker, and their key order.
func parseDefinition(text string) (any, keyOrder, error) {
	v, err := parseJSON([]byte(text))
	if err != nil {
		return nil, nil, err
	}
	ko := keyOrder{}
	return ko.maps(v), ko, nil
}

// maps returns v with every object as a map[string]any, recording the order
// of its keys.
func (ko keyOrder) maps(v any) any {
	switch tv := v.(type) {
	case *object:
		m := make(map[string]any, tv.len())
		for i, k := range tv.keys {
			m[k] = ko.maps(tv.vals[i])
		}
		ko[mapID(m)] = tv.keys
		return m
	case []any:
		return mapArray(tv, ko.maps)
	}
	return v
}

func mapID(m map[string]any) unsafe.Pointer { return reflect.ValueOf(m).UnsafePointer() }

// keys returns the keys of m in definition order; sorted for a map that
// was not parsed from the definition.
func (ko keyOrder) keys(m map[string]any) []string {
	if keys, ok := ko[mapID(m)]; ok && len(keys) == len(m) {
		return keys
	}
	return sortedKeys(m)
}

// value returns a literal of the definition as a value of an execution:
// its objects as *object with their keys in definition order.
func (ko keyOrder) value(v any) any {
	switch tv := v.(type) {
	case map[string]any:
		keys := ko.keys(tv)
		o := newObject(len(keys))
		for _, k := range keys {
			o.set(k, ko.value(tv[k]))
		}
		return o
	case []any:
		return mapArray(tv, ko.value)
	}
	return v
}
