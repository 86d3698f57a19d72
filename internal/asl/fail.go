package asl

// runFail builds the error of a Fail state.
func (r *stateRun) runFail(input any) *stateError {
	name, cause, err := r.st.fail.errorAndCause(input, r.ctx())
	if err != nil {
		return r.fail(err)
	}
	return &stateError{Name: name, Cause: cause, located: true}
}
