package asl

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// defaultTaskTimeout is a Task's TimeoutSeconds when the definition sets none.
const defaultTaskTimeout = 99999999

// maxStateNameLength is the longest state name AWS accepts.
const maxStateNameLength = 80

// maxDefinitionDepth is how deep a definition may nest JSON objects and
// arrays. It is the default limit of Jackson, the JSON parser of AWS's Java
// services (UNCONFIRMED that Step Functions keeps it); it also bounds the
// work of compiling, which keeps a JSON pointer per level.
const maxDefinitionDepth = 1000

// StateMachine is a parsed and validated definition. It is immutable and safe
// for concurrent Runs.
type StateMachine struct {
	startAt        string
	timeoutSeconds int
	states         map[string]*state
	hasTask        bool
}

// StartAt returns the name of the first state.
func (m *StateMachine) StartAt() string { return m.startAt }

// TimeoutSeconds returns the definition's TimeoutSeconds, 0 when unset.
func (m *StateMachine) TimeoutSeconds() int { return m.timeoutSeconds }

// States returns the names of the top-level states, sorted.
func (m *StateMachine) States() []string {
	names := make([]string, 0, len(m.states))
	for n := range m.states {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// state types.
const (
	typePass     = "Pass"
	typeTask     = "Task"
	typeChoice   = "Choice"
	typeWait     = "Wait"
	typeSucceed  = "Succeed"
	typeFail     = "Fail"
	typeParallel = "Parallel"
	typeMap      = "Map"
)

// state is one compiled state.
type state struct {
	name string
	typ  string
	next string
	end  bool

	// Data flow. A nil path means "$" (the default); the *Null flags mean
	// the field was JSON null.
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
	usesContext    bool

	retry []*retrier
	catch []*catcher

	// Task
	resource         string
	resourceType     string
	resourceName     string
	timeoutSeconds   int64
	timeoutSet       bool
	timeoutPath      *path
	heartbeatSeconds int64
	heartbeatSet     bool

	// Choice
	choices     []*rule
	defaultNext string

	// Wait
	waitSeconds   int64
	secondsPath   *path
	timestamp     time.Time
	hasTimestamp  bool
	timestampPath *path

	// Fail
	errorName string
	cause     string
	errorPath *valueSource
	causePath *valueSource

	// Parallel
	branches []*StateMachine

	// Map
	itemsPath          *path
	itemSelector       *template
	iterator           *StateMachine
	maxConcurrency     int
	maxConcurrencyPath *path
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

// retrier is one compiled Retry entry.
type retrier struct {
	errorEquals []string
	interval    float64
	maxAttempts int
	backoffRate float64
	maxDelay    float64 // 0: none
	jitterFull  bool
}

// catcher is one compiled Catch entry.
type catcher struct {
	errorEquals []string
	next        string
	resultPath  *path
	resultNull  bool
}

// checker collects definition problems.
type checker struct {
	problems []string
	// names holds every state name seen so far, in any (sub) state
	// machine: the specification wants them unique in the whole machine.
	names map[string]bool
}

func (c *checker) problem(where, format string, args ...any) {
	if where == "" {
		where = "/"
	}
	c.problems = append(c.problems, fmt.Sprintf(format, args...)+" at "+where)
}

// Parse parses and validates an ASL definition (JSONPath query language). A
// definition that is not valid returns a *DefinitionError listing every
// problem found.
func Parse(definition string) (m *StateMachine, err error) {
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, &DefinitionError{Problems: []string{fmt.Sprintf("SCHEMA_VALIDATION_FAILED: internal error while validating the definition: %v", r)}}
		}
	}()
	if nestedDeeper(definition, maxDefinitionDepth) {
		return nil, &DefinitionError{Problems: []string{fmt.Sprintf(
			"INVALID_JSON_DESCRIPTION: The definition is nested deeper than %d levels of JSON objects and arrays", maxDefinitionDepth)}}
	}
	v, err := parseJSON([]byte(definition))
	if err != nil {
		return nil, &DefinitionError{Problems: []string{"INVALID_JSON_DESCRIPTION: " + err.Error()}}
	}
	c := &checker{}
	root, ok := v.(map[string]any)
	if !ok {
		c.problem("", "SCHEMA_VALIDATION_FAILED: The definition must be a JSON object, not %s", typeName(v))
		return nil, &DefinitionError{Problems: c.problems}
	}
	if ql, ok := root["QueryLanguage"]; ok {
		switch ql {
		case "JSONPath":
		case "JSONata":
			c.problem("/QueryLanguage", "SCHEMA_VALIDATION_FAILED: The query language 'JSONata' is not supported by this endpoint; use 'JSONPath'")
		default:
			c.problem("/QueryLanguage", "SCHEMA_VALIDATION_FAILED: 'QueryLanguage' must be 'JSONPath' or 'JSONata'")
		}
	}
	m = c.machine(root, "", true)
	if len(c.problems) > 0 {
		return nil, &DefinitionError{Problems: c.problems}
	}
	return m, nil
}

// nestedDeeper reports whether the JSON text s nests objects and arrays
// more than limit deep. Brackets inside strings do not count.
func nestedDeeper(s string, limit int) bool {
	depth := 0
	inString := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			if depth++; depth > limit {
				return true
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return false
}

var topFields = fieldSet("Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage")
var branchFields = fieldSet("Comment", "StartAt", "States")
var processorFields = fieldSet("Comment", "StartAt", "States", "ProcessorConfig")

func fieldSet(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// machine compiles a (sub) state machine found at where.
func (c *checker) machine(root map[string]any, where string, top bool) *StateMachine {
	allowed := branchFields
	if top {
		allowed = topFields
	} else if _, ok := root["ProcessorConfig"]; ok {
		allowed = processorFields
	}
	c.unknownFields(root, allowed, where)
	before := len(c.problems)
	m := &StateMachine{states: map[string]*state{}}
	var missing []string
	startAt, hasStart := root["StartAt"]
	if !hasStart {
		missing = append(missing, "StartAt")
	}
	statesV, hasStates := root["States"]
	if !hasStates {
		missing = append(missing, "States")
	}
	if len(missing) > 0 {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [%s]", strings.Join(missing, ", "))
	}
	if hasStart {
		if s, ok := startAt.(string); ok {
			m.startAt = s
		} else {
			c.problem(where+"/StartAt", "SCHEMA_VALIDATION_FAILED: 'StartAt' must be a string")
		}
	}
	if top {
		if ts, ok := root["TimeoutSeconds"]; ok {
			n, ok := toInt(ts)
			if !ok || n <= 0 || n > defaultTaskTimeout {
				c.problem(where+"/TimeoutSeconds", "SCHEMA_VALIDATION_FAILED: 'TimeoutSeconds' must be a positive integer no larger than %d", defaultTaskTimeout)
			} else {
				m.timeoutSeconds = int(n)
			}
		}
		if v, ok := root["Version"]; ok {
			if s, _ := v.(string); s != "1.0" {
				c.problem(where+"/Version", "SCHEMA_VALIDATION_FAILED: 'Version' must be \"1.0\"")
			}
		}
	}
	if pc, ok := root["ProcessorConfig"]; ok && !top {
		pcm, ok := pc.(map[string]any)
		if !ok {
			c.problem(where+"/ProcessorConfig", "SCHEMA_VALIDATION_FAILED: 'ProcessorConfig' must be an object")
		} else {
			c.unknownFields(pcm, fieldSet("Mode", "ExecutionType"), where+"/ProcessorConfig")
			if mode, ok := pcm["Mode"]; ok && mode != "INLINE" {
				if mode == "DISTRIBUTED" {
					c.problem(where+"/ProcessorConfig/Mode", "SCHEMA_VALIDATION_FAILED: Distributed Map (Mode DISTRIBUTED) is not supported by this endpoint; use INLINE")
				} else {
					c.problem(where+"/ProcessorConfig/Mode", "SCHEMA_VALIDATION_FAILED: 'Mode' must be INLINE or DISTRIBUTED")
				}
			}
		}
	}
	if !hasStates {
		return m
	}
	sm, ok := statesV.(map[string]any)
	if !ok {
		c.problem(where+"/States", "SCHEMA_VALIDATION_FAILED: 'States' must be an object")
		return m
	}
	if len(sm) == 0 {
		c.problem(where+"/States", "SCHEMA_VALIDATION_FAILED: 'States' must contain at least one state")
	}
	names := make([]string, 0, len(sm))
	for n := range sm {
		names = append(names, n)
	}
	sort.Strings(names)
	if c.names == nil {
		c.names = map[string]bool{}
	}
	for _, name := range names {
		sw := where + "/States/" + name
		if name == "" || utf8.RuneCountInString(name) > maxStateNameLength {
			c.problem(sw, "SCHEMA_VALIDATION_FAILED: State names must be 1 to %d characters long", maxStateNameLength)
		}
		if c.names[name] {
			c.problem(sw, "DUPLICATE_STATE_NAME: Duplicate State name: %s", name)
		}
		c.names[name] = true
		obj, ok := sm[name].(map[string]any)
		if !ok {
			c.problem(sw, "SCHEMA_VALIDATION_FAILED: A state must be an object")
			continue
		}
		st := c.state(name, obj, sw)
		if st != nil {
			m.states[name] = st
			if st.typ == typeTask {
				m.hasTask = true
			}
			for _, b := range st.branches {
				m.hasTask = m.hasTask || b.hasTask
			}
			if st.iterator != nil {
				m.hasTask = m.hasTask || st.iterator.hasTask
			}
		}
	}
	if m.startAt != "" {
		if _, ok := sm[m.startAt]; !ok {
			c.problem(where+"/StartAt", "MISSING_TRANSITION_TARGET: Missing 'StartAt' target: %s", m.startAt)
		}
	}
	// Transitions.
	for _, name := range names {
		st := m.states[name]
		if st == nil {
			continue
		}
		sw := where + "/States/" + name
		check := func(target, at, field string) {
			if _, ok := sm[target]; !ok {
				c.problem(at, "MISSING_TRANSITION_TARGET: Missing '%s' target: %s", field, target)
			}
		}
		if st.next != "" {
			check(st.next, sw+"/Next", "Next")
		}
		if st.defaultNext != "" {
			check(st.defaultNext, sw+"/Default", "Default")
		}
		for i, r := range st.choices {
			if r.next != "" {
				check(r.next, fmt.Sprintf("%s/Choices[%d]/Next", sw, i), "Next")
			}
		}
		for i, ct := range st.catch {
			if ct.next != "" {
				check(ct.next, fmt.Sprintf("%s/Catch[%d]/Next", sw, i), "Next")
			}
		}
	}
	// Reported only for an otherwise sound machine, as it is what remains
	// wrong once every state is well formed.
	if len(c.problems) == before && !m.hasTerminal() {
		c.problem(where, "MISSING_END_STATE: Workflow has no terminal state")
	}
	return m
}

// hasTerminal reports whether some state of m (not of its branches) ends
// it: a Succeed or Fail state, or one with "End": true.
func (m *StateMachine) hasTerminal() bool {
	for _, st := range m.states {
		if st.end || st.typ == typeSucceed || st.typ == typeFail {
			return true
		}
	}
	return false
}

func (c *checker) unknownFields(obj map[string]any, allowed map[string]bool, where string) {
	var bad []string
	for k := range obj {
		if !allowed[k] {
			bad = append(bad, k)
		}
	}
	sort.Strings(bad)
	for _, k := range bad {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: The field '%s' is not supported by Step Functions", k)
	}
}

var stateFields = map[string]map[string]bool{
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
		"MaxConcurrencyPath", "Label"),
}

// unsupportedMapFields are Distributed Map fields, rejected with a clear
// message rather than ignored.
var unsupportedMapFields = []string{"ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailureCount",
	"ToleratedFailurePercentage", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath"}

// state compiles one state.
func (c *checker) state(name string, obj map[string]any, where string) *state {
	st := &state{name: name}
	tv, ok := obj["Type"]
	if !ok {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [Type]")
		return nil
	}
	typ, _ := tv.(string)
	allowed, ok := stateFields[typ]
	if !ok {
		c.problem(where+"/Type", "SCHEMA_VALIDATION_FAILED: %s is not a valid state type (want Pass, Task, Choice, Wait, Succeed, Fail, Parallel or Map)", marshalString(tv))
		return nil
	}
	st.typ = typ
	if typ == typeMap {
		for _, f := range unsupportedMapFields {
			if _, ok := obj[f]; ok {
				c.problem(where, "SCHEMA_VALIDATION_FAILED: The field '%s' belongs to Distributed Map, which this endpoint does not support", f)
			}
		}
		allowed = mergeSets(allowed, unsupportedMapFields)
	}
	if _, ok := obj["Assign"]; ok {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: The field 'Assign' (variables) is not supported by this endpoint")
		allowed = mergeSets(allowed, []string{"Assign"})
	}
	c.unknownFields(obj, allowed, where)

	// Next / End.
	terminal := typ == typeChoice || typ == typeSucceed || typ == typeFail
	next, hasNext := obj["Next"]
	end, hasEnd := obj["End"]
	if !terminal {
		if hasNext {
			if s, ok := next.(string); ok && s != "" {
				st.next = s
			} else {
				c.problem(where+"/Next", "SCHEMA_VALIDATION_FAILED: 'Next' must be a non-empty string")
			}
		}
		if hasEnd {
			if b, ok := end.(bool); ok {
				st.end = b
			} else {
				c.problem(where+"/End", "SCHEMA_VALIDATION_FAILED: 'End' must be a boolean")
			}
		}
		switch {
		case hasNext && st.end:
			c.problem(where, "SCHEMA_VALIDATION_FAILED: Only one of 'Next' or 'End' may be set")
		case !hasNext && !st.end:
			c.problem(where, "SCHEMA_VALIDATION_FAILED: One of 'Next' or 'End' is required; 'End' must be true when there is no 'Next'")
		}
	}

	// Data flow fields.
	if typ != typeFail {
		st.inputPath, st.inputNull = c.optPath(obj, "InputPath", where, false)
		st.outputPath, st.outputNull = c.optPath(obj, "OutputPath", where, false)
	}
	switch typ {
	case typePass, typeTask, typeParallel, typeMap:
		st.resultPath, st.resultNull = c.optPath(obj, "ResultPath", where, true)
		if st.resultPath != nil && st.resultPath.context {
			c.problem(where+"/ResultPath", "SCHEMA_VALIDATION_FAILED: 'ResultPath' must not refer to the context object")
		}
		if p, ok := obj["Parameters"]; ok {
			st.parameters = c.template(p, where+"/Parameters")
		}
	}
	if typ == typeTask || typ == typeParallel || typ == typeMap {
		if p, ok := obj["ResultSelector"]; ok {
			st.resultSelector = c.template(p, where+"/ResultSelector")
		}
		st.retry = c.retry(obj["Retry"], where+"/Retry")
		st.catch = c.catch(obj["Catch"], where+"/Catch")
	}

	switch typ {
	case typePass:
		if r, ok := obj["Result"]; ok {
			st.result, st.hasResult = r, true
		}
	case typeTask:
		c.task(st, obj, where)
	case typeChoice:
		c.choice(st, obj, where)
	case typeWait:
		c.wait(st, obj, where)
	case typeFail:
		c.fail(st, obj, where)
	case typeParallel:
		bv, ok := obj["Branches"]
		list, isList := bv.([]any)
		switch {
		case !ok:
			c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [Branches]")
		case !isList || len(list) == 0:
			c.problem(where+"/Branches", "SCHEMA_VALIDATION_FAILED: 'Branches' must be a non-empty array")
		default:
			for i, b := range list {
				bw := fmt.Sprintf("%s/Branches[%d]", where, i)
				bm, ok := b.(map[string]any)
				if !ok {
					c.problem(bw, "SCHEMA_VALIDATION_FAILED: A branch must be an object")
					continue
				}
				st.branches = append(st.branches, c.machine(bm, bw, false))
			}
		}
	case typeMap:
		c.mapState(st, obj, where)
	}
	st.usesContext = st.computeUsesContext()
	return st
}

func mergeSets(a map[string]bool, extra []string) map[string]bool {
	m := make(map[string]bool, len(a)+len(extra))
	for k := range a {
		m[k] = true
	}
	for _, k := range extra {
		m[k] = true
	}
	return m
}

func (st *state) computeUsesContext() bool {
	for _, p := range []*path{st.inputPath, st.outputPath, st.timeoutPath, st.secondsPath, st.timestampPath, st.itemsPath, st.maxConcurrencyPath} {
		if p != nil && p.context {
			return true
		}
	}
	for _, t := range []*template{st.parameters, st.resultSelector, st.itemSelector} {
		if t != nil && t.context {
			return true
		}
	}
	for _, r := range st.choices {
		if r.usesContext() {
			return true
		}
	}
	for _, v := range []*valueSource{st.errorPath, st.causePath} {
		if v != nil && (v.path != nil && v.path.context || v.call != nil && v.call.usesContext()) {
			return true
		}
	}
	return false
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
	return compileTemplate(v, where, c.problem)
}

func (c *checker) errorEquals(obj map[string]any, where string) []string {
	v, ok := obj["ErrorEquals"]
	if !ok {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [ErrorEquals]")
		return nil
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		c.problem(where+"/ErrorEquals", "SCHEMA_VALIDATION_FAILED: 'ErrorEquals' must be a non-empty array of strings")
		return nil
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			c.problem(where+"/ErrorEquals", "SCHEMA_VALIDATION_FAILED: 'ErrorEquals' must be a non-empty array of strings")
			return nil
		}
		out = append(out, s)
	}
	for _, s := range out {
		if s == ErrALL && len(out) > 1 {
			c.problem(where+"/ErrorEquals", "SCHEMA_VALIDATION_FAILED: 'States.ALL' must appear alone in 'ErrorEquals'")
		}
	}
	return out
}

// checkALLLast enforces that a retrier or catcher with States.ALL is last.
func (c *checker) checkALLLast(lists [][]string, where string) {
	for i, l := range lists {
		for _, s := range l {
			if s == ErrALL && i != len(lists)-1 {
				c.problem(fmt.Sprintf("%s[%d]/ErrorEquals", where, i), "SCHEMA_VALIDATION_FAILED: A retrier or catcher with 'States.ALL' must be the last one")
			}
		}
	}
}

// rules compiles the array v of retriers or catchers found at where (the
// state's field named field): each element must be an object (what names
// one in problems) with only the allowed fields and an ErrorEquals; compile
// reads the rest of it. A rule with States.ALL must come last.
func (c *checker) rules(v any, where, field, what string, allowed map[string]bool, compile func(obj map[string]any, w string, errorEquals []string)) {
	if v == nil {
		return
	}
	list, ok := v.([]any)
	if !ok {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: '%s' must be an array", field)
		return
	}
	var lists [][]string
	for i, e := range list {
		w := fmt.Sprintf("%s[%d]", where, i)
		obj, ok := e.(map[string]any)
		if !ok {
			c.problem(w, "SCHEMA_VALIDATION_FAILED: A %s must be an object", what)
			continue
		}
		c.unknownFields(obj, allowed, w)
		errorEquals := c.errorEquals(obj, w)
		lists = append(lists, errorEquals)
		compile(obj, w, errorEquals)
	}
	c.checkALLLast(lists, where)
}

var (
	retrierFields = fieldSet("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment")
	catcherFields = fieldSet("ErrorEquals", "Next", "ResultPath", "Comment")
)

func (c *checker) retry(v any, where string) []*retrier {
	var out []*retrier
	c.rules(v, where, "Retry", "retrier", retrierFields, func(obj map[string]any, w string, errorEquals []string) {
		r := &retrier{errorEquals: errorEquals, interval: 1, maxAttempts: 3, backoffRate: 2}
		if x, ok := obj["IntervalSeconds"]; ok {
			n, ok := toInt(x)
			if !ok || n < 1 || n > defaultTaskTimeout {
				c.problem(w+"/IntervalSeconds", "SCHEMA_VALIDATION_FAILED: 'IntervalSeconds' must be an integer from 1 to %d", defaultTaskTimeout)
			}
			r.interval = float64(n)
		}
		if x, ok := obj["MaxAttempts"]; ok {
			n, ok := toInt(x)
			if !ok || n < 0 || n > math.MaxInt32 {
				c.problem(w+"/MaxAttempts", "SCHEMA_VALIDATION_FAILED: 'MaxAttempts' must be a non-negative integer")
			}
			r.maxAttempts = int(n)
		}
		if x, ok := obj["BackoffRate"]; ok {
			f, ok := toFloat(x)
			if !ok || f < 1 {
				c.problem(w+"/BackoffRate", "SCHEMA_VALIDATION_FAILED: 'BackoffRate' must be a number greater than or equal to 1.0")
			}
			r.backoffRate = f
		}
		if x, ok := obj["MaxDelaySeconds"]; ok {
			n, ok := toInt(x)
			if !ok || n < 1 || n > 31622400 {
				c.problem(w+"/MaxDelaySeconds", "SCHEMA_VALIDATION_FAILED: 'MaxDelaySeconds' must be an integer from 1 to 31622400")
			}
			r.maxDelay = float64(n)
		}
		if x, ok := obj["JitterStrategy"]; ok {
			switch x {
			case "FULL":
				r.jitterFull = true
			case "NONE":
			default:
				c.problem(w+"/JitterStrategy", "SCHEMA_VALIDATION_FAILED: 'JitterStrategy' must be FULL or NONE")
			}
		}
		out = append(out, r)
	})
	return out
}

func (c *checker) catch(v any, where string) []*catcher {
	var out []*catcher
	c.rules(v, where, "Catch", "catcher", catcherFields, func(obj map[string]any, w string, errorEquals []string) {
		ct := &catcher{errorEquals: errorEquals}
		if n, ok := obj["Next"].(string); ok && n != "" {
			ct.next = n
		} else {
			c.problem(w, "SCHEMA_VALIDATION_FAILED: These fields are required: [Next]")
		}
		ct.resultPath, ct.resultNull = c.optPath(obj, "ResultPath", w, true)
		out = append(out, ct)
	})
	return out
}

func (c *checker) task(st *state, obj map[string]any, where string) {
	res, ok := obj["Resource"].(string)
	if !ok || res == "" {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [Resource]")
	}
	st.resource = res
	st.resourceType, st.resourceName = splitResource(res)
	st.timeoutSeconds = defaultTaskTimeout
	_, hasT := obj["TimeoutSeconds"]
	_, hasTP := obj["TimeoutSecondsPath"]
	if hasT && hasTP {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: Only one of 'TimeoutSeconds' or 'TimeoutSecondsPath' may be set")
	}
	if hasT {
		n, ok := toInt(obj["TimeoutSeconds"])
		if !ok || n < 1 || n > defaultTaskTimeout {
			c.problem(where+"/TimeoutSeconds", "SCHEMA_VALIDATION_FAILED: 'TimeoutSeconds' must be an integer from 1 to %d", defaultTaskTimeout)
		}
		st.timeoutSeconds, st.timeoutSet = n, true
	}
	if hasTP {
		st.timeoutPath = c.reqPath(obj["TimeoutSecondsPath"], "TimeoutSecondsPath", where, true)
	}
	_, hasH := obj["HeartbeatSeconds"]
	_, hasHP := obj["HeartbeatSecondsPath"]
	if hasH && hasHP {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: Only one of 'HeartbeatSeconds' or 'HeartbeatSecondsPath' may be set")
	}
	if hasH {
		n, ok := toInt(obj["HeartbeatSeconds"])
		if !ok || n < 1 || n > defaultTaskTimeout {
			c.problem(where+"/HeartbeatSeconds", "SCHEMA_VALIDATION_FAILED: 'HeartbeatSeconds' must be an integer from 1 to %d", defaultTaskTimeout)
		} else if hasT && n >= st.timeoutSeconds {
			c.problem(where+"/HeartbeatSeconds", "SCHEMA_VALIDATION_FAILED: 'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'")
		}
		st.heartbeatSeconds, st.heartbeatSet = n, true
	}
	if hasHP {
		c.reqPath(obj["HeartbeatSecondsPath"], "HeartbeatSecondsPath", where, true)
	}
}

// splitResource splits a Task's Resource into the resourceType and resource
// reported in history events:
//   - arn:aws:states:::lambda:invoke        -> "lambda", "invoke"
//   - arn:aws:states:::glue:startJobRun.sync -> "glue", "startJobRun.sync"
//   - arn:aws:lambda:<region>:<account>:function:Name[:alias] -> "lambda", "Name"
//   - arn:aws:states:<region>:<account>:activity:Name -> "activity", "Name"
//   - any other ARN -> its service, the whole ARN
//   - anything else -> "task", the resource as written
func splitResource(res string) (resourceType, resource string) {
	parts := strings.SplitN(res, ":", 7)
	if len(parts) < 6 || parts[0] != "arn" {
		return "task", res
	}
	service, region := parts[2], parts[3]
	switch {
	case service == "states" && region == "" && len(parts) >= 6:
		rest := strings.Join(parts[5:], ":")
		if i := strings.IndexByte(rest, ':'); i >= 0 {
			return rest[:i], rest[i+1:]
		}
		return rest, rest
	case service == "lambda" && len(parts) == 7 && parts[5] == "function":
		name := parts[6]
		if i := strings.IndexByte(name, ':'); i >= 0 {
			name = name[:i]
		}
		return "lambda", name
	case service == "states" && len(parts) == 7 && parts[5] == "activity":
		return "activity", parts[6]
	}
	return service, res
}

func (c *checker) choice(st *state, obj map[string]any, where string) {
	v, ok := obj["Choices"]
	list, isList := v.([]any)
	switch {
	case !ok:
		c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [Choices]")
	case !isList || len(list) == 0:
		c.problem(where+"/Choices", "SCHEMA_VALIDATION_FAILED: 'Choices' must be a non-empty array")
	default:
		for i, e := range list {
			w := fmt.Sprintf("%s/Choices[%d]", where, i)
			em, ok := e.(map[string]any)
			if !ok {
				c.problem(w, "SCHEMA_VALIDATION_FAILED: A choice rule must be an object")
				continue
			}
			st.choices = append(st.choices, compileRule(em, w, true, c))
		}
	}
	if d, ok := obj["Default"]; ok {
		if s, ok := d.(string); ok && s != "" {
			st.defaultNext = s
		} else {
			c.problem(where+"/Default", "SCHEMA_VALIDATION_FAILED: 'Default' must be a non-empty string")
		}
	}
}

func (c *checker) wait(st *state, obj map[string]any, where string) {
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
		n, ok := toInt(v)
		if !ok || n < 0 || n > defaultTaskTimeout {
			c.problem(where+"/Seconds", "SCHEMA_VALIDATION_FAILED: 'Seconds' must be an integer from 0 to %d", defaultTaskTimeout)
		}
		st.waitSeconds = n
	}
	if v, ok := obj["SecondsPath"]; ok {
		st.secondsPath = c.reqPath(v, "SecondsPath", where, true)
	}
	if v, ok := obj["Timestamp"]; ok {
		s, _ := v.(string)
		t, ok := parseTimestamp(s)
		if !ok {
			c.problem(where+"/Timestamp", "SCHEMA_VALIDATION_FAILED: 'Timestamp' must be an RFC 3339 timestamp such as 2016-03-14T01:59:00Z")
		}
		st.timestamp, st.hasTimestamp = t, true
	}
	if v, ok := obj["TimestampPath"]; ok {
		st.timestampPath = c.reqPath(v, "TimestampPath", where, true)
	}
}

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

func (c *checker) mapState(st *state, obj map[string]any, where string) {
	if v, ok := obj["ItemsPath"]; ok {
		st.itemsPath = c.reqPath(v, "ItemsPath", where, true)
	}
	_, hasSel := obj["ItemSelector"]
	_, hasParams := obj["Parameters"]
	if hasSel && hasParams {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: Only one of 'ItemSelector' or 'Parameters' may be set")
	}
	if hasSel {
		st.itemSelector = c.template(obj["ItemSelector"], where+"/ItemSelector")
	} else if hasParams {
		// In a Map state the older Parameters field is the ItemSelector.
		st.itemSelector, st.parameters = st.parameters, nil
	}
	pv, hasProc := obj["ItemProcessor"]
	iv, hasIter := obj["Iterator"]
	field := "ItemProcessor"
	switch {
	case hasProc && hasIter:
		c.problem(where, "SCHEMA_VALIDATION_FAILED: Only one of 'ItemProcessor' or 'Iterator' may be set")
	case !hasProc && !hasIter:
		c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [ItemProcessor]")
	case hasIter:
		pv, field = iv, "Iterator"
	}
	if pv != nil {
		pm, ok := pv.(map[string]any)
		if !ok {
			c.problem(where+"/"+field, "SCHEMA_VALIDATION_FAILED: '%s' must be an object", field)
		} else {
			st.iterator = c.machine(pm, where+"/"+field, false)
		}
	}
	_, hasMC := obj["MaxConcurrency"]
	_, hasMCP := obj["MaxConcurrencyPath"]
	if hasMC && hasMCP {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: Only one of 'MaxConcurrency' or 'MaxConcurrencyPath' may be set")
	}
	if hasMC {
		n, ok := toInt(obj["MaxConcurrency"])
		if !ok || n < 0 || n > math.MaxInt32 {
			c.problem(where+"/MaxConcurrency", "SCHEMA_VALIDATION_FAILED: 'MaxConcurrency' must be a non-negative integer")
		}
		st.maxConcurrency = int(n)
	}
	if hasMCP {
		st.maxConcurrencyPath = c.reqPath(obj["MaxConcurrencyPath"], "MaxConcurrencyPath", where, true)
	}
}
