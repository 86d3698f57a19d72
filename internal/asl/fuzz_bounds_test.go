package asl

import (
	"encoding/json"
	"math"
	"testing"
)

// FuzzJSONSize checks, on any JSON document (an execution input, a task's
// result), that jsonSize, which every size check relies on, is the length
// of the text marshal builds, and that a measurement stopped early at a
// limit is still over it. Seeds are in testdata/fuzz/FuzzJSONSize.
func FuzzJSONSize(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,-3e300,"x\u2028\"\\",null,true]}`, `"\ud800"`, `[[],{},""]`, `12345678901234567890123`,
		"\"\xff\xfe\"", `{"é":"\u0000\t"}`, `0.000001`, `1e21`} {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, doc string, limit int) {
		v, err := parseJSON([]byte(doc))
		if err != nil {
			return
		}
		text := marshal(v)
		if !json.Valid(text) {
			t.Fatalf("marshal(%q) = %q, not JSON", doc, text)
		}
		if n := jsonSize(v, math.MaxInt); n != len(text) {
			t.Fatalf("jsonSize(%q) = %d, want %d (%q)", doc, n, len(text), text)
		}
		if limit = max(limit, 0) % (len(text) + 1); len(text) > limit {
			if n := jsonSize(v, limit); n <= limit {
				t.Fatalf("jsonSize(%q, %d) = %d, but the text is %d bytes", doc, limit, n, len(text))
			}
		}
	})
}

// FuzzTemplate checks that no payload template (Parameters, ResultSelector,
// ItemSelector) makes compiling or evaluating it panic, that its errors are
// the ones AWS names, and that what it builds is JSON. Seeds are in
// testdata/fuzz/FuzzTemplate.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{
		`{"a.$":"$.x","b":{"c.$":"States.Array($.x, $$.Execution.Id)"},"d":[1,{"e.$":"$.o.k"}]}`,
		`{"f.$":"States.Format('{}-{}', $.x, States.JsonToString($.o))","g.$":"$..k"}`,
		`{"h.$":"$.missing"}`, `{"i.$":7}`, `[{"j.$":"States.StringSplit($.x, 'v')"}]`,
	} {
		f.Add(s, `{"x":"v","o":{"k":[1,"two"]}}`)
	}
	ctx := staticContext{map[string]any{"Execution": map[string]any{"Id": "id"}}}
	f.Fuzz(func(t *testing.T, tmpl, input string) {
		tv, order, err := parseDefinition(tmpl)
		if err != nil {
			return
		}
		in, err := parseJSON([]byte(input))
		if err != nil {
			return
		}
		c := &checker{order: order}
		compiled := compileTemplate(tv, "/Parameters", c)
		if len(c.problems) > 0 {
			return
		}
		v, serr := compiled.eval(in, ctx)
		if serr != nil {
			switch serr.Name {
			case ErrRuntime, ErrIntrinsicFailure, ErrDataLimitExceeded:
			default:
				t.Fatalf("template %s: error name %q", tmpl, serr.Name)
			}
			return
		}
		if text, ok := marshalBounded(v); ok && !json.Valid(text) {
			t.Fatalf("template %s built %q, not JSON", tmpl, text)
		}
	})
}
