package asl

// stagedFlow is a dataFlow that can report the steps of its output side one
// by one, for TestState's inspection data.
type stagedFlow interface {
	// outputStages returns the result after the result selector, the
	// value after the result is placed into the raw input, and the
	// state's output: what output returns.
	outputStages(raw, result any, cx contextSource) (selected, placed, out any, err *stateError)
}

var _ stagedFlow = (*jsonPathIO)(nil)

// outputStages is output, step by step: ResultSelector, ResultPath, then
// OutputPath.
func (io *jsonPathIO) outputStages(raw, result any, cx contextSource) (selected, placed, out any, err *stateError) {
	selected = result
	if io.resultSelector != nil {
		if selected, err = io.resultSelector.eval(result, cx); err != nil {
			return nil, nil, nil, err
		}
	}
	if placed, err = applyResultPath(raw, selected, io.resultPath, io.resultNull); err != nil {
		return nil, nil, nil, err
	}
	if out, err = applyPath(io.outputPath, io.outputNull, placed, cx); err != nil {
		return nil, nil, nil, err
	}
	return selected, placed, out, nil
}

// hasPassResult reports whether a Pass state's dataFlow has a Result.
func hasPassResult(io dataFlow) bool {
	jp, ok := io.(*jsonPathIO)
	return ok && jp.hasResult
}
