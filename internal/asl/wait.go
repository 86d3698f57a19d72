package asl

import (
	"context"
	"time"
)

func (c *checker) wait(st *state, obj map[string]any, where string) {
	var set []string
	for _, f := range []string{"Seconds", "SecondsPath", "Timestamp", "TimestampPath"} {
		if _, ok := obj[f]; ok {
			set = append(set, f)
		}
	}
	if len(set) != 1 {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: A Wait state must have exactly one of 'Seconds', 'SecondsPath', 'Timestamp' or 'TimestampPath'")
	}
	if v, ok := obj["Seconds"]; ok {
		n, ok := toInt(v)
		if !ok || n < 0 || n > defaultTaskTimeout {
			c.problem(where+"/Seconds", "SCHEMA_VALIDATION_FAILED: 'Seconds' must be an integer from 0 to %d", defaultTaskTimeout)
		}
		st.waitSeconds = n
	}
	if v, ok := obj["SecondsPath"]; ok {
		st.secondsPath = c.reqPath(v, "SecondsPath", where, true)
	}
	if v, ok := obj["Timestamp"]; ok {
		s, _ := v.(string)
		t, ok := parseTimestamp(s)
		if !ok {
			c.problem(where+"/Timestamp", "SCHEMA_VALIDATION_FAILED: 'Timestamp' must be an RFC 3339 timestamp such as 2016-03-14T01:59:00Z")
		}
		st.timestamp, st.hasTimestamp = t, true
	}
	if v, ok := obj["TimestampPath"]; ok {
		st.timestampPath = c.reqPath(v, "TimestampPath", where, true)
	}
}

// wait runs a Wait state.
func (r *stateRun) wait(ctx context.Context, input any) (any, *stateError) {
	st := r.st
	eff, err := r.inputPath(input)
	if err != nil {
		return nil, err
	}
	var d time.Duration
	switch {
	case st.secondsPath != nil:
		v, ok := st.secondsPath.get(eff, r.ctx())
		if !ok {
			return nil, runtimeError("Invalid path '%s' : No results for path: %s", st.secondsPath.text, normalizedPath(st.secondsPath))
		}
		n, ok := toInt(v)
		if !ok || n < 0 {
			return nil, runtimeError("The SecondsPath '%s' must point to a non-negative integer, but it points to %s", st.secondsPath.text, truncate(marshalString(v)))
		}
		d = seconds(n)
	case st.timestampPath != nil:
		v, ok := st.timestampPath.get(eff, r.ctx())
		if !ok {
			return nil, runtimeError("Invalid path '%s' : No results for path: %s", st.timestampPath.text, normalizedPath(st.timestampPath))
		}
		s, _ := v.(string)
		t, ok := parseTimestamp(s)
		if !ok {
			return nil, runtimeError("The TimestampPath '%s' must point to an RFC 3339 timestamp, but it points to %s", st.timestampPath.text, truncate(marshalString(v)))
		}
		d = t.Sub(r.th.ex.clock.Now())
	case st.hasTimestamp:
		d = st.timestamp.Sub(r.th.ex.clock.Now())
	default:
		d = time.Duration(st.waitSeconds) * time.Second
	}
	if err := r.th.sleep(ctx, d); err != nil {
		return nil, err
	}
	return r.outputPath(eff)
}
