package asl

import (
	"regexp"
	"strings"
	"testing"
)

func evalIntrinsic(t *testing.T, expr, input string) (any, *stateError) {
	t.Helper()
	call, err := compileIntrinsic(expr)
	if err != nil {
		t.Fatalf("compileIntrinsic(%q): %v", expr, err)
	}
	in, perr := parseJSON([]byte(input))
	if perr != nil {
		t.Fatalf("bad test input %q: %v", input, perr)
	}
	ctx := staticContext{map[string]any{"Execution": map[string]any{"Name": "exec-1"}}}
	return call.eval(in, ctx)
}

func TestIntrinsics(t *testing.T) {
	tests := []struct {
		name  string
		expr  string
		input string
		want  string // JSON
	}{
		// Examples from the AWS Step Functions developer guide.
		{"Format doc example", `States.Format('Hello, my name is {}.', $.name)`, `{"name":"Arnav"}`, `"Hello, my name is Arnav."`},
		{"ArrayPartition doc example", `States.ArrayPartition($.inputArray,4)`, `{"inputArray":[1,2,3,4,5,6,7,8,9]}`, `[[1,2,3,4],[5,6,7,8],[9]]`},
		{"ArrayContains doc example", `States.ArrayContains($.inputArray, $.lookingFor)`, `{"inputArray":[1,2,3,4,5,6,7,8,9],"lookingFor":5}`, `true`},
		{"ArrayRange doc example", `States.ArrayRange(1, 9, 2)`, `{}`, `[1,3,5,7,9]`},
		{"ArrayGetItem doc example", `States.ArrayGetItem($.inputArray, $.index)`, `{"inputArray":[1,2,3,4,5,6,7,8,9],"index":5}`, `6`},
		{"ArrayLength doc example", `States.ArrayLength($.inputArray)`, `{"inputArray":[1,2,3,4,5,6,7,8,9]}`, `9`},
		{"ArrayUnique doc example", `States.ArrayUnique($.inputArray)`, `{"inputArray":[1,2,3,3,3,3,3,3,4]}`, `[1,2,3,4]`},
		{"Base64Encode doc example", `States.Base64Encode($.input)`, `{"input":"Data to encode"}`, `"RGF0YSB0byBlbmNvZGU="`},
		{"Base64Decode doc example", `States.Base64Decode($.base64)`, `{"base64":"RGF0YSB0byBlbmNvZGU="}`, `"Data to encode"`},
		{"Hash doc example", `States.Hash($.Data, $.Algorithm)`, `{"Data":"input data","Algorithm":"SHA-1"}`, `"aaff4a450a104cd177d28d18d74485e8cae074b7"`},
		{"JsonMerge doc example", `States.JsonMerge($.json1, $.json2, false)`,
			`{"json1":{"a":{"a1":1,"a2":2},"b":2},"json2":{"a":{"a3":1,"a4":2},"c":3}}`, `{"a":{"a3":1,"a4":2},"b":2,"c":3}`},
		{"MathAdd doc example", `States.MathAdd($.value1, $.step)`, `{"value1":111,"step":-1}`, `110`},
		{"StringSplit doc example", `States.StringSplit($.inputString, $.splitter)`, `{"inputString":"1,2,3,4,5","splitter":","}`, `["1","2","3","4","5"]`},
		{"StringSplit several delimiters", `States.StringSplit($.inputString, $.splitter)`, `{"inputString":"This.is+a,test=string","splitter":".+,="}`, `["This","is","a","test","string"]`},
		{"StringToJson doc example", `States.StringToJson($.escapedJsonString)`, `{"escapedJsonString":"{\"foo\": \"bar\"}"}`, `{"foo":"bar"}`},
		{"JsonToString doc example", `States.JsonToString($.unescapedJson)`, `{"unescapedJson":{"foo":"bar"}}`, `"{\"foo\":\"bar\"}"`},
		{"Array doc example", `States.Array('Foo', 2020, $.someJson, null)`, `{"someJson":{"random":"abcdefg"}}`, `["Foo",2020,{"random":"abcdefg"},null]`},
		// Argument forms and escapes.
		{"Format several args", `States.Format('{} + {} = {}', 1, 2.5, true)`, `{}`, `"1 + 2.5 = true"`},
		{"Format null arg", `States.Format('x={}', null)`, `{}`, `"x=null"`},
		{"Format escaped braces", `States.Format('literal \{\} and {}', 'v')`, `{}`, `"literal {} and v"`},
		{"Format escaped quote and backslash", `States.Format('it\'s \\ {}', 'ok')`, `{}`, `"it's \\ ok"`},
		{"Format template from path has no escapes", `States.Format($.t, 'v')`, `{"t":"a {} b"}`, `"a v b"`},
		{"Format with context path", `States.Format('run {}', $$.Execution.Name)`, `{}`, `"run exec-1"`},
		{"nested calls", `States.ArrayLength(States.Array(1, States.Array(2, 3), 'x'))`, `{}`, `3`},
		{"nested format", `States.Format('{}-{}', States.MathAdd(1, 2), States.ArrayGetItem(States.StringSplit('a,b', ','), 1))`, `{}`, `"3-b"`},
		{"string literal with comma and paren", `States.Array('a, b)', 'c')`, `{}`, `["a, b)","c"]`},
		{"path with brackets and filter", `States.ArrayLength($.a[?(@.n > 1)])`, `{"a":[{"n":1},{"n":2},{"n":3}]}`, `2`},
		{"path with quoted key", `States.Array($['a,b'])`, `{"a,b":1}`, `[1]`},
		{"negative and float literals", `States.Array(-3, 1.25, 1e2)`, `{}`, `[-3,1.25,100]`},
		{"spaces around arguments", `States.MathAdd(  1 ,  2  )`, `{}`, `3`},
		{"empty Array", `States.Array()`, `{}`, `[]`},
		{"ArrayPartition exact", `States.ArrayPartition($.a, 2)`, `{"a":[1,2,3,4]}`, `[[1,2],[3,4]]`},
		{"ArrayPartition empty", `States.ArrayPartition($.a, 2)`, `{"a":[]}`, `[]`},
		{"ArrayPartition largest size", `States.ArrayPartition($.a, 9223372036854775807)`, `{"a":[1,2,3]}`, `[[1,2,3]]`},
		{"ArrayContains object", `States.ArrayContains($.a, $.v)`, `{"a":[{"x":[1,2]}],"v":{"x":[1,2]}}`, `true`},
		{"ArrayContains missing", `States.ArrayContains($.a, 'z')`, `{"a":["x","y"]}`, `false`},
		{"ArrayContains number forms", `States.ArrayContains($.a, 2)`, `{"a":[2.0]}`, `true`},
		{"ArrayRange rounds", `States.ArrayRange(0.6, 3.4, 1.5)`, `{}`, `[1,3]`},
		{"ArrayRange empty", `States.ArrayRange(5, 1, 1)`, `{}`, `[]`},
		{"ArrayRange single", `States.ArrayRange(1, 1, 3)`, `{}`, `[1]`},
		{"ArrayUnique objects and strings", `States.ArrayUnique($.a)`, `{"a":[{"b":1,"a":2},"1",1,{"a":2,"b":1},"1"]}`, `[{"a":2,"b":1},"1",1]`},
		{"Hash MD5", `States.Hash('input data', 'MD5')`, `{}`, `"812f45842bc6d66ee14572ce20db8e86"`},
		{"Hash SHA-256", `States.Hash('input data', 'SHA-256')`, `{}`, `"b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"`},
		{"Hash SHA-384", `States.Hash('abc', 'SHA-384')`, `{}`, `"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"`},
		{"Hash SHA-512", `States.Hash('abc', 'SHA-512')`, `{}`, `"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"`},
		{"StringSplit no delimiter found", `States.StringSplit('abc', ',')`, `{}`, `["abc"]`},
		{"StringSplit drops empty parts", `States.StringSplit(',a,,b,', ',')`, `{}`, `["a","b"]`},
		{"StringToJson number", `States.StringToJson('42')`, `{}`, `42`},
		{"JsonToString string", `States.JsonToString($.s)`, `{"s":"q\"x"}`, `"\"q\\\"x\""`},
		{"MathAdd rounds halves up", `States.MathAdd(1.5, -2.5)`, `{}`, `0`},
		{"MathRandom single value", `States.MathRandom(5, 5, 7)`, `{}`, `5`},
		{"Format array and object", `States.Format('{} {}', $.o, $.a)`, `{"o":{"Arg1":1,"Arg2":[]},"a":["x",{"k":null},1.5]}`, `"{Arg1=1, Arg2=[]} [x, {k=null}, 1.5]"`},
		{"ArrayPartition rounds", `States.ArrayPartition($.a, 1.6)`, `{"a":[1,2,3]}`, `[[1,2],[3]]`},
		{"ArrayGetItem rounds", `States.ArrayGetItem($.a, 0.4)`, `{"a":["x","y"]}`, `"x"`},
		{"JsonMerge empty", `States.JsonMerge($.a, $.b, false)`, `{"a":{},"b":{"x":1}}`, `{"x":1}`},
		{"Base64 round trip unicode", `States.Base64Decode(States.Base64Encode('héllo ✓'))`, `{}`, `"héllo ✓"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := evalIntrinsic(t, tc.expr, tc.input)
			if err != nil {
				t.Fatalf("%s on %s: %v", tc.expr, tc.input, err)
			}
			if !jsonEqual(t, marshalString(got), tc.want) {
				t.Errorf("%s on %s = %s, want %s", tc.expr, tc.input, marshal(got), tc.want)
			}
		})
	}
}

func TestIntrinsicRandomAndUUID(t *testing.T) {
	seen := map[int64]bool{}
	for i := 0; i < 200; i++ {
		v, err := evalIntrinsic(t, `States.MathRandom(10, 12)`, `{}`)
		if err != nil {
			t.Fatal(err)
		}
		n := v.(int64)
		if n < 10 || n > 12 {
			t.Fatalf("MathRandom(10, 12) = %d, want in [10, 12]", n)
		}
		seen[n] = true
	}
	if len(seen) != 3 {
		t.Errorf("MathRandom(10, 12) produced %v in 200 draws, want all of 10, 11, 12", seen)
	}
	for _, expr := range []string{ // the whole int64 range, whose width overflows it
		`States.MathRandom(-9223372036854775808, 9223372036854775807)`,
		`States.MathRandom(-9223372036854775808, 9223372036854775807, 7)`,
	} {
		if v, err := evalIntrinsic(t, expr, `{}`); err != nil {
			t.Errorf("%s error = %v, want a number", expr, err)
		} else if _, ok := v.(int64); !ok {
			t.Errorf("%s = %v, want an integer", expr, v)
		}
	}
	a, _ := evalIntrinsic(t, `States.MathRandom(0, 1000000, 42)`, `{}`)
	b, _ := evalIntrinsic(t, `States.MathRandom(0, 1000000, 42)`, `{}`)
	if a != b {
		t.Errorf("MathRandom with the same seed gave %v and %v", a, b)
	}
	uuidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	u1, _ := evalIntrinsic(t, `States.UUID()`, `{}`)
	u2, _ := evalIntrinsic(t, `States.UUID()`, `{}`)
	if !uuidRE.MatchString(u1.(string)) || u1 == u2 {
		t.Errorf("States.UUID() = %v, %v; want two distinct v4 UUIDs", u1, u2)
	}
}

func TestIntrinsicErrors(t *testing.T) {
	tests := []struct {
		name  string
		expr  string
		input string
		cause string // substring
	}{
		{"Format too few args", `States.Format('{} {}', 1)`, `{}`, "more {} placeholders"},
		{"Format too many args", `States.Format('{}', 1, 2)`, `{}`, "1 {} placeholders but 2 arguments"},
		{"Format template not string", `States.Format($.n)`, `{"n":1}`, "template must be a string"},
		{"StringToJson not JSON", `States.StringToJson('{x')`, `{}`, "not valid JSON"},
		{"StringToJson not string", `States.StringToJson(1)`, `{}`, "must be a string"},
		{"ArrayPartition zero", `States.ArrayPartition($.a, 0)`, `{"a":[1]}`, "must be positive"},
		{"ArrayPartition size not a number", `States.ArrayPartition($.a, 'two')`, `{"a":[1]}`, "must be an integer"},
		{"ArrayPartition not array", `States.ArrayPartition('x', 1)`, `{}`, "argument 1 must be an array"},
		{"ArrayRange step zero", `States.ArrayRange(1, 5, 0)`, `{}`, "step must be positive"},
		{"ArrayRange step negative", `States.ArrayRange(5, 1, -1)`, `{}`, "step must be positive"},
		{"ArrayRange too long", `States.ArrayRange(1, 2000, 1)`, `{}`, "limit of 1000"},
		{"ArrayRange span overflows", `States.ArrayRange(-5000000000000000000, 5000000000000000000, 1)`, `{}`, "limit of 1000"},
		{"ArrayRange widest span", `States.ArrayRange(-9223372036854775808, 9223372036854775807, 2)`, `{}`, "limit of 1000"},
		{"ArrayGetItem out of bounds", `States.ArrayGetItem($.a, 3)`, `{"a":[1,2,3]}`, "out of bounds"},
		{"ArrayGetItem negative", `States.ArrayGetItem($.a, -1)`, `{"a":[1]}`, "out of bounds"},
		{"ArrayLength not array", `States.ArrayLength($.a)`, `{"a":"x"}`, "must be an array"},
		{"ArrayUnique not array", `States.ArrayUnique($.a)`, `{"a":{}}`, "must be an array"},
		{"Base64Encode too long", `States.Base64Encode($.s)`, `{"s":"` + strings.Repeat("a", 10001) + `"}`, "limit of 10000"},
		{"Base64Decode invalid", `States.Base64Decode('!!!')`, `{}`, "not valid base64"},
		{"Hash unknown algorithm", `States.Hash('x', 'SHA-3')`, `{}`, "unknown hash algorithm"},
		{"Hash null data", `States.Hash($.d, 'MD5')`, `{"d":null}`, "must not be null"},
		{"JsonMerge deep", `States.JsonMerge($.a, $.a, true)`, `{"a":{}}`, "deep merging is not supported"},
		{"JsonMerge not object", `States.JsonMerge($.a, 1, false)`, `{"a":{}}`, "argument 2 must be an object"},
		{"MathRandom end below start", `States.MathRandom(5, 4)`, `{}`, "must not be less"},
		{"MathAdd string", `States.MathAdd('1', 2)`, `{}`, "argument 1 must be an integer"},
		{"MathAdd overflow", `States.MathAdd(9223372036854775807, 1)`, `{}`, "overflows"},
		{"StringSplit not string", `States.StringSplit(1, ',')`, `{}`, "argument 1 must be a string"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := evalIntrinsic(t, tc.expr, tc.input)
			if err == nil {
				t.Fatalf("%s = %s, want States.IntrinsicFailure", tc.expr, marshal(got))
			}
			if err.Name != ErrIntrinsicFailure || !strings.Contains(err.Cause, tc.cause) {
				t.Errorf("%s error = %s: %s, want States.IntrinsicFailure containing %q", tc.expr, err.Name, err.Cause, tc.cause)
			}
		})
	}
}

func TestIntrinsicMissingPathIsRuntime(t *testing.T) {
	_, err := evalIntrinsic(t, `States.ArrayLength($.nope)`, `{}`)
	if err == nil || err.Name != ErrRuntime || !strings.Contains(err.Cause, "$.nope") {
		t.Errorf("missing path = %v, want States.Runtime naming $.nope", err)
	}
}

func TestIntrinsicCompileErrors(t *testing.T) {
	tests := []struct{ expr, want string }{
		{`States.Nope(1)`, `unknown function "States.Nope"`},
		{`States.Format`, `expected '('`},
		{`States.Format('x'`, `missing ')'`},
		{`States.Format('x) `, `unterminated string`},
		{`States.ArrayLength()`, `takes 1 argument, got 0`},
		{`States.ArrayRange(1, 2)`, `takes 3 arguments, got 2`},
		{`States.MathRandom(1)`, `takes 2 to 3 arguments, got 1`},
		{`States.UUID(1)`, `takes 0 arguments, got 1`},
		{`States.Array(1) extra`, `unexpected`},
		{`States.Array(bogus)`, `unexpected 'b'`},
		{`States.Array('\q')`, `invalid escape`},
		{`States.Array($.a[)`, `not a valid JSONPath`},
		{`States.Array(1 2)`, `unexpected '2'`},
		{`States.Array(1-2)`, `invalid number`},
		{strings.Repeat("States.Array(", 1001) + strings.Repeat(")", 1001), "nested deeper than 1000 levels"},
	}
	for _, tc := range tests {
		_, err := compileIntrinsic(tc.expr)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("compileIntrinsic(%q) error = %v, want it to contain %q", tc.expr, err, tc.want)
		}
	}
}

// TestIntrinsicNestingLimit checks that calls may nest as deep as a
// definition's JSON (1,000 levels), and no deeper: a 910 KB definition
// could otherwise nest 70,000 calls, which every later step walks
// recursively.
func TestIntrinsicNestingLimit(t *testing.T) {
	if _, err := compileIntrinsic(strings.Repeat("States.Array(", 1000) + strings.Repeat(")", 1000)); err != nil {
		t.Errorf("1,000 nested calls: %v, want them accepted", err)
	}
}

func TestIntrinsicsInStates(t *testing.T) {
	runCases(t, []runCase{
		{
			name: "parameters and result selector",
			def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t",
				"Parameters":{"msg.$":"States.Format('hi {}', $.who)","id.$":"States.Hash($.who, 'MD5')"},
				"ResultSelector":{"n.$":"States.ArrayLength($.list)"},"End":true}}}`,
			input:      `{"who":"input data"}`,
			tasks:      map[string]taskFunc{"t": constant(`{"list":[1,2,3]}`)},
			wantOutput: `{"n":3}`,
		},
		{
			name:       "escaped braces from JSON definition",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"s.$":"States.Format('\\{{}\\}', $.v)"},"End":true}}}`,
			input:      `{"v":"x"}`,
			wantOutput: `{"s":"{x}"}`,
		},
		{
			name:       "intrinsic failure fails the execution",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"s.$":"States.StringToJson($.v)"},"End":true}}}`,
			input:      `{"v":"{"}`,
			wantStatus: StatusFailed,
			wantError:  ErrIntrinsicFailure,
			wantCause:  "An error occurred while executing the state 'P'. Invalid arguments in States.StringToJson",
		},
	})
}
