package asl

import (
	"fmt"
	"strings"
)

// template is a compiled payload template (Parameters, ResultSelector,
// ItemSelector): JSON whose object fields named "x.$" are replaced by the
// value of a path or an intrinsic function call under the name "x".
type template struct {
	static  any // when dynamic is false: the value itself
	dynamic bool
	fields  []templateField // object template
	elems   []*template     // array template
	isArray bool
	context bool // some part reads the context object
}

type templateField struct {
	name  string
	key   string // the name as written, with ".$"
	sub   *template
	path  *path
	call  *intrinsicCall
	value bool // sub is set
}

// compileTemplate compiles v, a part of c's definition, keeping its keys in
// definition order; problems are reported to c with the JSON pointer of the
// bad field.
func compileTemplate(v any, where string, c *checker) *template {
	report := c.problem
	switch tv := v.(type) {
	case map[string]any:
		t := &template{}
		keys := c.order.keys(tv)
		reportDuplicateNames(tv, keys, where, c)
		for _, k := range keys {
			val := tv[k]
			if strings.HasSuffix(k, ".$") {
				f := templateField{name: strings.TrimSuffix(k, ".$"), key: k}
				s, ok := val.(string)
				switch {
				case !ok:
					report(where+"/"+k, "SCHEMA_VALIDATION_FAILED: The value for the field '%s' must be a STRING that contains a JSONPath but was a %s", k, typeName(val))
					continue
				case isIntrinsic(s):
					call, err := compileIntrinsic(s)
					if err != nil {
						report(where+"/"+k, "SCHEMA_VALIDATION_FAILED: The value for the field '%s' must be a valid JSONPath or a valid intrinsic function call: %v", k, err)
						continue
					}
					f.call = call
					t.context = t.context || call.usesContext()
				default:
					p, err := compilePath(s, false)
					if err != nil {
						report(where+"/"+k, "SCHEMA_VALIDATION_FAILED: The value for the field '%s' must be a valid JSONPath or a valid intrinsic function call: %v", k, err)
						continue
					}
					f.path = p
					t.context = t.context || p.context
				}
				t.dynamic = true
				t.fields = append(t.fields, f)
				continue
			}
			sub := compileTemplate(val, where+"/"+k, c)
			t.fields = append(t.fields, templateField{name: k, key: k, sub: sub, value: true})
			t.dynamic = t.dynamic || sub.dynamic
			t.context = t.context || sub.context
		}
		if !t.dynamic {
			return &template{static: c.order.value(v)}
		}
		return t
	case []any:
		t := &template{isArray: true}
		for i, e := range tv {
			sub := compileTemplate(e, fmt.Sprintf("%s[%d]", where, i), c)
			t.elems = append(t.elems, sub)
			t.dynamic = t.dynamic || sub.dynamic
			t.context = t.context || sub.context
		}
		if !t.dynamic {
			return &template{static: c.order.value(v)}
		}
		return t
	default:
		return &template{static: c.order.value(v)}
	}
}

// eval builds the payload from input.
func (t *template) eval(input any, cx contextSource) (any, *stateError) {
	if !t.dynamic {
		return t.static, nil
	}
	return t.evalWithin(input, cx, newIntrinsicBudget())
}

// evalWithin is eval for a template whose intrinsic calls may still return
// b.left bytes together (see intrinsic_bounds.go).
func (t *template) evalWithin(input any, cx contextSource, b *intrinsicBudget) (any, *stateError) {
	if !t.dynamic {
		return t.static, nil
	}
	if t.isArray {
		out := make([]any, len(t.elems))
		for i, e := range t.elems {
			v, err := e.evalWithin(input, cx, b)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	out := newObject(len(t.fields))
	for i := range t.fields {
		f := &t.fields[i]
		switch {
		case f.value:
			v, err := f.sub.evalWithin(input, cx, b)
			if err != nil {
				return nil, err
			}
			out.set(f.name, v)
		case f.call != nil:
			v, err := f.call.evalWithin(input, cx, b)
			if err != nil {
				return nil, err
			}
			out.set(f.name, v)
		default:
			v, ok, err := f.path.get(input, cx)
			if err != nil {
				return nil, err
			}
			if !ok {
				// AWS says "input" for a context path too (recorded).
				return nil, runtimeError("The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'", f.path.text, f.key, truncate(marshalString(input)))
			}
			out.set(f.name, v)
		}
	}
	return out, nil
}

// truncate shortens s for an error cause to at most 2,048 bytes and "...",
// never cutting a UTF-8 sequence in two.
func truncate(s string) string {
	const limit = 2048
	if len(s) <= limit {
		return s
	}
	return Clip(s, limit) + "..."
}

// reportDuplicateNames reports to c every field that the object m of a
// payload template (keys in definition order) names twice, as "x" and
// "x.$": the States Language says an object MUST NOT have duplicate field
// names once ".$" is stripped, and without the check one of the two
// silently won. AWS's own words for it are UNCONFIRMED.
func reportDuplicateNames(m map[string]any, keys []string, where string, c *checker) {
	for _, k := range keys {
		if name, ok := strings.CutSuffix(k, ".$"); ok {
			if _, both := m[name]; both {
				c.problem(where+"/"+k, "SCHEMA_VALIDATION_FAILED: The fields '%s' and '%s' both set the field '%s'; keep one", name, k, name)
			}
		}
	}
}
