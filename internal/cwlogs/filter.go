package cwlogs

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// maxPatternLength is the filterPattern limit of the API reference.
const maxPatternLength = 1024

// matcher reports whether a log event's message matches a filter pattern.
type matcher func(message string) bool

// parseFilterPattern parses a filterPattern of CloudWatch Logs' syntax
// ("Filter pattern syntax" in the CloudWatch Logs user guide). Served are:
//   - the empty pattern, matching every event;
//   - terms: space-separated words or "quoted phrases" that must all occur
//     (case-sensitive), "-term" that must not occur, and "?term" of which at
//     least one must occur;
//   - JSON patterns "{ <condition> }": conditions "$.a.b[0] = value" with
//     = != (strings, with * as a wildcard, or numbers) and < > <= >= (numbers),
//     "$.x IS NULL|TRUE|FALSE", "$.x NOT EXISTS", joined by && and || with
//     parentheses. A message that is not a JSON object matches no JSON pattern.
//
// Space-delimited patterns ("[a, b]") and regular expressions are refused with
// InvalidParameterException.
func parseFilterPattern(pattern string) (matcher, error) {
	if len(pattern) > maxPatternLength {
		return nil, invalidParam("filterPattern is longer than %d characters", maxPatternLength)
	}
	p := strings.TrimSpace(pattern)
	switch {
	case p == "":
		return func(string) bool { return true }, nil
	case strings.HasPrefix(p, "{"):
		if !strings.HasSuffix(p, "}") {
			return nil, invalidParam("Invalid filter pattern: a JSON pattern must end with '}'")
		}
		cond, err := parseCondition(p[1 : len(p)-1])
		if err != nil {
			return nil, err
		}
		return func(msg string) bool {
			var doc any
			dec := json.NewDecoder(strings.NewReader(msg))
			dec.UseNumber()
			if dec.Decode(&doc) != nil {
				return false
			}
			if _, ok := doc.(map[string]any); !ok {
				return false
			}
			return cond(doc)
		}, nil
	case strings.HasPrefix(p, "[") || strings.HasPrefix(p, "%"):
		return nil, invalidParam("Invalid filter pattern: space-delimited and regular expression patterns are not served here")
	}
	return parseTerms(p)
}

// parseTerms parses an unstructured pattern of terms.
func parseTerms(p string) (matcher, error) {
	var all, none, anyOf []string
	for rest := p; ; {
		rest = strings.TrimLeft(rest, " \t")
		if rest == "" {
			break
		}
		prefix := byte(0)
		if rest[0] == '?' || rest[0] == '-' {
			prefix, rest = rest[0], rest[1:]
		}
		var term string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				return nil, invalidParam("Invalid filter pattern: unterminated quoted phrase")
			}
			term, rest = rest[1:end+1], rest[end+2:]
		} else {
			end := strings.IndexAny(rest, " \t")
			if end < 0 {
				end = len(rest)
			}
			term, rest = rest[:end], rest[end:]
		}
		if term == "" {
			return nil, invalidParam("Invalid filter pattern: empty term")
		}
		switch prefix {
		case '?':
			anyOf = append(anyOf, term)
		case '-':
			none = append(none, term)
		default:
			all = append(all, term)
		}
	}
	return func(msg string) bool {
		for _, t := range all {
			if !strings.Contains(msg, t) {
				return false
			}
		}
		for _, t := range none {
			if strings.Contains(msg, t) {
				return false
			}
		}
		for _, t := range anyOf {
			if strings.Contains(msg, t) {
				return true
			}
		}
		return len(anyOf) == 0
	}, nil
}

// condition evaluates a JSON pattern's condition on a decoded message.
type condition func(doc any) bool

// condParser is a recursive-descent parser of a JSON pattern's condition.
type condParser struct {
	s   string
	pos int
}

// parseCondition parses the text between a JSON pattern's braces.
func parseCondition(s string) (condition, error) {
	p := &condParser{s: s}
	c, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.skip(); p.pos != len(p.s) {
		return nil, p.fail("unexpected %q", p.s[p.pos:])
	}
	return c, nil
}

func (p *condParser) fail(format string, args ...any) error {
	return invalidParam("Invalid filter pattern: "+format, args...)
}

func (p *condParser) skip() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t' || p.s[p.pos] == '\n') {
		p.pos++
	}
}

// eat consumes tok if it comes next.
func (p *condParser) eat(tok string) bool {
	p.skip()
	if strings.HasPrefix(p.s[p.pos:], tok) {
		p.pos += len(tok)
		return true
	}
	return false
}

func (p *condParser) or() (condition, error) {
	return p.chain("||", p.and, func(l, r condition) condition {
		return func(d any) bool { return l(d) || r(d) }
	})
}

func (p *condParser) and() (condition, error) {
	return p.chain("&&", p.primary, func(l, r condition) condition {
		return func(d any) bool { return l(d) && r(d) }
	})
}

// chain parses operands read by operand and separated by op, joining them
// from the left with join.
func (p *condParser) chain(op string, operand func() (condition, error), join func(l, r condition) condition) (condition, error) {
	left, err := operand()
	for err == nil && p.eat(op) {
		var right condition
		if right, err = operand(); err == nil {
			left = join(left, right)
		}
	}
	return left, err
}

func (p *condParser) primary() (condition, error) {
	if p.eat("(") {
		c, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.eat(")") {
			return nil, p.fail("missing ')'")
		}
		return c, nil
	}
	return p.comparison()
}

// comparison parses "<selector> <op> <value>" and its IS / NOT EXISTS forms.
func (p *condParser) comparison() (condition, error) {
	p.skip()
	sel, err := p.selector()
	if err != nil {
		return nil, err
	}
	switch {
	case p.eat("IS NULL"):
		return func(d any) bool { v, ok := sel(d); return ok && v == nil }, nil
	case p.eat("IS TRUE"):
		return func(d any) bool { v, ok := sel(d); return ok && v == true }, nil
	case p.eat("IS FALSE"):
		return func(d any) bool { v, ok := sel(d); return ok && v == false }, nil
	case p.eat("NOT EXISTS"):
		return func(d any) bool { _, ok := sel(d); return !ok }, nil
	}
	var op string
	for _, o := range []string{"!=", "<=", ">=", "=", "<", ">"} {
		if p.eat(o) {
			op = o
			break
		}
	}
	if op == "" {
		return nil, p.fail("expected a comparison operator after the selector")
	}
	val, quoted, err := p.value()
	if err != nil {
		return nil, err
	}
	if num, err := strconv.ParseFloat(val, 64); err == nil && !quoted {
		return numberCondition(sel, op, num), nil
	}
	if op != "=" && op != "!=" {
		return nil, p.fail("operator %s needs a number", op)
	}
	return func(d any) bool {
		v, ok := sel(d)
		s, isString := v.(string)
		eq := ok && isString && wildcardMatch(val, s)
		return eq == (op == "=")
	}, nil
}

// numberCondition compares a selected JSON number with num.
func numberCondition(sel func(any) (any, bool), op string, num float64) condition {
	return func(d any) bool {
		v, ok := sel(d)
		n, isNum := v.(json.Number)
		if !ok || !isNum {
			return op == "!="
		}
		f, err := n.Float64()
		if err != nil {
			return false
		}
		switch op {
		case "=":
			return f == num
		case "!=":
			return f != num
		case "<":
			return f < num
		case ">":
			return f > num
		case "<=":
			return f <= num
		default:
			return f >= num
		}
	}
}

// selector parses "$.a.b[0]" into a function returning the selected value and
// whether it exists.
func (p *condParser) selector() (func(any) (any, bool), error) {
	if p.pos >= len(p.s) || p.s[p.pos] != '$' {
		return nil, p.fail("a condition must start with a selector such as $.type")
	}
	p.pos++
	type step struct {
		key   string
		index int
	}
	var steps []step
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case '.':
			p.pos++
			start := p.pos
			for p.pos < len(p.s) && isKeyByte(p.s[p.pos]) {
				p.pos++
			}
			if p.pos == start {
				return nil, p.fail("empty property name in selector")
			}
			steps = append(steps, step{key: p.s[start:p.pos], index: -1})
			continue
		case '[':
			end := strings.IndexByte(p.s[p.pos:], ']')
			if end < 0 {
				return nil, p.fail("missing ']' in selector")
			}
			i, err := strconv.Atoi(p.s[p.pos+1 : p.pos+end])
			if err != nil || i < 0 {
				return nil, p.fail("array index in selector is not a number")
			}
			steps = append(steps, step{index: i})
			p.pos += end + 1
			continue
		}
		break
	}
	if len(steps) == 0 {
		return nil, p.fail("selector $ selects nothing")
	}
	return func(doc any) (any, bool) {
		cur := doc
		for _, st := range steps {
			if st.index < 0 {
				m, ok := cur.(map[string]any)
				if !ok {
					return nil, false
				}
				if cur, ok = m[st.key]; !ok {
					return nil, false
				}
				continue
			}
			a, ok := cur.([]any)
			if !ok || st.index >= len(a) {
				return nil, false
			}
			cur = a[st.index]
		}
		return cur, true
	}, nil
}

// isKeyByte reports whether b may appear in an unquoted property name.
func isKeyByte(b byte) bool {
	return b == '_' || b == '-' || b == '@' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// value parses a comparison's right side: a "quoted string" or a bare word.
func (p *condParser) value() (string, bool, error) {
	p.skip()
	if p.pos < len(p.s) && p.s[p.pos] == '"' {
		dec := json.NewDecoder(strings.NewReader(p.s[p.pos:]))
		var s string
		if err := dec.Decode(&s); err != nil {
			return "", false, p.fail("unterminated quoted value")
		}
		p.pos += int(dec.InputOffset())
		return s, true, nil
	}
	start := p.pos
	for p.pos < len(p.s) && !bytes.ContainsRune([]byte(" \t\n()&|"), rune(p.s[p.pos])) {
		p.pos++
	}
	if p.pos == start {
		return "", false, p.fail("missing value after the operator")
	}
	return p.s[start:p.pos], false, nil
}

// wildcardMatch reports whether s matches pattern, in which * stands for any
// run of characters.
func wildcardMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return s == pattern
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, part := range parts[1 : len(parts)-1] {
		i := strings.Index(s, part)
		if i < 0 {
			return false
		}
		s = s[i+len(part):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}
