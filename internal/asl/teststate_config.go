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
	// then mapItemReaderData, nil when not given: the text of the object
	// the reader reads (readerItems).
	reader     bool
	readerData *string
	// toleratedCount and toleratedPercent are the Map state's
	// ToleratedFailureCount(Path) and ToleratedFailurePercentage(Path) as
	// resolved against the state's input (setTolerance), nil when it does
	// not declare them.
	toleratedCount   *int64
	toleratedPercent *float64
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
// depend on the state st and returns the configuration the run uses. Checked
// before the mock rules, as AWS answers for mapIterationFailureCount on an
// unmocked Map before refusing the Map.
func checkStateConfig(in *TestStateInput, st *state) (*stateConfig, error) {
	reader := st.itemReader()
	cfg := &stateConfig{failures: in.MapIterationFailureCount, reader: reader != nil}
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
		if reader == nil {
			return nil, configError("mapItemReaderData", "Member is only supported for a Map state with an ItemReader")
		}
		// The data is "as found in its original source": JSON, but for a
		// CSV or JSON Lines file the text of the file.
		if reader.inputType != "CSV" && reader.inputType != "JSONL" {
			if _, err := parseJSON([]byte(*data)); err != nil {
				return nil, configError("mapItemReaderData", "Member must be valid JSON")
			}
		}
		cfg.readerData = data
	}
	return cfg, nil
}

// failedIterations is the error of a mocked Map state whose
// mapIterationFailureCount failures out of iterations exceed the tolerated
// failures it declares, nil otherwise. A Map state that declares neither
// ToleratedFailureCount nor ToleratedFailurePercentage succeeds whatever the
// count: recorded AWS answers do.
func (cfg *stateConfig) failedIterations(st *state, iterations int) *stateError {
	if st.typ != typeMap || cfg.failures == nil || cfg.toleratedCount == nil && cfg.toleratedPercent == nil {
		return nil
	}
	var tol tolerance
	if cfg.toleratedCount != nil {
		tol.count, tol.countSet = *cfg.toleratedCount, true
	}
	if cfg.toleratedPercent != nil {
		tol.percent, tol.percentSet = *cfg.toleratedPercent, true
	}
	if !tol.exceeded(int64(*cfg.failures), iterations) {
		return nil
	}
	return newError(errToleratedFailure, "The specified tolerated failure threshold was exceeded")
}

// readerItems returns the items a Map state's ItemReader reads from
// mapItemReaderData, as it reads them from S3 (InputType, CSV headers and
// delimiter, MaxItems), with known false when no data was given or the
// reader's object is not one this package parses. Data it cannot read fails
// the state with States.ItemReaderFailed, as a bad object does.
func (cfg *stateConfig) readerItems(r *stateRun, eff any) (items []any, known bool, err *stateError) {
	ir := r.st.itemReader()
	if cfg.readerData == nil || ir == nil {
		return nil, false, nil
	}
	n, _, err := ir.maxItems.value(eff, r.ctx())
	if err != nil {
		return nil, false, err
	}
	text := *cfg.readerData
	if ir.action == s3ListObjectsV2 { // the listed objects, as a JSON array
		items, perr := jsonArrayItems(text)
		if perr != nil {
			return nil, false, newError(ErrItemReaderFailed, "The ItemReader could not read mapItemReaderData as a JSON array: %v", perr)
		}
		if n > 0 && len(items) > int(n) {
			items = items[:int(n)]
		}
		return items, true, nil
	}
	items, perr := ir.objectItems(text, int(n))
	if perr != nil {
		return nil, false, newError(ErrItemReaderFailed, "The ItemReader could not read mapItemReaderData as %s: %v", ir.inputType, perr)
	}
	return items, true, nil
}

// distributed returns the Distributed Map part of st, nil for any other
// state.
func (st *state) distributed() *distributedMap {
	if st.mapState == nil {
		return nil
	}
	return st.mapState.distributed
}

// itemReader returns the ItemReader of st, nil when it has none.
func (st *state) itemReader() *itemReader {
	if d := st.distributed(); d != nil {
		return d.reader
	}
	return nil
}

// setTolerance resolves the Distributed Map's ToleratedFailureCount(Path)
// and ToleratedFailurePercentage(Path) against eff, keeping those the state
// declares.
func (cfg *stateConfig) setTolerance(r *stateRun, eff any) *stateError {
	d := r.st.distributed()
	if d == nil {
		return nil
	}
	n, set, err := d.toleratedCount.value(eff, r.ctx())
	if err != nil {
		return err
	}
	if set {
		c := int64(n)
		cfg.toleratedCount = &c
	}
	p, set, err := d.toleratedPercent.value(eff, r.ctx())
	if err != nil {
		return err
	}
	if set {
		cfg.toleratedPercent = &p
	}
	return nil
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
// Parallel state: an array, with one result per branch for Parallel, but
// for a Map with a ResultWriter an object (the messages are AWS's,
// recorded).
func checkFanOutMock(st *state, result any) error {
	if st.typ != typeMap && st.typ != typeParallel {
		return nil
	}
	if d := st.distributed(); d != nil && d.writer != nil {
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
