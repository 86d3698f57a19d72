package asl

import (
	"fmt"
	"reflect"
	"time"

	"github.com/xiatechs/jsonata-go/jlib"
	"github.com/xiatechs/jsonata-go/jtypes"
)

// $now and $millis on the execution's clock. The library binds them to the
// wall clock; an evaluation that has the execution's time binds these in
// their place. They are small values of their own rather than library
// extensions, which the library can only make by compiling an expression
// and inspecting each function's signature: an evaluation pays for two
// small allocations, not for a compilation.

// clockFunc is $millis() or $now([picture[, timezone]]) answering for the
// time ms, in milliseconds since the Unix epoch.
type clockFunc struct {
	name string // "millis" or "now"
	ms   int64
}

// bindTime binds $now and $millis in reg to the time now; a workflow
// variable of either name, already in reg, keeps its place.
func bindTime(reg map[string]reflect.Value, now time.Time) {
	ms := now.UnixMilli()
	for _, name := range []string{"millis", "now"} {
		if _, ok := reg[name]; !ok {
			reg[name] = reflect.ValueOf(&clockFunc{name: name, ms: ms})
		}
	}
}

// Name implements jtypes.Callable.
func (f *clockFunc) Name() string { return f.name }

// ParamCount implements jtypes.Callable.
func (f *clockFunc) ParamCount() int {
	if f.name == "now" {
		return 2
	}
	return 0
}

// Call implements jtypes.Callable, checking the arguments as the library
// checks those of its own $now and $millis: $millis takes none, $now up to
// two strings, each of which may be undefined.
func (f *clockFunc) Call(argv []reflect.Value) (reflect.Value, error) {
	if len(argv) > f.ParamCount() {
		return reflect.Value{}, fmt.Errorf("function %q takes %d argument(s), got %d", f.name, f.ParamCount(), len(argv))
	}
	if f.name == "millis" {
		return reflect.ValueOf(f.ms), nil
	}
	var opts [2]jtypes.OptionalString
	for i, v := range argv {
		v = jtypes.Resolve(v)
		if !v.IsValid() {
			continue
		}
		if v.Kind() != reflect.String {
			return reflect.Value{}, fmt.Errorf("argument %d of function %q must be a string", i+1, f.name)
		}
		opts[i].Set(reflect.ValueOf(v.String()))
	}
	s, err := jlib.FromMillis(f.ms, opts[0], opts[1])
	if err != nil {
		return reflect.Value{}, err
	}
	return reflect.ValueOf(s), nil
}
