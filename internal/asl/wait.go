package asl

import "context"

// runWait runs a Wait state.
func (r *stateRun) runWait(ctx context.Context, input any) (any, *stateError) {
	eff, _, err := r.st.io.input(input, r.ctx())
	if err != nil {
		return nil, err
	}
	d, err := r.st.wait.duration(eff, r.th.ex.clock, r.ctx())
	if err != nil {
		return nil, err
	}
	if err := r.th.sleep(ctx, d); err != nil {
		return nil, err
	}
	if err := r.assignVariables(r.st.assign, statesVars{input: input}); err != nil {
		return nil, err
	}
	return r.st.io.output(input, eff, r.ctx())
}
