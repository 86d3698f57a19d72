package asl

import (
	"encoding/json"
	"math"
	"testing"
)

func TestMarshalAndSize(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{`{"b":1,"a":[true,false,null]}`, `{"b":1,"a":[true,false,null]}`}, // keys in document order
		{`{"b":1,"a":2,"b":3}`, `{"b":3,"a":2}`},                           // a repeated key keeps its place, takes the last value
		{"{\"z\":\"\\ud83c\\udd97\",\"y\":1}", `{"z":"🆗","y":1}`},          // the encoding/json path keeps the order too
		{`"<tag> & \"q\" \\ \n\t\u0001 é ✓"`, `"<tag> & \"q\" \\ \n\t\u0001 é ✓"`},
		{`[1.5,-0.25,1e300,12345678901234567890123,-9223372036854775808,0]`, `[1.5,-0.25,1e+300,12345678901234567890123,-9223372036854775808,0]`},
		{`{}`, `{}`},
		{`[]`, `[]`},
		{`{"nested":{"x":[{"y":"z"}]}}`, `{"nested":{"x":[{"y":"z"}]}}`},
	}
	for _, tc := range tests {
		v, err := parseJSON([]byte(tc.in))
		if err != nil {
			t.Fatalf("parseJSON(%s): %v", tc.in, err)
		}
		got := marshal(v)
		if string(got) != tc.want {
			t.Errorf("marshal(%s) = %s, want %s", tc.in, got, tc.want)
		}
		if !json.Valid(got) {
			t.Errorf("marshal(%s) = %s is not valid JSON", tc.in, got)
		}
		if n := jsonSize(v, math.MaxInt); n != len(got) {
			t.Errorf("jsonSize(%s) = %d, want %d", tc.in, n, len(got))
		}
	}
}

func TestSetPathCopiesContainers(t *testing.T) {
	orig := map[string]any{"a": map[string]any{"b": int64(1)}, "list": []any{map[string]any{"x": int64(1)}}}
	before := marshalString(orig)
	tests := []struct {
		path string
		want string
	}{
		{"$.a.c", `{"a":{"b":1,"c":"v"},"list":[{"x":1}]}`},
		{"$.list[0].y", `{"a":{"b":1},"list":[{"x":1,"y":"v"}]}`},
		{"$.new.deep", `{"a":{"b":1},"list":[{"x":1}],"new":{"deep":"v"}}`},
		{"$", `"v"`},
	}
	for _, tc := range tests {
		p, err := compilePath(tc.path, true)
		if err != nil {
			t.Fatal(err)
		}
		got, err := setPath(orig, p.steps, "v")
		if err != nil {
			t.Fatalf("setPath(%s): %v", tc.path, err)
		}
		if marshalString(got) != tc.want {
			t.Errorf("setPath(%s) = %s, want %s", tc.path, marshal(got), tc.want)
		}
	}
	if after := marshalString(orig); after != before {
		t.Errorf("setPath modified its input: %s, was %s", after, before)
	}
	for _, bad := range []string{"$.a.b.c", "$.list[5]", "$.list.x", "$.missing[0]"} {
		p, _ := compilePath(bad, true)
		if _, err := setPath(orig, p.steps, 1); err == nil {
			t.Errorf("setPath(%s) succeeded, want an error", bad)
		}
	}
}
