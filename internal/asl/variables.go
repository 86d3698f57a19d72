package asl

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Limits on workflow variables, as AWS documents them (UNCONFIRMED from
// the developer guide's "Passing data between states with variables"): a
// variable's value, and all the values one Assign sets, at most 256 KiB;
// all the variables of an execution at most 10 MiB.
const (
	maxVariableSize = 256 * 1024
	maxAssignSize   = 256 * 1024
	maxVariables    = 10 * 1024 * 1024
)

// varScope holds the workflow variables a thread can assign. A Parallel
// branch or Map iteration runs in a scope of its own whose parent is the
// state's: it reads the outer variables and assigns only its own.
type varScope struct {
	parent *varScope
	vals   map[string]any
	sizes  map[string]int
	own    int // bytes of this scope's values, charged to the memory budget
	total  int // of this scope and its parents
}

// lookup returns the value of the variable name in s or its parents.
func (s *varScope) lookup(name string) (any, bool) {
	for ; s != nil; s = s.parent {
		if v, ok := s.vals[name]; ok {
			return v, true
		}
	}
	return nil, false
}

// child returns a new scope under s.
func (s *varScope) child() *varScope {
	return &varScope{parent: s, total: s.total}
}

// assign sets vals in s, failing (and setting nothing) past the limits. It
// returns by how many bytes the scope grew (negative when it shrank).
func (s *varScope) assign(vals map[string]any) (int, *stateError) {
	sizes := make(map[string]int, len(vals))
	sum, total := 0, s.total
	for name, v := range vals {
		n := jsonSize(v, maxVariables+1)
		if n > maxVariableSize {
			return 0, runtimeError("The value assigned to the variable '%s' is %d bytes, more than the limit of %d bytes", name, n, maxVariableSize)
		}
		sizes[name] = n
		sum += n
		total += n - s.sizes[name]
	}
	if sum > maxAssignSize {
		return 0, runtimeError("The values assigned by the field 'Assign' are %d bytes together, more than the limit of %d bytes", sum, maxAssignSize)
	}
	if total > maxVariables {
		return 0, runtimeError("The variables of the execution would take %d bytes, more than the limit of %d bytes", total, maxVariables)
	}
	if s.vals == nil {
		s.vals, s.sizes = make(map[string]any, len(vals)), make(map[string]int, len(vals))
	}
	for name, v := range vals {
		s.vals[name] = v
		s.sizes[name] = sizes[name]
	}
	grown := total - s.total
	s.total, s.own = total, s.own+grown
	return grown, nil
}

// assignment is a state's, a catcher's or a Choice rule's Assign, in the
// state's query language.
type assignment interface {
	query
	// values returns the variables to assign. JSONPath evaluates the
	// Assign template against the result (a Task, Parallel or Map state's
	// result, a Pass state's Result or Parameters), else the error output
	// (a catcher), else the input; JSONata binds $states as for Output.
	values(in statesVars, cx contextSource) (map[string]any, *stateError)
}

// assignVariables evaluates a (which may be nil) and records what it
// assigns, to be applied when the state ends well.
func (r *stateRun) assignVariables(a assignment, in statesVars) *stateError {
	if a == nil {
		return nil
	}
	vals, err := a.values(in, r.ctx())
	if err != nil {
		return err
	}
	r.assigned = vals
	return nil
}

// compileAssign compiles obj's Assign field, if any, in the state's
// language.
func (c *checker) compileAssign(obj map[string]any, where string) assignment {
	v, ok := obj["Assign"]
	if !ok {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		c.problem(where+"/Assign", "SCHEMA_VALIDATION_FAILED: The value for the field 'Assign' must be an OBJECT")
		return nil
	}
	for _, k := range sortedKeys(m) {
		// Only JSONPath marks a key to evaluate with ".$"; a JSONata key
		// is the variable's name as written.
		name := k
		if c.lang != languages["JSONata"] {
			name = strings.TrimSuffix(k, ".$")
		}
		switch {
		case name == "states":
			c.problem(where+"/Assign/"+k, "SCHEMA_VALIDATION_FAILED: The variable name 'states' is reserved")
		case variableName(name) != name || name == "":
			c.problem(where+"/Assign/"+k, "SCHEMA_VALIDATION_FAILED: The variable name '%s' is not valid: use letters, digits and underscores, not starting with a digit", name)
		case utf8.RuneCountInString(name) > maxStateNameLength:
			c.problem(where+"/Assign/"+k, "SCHEMA_VALIDATION_FAILED: The variable name '%s' is longer than %d characters", name, maxStateNameLength)
		}
	}
	return c.lang.compileAssign(c, m, where+"/Assign")
}

// jsonPathAssign is a JSONPath Assign: a payload template.
type jsonPathAssign struct{ t *template }

func (jsonPath) compileAssign(c *checker, m map[string]any, where string) assignment {
	return &jsonPathAssign{t: compileTemplate(m, where, c)}
}

func (a *jsonPathAssign) usesContext() bool { return a.t.context }

func (a *jsonPathAssign) values(in statesVars, cx contextSource) (map[string]any, *stateError) {
	root := in.input
	switch {
	case in.hasResult:
		root = in.result
	case in.hasErrorOutput:
		root = in.errorOutput
	}
	v, err := a.t.eval(root, cx)
	if err != nil {
		return nil, err
	}
	return assignedValues(v), nil
}

// jsonataAssign is a JSONata Assign: an object whose values may be
// expressions.
type jsonataAssign struct{ t *jsonataTemplate }

func (jsonataLang) compileAssign(c *checker, m map[string]any, where string) assignment {
	return &jsonataAssign{t: c.jsonataTemplate(m, "Assign", where)}
}

func (a *jsonataAssign) usesContext() bool { return a.t.usesContext() }

func (a *jsonataAssign) values(in statesVars, cx contextSource) (map[string]any, *stateError) {
	v, err := a.t.eval(in, cx)
	if err != nil {
		return nil, err
	}
	return assignedValues(v), nil
}

// assignedValues returns the variables an evaluated Assign object sets.
func assignedValues(v any) map[string]any {
	o, ok := asObject(v)
	if !ok {
		return nil
	}
	return o.fields()
}

// VariableReferences returns, for every state (in any branch) that reads
// workflow variables, the names it reads, sorted; DescribeStateMachine
// answers it as variableReferences. States that read none are left out.
func (m *StateMachine) VariableReferences() map[string][]string {
	out := map[string][]string{}
	m.addVariableReferences(out)
	return out
}

func (m *StateMachine) addVariableReferences(out map[string][]string) {
	for name, st := range m.states {
		if len(st.varRefs) > 0 {
			out[name] = st.varRefs
		}
		if st.parallel != nil {
			for _, b := range st.parallel.branches {
				b.addVariableReferences(out)
			}
		}
		if st.mapState != nil && st.mapState.processor != nil {
			st.mapState.processor.addVariableReferences(out)
		}
	}
}

// variableRefs returns the variables the state obj reads, sorted: $name
// paths in JSONPath fields, free variables of JSONata expressions. Nested
// state machines are left to their own states.
func (c *checker) variableRefs(obj map[string]any) []string {
	seen := map[string]bool{}
	var walk func(v any, jsonPathKey bool)
	walk = func(v any, jsonPathKey bool) {
		switch tv := v.(type) {
		case string:
			if src, ok := jsonataSource(tv); ok && c.lang == languages["JSONata"] {
				if e, err := jsonataEngine.compile(src); err == nil {
					for _, n := range e.variables() {
						if !isLibraryName(n) {
							seen[n] = true
						}
					}
				}
				return
			}
			if jsonPathKey {
				for _, n := range dollarNames(tv) {
					seen[n] = true
				}
			}
		case map[string]any:
			for k, e := range tv {
				switch k {
				case "Branches", "ItemProcessor", "Iterator":
					continue
				}
				walk(e, strings.HasSuffix(k, ".$") || strings.HasSuffix(k, "Path") || k == "Variable")
			}
		case []any:
			for _, e := range tv {
				walk(e, jsonPathKey)
			}
		}
	}
	walk(obj, false)
	if len(seen) == 0 {
		return nil
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// dollarNames returns the variable names of the $name paths in a JSONPath
// or intrinsic function call, outside string literals.
func dollarNames(s string) []string {
	var out []string
	inString := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
		case c == '\'':
			inString = !inString
		case c == '$' && !inString:
			if i+1 < len(s) && s[i+1] == '$' {
				i++
				continue
			}
			if n := variableName(s[i+1:]); n != "" {
				out = append(out, n)
				i += len(n)
			}
		}
	}
	return out
}
