package asl

import (
	"fmt"
	"sort"
	"strings"
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
	// distributed is set on the ItemProcessor of a Distributed Map
	// (ProcessorConfig Mode DISTRIBUTED), with its ExecutionType.
	distributed   bool
	executionType string
}

// StartAt returns the name of the first state.
func (m *StateMachine) StartAt() string { return m.startAt }

// TimeoutSeconds returns the definition's TimeoutSeconds, 0 when unset.
func (m *StateMachine) TimeoutSeconds() int { return m.timeoutSeconds }

// States returns the names of the top-level states, sorted.
func (m *StateMachine) States() []string {
	names := sortedKeys(m.states)
	return names
}

// checker collects definition problems.
type checker struct {
	problems []string
	// names holds every state name seen so far, in any (sub) state
	// machine: the specification wants them unique in the whole machine.
	names map[string]bool
	// lang is the query language of the state being compiled; topLang
	// the machine's, which every state has unless it names its own.
	lang, topLang queryLanguage
	// legacyIterator is set while the next machine compiled is a Map
	// state's Iterator (see machine).
	legacyIterator bool
	// order is the key order of the definition's objects, for the
	// templates and literals compiled from them.
	order keyOrder
}

func (c *checker) problem(where, format string, args ...any) {
	if where == "" {
		where = "/"
	}
	c.problems = append(c.problems, clipProblem(fmt.Sprintf(format, args...))+" at "+clipProblem(where))
}

// maxProblemText is the longest a problem's text, or its location, may be:
// they may quote the definition, which may be 1 MB long.
const maxProblemText = 1000

// clipProblem shortens s to maxProblemText bytes (on a character
// boundary), marking the cut with "...".
func clipProblem(s string) string {
	if len(s) <= maxProblemText {
		return s
	}
	return Clip(s, maxProblemText) + "..."
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
	v, order, err := parseDefinition(definition)
	if err != nil {
		return nil, &DefinitionError{Problems: []string{"INVALID_JSON_DESCRIPTION: " + err.Error()}}
	}
	c := &checker{lang: languages["JSONPath"], order: order}
	root, ok := v.(map[string]any)
	if !ok {
		c.problem("", "SCHEMA_VALIDATION_FAILED: The definition must be a JSON object, not %s", typeName(v))
		return nil, &DefinitionError{Problems: c.problems}
	}
	if ql, ok := root["QueryLanguage"]; ok {
		name, _ := ql.(string)
		if lang, known := languages[name]; known {
			c.lang = lang
		} else {
			c.problem("/QueryLanguage", "SCHEMA_VALIDATION_FAILED: 'QueryLanguage' must be 'JSONPath' or 'JSONata'")
		}
	}
	c.topLang = c.lang
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
	legacyIterator := c.legacyIterator
	c.legacyIterator = false
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
	distributed := false
	if pc, ok := root["ProcessorConfig"]; ok && !top {
		if pcm, ok := c.object(pc, "ProcessorConfig", where+"/ProcessorConfig"); ok {
			c.unknownFields(pcm, fieldSet("Mode", "ExecutionType"), where+"/ProcessorConfig")
			if mode, ok := pcm["Mode"]; ok && mode != "INLINE" {
				switch {
				case mode == "DISTRIBUTED" && legacyIterator:
					// AWS runs the older Iterator form over the
					// state's own items like an inline Map
					// (recorded); so does this package.
				case mode == "DISTRIBUTED":
					distributed = true
				default:
					c.problem(where+"/ProcessorConfig/Mode", "SCHEMA_VALIDATION_FAILED: 'Mode' must be INLINE or DISTRIBUTED")
				}
			}
		}
	}
	if distributed {
		m.distributed = true
		switch et := root["ProcessorConfig"].(map[string]any)["ExecutionType"]; et {
		case "STANDARD", "EXPRESS":
			m.executionType = et.(string)
		case nil:
			c.problem(where+"/ProcessorConfig", "SCHEMA_VALIDATION_FAILED: These fields are required: [ExecutionType] when 'Mode' is DISTRIBUTED")
		default:
			c.problem(where+"/ProcessorConfig/ExecutionType", "SCHEMA_VALIDATION_FAILED: 'ExecutionType' must be STANDARD or EXPRESS")
		}
	}
	if !hasStates {
		return m
	}
	sm, ok := c.object(statesV, "States", where+"/States")
	if !ok {
		return m
	}
	if len(sm) == 0 {
		c.problem(where+"/States", "SCHEMA_VALIDATION_FAILED: 'States' must contain at least one state")
	}
	names := sortedKeys(sm)
	saved := c.lang
	defer func() { c.lang = saved }()
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
			if st.parallel != nil {
				for _, b := range st.parallel.branches {
					m.hasTask = m.hasTask || b.hasTask
				}
			}
			if st.mapState != nil && st.mapState.processor != nil {
				m.hasTask = m.hasTask || st.mapState.processor.hasTask || st.mapState.distributed.callsS3()
			}
		}
	}
	if m.startAt != "" {
		if _, ok := sm[m.startAt]; !ok {
			// AWS says 'Next' here too (recorded InvalidDefinition answers).
			c.problem(where+"/StartAt", "MISSING_TRANSITION_TARGET: Missing 'Next' target: %s", m.startAt)
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
		if ch := st.choice; ch != nil {
			if ch.defaultNext != "" {
				check(ch.defaultNext, sw+"/Default", "Default")
			}
			for i, r := range ch.rules {
				if r.next != "" {
					check(r.next, fmt.Sprintf("%s/Choices[%d]/Next", sw, i), "Next")
				}
			}
		}
		for i, ct := range st.catch {
			if ct.next != "" {
				check(ct.next, fmt.Sprintf("%s/Catch[%d]/Next", sw, i), "Next")
			}
		}
	}
	// A state that nothing names (StartAt, a Next, a Default or a
	// catcher's Next) is refused, as AWS refuses it (recorded
	// InvalidDefinition messages): AWS checks that each state is named,
	// not that it can be reached from StartAt, so a state named only by an
	// unnamed one passes. Whether a state that names only itself passes is
	// UNCONFIRMED; here it does.
	targets := map[string]bool{m.startAt: true}
	for _, st := range m.states {
		targets[st.next] = true
		if ch := st.choice; ch != nil {
			targets[ch.defaultNext] = true
			for _, r := range ch.rules {
				targets[r.next] = true
			}
		}
		for _, ct := range st.catch {
			targets[ct.next] = true
		}
	}
	for _, name := range names {
		if m.states[name] != nil && !targets[name] {
			c.problem(where+"/States/"+name, "MISSING_TRANSITION_TARGET: State \"%s\" is not reachable.", name)
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

// exclusive reports which of the fields a and b obj has, with a problem
// when it has both.
func (c *checker) exclusive(obj map[string]any, where, a, b string) (hasA, hasB bool) {
	_, hasA = obj[a]
	_, hasB = obj[b]
	if hasA && hasB {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: Only one of '%s' or '%s' may be set", a, b)
	}
	return hasA, hasB
}

// intField reads v, the value of the integer field named field of the
// object at where, with a problem unless it is an integer from lo to hi.
// ok is false after a problem.
func (c *checker) intField(v any, field, where string, lo, hi int64) (n int64, ok bool) {
	n, ok = toInt(v)
	if !ok || n < lo || n > hi {
		c.problem(where+"/"+field, "SCHEMA_VALIDATION_FAILED: '%s' must be an integer from %d to %d", field, lo, hi)
		return n, false
	}
	return n, true
}

// object returns v as an object, or records the problem that the field
// named field, found at where, must be one.
func (c *checker) object(v any, field, where string) (map[string]any, bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: '%s' must be an object", field)
	}
	return obj, ok
}

// objectList reads the field of obj that must be a non-empty array of
// objects (Choices, Branches) and calls each with every element and its
// JSON pointer; what names an element in problems.
func (c *checker) objectList(obj map[string]any, field, what, where string, each func(elem map[string]any, w string)) {
	v, ok := obj[field]
	list, isList := v.([]any)
	switch {
	case !ok:
		c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [%s]", field)
	case !isList || len(list) == 0:
		c.problem(where+"/"+field, "SCHEMA_VALIDATION_FAILED: '%s' must be a non-empty array", field)
	default:
		for i, e := range list {
			w := fmt.Sprintf("%s/%s[%d]", where, field, i)
			m, ok := e.(map[string]any)
			if !ok {
				c.problem(w, "SCHEMA_VALIDATION_FAILED: A %s must be an object", what)
				continue
			}
			each(m, w)
		}
	}
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

// state compiles one state.
func (c *checker) state(name string, obj map[string]any, where string) *state {
	st := &state{name: name}
	tv, ok := obj["Type"]
	if !ok {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [Type]")
		return nil
	}
	typ, _ := tv.(string)
	c.lang = c.topLang
	if ql, ok := obj["QueryLanguage"]; ok {
		name, _ := ql.(string)
		switch lang, known := languages[name]; {
		case !known:
			c.problem(where+"/QueryLanguage", "SCHEMA_VALIDATION_FAILED: 'QueryLanguage' must be 'JSONPath' or 'JSONata'")
		case c.topLang == languages["JSONata"] && name == "JSONPath":
			c.problem(where+"/QueryLanguage", "SCHEMA_VALIDATION_FAILED: A state cannot use the JSONPath query language when the state machine's QueryLanguage is JSONata")
		default:
			c.lang = lang
		}
	}
	allowed := c.lang.stateFields(typ)
	if allowed == nil {
		c.problem(where+"/Type", "SCHEMA_VALIDATION_FAILED: %s is not a valid state type (want Pass, Task, Choice, Wait, Succeed, Fail, Parallel or Map)", marshalString(tv))
		return nil
	}
	st.typ = typ
	extra := []string{"QueryLanguage"}
	if typ != typeFail && typ != typeSucceed {
		extra = append(extra, "Assign")
	}
	allowed = mergeSets(allowed, extra)
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
		st.io = c.lang.compileIO(c, typ, obj, where)
	}
	if typ == typeTask || typ == typeParallel || typ == typeMap {
		st.retry = c.retry(obj["Retry"], where+"/Retry")
		st.catch = c.catch(obj["Catch"], where+"/Catch")
	}

	if typ != typeFail && typ != typeSucceed {
		st.assign = c.compileAssign(obj, where)
	}
	st.varRefs = c.variableRefs(obj)

	switch typ {
	case typeTask:
		st.task = c.decodeTask(obj, where)
	case typeChoice:
		st.choice = c.decodeChoice(obj, where)
	case typeWait:
		st.wait = c.lang.compileWait(c, obj, where)
	case typeFail:
		st.fail = c.lang.compileFail(c, obj, where)
	case typeParallel:
		st.parallel = c.decodeParallel(obj, where)
	case typeMap:
		st.mapState = c.decodeMap(obj, where, st.io)
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
