package asl

import (
	"encoding/json"
	"slices"
)

// object is a JSON object that keeps its keys in the order they were added,
// as AWS does (Jackson's LinkedHashMap): an input's keys in input order, a
// template's in definition order, and a key that ResultPath adds last.
// Setting a key that exists replaces its value in place.
//
// Values inside an execution hold objects as *object. A map[string]any is
// still read as an object everywhere (asObject), with its keys in sorted
// order; the history's event details and the context object are built that
// way. Like every value, an object is not changed once shared: set is for
// objects being built; code that changes a shared one clones it first.
type object struct {
	keys  []string
	vals  []any
	index map[string]int // built by get once the object is large
}

// indexFrom is the size from which get looks keys up in an index instead of
// comparing them one by one.
const indexFrom = 16

// newObject returns an empty object with room for n keys.
func newObject(n int) *object {
	return &object{keys: make([]string, 0, n), vals: make([]any, 0, n)}
}

// objectOf builds an object from alternating keys and values.
func objectOf(kv ...any) *object {
	o := newObject(len(kv) / 2)
	for i := 0; i+1 < len(kv); i += 2 {
		o.set(kv[i].(string), kv[i+1])
	}
	return o
}

// len returns the number of keys.
func (o *object) len() int { return len(o.keys) }

// find returns the position of k, or -1.
func (o *object) find(k string) int {
	if o.index != nil {
		if i, ok := o.index[k]; ok {
			return i
		}
		return -1
	}
	if len(o.keys) >= indexFrom {
		o.index = make(map[string]int, len(o.keys))
		for i, key := range o.keys {
			o.index[key] = i
		}
		return o.find(k)
	}
	for i, key := range o.keys {
		if key == k {
			return i
		}
	}
	return -1
}

// get returns the value of k.
func (o *object) get(k string) (any, bool) {
	if i := o.find(k); i >= 0 {
		return o.vals[i], true
	}
	return nil, false
}

// set stores v under k: in place when k exists, last when it does not.
func (o *object) set(k string, v any) {
	if i := o.find(k); i >= 0 {
		o.vals[i] = v
		return
	}
	o.keys = append(o.keys, k)
	o.vals = append(o.vals, v)
	if o.index != nil {
		o.index[k] = len(o.keys) - 1
	}
}

// remove deletes k, keeping the order of the other keys.
func (o *object) remove(k string) {
	i := o.find(k)
	if i < 0 {
		return
	}
	o.keys = slices.Delete(o.keys, i, i+1)
	o.vals = slices.Delete(o.vals, i, i+1)
	o.index = nil
}

// clone returns a shallow copy of o with room for extra more keys.
func (o *object) clone(extra int) *object {
	c := newObject(len(o.keys) + extra)
	c.keys = append(c.keys, o.keys...)
	c.vals = append(c.vals, o.vals...)
	return c
}

// fields returns o's keys and values as a map (one level; the values are
// shared).
func (o *object) fields() map[string]any {
	m := make(map[string]any, len(o.keys))
	for i, k := range o.keys {
		m[k] = o.vals[i]
	}
	return m
}

// ValueForKey implements ojg's jp.Keyed, through which indefinite paths
// read objects in order.
func (o *object) ValueForKey(k string) (any, bool) { return o.get(k) }

// SetValueForKey implements jp.Keyed.
func (o *object) SetValueForKey(k string, v any) { o.set(k, v) }

// RemoveValueForKey implements jp.Keyed.
func (o *object) RemoveValueForKey(k string) { o.remove(k) }

// Keys implements jp.Keyed: the keys in order.
func (o *object) Keys() []string { return o.keys }

// MarshalJSON writes o with its keys in order, so that encoding/json keeps
// the order too.
func (o *object) MarshalJSON() ([]byte, error) { return marshal(o), nil }

// asObject returns v as an object when it is one: an *object as it is, a
// map[string]any as a new object with its keys sorted.
func asObject(v any) (*object, bool) {
	switch tv := v.(type) {
	case *object:
		return tv, true
	case map[string]any:
		keys := sortedKeys(tv)
		o := newObject(len(keys))
		for _, k := range keys {
			o.keys = append(o.keys, k)
			o.vals = append(o.vals, tv[k])
		}
		return o, true
	}
	return nil, false
}

// isObject reports whether v is a JSON object.
func isObject(v any) bool {
	switch v.(type) {
	case *object, map[string]any:
		return true
	}
	return false
}

// field returns the value of key k when v is an object that has it.
func field(v any, k string) (any, bool) {
	switch tv := v.(type) {
	case *object:
		return tv.get(k)
	case map[string]any:
		e, ok := tv[k]
		return e, ok
	}
	return nil, false
}

// plain returns v with every object as a map[string]any (its order lost),
// for code that only reads Go maps: the JSONata evaluator and callers
// outside this package.
func plain(v any) any {
	switch tv := v.(type) {
	case *object:
		m := make(map[string]any, len(tv.keys))
		for i, k := range tv.keys {
			m[k] = plain(tv.vals[i])
		}
		return m
	case map[string]any:
		m := make(map[string]any, len(tv))
		for k, e := range tv {
			m[k] = plain(e)
		}
		return m
	case []any:
		return mapArray(tv, plain)
	}
	return v
}

// mapArray returns a new array of f applied to each element of a.
func mapArray(a []any, f func(any) any) []any {
	out := make([]any, len(a))
	for i, e := range a {
		out[i] = f(e)
	}
	return out
}

var _ json.Marshaler = (*object)(nil)
