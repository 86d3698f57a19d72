package asl

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// argKind tells what an intrinsic function argument is.
type argKind uint8

const (
	argLiteral argKind = iota
	argPath
	argCall
)

// intrinsicArg is one compiled argument.
type intrinsicArg struct {
	kind argKind
	lit  any
	raw  string // for string literals: the text with escapes kept (States.Format)
	path *path
	call *intrinsicCall
}

// intrinsicCall is a compiled call such as States.Format('{}', $.x).
type intrinsicCall struct {
	name string
	fn   *intrinsicFunc
	args []intrinsicArg
}

type intrinsicFunc struct {
	minArgs, maxArgs int // maxArgs < 0: unbounded
	call             func(c *intrinsicCall, args []any) (any, error)
	// size returns the length of the JSON text of the value call would
	// return for args, or an upper bound of it, without building the value;
	// it may stop counting once the length exceeds limit. For arguments
	// that call refuses it may return anything: call reports them. See
	// intrinsic_bounds.go.
	size func(c *intrinsicCall, args []any, limit int) int
}

var intrinsics map[string]*intrinsicFunc

func init() {
	intrinsics = map[string]*intrinsicFunc{
		"States.Format":         {1, -1, fnFormat, sizeFormat},
		"States.StringToJson":   {1, 1, fnStringToJSON, sizeStringToJSON},
		"States.JsonToString":   {1, 1, fnJSONToString, sizeJSONToString},
		"States.Array":          {0, -1, fnArray, sizeArray},
		"States.ArrayPartition": {2, 2, fnArrayPartition, sizeArrayPartition},
		"States.ArrayContains":  {2, 2, fnArrayContains, sizeArrayContains},
		"States.ArrayRange":     {3, 3, fnArrayRange, sizeArrayRange},
		"States.ArrayGetItem":   {2, 2, fnArrayGetItem, sizeArrayGetItem},
		"States.ArrayLength":    {1, 1, fnArrayLength, sizeArrayLength},
		"States.ArrayUnique":    {1, 1, fnArrayUnique, sizeArrayUnique},
		"States.Base64Encode":   {1, 1, fnBase64Encode, sizeBase64Encode},
		"States.Base64Decode":   {1, 1, fnBase64Decode, sizeBase64Decode},
		"States.Hash":           {2, 2, fnHash, sizeHash},
		"States.JsonMerge":      {3, 3, fnJSONMerge, sizeJSONMerge},
		"States.MathRandom":     {2, 3, fnMathRandom, sizeMathRandom},
		"States.MathAdd":        {2, 2, fnMathAdd, sizeMathAdd},
		"States.StringSplit":    {2, 2, fnStringSplit, sizeStringSplit},
		"States.UUID":           {0, 0, fnUUID, sizeUUID},
	}
}

// isIntrinsic reports whether s looks like an intrinsic function call.
func isIntrinsic(s string) bool {
	return strings.HasPrefix(strings.TrimSpace(s), "States.")
}

// compileIntrinsic parses an intrinsic function call.
func compileIntrinsic(src string) (*intrinsicCall, error) {
	p := &intrinsicParser{src: src, depth: 1}
	p.skipSpace()
	c, err := p.parseCall()
	if err != nil {
		return nil, fmt.Errorf("invalid intrinsic function call %q: %w", src, err)
	}
	p.skipSpace()
	if p.pos != len(p.src) {
		return nil, fmt.Errorf("invalid intrinsic function call %q: unexpected %q after the closing parenthesis", src, p.src[p.pos:])
	}
	return c, nil
}

type intrinsicParser struct {
	src   string
	pos   int
	depth int // how many calls are open, the one being parsed included
}

func (p *intrinsicParser) skipSpace() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n' || p.src[p.pos] == '\r') {
		p.pos++
	}
}

func (p *intrinsicParser) parseCall() (*intrinsicCall, error) {
	start := p.pos
	for p.pos < len(p.src) && (isIdentByte(p.src[p.pos]) || p.src[p.pos] == '.') {
		p.pos++
	}
	name := p.src[start:p.pos]
	fn, ok := intrinsics[name]
	if !ok {
		if name == "" {
			return nil, fmt.Errorf("expected a function name at offset %d", start)
		}
		return nil, fmt.Errorf("unknown function %q", name)
	}
	p.skipSpace()
	if p.pos >= len(p.src) || p.src[p.pos] != '(' {
		return nil, fmt.Errorf("expected '(' after %s", name)
	}
	p.pos++
	c := &intrinsicCall{name: name, fn: fn}
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == ')' {
		p.pos++
	} else {
		for {
			p.skipSpace()
			a, err := p.parseArg()
			if err != nil {
				return nil, err
			}
			c.args = append(c.args, a)
			p.skipSpace()
			if p.pos >= len(p.src) {
				return nil, fmt.Errorf("missing ')' to close %s", name)
			}
			if p.src[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.src[p.pos] == ')' {
				p.pos++
				break
			}
			return nil, fmt.Errorf("unexpected %q in the arguments of %s", p.src[p.pos], name)
		}
	}
	if len(c.args) < fn.minArgs || (fn.maxArgs >= 0 && len(c.args) > fn.maxArgs) {
		return nil, fmt.Errorf("%s takes %s, got %d", name, argCountText(fn), len(c.args))
	}
	return c, nil
}

func argCountText(fn *intrinsicFunc) string {
	switch {
	case fn.maxArgs < 0:
		return fmt.Sprintf("at least %d arguments", fn.minArgs)
	case fn.minArgs == fn.maxArgs && fn.minArgs == 1:
		return "1 argument"
	case fn.minArgs == fn.maxArgs:
		return fmt.Sprintf("%d arguments", fn.minArgs)
	default:
		return fmt.Sprintf("%d to %d arguments", fn.minArgs, fn.maxArgs)
	}
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func (p *intrinsicParser) parseArg() (intrinsicArg, error) {
	if p.pos >= len(p.src) {
		return intrinsicArg{}, fmt.Errorf("missing argument at end of input")
	}
	c := p.src[p.pos]
	switch {
	case c == '\'':
		return p.parseString()
	case c == '$':
		return p.parsePathArg()
	case c == '-' || c >= '0' && c <= '9':
		return p.parseNumber()
	case strings.HasPrefix(p.src[p.pos:], "States."):
		if p.depth++; p.depth > maxDefinitionDepth {
			return intrinsicArg{}, fmt.Errorf("calls are nested deeper than %d levels", maxDefinitionDepth)
		}
		call, err := p.parseCall()
		p.depth--
		if err != nil {
			return intrinsicArg{}, err
		}
		return intrinsicArg{kind: argCall, call: call}, nil
	}
	for _, kw := range []struct {
		text string
		val  any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if strings.HasPrefix(p.src[p.pos:], kw.text) {
			end := p.pos + len(kw.text)
			if end == len(p.src) || !isIdentByte(p.src[end]) {
				p.pos = end
				return intrinsicArg{kind: argLiteral, lit: kw.val}, nil
			}
		}
	}
	return intrinsicArg{}, fmt.Errorf("unexpected %q at offset %d", c, p.pos)
}

// parseString reads a single-quoted literal. The escapes \' \{ \} \\ are
// recognised; raw keeps \{ \} and \\ for States.Format.
func (p *intrinsicParser) parseString() (intrinsicArg, error) {
	start := p.pos
	p.pos++
	var val, raw strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch c {
		case '\\':
			if p.pos+1 >= len(p.src) {
				return intrinsicArg{}, fmt.Errorf("unterminated string starting at offset %d", start)
			}
			e := p.src[p.pos+1]
			switch e {
			case '\'':
				val.WriteByte('\'')
				raw.WriteByte('\'')
			case '{', '}', '\\':
				val.WriteByte(e)
				raw.WriteByte('\\')
				raw.WriteByte(e)
			default:
				return intrinsicArg{}, fmt.Errorf("invalid escape '\\%c' in string starting at offset %d", e, start)
			}
			p.pos += 2
		case '\'':
			p.pos++
			return intrinsicArg{kind: argLiteral, lit: val.String(), raw: raw.String()}, nil
		default:
			val.WriteByte(c)
			raw.WriteByte(c)
			p.pos++
		}
	}
	return intrinsicArg{}, fmt.Errorf("unterminated string starting at offset %d", start)
}

func (p *intrinsicParser) parseNumber() (intrinsicArg, error) {
	start := p.pos
	if p.src[p.pos] == '-' {
		p.pos++
	}
	for p.pos < len(p.src) && strings.IndexByte("0123456789.eE+-", p.src[p.pos]) >= 0 {
		p.pos++
	}
	text := p.src[start:p.pos]
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		return intrinsicArg{kind: argLiteral, lit: i}, nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) {
		return intrinsicArg{}, fmt.Errorf("invalid number %q", text)
	}
	return intrinsicArg{kind: argLiteral, lit: f}, nil
}

// parsePathArg reads a path up to the next ',' or ')' outside brackets,
// parentheses and quotes.
func (p *intrinsicParser) parsePathArg() (intrinsicArg, error) {
	start := p.pos
	depth := 0
	var quote byte
loop:
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case quote != 0:
			if c == '\\' && p.pos+1 < len(p.src) {
				p.pos++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '[' || c == '(':
			depth++
		case c == ']':
			depth--
		case c == ')':
			if depth == 0 {
				break loop
			}
			depth--
		case c == ',':
			if depth == 0 {
				break loop
			}
		}
		p.pos++
	}
	text := strings.TrimSpace(p.src[start:p.pos])
	pth, err := compilePath(text, false)
	if err != nil {
		return intrinsicArg{}, err
	}
	return intrinsicArg{kind: argPath, path: pth}, nil
}

// usesContext reports whether the call reads the context object.
func (c *intrinsicCall) usesContext() bool {
	for _, a := range c.args {
		if a.kind == argPath && a.path.context || a.kind == argCall && a.call.usesContext() {
			return true
		}
	}
	return false
}

// eval evaluates the call against input and the context object.
func (c *intrinsicCall) eval(input any, cx contextSource) (any, *stateError) {
	return c.evalWithin(input, cx, newIntrinsicBudget())
}

// evalWithin is eval for a call of an evaluation whose calls may still
// return b.left bytes together (see intrinsic_bounds.go).
func (c *intrinsicCall) evalWithin(input any, cx contextSource, b *intrinsicBudget) (any, *stateError) {
	var small [4]any
	args := small[:0]
	for _, a := range c.args {
		switch a.kind {
		case argLiteral:
			args = append(args, a.lit)
		case argPath:
			v, ok, err := a.path.get(input, cx)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, runtimeError("The JSONPath '%s' specified as an argument of %s could not be found in the input '%s'", a.path.text, c.name, truncate(marshalString(input)))
			}
			args = append(args, v)
		case argCall:
			v, err := a.call.evalWithin(input, cx, b)
			if err != nil {
				return nil, err
			}
			args = append(args, v)
		}
	}
	if err := c.bound(b, args, nil, false); err != nil {
		return nil, err
	}
	v, err := c.fn.call(c, args)
	if err != nil {
		return nil, &stateError{Name: ErrIntrinsicFailure, Cause: fmt.Sprintf("Invalid arguments in %s: %v", c.name, err)}
	}
	if err := c.bound(b, args, v, true); err != nil {
		return nil, err
	}
	return v, nil
}
