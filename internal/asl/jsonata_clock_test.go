package asl

import (
	"strings"
	"testing"
	"time"
)

// TestJSONataClockFuncs: $now and $millis bound to the execution's clock
// answer for that time, and refuse arguments as the library's functions
// do (in the library's words where it has them).
func TestJSONataClockFuncs(t *testing.T) {
	at := map[string]any{evalTimeKey: time.Date(2024, 1, 2, 3, 4, 5, 678e6, time.UTC)}
	checkJSONata(t, at, []struct{ expr, want string }{
		{"$millis()", `1704164645678`},
		{"$now()", `"2024-01-02T03:04:05.678Z"`},
		{"$now('[Y0001]-[M01]')", `"2024-01"`},
		{"$now('[H01]:[m01]', '+0130')", `"04:34"`},
		{"$now(undefined, '-0100')", `"2024-01-02T02:04:05.678-01:00"`},
		{"$now($nothing)", `"2024-01-02T03:04:05.678Z"`},
		{"$map([1, 2], function($v){ $millis() }) ~> $distinct()", `[1704164645678]`},
		{"($m := $millis; $m())", `1704164645678`},
	})
	for _, tc := range []struct{ expr, want string }{
		{"$millis(1)", "takes 0 argument"},
		{"$now('a', 'b', 'c')", "takes 2 argument"},
		{"$now(1)", "argument 1"},
		{"$now('[Y]', 100)", "argument 2"},
		{"$now('[Y]', 'zone')", "timezone"},
	} {
		if _, err := evalJSONata(t, tc.expr, at); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.expr, err, tc.want)
		}
	}
}

// TestJSONataClockBindingIsCheap: binding $now and $millis to the
// execution's clock costs an evaluation a few allocations. It compiled a
// throwaway expression and registered both functions through the library
// at every evaluation: 14 allocations more than on the wall clock.
func TestJSONataClockBindingIsCheap(t *testing.T) {
	e, err := jsonataEngine.compile("$millis() + 1")
	if err != nil {
		t.Fatal(err)
	}
	wall := map[string]any{}
	clock := map[string]any{evalTimeKey: time.Now()}
	count := func(vars map[string]any) float64 {
		return testing.AllocsPerRun(200, func() {
			if _, err := e.eval(nil, vars, time.Second); err != nil {
				t.Fatal(err)
			}
		})
	}
	if onWall, onClock := count(wall), count(clock); onClock > onWall+3 {
		t.Errorf("an evaluation on the execution's clock makes %v allocations, on the wall clock %v; want at most 3 more", onClock, onWall)
	}
}
