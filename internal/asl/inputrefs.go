package asl

import (
	"strings"
)

// This file collects the input references of one state (see ExecutionIO):
// jsonPathState and jsonataState.

// intrinsicArgKinds is what each intrinsic function's arguments are, by
// position; the last entry stands for the rest.
var intrinsicArgKinds = map[string][]string{
	"States.Format":         {KindString, ""},
	"States.StringToJson":   {KindString},
	"States.ArrayPartition": {KindArray, KindNumber},
	"States.ArrayContains":  {KindArray, ""},
	"States.ArrayRange":     {KindNumber},
	"States.ArrayGetItem":   {KindArray, KindNumber},
	"States.ArrayLength":    {KindArray},
	"States.ArrayUnique":    {KindArray},
	"States.Base64Encode":   {KindString},
	"States.Base64Decode":   {KindString},
	"States.Hash":           {KindString},
	"States.JsonMerge":      {KindObject, KindObject, KindBoolean},
	"States.MathRandom":     {KindNumber},
	"States.MathAdd":        {KindNumber},
	"States.StringSplit":    {KindString},
}

// stateRefs adds the references of one state.
type stateRefs struct {
	w     *ioWalker
	s     *ioState
	start bool
	field string
	// effective reports that the state's effective input (after
	// InputPath) is the execution input's value at prefix.
	effective bool
	prefix    keyPath
}

func (r *stateRefs) add(kp keyPath, kind string, presence, context bool) {
	if !context && r.s.shadow[kp.name] {
		return
	}
	if kp.deeper {
		kind = ""
	}
	r.w.refs.Inputs = append(r.w.refs.Inputs, InputRef{Name: kp.name, Deeper: kp.deeper, Kind: kind,
		Presence: presence, State: r.s.name, Field: r.field, Start: r.start})
}

// read adds the references of a path or intrinsic function call that reads
// the state's effective input, whose value is of kind.
func (r *stateRefs) read(text, kind string, presence bool) {
	r.paths(text, kind, func(p, kind string) {
		if kp, ok := contextInputKey(p); ok {
			r.add(kp, kind, presence, true)
		} else if kp, ok := inputKey(p); ok && r.effective {
			if kp = r.prefix.compose(kp); !kp.root {
				r.add(kp, kind, presence, false)
			}
		}
	})
}

// readContext adds only the context references of text, for fields that
// do not read the state's input (ResultSelector reads the result).
func (r *stateRefs) readContext(text string) {
	r.paths(text, "", func(p, kind string) {
		if kp, ok := contextInputKey(p); ok {
			r.add(kp, kind, false, true)
		}
	})
}

// paths calls fn with text, a path, or with each path argument of text, an
// intrinsic function call, and the kind its function wants.
func (r *stateRefs) paths(text, kind string, fn func(path, kind string)) {
	if !isIntrinsic(text) {
		fn(text, kind)
		return
	}
	call, err := compileIntrinsic(text)
	if err != nil {
		return
	}
	var walk func(c *intrinsicCall)
	walk = func(c *intrinsicCall) {
		kinds := intrinsicArgKinds[c.name]
		for i, a := range c.args {
			k := ""
			if len(kinds) > 0 {
				k = kinds[min(i, len(kinds)-1)]
			}
			switch a.kind {
			case argPath:
				fn(a.path.text, k)
			case argCall:
				walk(a.call)
			}
		}
	}
	walk(call)
}

// template adds the references of the paths in a payload template (keys
// ending in ".$"), at any depth.
func (r *stateRefs) template(v any, read func(text string)) {
	switch t := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(t) {
			if s, ok := t[k].(string); ok && strings.HasSuffix(k, ".$") {
				read(s)
				continue
			}
			r.template(t[k], read)
		}
	case []any:
		for _, e := range t {
			r.template(e, read)
		}
	}
}

// jsonPathState adds the references of a JSONPath state.
func (w *ioWalker) jsonPathState(s *ioState, start bool) {
	r := &stateRefs{w: w, s: s, start: start, effective: s.in, prefix: keyPath{root: true}}
	obj := s.obj
	if v, ok := obj["InputPath"]; ok {
		r.field = "InputPath"
		text, _ := v.(string)
		kp, ok := inputKey(text)
		switch {
		case v == nil || !ok:
			r.effective = false
		case !kp.root:
			if s.in {
				r.add(kp, "", false, false)
			}
			r.prefix = kp
			r.effective = s.in && !s.shadow[kp.name]
		}
	}
	plain := func(text string) { r.read(text, "", false) }
	for _, f := range []string{"Parameters", "ItemSelector", "Credentials", "ItemReader", "ItemBatcher", "ResultWriter"} {
		r.field = f
		r.template(obj[f], plain)
	}
	r.field = "ResultSelector"
	r.template(obj["ResultSelector"], r.readContext)
	r.field = "Assign"
	r.template(obj["Assign"], r.readContext)
	for _, f := range []struct{ name, kind string }{
		{"ItemsPath", KindArray},
		{"SecondsPath", KindNumber}, {"TimestampPath", KindString},
		{"TimeoutSecondsPath", KindNumber}, {"HeartbeatSecondsPath", KindNumber},
		{"MaxConcurrencyPath", KindNumber},
		{"ToleratedFailureCountPath", KindNumber}, {"ToleratedFailurePercentagePath", KindNumber},
		{"ErrorPath", KindString}, {"CausePath", KindString},
	} {
		if text, ok := obj[f.name].(string); ok {
			r.field = f.name
			r.read(text, f.kind, false)
		}
	}
	r.field = "Choices"
	if rules, ok := obj["Choices"].([]any); ok && s.typ == typeChoice {
		for _, rule := range rules {
			if rm, ok := rule.(map[string]any); ok {
				r.rule(rm, 0)
			}
		}
	}
}

// rule adds the references of a Choice rule: its Variable, typed by its
// comparison, and a ...Path comparison's operand.
func (r *stateRefs) rule(m map[string]any, depth int) {
	if depth > maxDefinitionDepth {
		return
	}
	for _, k := range []string{"And", "Or"} {
		list, _ := m[k].([]any)
		for _, e := range list {
			if em, ok := e.(map[string]any); ok {
				r.rule(em, depth+1)
			}
		}
	}
	if not, ok := m["Not"].(map[string]any); ok {
		r.rule(not, depth+1)
	}
	variable, ok := m["Variable"].(string)
	if !ok {
		return
	}
	for _, k := range sortedKeys(m) {
		op, ok := operators[k]
		if !ok {
			continue
		}
		kind, presence := comparisonKind(op, m[k])
		r.read(variable, kind, presence)
		if operand, ok := m[k].(string); ok && op.path {
			r.read(operand, kind, false)
		}
	}
}

// comparisonKind returns the kind of value a comparison says its Variable
// holds, and whether it only tests presence.
func comparisonKind(op operator, operand any) (string, bool) {
	switch op.kind {
	case cmpString, cmpStringMatches, cmpTimestamp:
		return KindString, false
	case cmpNumeric:
		return KindNumber, false
	case cmpBoolean:
		return KindBoolean, false
	case cmpIsPresent:
		return "", true
	}
	if operand != true {
		return "", false
	}
	switch op.kind {
	case cmpIsString, cmpIsTimestamp:
		return KindString, false
	case cmpIsNumeric:
		return KindNumber, false
	case cmpIsBoolean:
		return KindBoolean, false
	}
	return "", false
}

// jsonataState adds the references of a JSONata state: $states.input in
// any of its fields (all of which see the state's input) when that is the
// execution input, and $states.context.Execution.Input anywhere. Its
// Branches and ItemProcessor are machines of their own.
func (w *ioWalker) jsonataState(s *ioState, start bool) {
	r := &stateRefs{w: w, s: s, start: start}
	for _, f := range sortedKeys(s.obj) {
		switch f {
		case "Branches", "ItemProcessor", "Iterator":
			continue
		}
		r.field = f
		r.jsonata(s.obj[f], f == "Items")
	}
}

// jsonata adds the references of the JSONata expressions in v.
func (r *stateRefs) jsonata(v any, items bool) {
	switch t := v.(type) {
	case string:
		expr, ok := strings.CutPrefix(t, "{%")
		if !ok {
			return
		}
		if expr, ok = strings.CutSuffix(expr, "%}"); !ok {
			return
		}
		for _, ref := range jsonataInputRefs(expr) {
			if !ref.context && !r.s.in {
				continue
			}
			kind := ""
			if items && ref.whole {
				kind = KindArray
			}
			r.add(ref.keyPath, kind, ref.presence, ref.context)
		}
	case map[string]any:
		for _, k := range sortedKeys(t) {
			r.jsonata(t[k], false)
		}
	case []any:
		for _, e := range t {
			r.jsonata(e, false)
		}
	}
}

// jsonataRef is one reference of a JSONata expression to the input.
type jsonataRef struct {
	keyPath
	context  bool // $states.context.Execution.Input, else $states.input
	presence bool // inside $exists( ... )
	whole    bool // the reference is the whole expression
}

// jsonataInputRefs finds $states.input.name and
// $states.context.Execution.Input.name in a JSONata expression, outside
// its string literals.
func jsonataInputRefs(expr string) []jsonataRef {
	var refs []jsonataRef
	var quote byte
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
			continue
		case c == '"' || c == '\'':
			quote = c
			continue
		case c != '$':
			continue
		}
		var ref jsonataRef
		rest := expr[i:]
		switch {
		case strings.HasPrefix(rest, "$states.context.Execution.Input"):
			ref.context, rest = true, rest[len("$states.context.Execution.Input"):]
		case strings.HasPrefix(rest, "$states.input"):
			rest = rest[len("$states.input"):]
		default:
			continue
		}
		if rest != "" && isIdentByte(rest[0]) {
			continue
		}
		name, after, ok := jsonataStep(rest)
		if !ok {
			continue
		}
		ref.name = name
		ref.deeper = strings.HasPrefix(after, "[") || strings.HasPrefix(after, ".")
		before := strings.TrimRight(expr[:i], " \t\r\n")
		ref.presence = !ref.deeper && strings.HasSuffix(before, "$exists(") &&
			strings.HasPrefix(strings.TrimLeft(after, " \t\r\n"), ")")
		ref.whole = !ref.deeper && strings.TrimSpace(before) == "" && strings.TrimSpace(after) == ""
		refs = append(refs, ref)
		i = len(expr) - len(after) - 1
	}
	return refs
}

// jsonataStep reads ".name" or ".`name`" at the start of s.
func jsonataStep(s string) (name, rest string, ok bool) {
	s, ok = strings.CutPrefix(s, ".")
	if !ok {
		return "", "", false
	}
	if q, found := strings.CutPrefix(s, "`"); found {
		end := strings.IndexByte(q, '`')
		if end <= 0 {
			return "", "", false
		}
		return q[:end], q[end+1:], true
	}
	n := 0
	for n < len(s) && isIdentByte(s[n]) {
		n++
	}
	if n == 0 {
		return "", "", false
	}
	return s[:n], s[n:], true
}
