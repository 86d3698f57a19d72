package asl

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func evalJSONata(t *testing.T, src string, vars map[string]any) (any, error) {
	t.Helper()
	e, err := jsonataEngine.compile(src)
	if err != nil {
		return nil, err
	}
	return e.eval(nil, vars, evalHangGuard)
}

// checkJSONata evaluates each case's expression with vars and checks the
// JSON text of its value.
func checkJSONata(t *testing.T, vars map[string]any, cases []struct{ expr, want string }) {
	t.Helper()
	for _, tc := range cases {
		got, err := evalJSONata(t, tc.expr, vars)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if s := marshalString(got); s != tc.want {
			t.Errorf("%s = %s, want %s", tc.expr, s, tc.want)
		}
	}
}

// evalHangGuard bounds an evaluation in these tests only so that a bug
// cannot hang them: the bounds they check (nesting depth, widths) must end
// an evaluation first. Recursing to maxLambdaDepth takes 1-3 s under -race
// and passed 10 s on a loaded machine, where "took too long" then hid the
// depth error the test asserts.
const evalHangGuard = 2 * time.Minute

func TestJSONataEval(t *testing.T) {
	in, err := parseJSON([]byte(`{"a":null,"b":[],"c":3,"d":[1,null],"e":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]any{"states": map[string]any{"input": in}}
	checkJSONata(t, vars, []struct{ expr, want string }{
		{"$states.input", `{"a":null,"b":[],"c":3,"d":[1,null],"e":{}}`},
		{"$states.input.a", `null`},
		{"$states.input.b", `[]`},
		{"{'x': $states.input.a, 'y': $states.input.b}", `{"x":null,"y":[]}`},
		{"$states.input.c + 1", `4`},
		{"$range(1, 9, 9)", `1`},
		{"$range(0, 10, 5)", `[0,5,10]`},
		{"$range(3, 1, -1)", `[3,2,1]`},
		{"$partition([1,2,3,4,5], 2)", `[[1,2],[3,4],[5]]`},
		{"$hash('input data', 'SHA-1')", `"aaff4a450a104cd177d28d18d74485e8cae074b7"`},
		{"$parse('{\"k\":[null,{}]}')", `{"k":[null,{}]}`},
		{"$random(7) = $random(7)", `true`},
		{"$length($uuid())", `36`},
		{"$states.input.d ~> $count()", `2`},
		{"($f := function($n){ $n <= 1 ? 1 : $n * $f($n - 1) }; $f(10))", `3628800`},
		{"$formatNumber(12345.6, '#,###.00')", `"12,345.60"`},
		// JSONata 2.0.6 functions AWS supports that the library lacks or
		// takes otherwise: $assert, and $single without a function.
		{"($assert(1 = 1, 'never'); 'ok')", `"ok"`},
		{"$single([7])", `7`},
		{"$single('x')", `"x"`},
		{"$single([1,2,3], function($v){ $v > 2 })", `3`},
		{"$pad('ab', 5)", `"ab   "`},
		{"$pad('ab', -5, 'xy')", `"xyxab"`},
		{"$pad('ab', 1)", `"ab"`},
		{"$pad('é', 3, 'ü')", `"éüü"`},
		{"$pad('ab', 3.7)", `"ab "`},
		// padding characters are repeated only as far as the width
		{"$length($pad('x', 100000, '" + strings.Repeat("0123456789", 100) + "'))", `100000`},
	})
}

func TestJSONataHazards(t *testing.T) {
	// Each would kill the process or loop forever without the bounds.
	for _, tc := range []struct{ expr, want string }{
		{"($f := function($n){ $f($n + 1) }; $f(0))", "nest deeper"},
		{"($g := function($h){ $h($h) }; $g($g))", "nest deeper"},
		{"$formatNumber(0, '0e0')", "exponent"},
		{"$eval('1 + 1')", "not supported"},
		// $pad built its padding whole, without a bound and inline, so
		// that a width of 2e9 took gigabytes.
		{"$length($pad('', 10000000))", "longer than"},
		{"$length($pad('', -10000000))", "longer than"},
		{"$pad('x', 1e300)", "longer than"},
		{strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300), "nests deeper"},
	} {
		_, err := evalJSONata(t, tc.expr, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.40s: err = %v, want %q", tc.expr, err, tc.want)
		}
	}
	// A function application evaluated twice does not grow.
	e, err := jsonataEngine.compile("[1,2] ~> $append([3])")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		v, err := e.eval(nil, nil, time.Second)
		if err != nil || marshalString(v) != "[1,2,3]" {
			t.Fatalf("eval = %v, %v", marshalString(v), err)
		}
	}
	if _, err := evalJSONata(t, "$nothing", nil); !errors.Is(err, errUndefined) {
		t.Errorf("undefined: err = %v", err)
	}
	if _, err := evalJSONata(t, "function($x){$x}", nil); !errors.Is(err, errUnsupportedResult) {
		t.Errorf("function: err = %v", err)
	}
}

// TestJSONataFunctionErrors: the functions this package adds or replaces
// fail with a message that says why.
func TestJSONataFunctionErrors(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{"$assert(1 = 2, 'amounts differ')", "amounts differ"},
		{"$assert(false)", "$assert() statement failed"},
		{"$single([1,2])", "exactly one"},
		{"$single([])", "exactly one"},
	} {
		_, err := evalJSONata(t, tc.expr, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.expr, err, tc.want)
		}
	}
}

// TestJSONataFastPathAgrees: the expressions evaluated without the library
// give what the library gives.
func TestJSONataFastPathAgrees(t *testing.T) {
	in, err := parseJSON([]byte(`{"s":"b","n":3,"f":2.5,"t":true,"z":null,"o":{"k":[1,2]},"a":[{"k":1},{"k":2}],
		"i":9007199254740993,"u":18446744073709551615,"w":{"u":[18446744073709551615]}}`))
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]any{"states": map[string]any{"input": in}, "v": int64(7), "big": json.Number("18446744073709551615")}
	for _, src := range []string{
		"$states.input.s", "$states.input.n", "$states.input.z", "$states.input.o", "$states.input.missing",
		"$states.input.o.k", "$states.input.a.k", "$v", "'x'", "1.5", "true", "null",
		"$states.input.n > 2", "$states.input.n = 3", "$states.input.f <= 2.5", "$states.input.s < 'c'",
		"$states.input.s = 1", "$states.input.s != 1", "$states.input.z = null", "$states.input.t = true",
		"$states.input.n > 2 and $states.input.s = 'b'", "$states.input.n < 2 or $states.input.t",
		"$states.input.missing = 1", "$v = 7 and $states.input.missing",
		// integers past 2^53 and past int64
		"$states.input.i", "$states.input.i = 9007199254740992", "$states.input.i > 9007199254740992", "9007199254740993",
		"$states.input.u", "$states.input.w", "$states.input", "$big", "$states.input.u = $big", "$states.input.u > 1",
	} {
		e, err := jsonataEngine.compile(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		x := e.(*xiaExpr)
		fast, fastErr := x.eval(nil, vars, time.Second)
		slow := *x
		slow.fast = nil
		lib, libErr := slow.eval(nil, vars, time.Second)
		if marshalString(fast) != marshalString(lib) || (fastErr == nil) != (libErr == nil) {
			t.Errorf("%s: fast path = %s, %v; library = %s, %v", src, marshalString(fast), fastErr, marshalString(lib), libErr)
		}
	}
}

// TestJSONataBigIntegers: an integer of the input past 2^53 that fits
// int64 passes through an expression exactly, arithmetic and comparisons
// read it as a float64 (JSONata's numbers are IEEE doubles), and one past
// int64 is read as the nearest float64 whichever way the expression is
// evaluated. "{% $states.input.u %}" gave u exactly, unlike
// "{% [$states.input.u] %}".
func TestJSONataBigIntegers(t *testing.T) {
	in, err := parseJSON([]byte(`{"i":9007199254740993,"u":18446744073709551615}`))
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]any{"states": map[string]any{"input": in}}
	checkJSONata(t, vars, []struct{ expr, want string }{
		{"$states.input.i", `9007199254740993`},
		{"[$states.input.i]", `[9007199254740993]`},
		{"$states.input.i + 0", `9007199254740992`},
		{"9007199254740993", `9007199254740992`},
		{"$states.input.i = 9007199254740992", `true`},
		{"$states.input.u", `18446744073709552000`},
		{"[$states.input.u]", `[18446744073709552000]`},
		{"$states.input", `{"i":9007199254740993,"u":18446744073709552000}`},
	})
}
