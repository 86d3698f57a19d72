package asl

// testMachine parses definition and returns the machine and the name of
// the state to run. A state given alone is wrapped in a machine whose other
// states are the targets it names, as Succeed states.
func testMachine(definition, stateName string) (*StateMachine, string, error) {
	if nestedDeeper(definition, maxDefinitionDepth) {
		_, err := Parse(definition) // which says so
		return nil, "", err
	}
	v, err := parseJSON([]byte(definition))
	if err != nil {
		return nil, "", &DefinitionError{Problems: []string{"INVALID_JSON_DESCRIPTION: " + err.Error()}}
	}
	var isMachine bool
	obj, _ := v.(*object)
	if obj != nil {
		_, isMachine = obj.get("States")
	}
	if stateName != "" {
		if !isMachine {
			return nil, "", validationError("stateName is set but the definition is not a state machine (it has no States)")
		}
		m, err := Parse(definition)
		if err != nil {
			return nil, "", err
		}
		if _, ok := m.states[stateName]; !ok {
			return nil, "", validationError("the state machine has no top-level state named %q", stateName)
		}
		return m, stateName, nil
	}
	if isMachine {
		return nil, "", validationError("the definition is a state machine: set stateName to the state to test")
	}
	if obj == nil {
		return nil, "", &DefinitionError{Problems: []string{"SCHEMA_VALIDATION_FAILED: The definition must be a JSON object at /"}}
	}
	states := objectOf(testStateName, obj)
	for _, target := range transitionTargets(plain(obj).(map[string]any)) {
		if target != testStateName {
			states.set(target, objectOf("Type", typeSucceed))
		}
	}
	m, err := Parse(marshalString(objectOf("StartAt", testStateName, "States", states)))
	if err != nil {
		return nil, "", err
	}
	return m, testStateName, nil
}

// transitionTargets lists the state names a state's Next, Default, Choices
// and Catch fields name.
func transitionTargets(obj map[string]any) []string {
	var out []string
	add := func(v any) {
		if s, ok := v.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	add(obj["Next"])
	add(obj["Default"])
	for _, field := range []string{"Choices", "Catch"} {
		list, _ := obj[field].([]any)
		for _, e := range list {
			if rule, ok := e.(map[string]any); ok {
				add(rule["Next"])
			}
		}
	}
	return out
}

// checkTestMock applies AWS's rules on which states a mock may or must
// answer for.
func checkTestMock(st *state, mock *TestStateMock, hasContext bool) error {
	if mock != nil {
		switch st.typ {
		case typeTask, typeMap, typeParallel:
		default:
			return validationError("State type '%s' is not supported when a mock is specified", st.typ)
		}
		return nil
	}
	if hasContext {
		return validationError("context may only be specified together with a mock")
	}
	switch st.typ {
	case typeMap, typeParallel:
		return validationError("State type '%s' is only supported when a mock is specified", st.typ)
	case typeTask:
		if st.task.isActivity() || isCallbackTask(st) {
			return validationError("Activity tasks and the .sync and .waitForTaskToken integration patterns are only supported when a mock is specified")
		}
	}
	return nil
}
