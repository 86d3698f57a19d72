package stepfunctions

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func in(name string, t DataType, v string) Parameter {
	return Parameter{Name: name, Direction: DirectionInput, DataType: t, Value: v}
}

func TestBuildInputGolden(t *testing.T) {
	tests := []struct {
		name   string
		params []Parameter
	}{
		{"empty", nil},
		{"strings", []Parameter{in("region", DataTypeString, "eu-west-1"), in("note", "text", `say "hi"\n`), in("blank", "", "")}},
		{"numbers", []Parameter{
			in("count", DataTypeNumber, "42"), in("big", "long", "12345678901234567890123"), in("ratio", "Double", " -0.5e-3 "),
			in("i", "int", "0"), in("d", "DECIMAL", "10.25"), in("f", "float", "1E9"), in("n", "integer", "-7"),
		}},
		{"booleans", []Parameter{in("a", DataTypeBoolean, "true"), in("b", "bool", "FALSE"), in("c", "Boolean", "1"), in("d", "bool", "f")}},
		{"json", []Parameter{
			in("obj", DataTypeJSON, `{ "a" : [1, 2, {"b": null}] }`), in("arr", "array", "[1, 2]"), in("o", "Object", `{"k":"v"}`),
			in("scalar", "json", `"text"`), in("num", "JSON", "3.5"),
		}},
		{"string_embeds_object_and_array", []Parameter{
			in("s_obj", DataTypeString, ` {"x": 1} `), in("s_arr", DataTypeString, `[true, false]`),
			in("s_bad", DataTypeString, `{not json}`), in("s_num", DataTypeString, `42`), in("s_str", DataTypeString, `"quoted"`),
		}},
		{"empty_values", []Parameter{
			in("s", DataTypeString, ""), in("n", DataTypeNumber, ""), in("b", DataTypeBoolean, "  "), in("j", DataTypeJSON, ""),
		}},
		{"directions", []Parameter{
			{Name: "in", Direction: "input", DataType: "string", Value: "1"},
			{Name: "out", Direction: DirectionOutput, DataType: "number", Value: "not sent"},
			{Name: "both", Direction: "INPUTOUTPUT", DataType: "number", Value: "2"},
			{Name: "default", DataType: "string", Value: "3"},
		}},
		{"unicode", []Parameter{in("naïve", DataTypeString, "日本語 <&> \u2028"), in("emoji", DataTypeString, "🙂")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BuildInput(tt.params)
			if err != nil {
				t.Fatalf("BuildInput() error = %v", err)
			}
			if !json.Valid([]byte(got)) {
				t.Fatalf("BuildInput() = %s, not valid JSON", got)
			}
			path := filepath.Join("testdata", "buildinput", tt.name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden file (run go test -update to create it): %v", err)
			}
			if got != strings.TrimSuffix(string(want), "\n") {
				t.Errorf("BuildInput() =\n%s\nwant (%s)\n%s", got, path, want)
			}
		})
	}
}

func TestBuildInputErrors(t *testing.T) {
	tests := []struct {
		name    string
		params  []Parameter
		wantMsg string // part of the error message
	}{
		{"empty name", []Parameter{in("", DataTypeString, "x")}, "parameter 0: empty name"},
		{"duplicate name", []Parameter{in("Region", DataTypeString, "a"), in("region", DataTypeString, "b")}, `"region": duplicate name`},
		{"duplicate across directions", []Parameter{in("x", DataTypeString, "a"), {Name: "X", Direction: DirectionOutput}}, `"X": duplicate name`},
		{"bad number", []Parameter{in("count", DataTypeNumber, "12abc")}, `parameter "count" (number): value is not a JSON number`},
		{"number with leading zero", []Parameter{in("count", "int", "007")}, `"count" (int): value is not a JSON number`},
		{"number NaN", []Parameter{in("x", "double", "NaN")}, "not a JSON number"},
		{"number hex", []Parameter{in("x", "long", "0x10")}, "not a JSON number"},
		{"number trailing dot", []Parameter{in("x", "float", "1.")}, "not a JSON number"},
		{"bad boolean", []Parameter{in("flag", DataTypeBoolean, "maybe")}, `"flag" (boolean): value is not a boolean`},
		{"bad json", []Parameter{in("cfg", DataTypeJSON, `{"a":}`)}, `"cfg" (json): value is not valid JSON: syntax error at byte 5`},
		{"bad json key", []Parameter{in("cfg", DataTypeJSON, `{bad`)}, "syntax error at byte 1"},
		{"json after its value", []Parameter{in("cfg", DataTypeJSON, `{} x`)}, "syntax error at byte 3"},
		{"json cut short", []Parameter{in("cfg", DataTypeJSON, `[1,2`)}, "the JSON text ends before its value does"},
		{"json object cut short", []Parameter{in("cfg", "object", ` {"a": `)}, "the JSON text ends before its value does"},
		{"json after leading space", []Parameter{in("cfg", DataTypeJSON, "\n  {bad")}, "syntax error at byte 4"},
		{"json nested too deep", []Parameter{in("cfg", DataTypeJSON, strings.Repeat("[", 10001)+strings.Repeat("]", 10001))},
			`"cfg" (json): value is not valid JSON: nested more than 10000 arrays and objects deep at byte 10000`},
		{"object not object", []Parameter{in("cfg", "object", `[1]`)}, "valid JSON but not an object"},
		{"array not array", []Parameter{in("cfg", "array", `{}`)}, "valid JSON but not an array"},
		{"spaced array not object", []Parameter{in("cfg", "object", " \n[1]")}, "valid JSON but not an object"},
		{"unknown direction", []Parameter{{Name: "x", Direction: "sideways", Value: "1"}}, `unknown direction "sideways"`},
		{"invalid utf8 value", []Parameter{in("x", DataTypeString, "\xff")}, "not valid UTF-8"},
		{"invalid utf8 name", []Parameter{in("\xff", DataTypeString, "x")}, "name is not valid UTF-8"},
		{"too large", []Parameter{in("blob", DataTypeString, strings.Repeat("a", MaxInputBytes))}, "exceeds the Step Functions limit of 262144 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BuildInput(tt.params)
			if err == nil {
				t.Fatalf("BuildInput() = %s, want error", got)
			}
			if !errors.Is(err, ErrInvalidInput) {
				t.Errorf("BuildInput() error = %v, want ErrInvalidInput", err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("BuildInput() error = %q, want it to contain %q", err, tt.wantMsg)
			}
		})
	}
}

func TestBuildInputSizeLimit(t *testing.T) {
	// {"v":"..."} is 8 bytes of overhead; the largest accepted input is exactly MaxInputBytes.
	fits := []Parameter{in("v", DataTypeString, strings.Repeat("a", MaxInputBytes-8))}
	got, err := BuildInput(fits)
	if err != nil || len(got) != MaxInputBytes {
		t.Fatalf("BuildInput(max) = %d bytes, %v; want %d bytes, nil", len(got), err, MaxInputBytes)
	}
	over := []Parameter{in("v", DataTypeString, strings.Repeat("a", MaxInputBytes-7))}
	if _, err := BuildInput(over); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("BuildInput(max+1) error = %v, want ErrInvalidInput", err)
	}
}

func TestBuildInputErrorHidesValue(t *testing.T) {
	const secret = "s3cr3t-VALUE"
	for _, dt := range []DataType{DataTypeNumber, DataTypeBoolean, DataTypeJSON, "object"} {
		_, err := BuildInput([]Parameter{in("password", dt, secret)})
		if err == nil {
			t.Fatalf("BuildInput(%s) succeeded, want error", dt)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("BuildInput(%s) error %q reveals the value", dt, err)
		}
	}
}

func out(name string, v string) Parameter {
	return Parameter{Name: name, Direction: DirectionOutput, DataType: DataTypeString, Value: v}
}

func TestApplyOutput(t *testing.T) {
	tests := []struct {
		name      string
		params    []Parameter
		output    string
		want      []string // values, in order
		wantErr   bool
		errSubstr string
	}{
		{"string taken as is", []Parameter{out("result", "old")}, `{"result":"line1\nline2"}`, []string{"line1\nline2"}, false, ""},
		{"number as compact JSON text", []Parameter{out("n", "")}, `{"n": 12345678901234567890.50}`, []string{"12345678901234567890.50"}, false, ""},
		{"object as compact JSON text", []Parameter{out("o", "")}, `{"o": { "a" : [1, 2] }}`, []string{`{"a":[1,2]}`}, false, ""},
		{"bool", []Parameter{out("b", "")}, `{"b": true}`, []string{"true"}, false, ""},
		{"null is the empty value", []Parameter{out("z", "keep"), {Name: "io", Direction: DirectionInputOutput, Value: "in"}}, `{"z": null, "io":null}`, []string{"", ""}, false, ""},
		{"null inside a value stays JSON", []Parameter{out("a", "")}, `{"a": [null]}`, []string{"[null]"}, false, ""},
		{"string null is text", []Parameter{out("a", "")}, `{"a": "null"}`, []string{"null"}, false, ""},
		{"repeated name left unchanged", []Parameter{out("total", "old"), out("other", "")}, `{"total":1,"other":"x","total":2}`, []string{"old", "x"}, true,
			`the output repeats their property: "total" (2 times)`},
		{"repeated name matched by case", []Parameter{out("Total", "old")}, `{"total":1,"total":2,"total":3}`, []string{"old"}, true, `"Total" (3 times)`},
		{"repeated and case-ambiguous both reported", []Parameter{out("Result", "r"), out("n", "n")}, `{"result":"a","RESULT":"b","n":1,"n":1}`, []string{"r", "n"}, true,
			`differ only in case: "Result" (output has "RESULT", "result"); parameters left unchanged because the output repeats their property: "n" (2 times)`},
		{"repeat of a property nobody takes", []Parameter{out("a", "")}, `{"a":1,"b":1,"b":2}`, []string{"1"}, false, ""},
		{"exact match beside a repeated case variant", []Parameter{out("a", "")}, `{"A":2,"a":1,"A":3}`, []string{"1"}, false, ""},
		{"case-insensitive match", []Parameter{out("Result", "")}, `{"result":"x"}`, []string{"x"}, false, ""},
		{"exact case wins", []Parameter{out("Result", "")}, `{"result":"lower","Result":"exact","RESULT":"upper"}`, []string{"exact"}, false, ""},
		{"ambiguous case left unchanged", []Parameter{out("Result", "old")}, `{"result":"a","RESULT":"b"}`, []string{"old"}, true, `"Result" (output has "RESULT", "result")`},
		{"missing property keeps value", []Parameter{out("absent", "old")}, `{"other":1}`, []string{"old"}, false, ""},
		{"input parameters untouched", []Parameter{in("x", DataTypeString, "in"), {Name: "y", Direction: DirectionInputOutput, Value: "in"}}, `{"x":"new","y":"new"}`, []string{"in", "new"}, false, ""},
		{"array output", []Parameter{out("a", "old")}, `[1,2]`, []string{"old"}, true, "a JSON array, not a JSON object"},
		{"string output", []Parameter{out("a", "old")}, `"done"`, []string{"old"}, true, "a JSON string, not a JSON object"},
		{"null output", []Parameter{out("a", "old")}, `null`, []string{"old"}, true, "JSON null, not a JSON object"},
		{"empty output", []Parameter{out("a", "old")}, ``, []string{"old"}, true, "empty, not a JSON object"},
		{"invalid output", []Parameter{out("a", "old")}, `{"a":`, []string{"old"}, true, "not valid JSON, not a JSON object"},
		{"invalid after the property", []Parameter{out("a", "old")}, `{"a":1,"b":[1,}`, []string{"old"}, true, "not valid JSON, not a JSON object"},
		{"text after the object", []Parameter{out("a", "old")}, `{"a":1} x`, []string{"old"}, true, "not valid JSON, not a JSON object"},
		{"second object", []Parameter{out("a", "old")}, `{"a":1}{}`, []string{"old"}, true, "not valid JSON, not a JSON object"},
		{"white space around the object", []Parameter{out("a", "old")}, " \n{\"a\":1}\n ", []string{"1"}, false, ""},
		{"no output parameters ignores output", []Parameter{in("x", DataTypeString, "v")}, `not json`, []string{"v"}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := append([]Parameter(nil), tt.params...)
			got, err := ApplyOutput(tt.params, tt.output)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ApplyOutput() error = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				if !errors.Is(err, ErrOutputNotApplied) || !strings.Contains(err.Error(), tt.errSubstr) {
					t.Errorf("ApplyOutput() error = %q, want ErrOutputNotApplied containing %q", err, tt.errSubstr)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("ApplyOutput() returned %d parameters, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got[i].Value != tt.want[i] {
					t.Errorf("ApplyOutput()[%d].Value = %q, want %q", i, got[i].Value, tt.want[i])
				}
			}
			for i := range orig {
				if tt.params[i] != orig[i] {
					t.Errorf("ApplyOutput() modified the caller's parameter %d: %+v, was %+v", i, tt.params[i], orig[i])
				}
			}
		})
	}
}

func FuzzBuildInput(f *testing.F) {
	f.Add("name", "string", "value", "n2", "number", "1.5e3")
	f.Add("a", "json", `{"x":[1,2]}`, "A", "bool", "true")
	f.Add("obj", "object", `[`, "s", "text", `{"k":1}`)
	f.Fuzz(func(t *testing.T, n1, t1, v1, n2, t2, v2 string) {
		params := []Parameter{in(n1, DataType(t1), v1), in(n2, DataType(t2), v2)}
		got, err := BuildInput(params)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("BuildInput() error %v is not ErrInvalidInput", err)
			}
			return
		}
		if len(got) > MaxInputBytes {
			t.Fatalf("BuildInput() returned %d bytes, over the limit", len(got))
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(got), &obj); err != nil {
			t.Fatalf("BuildInput() = %q, not a JSON object: %v", got, err)
		}
		if len(obj) != 2 {
			t.Fatalf("BuildInput() = %q has %d properties, want 2", got, len(obj))
		}
		// The input round-trips: a string parameter's value comes back unchanged through ApplyOutput.
		if kindOf(DataType(t1)) == kindString && !strings.HasPrefix(strings.TrimSpace(v1), "{") && !strings.HasPrefix(strings.TrimSpace(v1), "[") {
			back, err := ApplyOutput([]Parameter{out(n1, "")}, got)
			if err == nil && back[0].Value != v1 {
				t.Fatalf("round trip of %q = %q", v1, back[0].Value)
			}
		}
	})
}

func FuzzApplyOutput(f *testing.F) {
	f.Add("result", `{"result":"x","n":1}`)
	f.Add("Result", `{"result":"a","RESULT":"b"}`)
	f.Add("x", `[1,2,3]`)
	f.Add("x", `{"x":{"deep":[null,true]}}`)
	f.Add("x", `{"x":null,"x" : 1}`)
	f.Add("a\"b", ` {"y":[1,{"}":"]"}], "a\"b" : -1.5e3 , "z":"\u0041"} `)
	f.Fuzz(func(t *testing.T, name, output string) {
		params := []Parameter{out(name, "orig"), in("input", DataTypeString, "keep")}
		got, err := ApplyOutput(params, output)
		if len(got) != 2 {
			t.Fatalf("ApplyOutput() returned %d parameters", len(got))
		}
		if got[1] != params[1] {
			t.Fatalf("ApplyOutput() changed an Input parameter: %+v", got[1])
		}
		if params[0].Value != "orig" {
			t.Fatalf("ApplyOutput() modified its argument")
		}
		if err != nil {
			if !errors.Is(err, ErrOutputNotApplied) {
				t.Fatalf("ApplyOutput() error %v is not ErrOutputNotApplied", err)
			}
			if got[0].Value != "orig" {
				t.Fatalf("ApplyOutput() failed but changed the parameter to %q", got[0].Value)
			}
			return
		}
		// The property taken is the one encoding/json reads.
		var props map[string]json.RawMessage
		if json.Unmarshal([]byte(output), &props) != nil {
			t.Fatalf("ApplyOutput(%q) succeeded on an output encoding/json refuses", output)
		}
		raw, ok := props[name]
		if !ok {
			return
		}
		want := ""
		if s := ""; json.Unmarshal(raw, &s) == nil {
			want = s
		} else if string(raw) != "null" {
			var b bytes.Buffer
			_ = json.Compact(&b, raw)
			want = b.String()
		}
		if got[0].Value != want {
			t.Fatalf("ApplyOutput(%q) took %q for %q, encoding/json reads %s", output, got[0].Value, name, raw)
		}
	})
}

func BenchmarkBuildInput(b *testing.B) {
	params := make([]Parameter, 0, 50)
	for i := range 50 {
		params = append(params, in("p"+strings.Repeat("x", i%5)+string(rune('a'+i%26))+string(rune('A'+i/26)), []DataType{"string", "number", "bool", "json"}[i%4],
			[]string{"some text value", "12345.678", "true", `{"a":[1,2,3],"b":"c"}`}[i%4]))
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BuildInput(params); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkApplyOutput(b *testing.B) {
	params := make([]Parameter, 0, 50)
	var sb strings.Builder
	sb.WriteString("{")
	for i := range 50 {
		name := "out" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		params = append(params, out(name, ""))
		if i > 0 {
			sb.WriteString(",")
		}
		sb.WriteString(`"` + strings.ToUpper(name) + `":{"v":[1,2,3],"s":"text"}`)
	}
	sb.WriteString("}")
	output := sb.String()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ApplyOutput(params, output); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBuildInputJSONWithSpace checks that white space around an object or array value does not hide its kind.
func TestBuildInputJSONWithSpace(t *testing.T) {
	got, err := BuildInput([]Parameter{in("o", "object", " \n{\"a\": 1} "), in("l", "array", "\t[1, 2]")})
	if want := `{"o":{"a":1},"l":[1,2]}`; err != nil || string(got) != want {
		t.Errorf("BuildInput() = %s, %v; want %s", got, err, want)
	}
}
