package asl

import (
	"context"
	"sync"
	"sync/atomic"
)

// parallelState is what a Parallel state has beyond the common fields.
type parallelState struct {
	branches []*StateMachine
}

// decodeParallel compiles the Branches of a Parallel state.
func (c *checker) decodeParallel(obj map[string]any, where string) *parallelState {
	p := &parallelState{}
	c.objectList(obj, "Branches", "branch", where, func(bm map[string]any, w string) {
		p.branches = append(p.branches, c.machine(bm, w, false))
	})
	return p
}

// runParallel runs every branch on input and collects their outputs.
func (r *stateRun) runParallel(ctx context.Context, input any) (any, *stateError) {
	th := r.th
	th.emit("ParallelStateStarted", "", nil)
	branches := r.st.parallel.branches
	if jsonSize(input, MaxPayloadSize) > MaxPayloadSize {
		return nil, inputLimit(r.st)
	}
	results := make([]any, len(branches))
	ends := runEnds(r.takeResume(len(branches)), len(branches))
	err := th.fanOut(ctx, len(branches), len(branches), func(ctx context.Context, i int, bt *thread) *stateError {
		if ends[i].succeeded {
			results[i] = ends[i].output // a redrive keeps it
			return nil
		}
		out, err, cp := bt.runMachineSafe(ctx, branches[i], input, ends[i].resume)
		if err != nil {
			ends[i] = runEnd{resume: cp}
			return err
		}
		results[i], ends[i] = out, runEnd{succeeded: true, output: out}
		return nil
	})
	th.joinFanOut(err, ends, "ParallelStateSucceeded", "ParallelStateFailed")
	if err != nil {
		return nil, err
	}
	return results, nil
}

// joinFanOut continues the thread's history after its fan-out ended with
// err, recording succeeded or failed (nothing when the run was aborted).
// A fan-out that did not succeed keeps ends, how each of its runs ended,
// for a redrive.
func (th *thread) joinFanOut(err *stateError, ends []runEnd, succeeded, failed string) {
	th.syncToLast()
	switch {
	case err == nil:
		th.emit(succeeded, "", nil)
	case !err.abort:
		th.emit(failed, "", nil)
	}
	if err != nil {
		th.failedRuns = &fanoutRuns{runs: ends}
	}
}

// fanOut runs n jobs on at most workers goroutines, each job on its own
// thread whose chain starts at th's newest event. The first failure cancels
// the others and is returned. Each running job costs the execution's memory
// budget threadCost, and the output its thread held when it succeeded stays
// charged until all jobs have ended.
func (th *thread) fanOut(ctx context.Context, n, workers int, job func(ctx context.Context, i int, t *thread) *stateError) *stateError {
	if n == 0 {
		return nil
	}
	if workers <= 0 || workers > n {
		workers = n
	}
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		once     sync.Once
		firstErr *stateError
		nextIdx  atomic.Int64
		wg       sync.WaitGroup
		kept     atomic.Int64 // bytes of the outputs of succeeded jobs
	)
	defer func() { th.ex.release(int(kept.Load())) }()
	start := th.prev
	work := func() {
		for {
			i := int(nextIdx.Add(1) - 1)
			if i >= n || fctx.Err() != nil {
				return
			}
			t := &thread{ex: th.ex, prev: start, vars: th.vars.child(), quiet: th.quiet}
			if !th.ex.charge(threadCost) {
				return // the run is ending: fctx is cancelled
			}
			err := job(fctx, i, t)
			th.ex.release(threadCost + t.vars.own)
			kept.Add(int64(t.held))
			if err != nil {
				once.Do(func() {
					firstErr = err
					cancel()
				})
				return
			}
		}
	}
	if workers == 1 {
		work()
	} else {
		wg.Add(workers)
		for w := 0; w < workers; w++ {
			go func() {
				defer wg.Done()
				defer func() {
					if rec := recover(); rec != nil {
						once.Do(func() {
							firstErr = runtimeError("internal error in the state machine interpreter: %v", rec)
							cancel()
						})
					}
				}()
				work()
			}()
		}
		wg.Wait()
	}
	if ctx.Err() != nil {
		return errAborted
	}
	return firstErr
}

// maxInlineConcurrency is the most iterations an inline Map state runs at
// once. AWS documents the same limit of 40 for inline Map; MaxConcurrency 0
// ("no limit") and larger values run at most this many.
const maxInlineConcurrency = 40

// mapState is what a Map state has beyond the common fields.
type mapState struct {
	items       mapItems
	processor   *StateMachine // ItemProcessor, or the older Iterator
	field       string        // which of the two the definition names
	concurrency concurrency
	distributed *distributedMap // nil for an inline Map
}

// decodeMap compiles a Map state's items, ItemProcessor and MaxConcurrency.
// io is the state's compiled dataFlow.
func (c *checker) decodeMap(obj map[string]any, where string, io dataFlow) *mapState {
	ms := &mapState{items: c.lang.compileItems(c, obj, where, io)}
	pv, hasProc := obj["ItemProcessor"]
	iv, hasIter := obj["Iterator"]
	field := "ItemProcessor"
	switch {
	case hasProc && hasIter:
		c.problem(where, "SCHEMA_VALIDATION_FAILED: Only one of 'ItemProcessor' or 'Iterator' may be set")
	case !hasProc && !hasIter:
		c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [ItemProcessor]")
	case hasIter:
		pv, field = iv, "Iterator"
	}
	if pv != nil {
		if pm, ok := c.object(pv, field, where+"/"+field); ok {
			c.legacyIterator = field == "Iterator"
			ms.processor, ms.field = c.machine(pm, where+"/"+field, false), field
		}
	}
	ms.concurrency = c.lang.compileMaxConcurrency(c, obj, where)
	c.decodeDistributed(obj, where, ms)
	return ms
}

// selectItems returns the items passed through the state's ItemSelector, if
// it has one.
func (r *stateRun) selectItems(eff any, items []any) ([]any, *stateError) {
	st, ms := r.st, r.st.mapState
	if !ms.items.hasSelector() {
		return items, nil
	}
	selected := make([]any, len(items))
	for i, item := range items {
		sr := &stateRun{th: r.th, st: st, entered: r.entered, retryCount: r.retryCount, mapIndex: i, mapValue: item, inMapItem: true}
		v, err := ms.items.selectItem(eff, item, sr)
		if err != nil {
			return nil, err
		}
		if jsonSize(v, MaxPayloadSize) > MaxPayloadSize {
			return nil, inputLimit(st)
		}
		selected[i] = v
	}
	return selected, nil
}

// runMap runs the item processor on every item.
func (r *stateRun) runMap(ctx context.Context, eff any) (any, *stateError) {
	st, ms, th := r.st, r.st.mapState, r.th
	var items []any
	var err *stateError
	if d := ms.distributed; d != nil && d.reader != nil {
		items, err = r.readItems(ctx, eff)
	} else {
		items, err = ms.items.items(eff, r.ctx())
	}
	if err != nil {
		return nil, err
	}
	workers, err := ms.concurrency.maxConcurrency(eff, r.ctx())
	if err != nil {
		return nil, err
	}
	requested := workers
	if workers == 0 || workers > maxInlineConcurrency {
		workers = maxInlineConcurrency
	}
	if th.history() {
		th.emit("MapStateStarted", "mapStateStartedEventDetails", map[string]any{"length": len(items)})
	}
	if ms.distributed != nil {
		selected, err := r.selectItems(eff, items)
		if err != nil {
			th.emit("MapStateFailed", "", nil)
			return nil, err
		}
		return r.runDistributed(ctx, eff, selected, requested)
	}
	results := make([]any, len(items))
	ends := runEnds(r.takeResume(len(items)), len(items))
	err = th.fanOut(ctx, len(items), workers, func(ctx context.Context, i int, it *thread) *stateError {
		if ends[i].succeeded {
			results[i] = ends[i].output // a redrive keeps it
			return nil
		}
		if it.history() {
			it.emit("MapIterationStarted", "mapIterationStartedEventDetails", map[string]any{"name": st.name, "index": i})
		}
		item := items[i]
		if ms.items.hasSelector() {
			sr := &stateRun{th: r.th, st: st, entered: r.entered, retryCount: r.retryCount, mapIndex: i, mapValue: item, inMapItem: true}
			v, err := ms.items.selectItem(eff, item, sr)
			if err != nil {
				it.emit("MapIterationFailed", "mapIterationFailedEventDetails", map[string]any{"name": st.name, "index": i})
				return err
			}
			if jsonSize(v, MaxPayloadSize) > MaxPayloadSize {
				return inputLimit(st)
			}
			item = v
		}
		out, err, cp := it.runMachineSafe(ctx, ms.processor, item, ends[i].resume)
		if err != nil {
			ends[i] = runEnd{resume: cp}
			if it.history() {
				typ, key := "MapIterationFailed", "mapIterationFailedEventDetails"
				if err.abort {
					typ, key = "MapIterationAborted", "mapIterationAbortedEventDetails"
				}
				it.emit(typ, key, map[string]any{"name": st.name, "index": i})
			}
			return err
		}
		results[i], ends[i] = out, runEnd{succeeded: true, output: out}
		if it.history() {
			it.emit("MapIterationSucceeded", "mapIterationSucceededEventDetails", map[string]any{"name": st.name, "index": i})
		}
		return nil
	})
	th.joinFanOut(err, ends, "MapStateSucceeded", "MapStateFailed")
	if err != nil {
		return nil, err
	}
	return results, nil
}
