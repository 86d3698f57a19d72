package asl

import "strings"

// This file finds the top-level properties the last states of a machine
// write to its output (see ExecutionIO).

// keyKinds maps the properties known to be in a state's input or output to
// their kinds ("" when unknown or when two ways in disagree).
type keyKinds map[string]string

// merge adds the keys of o to k and reports whether k changed.
func (k keyKinds) merge(o keyKinds) bool {
	changed := false
	for name, kind := range o {
		old, ok := k[name]
		switch {
		case !ok:
			k[name], changed = kind, true
		case old != kind && old != "":
			k[name], changed = "", true
		}
	}
	return changed
}

// outputs returns the properties that the machine's last states (End, or
// Succeed) write, propagating what states write along the transitions that
// do not come from a catcher.
func (g *ioGraph) outputs() []OutputRef {
	in := make(map[*ioState]keyKinds, len(g.order))
	for _, s := range g.order {
		in[s] = keyKinds{}
	}
	for pass := 0; pass < maxFlowPasses; pass++ {
		changed := false
		for _, s := range g.order {
			for _, e := range s.edges {
				t := g.states[e.to]
				if t == nil || e.catcher != nil {
					continue
				}
				if in[t].merge(s.writes(e, in[s])) {
					changed = true
				}
			}
		}
		if !changed {
			break
		}
	}
	var out []OutputRef
	for _, name := range sortedKeys(g.states) {
		s := g.states[name]
		if end, _ := s.obj["End"].(bool); !end && s.typ != typeSucceed {
			continue
		}
		w := s.writes(ioEdge{}, in[s])
		for _, k := range sortedKeys(w) {
			out = append(out, OutputRef{Name: k, Kind: w[k], State: s.name})
		}
	}
	return out
}

// writes returns the properties the state's output is known to have when
// it leaves through e and its input is known to have in.
func (s *ioState) writes(e ioEdge, in keyKinds) keyKinds {
	obj := s.obj
	if s.lang == langJSONata {
		if e.rule != nil && has(e.rule, "Output") {
			return literalKeys(e.rule["Output"])
		}
		if has(obj, "Output") {
			return literalKeys(obj["Output"])
		}
		switch s.typ {
		case typeChoice, typeWait, typeSucceed, typePass:
			return in
		}
		return nil
	}
	if !absentOrRoot(obj, "OutputPath") {
		return nil
	}
	var result keyKinds // the keys of the state's result, when it is an object
	resultKind := ""
	switch s.typ {
	case typeChoice, typeWait, typeSucceed:
		if absentOrRoot(obj, "InputPath") {
			return in
		}
		return nil
	case typePass:
		switch {
		case has(obj, "Result"):
			result, resultKind = literalKeys(obj["Result"]), kindOfValue(obj["Result"])
		case has(obj, "Parameters"):
			result, resultKind = literalKeys(obj["Parameters"]), kindOfValue(obj["Parameters"])
		case absentOrRoot(obj, "InputPath"):
			result = in
		}
	case typeTask, typeParallel, typeMap:
		if has(obj, "ResultSelector") {
			result, resultKind = literalKeys(obj["ResultSelector"]), KindObject
		} else if s.typ != typeTask {
			resultKind = KindArray
		}
	default:
		return nil
	}
	rp, hasRP := obj["ResultPath"]
	if !hasRP || rp == "$" {
		return result
	}
	if rp == nil {
		return in
	}
	text, _ := rp.(string)
	kp, ok := inputKey(text)
	if !ok || kp.root {
		return nil
	}
	out := keyKinds{}
	for k, v := range in {
		out[k] = v
	}
	if kp.deeper {
		resultKind = KindObject
		if old, ok := in[kp.name]; ok && old != KindObject {
			resultKind = ""
		}
	}
	out[kp.name] = resultKind
	return out
}

// literalKeys returns the keys of a Result, a payload template or a JSONata
// Output object, with the kinds of their values: unknown for a path
// (a key ending in ".$") or a JSONata expression.
func literalKeys(v any) keyKinds {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(keyKinds, len(m))
	for k, val := range m {
		if name, ok := strings.CutSuffix(k, ".$"); ok {
			out[name] = ""
			continue
		}
		if s, ok := val.(string); ok && strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}") {
			out[k] = ""
			continue
		}
		out[k] = kindOfValue(val)
	}
	return out
}

// kindOfValue returns the Kind of a JSON value, "" for null.
func kindOfValue(v any) string {
	switch v.(type) {
	case string:
		return KindString
	case bool:
		return KindBoolean
	case map[string]any:
		return KindObject
	case []any:
		return KindArray
	case nil:
		return ""
	}
	if isNumber(v) {
		return KindNumber
	}
	return ""
}
