package asl

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// flaky fails with name the first n calls, then returns out.
func flaky(n int, name, out string, calls *atomic.Int32) taskFunc {
	return func(context.Context, json.RawMessage) (json.RawMessage, error) {
		if int(calls.Add(1)) <= n {
			return nil, &namedError{name, "attempt failed"}
		}
		return json.RawMessage(out), nil
	}
}

func TestRetry(t *testing.T) {
	tests := []struct {
		name       string
		retry      string
		failures   int
		errName    string
		wantStatus string
		wantCalls  int32
		wantSleeps []time.Duration
	}{
		{"defaults", `[{"ErrorEquals":["E"]}]`, 3, "E", StatusSucceeded, 4, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"defaults exhausted", `[{"ErrorEquals":["E"]}]`, 4, "E", StatusFailed, 4, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"max attempts 0 never retries", `[{"ErrorEquals":["E"],"MaxAttempts":0}]`, 1, "E", StatusFailed, 1, nil},
		{"interval and backoff", `[{"ErrorEquals":["E"],"IntervalSeconds":3,"BackoffRate":1.5,"MaxAttempts":3}]`, 3, "E", StatusSucceeded, 4,
			[]time.Duration{3 * time.Second, 4500 * time.Millisecond, 6750 * time.Millisecond}},
		{"max delay caps", `[{"ErrorEquals":["E"],"IntervalSeconds":2,"BackoffRate":10,"MaxAttempts":3,"MaxDelaySeconds":30}]`, 3, "E", StatusSucceeded, 4,
			[]time.Duration{2 * time.Second, 20 * time.Second, 30 * time.Second}},
		{"unmatched error is not retried", `[{"ErrorEquals":["Other"]}]`, 1, "E", StatusFailed, 1, nil},
		{"States.ALL", `[{"ErrorEquals":["States.ALL"],"IntervalSeconds":5,"MaxAttempts":1}]`, 1, "E", StatusSucceeded, 2, []time.Duration{5 * time.Second}},
		{"States.TaskFailed", `[{"ErrorEquals":["States.TaskFailed"],"MaxAttempts":1}]`, 1, "States.TaskFailed", StatusSucceeded, 2, []time.Duration{time.Second}},
		{"States.TaskFailed matches a task's own error name", `[{"ErrorEquals":["States.TaskFailed"],"MaxAttempts":1}]`, 1, "Lambda.Unknown", StatusSucceeded, 2, []time.Duration{time.Second}},
		{"States.TaskFailed does not match States.Timeout", `[{"ErrorEquals":["States.TaskFailed"],"MaxAttempts":1}]`, 1, "States.Timeout", StatusFailed, 1, nil},
		{"first matching retrier is used, later ones are not", `[{"ErrorEquals":["E"],"MaxAttempts":1},{"ErrorEquals":["States.ALL"],"MaxAttempts":5}]`,
			2, "E", StatusFailed, 2, []time.Duration{time.Second}},
		{"retriers count separately", `[{"ErrorEquals":["A"],"MaxAttempts":1,"IntervalSeconds":7},{"ErrorEquals":["E"],"MaxAttempts":2,"IntervalSeconds":3}]`,
			2, "E", StatusSucceeded, 3, []time.Duration{3 * time.Second, 6 * time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := mustParse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","Retry":`+tc.retry+`,"End":true}}}`)
			var calls atomic.Int32
			clock := newFakeClock(time.Hour)
			res := m.Run(context.Background(), nil, Options{Clock: clock, Invoke: tasks(map[string]taskFunc{"t": flaky(tc.failures, tc.errName, `"ok"`, &calls)})})
			if res.Status != tc.wantStatus {
				t.Fatalf("status = %s (%s: %s), want %s", res.Status, res.Error, res.Cause, tc.wantStatus)
			}
			if tc.wantStatus == StatusFailed && res.Error != tc.errName {
				t.Errorf("error = %q, want %q", res.Error, tc.errName)
			}
			if calls.Load() != tc.wantCalls {
				t.Errorf("task called %d times, want %d", calls.Load(), tc.wantCalls)
			}
			if got := clock.Sleeps(); !reflect.DeepEqual(got, tc.wantSleeps) {
				t.Errorf("slept %v, want %v", got, tc.wantSleeps)
			}
		})
	}
}

func TestRetryFullJitterStaysWithinDelay(t *testing.T) {
	m := mustParse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","End":true,
		"Retry":[{"ErrorEquals":["E"],"IntervalSeconds":10,"MaxAttempts":5,"JitterStrategy":"FULL"}]}}}`)
	var calls atomic.Int32
	clock := newFakeClock(time.Hour)
	res := m.Run(context.Background(), nil, Options{Clock: clock, Invoke: tasks(map[string]taskFunc{"t": flaky(5, "E", `1`, &calls)})})
	if res.Status != StatusSucceeded {
		t.Fatalf("status = %s", res.Status)
	}
	sleeps := clock.Sleeps()
	if len(sleeps) > 5 {
		t.Fatalf("slept %d times, want at most 5", len(sleeps))
	}
	nominal := 10 * time.Second
	for i, d := range sleeps {
		if d < 0 || d > nominal {
			t.Errorf("sleep %d = %v, want within [0, %v]", i, d, nominal)
		}
		nominal *= 2
	}
}

func TestRetryCountInContext(t *testing.T) {
	m := mustParse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","End":true,
		"Parameters":{"n.$":"$$.State.RetryCount"},
		"Retry":[{"ErrorEquals":["E"],"MaxAttempts":3}]}}}`)
	var seen []string
	inv := func(_ context.Context, _ string, in json.RawMessage) (json.RawMessage, error) {
		seen = append(seen, string(in))
		if len(seen) < 3 {
			return nil, &namedError{"E", "again"}
		}
		return in, nil
	}
	res := m.Run(context.Background(), nil, Options{Clock: newFakeClock(time.Hour), Invoke: inv})
	if res.Status != StatusSucceeded {
		t.Fatalf("status = %s", res.Status)
	}
	if want := []string{`{"n":0}`, `{"n":1}`, `{"n":2}`}; !reflect.DeepEqual(seen, want) {
		t.Errorf("task inputs = %v, want %v", seen, want)
	}
}

func TestCatch(t *testing.T) {
	runCases(t, []runCase{
		{
			name: "catch to handler with result path",
			def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","End":true,
				"Catch":[{"ErrorEquals":["App.Err"],"Next":"H","ResultPath":"$.error"}]},
				"H":{"Type":"Pass","End":true}}}`,
			input:      `{"in":1}`,
			tasks:      map[string]taskFunc{"t": failing("App.Err", "bad thing")},
			wantOutput: `{"in":1,"error":{"Error":"App.Err","Cause":"bad thing"}}`,
		},
		{
			name: "catch without result path replaces input",
			def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","End":true,
				"Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}]},"H":{"Type":"Pass","End":true}}}`,
			tasks:      map[string]taskFunc{"t": failing("", "plain")},
			wantOutput: `{"Error":"States.TaskFailed","Cause":"plain"}`,
		},
		{
			name: "catchers in order",
			def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","End":true,
				"Catch":[{"ErrorEquals":["X"],"Next":"A"},{"ErrorEquals":["App.Err","Y"],"Next":"B"},{"ErrorEquals":["States.ALL"],"Next":"A"}]},
				"A":{"Type":"Pass","Result":"A","End":true},"B":{"Type":"Pass","Result":"B","End":true}}}`,
			tasks:      map[string]taskFunc{"t": failing("App.Err", "c")},
			wantOutput: `"B"`,
		},
		{
			name: "States.ALL does not catch States.Runtime",
			def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","End":true,"InputPath":"$.nope",
				"Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}]},"H":{"Type":"Pass","End":true}}}`,
			tasks:      map[string]taskFunc{"t": echo},
			wantStatus: StatusFailed,
			wantError:  ErrRuntime,
			wantCause:  "Invalid path '$.nope'",
		},
		{
			name: "result path failure can be caught",
			def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","End":true,"ResultPath":"$.a.b",
				"Catch":[{"ErrorEquals":["States.ResultPathMatchFailure"],"Next":"H","ResultPath":"$.err"}]},"H":{"Type":"Pass","OutputPath":"$.err.Error","End":true}}}`,
			input:      `{"a":"string"}`,
			tasks:      map[string]taskFunc{"t": constant(`1`)},
			wantOutput: `"States.ResultPathMatchFailure"`,
		},
		{
			name: "retry then catch",
			def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","End":true,
				"Retry":[{"ErrorEquals":["E"],"MaxAttempts":2}],
				"Catch":[{"ErrorEquals":["E"],"Next":"H","ResultPath":"$.e"}]},"H":{"Type":"Pass","OutputPath":"$.e.Cause","End":true}}}`,
			tasks:      map[string]taskFunc{"t": failing("E", "always")},
			wantOutput: `"always"`,
		},
		{
			name: "intrinsic failure is catchable",
			def: `{"StartAt":"P","States":{"P":{"Type":"Task","Resource":"t","Parameters":{"x.$":"States.ArrayGetItem($.a, 5)"},"End":true,
				"Catch":[{"ErrorEquals":["States.IntrinsicFailure"],"Next":"H"}]},"H":{"Type":"Pass","OutputPath":"$.Error","End":true}}}`,
			input:      `{"a":[1]}`,
			tasks:      map[string]taskFunc{"t": echo},
			wantOutput: `"States.IntrinsicFailure"`,
		},
	})
}

func TestTaskTimeout(t *testing.T) {
	blocking := func(ctx context.Context, _ json.RawMessage) (json.RawMessage, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	runCases(t, []runCase{
		{
			name:       "timeout seconds",
			def:        `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","TimeoutSeconds":5,"End":true}}}`,
			tasks:      map[string]taskFunc{"t": blocking},
			wantStatus: StatusFailed,
			wantError:  ErrTimeout,
			wantCause:  "timeout of 5 seconds",
		},
		{
			name:       "timeout seconds path is read from the input, not the payload",
			def:        `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","TimeoutSecondsPath":"$.limit","Parameters":{"x":1},"End":true}}}`,
			input:      `{"limit":9}`,
			tasks:      map[string]taskFunc{"t": blocking},
			wantStatus: StatusFailed,
			wantError:  ErrTimeout,
			wantCause:  "timeout of 9 seconds",
		},
		{
			name: "timeout is caught",
			def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","TimeoutSeconds":5,"End":true,
				"Catch":[{"ErrorEquals":["States.Timeout"],"Next":"H"}]},"H":{"Type":"Pass","OutputPath":"$.Error","End":true}}}`,
			tasks:      map[string]taskFunc{"t": blocking},
			wantOutput: `"States.Timeout"`,
		},
	})
}

func TestTaskTimeoutEvent(t *testing.T) {
	m := mustParse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","TimeoutSeconds":5,"End":true}}}`)
	rec := &recorder{}
	inv := func(ctx context.Context, _ string, _ json.RawMessage) (json.RawMessage, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	res := m.Run(context.Background(), nil, Options{Clock: newFakeClock(time.Hour), Invoke: inv, Emit: rec.emit})
	if res.Error != ErrTimeout {
		t.Fatalf("error = %s, want States.Timeout", res.Error)
	}
	want := []string{"TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskTimedOut"}
	if got := rec.types(); !reflect.DeepEqual(got, want) {
		t.Errorf("events = %v, want %v", got, want)
	}
}

func TestExecutionTimeout(t *testing.T) {
	tests := []struct {
		name      string
		defTO     string
		optTO     time.Duration
		advance   time.Duration
		wantAfter time.Duration
	}{
		{"definition timeout", `"TimeoutSeconds":60,`, 0, 60 * time.Second, 60 * time.Second},
		{"option timeout", ``, 5 * time.Minute, 5 * time.Minute, 5 * time.Minute},
		{"smaller of both", `"TimeoutSeconds":600,`, 5 * time.Minute, 5 * time.Minute, 5 * time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := mustParse(t, `{`+tc.defTO+`"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":86400,"End":true}}}`)
			clock := newFakeClock(0)
			done := make(chan Result, 1)
			go func() {
				done <- m.Run(context.Background(), nil, Options{Clock: clock, Timeout: tc.optTO})
			}()
			clock.waitPending(t, 2) // the execution timer and the Wait
			clock.Advance(tc.advance)
			res := <-done
			if res.Status != StatusTimedOut || res.Error != ErrTimeout {
				t.Fatalf("Run = %+v, want TIMED_OUT States.Timeout", res)
			}
			if res.Resume == nil || res.Resume.State != "W" {
				t.Errorf("Resume = %+v, want state W", res.Resume)
			}
		})
	}
}

func TestCancelAborts(t *testing.T) {
	tests := []struct {
		name string
		def  string
	}{
		{"wait", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":86400,"End":true}}}`},
		{"task ignoring its context", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","End":true}}}`},
		{"retry interval", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"fail","End":true,"Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":86400}]}}}`},
		{"parallel", `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":86400,"End":true}}},
			{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","End":true}}}]}}}`},
		{"map", `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemsPath":"$.items",
			"ItemProcessor":{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":86400,"End":true}}}}}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := mustParse(t, tc.def)
			started := make(chan struct{}, 4)
			release := make(chan struct{})
			defer close(release)
			inv := tasks(map[string]taskFunc{
				"t": func(context.Context, json.RawMessage) (json.RawMessage, error) {
					started <- struct{}{}
					<-release // ignores ctx on purpose
					return nil, nil
				},
				"fail": func(context.Context, json.RawMessage) (json.RawMessage, error) {
					started <- struct{}{}
					return nil, &namedError{"E", "x"}
				},
			})
			clock := newFakeClock(0)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan Result, 1)
			go func() {
				done <- m.Run(ctx, json.RawMessage(`{"items":[1,2,3]}`), Options{Clock: clock, Invoke: inv})
			}()
			if strings.Contains(tc.def, `"Resource"`) {
				<-started
			} else {
				clock.waitPending(t, 1)
			}
			cancel()
			res := <-done
			if res.Status != StatusAborted {
				t.Fatalf("Run after cancel = %+v, want ABORTED", res)
			}
		})
	}
}

func TestDataLimitExceeded(t *testing.T) {
	big := `"` + strings.Repeat("x", MaxPayloadSize) + `"`
	for _, history := range []bool{false, true} {
		name := "without history"
		if history {
			name = "with history"
		}
		t.Run(name, func(t *testing.T) {
			runDataLimit(t, big, history)
		})
	}
}

func runDataLimit(t *testing.T, big string, history bool) {
	cases := []struct {
		name string
		def  string
	}{
		{"task output", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"big","End":true}}}`},
		{"pass result via parameters", `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"a.$":"$.s","b.$":"$.s"},"End":true}}}`},
		{"pass copying its input into itself", `{"StartAt":"P","States":{"P":{"Type":"Pass","ResultPath":"$.copy","End":true}}}`},
		{"map output", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.list","End":true,"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.s","End":true}}}}}}`},
	}
	half := `"` + strings.Repeat("y", MaxPayloadSize/2+10) + `"`
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := mustParse(t, tc.def)
			opts := Options{Clock: newFakeClock(0), Invoke: tasks(map[string]taskFunc{"big": constant(big)})}
			if history {
				opts.Emit = (&recorder{}).emit
			}
			res := m.Run(context.Background(), json.RawMessage(`{"s":`+half+`,"list":[{"s":`+half+`},{"s":`+half+`}]}`), opts)
			if res.Status != StatusFailed || res.Error != ErrDataLimitExceeded {
				t.Errorf("Run = %s %s %.80s, want FAILED States.DataLimitExceeded", res.Status, res.Error, res.Cause)
			}
		})
	}
}

func TestRedriveResume(t *testing.T) {
	m := mustParse(t, `{"StartAt":"A","States":{
		"A":{"Type":"Pass","Result":1,"ResultPath":"$.a","Next":"B"},
		"B":{"Type":"Task","Resource":"t","ResultPath":"$.b","Next":"C"},
		"C":{"Type":"Pass","Result":3,"ResultPath":"$.c","End":true}}}`)
	fail := true
	var calls int
	inv := tasks(map[string]taskFunc{"t": func(context.Context, json.RawMessage) (json.RawMessage, error) {
		calls++
		if fail {
			return nil, &namedError{"E", "first time"}
		}
		return json.RawMessage(`2`), nil
	}})
	res := m.Run(context.Background(), json.RawMessage(`{"in":0}`), Options{Clock: newFakeClock(0), Invoke: inv})
	if res.Status != StatusFailed || res.Resume == nil {
		t.Fatalf("first run = %+v, want FAILED with a checkpoint", res)
	}
	if res.Resume.State != "B" || !jsonEqual(t, string(res.Resume.Input), `{"in":0,"a":1}`) {
		t.Fatalf("checkpoint = %s %s, want B {\"in\":0,\"a\":1}", res.Resume.State, res.Resume.Input)
	}
	fail = false
	rec := &recorder{}
	res2 := m.Run(context.Background(), json.RawMessage(`{"in":0}`), Options{Clock: newFakeClock(0), Invoke: inv, ResumeFrom: res.Resume, Emit: rec.emit})
	if res2.Status != StatusSucceeded || !jsonEqual(t, string(res2.Output), `{"in":0,"a":1,"b":2,"c":3}`) {
		t.Fatalf("redrive = %+v", res2)
	}
	if got := rec.types()[0]; got != "TaskStateEntered" {
		t.Errorf("redrive starts with %s, want TaskStateEntered", got)
	}
	if calls != 2 {
		t.Errorf("task called %d times, want 2", calls)
	}
	bad := m.Run(context.Background(), nil, Options{Clock: newFakeClock(0), Invoke: inv, ResumeFrom: &Checkpoint{State: "Nope"}})
	if bad.Status != StatusFailed || !strings.Contains(bad.Cause, `"Nope"`) {
		t.Errorf("resume from unknown state = %+v, want FAILED naming it", bad)
	}
}
