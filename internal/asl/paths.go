package asl

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ohler55/ojg/jp"
)

// step is one segment of a definite path: an object key or an array index.
type step struct {
	key     string
	index   int
	isIndex bool
}

// path is a compiled JSONPath ("$.a.b") or context path ("$$.Execution.Id").
//
// Definite paths (only keys and indexes) are evaluated by this package and
// yield one value; indefinite ones (wildcards, slices, unions, filters,
// descent) are evaluated by ojg and yield an array of every match, as Jayway
// JsonPath (used by AWS) does.
type path struct {
	text     string
	context  bool   // evaluated against the context object
	variable string // evaluated against this workflow variable ($name...)
	steps    []step
	expr     jp.Expr // set for indefinite paths
}

// compilePath parses a path. reference restricts it to a definite path, as
// ASL requires for ResultPath and the Variable of Choice rules.
func compilePath(text string, reference bool) (*path, error) {
	if !strings.HasPrefix(text, "$") {
		return nil, fmt.Errorf("path %q must start with '$'", text)
	}
	p := &path{text: text}
	src := text
	if strings.HasPrefix(text, "$$") {
		p.context = true
		src = text[1:]
	} else if name := variableName(text[1:]); name != "" {
		p.variable = name
		src = "$" + text[1+len(name):]
	}
	x, err := jp.ParseString(ojgPath(src))
	if err != nil {
		return nil, fmt.Errorf("path %q is not a valid JSONPath: %w", text, err)
	}
	definite := true
	var steps []step
	for i, f := range x {
		switch tf := f.(type) {
		case jp.Root:
			if i != 0 {
				definite = false
			}
		case jp.Bracket:
		case jp.Child:
			steps = append(steps, step{key: string(tf)})
		case jp.Nth:
			steps = append(steps, step{index: int(tf), isIndex: true})
		case jp.At:
			return nil, fmt.Errorf("path %q must start with '$'", text)
		default:
			definite = false
		}
	}
	if len(x) == 0 {
		return nil, fmt.Errorf("path %q is empty", text)
	}
	if _, ok := x[0].(jp.Root); !ok {
		return nil, fmt.Errorf("path %q must start with '$'", text)
	}
	if !definite {
		if reference {
			return nil, fmt.Errorf("path %q must be a reference path (keys and indexes only)", text)
		}
		p.expr = x
		return p, nil
	}
	p.steps = steps
	return p, nil
}

// get evaluates the path. ok is false when a definite path matches nothing;
// err is set when an indefinite one would select more values than
// maxPathWork (see jsonpath_bounds.go).
func (p *path) get(input any, cx contextSource) (v any, ok bool, err *stateError) {
	root := input
	if p.variable != "" {
		v, ok := cx.variable(p.variable)
		if !ok {
			return nil, false, nil
		}
		root = v
	}
	if p.context {
		if p.expr == nil {
			v, ok := cx.lookupContext(p.steps)
			return v, ok, nil
		}
		root = cx.contextObject()
	}
	if p.expr != nil {
		if needsWorkBound(p.text) && pathWorkExceeded(p.expr, root) {
			return nil, false, runtimeError("The JSONPath '%s' would select more than %d values of its input; a path with more than one '..' is refused past that", p.text, maxPathWork)
		}
		res := p.expr.Get(root)
		if res == nil {
			res = []any{}
		}
		return res, true, nil
	}
	v, ok = getSteps(root, p.steps)
	return v, ok, nil
}

// variableName returns the workflow variable name at the start of s (the
// text after a path's "$"). AWS's names are Unicode identifiers (Unicode
// Standard Annex #31: an ID_Start character, then ID_Continue characters),
// as the developer guide's "Passing data between states with variables"
// says; an underscore may start one too, as it might before names took
// more than ASCII (whether AWS takes a leading underscore is UNCONFIRMED).
func variableName(s string) string {
	for i, r := range s {
		if !(r == '_' || isIDStart(r) || i > 0 && isIDContinue(r)) {
			return s[:i]
		}
	}
	return s
}

// isIDStart reports whether r has the Unicode property ID_Start: a letter
// or letter number, or Other_ID_Start, but no Pattern_Syntax or
// Pattern_White_Space.
func isIDStart(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return (unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_ID_Start, r)) &&
		!unicode.Is(unicode.Pattern_Syntax, r) && !unicode.Is(unicode.Pattern_White_Space, r)
}

// isIDContinue reports whether r has the Unicode property ID_Continue:
// ID_Start, a combining mark, a decimal digit, a connector punctuation, or
// Other_ID_Continue, but no Pattern_Syntax or Pattern_White_Space.
func isIDContinue(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_'
	}
	return isIDStart(r) || (unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc, unicode.Other_ID_Continue) &&
		!unicode.Is(unicode.Pattern_Syntax, r) && !unicode.Is(unicode.Pattern_White_Space, r))
}

func getSteps(v any, steps []step) (any, bool) {
	for _, s := range steps {
		if s.isIndex {
			a, ok := v.([]any)
			if !ok {
				return nil, false
			}
			i := s.index
			if i < 0 {
				i += len(a)
			}
			if i < 0 || i >= len(a) {
				return nil, false
			}
			v = a[i]
			continue
		}
		var ok bool
		if v, ok = field(v, s.key); !ok {
			return nil, false
		}
	}
	return v, true
}

// setPath returns a copy of root with val stored at the definite path steps,
// creating missing objects on the way. The containers along the path are
// copied; nothing reachable from root is modified.
func setPath(root any, steps []step, val any) (any, error) {
	if len(steps) == 0 {
		return val, nil
	}
	s := steps[0]
	if s.isIndex {
		a, ok := root.([]any)
		if !ok {
			return nil, fmt.Errorf("cannot index %s with [%d]", typeName(root), s.index)
		}
		i := s.index
		if i < 0 {
			i += len(a)
		}
		if i < 0 || i >= len(a) {
			return nil, fmt.Errorf("index [%d] is out of bounds for an array of length %d", s.index, len(a))
		}
		child, err := setPath(a[i], steps[1:], val)
		if err != nil {
			return nil, err
		}
		na := make([]any, len(a))
		copy(na, a)
		na[i] = child
		return na, nil
	}
	o, ok := asObject(root)
	if !ok {
		return nil, fmt.Errorf("cannot set field %q on %s", s.key, typeName(root))
	}
	cur, exists := o.get(s.key)
	if !exists {
		cur = newObject(0)
		if len(steps) > 1 && steps[1].isIndex {
			return nil, fmt.Errorf("field %q does not exist", s.key)
		}
	}
	child, err := setPath(cur, steps[1:], val)
	if err != nil {
		return nil, err
	}
	no := o.clone(1)
	no.set(s.key, child) // in place when the key exists, last when it is new
	return no, nil
}

// quotedKeys reads a list of quoted keys, separated by commas, from src[i:]
// up to its closing ']', whose index it returns as end. Each key is the
// text between its quotes; a backslash keeps the character after it from
// closing the key and stays part of it. ok is false when src[i:] does not
// start with such a list.
func quotedKeys(src string, i int) (keys []string, end int, ok bool) {
	for {
		for i < len(src) && src[i] == ' ' {
			i++
		}
		if i >= len(src) || src[i] != '\'' && src[i] != '"' {
			return nil, 0, false
		}
		q := src[i]
		start := i + 1
		for i = start; i < len(src) && src[i] != q; i++ {
			if src[i] == '\\' {
				i++
			}
		}
		if i >= len(src) {
			return nil, 0, false
		}
		keys = append(keys, src[start:i])
		for i++; i < len(src) && src[i] == ' '; i++ {
		}
		if i >= len(src) {
			return nil, 0, false
		}
		switch src[i] {
		case ']':
			return keys, i, true
		case ',':
			i++
		default:
			return nil, 0, false
		}
	}
}

// ojgPath rewrites a path for ojg's parser where Jayway JsonPath, which AWS
// uses, reads it differently:
//   - dot-notation keys that ojg does not accept (such as $.request-id or
//     $.a:b) become bracket notation ($['request-id']);
//   - the quoted keys of bracket notation ($['a\\b'], $['x','y']) are
//     re-escaped so that ojg reads each as the literal text between its
//     quotes, backslashes included, as AWS does ($['Test\""Name"'] is the
//     key Test\""Name"): a backslash only keeps the next character from
//     closing the key, where ojg would read \\ and \' as escapes.
//
// Text inside filters, and brackets that do not hold a list of quoted keys,
// are left to ojg.
func ojgPath(src string) string {
	var b strings.Builder
	escapes := strings.Contains(src, "\\") // else ojg reads quoted keys literally
	changed := false
	depth := 0
	var quote byte
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case quote != 0:
			if c == '\\' && i+1 < len(src) {
				b.WriteByte(c)
				i++
				c = src[i]
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			if depth > 0 {
				quote = c
			}
		case c == '[' && depth == 0 && escapes:
			keys, end, ok := quotedKeys(src, i+1)
			if !ok {
				depth++
				break
			}
			b.WriteByte('[')
			for k, key := range keys {
				if k > 0 {
					b.WriteByte(',')
				}
				b.WriteString("'" + escapeKey(key) + "'")
			}
			b.WriteByte(']')
			changed = true
			i = end
			continue
		case c == '[' || c == '(':
			depth++
		case c == ']' || c == ')':
			depth--
		case c == '.' && depth == 0 && i+1 < len(src) && src[i+1] != '.' && src[i+1] != '[':
			end := i + 1
			for end < len(src) && src[end] != '.' && src[end] != '[' {
				end++
			}
			key := src[i+1 : end]
			if needsBrackets(key) {
				b.WriteString("['" + escapeKey(key) + "']")
				changed = true
				i = end - 1
				continue
			}
		}
		b.WriteByte(c)
	}
	if !changed {
		return src
	}
	return b.String()
}

// escapeKey writes a key for a single-quoted bracket key of ojg.
func escapeKey(key string) string {
	return strings.ReplaceAll(strings.ReplaceAll(key, "\\", "\\\\"), "'", "\\'")
}

// needsBrackets reports whether a dot-notation key has characters ojg does
// not accept there.
func needsBrackets(key string) bool {
	if key == "*" || key == "" {
		return false
	}
	if strings.HasSuffix(key, ")") { // a function call such as length()
		return false
	}
	special := false
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c <= ' ' { // whitespace is an error in Jayway too
			return false
		}
		if c < 0x80 && !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			special = true
		}
	}
	return special
}

func applyPath(p *path, null bool, v any, cx contextSource) (any, *stateError) {
	if null {
		return newObject(0), nil
	}
	if p == nil {
		return v, nil
	}
	return getDefinite(p, v, cx)
}

// normalizedPath renders a definite path the way Jayway does: $['a'][0].
func normalizedPath(p *path) string {
	var b strings.Builder
	if p.context {
		b.WriteString("$")
	}
	b.WriteString("$")
	for _, s := range p.steps {
		if s.isIndex {
			fmt.Fprintf(&b, "[%d]", s.index)
		} else {
			b.WriteString("['" + s.key + "']")
		}
	}
	return b.String()
}

// applyResultPath combines a state's raw input and its result.
func applyResultPath(input, result any, p *path, discard bool) (any, *stateError) {
	if discard {
		return input, nil
	}
	if p == nil {
		return result, nil
	}
	out, err := setPath(input, p.steps, result)
	if err != nil {
		return nil, newError(ErrResultPathMatchFailure, "Unable to apply ResultPath '%s' to input '%s': %v", p.text, truncate(marshalString(input)), err)
	}
	return out, nil
}

// getDefinite evaluates a path that must match, with Jayway's error when it
// does not.
func getDefinite(p *path, v any, cx contextSource) (any, *stateError) {
	out, ok, err := p.get(v, cx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, runtimeError("Invalid path '%s' : No results for path: %s", p.text, normalizedPath(p))
	}
	return out, nil
}
