package asl

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ohler55/ojg/jp"
)

// This file reads, without running it, what a definition reads from its
// execution input and what its last states write to its output
// (ExecutionIO), for the provider's suggested parameters. It walks the
// definition's JSON beside Parse, with the same path and intrinsic function
// readers, so that a definition AWS accepted but this package cannot run
// (Distributed Map, a feature newer than the parser) is still read.

// Kinds of JSON value that ExecutionIO reports.
const (
	KindString  = "string"
	KindNumber  = "number"
	KindBoolean = "boolean"
	KindObject  = "object"
	KindArray   = "array"
)

// maxIODefinitionBytes is the largest definition ExecutionIO reads: AWS's
// definition quota of 1 MB.
const maxIODefinitionBytes = 1 << 20

// maxFlowPasses bounds the passes of the data-flow analyses over a state
// graph. Real definitions settle in two or three; a pathological one stops
// here with a less precise answer.
const maxFlowPasses = 64

// InputRef is one reference a definition makes to a top-level property of
// its execution input.
type InputRef struct {
	// Name is the property.
	Name string
	// Deeper reports that the reference reads inside the property ($.a.b,
	// $.a[0]): it is an object or an array.
	Deeper bool
	// Kind is what the reference says the value is (a Kind constant), or
	// "" when it does not say. It is empty when Deeper is set.
	Kind string
	// Presence reports that the reference only tests whether the property
	// is there (a Choice rule's IsPresent, JSONata's $exists).
	Presence bool
	// State is the state that makes the reference, and Field the state's
	// field, such as "Parameters", "Choices" or "InputPath".
	State, Field string
	// Start reports that State is the top-level machine's start state.
	Start bool
}

// OutputRef is a top-level property of the execution output that one of
// the top-level machine's last states writes.
type OutputRef struct {
	// Name is the property.
	Name string
	// Kind is what the definition says the value is (a Kind constant), or
	// "" when it does not say.
	Kind string
	// State is the last state (End or Succeed) that writes it.
	State string
}

// IORefs is what ExecutionIO found.
type IORefs struct {
	// Inputs are the references to the execution input, in the order of the
	// states from StartAt (breadth first), then of the fields.
	Inputs []InputRef
	// Outputs are the properties the last states write, sorted by state
	// and name.
	Outputs []OutputRef
	// Problems are what Parse found wrong with the definition (nil when it
	// accepted it): ExecutionIO reads a definition all the same, since a
	// definition AWS accepted may use what this package cannot run.
	Problems []string
}

// ExecutionIO reads which top-level properties of its execution input a
// definition reads, and which its last states write to the output. Inputs
// are the references made:
//
//   - by the fields that read a state's input, in every state whose input
//     is still the execution input (the start state, and the states after
//     those that pass their input on: Choice, Wait, Pass without a result,
//     and states whose ResultPath writes one property or null, less the
//     properties so written): InputPath, Parameters and ItemSelector paths
//     and intrinsic function arguments, ItemsPath (an array), a Choice
//     rule's Variable and ...Path operand (typed by the comparison), the
//     ...Path fields of Wait, Task, Map and Fail states (typed), and in
//     JSONata states $states.input.name;
//   - anywhere, by $$.Execution.Input.name (JSONPath) and
//     $states.context.Execution.Input.name (JSONata).
//
// Outputs are the keys of what a last state writes where the definition
// says: a Pass state's Result or Parameters, a ResultSelector, a JSONata
// Output object, a ResultPath's property, and what passes through to it.
//
// The error is a *DefinitionError when the definition is larger than 1 MB,
// nested too deep, not JSON or not an object.
func ExecutionIO(definition string) (*IORefs, error) {
	if len(definition) > maxIODefinitionBytes {
		return nil, &DefinitionError{Problems: []string{fmt.Sprintf(
			"SCHEMA_VALIDATION_FAILED: The definition is larger than %d bytes", maxIODefinitionBytes)}}
	}
	if nestedDeeper(definition, maxDefinitionDepth) {
		return nil, &DefinitionError{Problems: []string{fmt.Sprintf(
			"INVALID_JSON_DESCRIPTION: The definition is nested deeper than %d levels of JSON objects and arrays", maxDefinitionDepth)}}
	}
	// ojg's parser can panic on some invalid documents (Parse and Run
	// recover from that); only valid JSON reaches it here.
	if !json.Valid([]byte(definition)) {
		return nil, &DefinitionError{Problems: []string{"INVALID_JSON_DESCRIPTION: The definition is not valid JSON"}}
	}
	v, _, err := parseDefinition(definition)
	if err != nil {
		return nil, &DefinitionError{Problems: []string{"INVALID_JSON_DESCRIPTION: " + err.Error()}}
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, &DefinitionError{Problems: []string{"SCHEMA_VALIDATION_FAILED: The definition must be a JSON object, not " + typeName(v)}}
	}
	refs := &IORefs{}
	if _, err := Parse(definition); err != nil {
		var de *DefinitionError
		if errors.As(err, &de) {
			refs.Problems = de.Problems
		}
	}
	lang := langJSONPath
	if s, _ := root["QueryLanguage"].(string); s == langJSONata {
		lang = s
	}
	w := &ioWalker{refs: refs}
	g := w.machine(root, "", lang, true, nil, true)
	refs.Outputs = g.outputs()
	return refs, nil
}

const (
	langJSONPath = "JSONPath"
	langJSONata  = "JSONata"
)

// ioWalker collects the references of a definition.
type ioWalker struct {
	refs *IORefs
}

// ioState is one state of a (sub) state machine, with what the data-flow
// analysis learnt of its input.
type ioState struct {
	name, typ, lang, where string
	obj                    map[string]any
	edges                  []ioEdge
	incoming               []ioIncoming
	// in reports that the state's raw input is the execution input, less
	// the properties in shadow, which earlier states may have written.
	in     bool
	shadow map[string]bool
}

// ioEdge is a transition: Next, a Choice rule's or Default's Next, or a
// catcher's Next.
type ioEdge struct {
	to      string
	rule    map[string]any // the Choice rule, for its JSONata Output
	catcher map[string]any
}

type ioIncoming struct {
	from *ioState
	edge ioEdge
}

// ioGraph is a (sub) state machine as a graph.
type ioGraph struct {
	start  string
	states map[string]*ioState
	order  []*ioState // breadth first from start, then the unreachable by name
}

// machine reads the (sub) state machine root found at where: its states
// whose input is the execution input (when entryIn, less shadow) and every
// context reference, recursing into Parallel branches and Map processors.
func (w *ioWalker) machine(root map[string]any, where, lang string, entryIn bool, shadow map[string]bool, top bool) *ioGraph {
	g := newIOGraph(root, where, lang)
	g.flowInput(entryIn, shadow)
	for _, s := range g.order {
		start := top && s.name == g.start
		if s.lang == langJSONata {
			w.jsonataState(s, start)
		} else {
			w.jsonPathState(s, start)
		}
		w.subMachines(s)
	}
	return g
}

func newIOGraph(root map[string]any, where, lang string) *ioGraph {
	g := &ioGraph{states: map[string]*ioState{}}
	g.start, _ = root["StartAt"].(string)
	states, _ := root["States"].(map[string]any)
	for _, name := range sortedKeys(states) {
		obj, ok := states[name].(map[string]any)
		if !ok {
			continue
		}
		s := &ioState{name: name, obj: obj, lang: lang, where: where + "/States/" + name}
		s.typ, _ = obj["Type"].(string)
		if ql, _ := obj["QueryLanguage"].(string); ql == langJSONata || ql == langJSONPath {
			s.lang = ql
		}
		if next, ok := obj["Next"].(string); ok {
			s.edges = append(s.edges, ioEdge{to: next})
		}
		if s.typ == typeChoice {
			rules, _ := obj["Choices"].([]any)
			for _, r := range rules {
				if rm, ok := r.(map[string]any); ok {
					if next, ok := rm["Next"].(string); ok {
						s.edges = append(s.edges, ioEdge{to: next, rule: rm})
					}
				}
			}
			if def, ok := obj["Default"].(string); ok {
				s.edges = append(s.edges, ioEdge{to: def})
			}
		}
		catchers, _ := obj["Catch"].([]any)
		for _, c := range catchers {
			if cm, ok := c.(map[string]any); ok {
				if next, ok := cm["Next"].(string); ok {
					s.edges = append(s.edges, ioEdge{to: next, catcher: cm})
				}
			}
		}
		g.states[name] = s
	}
	for _, name := range sortedKeys(g.states) {
		s := g.states[name]
		for _, e := range s.edges {
			if t := g.states[e.to]; t != nil {
				t.incoming = append(t.incoming, ioIncoming{from: s, edge: e})
			}
		}
	}
	seen := map[string]bool{}
	if s := g.states[g.start]; s != nil {
		seen[s.name] = true
		g.order = append(g.order, s)
		for i := 0; i < len(g.order); i++ {
			for _, e := range g.order[i].edges {
				if t := g.states[e.to]; t != nil && !seen[t.name] {
					seen[t.name] = true
					g.order = append(g.order, t)
				}
			}
		}
	}
	for _, name := range sortedKeys(g.states) {
		if !seen[name] {
			g.order = append(g.order, g.states[name])
		}
	}
	return g
}

// flowInput computes, for every state, whether its input is the execution
// input (a must-analysis: every way in passes it on) and which properties
// earlier states may have written into it (a may-analysis).
func (g *ioGraph) flowInput(entryIn bool, entryShadow map[string]bool) {
	for _, s := range g.order {
		s.in, s.shadow = true, map[string]bool{}
	}
	for pass := 0; pass < maxFlowPasses; pass++ {
		changed := false
		for _, s := range g.order {
			in := len(s.incoming) > 0
			if s.name == g.start {
				in = entryIn
				for k := range entryShadow {
					if !s.shadow[k] {
						s.shadow[k], changed = true, true
					}
				}
			}
			for _, inc := range s.incoming {
				ok, wrote := inc.from.passesInput(inc.edge)
				in = in && ok
				if !ok {
					continue
				}
				for _, k := range append(sortedKeys(inc.from.shadow), wrote...) {
					if k != "" && !s.shadow[k] {
						s.shadow[k], changed = true, true
					}
				}
			}
			if in != s.in {
				s.in, changed = in, true
			}
		}
		if !changed {
			return
		}
	}
}

// passesInput reports whether the state, when its input is the execution
// input, passes it on through e, and which property it writes into it.
func (s *ioState) passesInput(e ioEdge) (bool, []string) {
	if !s.in {
		return false, nil
	}
	obj := s.obj
	if s.lang == langJSONata {
		switch {
		case e.catcher != nil, e.rule != nil && has(e.rule, "Output"), has(obj, "Output"):
			return false, nil
		}
		switch s.typ {
		case typeChoice, typeWait, typeSucceed, typePass:
			return true, nil
		}
		return false, nil
	}
	if e.catcher != nil {
		return resultPathKeeps(e.catcher)
	}
	if !absentOrRoot(obj, "OutputPath") {
		return false, nil
	}
	switch s.typ {
	case typeChoice, typeWait, typeSucceed:
		return absentOrRoot(obj, "InputPath"), nil
	case typePass:
		if absentOrRoot(obj, "ResultPath") {
			return !has(obj, "Result") && !has(obj, "Parameters") && absentOrRoot(obj, "InputPath"), nil
		}
		return resultPathKeeps(obj)
	case typeTask, typeParallel, typeMap:
		return resultPathKeeps(obj)
	}
	return false, nil
}

// resultPathKeeps reports whether obj's ResultPath keeps the raw input (null,
// or a path into it), and the property it writes.
func resultPathKeeps(obj map[string]any) (bool, []string) {
	v, ok := obj["ResultPath"]
	if !ok {
		return false, nil
	}
	if v == nil {
		return true, nil
	}
	text, _ := v.(string)
	kp, ok := inputKey(text)
	if !ok || kp.root {
		return false, nil
	}
	return true, []string{kp.name}
}

func has(obj map[string]any, field string) bool {
	_, ok := obj[field]
	return ok
}

// absentOrRoot reports whether obj's field is absent or "$".
func absentOrRoot(obj map[string]any, field string) bool {
	v, ok := obj[field]
	return !ok || v == "$"
}

// subMachines reads a Parallel state's branches, which get its effective
// input, and a Map state's processor, whose input is an item.
func (w *ioWalker) subMachines(s *ioState) {
	switch s.typ {
	case typeParallel:
		in := s.in
		if s.lang == langJSONata {
			in = in && !has(s.obj, "Arguments")
		} else {
			in = in && absentOrRoot(s.obj, "InputPath") && !has(s.obj, "Parameters")
		}
		branches, _ := s.obj["Branches"].([]any)
		for i, b := range branches {
			if bm, ok := b.(map[string]any); ok {
				w.machine(bm, fmt.Sprintf("%s/Branches/%d", s.where, i), s.lang, in, s.shadow, false)
			}
		}
	case typeMap:
		for _, f := range []string{"ItemProcessor", "Iterator"} {
			if pm, ok := s.obj[f].(map[string]any); ok {
				w.machine(pm, s.where+"/"+f, s.lang, false, nil, false)
			}
		}
	}
}

// keyPath is what a path reads of a JSON object: all of it (root), or its
// property name (and, when deeper, something inside that).
type keyPath struct {
	root   bool
	name   string
	deeper bool
}

// compose returns the path r read from the value at prefix.
func (prefix keyPath) compose(r keyPath) keyPath {
	if prefix.root {
		return r
	}
	return keyPath{name: prefix.name, deeper: prefix.deeper || !r.root}
}

// inputKey reads a JSONPath such as "$.a.b" or "$['a'][0]": ok is false for
// a context path, a variable, or a path whose first step names no property.
func inputKey(text string) (keyPath, bool) {
	ctx, keys, more, ok := leadingKeys(text)
	switch {
	case !ok || ctx:
		return keyPath{}, false
	case len(keys) == 0 && !more:
		return keyPath{root: true}, true
	case len(keys) == 0:
		return keyPath{}, false
	}
	return keyPath{name: keys[0], deeper: len(keys) > 1 || more}, true
}

// contextInputKey reads a context path such as "$$.Execution.Input.a".
func contextInputKey(text string) (keyPath, bool) {
	ctx, keys, more, ok := leadingKeys(text)
	if !ok || !ctx || len(keys) < 3 || keys[0] != "Execution" || keys[1] != "Input" {
		return keyPath{}, false
	}
	return keyPath{name: keys[2], deeper: len(keys) > 3 || more}, true
}

// leadingKeys returns the property names a path starts with, up to its
// first step that is not one, and whether any step follows them. ok is
// false for text that is not a path of the input or the context object (a
// variable, such as $x, is not).
func leadingKeys(text string) (ctx bool, keys []string, more, ok bool) {
	rest, found := strings.CutPrefix(text, "$")
	if !found {
		return false, nil, false, false
	}
	if r, isCtx := strings.CutPrefix(rest, "$"); isCtx {
		ctx, rest = true, r
	}
	if rest == "" {
		return ctx, nil, false, true
	}
	if rest[0] != '.' && rest[0] != '[' {
		return false, nil, false, false
	}
	p, err := compilePath(text, false)
	if err != nil {
		return false, nil, false, false
	}
	if p.expr == nil {
		for _, st := range p.steps {
			if st.isIndex {
				return ctx, keys, true, true
			}
			keys = append(keys, st.key)
		}
		return ctx, keys, false, true
	}
	for _, f := range p.expr[1:] {
		switch x := f.(type) {
		case jp.Bracket:
			continue
		case jp.Child:
			keys = append(keys, string(x))
			continue
		}
		return ctx, keys, true, true
	}
	return ctx, keys, false, true
}
