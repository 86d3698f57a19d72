package asl

import (
	"context"
	"encoding/json"
	"math"
	"sync/atomic"
)

// Distributed Map over inline items: the items the state's ItemsPath (or
// Items) selects, each passed through ItemSelector, are grouped by ItemBatcher
// when it is set, and each item or batch is the input of one child workflow
// of a Map Run. Unlike AWS, the child workflows run inside the parent's run
// (at most maxInlineConcurrency at once) and keep no history of their own;
// the parent's history has the Map Run's events (MapRunStarted,
// MapRunSucceeded or MapRunFailed) and no iteration events, as on AWS.
// ItemReader, ResultWriter and the ...Path forms of the tolerated failure
// fields are refused when the definition is parsed.

// distributedMap is what a Distributed Map state has beyond an inline Map.
type distributedMap struct {
	label            string
	toleratedCount   int64
	toleratedPercent float64
	batchSize        int // ItemBatcher's MaxItemsPerBatch; 0 without ItemBatcher
	batchInput       any // ItemBatcher's BatchInput, nil when unset
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
	d := &distributedMap{}
	if v, ok := obj["ToleratedFailureCount"]; ok {
		n, isInt := toInt(v)
		if !isInt || n < 0 {
			c.problem(where+"/ToleratedFailureCount", "SCHEMA_VALIDATION_FAILED: 'ToleratedFailureCount' must be a non-negative integer")
		}
		d.toleratedCount = n
	}
	if v, ok := obj["ToleratedFailurePercentage"]; ok {
		f, isNum := toFloat(v)
		if !isNum || f < 0 || f > 100 || math.IsNaN(f) {
			c.problem(where+"/ToleratedFailurePercentage", "SCHEMA_VALIDATION_FAILED: 'ToleratedFailurePercentage' must be a number between 0 and 100")
		}
		d.toleratedPercent = f
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
	ib, ok := v.(map[string]any)
	if !ok {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: 'ItemBatcher' must be an object")
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
		if _, isObj := bi.(map[string]any); !isObj {
			c.problem(where+"/BatchInput", "SCHEMA_VALIDATION_FAILED: 'BatchInput' must be an object")
		}
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

// exceeded reports whether failed child workflows out of total exceed the
// tolerated failures: more than ToleratedFailureCount, or a larger share than
// ToleratedFailurePercentage (both 0 by default: any failure).
func (d *distributedMap) exceeded(failed int64, total int) bool {
	return failed > d.toleratedCount && float64(failed)*100 > d.toleratedPercent*float64(total)
}

// errToleratedFailure is the error of a Map Run whose failures exceed its
// tolerated failures.
const errToleratedFailure = "States.ExceedToleratedFailureThreshold"

// runDistributed runs a Distributed Map's child workflows on the selected
// items, at most maxConcurrency (the state's MaxConcurrency, 0 for no limit)
// and at most maxInlineConcurrency at once, and returns their outputs in item
// order. A failed child's slot holds {"Error": ..., "Cause": ...};
// UNCONFIRMED: what AWS puts there without a ResultWriter.
func (r *stateRun) runDistributed(ctx context.Context, items []any, maxConcurrency int) (any, *stateError) {
	st, ms, th := r.st, r.st.mapState, r.th
	d := ms.distributed
	inputs := d.childInputs(items)
	label := d.label
	if label == "" {
		label = st.name
	}
	workers := maxConcurrency
	if workers == 0 || workers > maxInlineConcurrency {
		workers = maxInlineConcurrency
	}
	var run MapRun
	details := map[string]any{}
	if mr := th.ex.opts.MapRuns; mr != nil {
		run = mr.Start(MapRunConfig{State: st.name, Label: label, ExecutionType: ms.processor.executionType,
			Children: len(inputs), Items: len(items), MaxConcurrency: maxConcurrency, ToleratedFailureCount: d.toleratedCount,
			ToleratedFailurePercentage: d.toleratedPercent})
		details["mapRunArn"] = run.ARN()
	}
	th.emit("MapRunStarted", "mapRunStartedEventDetails", details)
	var failed atomic.Int64
	results := make([]any, len(inputs))
	err := th.fanOut(ctx, len(inputs), workers, func(ctx context.Context, i int, ct *thread) *stateError {
		ct.quiet = true
		start := th.ex.clock.Now()
		out, err := ct.runMachineSafe(ctx, ms.processor, inputs[i])
		if run != nil {
			status, name, cause := StatusSucceeded, "", ""
			switch {
			case err != nil && err.abort:
				status = StatusAborted
			case err != nil:
				status, name, cause = StatusFailed, err.Name, err.Cause
			}
			var output json.RawMessage
			if err == nil {
				output = marshal(out)
			}
			run.ChildEnded(i, d.itemsOf(inputs[i]), start, status, marshal(inputs[i]), output, name, cause)
		}
		switch {
		case err == nil:
			results[i] = out
			return nil
		case err.abort:
			return err
		}
		results[i] = objectOf("Error", err.Name, "Cause", err.Cause)
		if d.exceeded(failed.Add(1), len(inputs)) {
			return newError(errToleratedFailure, "The specified tolerated failure threshold was exceeded")
		}
		return nil
	})
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
	th.joinFanOut(err, "MapStateSucceeded", "MapStateFailed")
	if err != nil {
		return nil, err
	}
	return results, nil
}
