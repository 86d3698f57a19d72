package asl

import (
	"encoding/json"
	"math"
	"reflect"

	"github.com/xiatechs/jsonata-go/jtypes"
)

// Conversions between this package's JSON values (value.go) and the JSONata
// library's.

// null is how the library represents JSON null; a nil interface is
// undefined to it.
var null *any

// toJSONata converts a JSON value for the library: objects become Go maps,
// whose key order ko records (when ko is not nil) so that fromJSONata can
// restore it; null becomes the library's null and json.Number a float64.
// Values that need none of this are returned as they are.
func (ko keyOrder) toJSONata(v any) any {
	if !needsConversion(v) {
		return v
	}
	switch tv := v.(type) {
	case nil:
		return null
	case json.Number:
		f, _ := tv.Float64()
		return f
	case *object:
		m := make(map[string]any, tv.len())
		for i, k := range tv.keys {
			m[k] = ko.toJSONata(tv.vals[i])
		}
		if ko != nil {
			ko[mapID(m)] = tv.keys
		}
		return m
	case map[string]any:
		m := make(map[string]any, len(tv))
		for k, e := range tv {
			m[k] = ko.toJSONata(e)
		}
		return m
	case []any:
		return mapArray(tv, ko.toJSONata)
	}
	return v
}

// needsConversion reports whether v is or holds a value the library
// cannot take as it is: a null, a json.Number or an ordered object.
func needsConversion(v any) bool {
	return anyInTree(v, func(v any) bool {
		switch v.(type) {
		case nil, json.Number, *object:
			return true
		}
		return false
	})
}

// anyInTree reports whether is holds for v or for a value v holds, at any
// depth of its objects and arrays.
func anyInTree(v any, is func(any) bool) bool {
	if is(v) {
		return true
	}
	switch tv := v.(type) {
	case *object:
		for _, e := range tv.vals {
			if anyInTree(e, is) {
				return true
			}
		}
	case map[string]any:
		for _, e := range tv {
			if anyInTree(e, is) {
				return true
			}
		}
	case []any:
		for _, e := range tv {
			if anyInTree(e, is) {
				return true
			}
		}
	}
	return false
}

// fromJSONata converts a result of the library to a JSON value. An object
// that toJSONata made for ko keeps the order it had; one the library built
// has its keys sorted (the library builds Go maps, which keep no order).
func (ko keyOrder) fromJSONata(v any) (any, error) {
	switch tv := v.(type) {
	case nil, string, bool, int64:
		return tv, nil
	case float64:
		if math.IsNaN(tv) || math.IsInf(tv, 0) {
			return nil, errUnsupportedResult
		}
		return tv, nil
	case *any:
		if tv == nil {
			return nil, nil
		}
		return ko.fromJSONata(*tv)
	case map[string]any:
		keys := ko.keys(tv)
		o := newObject(len(keys))
		for _, k := range keys {
			c, err := ko.fromJSONata(tv[k])
			if err != nil {
				return nil, err
			}
			o.set(k, c)
		}
		return o, nil
	case []any:
		a := make([]any, len(tv))
		for i, e := range tv {
			c, err := ko.fromJSONata(e)
			if err != nil {
				return nil, err
			}
			a[i] = c
		}
		return a, nil
	}
	rv := reflect.ValueOf(v)
	if _, ok := v.(jtypes.Callable); ok {
		return nil, errUnsupportedResult
	}
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return ko.fromJSONata(float64(rv.Uint()))
	case reflect.Float32:
		return ko.fromJSONata(rv.Float())
	case reflect.String:
		return rv.String(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Slice, reflect.Array:
		a := make([]any, rv.Len())
		for i := range a {
			c, err := ko.fromJSONata(rv.Index(i).Interface())
			if err != nil {
				return nil, err
			}
			a[i] = c
		}
		return a, nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return nil, errUnsupportedResult
		}
		m := make(map[string]any, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			m[it.Key().String()] = it.Value().Interface()
		}
		return ko.fromJSONata(m)
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil, nil
		}
		return ko.fromJSONata(rv.Elem().Interface())
	}
	return nil, errUnsupportedResult
}
