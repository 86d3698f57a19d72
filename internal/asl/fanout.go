package asl

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
)

// parallel compiles the Branches of a Parallel state.
func (c *checker) parallel(st *state, obj map[string]any, where string) {
	bv, ok := obj["Branches"]
	list, isList := bv.([]any)
	switch {
	case !ok:
		c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [Branches]")
	case !isList || len(list) == 0:
		c.problem(where+"/Branches", "SCHEMA_VALIDATION_FAILED: 'Branches' must be a non-empty array")
	default:
		for i, b := range list {
			bw := fmt.Sprintf("%s/Branches[%d]", where, i)
			bm, ok := b.(map[string]any)
			if !ok {
				c.problem(bw, "SCHEMA_VALIDATION_FAILED: A branch must be an object")
				continue
			}
			st.branches = append(st.branches, c.machine(bm, bw, false))
		}
	}
}

// parallel runs every branch on input and collects their outputs.
func (r *stateRun) parallel(ctx context.Context, input any) (any, *stateError) {
	th := r.th
	th.emit("ParallelStateStarted", "", nil)
	branches := r.st.branches
	results := make([]any, len(branches))
	err := th.fanOut(ctx, len(branches), len(branches), func(ctx context.Context, i int, bt *thread) *stateError {
		out, err := bt.runMachineSafe(ctx, branches[i], input)
		results[i] = out
		return err
	})
	th.syncToLast()
	if err != nil {
		if !err.abort {
			th.emit("ParallelStateFailed", "", nil)
		}
		return nil, err
	}
	th.emit("ParallelStateSucceeded", "", nil)
	return results, nil
}

// fanOut runs n jobs on at most workers goroutines, each job on its own
// thread whose chain starts at th's newest event. The first failure cancels
// the others and is returned.
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
	)
	start := th.prev
	work := func() {
		for {
			i := int(nextIdx.Add(1) - 1)
			if i >= n || fctx.Err() != nil {
				return
			}
			t := &thread{ex: th.ex, prev: start}
			if err := job(fctx, i, t); err != nil {
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

func (c *checker) mapState(st *state, obj map[string]any, where string) {
	if v, ok := obj["ItemsPath"]; ok {
		st.itemsPath = c.reqPath(v, "ItemsPath", where, true)
	}
	_, hasSel := obj["ItemSelector"]
	_, hasParams := obj["Parameters"]
	if hasSel && hasParams {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: Only one of 'ItemSelector' or 'Parameters' may be set")
	}
	if hasSel {
		st.itemSelector = c.template(obj["ItemSelector"], where+"/ItemSelector")
	} else if hasParams {
		// In a Map state the older Parameters field is the ItemSelector.
		st.itemSelector, st.parameters = st.parameters, nil
	}
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
		pm, ok := pv.(map[string]any)
		if !ok {
			c.problem(where+"/"+field, "SCHEMA_VALIDATION_FAILED: '%s' must be an object", field)
		} else {
			st.iterator = c.machine(pm, where+"/"+field, false)
		}
	}
	_, hasMC := obj["MaxConcurrency"]
	_, hasMCP := obj["MaxConcurrencyPath"]
	if hasMC && hasMCP {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: Only one of 'MaxConcurrency' or 'MaxConcurrencyPath' may be set")
	}
	if hasMC {
		n, ok := toInt(obj["MaxConcurrency"])
		if !ok || n < 0 || n > math.MaxInt32 {
			c.problem(where+"/MaxConcurrency", "SCHEMA_VALIDATION_FAILED: 'MaxConcurrency' must be a non-negative integer")
		}
		st.maxConcurrency = int(n)
	}
	if hasMCP {
		st.maxConcurrencyPath = c.reqPath(obj["MaxConcurrencyPath"], "MaxConcurrencyPath", where, true)
	}
}

// mapState runs the iterator on every item.
func (r *stateRun) mapState(ctx context.Context, eff any) (any, *stateError) {
	st, th := r.st, r.th
	itemsV := eff
	if st.itemsPath != nil {
		v, ok := st.itemsPath.get(eff, r.ctx())
		if !ok {
			return nil, runtimeError("Invalid path '%s' : No results for path: %s", st.itemsPath.text, normalizedPath(st.itemsPath))
		}
		itemsV = v
	}
	items, ok := itemsV.([]any)
	if !ok {
		return nil, runtimeError("The Map state's ItemsPath must point to a JSON array, but it points to %s", typeName(itemsV))
	}
	workers := st.maxConcurrency
	if st.maxConcurrencyPath != nil {
		v, ok := st.maxConcurrencyPath.get(eff, r.ctx())
		n, isInt := toInt(v)
		if !ok || !isInt || n < 0 {
			return nil, runtimeError("The MaxConcurrencyPath '%s' must point to a non-negative integer", st.maxConcurrencyPath.text)
		}
		workers = int(n)
	}
	if workers == 0 || workers > maxInlineConcurrency {
		workers = maxInlineConcurrency
	}
	if th.history() {
		th.emit("MapStateStarted", "mapStateStartedEventDetails", map[string]any{"length": len(items)})
	}
	results := make([]any, len(items))
	err := th.fanOut(ctx, len(items), workers, func(ctx context.Context, i int, it *thread) *stateError {
		if it.history() {
			it.emit("MapIterationStarted", "mapIterationStartedEventDetails", map[string]any{"name": st.name, "index": i})
		}
		item := items[i]
		if st.itemSelector != nil {
			sr := &stateRun{th: r.th, st: st, entered: r.entered, retryCount: r.retryCount, mapIndex: i, mapValue: item, inMapItem: true}
			v, err := st.itemSelector.eval(eff, sr)
			if err != nil {
				it.emit("MapIterationFailed", "mapIterationFailedEventDetails", map[string]any{"name": st.name, "index": i})
				return err
			}
			item = v
		}
		out, err := it.runMachineSafe(ctx, st.iterator, item)
		if err != nil {
			if it.history() {
				typ, key := "MapIterationFailed", "mapIterationFailedEventDetails"
				if err.abort {
					typ, key = "MapIterationAborted", "mapIterationAbortedEventDetails"
				}
				it.emit(typ, key, map[string]any{"name": st.name, "index": i})
			}
			return err
		}
		results[i] = out
		if it.history() {
			it.emit("MapIterationSucceeded", "mapIterationSucceededEventDetails", map[string]any{"name": st.name, "index": i})
		}
		return nil
	})
	th.syncToLast()
	if err != nil {
		if !err.abort {
			th.emit("MapStateFailed", "", nil)
		}
		return nil, err
	}
	th.emit("MapStateSucceeded", "", nil)
	return results, nil
}
