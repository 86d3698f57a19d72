package asl

import (
	"fmt"
	"strings"
	"time"
)

type compareKind uint8

const (
	cmpString compareKind = iota + 1
	cmpNumeric
	cmpBoolean
	cmpTimestamp
	cmpStringMatches
	cmpIsNull
	cmpIsPresent
	cmpIsNumeric
	cmpIsString
	cmpIsBoolean
	cmpIsTimestamp
)

type compareOp uint8

const (
	opEquals compareOp = iota
	opLessThan
	opGreaterThan
	opLessThanEquals
	opGreaterThanEquals
)

type operator struct {
	kind compareKind
	op   compareOp
	path bool // the ...Path form: the operand is a path
}

// operators maps every comparison operator name to its meaning.
var operators = func() map[string]operator {
	m := map[string]operator{
		"StringMatches": {kind: cmpStringMatches},
		"IsNull":        {kind: cmpIsNull},
		"IsPresent":     {kind: cmpIsPresent},
		"IsNumeric":     {kind: cmpIsNumeric},
		"IsString":      {kind: cmpIsString},
		"IsBoolean":     {kind: cmpIsBoolean},
		"IsTimestamp":   {kind: cmpIsTimestamp},
	}
	ops := map[string]compareOp{"Equals": opEquals, "LessThan": opLessThan, "GreaterThan": opGreaterThan,
		"LessThanEquals": opLessThanEquals, "GreaterThanEquals": opGreaterThanEquals}
	kinds := map[string]compareKind{"String": cmpString, "Numeric": cmpNumeric, "Timestamp": cmpTimestamp}
	for kn, k := range kinds {
		for on, o := range ops {
			m[kn+on] = operator{kind: k, op: o}
			m[kn+on+"Path"] = operator{kind: k, op: o, path: true}
		}
	}
	m["BooleanEquals"] = operator{kind: cmpBoolean, op: opEquals}
	m["BooleanEqualsPath"] = operator{kind: cmpBoolean, op: opEquals, path: true}
	return m
}()

// rule is a compiled JSONPath Choice rule: a comparison of the value at
// Variable, or And, Or or Not of nested rules. It implements condition.
type rule struct {
	and, or []*rule
	not     *rule

	variable *path
	opName   string
	op       operator
	str      string
	num      float64
	boolean  bool
	ts       time.Time
	pattern  []string // StringMatches: literal segments separated by '*'
	operand  *path    // ...Path forms
}

// compileRule compiles one Choice rule found at where. The Next of a
// top-level rule is read by the Choice state (decodeChoice); a nested rule
// must have none.
func compileRule(m map[string]any, where string, top bool, c *checker) *rule {
	r := &rule{}
	if _, ok := m["Next"]; ok && !top {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: Nested choice rules must not have a 'Next' field")
	}
	var found []string
	keys := sortedKeys(m)
	for _, k := range keys {
		v := m[k]
		switch k {
		case "Next", "Comment", "Variable":
			continue
		case "Assign":
			if top {
				continue
			}
		case "And", "Or":
			found = append(found, k)
			list, ok := v.([]any)
			if !ok || len(list) == 0 {
				c.problem(where+"/"+k, "SCHEMA_VALIDATION_FAILED: '%s' must be a non-empty array of choice rules", k)
				continue
			}
			for i, e := range list {
				em, ok := e.(map[string]any)
				if !ok {
					c.problem(fmt.Sprintf("%s/%s[%d]", where, k, i), "SCHEMA_VALIDATION_FAILED: A choice rule must be an object")
					continue
				}
				sub := compileRule(em, fmt.Sprintf("%s/%s[%d]", where, k, i), false, c)
				if k == "And" {
					r.and = append(r.and, sub)
				} else {
					r.or = append(r.or, sub)
				}
			}
		case "Not":
			found = append(found, k)
			em, ok := v.(map[string]any)
			if !ok {
				c.problem(where+"/Not", "SCHEMA_VALIDATION_FAILED: 'Not' must be a choice rule object")
				continue
			}
			r.not = compileRule(em, where+"/Not", false, c)
		default:
			op, ok := operators[k]
			if !ok {
				c.problem(where, "SCHEMA_VALIDATION_FAILED: The field '%s' is not supported by Step Functions", k)
				continue
			}
			found = append(found, k)
			r.opName, r.op = k, op
			compileOperand(r, v, where+"/"+k, c)
		}
	}
	if len(found) == 0 {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: A choice rule must have one comparison operator, 'And', 'Or' or 'Not'")
		return r
	}
	if len(found) > 1 {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: A choice rule must have exactly one comparison operator, 'And', 'Or' or 'Not', found %s", strings.Join(found, ", "))
	}
	v, hasVar := m["Variable"]
	if r.opName != "" {
		s, ok := v.(string)
		switch {
		case !hasVar:
			c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [Variable]")
		case !ok:
			c.problem(where+"/Variable", "SCHEMA_VALIDATION_FAILED: 'Variable' must be a string")
		default:
			p, err := compilePath(s, false)
			if err != nil {
				c.problem(where+"/Variable", "SCHEMA_VALIDATION_FAILED: The value for the field 'Variable' must be a valid JSONPath: %v", err)
			}
			r.variable = p
		}
	} else if hasVar {
		c.problem(where+"/Variable", "SCHEMA_VALIDATION_FAILED: 'Variable' is not allowed with '%s'", found[0])
	}
	return r
}

func compileOperand(r *rule, v any, where string, c *checker) {
	if r.op.path {
		s, ok := v.(string)
		if !ok {
			c.problem(where, "SCHEMA_VALIDATION_FAILED: The value for the field '%s' must be a STRING that contains a JSONPath", r.opName)
			return
		}
		p, err := compilePath(s, false)
		if err != nil {
			c.problem(where, "SCHEMA_VALIDATION_FAILED: The value for the field '%s' must be a valid JSONPath: %v", r.opName, err)
			return
		}
		r.operand = p
		return
	}
	switch r.op.kind {
	case cmpString, cmpStringMatches:
		s, ok := v.(string)
		if !ok {
			c.problem(where, "SCHEMA_VALIDATION_FAILED: The value for the field '%s' must be a STRING", r.opName)
			return
		}
		r.str = s
		if r.op.kind == cmpStringMatches {
			r.pattern = compilePattern(s)
		}
	case cmpNumeric:
		f, ok := toFloat(v)
		if !ok {
			c.problem(where, "SCHEMA_VALIDATION_FAILED: The value for the field '%s' must be a NUMBER", r.opName)
			return
		}
		r.num = f
	case cmpTimestamp:
		s, _ := v.(string)
		t, ok := parseTimestamp(s)
		if !ok {
			c.problem(where, "SCHEMA_VALIDATION_FAILED: The value for the field '%s' must be a TIMESTAMP (RFC 3339, for example 2016-03-14T01:59:00Z)", r.opName)
			return
		}
		r.ts = t
	default: // BooleanEquals and Is*
		b, ok := v.(bool)
		if !ok {
			c.problem(where, "SCHEMA_VALIDATION_FAILED: The value for the field '%s' must be a BOOLEAN", r.opName)
			return
		}
		r.boolean = b
	}
}

// compilePattern splits a StringMatches pattern at unescaped '*'. The
// segments alternate literal text and wildcards: segment i is literal text
// and a wildcard sits between consecutive segments.
func compilePattern(s string) []string {
	var segs []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '\\'):
			cur.WriteByte(s[i+1])
			i++
		case s[i] == '*':
			segs = append(segs, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(s[i])
		}
	}
	return append(segs, cur.String())
}

// matchPattern matches s against segments produced by compilePattern.
func matchPattern(segs []string, s string) bool {
	if len(segs) == 1 {
		return s == segs[0]
	}
	if !strings.HasPrefix(s, segs[0]) {
		return false
	}
	s = s[len(segs[0]):]
	last := segs[len(segs)-1]
	if !strings.HasSuffix(s, last) {
		return false
	}
	s = s[:len(s)-len(last)]
	for _, mid := range segs[1 : len(segs)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return true
}

// eval evaluates the rule.
func (r *rule) eval(input any, cx contextSource) (bool, *stateError) {
	switch {
	case r.and != nil:
		for _, sub := range r.and {
			ok, err := sub.eval(input, cx)
			if err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case r.or != nil:
		for _, sub := range r.or {
			ok, err := sub.eval(input, cx)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case r.not != nil:
		ok, err := r.not.eval(input, cx)
		return !ok && err == nil, err
	}
	v, present, err := r.variable.get(input, cx)
	if err != nil {
		return false, err
	}
	if r.op.kind == cmpIsPresent {
		return present == r.boolean, nil
	}
	if !present {
		return false, runtimeError("Invalid path '%s': The choice state's condition path references an invalid value.", r.variable.text)
	}
	switch r.op.kind {
	case cmpIsNull:
		return (v == nil) == r.boolean, nil
	case cmpIsNumeric:
		return isNumber(v) == r.boolean, nil
	case cmpIsString:
		_, ok := v.(string)
		return ok == r.boolean, nil
	case cmpIsBoolean:
		_, ok := v.(bool)
		return ok == r.boolean, nil
	case cmpIsTimestamp:
		s, ok := v.(string)
		if ok {
			_, ok = parseTimestamp(s)
		}
		return ok == r.boolean, nil
	case cmpStringMatches:
		s, ok := v.(string)
		return ok && matchPattern(r.pattern, s), nil
	}
	var operand any
	if r.op.path {
		var ok bool
		operand, ok, err = r.operand.get(input, cx)
		if err != nil {
			return false, err
		}
		if !ok {
			return false, runtimeError("Invalid path '%s': The choice state's condition path references an invalid value.", r.operand.text)
		}
	}
	switch r.op.kind {
	case cmpString:
		return compareAs(r, v, operand, r.str, asString, strings.Compare), nil
	case cmpNumeric:
		return compareAs(r, v, operand, r.num, toFloat, compareOrdered[float64]), nil
	case cmpBoolean:
		return compareAs(r, v, operand, r.boolean, asBool, compareBools), nil
	case cmpTimestamp:
		return compareAs(r, v, operand, r.ts, asTimestamp, time.Time.Compare), nil
	}
	return false, nil
}

// compareAs applies r's comparison to the value v and r's literal, or the
// value operand that r's Path read: as, which reads each as the type the
// comparison is of, and cmp, which orders two of them. A value as refuses
// makes the comparison false.
func compareAs[T any](r *rule, v, operand any, literal T, as func(any) (T, bool), cmp func(a, b T) int) bool {
	got, ok := as(v)
	if !ok {
		return false
	}
	want := literal
	if r.op.path {
		if want, ok = as(operand); !ok {
			return false
		}
	}
	return compareResult(cmp(got, want), r.op.op)
}

func asString(v any) (string, bool) {
	s, ok := v.(string)
	return s, ok
}

func asBool(v any) (bool, bool) {
	b, ok := v.(bool)
	return b, ok
}

func asTimestamp(v any) (time.Time, bool) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, false
	}
	return parseTimestamp(s)
}

// compareBools is 0 when a and b are equal, 1 otherwise: booleans are only
// compared for equality.
func compareBools(a, b bool) int {
	if a == b {
		return 0
	}
	return 1
}

func compareResult(cmp int, op compareOp) bool {
	switch op {
	case opEquals:
		return cmp == 0
	case opLessThan:
		return cmp < 0
	case opGreaterThan:
		return cmp > 0
	case opLessThanEquals:
		return cmp <= 0
	default:
		return cmp >= 0
	}
}

// usesContext reports whether the rule reads the context object.
func (*rule) output(any, contextSource) (any, bool, *stateError) { return nil, false, nil }

func (r *rule) usesContext() bool {
	if r.variable != nil && r.variable.context || r.operand != nil && r.operand.context {
		return true
	}
	for _, s := range r.and {
		if s.usesContext() {
			return true
		}
	}
	for _, s := range r.or {
		if s.usesContext() {
			return true
		}
	}
	return r.not != nil && r.not.usesContext()
}
