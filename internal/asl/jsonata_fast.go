package asl

import (
	"encoding/json"

	"github.com/xiatechs/jsonata-go/jparse"
)

// The JSONata library takes microseconds to set up any evaluation. The
// shapes most fields have, a path into $states or a variable, a literal,
// and comparisons and and/or of those, are evaluated here directly on this
// package's values instead; anything else, including every case whose
// JSONata semantics are less than plain (a path through an array, an
// operand of another type), falls back to the library.

// fastNode is a compiled expression of a shape evaluated without the
// library. eval reports ok=false to ask for the library.
type fastNode interface {
	eval(vars map[string]any) (v any, defined, ok bool)
}

// compileFast returns the fast form of n, or nil.
func compileFast(n jparse.Node) fastNode {
	switch n := n.(type) {
	case *jparse.StringNode:
		return fastLiteral{n.Value}
	case *jparse.NumberNode:
		return fastLiteral{n.Value}
	case *jparse.BooleanNode:
		return fastLiteral{n.Value}
	case *jparse.NullNode:
		return fastLiteral{nil}
	case *jparse.VariableNode:
		if n.Name == "" {
			return nil
		}
		return fastPath{variable: n.Name}
	case *jparse.PathNode:
		if n.KeepArrays || len(n.Steps) < 2 {
			return nil
		}
		v, ok := n.Steps[0].(*jparse.VariableNode)
		if !ok || v.Name == "" {
			return nil
		}
		p := fastPath{variable: v.Name}
		for _, s := range n.Steps[1:] {
			name, ok := s.(*jparse.NameNode)
			if !ok {
				return nil
			}
			p.keys = append(p.keys, name.Value)
		}
		return p
	case *jparse.ComparisonOperatorNode:
		if n.Type == jparse.ComparisonIn {
			return nil
		}
		l, r := compileFast(n.LHS), compileFast(n.RHS)
		if l == nil || r == nil {
			return nil
		}
		return fastCompare{op: n.Type, l: l, r: r}
	case *jparse.BooleanOperatorNode:
		l, r := compileFast(n.LHS), compileFast(n.RHS)
		if l == nil || r == nil {
			return nil
		}
		return fastBool{and: n.Type == jparse.BooleanAnd, l: l, r: r}
	}
	return nil
}

type fastLiteral struct{ v any }

func (f fastLiteral) eval(map[string]any) (any, bool, bool) { return f.v, true, true }

// fastPath is $variable.key.key... through objects only.
type fastPath struct {
	variable string
	keys     []string
}

func (f fastPath) eval(vars map[string]any) (any, bool, bool) {
	v, ok := vars[f.variable]
	if !ok {
		return nil, false, false // a function, or undefined: the library knows
	}
	for _, k := range f.keys {
		if !isObject(v) {
			return nil, false, false
		}
		if v, ok = field(v, k); !ok {
			return nil, false, true
		}
	}
	if holdsBigNumber(v) {
		return nil, false, false // the library reads it as a float64
	}
	return v, true, true
}

// holdsBigNumber reports whether v is or holds a json.Number: a number
// that fits no int64 (or no float64), which the library, as JSONata's
// numbers are IEEE doubles, reads as the nearest float64, so that
// "{% $states.input.n %}" gave n exactly where "{% [$states.input.n] %}"
// gave it rounded.
func holdsBigNumber(v any) bool {
	return anyInTree(v, func(v any) bool {
		_, ok := v.(json.Number)
		return ok
	})
}

// fastCompare is a comparison of two numbers, two strings, or (for = and
// !=) two other scalars.
type fastCompare struct {
	op   jparse.ComparisonOperator
	l, r fastNode
}

func (f fastCompare) eval(vars map[string]any) (any, bool, bool) {
	l, ldef, ok := f.l.eval(vars)
	if !ok || !ldef {
		return nil, false, false
	}
	r, rdef, ok := f.r.eval(vars)
	if !ok || !rdef {
		return nil, false, false
	}
	var c int
	if lf, ok := toFloat(l); ok && isNumber(l) {
		rf, ok := toFloat(r)
		if !ok || !isNumber(r) {
			return f.unequal(l, r)
		}
		c = compareOrdered(lf, rf)
	} else if ls, ok := l.(string); ok {
		rs, ok := r.(string)
		if !ok {
			return f.unequal(l, r)
		}
		c = compareOrdered(ls, rs)
	} else {
		return f.unequal(l, r)
	}
	switch f.op {
	case jparse.ComparisonEqual:
		return c == 0, true, true
	case jparse.ComparisonNotEqual:
		return c != 0, true, true
	case jparse.ComparisonLess:
		return c < 0, true, true
	case jparse.ComparisonLessEqual:
		return c <= 0, true, true
	case jparse.ComparisonGreater:
		return c > 0, true, true
	case jparse.ComparisonGreaterEqual:
		return c >= 0, true, true
	}
	return nil, false, false
}

// unequal answers = and != for operands that are not two numbers or two
// strings; ordering them is the library's (it raises an error).
func (f fastCompare) unequal(l, r any) (any, bool, bool) {
	lc, rc := isObject(l), isObject(r)
	_, la := l.([]any)
	_, ra := r.([]any)
	if lc || la || rc || ra {
		return nil, false, false
	}
	switch f.op {
	case jparse.ComparisonEqual:
		return l == r, true, true
	case jparse.ComparisonNotEqual:
		return l != r, true, true
	}
	return nil, false, false
}

func compareOrdered[T float64 | string](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// fastBool is and/or of two booleans.
type fastBool struct {
	and  bool
	l, r fastNode
}

func (f fastBool) eval(vars map[string]any) (any, bool, bool) {
	l, ldef, ok := f.l.eval(vars)
	lb, isBool := l.(bool)
	if !ok || !ldef || !isBool {
		return nil, false, false
	}
	if f.and && !lb || !f.and && lb {
		return lb, true, true
	}
	r, rdef, ok := f.r.eval(vars)
	rb, isBool := r.(bool)
	if !ok || !rdef || !isBool {
		return nil, false, false
	}
	return rb, true, true
}
