// Command genshapes writes the response shapes that TestState validates
// mocked results against, from the AWS SDK for Go v2's service packages.
//
// For every operation of the services it is given, genshapes reads the
// operation's <Op>Output struct (api_op_<Op>.go) and the structures, unions
// and enums it refers to (types/*.go) from the Go source in the module cache,
// for the service versions this module's go.mod requires, and writes them as
// a gzipped JSON document that package asl embeds. It never links the SDK:
// its go.mod lists the service modules only so that go mod download fetches
// their source, and the main module gains no dependency on them.
//
// The document is
//
//	{"services": {"<package>": {"module": "...", "version": "v1.2.3",
//	    "ops": {"<Op>": "<members>"}, "types": {"<Name>": "<members>"}}}}
//
// where <members> is a comma-separated list of "Name:type" (or "Name!type" for
// a member whose documentation says "This member is required.") and a type is
// s (string, enum, blob or streaming body), n (number), b (boolean), t
// (timestamp), a (any JSON value: a document), [T (a list of T), {T (a map
// of T values) or the name of a structure or union in "types" (a union is an
// object with one of its members, so it is written as a structure). Members
// keep the Go SDK's field names, which are the model's member names with the
// first letter in upper case: the names Step Functions gives a result's
// fields. ResultMetadata and unexported fields are left out.
//
// Run it with go generate in internal/asl after changing a version in
// go.mod; a test fails while the checked-in data differs from what this
// command would write.
//
// Usage:
//
//	genshapes [-o ../../responseshapes.json.gz]
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// modulePrefix is the import path of the SDK's service modules, less the
// service's package name.
const modulePrefix = "github.com/aws/aws-sdk-go-v2/service/"

// services lists the service packages whose operations genshapes covers:
// nil for every operation, or the operations an optimized integration calls.
var services = map[string][]string{
	"athena": nil, "batch": nil, "bedrockruntime": nil, "cloudwatch": nil, "cloudwatchlogs": nil,
	"dynamodb": nil, "ecs": nil, "eventbridge": nil, "firehose": nil, "glue": nil, "kinesis": nil,
	"lambda": nil, "s3": nil, "secretsmanager": nil, "ses": nil, "sesv2": nil, "sfn": nil, "sns": nil,
	"sqs": nil, "ssm": nil, "sts": nil, "ec2": nil, "ecr": nil, "eks": nil, "iam": nil, "kms": nil, "rds": nil,
	"codebuild": {"StartBuild", "StopBuild", "BatchDeleteBuilds", "BatchGetReports", "StartBuildBatch",
		"StopBuildBatch", "RetryBuildBatch", "RetryBuild", "DeleteBuildBatch"},
}

func main() {
	out := flag.String("o", "../../responseshapes.json.gz", "file to write")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "genshapes:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	doc, err := generate(services, moduleDirs)
	if err != nil {
		return err
	}
	data, err := encode(doc)
	if err != nil {
		return err
	}
	return os.WriteFile(out, data, 0o644)
}

// document is what genshapes writes.
type document struct {
	Services map[string]*service `json:"services"`
}

// service is one SDK service package's response shapes.
type service struct {
	Module  string            `json:"module"`
	Version string            `json:"version"`
	Ops     map[string]string `json:"ops"`
	Types   map[string]string `json:"types"`
}

// module is a module's directory in the module cache and its version.
type module struct{ Dir, Version string }

// generate reads the response shapes of the operations of svcs (see
// services) from the modules locate finds.
func generate(svcs map[string][]string, locate func(paths []string) (map[string]module, error)) (*document, error) {
	names := make([]string, 0, len(svcs))
	paths := make([]string, 0, len(svcs))
	for name := range svcs {
		names = append(names, name)
		paths = append(paths, modulePrefix+name)
	}
	sort.Strings(names)
	mods, err := locate(paths)
	if err != nil {
		return nil, err
	}
	doc := &document{Services: map[string]*service{}}
	for _, name := range names {
		mod, ok := mods[modulePrefix+name]
		if !ok {
			return nil, fmt.Errorf("module %s%s: not found (is it in go.mod?)", modulePrefix, name)
		}
		svc, err := readService(mod.Dir, svcs[name])
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", name, err)
		}
		svc.Module, svc.Version = modulePrefix+name, mod.Version
		doc.Services[name] = svc
	}
	return doc, nil
}

// encode writes doc as gzipped JSON. The output depends on doc alone (JSON
// sorts map keys, gzip's header has no time), so a regeneration from the same
// SDK versions changes nothing.
func encode(doc *document) ([]byte, error) {
	js, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(js); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// moduleDirs downloads paths, at the versions go.mod requires, into the
// module cache (nothing to do when they are there) and returns where they
// are.
func moduleDirs(paths []string) (map[string]module, error) {
	if _, err := goCommand(append([]string{"mod", "download"}, paths...)...); err != nil {
		return nil, err
	}
	listed, err := goCommand(append([]string{"list", "-m", "-f", "{{.Path}}\t{{.Dir}}\t{{.Version}}"}, paths...)...)
	if err != nil {
		return nil, err
	}
	mods := map[string]module{}
	for line := range strings.Lines(string(listed)) {
		f := strings.Split(strings.TrimSpace(line), "\t")
		if len(f) != 3 || f[1] == "" {
			return nil, fmt.Errorf("go list -m: no module directory in %q (run go mod download)", line)
		}
		mods[f[0]] = module{Dir: f[1], Version: f[2]}
	}
	return mods, nil
}

// goCommand runs the go command with args and returns its standard output.
func goCommand(args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s: %w: %s", strings.Join(args[:2], " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// reader turns one service package's Go types into the document's notation.
type reader struct {
	decls map[string]*ast.TypeSpec // the types package's declarations
	out   map[string]string        // the types written so far
	todo  []string                 // types referred to, not yet written
}

// readService reads the output shapes of ops (nil: every operation) from
// the service package in dir.
func readService(dir string, ops []string) (*service, error) {
	fset := token.NewFileSet()
	r := &reader{decls: map[string]*ast.TypeSpec{}, out: map[string]string{}}
	typeFiles, err := filepath.Glob(filepath.Join(dir, "types", "*.go"))
	if err != nil {
		return nil, err
	}
	for _, path := range typeFiles {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, decl := range f.Decls {
			if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
				for _, spec := range gd.Specs {
					ts := spec.(*ast.TypeSpec)
					r.decls[ts.Name.Name] = ts
				}
			}
		}
	}
	if ops == nil {
		opFiles, err := filepath.Glob(filepath.Join(dir, "api_op_*.go"))
		if err != nil {
			return nil, err
		}
		for _, path := range opFiles {
			if !strings.HasSuffix(path, "_test.go") {
				ops = append(ops, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(path), "api_op_"), ".go"))
			}
		}
		if len(ops) == 0 {
			return nil, fmt.Errorf("no api_op_*.go files in %s", dir)
		}
	}
	svc := &service{Ops: map[string]string{}, Types: r.out}
	for _, op := range ops {
		path := filepath.Join(dir, "api_op_"+op+".go")
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		st := findStruct(f, op+"Output")
		if st == nil {
			return nil, fmt.Errorf("%s: no struct %sOutput", path, op)
		}
		if svc.Ops[op], err = r.members(st, "."); err != nil {
			return nil, fmt.Errorf("%sOutput: %w", op, err)
		}
	}
	for len(r.todo) > 0 {
		name := r.todo[len(r.todo)-1]
		r.todo = r.todo[:len(r.todo)-1]
		if err := r.writeType(name); err != nil {
			return nil, fmt.Errorf("types.%s: %w", name, err)
		}
	}
	return svc, nil
}

// findStruct returns the struct type named name declared in f, or nil.
func findStruct(f *ast.File, name string) *ast.StructType {
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, spec := range gd.Specs {
			if ts := spec.(*ast.TypeSpec); ts.Name.Name == name {
				st, _ := ts.Type.(*ast.StructType)
				return st
			}
		}
	}
	return nil
}

// members writes the exported fields of st, but ResultMetadata, as a member
// list. pkg is "." when st is in the service package, "types" when in the
// types package (where a type's name has no qualifier).
func (r *reader) members(st *ast.StructType, pkg string) (string, error) {
	var list []string
	for _, field := range st.Fields.List {
		for _, name := range field.Names {
			if !name.IsExported() || name.Name == "ResultMetadata" {
				continue
			}
			typ, err := r.typeOf(field.Type, pkg)
			if err != nil {
				return "", fmt.Errorf("field %s: %w", name.Name, err)
			}
			sep := ":"
			if strings.Contains(field.Doc.Text(), "This member is required.") {
				sep = "!"
			}
			list = append(list, name.Name+sep+typ)
		}
	}
	return strings.Join(list, ","), nil
}

// typeOf writes the Go type expr in the document's notation.
func (r *reader) typeOf(expr ast.Expr, pkg string) (string, error) {
	switch e := expr.(type) {
	case *ast.StarExpr:
		return r.typeOf(e.X, pkg)
	case *ast.ArrayType:
		if id, ok := e.Elt.(*ast.Ident); ok && id.Name == "byte" {
			return "s", nil // a blob
		}
		elem, err := r.typeOf(e.Elt, pkg)
		return "[" + elem, err
	case *ast.MapType:
		if id, ok := e.Key.(*ast.Ident); !ok || id.Name != "string" {
			return "", fmt.Errorf("map key %s, want string", exprString(e.Key))
		}
		elem, err := r.typeOf(e.Value, pkg)
		return "{" + elem, err
	case *ast.Ident:
		switch e.Name {
		case "string":
			return "s", nil
		case "bool":
			return "b", nil
		case "int", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
			return "n", nil
		}
		if pkg == "types" {
			return r.named(e.Name)
		}
	case *ast.SelectorExpr:
		switch exprString(e) {
		case "time.Time":
			return "t", nil
		case "io.ReadCloser", "io.Reader":
			return "s", nil // a streaming body, which Step Functions reads as text
		case "document.Interface":
			return "a", nil
		}
		if exprString(e.X) == "types" {
			return r.named(e.Sel.Name)
		}
	}
	return "", fmt.Errorf("unsupported type %s", exprString(expr))
}

// named returns the notation of the types package's type name: a scalar for
// an enum, else the name, queued to be written.
func (r *reader) named(name string) (string, error) {
	ts, ok := r.decls[name]
	if !ok {
		return "", fmt.Errorf("types.%s: not declared", name)
	}
	switch t := ts.Type.(type) {
	case *ast.Ident: // an enum
		return r.typeOf(t, "")
	case *ast.StructType, *ast.InterfaceType:
		if _, done := r.out[name]; !done {
			r.out[name] = "" // written later; marks it as queued
			r.todo = append(r.todo, name)
		}
		return name, nil
	}
	return "", fmt.Errorf("types.%s: unsupported declaration %s", name, exprString(ts.Type))
}

// writeType writes the structure or union name into r.out.
func (r *reader) writeType(name string) error {
	var err error
	switch t := r.decls[name].Type.(type) {
	case *ast.StructType:
		r.out[name], err = r.members(t, "types")
	case *ast.InterfaceType:
		r.out[name], err = r.unionMembers(name)
	}
	return err
}

// unionMembers writes the members of the union name: the types
// <name>Member<X>, each with a Value field, are its members X.
func (r *reader) unionMembers(name string) (string, error) {
	prefix := name + "Member"
	var list []string
	for decl, ts := range r.decls {
		member, ok := strings.CutPrefix(decl, prefix)
		if !ok || member == "" {
			continue
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			continue
		}
		var value ast.Expr
		for _, f := range st.Fields.List {
			if len(f.Names) == 1 && f.Names[0].Name == "Value" {
				value = f.Type
			}
		}
		if value == nil {
			return "", fmt.Errorf("union member %s has no Value field", decl)
		}
		typ, err := r.typeOf(value, "types")
		if err != nil {
			return "", fmt.Errorf("union member %s: %w", member, err)
		}
		list = append(list, member+":"+typ)
	}
	if len(list) == 0 {
		return "", fmt.Errorf("interface with no %s<X> member types", prefix)
	}
	sort.Strings(list)
	return strings.Join(list, ","), nil
}

// exprString is the source text of a type expression, for messages.
func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.StarExpr:
		return "*" + exprString(e.X)
	case *ast.ArrayType:
		return "[]" + exprString(e.Elt)
	case *ast.MapType:
		return "map[" + exprString(e.Key) + "]" + exprString(e.Value)
	}
	return fmt.Sprintf("%T", e)
}
