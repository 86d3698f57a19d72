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

// toJSONata converts a JSON value for the library: null becomes the
// library's null and json.Number a float64. Values without either are
// returned as they are.
func toJSONata(v any) any {
	if !needsConversion(v) {
		return v
	}
	switch tv := v.(type) {
	case nil:
		return null
	case json.Number:
		f, _ := tv.Float64()
		return f
	case map[string]any:
		m := make(map[string]any, len(tv))
		for k, e := range tv {
			m[k] = toJSONata(e)
		}
		return m
	case []any:
		a := make([]any, len(tv))
		for i, e := range tv {
			a[i] = toJSONata(e)
		}
		return a
	}
	return v
}

func needsConversion(v any) bool {
	switch tv := v.(type) {
	case nil, json.Number:
		return true
	case map[string]any:
		for _, e := range tv {
			if needsConversion(e) {
				return true
			}
		}
	case []any:
		for _, e := range tv {
			if needsConversion(e) {
				return true
			}
		}
	}
	return false
}

// fromJSONata converts a result of the library to a JSON value.
func fromJSONata(v any) (any, error) {
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
		return fromJSONata(*tv)
	case map[string]any:
		m := make(map[string]any, len(tv))
		for k, e := range tv {
			c, err := fromJSONata(e)
			if err != nil {
				return nil, err
			}
			m[k] = c
		}
		return m, nil
	case []any:
		a := make([]any, len(tv))
		for i, e := range tv {
			c, err := fromJSONata(e)
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
		return fromJSONata(float64(rv.Uint()))
	case reflect.Float32:
		return fromJSONata(rv.Float())
	case reflect.String:
		return rv.String(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Slice, reflect.Array:
		a := make([]any, rv.Len())
		for i := range a {
			c, err := fromJSONata(rv.Index(i).Interface())
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
			c, err := fromJSONata(it.Value().Interface())
			if err != nil {
				return nil, err
			}
			m[it.Key().String()] = c
		}
		return m, nil
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil, nil
		}
		return fromJSONata(rv.Elem().Interface())
	}
	return nil, errUnsupportedResult
}
