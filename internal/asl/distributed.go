package asl

import (
	"context"
	"math"
	"sync/atomic"
)

// Distributed Map: the items the state's ItemReader reads (itemreader.go),
// or else those its ItemsPath (or Items) selects, each passed through
// ItemSelector, are grouped by ItemBatcher when it is set, and each item or
// batch is the input of one child workflow of a Map Run. Unlike AWS, the
// child workflows run inside the parent's run (at most maxInlineConcurrency
// at once) and keep no history of their own; the parent's history has the
// Map Run's events (MapRunStarted, MapRunSucceeded or MapRunFailed) and no
// iteration events, as on AWS. With a ResultWriter the results are written
// through S3 putObject calls instead of being the state's result
// (resultwriter.go).

// distributedMap is what a Distributed Map state has beyond an inline Map.
type distributedMap struct {
	label            string
	toleratedCount   limit
	toleratedPercent limit
	batchSize        int           // ItemBatcher's MaxItemsPerBatch; 0 without ItemBatcher
	batchInput       any           // ItemBatcher's BatchInput, nil when unset
	reader           *itemReader   // nil: the items are in the state's input
	writer           *resultWriter // nil: the results are the state's result
}

// callsS3 reports whether the state makes S3 calls (an ItemReader or a
// ResultWriter), which need Options.Invoke. d may be nil.
func (d *distributedMap) callsS3() bool { return d != nil && (d.reader != nil || d.writer.exports()) }

// queries returns the state's fields that are evaluated at run time. d may
// be nil.
func (d *distributedMap) queries() []query {
	if d == nil {
		return nil
	}
	qs := []query{d.toleratedCount, d.toleratedPercent}
	if d.reader != nil {
		qs = append(qs, d.reader.args, d.reader.maxItems)
	}
	if d.writer != nil {
		qs = append(qs, d.writer.args)
	}
	return qs
}

// tolerance is how many child workflows of a Map Run may fail: the
// resolved ToleratedFailureCount and ToleratedFailurePercentage, and
// whether the definition set each.
type tolerance struct {
	count                int64
	percent              float64
	countSet, percentSet bool
}

// maxLabelLength is the longest Label AWS accepts.
const maxLabelLength = 40

// decodeDistributed compiles the Distributed Map fields of a Map state whose
// ItemProcessor is DISTRIBUTED, and refuses them on any other Map state.
func (c *checker) decodeDistributed(obj map[string]any, where string, ms *mapState) {
	if ms.processor == nil || !ms.processor.distributed {
		for _, f := range distributedMapFields {
			if _, ok := obj[f]; ok {
				c.problem(where+"/"+f, "SCHEMA_VALIDATION_FAILED: The field '%s' is only allowed when ProcessorConfig Mode is DISTRIBUTED", f)
			}
		}
		return
	}
	d := &distributedMap{
		toleratedCount: c.lang.compileLimit(c, obj, "ToleratedFailureCount", where,
			numRange{lo: 0, hi: 1 << 53, integer: true, desc: "a non-negative integer"}),
		toleratedPercent: c.lang.compileLimit(c, obj, "ToleratedFailurePercentage", where,
			numRange{lo: 0, hi: 100, desc: "a number between 0 and 100"}),
	}
	if v, ok := obj["Label"]; ok {
		l, isString := v.(string)
		if !isString || l == "" || len([]rune(l)) > maxLabelLength || !validLabel(l) {
			c.problem(where+"/Label", "SCHEMA_VALIDATION_FAILED: 'Label' must be 1 to %d characters, without whitespace or any of ? * < > { } [ ] : ; , \\ | ^ ~ $ # %% & ` \" /", maxLabelLength)
		}
		d.label = l
	}
	if v, ok := obj["ItemBatcher"]; ok {
		c.decodeItemBatcher(v, where+"/ItemBatcher", d)
	}
	if v, ok := obj["ItemReader"]; ok {
		d.reader = c.decodeItemReader(v, where+"/ItemReader")
		// UNCONFIRMED: whether AWS applies ItemsPath (or Items) to what an
		// ItemReader read; refused rather than guessed.
		for _, f := range []string{"ItemsPath", "Items"} {
			if _, has := obj[f]; has {
				c.problem(where+"/"+f, "SCHEMA_VALIDATION_FAILED: The field '%s' cannot be used with 'ItemReader' by this endpoint: the ItemReader's items are the state's items", f)
			}
		}
	}
	if v, ok := obj["ResultWriter"]; ok {
		d.writer = c.decodeResultWriter(v, where+"/ResultWriter")
	}
	ms.distributed = d
}

// validLabel reports whether l has none of the characters AWS refuses in a
// name (the Label is part of the Map Run's and its children's ARNs).
func validLabel(l string) bool {
	for _, r := range l {
		if r <= ' ' || r >= 0x7f && r <= 0x9f {
			return false
		}
		switch r {
		case '?', '*', '<', '>', '{', '}', '[', ']', ':', ';', ',', '\\', '|', '^', '~', '$', '#', '%', '&', '`', '"', '/':
			return false
		}
	}
	return true
}

// decodeItemBatcher compiles an ItemBatcher: MaxItemsPerBatch (required
// here) and an optional static BatchInput object.
func (c *checker) decodeItemBatcher(v any, where string, d *distributedMap) {
	ib, ok := c.object(v, "ItemBatcher", where)
	if !ok {
		return
	}
	unsupported := []string{"MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"}
	c.unknownFields(ib, mergeSets(fieldSet("MaxItemsPerBatch", "BatchInput"), unsupported), where)
	for _, f := range unsupported {
		if _, has := ib[f]; has {
			c.problem(where+"/"+f, "SCHEMA_VALIDATION_FAILED: The field '%s' of ItemBatcher is not supported by this endpoint", f)
		}
	}
	n, isInt := toInt(ib["MaxItemsPerBatch"])
	if _, has := ib["MaxItemsPerBatch"]; !has || !isInt || n < 1 || n > math.MaxInt32 {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: 'MaxItemsPerBatch' must be a positive integer (this endpoint batches by count only)")
	}
	d.batchSize = int(n)
	if bi, has := ib["BatchInput"]; has {
		c.object(bi, "BatchInput", where+"/BatchInput")
		d.batchInput = c.order.value(bi)
	}
}

// childInputs groups the selected items into the inputs of the child
// workflows: each item, or with ItemBatcher {"BatchInput": ..., "Items": [...]}.
func (d *distributedMap) childInputs(items []any) []any {
	if d.batchSize == 0 {
		return items
	}
	var inputs []any
	for start := 0; start < len(items); start += d.batchSize {
		batch := newObject(2)
		if d.batchInput != nil {
			batch.set("BatchInput", d.batchInput)
		}
		batch.set("Items", items[start:min(start+d.batchSize, len(items))])
		inputs = append(inputs, batch)
	}
	return inputs
}

// itemsOf returns how many items the child input in holds.
func (d *distributedMap) itemsOf(in any) int {
	if d.batchSize == 0 {
		return 1
	}
	v, _ := field(in, "Items")
	items, _ := v.([]any)
	return len(items)
}

// tolerance resolves the state's ToleratedFailureCount(Path) and
// ToleratedFailurePercentage(Path) against eff.
func (r *stateRun) tolerance(eff any) (tolerance, *stateError) {
	d := r.st.mapState.distributed
	n, countSet, err := d.toleratedCount.value(eff, r.ctx())
	if err != nil {
		return tolerance{}, err
	}
	p, percentSet, err := d.toleratedPercent.value(eff, r.ctx())
	if err != nil {
		return tolerance{}, err
	}
	return tolerance{count: int64(n), percent: p, countSet: countSet, percentSet: percentSet}, nil
}

// exceeded reports whether failed child workflows out of total exceed the
// tolerated failures: more than ToleratedFailureCount, or a larger share than
// ToleratedFailurePercentage, whichever the definition set; with both set,
// either exceeded fails the Map Run (the developer guide's "Tolerated
// failure threshold for Distributed Map state"); with neither, any failure
// does.
func (tol tolerance) exceeded(failed int64, total int) bool {
	overCount := failed > tol.count
	overPercent := float64(failed)*100 > tol.percent*float64(total)
	switch {
	case tol.countSet && tol.percentSet:
		return overCount || overPercent
	case tol.countSet:
		return overCount
	case tol.percentSet:
		return overPercent
	}
	return failed > 0
}

// errToleratedFailure is the error of a Map Run whose failures exceed its
// tolerated failures.
const errToleratedFailure = "States.ExceedToleratedFailureThreshold"

// runDistributed runs a Distributed Map's child workflows on the selected
// items, at most maxConcurrency (the state's MaxConcurrency, 0 for no limit)
// and at most maxInlineConcurrency at once, and returns their outputs in item
// order, or with a ResultWriter what it returns. A failed child's slot holds
// {"Error": ..., "Cause": ...}; UNCONFIRMED: what AWS puts there without a
// ResultWriter. eff is the state's effective input, against which the
// tolerated failures and the ResultWriter's payload are evaluated.
func (r *stateRun) runDistributed(ctx context.Context, eff any, items []any, maxConcurrency int) (any, *stateError) {
	st, ms, th := r.st, r.st.mapState, r.th
	d := ms.distributed
	tol, err := r.tolerance(eff)
	if err != nil {
		th.emit("MapStateFailed", "", nil)
		return nil, err
	}
	inputs := d.childInputs(items)
	label := d.label
	if label == "" {
		label = st.name
	}
	workers := maxConcurrency
	if workers == 0 || workers > maxInlineConcurrency {
		workers = maxInlineConcurrency
	}
	prior := r.takeResume(len(inputs))
	ends := runEnds(prior, len(inputs))
	run, err := r.startMapRun(prior, MapRunConfig{State: st.name, Label: label, ExecutionType: ms.processor.executionType,
		Children: len(inputs), Items: len(items), MaxConcurrency: maxConcurrency, ToleratedFailureCount: tol.count,
		ToleratedFailurePercentage: tol.percent, WritesResults: d.writer.exports()})
	if err != nil {
		th.emit("MapStateFailed", "", nil)
		th.failedRuns = prior // the next redrive meets the same limit
		return nil, err
	}
	var failed atomic.Int64
	results := make([]any, len(inputs))
	var children []childRecord // what a ResultWriter writes
	if d.writer != nil {
		children = make([]childRecord, len(inputs))
	}
	express := ms.processor.executionType == "EXPRESS"
	err = th.fanOut(ctx, len(inputs), workers, func(ctx context.Context, i int, ct *thread) *stateError {
		if e := ends[i]; e.succeeded {
			results[i] = e.output // a redrive keeps it
			if children != nil && e.child != nil {
				children[i] = *e.child
			}
			return nil
		}
		ct.quiet = true
		start := th.ex.clock.Now()
		if run != nil {
			run.ChildStarted(i, d.itemsOf(inputs[i]), start)
		}
		resume := ends[i].resume
		if express {
			resume = nil // AWS starts an Express child workflow again
		}
		out, err, cp := ct.runMachineSafe(ctx, ms.processor, inputs[i], resume)
		ends[i] = runEnd{resume: cp}
		if err == nil {
			ends[i] = runEnd{succeeded: true, output: out}
		}
		if run != nil || children != nil {
			rec := childRecord{start: start, status: StatusSucceeded, input: marshal(inputs[i])}
			switch {
			case err != nil && err.abort:
				rec.status = StatusAborted
			case err != nil:
				rec.status, rec.errName, rec.cause = StatusFailed, err.Name, err.Cause
			default:
				rec.output = marshal(out)
			}
			if run != nil {
				rec.arn = run.ChildEnded(i, d.itemsOf(inputs[i]), start, rec.status, rec.input, rec.output, rec.errName, rec.cause)
			}
			if children != nil {
				rec.stop = th.ex.clock.Now()
				children[i] = rec
				if err == nil {
					ends[i].child = &rec
				}
			}
		}
		switch {
		case err == nil:
			results[i] = out
			return nil
		case err.abort:
			return err
		}
		results[i] = objectOf("Error", err.Name, "Cause", err.Cause)
		if tol.exceeded(failed.Add(1), len(inputs)) {
			return newError(errToleratedFailure, "The specified tolerated failure threshold was exceeded")
		}
		return nil
	})
	var written any
	if err == nil && d.writer != nil {
		runARN := ""
		if run != nil {
			runARN = run.ARN()
		} else {
			runARN = unrecordedMapRunARN(th.ex.opts.Context, label)
		}
		written, err = r.writeResults(ctx, eff, runARN, children)
	}
	th.syncToLast()
	switch {
	case err == nil:
		th.emit("MapRunSucceeded", "", nil)
		if run != nil {
			run.Ended(StatusSucceeded)
		}
	case err.abort:
		if run != nil {
			run.Ended(StatusAborted)
		}
	default:
		th.emit("MapRunFailed", "mapRunFailedEventDetails", map[string]any{"error": err.Name, "cause": err.Cause})
		if run != nil {
			run.Ended(StatusFailed)
		}
	}
	th.joinFanOut(err, ends, "MapStateSucceeded", "MapStateFailed")
	switch {
	case err != nil:
		if run != nil {
			th.failedRuns.mapRunARN = run.ARN()
		}
		return nil, err
	case d.writer != nil:
		return written, nil
	}
	return results, nil
}

// startMapRun records the Map Run of a Distributed Map state and records
// its start in the history: MapRunStarted, or MapRunRedriven when a redrive
// resumes in the state (prior is how its child workflows ended) and the
// Map Run it started before is still known. It returns nil when the
// execution records no Map Runs, and States.Runtime when the Map Run has
// been redriven MaxMapRunRedrives times already.
func (r *stateRun) startMapRun(prior *fanoutRuns, cfg MapRunConfig) (MapRun, *stateError) {
	th := r.th
	mr := th.ex.opts.MapRuns
	if mr == nil {
		th.emit("MapRunStarted", "mapRunStartedEventDetails", map[string]any{})
		return nil, nil
	}
	if prior != nil && prior.mapRunARN != "" {
		if run, count := mr.Redrive(prior.mapRunARN); run != nil {
			if count > MaxMapRunRedrives {
				return nil, newError(ErrRuntime, "The Map Run %s has been redriven %d times, the most Step Functions allows",
					run.ARN(), MaxMapRunRedrives)
			}
			th.emit("MapRunRedriven", "mapRunRedrivenEventDetails", map[string]any{"mapRunArn": run.ARN(), "redriveCount": count})
			return run, nil
		}
	}
	run := mr.Start(cfg)
	th.emit("MapRunStarted", "mapRunStartedEventDetails", map[string]any{"mapRunArn": run.ARN()})
	return run, nil
}
