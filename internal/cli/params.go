package cli

import (
	"fmt"
	"strings"

	sfn "github.com/polysync/stepfunctions"
)

// parseParams turns the run command's --param and --out flags into the
// provider's parameters.
//
// --param takes name:type=value (type optional, default string); the value is
// everything after the first '=', so it may hold '=' and ':'. --out takes
// name:type (type optional). A name given to both becomes an InputOutput
// parameter, of the --param type (an --out type, if given, must agree).
// Names are compared case-insensitively, as the provider does.
func parseParams(inputs, outputs []string) ([]sfn.Parameter, error) {
	var params []sfn.Parameter
	index := map[string]int{}
	for _, raw := range inputs {
		spec, value, ok := strings.Cut(raw, "=")
		if !ok {
			return nil, fmt.Errorf("--param %q: want name:type=value (type optional)", withoutValue(raw))
		}
		// Errors quote name:type only: the value may be a secret.
		name, dataType, err := parseNameType("--param", spec)
		if err != nil {
			return nil, err
		}
		key := strings.ToLower(name)
		if _, dup := index[key]; dup {
			return nil, fmt.Errorf("--param %q: parameter %q is given twice", spec, name)
		}
		index[key] = len(params)
		params = append(params, sfn.Parameter{Name: name, Direction: sfn.DirectionInput, DataType: dataType, Value: value})
	}
	seenOut := map[string]bool{}
	for _, raw := range outputs {
		name, dataType, err := parseNameType("--out", raw)
		if err != nil {
			return nil, err
		}
		key := strings.ToLower(name)
		if seenOut[key] {
			return nil, fmt.Errorf("--out %q: parameter %q is given twice", raw, name)
		}
		seenOut[key] = true
		if i, ok := index[key]; ok {
			if strings.Contains(raw, ":") && !strings.EqualFold(string(dataType), string(params[i].DataType)) {
				return nil, fmt.Errorf("--out %q: parameter %q has type %s in --param", raw, params[i].Name, params[i].DataType)
			}
			params[i].Direction = sfn.DirectionInputOutput
			continue
		}
		params = append(params, sfn.Parameter{Name: name, Direction: sfn.DirectionOutput, DataType: dataType})
	}
	return params, nil
}

// withoutValue returns a --param without '=' as an error may quote it: the
// name, and what follows a ':' only when it is a type, since a ':' typed for
// '=' puts the value there.
func withoutValue(raw string) string {
	name, after, ok := strings.Cut(raw, ":")
	if !ok || knownTypes[strings.ToLower(after)] {
		return raw
	}
	return name + ":..."
}

func parseNameType(flag, spec string) (string, sfn.DataType, error) {
	name, dataType := spec, "string"
	if i := strings.LastIndexByte(spec, ':'); i >= 0 {
		name, dataType = spec[:i], spec[i+1:]
		if dataType == "" {
			return "", "", fmt.Errorf("%s %q: the type after ':' is empty", flag, spec)
		}
	}
	if strings.TrimSpace(name) == "" {
		return "", "", fmt.Errorf("%s %q: the parameter name is empty", flag, spec)
	}
	if !knownTypes[strings.ToLower(dataType)] {
		return "", "", fmt.Errorf("%s %q: unknown type %q (want string, number, boolean or json; "+
			"also text, date, int, integer, long, decimal, float, double, bool, object, array)", flag, spec, dataType)
	}
	return name, sfn.DataType(dataType), nil
}

// knownTypes are the data type names the provider documents (see
// sfn.BuildInput). The provider treats any other name as a string; the
// command line refuses it instead, so that a misspelt type is not sent as a
// string by surprise.
var knownTypes = map[string]bool{
	"string": true, "text": true, "date": true,
	"number": true, "int": true, "integer": true, "long": true, "decimal": true, "float": true, "double": true,
	"boolean": true, "bool": true,
	"json": true, "object": true, "array": true,
}
