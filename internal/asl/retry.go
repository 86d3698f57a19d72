package asl

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// retrier is one compiled Retry entry.
type retrier struct {
	errorEquals []string
	interval    float64
	maxAttempts int
	backoffRate float64
	maxDelay    float64 // 0: none
	jitterFull  bool
}

// catcher is one compiled Catch entry.
type catcher struct {
	errorEquals []string
	next        string
	output      errorFlow  // in the state's query language
	assign      assignment // nil without Assign
}

// maxRetryDelay is the largest MaxDelaySeconds AWS accepts (366 days).
const maxRetryDelay = 31622400

var retrierFields = fieldSet("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment")

// maxRetryAttempts is the largest MaxAttempts AWS accepts (the developer
// guide: "MaxAttempts has a maximum value of 99999999").
const maxRetryAttempts = 99999999

// retry compiles a state's Retry field, v, found at where.
func (c *checker) retry(v any, where string) []*retrier {
	var out []*retrier
	c.rules(v, where, "Retry", "retrier", retrierFields, func(obj map[string]any, w string, errorEquals []string) {
		r := &retrier{errorEquals: errorEquals, interval: 1, maxAttempts: 3, backoffRate: 2}
		if x, ok := obj["IntervalSeconds"]; ok {
			n, _ := c.intField(x, "IntervalSeconds", w, 1, defaultTaskTimeout)
			r.interval = float64(n)
		}
		if x, ok := obj["MaxAttempts"]; ok {
			n, ok := toInt(x)
			if !ok || n < 0 || n > maxRetryAttempts {
				c.problem(w+"/MaxAttempts", "SCHEMA_VALIDATION_FAILED: 'MaxAttempts' must be a non-negative integer no larger than %d", maxRetryAttempts)
			}
			r.maxAttempts = int(n)
		}
		if x, ok := obj["BackoffRate"]; ok {
			f, ok := toFloat(x)
			if !ok || f < 1 {
				c.problem(w+"/BackoffRate", "SCHEMA_VALIDATION_FAILED: 'BackoffRate' must be a number greater than or equal to 1.0")
			}
			r.backoffRate = f
		}
		if x, ok := obj["MaxDelaySeconds"]; ok {
			n, _ := c.intField(x, "MaxDelaySeconds", w, 1, maxRetryDelay)
			r.maxDelay = float64(n)
		}
		if x, ok := obj["JitterStrategy"]; ok {
			switch x {
			case "FULL":
				r.jitterFull = true
			case "NONE":
			default:
				c.problem(w+"/JitterStrategy", "SCHEMA_VALIDATION_FAILED: 'JitterStrategy' must be FULL or NONE")
			}
		}
		out = append(out, r)
	})
	return out
}

// catch compiles a state's Catch field, v, found at where; each
// catcher's output is compiled in the state's query language.
func (c *checker) catch(v any, where string) []*catcher {
	var out []*catcher
	c.rules(v, where, "Catch", "catcher", c.lang.catcherFields(), func(obj map[string]any, w string, errorEquals []string) {
		ct := &catcher{errorEquals: errorEquals}
		if n, ok := obj["Next"].(string); ok && n != "" {
			ct.next = n
		} else {
			c.problem(w, "SCHEMA_VALIDATION_FAILED: These fields are required: [Next]")
		}
		ct.output = c.lang.compileCatchOutput(c, obj, w)
		ct.assign = c.compileAssign(obj, w)
		out = append(out, ct)
	})
	return out
}

// rules compiles the array v of retriers or catchers found at where (the
// state's field named field): each element must be an object (what names
// one in problems) with only the allowed fields and an ErrorEquals; compile
// reads the rest of it. A rule with States.ALL must come last.
func (c *checker) rules(v any, where, field, what string, allowed map[string]bool, compile func(obj map[string]any, w string, errorEquals []string)) {
	if v == nil {
		return
	}
	list, ok := v.([]any)
	if !ok {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: '%s' must be an array", field)
		return
	}
	var lists [][]string
	for i, e := range list {
		w := fmt.Sprintf("%s[%d]", where, i)
		obj, ok := e.(map[string]any)
		if !ok {
			c.problem(w, "SCHEMA_VALIDATION_FAILED: A %s must be an object", what)
			continue
		}
		c.unknownFields(obj, allowed, w)
		errorEquals := c.errorEquals(obj, w)
		lists = append(lists, errorEquals)
		compile(obj, w, errorEquals)
	}
	c.checkALLLast(lists, where)
}

func (c *checker) errorEquals(obj map[string]any, where string) []string {
	v, ok := obj["ErrorEquals"]
	if !ok {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [ErrorEquals]")
		return nil
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		c.problem(where+"/ErrorEquals", "SCHEMA_VALIDATION_FAILED: 'ErrorEquals' must be a non-empty array of strings")
		return nil
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			c.problem(where+"/ErrorEquals", "SCHEMA_VALIDATION_FAILED: 'ErrorEquals' must be a non-empty array of strings")
			return nil
		}
		out = append(out, s)
	}
	for _, s := range out {
		if s == ErrALL && len(out) > 1 {
			c.problem(where+"/ErrorEquals", "SCHEMA_VALIDATION_FAILED: 'States.ALL' must appear alone in 'ErrorEquals'")
		}
	}
	return out
}

// checkALLLast enforces that a retrier or catcher with States.ALL is last.
func (c *checker) checkALLLast(lists [][]string, where string) {
	for i, l := range lists {
		for _, s := range l {
			if s == ErrALL && i != len(lists)-1 {
				c.problem(fmt.Sprintf("%s[%d]/ErrorEquals", where, i), "SCHEMA_VALIDATION_FAILED: A retrier or catcher with 'States.ALL' must be the last one")
			}
		}
	}
}

// runWithRetry runs a Pass, Task, Parallel or Map state with its Retry and
// Catch rules.
func (r *stateRun) runWithRetry(ctx context.Context, input any) (string, any, *stateError) {
	st := r.st
	var counts []int
	for {
		out, err := r.attempt(ctx, input)
		if err == nil {
			return st.next, out, nil
		}
		err = r.fail(err)
		if err.abort {
			return "", nil, err
		}
		if idx := findRetrier(st.retry, err.Name); idx >= 0 {
			if counts == nil {
				counts = make([]int, len(st.retry))
			}
			rt := st.retry[idx]
			if counts[idx] < rt.maxAttempts {
				counts[idx]++
				if werr := r.th.sleep(ctx, rt.delay(counts[idx])); werr != nil {
					return "", nil, werr
				}
				r.retryCount++
				continue
			}
		}
		for _, ct := range st.catch {
			if !matchesError(ct.errorEquals, err.Name) {
				continue
			}
			errOut := objectOf("Error", err.Name, "Cause", err.Cause)
			out, perr := ct.output.output(input, errOut, r.ctx())
			if perr != nil {
				return "", nil, r.fail(perr)
			}
			r.assigned = nil
			if perr := r.assignVariables(ct.assign, statesVars{input: input, errorOutput: errOut, hasErrorOutput: true}); perr != nil {
				return "", nil, r.fail(perr)
			}
			return ct.next, out, nil
		}
		return "", nil, err
	}
}

func findRetrier(rs []*retrier, name string) int {
	for i, rt := range rs {
		if matchesError(rt.errorEquals, name) {
			return i
		}
	}
	return -1
}

// delay is the wait before retry number attempt (1-based).
func (rt *retrier) delay(attempt int) time.Duration {
	secs := rt.interval * math.Pow(rt.backoffRate, float64(attempt-1))
	if rt.maxDelay > 0 && secs > rt.maxDelay {
		secs = rt.maxDelay
	}
	if rt.jitterFull {
		secs = rand.Float64() * secs
	}
	if secs > float64(defaultTaskTimeout) {
		secs = defaultTaskTimeout
	}
	return time.Duration(secs * float64(time.Second))
}
