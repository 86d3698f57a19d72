package asl

import "testing"

func TestPathGet(t *testing.T) {
	input := `{"a-b":1,"a":[{"b":"x"},{"b":"y"}],"k s":2,"n":{"1":3},"ü":4,"$x":5,"x:y":{"z'q":6},"nul":null}`
	in, err := parseJSON([]byte(input))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path     string
		want     string // JSON; "" means no match
		definite bool
	}{
		{"$", input, true},
		{"$.a-b", `1`, true},
		{"$.x:y.z'q", `6`, true},
		{"$['k s']", `2`, true},
		{`$["k s"]`, `2`, true},
		{"$.a[0].b", `"x"`, true},
		{"$.a[-1].b", `"y"`, true},
		{"$.n.1", `3`, true},
		{"$.ü", `4`, true},
		{"$.$x", `5`, true},
		{"$.nul", `null`, true},
		{"$.missing", ``, true},
		{"$.a[2]", ``, true},
		{"$.a.b", ``, true},
		{"$.a[*].b", `["x","y"]`, false},
		{"$.a.*", `[{"b":"x"},{"b":"y"}]`, false},
		{"$..b", `["x","y"]`, false},
		{"$.a[?(@.b == 'x')].b", `["x"]`, false},
		{"$.a[0:1]", `[{"b":"x"}]`, false},
		{"$.a[1,0].b", `["y","x"]`, false},
		{"$.nothing[*]", `[]`, false},
	}
	for _, tc := range tests {
		p, err := compilePath(tc.path, false)
		if err != nil {
			t.Errorf("compilePath(%q): %v", tc.path, err)
			continue
		}
		if (p.expr == nil) != tc.definite {
			t.Errorf("compilePath(%q) definite = %v, want %v", tc.path, p.expr == nil, tc.definite)
		}
		v, ok, _ := p.get(in, noContext{})
		switch {
		case tc.want == "" && ok:
			t.Errorf("get(%q) = %s, want no match", tc.path, marshal(v))
		case tc.want != "" && !ok:
			t.Errorf("get(%q) matched nothing, want %s", tc.path, tc.want)
		case tc.want != "" && !jsonEqual(t, marshalString(v), tc.want):
			t.Errorf("get(%q) = %s, want %s", tc.path, marshal(v), tc.want)
		}
	}
}

func TestCompilePathErrors(t *testing.T) {
	for _, tc := range []struct {
		path      string
		reference bool
	}{
		{"a.b", false}, {"", false}, {"$.a b", false}, {"$[", false}, {"@.a", false},
		{"$.a[*]", true}, {"$..a", true}, {"$.a[?(@.b)]", true}, {"$.a[0:2]", true},
	} {
		if p, err := compilePath(tc.path, tc.reference); err == nil {
			t.Errorf("compilePath(%q, %v) = %+v, want an error", tc.path, tc.reference, p)
		}
	}
}

// TestBracketKeysAreLiteral: the text between a bracket key's quotes is the
// key, backslashes included, as AWS reads it ($['Test\""Name"'] is the key
// Test\""Name"); a backslash only keeps the next quote from closing it.
func TestBracketKeysAreLiteral(t *testing.T) {
	in := map[string]any{`Test\""Name"`: 1, `a\\b`: 2, `it\'s`: 3, `q\"`: 4, "n": map[string]any{`x\y`: 5}, "plain": 6}
	tests := []struct {
		path string
		want string // JSON
	}{
		{`$['Test\""Name"']`, `1`},
		{`$['a\\b']`, `2`},
		{`$['it\'s']`, `3`},
		{`$["q\""]`, `4`},
		{`$.n['x\y']`, `5`},
		{`$['n']["x\y"]`, `5`},
	}
	for _, tc := range tests {
		p, err := compilePath(tc.path, false)
		if err != nil {
			t.Errorf("compilePath(%q): %v", tc.path, err)
			continue
		}
		v, ok, _ := p.get(in, noContext{})
		if !ok || !jsonEqual(t, marshalString(v), tc.want) {
			t.Errorf("get(%q) = %s %v, want %s", tc.path, marshal(v), ok, tc.want)
		}
	}
	// Each key of a union is literal too; filters are left to ojg.
	for src, want := range map[string]string{
		`$['plain', "a\\b"]`:     `$['plain','a\\\\b']`,
		`$.x[?(@['a\\b'] == 1)]`: `$.x[?(@['a\\b'] == 1)]`,
		`$['unterminated\\`:      `$['unterminated\\`,
		`$['a', 1]`:              `$['a', 1]`,
	} {
		if got := ojgPath(src); got != want {
			t.Errorf("ojgPath(%s) = %s, want %s", src, got, want)
		}
	}
}
