package asl

// choiceState is what a Choice state has beyond the common fields.
type choiceState struct {
	rules       []choiceRule
	defaultNext string
}

// choiceRule is one top-level Choice rule: its condition, in the state's
// query language, and where it leads.
type choiceRule struct {
	cond   condition
	next   string
	assign assignment // nil without Assign
}

// decodeChoice compiles a Choice state's Choices and Default.
func (c *checker) decodeChoice(obj map[string]any, where string) *choiceState {
	ch := &choiceState{}
	c.objectList(obj, "Choices", "choice rule", where, func(em map[string]any, w string) {
		var cr choiceRule
		if next, ok := em["Next"]; !ok {
			c.problem(w, "SCHEMA_VALIDATION_FAILED: These fields are required: [Next]")
		} else if s, ok := next.(string); ok {
			cr.next = s
		} else {
			c.problem(w+"/Next", "SCHEMA_VALIDATION_FAILED: 'Next' must be a string")
		}
		cr.cond = c.lang.compileCondition(c, em, w)
		cr.assign = c.compileAssign(em, w)
		ch.rules = append(ch.rules, cr)
	})
	if d, ok := obj["Default"]; ok {
		if s, ok := d.(string); ok && s != "" {
			ch.defaultNext = s
		} else {
			c.problem(where+"/Default", "SCHEMA_VALIDATION_FAILED: 'Default' must be a non-empty string")
		}
	}
	return ch
}

// runChoice evaluates the Choice rules and returns the next state.
func (r *stateRun) runChoice(input any) (string, any, *stateError) {
	ch := r.st.choice
	eff, _, err := r.st.io.input(input, r.ctx())
	if err != nil {
		return "", nil, err
	}
	next, assign := "", r.st.assign
	var matched condition
	for _, rule := range ch.rules {
		ok, err := rule.cond.eval(eff, r.ctx())
		if err != nil {
			return "", nil, err
		}
		if ok {
			next, matched = rule.next, rule.cond
			if rule.assign != nil {
				assign = rule.assign
			}
			break
		}
	}
	if next == "" {
		next = ch.defaultNext
	}
	if err := r.assignVariables(assign, statesVars{input: input}); err != nil {
		return "", nil, err
	}
	if next == "" {
		return "", nil, r.failNoMatch()
	}
	if matched != nil {
		if out, ok, err := matched.output(input, r.ctx()); ok || err != nil {
			return next, out, err
		}
	}
	out, err := r.st.io.output(input, eff, r.ctx())
	return next, out, err
}
