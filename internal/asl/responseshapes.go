package asl

import (
	"bytes"
	"compress/gzip"
	_ "embed" // the response shape data
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

//go:generate go -C internal/genshapes run . -o ../../responseshapes.json.gz

// responseShapeData holds the response shapes of the AWS SDK operations
// whose mocked results TestState validates: gzipped JSON written by
// internal/genshapes from the AWS SDK for Go v2's service packages (its
// go.mod names the service modules and their versions; each service's entry
// records its module and version). The notation is documented there.
//
//go:embed responseshapes.json.gz
var responseShapeData []byte

// sdkService is one service's shapes as the data holds them, resolved into
// shapes on first use.
type sdkService struct {
	Module  string            `json:"module"`
	Version string            `json:"version"`
	Ops     map[string]string `json:"ops"`
	Types   map[string]string `json:"types"`

	once     sync.Once
	resolved map[string]*shape // by operation
	err      error
}

var (
	sdkServicesOnce sync.Once
	sdkServices     map[string]*sdkService
	sdkServicesErr  error
)

// loadSDKServices decodes the embedded data, once.
func loadSDKServices() (map[string]*sdkService, error) {
	sdkServicesOnce.Do(func() {
		sdkServices, sdkServicesErr = decodeSDKServices(responseShapeData)
	})
	return sdkServices, sdkServicesErr
}

// decodeSDKServices decodes data in genshapes' format.
func decodeSDKServices(data []byte) (map[string]*sdkService, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("response shape data: %w", err)
	}
	js, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("response shape data: %w", err)
	}
	var doc struct {
		Services map[string]*sdkService `json:"services"`
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		return nil, fmt.Errorf("response shape data: %w", err)
	}
	return doc.Services, nil
}

// sdkOperationShape returns the response shape of the AWS SDK operation op
// (PascalCase, as in the SDK: GetObject) of service (the SDK's package
// name: s3), or nil when the data does not have it.
func sdkOperationShape(service, op string) (*shape, error) {
	services, err := loadSDKServices()
	if err != nil {
		return nil, err
	}
	svc := services[service]
	if svc == nil {
		return nil, nil
	}
	svc.once.Do(func() { svc.resolved, svc.err = svc.resolve() })
	if svc.err != nil {
		return nil, fmt.Errorf("response shape data of %s: %w", service, svc.err)
	}
	return svc.resolved[op], nil
}

// resolve turns every operation's members, and the types they refer to,
// into shapes. A type is resolved once and shared; a recursive type refers
// to itself.
func (svc *sdkService) resolve() (map[string]*shape, error) {
	types := make(map[string]*shape, len(svc.Types))
	for name := range svc.Types {
		types[name] = &shape{kind: "object"}
	}
	names := make([]string, 0, len(svc.Types))
	for name := range svc.Types {
		names = append(names, name)
	}
	sort.Strings(names) // the first error found is always the same
	for _, name := range names {
		if err := parseMembers(svc.Types[name], types, types[name]); err != nil {
			return nil, fmt.Errorf("type %s: %w", name, err)
		}
	}
	ops := make(map[string]*shape, len(svc.Ops))
	for op, members := range svc.Ops {
		sh := &shape{kind: "object"}
		if err := parseMembers(members, types, sh); err != nil {
			return nil, fmt.Errorf("operation %s: %w", op, err)
		}
		ops[op] = sh
	}
	return ops, nil
}

// parseMembers parses a member list ("Name:type,Name!type") into the
// fields of sh; types are the named types it may refer to.
func parseMembers(members string, types map[string]*shape, sh *shape) error {
	if members == "" {
		return nil
	}
	list := strings.Split(members, ",")
	sh.fields = make(map[string]*shape, len(list))
	for _, m := range list {
		i := strings.IndexAny(m, ":!")
		if i <= 0 {
			return fmt.Errorf("member %q: no name and type", m)
		}
		typ, err := parseType(m[i+1:], types)
		if err != nil {
			return fmt.Errorf("member %s: %w", m[:i], err)
		}
		sh.fields[m[:i]] = typ
		if m[i] == '!' {
			sh.required = append(sh.required, m[:i])
		}
	}
	return nil
}

// Shapes the notation's scalar letters stand for.
var (
	boolean   = &shape{kind: "boolean"}
	timestamp = &shape{kind: "timestamp"}
)

// parseType parses a type in the notation.
func parseType(typ string, types map[string]*shape) (*shape, error) {
	switch typ {
	case "s":
		return str, nil
	case "n":
		return num, nil
	case "b":
		return boolean, nil
	case "t":
		return timestamp, nil
	case "a":
		return anyValue, nil
	case "":
		return nil, fmt.Errorf("no type")
	}
	switch typ[0] {
	case '[', '{':
		elem, err := parseType(typ[1:], types)
		if err != nil {
			return nil, err
		}
		if typ[0] == '[' {
			return &shape{kind: "array", elem: elem}, nil
		}
		return &shape{kind: "map", elem: elem}, nil
	}
	if sh := types[typ]; sh != nil {
		return sh, nil
	}
	return nil, fmt.Errorf("unknown type %q", typ)
}
