package asl

func (c *checker) fail(st *state, obj map[string]any, where string) {
	pair := func(lit, pathField string) (string, *valueSource) {
		_, hasLit := obj[lit]
		pv, hasPath := obj[pathField]
		if hasLit && hasPath {
			c.problem(where, "SCHEMA_VALIDATION_FAILED: Only one of '%s' or '%s' may be set", lit, pathField)
		}
		var s string
		if hasLit {
			var ok bool
			if s, ok = obj[lit].(string); !ok {
				c.problem(where+"/"+lit, "SCHEMA_VALIDATION_FAILED: '%s' must be a string", lit)
			}
		}
		if !hasPath {
			return s, nil
		}
		ps, ok := pv.(string)
		if !ok {
			c.problem(where+"/"+pathField, "SCHEMA_VALIDATION_FAILED: The value for the field '%s' must be a STRING that contains a JSONPath", pathField)
			return s, nil
		}
		if isIntrinsic(ps) {
			call, err := compileIntrinsic(ps)
			if err != nil {
				c.problem(where+"/"+pathField, "SCHEMA_VALIDATION_FAILED: The value for the field '%s' must be a valid JSONPath or intrinsic function call: %v", pathField, err)
				return s, nil
			}
			return s, &valueSource{call: call}
		}
		p := c.reqPath(ps, pathField, where, false)
		if p == nil {
			return s, nil
		}
		return s, &valueSource{path: p}
	}
	st.errorName, st.errorPath = pair("Error", "ErrorPath")
	st.cause, st.causePath = pair("Cause", "CausePath")
}

// valueSource is a path or an intrinsic function call (Fail's ErrorPath and
// CausePath accept both).
type valueSource struct {
	path *path
	call *intrinsicCall
}

func (v *valueSource) get(input any, cx contextSource) (any, *stateError) {
	if v.call != nil {
		return v.call.eval(input, cx)
	}
	out, ok := v.path.get(input, cx)
	if !ok {
		return nil, runtimeError("The JSONPath '%s' could not be found in the input '%s'", v.path.text, truncate(marshalString(input)))
	}
	return out, nil
}

// failState builds the error of a Fail state.
func (r *stateRun) failState(input any) *stateError {
	st := r.st
	name, cause := st.errorName, st.cause
	for _, f := range []struct {
		src *valueSource
		dst *string
		fld string
	}{{st.errorPath, &name, "ErrorPath"}, {st.causePath, &cause, "CausePath"}} {
		if f.src == nil {
			continue
		}
		v, err := f.src.get(input, r.ctx())
		if err != nil {
			return r.fail(err)
		}
		s, ok := v.(string)
		if !ok {
			return r.fail(runtimeError("The %s of the Fail state must resolve to a string, but it resolved to %s", f.fld, typeName(v)))
		}
		*f.dst = s
	}
	return &stateError{Name: name, Cause: cause, located: true}
}
