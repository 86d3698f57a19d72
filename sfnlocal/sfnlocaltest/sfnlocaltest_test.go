package sfnlocaltest

import (
	"reflect"
	"strings"
	"testing"
)

// TestCapabilitiesWiring checks that every Capabilities field is a bool that
// some scenario needs through exactly one capability constant, that has and
// String read that field and no other, and that AllCapabilities sets it, so a
// new field cannot be forgotten.
func TestCapabilitiesWiring(t *testing.T) {
	needed := map[capability]bool{}
	for _, g := range groups {
		for _, sc := range g.scenarios {
			for _, c := range sc.needs {
				needed[c] = true
			}
		}
	}
	typ := reflect.TypeFor[Capabilities]()
	fields := reflect.VisibleFields(typ)
	if len(fields) != len(needed) {
		t.Errorf("Capabilities has %d fields but scenarios need %d capabilities", len(fields), len(needed))
	}
	for _, f := range fields {
		if f.Type.Kind() != reflect.Bool {
			t.Errorf("Capabilities.%s is a %s, want a bool", f.Name, f.Type)
		}
		if !needed[capability(f.Name)] {
			t.Errorf("no scenario needs capability %s", f.Name)
		}
	}
	for c := range needed {
		name := c.String()
		f, ok := typ.FieldByName(name)
		if !ok {
			t.Errorf("capability %q String() = %q, which is not a Capabilities field", string(c), name)
			continue
		}
		var only Capabilities
		reflect.ValueOf(&only).Elem().FieldByIndex(f.Index).SetBool(true)
		for other := range needed {
			if got, want := only.has(other), other == c; got != want {
				t.Errorf("Capabilities{%s: true}.has(%s) = %v, want %v", name, other, got, want)
			}
		}
		if !AllCapabilities().has(c) {
			t.Errorf("AllCapabilities() lacks %s", name)
		}
	}
}

// TestNewHarnessValidatesTarget checks that a Target without a usable
// endpoint is refused with an error naming the endpoint, and that the
// defaults are filled in.
func TestNewHarnessValidatesTarget(t *testing.T) {
	tests := []struct {
		endpoint string
		wantErr  string
	}{
		{"", "has no Endpoint"},
		{"127.0.0.1:8083", `"127.0.0.1:8083" is not an http(s) URL`},
		{"ftp://127.0.0.1:8083", `"ftp://127.0.0.1:8083" is not an http(s) URL`},
		{"http://", `"http://" is not an http(s) URL`},
		{"http://127.0.0.1:8083", ""},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint, func(t *testing.T) {
			h, err := newHarness(Target{Name: "peer", Endpoint: tt.endpoint})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("newHarness(Endpoint %q) error = %v, want one containing %q", tt.endpoint, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("newHarness(Endpoint %q): %v", tt.endpoint, err)
			}
			if h.target.Region != DefaultRegion || h.target.AccountID != DefaultAccountID {
				t.Errorf("defaults: region %q account %q, want %q %q", h.target.Region, h.target.AccountID, DefaultRegion, DefaultAccountID)
			}
			if got, want := h.arn("stateMachine:m"), "arn:aws:states:us-east-1:123456789012:stateMachine:m"; got != want {
				t.Errorf("arn = %q, want %q", got, want)
			}
			if a, b := h.name("x"), h.name("x"); a == b || len(a) > 80 {
				t.Errorf("name(x) twice = %q, %q, want distinct names of at most 80 characters", a, b)
			}
		})
	}
}

// TestPartition checks the ARN partition chosen for a region.
func TestPartition(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1":      "aws",
		"eu-west-1":      "aws",
		"cn-north-1":     "aws-cn",
		"us-gov-west-1":  "aws-us-gov",
		"eusc-de-east-1": "aws-eusc",
		"us-iso-east-1":  "aws-iso",
		"local":          "aws",
	} {
		h := &harness{target: Target{Region: region}}
		if got := h.partition(); got != want {
			t.Errorf("partition for %q = %q, want %q", region, got, want)
		}
	}
}

// TestJSONEqual checks the JSON comparison the scenarios use for inputs and
// outputs.
func TestJSONEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{`{"a":1,"b":[1,2]}`, `{ "b": [1, 2], "a": 1.0 }`, true},
		{`{"a":1}`, `{"a":2}`, false},
		{`[1,2]`, `[2,1]`, false},
		{`{"a":1}`, `{"a":1,"b":null}`, false},
		{`not json`, `not json`, false},
	}
	for _, tt := range tests {
		if got := jsonEqual(tt.a, tt.b); got != tt.want {
			t.Errorf("jsonEqual(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestDeviationsNameScenarios checks that every scenario path is unique, so
// that a Deviations entry names exactly one scenario.
func TestDeviationsNameScenarios(t *testing.T) {
	seen := map[string]bool{}
	for _, g := range groups {
		for _, sc := range g.scenarios {
			path := g.name + "/" + sc.name
			if seen[path] {
				t.Errorf("scenario path %q is used twice", path)
			}
			seen[path] = true
			if !scenarioExists(path) {
				t.Errorf("scenarioExists(%q) = false for a listed scenario", path)
			}
		}
	}
	if scenarioExists("History/NoSuchScenario") {
		t.Error(`scenarioExists("History/NoSuchScenario") = true, want false`)
	}
}
