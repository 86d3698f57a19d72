package stepfunctions

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/polysync/stepfunctions/internal/jsonsyntax"
)

// MaxInputBytes is the largest execution input Step Functions accepts, in bytes of UTF-8.
const MaxInputBytes = 262144

// dataKind is the JSON kind a DataType maps to.
type dataKind int

const (
	kindString dataKind = iota
	kindNumber
	kindBoolean
	kindJSON   // any JSON value
	kindObject // a JSON object
	kindArray  // a JSON array
)

// kindOf maps a data type name, case-insensitively, to its JSON kind. Unknown names are strings.
func kindOf(t DataType) dataKind {
	switch strings.ToLower(strings.TrimSpace(string(t))) {
	case "number", "int", "integer", "long", "decimal", "float", "double":
		return kindNumber
	case "boolean", "bool":
		return kindBoolean
	case "json":
		return kindJSON
	case "object":
		return kindObject
	case "array":
		return kindArray
	}
	return kindString
}

// parseDirection maps a direction name, case-insensitively, to its canonical value. An empty direction is
// Input.
func parseDirection(d Direction) (Direction, bool) {
	switch d { // the canonical spellings, without the allocations of the general case
	case DirectionInput, DirectionOutput, DirectionInputOutput:
		return d, true
	}
	switch strings.ToLower(strings.TrimSpace(string(d))) {
	case "", "input":
		return DirectionInput, true
	case "output":
		return DirectionOutput, true
	case "inputoutput":
		return DirectionInputOutput, true
	}
	return "", false
}

// foldKey returns a key under which names that match case-insensitively collide. An ASCII name already in lower
// case is its own key, without an allocation.
func foldKey(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.ToLower(strings.ToUpper(s))
		}
	}
	return strings.ToLower(s)
}

// BuildInput builds the execution input from the Input and InputOutput parameters: one JSON object whose
// top-level properties are the parameters, in the order given. Directions and data type names match
// case-insensitively; an empty Direction means Input.
//
// Values by data type:
//   - number (also int, integer, long, decimal, float, double): a JSON number, written exactly as given
//     (surrounding spaces trimmed), so large integers keep every digit. It must follow JSON's number syntax.
//   - boolean (also bool): true or false; accepted spellings are true/false, t/f and 1/0 in any case.
//   - json: any JSON value, embedded raw (compacted); object and array additionally require that kind.
//   - anything else (string, text, date, unknown names): a JSON string, except that a value that already is a
//     valid JSON object or array is embedded raw (compacted).
//
// An empty value (or, for number, boolean and json types, one of only spaces) becomes JSON null for number,
// boolean and json types and the empty string "" for string types, so the property is always present.
//
// BuildInput fails with ErrInvalidInput, and nothing should be started, for a value that does not parse as
// its type, an empty name, names that are equal case-insensitively (across all directions, since outputs map
// back by name), an unknown direction, text that is not valid UTF-8, or an input over MaxInputBytes. Errors
// name the parameter but never contain its value.
func BuildInput(params []Parameter) (string, error) {
	const op = "BuildInput"
	seen := make(map[string]string, len(params))
	var b bytes.Buffer
	b.WriteByte('{')
	n := 0
	for i, p := range params {
		if p.Name == "" {
			return "", invalid(op, "parameter %d: empty name", i)
		}
		if !utf8.ValidString(p.Name) {
			return "", invalid(op, "parameter %d: name is not valid UTF-8", i)
		}
		k := foldKey(p.Name)
		if prev, dup := seen[k]; dup {
			return "", invalid(op, "parameter %q: duplicate name (names are case-insensitive; %q came first)", p.Name, prev)
		}
		seen[k] = p.Name
		dir, ok := parseDirection(p.Direction)
		if !ok {
			return "", invalid(op, "parameter %q: unknown direction %q (want Input, Output or InputOutput)", p.Name, p.Direction)
		}
		if dir == DirectionOutput {
			continue
		}
		if !utf8.ValidString(p.Value) {
			return "", invalid(op, "parameter %q: value is not valid UTF-8", p.Name)
		}
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		appendString(&b, p.Name)
		b.WriteByte(':')
		if err := appendValue(&b, p); err != nil {
			return "", invalid(op, "parameter %q (%s): %w", p.Name, dataTypeName(p.DataType), err)
		}
		if b.Len() > MaxInputBytes {
			return "", invalid(op, "input exceeds the Step Functions limit of %d bytes at parameter %q", MaxInputBytes, p.Name)
		}
	}
	b.WriteByte('}')
	if b.Len() > MaxInputBytes {
		return "", invalid(op, "input of %d bytes exceeds the Step Functions limit of %d bytes", b.Len(), MaxInputBytes)
	}
	return b.String(), nil
}

func dataTypeName(t DataType) string {
	if t == "" {
		return "string"
	}
	return string(t)
}

// appendValue appends p's value as JSON according to its data type.
func appendValue(b *bytes.Buffer, p Parameter) error {
	kind := kindOf(p.DataType)
	v := p.Value
	if kind != kindString {
		v = strings.TrimSpace(v)
		if v == "" {
			b.WriteString("null")
			return nil
		}
	}
	switch kind {
	case kindNumber:
		if err := checkNumber(v); err != nil {
			return err
		}
		b.WriteString(v)
	case kindBoolean:
		t, err := strconv.ParseBool(strings.ToLower(v))
		if err != nil {
			return errors.New("value is not a boolean (want true or false)")
		}
		b.WriteString(strconv.FormatBool(t))
	case kindJSON, kindObject, kindArray:
		if err := compactJSON(b, v, leadingSpace(p.Value)); err != nil {
			return fmt.Errorf("value is not valid JSON: %w", err)
		}
		if kind == kindObject && v[0] != '{' {
			return errors.New("value is valid JSON but not an object")
		}
		if kind == kindArray && v[0] != '[' {
			return errors.New("value is valid JSON but not an array")
		}
	default:
		if t := strings.TrimSpace(v); t != "" && (t[0] == '{' || t[0] == '[') && json.Valid([]byte(t)) {
			return compactJSON(b, t, leadingSpace(v))
		}
		appendString(b, v)
	}
	return nil
}

// appendString appends s as a JSON string, without escaping <, > and & (Step Functions is no HTML page).
func appendString(b *bytes.Buffer, s string) {
	e := json.NewEncoder(b)
	e.SetEscapeHTML(false)
	_ = e.Encode(s)         // cannot fail for a string
	b.Truncate(b.Len() - 1) // Encode's newline
}

// compactJSON appends the compacted JSON text v to b, or returns where its syntax goes wrong without quoting
// the value (jsonsyntax.Fault). v is the parameter's value without its lead bytes of leading white space.
func compactJSON(b *bytes.Buffer, v string, lead int) error {
	n := b.Len()
	if err := json.Compact(b, []byte(v)); err != nil {
		b.Truncate(n)
		return jsonsyntax.Fault([]byte(v), lead)
	}
	return nil
}

// leadingSpace returns how many bytes of white space (as strings.TrimSpace sees it) v starts with.
func leadingSpace(v string) int {
	return len(v) - len(strings.TrimLeftFunc(v, unicode.IsSpace))
}

// checkNumber reports whether v follows JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func checkNumber(v string) error {
	bad := func(i int) error {
		return fmt.Errorf("value is not a JSON number (unexpected character at byte %d; want digits with optional sign, fraction and exponent)", i)
	}
	i := 0
	if i < len(v) && v[i] == '-' {
		i++
	}
	digits := func() int {
		start := i
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		return i - start
	}
	switch {
	case i < len(v) && v[i] == '0':
		i++
	case digits() == 0:
		return bad(i)
	}
	if i < len(v) && v[i] == '.' {
		i++
		if digits() == 0 {
			return bad(i)
		}
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		if digits() == 0 {
			return bad(i)
		}
	}
	if i != len(v) {
		return bad(i)
	}
	return nil
}

// ApplyOutput maps an execution's output onto the Output and InputOutput parameters and returns the updated
// copy; params itself is never modified. Each such parameter takes the value of the output's top-level
// property with the same name, matched case-insensitively: an exact-case match wins, and a parameter for which
// two or more properties differ only in case (and none matches exactly) is left unchanged, as is one whose
// property appears more than once with the same name (JSON does not say which one counts). String values are
// taken as they are; null becomes the empty value ""; any other value (number, boolean, object, array) is taken
// as its compact JSON text. A parameter without a matching property keeps its value.
//
// When output is not a JSON object, every parameter is left unchanged. In that case, and when some parameter
// was ambiguous, ApplyOutput returns the (still valid) copy together with an error matching
// ErrOutputNotApplied that says why. When there are no Output or InputOutput parameters, output is not
// examined. Only the values of properties that some parameter may take are kept while reading output.
func ApplyOutput(params []Parameter, output string) ([]Parameter, error) {
	out, _, err := applyOutput(params, output)
	return out, err
}

// outputProperty is a top-level property of an execution output that some parameter may take.
type outputProperty struct {
	raw   string // the value's JSON text
	count int    // how many times the name occurs
}

// applyOutput is ApplyOutput that also returns the names of the Output and InputOutput parameters that the output
// (a JSON object) has no property for.
func applyOutput(params []Parameter, output string) (out []Parameter, missing []string, err error) {
	const op = "ApplyOutput"
	out = make([]Parameter, len(params))
	copy(out, params)
	var wanted map[string]bool // folded names of the Output and InputOutput parameters
	for _, p := range params {
		if d, _ := parseDirection(p.Direction); d == DirectionOutput || d == DirectionInputOutput {
			if wanted == nil {
				wanted = make(map[string]bool, len(params))
			}
			wanted[foldKey(p.Name)] = true
		}
	}
	if wanted == nil {
		return out, nil, nil
	}
	props, folded, ok := readOutputObject(output, wanted)
	if !ok {
		return out, nil, &Error{Op: op, Kind: ErrOutputNotApplied,
			Err: fmt.Errorf("execution output is %s, not a JSON object; parameters left unchanged", describeJSON(output))}
	}
	var caseAmbiguous, repeated []string
	for i, p := range out {
		if d, _ := parseDirection(p.Direction); d != DirectionOutput && d != DirectionInputOutput {
			continue
		}
		prop, ok := props[p.Name]
		if !ok {
			switch keys := folded[foldKey(p.Name)]; len(keys) {
			case 0:
				missing = append(missing, p.Name)
				continue
			case 1:
				prop = props[keys[0]]
			default:
				caseAmbiguous = append(caseAmbiguous, fmt.Sprintf("%q (output has %s)", p.Name, quoteList(keys)))
				continue
			}
		}
		if prop.count > 1 {
			repeated = append(repeated, fmt.Sprintf("%q (%d times)", p.Name, prop.count))
			continue
		}
		out[i].Value = outputText(prop.raw)
	}
	var notes []string
	if len(caseAmbiguous) > 0 {
		notes = append(notes, "parameters left unchanged because output properties differ only in case: "+strings.Join(caseAmbiguous, "; "))
	}
	if len(repeated) > 0 {
		notes = append(notes, "parameters left unchanged because the output repeats their property: "+strings.Join(repeated, "; "))
	}
	if len(notes) > 0 {
		return out, missing, &Error{Op: op, Kind: ErrOutputNotApplied, Err: errors.New(strings.Join(notes, "; "))}
	}
	return out, missing, nil
}

// readOutputObject reads output, which must be one JSON object, property by property at the top level. It
// returns the top-level properties whose names fold to a key of wanted (by exact name, with how often each
// occurs), and for each folded key the distinct names that have it; other properties are passed over. ok is false
// when output is not a valid JSON object.
//
// output is validated once (json.Valid, which allocates nothing), then split by a scanner that only has to find
// where each top-level name and value ends; values are kept as substrings of output, so the cost grows with the
// number of parameters, not with the size of the output.
func readOutputObject(output string, wanted map[string]bool) (props map[string]outputProperty, folded map[string][]string, ok bool) {
	i := skipSpace(output, 0)
	if i == len(output) || output[i] != '{' || !json.Valid([]byte(output)) {
		return nil, nil, false
	}
	props = make(map[string]outputProperty, len(wanted))
	folded = make(map[string][]string, len(wanted))
	for i = skipSpace(output, i+1); output[i] != '}'; i = skipSpace(output, i) {
		if output[i] == ',' {
			i = skipSpace(output, i+1)
		}
		end := valueEnd(output, i)
		name := output[i+1 : end-1]
		if strings.IndexByte(name, '\\') >= 0 || !utf8.ValidString(name) {
			// Escapes (and invalid UTF-8, which decodes to U+FFFD) are decoded as json.Unmarshal would.
			_ = json.Unmarshal([]byte(output[i:end]), &name) // valid: checked above
		}
		i = skipSpace(output, skipSpace(output, end)+1) // past the colon
		end = valueEnd(output, i)
		raw := output[i:end]
		i = end
		fk := foldKey(name)
		if !wanted[fk] {
			continue
		}
		prev, seen := props[name]
		if !seen {
			folded[fk] = append(folded[fk], name)
		}
		props[name] = outputProperty{raw: raw, count: prev.count + 1}
	}
	return props, folded, true
}

// skipSpace returns the index of the first byte at or after i in s that is not JSON white space.
func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// valueEnd returns the index just past the JSON value that starts at i in s, which must be valid JSON.
func valueEnd(s string, i int) int {
	depth := 0
	for ; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			for i++; s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i // the end of a number, true, false or null just before its container closes
			}
			if depth--; depth == 0 {
				return i + 1
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i
			}
		}
	}
	return i
}

// outputText renders one output property's JSON text as parameter text: a string's value, "" for null, and
// the compact JSON text of anything else.
func outputText(raw string) string {
	switch {
	case raw == "null":
		return ""
	case len(raw) > 0 && raw[0] == '"':
		var s string
		if json.Unmarshal([]byte(raw), &s) == nil {
			return s
		}
	case !strings.ContainsAny(raw, " \t\n\r"):
		return raw // already compact: JSON strings hold tabs and line breaks only escaped
	}
	var b bytes.Buffer
	if json.Compact(&b, []byte(raw)) != nil {
		return raw
	}
	return b.String()
}

// describeJSON names the kind of JSON text s holds, without quoting it.
func describeJSON(s string) string {
	t := strings.TrimSpace(s)
	if t == "" {
		return "empty"
	}
	if !json.Valid([]byte(t)) {
		return "not valid JSON"
	}
	switch t[0] {
	case '[':
		return "a JSON array"
	case '"':
		return "a JSON string"
	case 'n':
		return "JSON null"
	case 't', 'f':
		return "a JSON boolean"
	}
	return "a JSON number"
}

func quoteList(keys []string) string {
	sorted := append([]string(nil), keys...)
	slices.Sort(sorted)
	q := make([]string, len(sorted))
	for i, k := range sorted {
		q[i] = strconv.Quote(k)
	}
	return strings.Join(q, ", ")
}
