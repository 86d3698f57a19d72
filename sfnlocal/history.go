package sfnlocal

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/polysync/stepfunctions/internal/asl"
)

// histEvent is one history event. Its details are kept marshalled: a
// finished execution's history is then a few pointer-free byte slices, which
// costs less memory and garbage-collector time than the details maps.
type histEvent struct {
	id, prev int64
	typ      string
	ts       time.Time
	key      string
	details  json.RawMessage
}

// historyEvent is the wire form of a HistoryEvent: the event, and whether
// its details keep their input and output payloads (includeExecutionData).
type historyEvent struct {
	e        histEvent
	withData bool
}

// MarshalJSON encodes the event with its details under the member its type
// uses (for example "stateEnteredEventDetails").
func (h historyEvent) MarshalJSON() ([]byte, error) {
	e := h.e
	b := strconv.AppendInt([]byte(`{"id":`), e.id, 10)
	b = append(b, `,"previousEventId":`...)
	b = strconv.AppendInt(b, e.prev, 10)
	if !e.ts.IsZero() {
		ts, _ := epoch(e.ts).MarshalJSON()
		b = append(append(b, `,"timestamp":`...), ts...)
	}
	typ, err := json.Marshal(e.typ)
	if err != nil {
		return nil, err
	}
	b = append(append(b, `,"type":`...), typ...)
	if e.key != "" {
		key, err := json.Marshal(e.key)
		if err != nil {
			return nil, err
		}
		b = append(append(b, ','), key...)
		b = append(append(b, ':'), h.details()...)
	}
	return append(b, '}'), nil
}

// details returns the event's details, without the payloads unless
// withData.
func (h historyEvent) details() json.RawMessage {
	d := h.e.details
	if len(d) == 0 {
		d = json.RawMessage("{}")
	}
	if !h.withData {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(d, &m); err == nil {
			delete(m, "input")
			delete(m, "output")
			delete(m, "parameters")
			d, _ = json.Marshal(m)
		}
	}
	return d
}

// emit records an event and returns its id: a Standard execution appends it
// to its history, and an execution whose state machine logs writes it to the
// log group. The interpreter chains PreviousEventID itself (0 for the first
// state event, as AWS records it).
func (ex *execution) emit(ev asl.Event) int64 {
	ex.histMu.Lock()
	defer ex.histMu.Unlock()
	ex.events++
	id := ex.events
	prev := ev.PreviousEventID
	if prev < 0 || prev >= id {
		prev = id - 1
	}
	if !ex.express {
		var details json.RawMessage
		if ev.DetailsKey != "" {
			var err error
			if details, err = json.Marshal(ev.Details); err != nil {
				details, _ = json.Marshal(map[string]string{"error": "sfnlocal: details not representable as JSON: " + err.Error()})
			}
		}
		ex.hist = append(ex.hist, histEvent{id: id, prev: prev, typ: ev.Type, ts: ev.Timestamp, key: ev.DetailsKey, details: details})
	}
	if ex.log != nil {
		ex.log.write(ex.arn, id, prev, ev)
	}
	return id
}

// emitExec records an execution-level event that follows the last event.
func (ex *execution) emitExec(typ, key string, ts time.Time, details map[string]any) {
	if !ex.recorded() {
		return
	}
	ex.histMu.Lock()
	last := ex.events
	ex.histMu.Unlock()
	ex.emit(asl.Event{Type: typ, PreviousEventID: last, Timestamp: ts, DetailsKey: key, Details: details})
}

// recorded reports whether anyone would read the execution's events: an
// Express execution has no history, so only its log would.
func (ex *execution) recorded() bool { return !ex.express || ex.log != nil }

// emitStarted records ExecutionStarted.
func (ex *execution) emitStarted() {
	if !ex.recorded() {
		return
	}
	details := map[string]any{"input": string(ex.input), "inputDetails": map[string]any{"truncated": false}, "roleArn": ex.roleArn}
	if ex.versionArn != "" {
		details["stateMachineVersionArn"] = ex.versionArn
	}
	if ex.aliasArn != "" {
		details["stateMachineAliasArn"] = ex.aliasArn
	}
	ex.emitExec("ExecutionStarted", "executionStartedEventDetails", ex.start, details)
}

// emitEnd records the event that ends an execution whose run ended with res
// at ts (ExecutionAborted when it was stopped).
func (ex *execution) emitEnd(res asl.Result, ts time.Time) {
	if !ex.recorded() {
		return
	}
	if ex.stopReq != nil {
		ex.emitExec("ExecutionAborted", "executionAbortedEventDetails", ex.stop, errorDetails(ex.stopReq.errName, ex.stopReq.cause))
		return
	}
	switch res.Status {
	case asl.StatusSucceeded:
		ex.emitExec("ExecutionSucceeded", "executionSucceededEventDetails", ts,
			map[string]any{"output": string(res.Output), "outputDetails": map[string]any{"truncated": false}})
	case asl.StatusFailed:
		ex.emitExec("ExecutionFailed", "executionFailedEventDetails", ts, errorDetails(res.Error, res.Cause))
	case asl.StatusTimedOut:
		ex.emitExec("ExecutionTimedOut", "executionTimedOutEventDetails", ts, errorDetails(res.Error, res.Cause))
	default:
		ex.emitExec("ExecutionAborted", "executionAbortedEventDetails", ts, errorDetails(res.Error, res.Cause))
	}
}

// errorDetails returns the details of an event that carries an error and a
// cause.
func errorDetails(name, cause string) map[string]any {
	d := map[string]any{}
	if name != "" {
		d["error"] = name
	}
	if cause != "" {
		d["cause"] = cause
	}
	return d
}

type getExecutionHistoryInput struct {
	ExecutionArn         string `json:"executionArn" sfn:"required"`
	ReverseOrder         bool   `json:"reverseOrder"`
	IncludeExecutionData *bool  `json:"includeExecutionData"`
	pageInput
}

func (s *Server) getExecutionHistory(_ context.Context, in *getExecutionHistoryInput) (*listOutput[historyEvent], error) {
	s.mu.Lock()
	ex, err := s.lookupExecution(in.ExecutionArn)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	ex.histMu.Lock()
	events := make([]histEvent, len(ex.hist))
	copy(events, ex.hist)
	ex.histMu.Unlock()
	if in.ReverseOrder {
		for i, j := 0, len(events)-1; i < j; i, j = i+1, j-1 {
			events[i], events[j] = events[j], events[i]
		}
	}
	scope := "GetExecutionHistory:" + in.ExecutionArn
	if in.ReverseOrder {
		scope += ":reverse"
	}
	withData := in.IncludeExecutionData == nil || *in.IncludeExecutionData
	return listPage(s, "events", scope, events, func(e histEvent) string { return seqKey(e.id) }, in.ReverseOrder, in.pageInput,
		func(e histEvent) historyEvent { return historyEvent{e: e, withData: withData} })
}
