package asl

// The Distributed Map fields that each query language writes its own way:
// the payload of the ItemReader's and ResultWriter's S3 calls (Parameters
// or Arguments) and the number fields that JSONPath may read from the input
// (MaxItemsPath, ToleratedFailureCountPath, ToleratedFailurePercentagePath)
// and JSONata may compute ({% %}).

// jsonPathArgs is an ItemReader's or ResultWriter's Parameters.
type jsonPathArgs struct{ params *template }

func (jsonPath) compileResourceArgs(c *checker, obj map[string]any, where string) resourceArgs {
	a := &jsonPathArgs{}
	if _, ok := obj["Arguments"]; ok {
		c.problem(where+"/Arguments", "SCHEMA_VALIDATION_FAILED: The field 'Arguments' is not supported in JSONPath; use 'Parameters'")
	}
	if v, ok := obj["Parameters"]; ok {
		a.params = c.template(v, where+"/Parameters")
	}
	return a
}

func (a *jsonPathArgs) usesContext() bool { return a.params != nil && a.params.context }

func (a *jsonPathArgs) args(eff any, cx contextSource) (any, *stateError) {
	if a.params == nil {
		return nil, nil
	}
	return a.params.eval(eff, cx)
}

// jsonataArgs is an ItemReader's or ResultWriter's Arguments.
type jsonataArgs struct{ t *jsonataTemplate }

func (jsonataLang) compileResourceArgs(c *checker, obj map[string]any, where string) resourceArgs {
	if _, ok := obj["Parameters"]; ok {
		c.problem(where+"/Parameters", "SCHEMA_VALIDATION_FAILED: The field 'Parameters' is not supported in JSONata; use 'Arguments'")
	}
	return &jsonataArgs{t: c.optTemplate(obj, "Arguments", where)}
}

func (a *jsonataArgs) usesContext() bool { return a.t.usesContext() }

func (a *jsonataArgs) args(eff any, cx contextSource) (any, *stateError) {
	return a.t.eval(statesVars{input: eff}, cx)
}

// jsonPathLimit is a number field written as a number, or read from the
// input by the field named field+"Path".
type jsonPathLimit struct {
	field   string
	literal float64
	set     bool
	path    *path
	rng     numRange
}

func (jsonPath) compileLimit(c *checker, obj map[string]any, field, where string, rng numRange) limit {
	l := &jsonPathLimit{field: field, rng: rng}
	hasLit, hasPath := c.exclusive(obj, where, field, field+"Path")
	if hasLit {
		n, ok := rng.contains(obj[field])
		if !ok {
			c.problem(where+"/"+field, "SCHEMA_VALIDATION_FAILED: '%s' must be %s", field, rng.desc)
		}
		l.literal, l.set = n, true
	}
	if hasPath {
		l.path = c.reqPath(obj[field+"Path"], field+"Path", where, true)
		l.set = true
	}
	return l
}

func (l *jsonPathLimit) usesContext() bool { return l.path != nil && l.path.context }

func (l *jsonPathLimit) value(eff any, cx contextSource) (float64, bool, *stateError) {
	if l.path == nil {
		return l.literal, l.set, nil
	}
	v, err := getDefinite(l.path, eff, cx)
	if err != nil {
		return 0, true, err
	}
	n, ok := l.rng.contains(v)
	if !ok {
		raw, isString := v.(string)
		if !isString {
			raw = marshalString(v)
		}
		return 0, true, runtimeError("The %sPath field refers to value \"%s\" which is not %s: %s", l.field, truncate(raw), l.rng.pathDesc(), l.path.text)
	}
	return n, true, nil
}

func (jsonataLang) compileLimit(c *checker, obj map[string]any, field, where string, rng numRange) limit {
	if _, has := obj[field+"Path"]; has {
		c.problem(where+"/"+field+"Path", "SCHEMA_VALIDATION_FAILED: The field '%sPath' is not supported in JSONata; write '%s' as a JSONata expression", field, field)
	}
	l := &jsonataNumber{t: c.optTemplate(obj, field, where), rng: rng}
	if l.t != nil && l.t.expr == nil {
		n, ok := rng.contains(obj[field])
		if !ok {
			c.problem(where+"/"+field, "SCHEMA_VALIDATION_FAILED: '%s' must be %s or a JSONata expression", field, rng.desc)
		}
		l.literal = n
	}
	return l
}
