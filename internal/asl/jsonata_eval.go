package asl

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	jsonata "github.com/xiatechs/jsonata-go"
	"github.com/xiatechs/jsonata-go/jparse"
	"github.com/xiatechs/jsonata-go/jtypes"
)

// exprCompiler compiles JSONata expressions. It is the only door to the
// JSONata library, so that the library can be replaced by implementing it
// again. Compiled expressions are immutable and safe for concurrent use.
type exprCompiler interface {
	// compile compiles src (without the {% %} delimiters). The error's
	// text says what is wrong, in the library's words.
	compile(src string) (compiledExpr, error)
}

// compiledExpr is one compiled JSONata expression.
type compiledExpr interface {
	// eval evaluates the expression with $ bound to input and $name bound
	// to vars[name]; $now and $millis read vars[evalTimeKey], a
	// time.Time, when it is set, else the wall clock. Values are this package's JSON values (value.go). It
	// returns errUndefined when the expression yields nothing,
	// errEvalTimeout when it ran longer than timeout, and
	// errUnsupportedResult when the result is not JSON (a function). It
	// never panics and never takes the process down.
	eval(input any, vars map[string]any, timeout time.Duration) (any, error)
	// variables returns the names the expression reads from outside (not
	// those it binds itself), $states excluded: workflow variables, and
	// library functions, which a workflow variable of the same name
	// shadows.
	variables() []string
}

// evalTimeKey is the key of vars that holds the time $now and $millis
// return; it is no variable name.
const evalTimeKey = " now"

var (
	errUndefined         = errors.New("the expression returned nothing (undefined)")
	errEvalTimeout       = errors.New("the expression took too long to evaluate")
	errUnsupportedResult = errors.New("the expression returned an unsupported result type")
)

// jsonataEngine is the JSONata implementation in use.
var jsonataEngine exprCompiler = xiaCompiler{}

// Bounds on JSONata evaluation (see "JSONata" in the package doc).
const (
	// maxExprNesting bounds how deep an expression's brackets nest, so
	// that the library's recursive parser cannot exhaust the stack.
	maxExprNesting = 200
	// maxLambdaDepth bounds how deep user-defined functions call each
	// other, so that a self-recursive function fails its state instead of
	// overflowing the Go stack (which kills the process).
	maxLambdaDepth = 500
	// maxRunaway is how many evaluations may still be running after their
	// deadline (a goroutine cannot be stopped) before new evaluations are
	// refused, so that a looping expression costs at most this many cores.
	maxRunaway = 2
)

// jsonataTimeout bounds one evaluation; a variable so that tests can
// shorten it.
var jsonataTimeout = 5 * time.Second

// runaway counts evaluations still running after their deadline.
var runaway atomic.Int64

// xiaCompiler is exprCompiler over github.com/xiatechs/jsonata-go.
//
// The library evaluates an *jsonata.Expr against a registry of extra
// functions and variables that lives in the Expr; $states and workflow
// variables change with every evaluation, so every evaluation runs a
// shallow copy of the compiled Expr with its own registry. The Expr's
// fields are unexported: xiaFields reaches them through reflection, and
// compile fails if the library's layout is not the one it knows.
type xiaCompiler struct{}

// xiaExpr is a compiled expression with what eval needs to know about it.
type xiaExpr struct {
	expr *jsonata.Expr
	// static holds the entries of staticRegistry the expression names.
	static map[string]reflect.Value
	// loops is set when the expression can run for long (it defines
	// functions or builds ranges), so that eval bounds it in time; other
	// expressions take time in proportion to their size and their input's
	// and run inline.
	loops bool
	// fast is the expression's fast form (jsonata_fast.go), or nil.
	fast fastNode
	// free are the variables the expression reads from outside.
	free []string
}

func (x *xiaExpr) variables() []string { return x.free }

// xiaLayout holds the offsets of jsonata.Expr's node and registry fields.
var xiaLayout = sync.OnceValues(func() (layout struct{ node, registry uintptr }, err error) {
	t := reflect.TypeFor[jsonata.Expr]()
	node, ok1 := t.FieldByName("node")
	reg, ok2 := t.FieldByName("registry")
	if !ok1 || !ok2 || node.Type != reflect.TypeFor[jparse.Node]() || reg.Type != reflect.TypeFor[map[string]reflect.Value]() {
		return layout, errors.New("the JSONata library's Expr layout is not the one this package knows")
	}
	layout.node, layout.registry = node.Offset, reg.Offset
	return layout, nil
})

// staticRegistry is the registry every evaluation starts from: AWS's
// added functions, the depth guard, and the library's non-standard
// functions replaced by ones that refuse to run.
var staticRegistry = sync.OnceValues(func() (map[string]reflect.Value, error) {
	layout, err := xiaLayout()
	if err != nil {
		return nil, err
	}
	e, err := jsonata.Compile("1")
	if err != nil {
		return nil, err
	}
	exts := awsFunctions()
	exts[guardFunc] = jsonata.Extension{Func: callGuarded}
	for _, name := range []string{"eval", "objmerge", "sjoin", "unescape", "hashmd5", "hash256", "dateTimeDim",
		"dateTimeDimLite", "timeSince", "objectsToDocument", "oneToManyJoin", "accumulatingSlice", "renameKeys"} {
		exts[name] = jsonata.Extension{Func: unavailable(name)}
	}
	exts["assert"] = jsonata.Extension{Func: assert}
	exts["single"] = jsonata.Extension{Func: single, UndefinedHandler: jtypes.ArgUndefined(0)}
	exts["pad"] = jsonata.Extension{Func: pad, UndefinedHandler: jtypes.ArgUndefined(0),
		EvalContextHandler: func(argv []reflect.Value) bool { // x.$pad(5)
			return len(argv) == 1 && jtypes.IsNumber(argv[0]) || len(argv) == 2 && jtypes.IsNumber(argv[0]) && jtypes.IsString(argv[1])
		}}
	exts["formatNumber"] = jsonata.Extension{Func: formatNumber, UndefinedHandler: jtypes.ArgUndefined(0),
		EvalContextHandler: func(argv []reflect.Value) bool { // x.$formatNumber('#0')
			return (len(argv) == 1 || len(argv) == 2) && jtypes.IsString(argv[0])
		}}
	exts["formatInteger"] = jsonata.Extension{Func: formatInteger, UndefinedHandler: jtypes.ArgUndefined(0),
		EvalContextHandler: func(argv []reflect.Value) bool { // x.$formatInteger('w')
			return len(argv) == 1 && jtypes.IsString(argv[0])
		}}
	exts["parseInteger"] = jsonata.Extension{Func: parseInteger, UndefinedHandler: jtypes.ArgUndefined(0),
		EvalContextHandler: func(argv []reflect.Value) bool { // s.$parseInteger('#,##0')
			return len(argv) == 1 && jtypes.IsString(argv[0])
		}}
	if err := e.RegisterExts(exts); err != nil {
		return nil, err
	}
	reg := *(*map[string]reflect.Value)(unsafe.Add(unsafe.Pointer(e), layout.registry))
	for _, name := range libraryFunctions {
		if _, ok := reg[name]; ok {
			continue
		}
		f, err := jsonata.Compile("$" + name)
		if err != nil {
			return nil, err
		}
		v, err := f.Eval(nil)
		if err != nil {
			return nil, fmt.Errorf("the JSONata library has no function $%s: %w", name, err)
		}
		reg[name] = privateCopy(reflect.ValueOf(v))
	}
	return reg, nil
})

// libraryFunctions are the functions of JSONata's standard library that
// the library implements.
var libraryFunctions = []string{"string", "length", "substring", "substringBefore", "substringAfter", "uppercase",
	"lowercase", "pad", "trim", "contains", "split", "join", "match", "replace", "formatBase", "base64encode",
	"base64decode", "decodeUrl", "decodeUrlComponent", "encodeUrl", "encodeUrlComponent", "number", "abs", "floor",
	"ceil", "round", "power", "sqrt", "sum", "max", "min", "average", "boolean", "not", "exists", "distinct",
	"count", "reverse", "sort", "shuffle", "zip", "append", "map", "filter", "reduce", "single", "each", "sift",
	"keys", "lookup", "spread", "merge", "fromMillis", "toMillis", "type", "error"}

// privateCopy returns a copy of the function v. The library's functions
// keep the evaluation context of their last call in the function itself
// (goCallable.SetContext) and read it unlocked, so that two evaluations
// sharing one race and may read each other's context; every evaluation
// therefore calls copies of its own, made from templates no evaluation
// calls.
func privateCopy(v reflect.Value) reflect.Value {
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return v
	}
	c := reflect.New(v.Elem().Type())
	c.Elem().Set(v.Elem())
	return c
}

// Names the compiled AST uses for the depth guard.
const (
	guardFunc  = "sfnGuardedCall"
	guardDepth = "sfnGuardDepth"
)

// depthGuard counts the calls of user-defined functions in progress in
// one evaluation; enter(1) fails past maxLambdaDepth.
type depthGuard func(delta int) error

// callGuarded runs a user-defined function's body (wrapped by compile in
// a function of no arguments) under the evaluation's depth guard.
func callGuarded(g depthGuard, body jtypes.Callable) (any, error) {
	if g == nil {
		return nil, errors.New("user-defined functions cannot run outside an expression")
	}
	if err := g(1); err != nil {
		return nil, err
	}
	defer g(-1) //nolint:errcheck // leaving never fails
	v, err := body.Call(nil)
	if err != nil {
		return nil, err
	}
	if !v.IsValid() {
		return nil, jtypes.ErrUndefined
	}
	return v.Interface(), nil
}

func (xiaCompiler) compile(src string) (compiledExpr, error) {
	if exprNestedDeeper(src, maxExprNesting) {
		return nil, fmt.Errorf("the expression nests deeper than %d levels", maxExprNesting)
	}
	layout, err := xiaLayout()
	if err != nil {
		return nil, err
	}
	if _, err := staticRegistry(); err != nil {
		return nil, err
	}
	e, err := compileRecovering(src)
	if err != nil {
		return nil, err
	}
	nodePtr := (*jparse.Node)(unsafe.Add(unsafe.Pointer(e), layout.node))
	x := &xiaExpr{expr: e, static: map[string]reflect.Value{}}
	static, _ := staticRegistry()
	used, bound := map[string]bool{}, map[string]bool{"states": true, "": true}
	inspectNodes(reflect.ValueOf(*nodePtr), func(n jparse.Node) {
		switch n := n.(type) {
		case *jparse.VariableNode:
			if v, ok := static[n.Name]; ok {
				x.static[n.Name] = v
			}
			used[n.Name] = true
		case *jparse.AssignmentNode:
			bound[n.Name] = true
		case *jparse.LambdaNode:
			for _, p := range n.ParamNames {
				bound[p] = true
			}
			x.loops = true
		case *jparse.TypedLambdaNode:
			for _, p := range n.ParamNames {
				bound[p] = true
			}
			x.loops = true
		case *jparse.RangeNode:
			x.loops = true
		}
	})
	for name := range used {
		if !bound[name] && !strings.HasPrefix(name, "sfnGuard") {
			x.free = append(x.free, name)
		}
	}
	sort.Strings(x.free)
	x.fast = compileFast(*nodePtr)
	*nodePtr = rewriteNode(*nodePtr)
	if x.loops {
		x.static[guardFunc] = static[guardFunc]
	}
	return x, nil
}

// isLibraryName reports whether name is a function of JSONata's library or
// one AWS adds, which a variable cannot usefully shadow.
func isLibraryName(name string) bool {
	if _, ok := staticRegistryNames()[name]; ok {
		return true
	}
	e, err := jsonata.Compile("$" + name)
	if err != nil {
		return false
	}
	v, err := e.Eval(nil)
	return err == nil && v != nil
}

// staticRegistryNames are the names of staticRegistry.
func staticRegistryNames() map[string]reflect.Value {
	m, _ := staticRegistry()
	return m
}

// inspectNodes calls f with every node reachable from v.
func inspectNodes(v reflect.Value, f func(jparse.Node)) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || v.Elem().Kind() != reflect.Struct {
			return
		}
		if n, ok := v.Interface().(jparse.Node); ok {
			f(n)
		}
		inspectNodes(v.Elem(), f)
	case reflect.Struct:
		if v.Type().PkgPath() != nodeType.PkgPath() {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				inspectNodes(v.Field(i), f)
			}
		}
	case reflect.Interface:
		if !v.IsNil() {
			inspectNodes(v.Elem(), f)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			inspectNodes(v.Index(i), f)
		}
	}
}

// exprNestedDeeper reports whether the brackets of the expression src nest
// more than limit deep; brackets inside string literals do not count.
func exprNestedDeeper(src string, limit int) bool {
	depth := 0
	var quote byte
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '(' || c == '[' || c == '{':
			if depth++; depth > limit {
				return true
			}
		case c == ')' || c == ']' || c == '}':
			depth--
		}
	}
	return false
}

func compileRecovering(src string) (e *jsonata.Expr, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, err = nil, fmt.Errorf("%v", r)
		}
	}()
	return jsonata.Compile(src)
}

var (
	nodeType   = reflect.TypeFor[jparse.Node]()
	lambdaType = reflect.TypeFor[jparse.LambdaNode]()
)

// rewriteNode makes the compiled tree safe to evaluate repeatedly and
// concurrently, and bounded:
//   - a function application whose right side is a call (x ~> $f(y)) is
//     turned into the call ($f(x, y)) once, here; the library does it at
//     every evaluation by appending to the shared tree;
//   - every user-defined function's body runs through the depth guard:
//     function($a){ body } becomes function($a){ $guard($depth, function(){ body }) }.
func rewriteNode(n jparse.Node) jparse.Node {
	if n == nil {
		return nil
	}
	if fa, ok := n.(*jparse.FunctionApplicationNode); ok {
		if call, ok := fa.RHS.(*jparse.FunctionCallNode); ok {
			call.Args = append([]jparse.Node{fa.LHS}, call.Args...)
			return rewriteNode(call)
		}
	}
	rewriteFields(reflect.ValueOf(n))
	return n
}

// rewriteFields rewrites the nodes reachable from v through exported
// fields, slices and arrays.
func rewriteFields(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		s := v.Elem()
		if s.Kind() != reflect.Struct {
			return
		}
		rewriteFields(s)
		if s.Type() == lambdaType {
			l := v.Interface().(*jparse.LambdaNode)
			l.Body = &jparse.FunctionCallNode{
				Func: &jparse.VariableNode{Name: guardFunc},
				Args: []jparse.Node{&jparse.VariableNode{Name: guardDepth}, &jparse.LambdaNode{Body: l.Body}},
			}
		}
	case reflect.Struct:
		if v.Type().PkgPath() != nodeType.PkgPath() {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				rewriteFields(v.Field(i))
			}
		}
	case reflect.Interface:
		if v.Type() == nodeType && !v.IsNil() && v.CanSet() {
			v.Set(reflect.ValueOf(rewriteNode(v.Interface().(jparse.Node))))
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			rewriteFields(v.Index(i))
		}
	}
}

func (x *xiaExpr) eval(input any, vars map[string]any, timeout time.Duration) (any, error) {
	if x.fast != nil {
		if v, defined, ok := x.fast.eval(vars); ok {
			if !defined {
				return nil, errUndefined
			}
			return v, nil
		}
	}
	layout, _ := xiaLayout()
	reg := make(map[string]reflect.Value, len(x.static)+len(vars)+1)
	for k, v := range x.static {
		reg[k] = privateCopy(v)
	}
	ko := keyOrder{}
	for k, v := range vars {
		if k == evalTimeKey {
			continue
		}
		reg[k] = reflect.ValueOf(ko.toJSONata(v))
	}
	if now, ok := vars[evalTimeKey].(time.Time); ok {
		bindTime(reg, now)
	}
	in := ko.toJSONata(input)
	e := *x.expr
	*(*map[string]reflect.Value)(unsafe.Add(unsafe.Pointer(&e), layout.registry)) = reg
	if !x.loops {
		return evalInline(&e, in, ko)
	}
	if runaway.Load() >= maxRunaway {
		return nil, errors.New("too many expressions are still running past their time limit")
	}
	depth := 0
	reg[guardDepth] = reflect.ValueOf(depthGuard(func(delta int) error {
		depth += delta
		if depth > maxLambdaDepth {
			return fmt.Errorf("user-defined functions nest deeper than %d calls", maxLambdaDepth)
		}
		return nil
	}))

	type outcome struct {
		v   any
		err error
	}
	// state goes from evalRunning to evalDone when the evaluation ends, or
	// to evalLate when its deadline passes first; whichever comes second
	// settles the runaway count.
	const (
		evalRunning = iota
		evalDone
		evalLate
	)
	var state atomic.Int32
	done := make(chan outcome, 1)
	go func() {
		var out outcome
		defer func() {
			if r := recover(); r != nil {
				out = outcome{err: fmt.Errorf("%v", r)}
			}
			done <- out
			if !state.CompareAndSwap(evalRunning, evalDone) {
				runaway.Add(-1)
			}
		}()
		out.v, out.err = e.Eval(in)
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case out := <-done:
		return evalResult(out.v, out.err, ko)
	case <-timer.C:
		if state.CompareAndSwap(evalRunning, evalLate) {
			runaway.Add(1)
			return nil, errEvalTimeout
		}
		out := <-done // it ended at the same moment
		return evalResult(out.v, out.err, ko)
	}
}

// evalInline evaluates e in the calling goroutine.
func evalInline(e *jsonata.Expr, input any, ko keyOrder) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("%v", r)
		}
	}()
	v, err = e.Eval(input)
	return evalResult(v, err, ko)
}

// evalResult converts the library's result and error; ko is the key order
// of the objects given to it.
func evalResult(v any, err error, ko keyOrder) (any, error) {
	if err != nil {
		if errors.Is(err, jsonata.ErrUndefined) {
			return nil, errUndefined
		}
		return nil, err
	}
	return ko.fromJSONata(v)
}
