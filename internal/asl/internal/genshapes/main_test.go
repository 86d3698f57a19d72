package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/thing.golden.json")

// fixture locates the fixture service in testdata as the module of every
// path asked for.
func fixture(paths []string) (map[string]module, error) {
	mods := map[string]module{}
	for _, p := range paths {
		mods[p] = module{Dir: "testdata/thing", Version: "v0.0.1"}
	}
	return mods, nil
}

func TestGenerateFixture(t *testing.T) {
	doc, err := generate(map[string][]string{"thing": nil}, fixture)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	const golden = "testdata/thing.golden.json"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("generate(testdata/thing) =\n%s\nwant (%s; go test -update rewrites it)\n%s", got, golden, want)
	}
}

func TestGenerateErrors(t *testing.T) {
	tests := []struct {
		name string
		svcs map[string][]string
		want string
	}{
		{"unknown operation", map[string][]string{"thing": {"Missing"}}, "api_op_Missing.go"},
		{"operation without output", map[string][]string{"broken": {"NoOutput"}}, "no struct NoOutputOutput"},
		{"unsupported field type", map[string][]string{"broken": {"Odd"}}, "field Feed: unsupported type"},
		{"unsupported declaration", map[string][]string{"broken": {"Bad"}}, "types.Kind: unsupported declaration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := generate(tt.svcs, func(paths []string) (map[string]module, error) {
				mods, _ := fixture(paths)
				for p := range mods {
					mods[p] = module{Dir: "testdata/" + strings.TrimPrefix(p, modulePrefix)}
				}
				return mods, nil
			})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("generate(%v) = %v, want an error naming %s", tt.svcs, err, tt.want)
			}
		})
	}
	_, err := generate(map[string][]string{"thing": nil}, func([]string) (map[string]module, error) {
		return map[string]module{}, nil
	})
	if err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("generate with no module = %v, want a module not found error", err)
	}
}

// TestDataMatchesSDK regenerates the data from the SDK versions in go.mod
// and fails while the checked-in ../../responseshapes.json.gz differs, so an
// SDK update cannot leave it behind silently. It needs the modules in the
// module cache (or the module proxy to fetch them).
func TestDataMatchesSDK(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH: cannot find the SDK in the module cache")
	}
	// go test caches a passing result while the files the test opened are
	// unchanged; go list reads go.mod in another process, so open it here.
	if _, err := os.ReadFile("go.mod"); err != nil {
		t.Fatal(err)
	}
	mods, err := moduleDirs([]string{modulePrefix + "sts"})
	if err != nil || mods[modulePrefix+"sts"].Dir == "" {
		t.Skipf("the SDK's modules are not available: %v", err)
	}
	doc, err := generate(services, moduleDirs)
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../../responseshapes.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("internal/asl/responseshapes.json.gz differs from the SDK modules in go.mod: run go generate ./internal/asl")
	}
}
