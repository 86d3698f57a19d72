package asl

import (
	"context"
	"encoding/json"
	"testing"
	"time"
)

// FuzzParse checks that no definition makes Parse panic, that what it
// refuses is a DefinitionError with problems, and that what it accepts runs
// to an end on any input. Seeds are in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	seeds := []string{
		`{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}`,
		`{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"a.$":"States.Format('{}', $.x)"},"Next":"C"},
			"C":{"Type":"Choice","Choices":[{"Not":{"Variable":"$.a","StringMatches":"*x\\*"},"Next":"M"}],"Default":"F"},
			"M":{"Type":"Map","ItemsPath":"$.i","ItemProcessor":{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}},"End":true},
			"F":{"Type":"Fail","ErrorPath":"$.e"}}}`,
		`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","Retry":[{"ErrorEquals":["States.ALL"]}],"End":true}}}`,
		`{"StartAt":"X","States":{"X":{"Type":"Parallel","Branches":[{"StartAt":"Y","States":{"Y":{"Type":"Pass","End":true}}}],"End":true}}}`,
		`[]`, `null`, `{"States":7}`,
	}
	for _, s := range seeds {
		f.Add(s, `{"x":1,"i":[{"s":0}],"e":"E"}`)
	}
	inv := func(context.Context, string, json.RawMessage) (json.RawMessage, error) {
		return json.RawMessage(`{}`), nil
	}
	f.Fuzz(func(t *testing.T, def, input string) {
		m, err := Parse(def)
		if err != nil {
			if de, ok := err.(*DefinitionError); !ok || len(de.Problems) == 0 {
				t.Fatalf("Parse error %v is not a DefinitionError with problems", err)
			}
			return
		}
		if m == nil {
			t.Fatal("Parse returned nil machine and nil error")
		}
		// Runs must end (Wait states and retries go through a clock that
		// fires at once) and must never panic.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		res := m.Run(ctx, json.RawMessage(input), Options{Clock: newFakeClock(1 << 62), Invoke: inv, Timeout: time.Minute})
		switch res.Status {
		case StatusSucceeded:
			if !json.Valid(res.Output) {
				t.Fatalf("output %q is not JSON", res.Output)
			}
		case StatusFailed, StatusTimedOut, StatusAborted:
		default:
			t.Fatalf("status %q", res.Status)
		}
	})
}

// FuzzIntrinsic checks that no intrinsic call panics, that its errors are
// the ones AWS names, and that what it returns is JSON within the payload
// quota. Seeds are in testdata/fuzz/FuzzIntrinsic.
func FuzzIntrinsic(f *testing.F) {
	for _, s := range []string{
		`States.Format('a {} b \{\}', $.x)`, `States.Array(1, -2.5e3, true, null, $.a[0], $$.Execution.Id)`,
		`States.ArrayRange(1, 9, 2)`, `States.JsonMerge($.o, $.o, false)`, `States.Hash($.s, 'SHA-256')`,
		`States.StringSplit('a,b', ',')`, `States.MathRandom(1, 5, 3)`, `States.ArrayPartition($.a, 2)`,
		`States.StringToJson(States.JsonToString($.o))`, `States.Format('{}', States.UUID())`,
	} {
		f.Add(s)
	}
	input := map[string]any{"x": "v", "a": []any{int64(1), "b"}, "o": map[string]any{"k": 1.5}, "s": "text"}
	ctx := staticContext{map[string]any{"Execution": map[string]any{"Id": "id"}}}
	f.Fuzz(func(t *testing.T, expr string) {
		call, err := compileIntrinsic(expr)
		if err != nil {
			return
		}
		v, serr := call.eval(input, ctx)
		if serr != nil {
			if serr.Name != ErrIntrinsicFailure && serr.Name != ErrRuntime && serr.Name != ErrDataLimitExceeded {
				t.Fatalf("%s: error name %q", expr, serr.Name)
			}
			return
		}
		text := marshal(v)
		if !json.Valid(text) {
			t.Fatalf("%s produced invalid JSON %q", expr, text)
		}
		if len(text) > MaxPayloadSize {
			t.Fatalf("%s produced %d bytes, over the payload quota", expr, len(text))
		}
	})
}

// FuzzPath checks that no path makes compilePath, get or setPath panic or
// produce anything but JSON. Seeds are in testdata/fuzz/FuzzPath.
func FuzzPath(f *testing.F) {
	for _, s := range []string{"$", "$.a", "$.a-b[0]", "$['x y'][-1]", "$..b", "$.a[?(@.b == 'x')].c", "$$.Execution.Id",
		"$.a[1,2]", "$.a[0:5:2]", "$.a.*", `$["q\"x"]`, "$.x:y"} {
		f.Add(s)
	}
	in, _ := parseJSON([]byte(`{"a":[{"b":"x","c":1},{"b":2}],"a-b":[true],"x y":[1,2],"x:y":null}`))
	ctx := staticContext{map[string]any{"Execution": map[string]any{"Id": "id"}}}
	f.Fuzz(func(t *testing.T, s string) {
		for _, reference := range []bool{false, true} {
			p, err := compilePath(s, reference)
			if err != nil {
				continue
			}
			if reference && p.expr != nil {
				t.Fatalf("reference path %q compiled as indefinite", s)
			}
			v, ok, _ := p.get(in, ctx)
			if ok && !json.Valid(marshal(v)) {
				t.Fatalf("get(%q) produced invalid JSON", s)
			}
			if reference && !p.context {
				if out, err := setPath(in, p.steps, "v"); err == nil && !json.Valid(marshal(out)) {
					t.Fatalf("setPath(%q) produced invalid JSON", s)
				}
			}
		}
	})
}
