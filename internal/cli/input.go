package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	sfn "github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/internal/jsonsyntax"
)

// readInput reads run --input: a JSON object from the file path, or from in
// for "-". It returns its top-level properties, in order, as parameters of
// type json, which sfn.BuildInput checks and embeds as they are; so the
// input is bounded and checked exactly as Polysync's parameters are.
//
// Reading stops when ctx is done (Ctrl-C): a terminal or a stalled pipe on
// standard input, or a FIFO nobody writes, would otherwise hold the command
// forever. The read itself cannot be interrupted, so its goroutine is left
// to end with the process, which stops at once.
func readInput(ctx context.Context, path string, in io.Reader) ([]sfn.Parameter, error) {
	type read struct {
		data []byte
		err  error
	}
	done := make(chan read, 1)
	go func() {
		data, err := readInputData(path, in)
		done <- read{data, err}
	}()
	var r read
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r = <-done:
	}
	if r.err != nil {
		return nil, r.err
	}
	params, err := objectParams(r.data)
	if err != nil {
		return nil, usageError("--input %s: %v", path, err)
	}
	return params, nil
}

// readInputData returns the bytes of run --input (see readInput), at most
// sfn.MaxInputBytes of them.
func readInputData(path string, in io.Reader) ([]byte, error) {
	r := in
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, usageError("--input: %v", err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, sfn.MaxInputBytes+1))
	if err != nil {
		return nil, usageError("--input %s: %v", path, err)
	}
	if len(data) > sfn.MaxInputBytes {
		return nil, usageError("--input %s: more than the Step Functions limit of %d bytes", path, sfn.MaxInputBytes)
	}
	return data, nil
}

// objectParams splits a JSON object into one json parameter per property.
// Errors say where the JSON is wrong, never what it holds.
func objectParams(data []byte) ([]sfn.Parameter, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, notJSON(data)
	}
	if delim, ok := tok.(json.Delim); !ok || delim != '{' {
		return nil, fmt.Errorf("want a JSON object: Polysync passes parameters as the input's top-level properties")
	}
	var params []sfn.Parameter
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, notJSON(data)
		}
		name := tok.(string) // object keys are strings
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, fmt.Errorf("property %q: %w", name, notJSON(data))
		}
		params = append(params, sfn.Parameter{Name: name, Direction: sfn.DirectionInput, DataType: sfn.DataTypeJSON,
			Value: string(value)})
	}
	if _, err := dec.Token(); err != nil {
		return nil, notJSON(data)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("more than one JSON value")
	}
	return params, nil
}

// notJSON returns what is wrong with the JSON of data, by its position only
// (jsonsyntax.Fault), with the line and column a reader's editor shows: a
// syntax error, or JSON nested deeper than jsonsyntax.MaxDepth; "invalid" when
// the text is JSON that the decoder refused all the same (its words might
// quote the text).
func notJSON(data []byte) error {
	fault := jsonsyntax.Fault(data, 0)
	var at *jsonsyntax.Error
	switch {
	case errors.As(fault, &at):
		line, column := jsonsyntax.LineColumn(data, at.Offset)
		what := "not JSON: syntax error"
		if at.TooDeep {
			what = fmt.Sprintf("nested more than %d arrays and objects deep", jsonsyntax.MaxDepth)
		}
		return fmt.Errorf("%s at line %d, column %d (byte %d)", what, line, column, at.Offset)
	case fault != nil:
		return fmt.Errorf("not JSON: %w", fault)
	}
	return errors.New("not JSON: invalid")
}

// mergeInput puts the --input properties before the --param and --out
// parameters: an --out naming a property makes it InputOutput, and a --param
// naming one is refused (give each input once).
func mergeInput(fromFile, flags []sfn.Parameter) ([]sfn.Parameter, error) {
	index := map[string]int{}
	for i, p := range fromFile {
		index[strings.ToLower(p.Name)] = i
	}
	merged := append([]sfn.Parameter(nil), fromFile...)
	for _, p := range flags {
		i, ok := index[strings.ToLower(p.Name)]
		switch {
		case !ok:
			merged = append(merged, p)
		case p.Direction == sfn.DirectionOutput:
			merged[i].Direction = sfn.DirectionInputOutput
		default:
			return nil, usageError("--param %s: %q is also a property of --input; give each input once", p.Name, merged[i].Name)
		}
	}
	return merged, nil
}
