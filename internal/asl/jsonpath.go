package asl

import (
	"math"
	"time"
)

// jsonPath is the JSONPath query language: paths (paths.go), payload
// templates (template.go), intrinsic functions (intrinsics.go) and Choice
// rules (jsonpath_choice.go).
type jsonPath struct{}

var _ queryLanguage = jsonPath{}

// jsonPathStateFields are the fields of each state type in JSONPath.
var jsonPathStateFields = map[string]map[string]bool{
	typePass: fieldSet("Type", "Comment", "Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "Result"),
	typeTask: fieldSet("Type", "Comment", "Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters",
		"ResultSelector", "Retry", "Catch", "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds",
		"HeartbeatSecondsPath", "Credentials"),
	typeChoice:  fieldSet("Type", "Comment", "InputPath", "OutputPath", "Choices", "Default"),
	typeWait:    fieldSet("Type", "Comment", "Next", "End", "InputPath", "OutputPath", "Seconds", "SecondsPath", "Timestamp", "TimestampPath"),
	typeSucceed: fieldSet("Type", "Comment", "InputPath", "OutputPath"),
	typeFail:    fieldSet("Type", "Comment", "Error", "Cause", "ErrorPath", "CausePath"),
	typeParallel: fieldSet("Type", "Comment", "Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters",
		"ResultSelector", "Retry", "Catch", "Branches"),
	typeMap: fieldSet("Type", "Comment", "Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters",
		"ResultSelector", "Retry", "Catch", "ItemsPath", "ItemSelector", "ItemProcessor", "Iterator", "MaxConcurrency",
		"MaxConcurrencyPath", "Label", "ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailureCount",
		"ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath"),
}

var jsonPathCatcherFields = fieldSet("ErrorEquals", "Next", "ResultPath", "Assign", "Comment")

func (jsonPath) stateFields(typ string) map[string]bool { return jsonPathStateFields[typ] }
func (jsonPath) catcherFields() map[string]bool         { return jsonPathCatcherFields }

// jsonPathIO is a state's InputPath, Parameters, ResultSelector, ResultPath
// and OutputPath, and a Pass state's Result. A nil path means "$" (the
// default); the *Null flags mean the field was JSON null.
type jsonPathIO struct {
	inputPath      *path
	inputNull      bool
	outputPath     *path
	outputNull     bool
	parameters     *template
	resultSelector *template
	resultPath     *path
	resultNull     bool
	result         any
	hasResult      bool
}

func (jsonPath) compileIO(c *checker, typ string, obj map[string]any, where string) dataFlow {
	io := &jsonPathIO{}
	io.inputPath, io.inputNull = c.optPath(obj, "InputPath", where, false)
	io.outputPath, io.outputNull = c.optPath(obj, "OutputPath", where, false)
	switch typ {
	case typePass, typeTask, typeParallel, typeMap:
		io.resultPath, io.resultNull = c.optPath(obj, "ResultPath", where, true)
		if io.resultPath != nil && io.resultPath.context {
			c.problem(where+"/ResultPath", "SCHEMA_VALIDATION_FAILED: 'ResultPath' must not refer to the context object")
		}
		if io.resultPath != nil && io.resultPath.variable != "" {
			c.problem(where+"/ResultPath", "SCHEMA_VALIDATION_FAILED: 'ResultPath' must not refer to a variable")
		}
		if p, ok := obj["Parameters"]; ok {
			io.parameters = c.template(p, where+"/Parameters")
		}
	}
	switch typ {
	case typeTask, typeParallel, typeMap:
		if p, ok := obj["ResultSelector"]; ok {
			io.resultSelector = c.template(p, where+"/ResultSelector")
		}
	case typePass:
		if r, ok := obj["Result"]; ok {
			io.result, io.hasResult = c.order.value(r), true
		}
	}
	return io
}

func (io *jsonPathIO) usesContext() bool {
	for _, p := range []*path{io.inputPath, io.outputPath} {
		if p != nil && p.context {
			return true
		}
	}
	for _, t := range []*template{io.parameters, io.resultSelector} {
		if t != nil && t.context {
			return true
		}
	}
	return false
}

func (io *jsonPathIO) input(raw any, cx contextSource) (eff, args any, err *stateError) {
	if eff, err = applyPath(io.inputPath, io.inputNull, raw, cx); err != nil {
		return nil, nil, err
	}
	args = eff
	if io.parameters != nil {
		if args, err = io.parameters.eval(eff, cx); err != nil {
			return nil, nil, err
		}
	}
	if io.hasResult {
		args = io.result
	}
	return eff, args, nil
}

func (io *jsonPathIO) output(raw, result any, cx contextSource) (any, *stateError) {
	var err *stateError
	if io.resultSelector != nil {
		if result, err = io.resultSelector.eval(result, cx); err != nil {
			return nil, err
		}
	}
	out, err := applyResultPath(raw, result, io.resultPath, io.resultNull)
	if err != nil {
		return nil, err
	}
	return applyPath(io.outputPath, io.outputNull, out, cx)
}

func (io *jsonPathIO) outputMayGrow() bool {
	return io.parameters != nil || io.hasResult || io.resultPath != nil && len(io.resultPath.steps) > 0
}

// jsonPathCatch is a catcher's ResultPath.
type jsonPathCatch struct {
	resultPath *path
	resultNull bool
}

func (jsonPath) compileCatchOutput(c *checker, obj map[string]any, where string) errorFlow {
	ct := &jsonPathCatch{}
	ct.resultPath, ct.resultNull = c.optPath(obj, "ResultPath", where, true)
	return ct
}

func (*jsonPathCatch) usesContext() bool { return false }

func (ct *jsonPathCatch) output(raw, errorOutput any, _ contextSource) (any, *stateError) {
	return applyResultPath(raw, errorOutput, ct.resultPath, ct.resultNull)
}

func (jsonPath) compileCondition(c *checker, rule map[string]any, where string) condition {
	return compileRule(rule, where, true, c)
}

// jsonPathTimeouts are a Task's TimeoutSeconds or TimeoutSecondsPath and
// HeartbeatSeconds or HeartbeatSecondsPath.
type jsonPathTimeouts struct {
	timeoutSeconds   int64
	timeoutSet       bool
	timeoutPath      *path
	heartbeatSeconds int64
	heartbeatSet     bool
}

func (jsonPath) compileTaskTimeouts(c *checker, obj map[string]any, where string) taskTimeouts {
	t := &jsonPathTimeouts{timeoutSeconds: defaultTaskTimeout}
	hasT, hasTP := c.exclusive(obj, where, "TimeoutSeconds", "TimeoutSecondsPath")
	if hasT {
		t.timeoutSeconds, _ = c.intField(obj["TimeoutSeconds"], "TimeoutSeconds", where, 1, defaultTaskTimeout)
		t.timeoutSet = true
	}
	if hasTP {
		t.timeoutPath = c.reqPath(obj["TimeoutSecondsPath"], "TimeoutSecondsPath", where, true)
	}
	hasH, hasHP := c.exclusive(obj, where, "HeartbeatSeconds", "HeartbeatSecondsPath")
	if hasH {
		n, ok := c.intField(obj["HeartbeatSeconds"], "HeartbeatSeconds", where, 1, defaultTaskTimeout)
		if ok && hasT && n >= t.timeoutSeconds {
			c.problem(where+"/HeartbeatSeconds", "SCHEMA_VALIDATION_FAILED: 'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'")
		}
		t.heartbeatSeconds, t.heartbeatSet = n, true
	}
	if hasHP {
		// Compiled for its problems only: heartbeats never fire.
		c.reqPath(obj["HeartbeatSecondsPath"], "HeartbeatSecondsPath", where, true)
	}
	return t
}

func (t *jsonPathTimeouts) usesContext() bool { return t.timeoutPath != nil && t.timeoutPath.context }

func (t *jsonPathTimeouts) timeout(eff any, cx contextSource) (int64, bool, *stateError) {
	if t.timeoutPath == nil {
		return t.timeoutSeconds, t.timeoutSet, nil
	}
	v, ok, err := t.timeoutPath.get(eff, cx)
	if err != nil {
		return 0, true, err
	}
	n, isInt := toInt(v)
	if !ok || !isInt || n < 1 {
		return 0, true, runtimeError("The TimeoutSecondsPath '%s' must point to a positive integer", t.timeoutPath.text)
	}
	return n, true, nil
}

func (t *jsonPathTimeouts) heartbeat(any, contextSource) (int64, bool, *stateError) {
	return t.heartbeatSeconds, t.heartbeatSet, nil
}

// jsonPathWait is a Wait state's Seconds, SecondsPath, Timestamp or
// TimestampPath.
type jsonPathWait struct {
	seconds       int64
	secondsPath   *path
	timestamp     time.Time
	hasTimestamp  bool
	timestampPath *path
}

func (jsonPath) compileWait(c *checker, obj map[string]any, where string) waitTime {
	w := &jsonPathWait{}
	var set []string
	for _, f := range []string{"Seconds", "SecondsPath", "Timestamp", "TimestampPath"} {
		if _, ok := obj[f]; ok {
			set = append(set, f)
		}
	}
	if len(set) != 1 {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: A Wait state must have exactly one of 'Seconds', 'SecondsPath', 'Timestamp' or 'TimestampPath'")
	}
	if v, ok := obj["Seconds"]; ok {
		w.seconds, _ = c.intField(v, "Seconds", where, 0, defaultTaskTimeout)
	}
	if v, ok := obj["SecondsPath"]; ok {
		w.secondsPath = c.reqPath(v, "SecondsPath", where, true)
	}
	if v, ok := obj["Timestamp"]; ok {
		s, _ := v.(string)
		t, ok := parseTimestamp(s)
		if !ok {
			c.problem(where+"/Timestamp", "SCHEMA_VALIDATION_FAILED: 'Timestamp' must be an RFC 3339 timestamp such as 2016-03-14T01:59:00Z")
		}
		w.timestamp, w.hasTimestamp = t, true
	}
	if v, ok := obj["TimestampPath"]; ok {
		w.timestampPath = c.reqPath(v, "TimestampPath", where, true)
	}
	return w
}

func (w *jsonPathWait) usesContext() bool {
	return w.secondsPath != nil && w.secondsPath.context || w.timestampPath != nil && w.timestampPath.context
}

func (w *jsonPathWait) duration(eff any, clock Clock, cx contextSource) (time.Duration, *stateError) {
	switch {
	case w.secondsPath != nil:
		v, err := getDefinite(w.secondsPath, eff, cx)
		if err != nil {
			return 0, err
		}
		n, ok := toInt(v)
		switch {
		case !ok:
			return 0, runtimeError("The SecondsPath parameter cannot be parsed as a long value: %s == %s", w.secondsPath.text, truncate(marshalString(v)))
		case n < 0:
			return 0, runtimeError("The SecondsPath parameter references a negative value: %s == %d", w.secondsPath.text, n)
		}
		return seconds(n), nil
	case w.timestampPath != nil:
		v, err := getDefinite(w.timestampPath, eff, cx)
		if err != nil {
			return 0, err
		}
		s, isString := v.(string)
		t, ok := parseTimestamp(s)
		if !ok {
			raw := s
			if !isString {
				raw = marshalString(v)
			}
			return 0, runtimeError("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: %s == %s", w.timestampPath.text, truncate(raw))
		}
		return t.Sub(clock.Now()), nil
	case w.hasTimestamp:
		return w.timestamp.Sub(clock.Now()), nil
	}
	return time.Duration(w.seconds) * time.Second, nil
}

// jsonPathFail is a Fail state's Error or ErrorPath and Cause or CausePath.
type jsonPathFail struct {
	errorName string
	cause     string
	errorPath *valueSource
	causePath *valueSource
}

func (jsonPath) compileFail(c *checker, obj map[string]any, where string) failReason {
	pair := func(lit, pathField string) (string, *valueSource) {
		hasLit, hasPath := c.exclusive(obj, where, lit, pathField)
		pv := obj[pathField]
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
	f := &jsonPathFail{}
	f.errorName, f.errorPath = pair("Error", "ErrorPath")
	f.cause, f.causePath = pair("Cause", "CausePath")
	return f
}

func (f *jsonPathFail) usesContext() bool {
	return f.errorPath.usesContext() || f.causePath.usesContext()
}

func (f *jsonPathFail) errorAndCause(raw any, cx contextSource) (string, string, *stateError) {
	name, cause := f.errorName, f.cause
	for _, x := range []struct {
		src *valueSource
		dst *string
		fld string
	}{{f.errorPath, &name, "ErrorPath"}, {f.causePath, &cause, "CausePath"}} {
		if x.src == nil {
			continue
		}
		v, err := x.src.get(raw, cx, x.fld)
		if err != nil {
			return "", "", err
		}
		s, ok := v.(string)
		if !ok {
			return "", "", runtimeError("The %s of the Fail state must resolve to a string, but it resolved to %s", x.fld, typeName(v))
		}
		*x.dst = s
	}
	return name, cause, nil
}

// valueSource is a path or an intrinsic function call (Fail's ErrorPath and
// CausePath accept both).
type valueSource struct {
	path *path
	call *intrinsicCall
}

func (v *valueSource) get(input any, cx contextSource, field string) (any, *stateError) {
	if v.call != nil {
		return v.call.eval(input, cx)
	}
	out, ok, err := v.path.get(input, cx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, runtimeError("The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'", v.path.text, field, truncate(marshalString(input)))
	}
	return out, nil
}

func (v *valueSource) usesContext() bool {
	return v != nil && (v.path != nil && v.path.context || v.call != nil && v.call.usesContext())
}

// jsonPathItems is a Map state's ItemsPath and ItemSelector.
type jsonPathItems struct {
	itemsPath    *path
	itemSelector *template
}

func (jsonPath) compileItems(c *checker, obj map[string]any, where string, io dataFlow) mapItems {
	it := &jsonPathItems{}
	if v, ok := obj["ItemsPath"]; ok {
		it.itemsPath = c.reqPath(v, "ItemsPath", where, true)
	}
	hasSel, hasParams := c.exclusive(obj, where, "ItemSelector", "Parameters")
	if hasSel {
		it.itemSelector = c.template(obj["ItemSelector"], where+"/ItemSelector")
	} else if hasParams {
		// In a Map state the older Parameters field is the ItemSelector.
		jio := io.(*jsonPathIO)
		it.itemSelector, jio.parameters = jio.parameters, nil
	}
	return it
}

func (it *jsonPathItems) usesContext() bool {
	return it.itemsPath != nil && it.itemsPath.context || it.itemSelector != nil && it.itemSelector.context
}

func (it *jsonPathItems) items(eff any, cx contextSource) ([]any, *stateError) {
	itemsV := eff
	if it.itemsPath != nil {
		v, err := getDefinite(it.itemsPath, eff, cx)
		if err != nil {
			return nil, err
		}
		itemsV = v
	}
	items, ok := itemsV.([]any)
	if !ok {
		return nil, runtimeError("The Map state's ItemsPath must point to a JSON array, but it points to %s", typeName(itemsV))
	}
	return items, nil
}

func (it *jsonPathItems) hasSelector() bool { return it.itemSelector != nil }

func (it *jsonPathItems) selectItem(eff, item any, cx contextSource) (any, *stateError) {
	if it.itemSelector == nil {
		return item, nil
	}
	return it.itemSelector.eval(eff, cx)
}

// maxConcurrencyRange is the range of a Map state's MaxConcurrency.
var maxConcurrencyRange = numRange{lo: 0, hi: math.MaxInt32, integer: true,
	desc: "a non-negative integer", pathValueDesc: "a valid integer"}

// compileMaxConcurrency compiles MaxConcurrency or MaxConcurrencyPath as a
// limit.
func (jsonPath) compileMaxConcurrency(c *checker, obj map[string]any, where string) concurrency {
	return limitConcurrency{jsonPath{}.compileLimit(c, obj, "MaxConcurrency", where, maxConcurrencyRange)}
}

// optPath compiles an optional path field. null is allowed (nullOK).
func (c *checker) optPath(obj map[string]any, field, where string, reference bool) (*path, bool) {
	v, ok := obj[field]
	if !ok {
		return nil, false
	}
	if v == nil {
		return nil, true
	}
	s, ok := v.(string)
	if !ok {
		c.problem(where+"/"+field, "SCHEMA_VALIDATION_FAILED: The value for the field '%s' must be a STRING that contains a JSONPath", field)
		return nil, false
	}
	p, err := compilePath(s, reference)
	if err != nil {
		c.problem(where+"/"+field, "SCHEMA_VALIDATION_FAILED: The value for the field '%s' must be a valid JSONPath: %v", field, err)
		return nil, false
	}
	return p, false
}

// reqPath compiles a path field that must not be null.
func (c *checker) reqPath(v any, field, where string, reference bool) *path {
	s, ok := v.(string)
	if !ok {
		c.problem(where+"/"+field, "SCHEMA_VALIDATION_FAILED: The value for the field '%s' must be a STRING that contains a JSONPath", field)
		return nil
	}
	p, err := compilePath(s, reference)
	if err != nil {
		c.problem(where+"/"+field, "SCHEMA_VALIDATION_FAILED: The value for the field '%s' must be a valid JSONPath: %v", field, err)
		return nil
	}
	return p
}

func (c *checker) template(v any, where string) *template {
	if _, ok := v.(map[string]any); !ok {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: The value must be an object")
	}
	return compileTemplate(v, where, c)
}
