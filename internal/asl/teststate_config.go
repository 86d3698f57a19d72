package asl

import (
	"fmt"
	"slices"
)

// stateConfig is a TestState request's stateConfiguration, checked against
// the state it configures.
type stateConfig struct {
	// failures is mapIterationFailureCount, nil when not given.
	failures *int
	// reader is set for a Map state with an ItemReader; readerData is
	// then mapItemReaderData when it is a JSON array: the Map's items.
	reader     bool
	readerData []any
	// toleratedCount and toleratedPercent are the Map state's
	// ToleratedFailureCount and ToleratedFailurePercentage, nil when it
	// does not declare them.
	toleratedCount   *int64
	toleratedPercent *float64
	distributed      *distributedMap
}

// configError is a ValidationException about stateConfiguration.member, in
// the service's words for a constraint the value fails. The value itself is
// left out, as AWS does for members of its model marked sensitive
// (errorCausedByState and mapItemReaderData are).
//
// UNCONFIRMED: the constraint texts below are this package's; AWS's
// messages for these rules are not documented.
func configError(member, constraint string) error {
	return validationError("1 validation error detected: Value at 'stateConfiguration.%s' failed to satisfy constraint: %s",
		member, constraint)
}

// checkStateConfig applies the rules on in's stateConfiguration fields that
// depend on the state st (raw is its definition as written) and returns the
// configuration the run uses. Checked before the mock rules, as AWS answers
// for mapIterationFailureCount on an unmocked Map before refusing the Map.
func checkStateConfig(in *TestStateInput, st *state, raw map[string]any) (*stateConfig, error) {
	_, hasReader := raw["ItemReader"].(map[string]any)
	cfg := &stateConfig{failures: in.MapIterationFailureCount, reader: st.typ == typeMap && hasReader}
	if ms := st.mapState; ms != nil && ms.distributed != nil {
		cfg.distributed = ms.distributed
		if _, ok := raw["ToleratedFailureCount"]; ok {
			cfg.toleratedCount = &ms.distributed.toleratedCount
		}
		if _, ok := raw["ToleratedFailurePercentage"]; ok {
			cfg.toleratedPercent = &ms.distributed.toleratedPercent
		}
	}
	if n := in.MapIterationFailureCount; n != nil {
		switch {
		case in.Mock == nil: // AWS's message, recorded
			return nil, validationError("TestState does not support MapIterationFailureCount when a mock is not specified.")
		case st.typ != typeMap:
			return nil, configError("mapIterationFailureCount", "Member is only supported for a Map state")
		}
	}
	if name := in.ErrorCausedByState; name != "" {
		switch {
		case st.typ != typeMap && st.typ != typeParallel:
			return nil, configError("errorCausedByState", "Member is only supported for a Map or Parallel state")
		case in.Mock == nil || in.Mock.ErrorName == "":
			return nil, configError("errorCausedByState", "Member is only supported together with a mock errorOutput")
		case !containsState(st, name):
			return nil, configError("errorCausedByState", fmt.Sprintf(
				"Member must name a state of the %s state's %s", st.typ, map[string]string{
					typeMap: "ItemProcessor", typeParallel: "Branches"}[st.typ]))
		}
	}
	if data := in.MapItemReaderData; data != nil {
		reader, _ := raw["ItemReader"].(map[string]any)
		if !cfg.reader {
			return nil, configError("mapItemReaderData", "Member is only supported for a Map state with an ItemReader")
		}
		// The data is "as found in its original source": JSON, but for a
		// CSV file the text of the file.
		if conf, _ := reader["ReaderConfig"].(map[string]any); conf["InputType"] != "CSV" {
			v, err := parseJSON([]byte(*data))
			if err != nil {
				return nil, configError("mapItemReaderData", "Member must be valid JSON")
			}
			cfg.readerData, _ = v.([]any)
		}
	}
	return cfg, nil
}

// failedIterations is the error of a mocked Map state whose
// mapIterationFailureCount failures out of iterations exceed the tolerated
// failures it declares, nil otherwise. A Map state that declares neither
// ToleratedFailureCount nor ToleratedFailurePercentage succeeds whatever the
// count: recorded AWS answers do.
func (cfg *stateConfig) failedIterations(st *state, iterations int) *stateError {
	if st.typ != typeMap || cfg.failures == nil || cfg.distributed == nil ||
		cfg.toleratedCount == nil && cfg.toleratedPercent == nil {
		return nil
	}
	if !cfg.distributed.exceeded(int64(*cfg.failures), iterations) {
		return nil
	}
	return newError(errToleratedFailure, "The specified tolerated failure threshold was exceeded")
}

// containsState reports whether a state named name is in st's ItemProcessor
// or branches, at any depth.
func containsState(st *state, name string) bool {
	var machines []*StateMachine
	switch {
	case st.mapState != nil:
		machines = append(machines, st.mapState.processor)
	case st.parallel != nil:
		machines = st.parallel.branches
	}
	return slices.ContainsFunc(machines, func(m *StateMachine) bool {
		if m == nil {
			return false
		}
		if _, ok := m.states[name]; ok {
			return true
		}
		for _, inner := range m.states {
			if containsState(inner, name) {
				return true
			}
		}
		return false
	})
}

// checkFanOutMock applies AWS's rules on a mocked result of a Map or
// Parallel state (raw is its definition as written): an array, with one
// result per branch for Parallel, but for a Map with a ResultWriter an
// object (the messages are AWS's, recorded).
func checkFanOutMock(st *state, raw map[string]any, result any) error {
	if st.typ != typeMap && st.typ != typeParallel {
		return nil
	}
	if _, ok := raw["ResultWriter"]; ok && st.typ == typeMap {
		if _, isObject := asObject(result); !isObject {
			return validationError("Mocked result must be a JSON object.")
		}
		return nil
	}
	list, ok := result.([]any)
	switch {
	case !ok:
		return validationError("Mocked result must be an array.")
	case st.parallel != nil && len(list) != len(st.parallel.branches):
		return validationError("Mocked result must contain the same number of items as number of Parallel branches.")
	}
	return nil
}
