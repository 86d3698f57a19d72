package asl

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// allocated returns the bytes f allocated.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// refs returns n comma-separated copies of ref.
func refs(ref string, n int) string {
	return strings.TrimSuffix(strings.Repeat(ref+", ", n), ", ")
}

// TestIntrinsicRefusedBeforeBuilt checks that a call whose result would be
// over the payload quota fails with States.DataLimitExceeded without
// building it: the reproductions (States.Format with thousands of
// references to a large input, States.JsonToString over a States.Array of
// them) and their relatives.
func TestIntrinsicRefusedBeforeBuilt(t *testing.T) {
	input := `{"big":"` + strings.Repeat("x", 250_000) + `","s":"` + strings.Repeat("a,", 100_000) + `",` +
		`"list":[` + refs("1", 100_000) + `],"o1":{"a":"` + strings.Repeat("y", 150_000) + `"},"o2":{"b":"` + strings.Repeat("z", 150_000) + `"}}`
	tests := []struct{ name, expr string }{
		{"Format of 4,000 references", `States.Format('` + strings.Repeat("{}", 4000) + `', ` + refs("$.big", 4000) + `)`},
		{"Format of an array of references", `States.Format('{}', States.Array(` + refs("$.big", 4000) + `))`},
		{"JsonToString of an Array of 4,000 references", `States.JsonToString(States.Array(` + refs("$.big", 4000) + `))`},
		{"Array of two references", `States.Array($.big, $.big)`},
		{"StringSplit into 100,000 parts", `States.StringSplit($.s, ',')`},
		{"ArrayPartition into 100,000 chunks", `States.ArrayPartition($.list, 1)`},
		{"JsonMerge of two large objects", `States.JsonMerge($.o1, $.o2, false)`},
		{"nested Arrays", `States.Array(States.Array($.o1, $.o1), States.Array($.o2))`},
	}
	in, err := parseJSON([]byte(input))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			call, err := compileIntrinsic(tc.expr)
			if err != nil {
				t.Fatal(err)
			}
			var serr *stateError
			bytes := allocated(func() { _, serr = call.eval(in, noContext{}) })
			if serr == nil || serr.Name != ErrDataLimitExceeded {
				t.Fatalf("eval = %v, want States.DataLimitExceeded", serr)
			}
			if bytes > 2<<20 {
				t.Errorf("eval allocated %d bytes before failing, want under 2 MiB", bytes)
			}
		})
	}
}

// TestIntrinsicWorkBudget checks that the calls of one template may not
// return more than maxIntrinsicWork bytes together, each under the quota.
func TestIntrinsicWorkBudget(t *testing.T) {
	fields := make([]string, 100)
	for i := range fields {
		fields[i] = fmt.Sprintf(`"f%d.$":"States.Format('{}', $.big)"`, i)
	}
	def := `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{` + strings.Join(fields, ",") + `},"End":true}}}`
	m := mustParse(t, def)
	input := json.RawMessage(`{"big":"` + strings.Repeat("x", 200_000) + `"}`)
	var res Result
	bytes := allocated(func() { res = m.Run(context.Background(), input, Options{Clock: newFakeClock(0)}) })
	if res.Status != StatusFailed || res.Error != ErrDataLimitExceeded || !strings.Contains(res.Cause, "together") {
		t.Fatalf("Run = %s %s %.200s, want FAILED States.DataLimitExceeded for the calls together", res.Status, res.Error, res.Cause)
	}
	if !strings.HasPrefix(res.Cause, "An error occurred while executing the state 'P'") {
		t.Errorf("cause %q does not name the state", res.Cause)
	}
	if bytes > 8<<20 {
		t.Errorf("Run allocated %d bytes, want under 8 MiB (100 results of 200 KB would be 20 MB)", bytes)
	}
}

// exactSize are the intrinsic functions whose size function is exact, not a
// bound.
var exactSize = map[string]bool{"States.Array": true, "States.ArrayPartition": true, "States.ArrayRange": true,
	"States.ArrayGetItem": true, "States.JsonMerge": true, "States.Base64Encode": true}

// TestIntrinsicSizeNeverRefusesWhatFits checks every size function against
// the result its function builds: a result that fits a limit is never
// measured over it beforehand.
func TestIntrinsicSizeNeverRefusesWhatFits(t *testing.T) {
	input := `{"t":"a {} b \\{","o":{"k":[1,"two",{"x":null}],"q":"\"quoted\"\n"},"o2":{"k":true,"z":1.5},` +
		`"s":",a,,bc,\u00e9\u2028,","d":",","l":[1,2,2,"2",{"a":1},{"a":1}],"n":3,"b64":"aGVsbG8=","u":"\u0001<>&"}`
	exprs := []string{
		`States.Format('x{}y\{\}{}', $.o, $.l)`, `States.Format($.t, $.u)`, `States.Format('{}', $.o2)`,
		`States.StringToJson('{"a": [1, 2e3, "x"]}')`, `States.JsonToString($.o)`, `States.JsonToString($.u)`,
		`States.Array($.o, $.l, 'x', null)`, `States.Array()`, `States.ArrayPartition($.l, 4)`, `States.ArrayPartition($.l, 1)`,
		`States.ArrayPartition(States.Array(), 2)`, `States.ArrayContains($.l, 2)`, `States.ArrayRange(1, 1000, 1)`, `States.ArrayRange(-5, 7, 3)`,
		`States.ArrayGetItem($.l, 4)`, `States.ArrayLength($.l)`, `States.ArrayUnique($.l)`, `States.Base64Encode($.u)`,
		`States.Base64Decode($.b64)`, `States.Hash($.o, 'SHA-512')`, `States.JsonMerge($.o, $.o2, false)`,
		`States.JsonMerge($.o, $.o, false)`, `States.MathRandom(1, 10)`, `States.MathAdd(-9223372036854775807, -1)`,
		`States.StringSplit($.s, $.d)`, `States.StringSplit($.s, '')`, `States.StringSplit($.u, '<&')`, `States.UUID()`,
	}
	in, err := parseJSON([]byte(input))
	if err != nil {
		t.Fatal(err)
	}
	for _, expr := range exprs {
		call, err := compileIntrinsic(expr)
		if err != nil {
			t.Fatalf("compileIntrinsic(%s): %v", expr, err)
		}
		args := make([]any, len(call.args))
		for i, a := range call.args {
			switch a.kind {
			case argLiteral:
				args[i] = a.lit
			case argPath:
				args[i], _, _ = a.path.get(in, noContext{})
			case argCall:
				args[i], _ = a.call.eval(in, noContext{})
			}
		}
		v, err := call.fn.call(call, args)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		n := jsonSize(v, MaxPayloadSize)
		if size := call.fn.size(call, args, MaxPayloadSize); size > MaxPayloadSize {
			t.Errorf("%s: size %d over the quota for a result of %d bytes", expr, size, n)
		}
		size := call.fn.size(call, args, n)
		if size > n && size > smallResult {
			t.Errorf("%s: size %d with limit %d, the result's own length", expr, size, n)
		}
		if exactSize[call.name] && size != n {
			t.Errorf("%s: size %d, want exactly the result's length %d", expr, size, n)
		}
	}
}

// TestTaskInputOverQuota checks that a Task whose input after Parameters is
// over the quota fails with States.DataLimitExceeded before the task runs,
// with or without history.
func TestTaskInputOverQuota(t *testing.T) {
	def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","Parameters":{"a.$":"$.s","b.$":"$.s"},"End":true}}}`
	m := mustParse(t, def)
	input := json.RawMessage(`{"s":"` + strings.Repeat("x", 200_000) + `"}`)
	for _, history := range []bool{false, true} {
		called := false
		opts := Options{Clock: newFakeClock(0), Invoke: func(context.Context, string, json.RawMessage) (json.RawMessage, error) {
			called = true
			return nil, nil
		}}
		if history {
			opts.Emit = (&recorder{}).emit
		}
		res := m.Run(context.Background(), input, opts)
		if res.Status != StatusFailed || res.Error != ErrDataLimitExceeded || called {
			t.Errorf("history %v: Run = %s %s %.100s (task called: %v), want FAILED States.DataLimitExceeded before the task",
				history, res.Status, res.Error, res.Cause, called)
		}
	}
}

// TestMemoryBudgetBoundsHistory checks that a loop that keeps a large
// payload in its history ends FAILED with States.DataLimitExceeded once the
// events pass the execution's memory budget, and that Catch cannot keep it
// going.
func TestMemoryBudgetBoundsHistory(t *testing.T) {
	def := `{"StartAt":"Loop","States":{"Loop":{"Type":"Parallel","End":true,
		"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Loop"}],
		"Branches":[{"StartAt":"P","States":{"P":{"Type":"Pass","Next":"C"},
			"C":{"Type":"Choice","Choices":[{"Variable":"$.stop","IsPresent":true,"Next":"D"}],"Default":"P"},
			"D":{"Type":"Succeed"}}}]}}}`
	m := mustParse(t, def)
	input := json.RawMessage(`{"s":"` + strings.Repeat("x", 100_000) + `"}`)
	rec := &recorder{}
	res := m.Run(context.Background(), input, Options{Clock: newFakeClock(0), Emit: rec.emit, MemoryBudget: 10 << 20})
	if res.Status != StatusFailed || res.Error != ErrDataLimitExceeded || !strings.Contains(res.Cause, "memory budget of 10485760 bytes") {
		t.Fatalf("Run = %s %s %q, want FAILED States.DataLimitExceeded over the memory budget", res.Status, res.Error, res.Cause)
	}
	if n := len(rec.events); n > 120 {
		t.Errorf("%d events of 100 KB recorded, want the run stopped at about 10 MiB", n)
	}
}

// TestMemoryBudgetBoundsFanOut checks that the outputs of a Map state's
// iterations count against the budget until they are joined, without
// history.
func TestMemoryBudgetBoundsFanOut(t *testing.T) {
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","End":true,
		"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"s.$":"States.Format('{}{}', $$.Execution.Input.s, $$.Execution.Input.s)"},"End":true}}}}}}`
	m := mustParse(t, def)
	input := json.RawMessage(`{"s":"` + strings.Repeat("x", 2000) + `","items":[` + refs("0", 60) + `]}`)
	res := m.Run(context.Background(), input, Options{Clock: newFakeClock(0), MemoryBudget: 100_000})
	if res.Status != StatusFailed || res.Error != ErrDataLimitExceeded {
		t.Fatalf("Run = %s %s %q, want FAILED States.DataLimitExceeded over the memory budget", res.Status, res.Error, res.Cause)
	}
	// The same run fits the default budget.
	if res := m.Run(context.Background(), input, Options{Clock: newFakeClock(0)}); res.Status != StatusSucceeded {
		t.Errorf("Run with the default budget = %s %s %q, want SUCCEEDED", res.Status, res.Error, res.Cause)
	}
}

// TestWaitBeyondOneYear checks that a Wait longer than AWS's one-year
// maximum execution time ends the execution TIMED_OUT with States.Timeout
// after one year, as AWS ends a Standard execution, and not before.
func TestWaitBeyondOneYear(t *testing.T) {
	m := mustParse(t, `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":99999999,"Next":"Done"},"Done":{"Type":"Succeed"}}}`)
	clock := newFakeClock(0)
	done := make(chan Result, 1)
	go func() { done <- m.Run(context.Background(), nil, Options{Clock: clock, Emit: (&recorder{}).emit}) }()
	clock.waitPending(t, 1)
	clock.Advance(MaxExecutionTime - time.Second)
	select {
	case res := <-done:
		t.Fatalf("Run ended before a year: %s %s", res.Status, res.Cause)
	case <-time.After(50 * time.Millisecond):
	}
	clock.Advance(time.Second)
	res := <-done
	if res.Status != StatusTimedOut || res.Error != ErrTimeout || !strings.Contains(res.Cause, "one year") {
		t.Errorf("Run = %s %s %q, want TIMED_OUT States.Timeout after one year", res.Status, res.Error, res.Cause)
	}
}

// TestPathDescentsBounded checks that a path with several descents ("..")
// over a deeply nested input fails at once with States.Runtime, naming the
// path, in every field that reads a path: unbounded, "$..a..a..a" over 400
// levels of {"a": ...} (2 KB) took seconds and gigabytes, and over 1,000
// levels it did not finish in a minute.
func TestPathDescentsBounded(t *testing.T) {
	input := strings.Repeat(`{"a":`, 1000) + "1" + strings.Repeat("}", 1000)
	const path = "$..a..a..a"
	for field, state := range map[string]string{
		"Parameters": `{"Type":"Pass","Parameters":{"x.$":"` + path + `"},"End":true}`,
		"InputPath":  `{"Type":"Pass","InputPath":"` + path + `","End":true}`,
		"intrinsic":  `{"Type":"Pass","Parameters":{"n.$":"States.ArrayLength(` + path + `)"},"End":true}`,
		"Choice":     `{"Type":"Choice","Choices":[{"Variable":"` + path + `","IsPresent":true,"Next":"S"}],"Default":"S"},"S":{"Type":"Succeed"}`,
		"filter":     `{"Type":"Pass","Parameters":{"x.$":"$..a[?(@..a[?(@..a)])]"},"End":true}`,
	} {
		t.Run(field, func(t *testing.T) {
			m := mustParse(t, `{"StartAt":"P","States":{"P":`+state+`}}`)
			start := time.Now()
			res := m.Run(context.Background(), json.RawMessage(input), Options{})
			if res.Status != StatusFailed || res.Error != ErrRuntime || !strings.Contains(res.Cause, "would select more than") {
				t.Errorf("Run = %s %s (%.200s), want States.Runtime naming the path's size", res.Status, res.Error, res.Cause)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Run took %v", d)
			}
		})
	}
}

// TestPathDescentsWithinBound checks that paths with several descents that
// select a reasonable number of values are evaluated as before.
func TestPathDescentsWithinBound(t *testing.T) {
	input := `{"store":{"book":[{"title":"a","price":8,"tags":{"price":1}},{"title":"b","price":12}],"bike":{"price":20}},` +
		`"deep":` + strings.Repeat(`{"a":`, 30) + "1" + strings.Repeat("}", 30) + `}`
	for _, tt := range []struct{ path, want string }{
		{"$..book..price", `[1,8,12]`},
		{"$.store..book[?(@..price > 5)].title", `["a","b"]`},
		{"$..deep..a..a", ""},
		{"$..deep[?(@..a && @..a)]", ""},
	} {
		in, err := parseJSON([]byte(input))
		if err != nil {
			t.Fatal(err)
		}
		p, err := compilePath(tt.path, false)
		if err != nil {
			t.Fatal(err)
		}
		v, ok, serr := p.get(in, noContext{})
		if serr != nil || !ok {
			t.Errorf("get(%s) = %v, %v, want values", tt.path, ok, serr)
			continue
		}
		want := p.expr.Get(in)
		if got := marshalString(v); got != marshalString(want) || tt.want != "" && got != tt.want {
			t.Errorf("get(%s) = %s, want %s (ojg: %s)", tt.path, got, tt.want, marshalString(want))
		}
	}
}
