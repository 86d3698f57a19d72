package asl

import (
	"errors"
	"math"
	"strings"
	"time"
)

// ErrQueryEvaluation is a JSONata expression that failed: it threw, ran
// too long, returned nothing or a value of the wrong type.
const ErrQueryEvaluation = "States.QueryEvaluationError"

// jsonataLang is the JSONata query language: every field is a JSON value
// whose strings may be {% expressions %} (jsonataTemplate), evaluated by
// jsonataEngine with $states bound to the state's input, result, error
// output and context.
type jsonataLang struct{}

var _ queryLanguage = jsonataLang{}

// jsonataStateFields are the fields of each state type in JSONata.
var jsonataStateFields = map[string]map[string]bool{
	typePass: fieldSet("Type", "Comment", "Next", "End", "Output"),
	typeTask: fieldSet("Type", "Comment", "Next", "End", "Output", "Arguments", "Retry", "Catch", "Resource",
		"TimeoutSeconds", "HeartbeatSeconds", "Credentials"),
	typeChoice:   fieldSet("Type", "Comment", "Output", "Choices", "Default"),
	typeWait:     fieldSet("Type", "Comment", "Next", "End", "Output", "Seconds", "Timestamp"),
	typeSucceed:  fieldSet("Type", "Comment", "Output"),
	typeFail:     fieldSet("Type", "Comment", "Error", "Cause"),
	typeParallel: fieldSet("Type", "Comment", "Next", "End", "Output", "Arguments", "Retry", "Catch", "Branches"),
	typeMap: fieldSet("Type", "Comment", "Next", "End", "Output", "Retry", "Catch", "Items", "ItemSelector",
		"ItemProcessor", "Iterator", "MaxConcurrency", "Label", "ItemReader", "ItemBatcher", "ResultWriter",
		"ToleratedFailureCount", "ToleratedFailurePercentage",
		// refused by compileLimit with a message naming the JSONata form
		"ToleratedFailureCountPath", "ToleratedFailurePercentagePath"),
}

var jsonataCatcherFields = fieldSet("ErrorEquals", "Next", "Output", "Assign", "Comment")

func (jsonataLang) stateFields(typ string) map[string]bool { return jsonataStateFields[typ] }
func (jsonataLang) catcherFields() map[string]bool         { return jsonataCatcherFields }

// jsonataTemplate is a field's JSON value with its {% %} strings compiled.
// Exactly one of expr, obj, arr is set, or none for a literal.
type jsonataTemplate struct {
	field   string // for errors: "Output/result"
	src     string // the expression, without {% %}
	expr    compiledExpr
	obj     []jsonataField
	arr     []*jsonataTemplate
	literal any
	context bool // some expression reads $states.context or the clock
	clock   bool // the expression calls $now or $millis
}

// jsonataField is one member of an object template, in definition order.
type jsonataField struct {
	name string
	sub  *jsonataTemplate
}

// compileTemplate compiles the field value v found at where; field names
// it in runtime errors.
func (c *checker) jsonataTemplate(v any, field, where string) *jsonataTemplate {
	t := &jsonataTemplate{field: field, literal: c.order.value(v)}
	switch tv := v.(type) {
	case string:
		src, ok := jsonataSource(tv)
		if !ok {
			return t
		}
		e, err := jsonataEngine.compile(src)
		if err != nil {
			c.problem(where, "SCHEMA_VALIDATION_FAILED: The value for the field '%s' must be a valid JSONata expression: %v", field, err)
			return t
		}
		t.src, t.expr = src, e
		for _, name := range e.variables() {
			t.clock = t.clock || name == "now" || name == "millis"
		}
		// The clock, like the context object, needs the state's run as
		// the contextSource.
		t.context = strings.Contains(src, "$states") && strings.Contains(src, "context") || t.clock
	case map[string]any:
		t.obj = make([]jsonataField, 0, len(tv))
		for _, k := range c.order.keys(tv) {
			sub := c.jsonataTemplate(tv[k], field+"/"+k, where+"/"+k)
			t.obj = append(t.obj, jsonataField{name: k, sub: sub})
			t.context = t.context || sub.context
		}
	case []any:
		t.arr = make([]*jsonataTemplate, len(tv))
		for i, e := range tv {
			sub := c.jsonataTemplate(e, field+"/"+itoa(i), where+"/"+itoa(i))
			t.arr[i] = sub
			t.context = t.context || sub.context
		}
	}
	return t
}

func itoa(i int) string { return string(appendJSON(nil, int64(i))) }

// jsonataSource returns the expression of a {% ... %} string.
func jsonataSource(s string) (string, bool) {
	if len(s) < 4 || !strings.HasPrefix(s, "{%") || !strings.HasSuffix(s, "%}") {
		return "", false
	}
	return strings.TrimSpace(s[2 : len(s)-2]), true
}

// eval evaluates the template.
func (t *jsonataTemplate) eval(sv statesVars, cx contextSource) (any, *stateError) {
	if t == nil {
		return nil, nil
	}
	switch {
	case t.expr != nil:
		states := map[string]any{"input": sv.input}
		if sv.hasResult {
			states["result"] = sv.result
		}
		if sv.hasErrorOutput {
			states["errorOutput"] = sv.errorOutput
		}
		if t.context {
			states["context"] = cx.contextObject()
		}
		vars := map[string]any{"states": states}
		if c, ok := cx.(clockSource); ok && t.clock {
			vars[evalTimeKey] = c.clockNow()
		}
		for _, name := range t.expr.variables() {
			if v, ok := cx.variable(name); ok {
				vars[name] = v
			}
		}
		v, err := t.expr.eval(nil, vars, jsonataTimeout)
		if err != nil {
			return nil, t.evalError(err)
		}
		return v, nil
	case t.obj != nil:
		out := newObject(len(t.obj))
		for _, f := range t.obj {
			v, err := f.sub.eval(sv, cx)
			if err != nil {
				return nil, err
			}
			out.set(f.name, v)
		}
		return out, nil
	case t.arr != nil:
		out := make([]any, len(t.arr))
		for i, sub := range t.arr {
			v, err := sub.eval(sv, cx)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	return t.literal, nil
}

// clockSource is a contextSource that knows the execution's clock, which
// $now and $millis read.
type clockSource interface{ clockNow() time.Time }

func (r *stateRun) clockNow() time.Time { return r.th.ex.clock.Now() }

// evalError is the error of an evaluation, in AWS's words.
func (t *jsonataTemplate) evalError(err error) *stateError {
	switch {
	case errors.Is(err, errUndefined):
		return newError(ErrQueryEvaluation, "The JSONata expression '%s' specified for the field '%s' returned nothing (undefined).", t.src, t.field)
	case errors.Is(err, errUnsupportedResult):
		return newError(ErrQueryEvaluation, "The JSONata expression '%s' specified for the field '%s' returned an unsupported result type.", t.src, t.field)
	case errors.Is(err, errEvalTimeout):
		return newError(ErrQueryEvaluation, "The JSONata expression '%s' specified for the field '%s' took longer than %s to evaluate.", t.src, t.field, jsonataTimeout)
	}
	return newError(ErrQueryEvaluation, "An error occurred while evaluating the JSONata expression '%s' specified for the field '%s': %v", t.src, t.field, err)
}

// typeError is the error of an expression whose result is not of the type
// the field needs.
func (t *jsonataTemplate) typeError(want string, got any) *stateError {
	if t.expr == nil {
		return newError(ErrQueryEvaluation, "The field '%s' must be of type '%s', but was '%s' for value: %s", t.field, want, typeName(got), truncate(marshalString(got)))
	}
	return newError(ErrQueryEvaluation, "The JSONata expression '%s' specified for the field '%s' returned an unexpected result type. Expected '%s', but was '%s' for value: %s",
		t.src, t.field, want, typeName(got), truncate(marshalString(got)))
}

func (t *jsonataTemplate) usesContext() bool { return t != nil && t.context }

// optTemplate compiles obj's field when it is present.
func (c *checker) optTemplate(obj map[string]any, field, where string) *jsonataTemplate {
	v, ok := obj[field]
	if !ok {
		return nil
	}
	return c.jsonataTemplate(v, field, where+"/"+field)
}

// jsonataIO is a state's Arguments and Output.
type jsonataIO struct {
	arguments *jsonataTemplate
	outputT   *jsonataTemplate
}

func (jsonataLang) compileIO(c *checker, typ string, obj map[string]any, where string) dataFlow {
	return &jsonataIO{arguments: c.optTemplate(obj, "Arguments", where), outputT: c.optTemplate(obj, "Output", where)}
}

func (io *jsonataIO) usesContext() bool {
	return io.arguments.usesContext() || io.outputT.usesContext()
}

func (io *jsonataIO) input(raw any, cx contextSource) (eff, args any, err *stateError) {
	if io.arguments == nil {
		return raw, raw, nil
	}
	args, err = io.arguments.eval(statesVars{input: raw}, cx)
	return raw, args, err
}

func (io *jsonataIO) output(raw, result any, cx contextSource) (any, *stateError) {
	if io.outputT == nil {
		return result, nil
	}
	return io.outputT.eval(statesVars{input: raw, result: result, hasResult: true}, cx)
}

func (io *jsonataIO) outputMayGrow() bool { return io.outputT != nil }

// jsonataCatch is a catcher's Output.
type jsonataCatch struct{ outputT *jsonataTemplate }

func (jsonataLang) compileCatchOutput(c *checker, obj map[string]any, where string) errorFlow {
	return &jsonataCatch{outputT: c.optTemplate(obj, "Output", where)}
}

func (ct *jsonataCatch) usesContext() bool { return ct.outputT.usesContext() }

func (ct *jsonataCatch) output(raw, errorOutput any, cx contextSource) (any, *stateError) {
	if ct.outputT == nil {
		return errorOutput, nil
	}
	return ct.outputT.eval(statesVars{input: raw, errorOutput: errorOutput, hasErrorOutput: true}, cx)
}

// jsonataCondition is a Choice rule's Condition and Output.
type jsonataCondition struct{ cond, out *jsonataTemplate }

func (jsonataLang) compileCondition(c *checker, rule map[string]any, where string) condition {
	c.unknownFields(rule, fieldSet("Condition", "Next", "Assign", "Output", "Comment"), where)
	v, ok := rule["Condition"]
	if !ok {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [Condition]")
	}
	return &jsonataCondition{cond: c.jsonataTemplate(v, "Condition", where+"/Condition"), out: c.optTemplate(rule, "Output", where)}
}

func (jc *jsonataCondition) usesContext() bool { return jc.cond.usesContext() || jc.out.usesContext() }

func (jc *jsonataCondition) output(raw any, cx contextSource) (any, bool, *stateError) {
	if jc.out == nil {
		return nil, false, nil
	}
	v, err := jc.out.eval(statesVars{input: raw}, cx)
	return v, true, err
}

func (jc *jsonataCondition) eval(eff any, cx contextSource) (bool, *stateError) {
	v, err := jc.cond.eval(statesVars{input: eff}, cx)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, jc.cond.typeError("boolean", v)
	}
	return b, nil
}

// jsonataNumber is a number field written as a number or an expression,
// whose value must lie in rng.
type jsonataNumber struct {
	t       *jsonataTemplate
	literal float64
	rng     numRange
}

// intTemplate compiles obj's integer field, checking a literal against
// lo..hi at once; nil when obj has no such field.
func (c *checker) intTemplate(obj map[string]any, field, where string, lo, hi int64) *jsonataNumber {
	t := c.optTemplate(obj, field, where)
	if t == nil {
		return nil
	}
	ji := &jsonataNumber{t: t, rng: numRange{lo: float64(lo), hi: float64(hi), integer: true}}
	if t.expr == nil {
		n, _ := c.intField(obj[field], field, where, lo, hi)
		ji.literal = float64(n)
	}
	return ji
}

func (l *jsonataNumber) usesContext() bool { return l != nil && l.t.usesContext() }

// value returns the number and whether the definition set the field; a
// nil l is a field it did not set.
func (l *jsonataNumber) value(eff any, cx contextSource) (float64, bool, *stateError) {
	switch {
	case l == nil || l.t == nil:
		return 0, false, nil
	case l.t.expr == nil:
		return l.literal, true, nil
	}
	v, err := l.t.eval(statesVars{input: eff}, cx)
	if err != nil {
		return 0, true, err
	}
	n, ok := l.rng.contains(v)
	if !ok {
		want := "number"
		if l.rng.integer {
			want = "integer"
		}
		return 0, true, l.t.typeError(want, v)
	}
	return n, true, nil
}

// intValue is value for a field intTemplate compiled.
func (l *jsonataNumber) intValue(eff any, cx contextSource) (int64, *stateError) {
	n, _, err := l.value(eff, cx)
	return int64(n), err
}

// jsonataTimeouts are a Task's TimeoutSeconds and HeartbeatSeconds.
type jsonataTimeouts struct{ timeoutT, heartbeatT *jsonataNumber }

func (jsonataLang) compileTaskTimeouts(c *checker, obj map[string]any, where string) taskTimeouts {
	return &jsonataTimeouts{
		timeoutT:   c.intTemplate(obj, "TimeoutSeconds", where, 1, defaultTaskTimeout),
		heartbeatT: c.intTemplate(obj, "HeartbeatSeconds", where, 1, defaultTaskTimeout),
	}
}

func (t *jsonataTimeouts) usesContext() bool {
	return t.timeoutT.usesContext() || t.heartbeatT.usesContext()
}

func (t *jsonataTimeouts) timeout(eff any, cx contextSource) (int64, bool, *stateError) {
	if t.timeoutT == nil {
		return defaultTaskTimeout, false, nil
	}
	n, err := t.timeoutT.intValue(eff, cx)
	return n, true, err
}

func (t *jsonataTimeouts) heartbeat(eff any, cx contextSource) (int64, bool, *stateError) {
	if t.heartbeatT == nil {
		return 0, false, nil
	}
	n, err := t.heartbeatT.intValue(eff, cx)
	return n, true, err
}

// jsonataWait is a Wait state's Seconds or Timestamp.
type jsonataWait struct {
	seconds   *jsonataNumber
	timestamp *jsonataTemplate
}

func (jsonataLang) compileWait(c *checker, obj map[string]any, where string) waitTime {
	w := &jsonataWait{
		seconds:   c.intTemplate(obj, "Seconds", where, 0, defaultTaskTimeout),
		timestamp: c.optTemplate(obj, "Timestamp", where),
	}
	if (w.seconds == nil) == (w.timestamp == nil) {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: A Wait state must have exactly one of 'Seconds' or 'Timestamp'")
	}
	if w.timestamp != nil && w.timestamp.expr == nil {
		if s, _ := w.timestamp.literal.(string); !validTimestamp(s) {
			c.problem(where+"/Timestamp", "SCHEMA_VALIDATION_FAILED: 'Timestamp' must be an RFC 3339 timestamp such as 2016-03-14T01:59:00Z")
		}
	}
	return w
}

func validTimestamp(s string) bool {
	_, ok := parseTimestamp(s)
	return ok
}

func (w *jsonataWait) usesContext() bool { return w.seconds.usesContext() || w.timestamp.usesContext() }

func (w *jsonataWait) duration(eff any, clock Clock, cx contextSource) (time.Duration, *stateError) {
	if w.seconds != nil {
		n, err := w.seconds.intValue(eff, cx)
		return seconds(n), err
	}
	v, err := w.timestamp.eval(statesVars{input: eff}, cx)
	if err != nil {
		return 0, err
	}
	s, _ := v.(string)
	t, ok := parseTimestamp(s)
	if !ok {
		return 0, w.timestamp.typeError("timestamp", v)
	}
	return t.Sub(clock.Now()), nil
}

// jsonataFail is a Fail state's Error and Cause.
type jsonataFail struct{ errorName, cause *jsonataTemplate }

func (jsonataLang) compileFail(c *checker, obj map[string]any, where string) failReason {
	f := &jsonataFail{errorName: c.optTemplate(obj, "Error", where), cause: c.optTemplate(obj, "Cause", where)}
	for _, t := range []*jsonataTemplate{f.errorName, f.cause} {
		if t != nil && t.expr == nil {
			if _, ok := t.literal.(string); !ok {
				c.problem(where+"/"+t.field, "SCHEMA_VALIDATION_FAILED: '%s' must be a string", t.field)
			}
		}
	}
	return f
}

func (f *jsonataFail) usesContext() bool { return f.errorName.usesContext() || f.cause.usesContext() }

func (f *jsonataFail) errorAndCause(raw any, cx contextSource) (string, string, *stateError) {
	var out [2]string
	for i, t := range []*jsonataTemplate{f.errorName, f.cause} {
		if t == nil {
			continue
		}
		v, err := t.eval(statesVars{input: raw}, cx)
		if err != nil {
			return "", "", err
		}
		s, ok := v.(string)
		if !ok {
			return "", "", t.typeError("string", v)
		}
		out[i] = s
	}
	return out[0], out[1], nil
}

// jsonataItems is a Map state's Items and ItemSelector.
type jsonataItems struct{ itemsT, selector *jsonataTemplate }

func (jsonataLang) compileItems(c *checker, obj map[string]any, where string, _ dataFlow) mapItems {
	it := &jsonataItems{itemsT: c.optTemplate(obj, "Items", where), selector: c.optTemplate(obj, "ItemSelector", where)}
	if it.itemsT != nil && it.itemsT.expr == nil {
		if _, ok := it.itemsT.literal.([]any); !ok {
			c.problem(where+"/Items", "SCHEMA_VALIDATION_FAILED: 'Items' must be an array or a JSONata expression")
		}
	}
	return it
}

func (it *jsonataItems) usesContext() bool {
	return it.itemsT.usesContext() || it.selector.usesContext()
}

func (it *jsonataItems) items(eff any, cx contextSource) ([]any, *stateError) {
	if it.itemsT == nil {
		a, ok := eff.([]any)
		if !ok {
			return nil, newError(ErrQueryEvaluation, "Map state input must be an array but was: %s", truncate(marshalString(eff)))
		}
		return a, nil
	}
	v, err := it.itemsT.eval(statesVars{input: eff}, cx)
	if err != nil {
		return nil, err
	}
	a, ok := v.([]any)
	if !ok {
		return nil, it.itemsT.typeError("array", v)
	}
	return a, nil
}

func (it *jsonataItems) hasSelector() bool { return it.selector != nil }

func (it *jsonataItems) selectItem(eff, item any, cx contextSource) (any, *stateError) {
	if it.selector == nil {
		return item, nil
	}
	return it.selector.eval(statesVars{input: eff}, cx)
}

// compileMaxConcurrency compiles MaxConcurrency as a number field.
func (jsonataLang) compileMaxConcurrency(c *checker, obj map[string]any, where string) concurrency {
	return limitConcurrency{c.intTemplate(obj, "MaxConcurrency", where, 0, math.MaxInt32)}
}
