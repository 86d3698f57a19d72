package asl

// Redrive. A run that fails leaves a Checkpoint: the state it failed in and
// that state's input. When that state is a Parallel or Map state (inline or
// Distributed) whose branches, iterations or child workflows failed, the
// checkpoint also holds how each of them ended: a redrive keeps the outputs
// of those that succeeded and runs again only those that failed, were
// aborted or never started, as AWS documents for RedriveExecution ("redrives
// only the iterations and branches that failed or aborted"; a redriven
// parent redrives its Map Run's unsuccessful child workflows). A branch,
// iteration or STANDARD child workflow resumes from the state it failed in,
// with its own checkpoint, so nesting works at any depth; an EXPRESS child
// workflow runs again from its start, as AWS reruns those with
// StartExecution. UNCONFIRMED: that a redriven inline Map iteration or
// Parallel branch resumes from the state it failed in rather than from its
// start (AWS documents it for executions and Standard child workflows), and
// which iteration events AWS records for the iterations it does not run again
// (none here).

// fanoutRuns is how the runs (branches, iterations or child workflows) of a
// Parallel or Map state ended when the state failed.
type fanoutRuns struct {
	runs []runEnd
	// mapRunARN is the recorded Map Run of a Distributed Map, which a
	// redrive redrives; empty when none was recorded.
	mapRunARN string
}

// runEnd is how one run of a Parallel or Map state ended. The zero value is
// a run that never started: a redrive runs it from its start.
type runEnd struct {
	succeeded bool
	output    any          // when succeeded
	resume    *Checkpoint  // when it failed or was aborted: where it resumes (nil: from its start)
	child     *childRecord // a succeeded Distributed Map child, for its ResultWriter
}

// takeResume returns how the n runs of r's state ended before, when r is the
// first attempt of the state a redrive resumes in and the state still has n
// runs (its items may have changed); otherwise nil, and every run runs.
func (r *stateRun) takeResume(n int) *fanoutRuns {
	fr := r.th.resume
	r.th.resume = nil
	if fr == nil || len(fr.runs) != n {
		return nil
	}
	return fr
}

// runEnds returns the record of n runs, starting from how they ended before
// (prior, which may be nil).
func runEnds(prior *fanoutRuns, n int) []runEnd {
	ends := make([]runEnd, n)
	if prior != nil {
		copy(ends, prior.runs)
	}
	return ends
}

// checkpoint returns where a redrive of the thread resumes after state name
// failed on input, with how its runs ended when it fans out.
func (th *thread) checkpoint(name string, input any) *Checkpoint {
	cp := &Checkpoint{State: name, Input: marshal(input), runs: th.failedRuns}
	th.failedRuns = nil
	return cp
}
