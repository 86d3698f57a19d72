package asl

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

type runCase struct {
	name       string
	def        string
	input      string
	tasks      map[string]taskFunc
	wantStatus string
	wantOutput string // compared as JSON when wantStatus is SUCCEEDED
	wantError  string
	wantCause  string // substring of the cause
}

func runCases(t *testing.T, cases []runCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := mustParse(t, tc.def)
			input := tc.input
			if input == "" {
				input = "{}"
			}
			opts := Options{Clock: newFakeClock(time.Hour), Invoke: tasks(tc.tasks), Context: testContext()}
			res := m.Run(context.Background(), json.RawMessage(input), opts)
			want := tc.wantStatus
			if want == "" {
				want = StatusSucceeded
			}
			if res.Status != want {
				t.Fatalf("Run(%s) status = %s (error %q, cause %q), want %s", input, res.Status, res.Error, res.Cause, want)
			}
			if want == StatusSucceeded {
				if !jsonEqual(t, string(res.Output), tc.wantOutput) {
					t.Errorf("Run(%s) output = %s, want %s", input, res.Output, tc.wantOutput)
				}
				return
			}
			if res.Error != tc.wantError {
				t.Errorf("Run(%s) error = %q (cause %q), want %q", input, res.Error, res.Cause, tc.wantError)
			}
			if !strings.Contains(res.Cause, tc.wantCause) {
				t.Errorf("Run(%s) cause = %q, want it to contain %q", input, res.Cause, tc.wantCause)
			}
		})
	}
}

func testContext() ExecutionContext {
	return ExecutionContext{
		ID:               "arn:aws:states:us-east-1:123456789012:execution:Machine:exec-1",
		Name:             "exec-1",
		RoleARN:          "arn:aws:iam::123456789012:role/Role",
		StartTime:        epoch,
		RedriveCount:     0,
		StateMachineID:   "arn:aws:states:us-east-1:123456789012:stateMachine:Machine",
		StateMachineName: "Machine",
	}
}

func TestRunBasicStates(t *testing.T) {
	runCases(t, []runCase{
		{
			name:       "pass copies input",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`,
			input:      `{"a":1}`,
			wantOutput: `{"a":1}`,
		},
		{
			name:       "pass result replaces input",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"x":[1,2]},"End":true}}}`,
			input:      `{"a":1}`,
			wantOutput: `{"x":[1,2]}`,
		},
		{
			name:       "pass result at result path",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"hi","ResultPath":"$.greeting","End":true}}}`,
			input:      `{"a":1}`,
			wantOutput: `{"a":1,"greeting":"hi"}`,
		},
		{
			name:       "result path creates nested objects",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":3,"ResultPath":"$.a.b.c","End":true}}}`,
			input:      `{"a":{"z":true}}`,
			wantOutput: `{"a":{"z":true,"b":{"c":3}}}`,
		},
		{
			name:       "result path null keeps input",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":3,"ResultPath":null,"End":true}}}`,
			input:      `{"a":1}`,
			wantOutput: `{"a":1}`,
		},
		{
			name:       "result path on a non-object fails",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":3,"ResultPath":"$.x","End":true}}}`,
			input:      `"text"`,
			wantStatus: StatusFailed,
			wantError:  ErrResultPathMatchFailure,
			wantCause:  "Unable to apply ResultPath '$.x'",
		},
		{
			name:       "input path selects",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.a","End":true}}}`,
			input:      `{"a":{"b":2},"c":3}`,
			wantOutput: `{"b":2}`,
		},
		{
			name:       "input path null is empty object",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":null,"End":true}}}`,
			input:      `{"a":1}`,
			wantOutput: `{}`,
		},
		{
			name:       "output path null is empty object",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","OutputPath":null,"End":true}}}`,
			input:      `{"a":1}`,
			wantOutput: `{}`,
		},
		{
			name:       "output path selects",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"r":1},"ResultPath":"$.res","OutputPath":"$.res.r","End":true}}}`,
			input:      `{"a":1}`,
			wantOutput: `1`,
		},
		{
			name:       "missing input path is States.Runtime",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.nope","End":true}}}`,
			input:      `{"a":1}`,
			wantStatus: StatusFailed,
			wantError:  ErrRuntime,
			wantCause:  "An error occurred while executing the state 'P'. Invalid path '$.nope' : No results for path: $['nope']",
		},
		{
			name:       "missing output path is States.Runtime",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","OutputPath":"$.x[3]","End":true}}}`,
			input:      `{"x":[1]}`,
			wantStatus: StatusFailed,
			wantError:  ErrRuntime,
			wantCause:  "Invalid path '$.x[3]' : No results for path: $['x'][3]",
		},
		{
			name:       "indefinite path yields array",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.items[*].id","End":true}}}`,
			input:      `{"items":[{"id":1},{"id":2},{"x":3}]}`,
			wantOutput: `[1,2]`,
		},
		{
			name:       "filter path yields array",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.items[?(@.n > 1)].n","End":true}}}`,
			input:      `{"items":[{"n":1},{"n":2},{"n":3}]}`,
			wantOutput: `[2,3]`,
		},
		{
			name:       "negative index",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.a[-1]","End":true}}}`,
			input:      `{"a":[1,2,3]}`,
			wantOutput: `3`,
		},
		{
			name:       "bracket notation",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$['odd key']","End":true}}}`,
			input:      `{"odd key":"v"}`,
			wantOutput: `"v"`,
		},
		{
			name: "parameters with paths and static values",
			def: `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{
				"static":"s","n":{"deep.$":"$.a.b"},"list":[{"v.$":"$.c"},2],"all.$":"$"},"End":true}}}`,
			input:      `{"a":{"b":1},"c":"x"}`,
			wantOutput: `{"static":"s","n":{"deep":1},"list":[{"v":"x"},2],"all":{"a":{"b":1},"c":"x"}}`,
		},
		{
			name:       "parameters path that matches nothing",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"$.missing"},"End":true}}}`,
			input:      `{"a":1}`,
			wantStatus: StatusFailed,
			wantError:  ErrRuntime,
			wantCause:  `The JSONPath '$.missing' specified for the field 'v.$' could not be found in the input '{"a":1}'`,
		},
		{
			name:       "chain of states",
			def:        `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":1,"ResultPath":"$.a","Next":"B"},"B":{"Type":"Pass","Result":2,"ResultPath":"$.b","Next":"C"},"C":{"Type":"Succeed"}}}`,
			wantOutput: `{"a":1,"b":2}`,
		},
		{
			name:       "succeed with paths",
			def:        `{"StartAt":"S","States":{"S":{"Type":"Succeed","InputPath":"$.a","OutputPath":"$.b"}}}`,
			input:      `{"a":{"b":[true]}}`,
			wantOutput: `[true]`,
		},
		{
			name:       "fail with error and cause",
			def:        `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"My.Error","Cause":"because"}}}`,
			wantStatus: StatusFailed,
			wantError:  "My.Error",
			wantCause:  "because",
		},
		{
			name:       "fail with paths",
			def:        `{"StartAt":"F","States":{"F":{"Type":"Fail","ErrorPath":"$.e","CausePath":"States.Format('bad {}', $.n)"}}}`,
			input:      `{"e":"Dyn.Error","n":7}`,
			wantStatus: StatusFailed,
			wantError:  "Dyn.Error",
			wantCause:  "bad 7",
		},
		{
			name:       "fail error path not a string",
			def:        `{"StartAt":"F","States":{"F":{"Type":"Fail","ErrorPath":"$.e"}}}`,
			input:      `{"e":1}`,
			wantStatus: StatusFailed,
			wantError:  ErrRuntime,
			wantCause:  "ErrorPath",
		},
		{
			name:       "task echoes parameters",
			def:        `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"echo","Parameters":{"x.$":"$.a"},"End":true}}}`,
			input:      `{"a":5}`,
			tasks:      map[string]taskFunc{"echo": echo},
			wantOutput: `{"x":5}`,
		},
		{
			name: "task result selector and result path",
			def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
				"ResultSelector":{"body.$":"$.Payload.body"},"ResultPath":"$.out","OutputPath":"$.out","End":true}}}`,
			input:      `{"a":5}`,
			tasks:      map[string]taskFunc{"arn:aws:states:::lambda:invoke": constant(`{"Payload":{"body":"ok"},"StatusCode":200}`)},
			wantOutput: `{"body":"ok"}`,
		},
		{
			name:       "task named error",
			def:        `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","End":true}}}`,
			tasks:      map[string]taskFunc{"t": failing("App.Boom", "it broke")},
			wantStatus: StatusFailed,
			wantError:  "App.Boom",
			wantCause:  "it broke",
		},
		{
			name:       "task plain error is TaskFailed",
			def:        `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","End":true}}}`,
			tasks:      map[string]taskFunc{"t": failing("", "plain failure")},
			wantStatus: StatusFailed,
			wantError:  ErrTaskFailed,
			wantCause:  "plain failure",
		},
		{
			name:       "task returns invalid JSON",
			def:        `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","End":true}}}`,
			tasks:      map[string]taskFunc{"t": constant(`{nope`)},
			wantStatus: StatusFailed,
			wantError:  ErrRuntime,
			wantCause:  "not valid JSON",
		},
		{
			name: "task panics",
			def:  `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","End":true}}}`,
			tasks: map[string]taskFunc{"t": func(context.Context, json.RawMessage) (json.RawMessage, error) {
				panic("kaboom")
			}},
			wantStatus: StatusFailed,
			wantError:  ErrTaskFailed,
			wantCause:  "kaboom",
		},
		{
			name:       "wait seconds",
			def:        `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"Next":"P"},"P":{"Type":"Pass","End":true}}}`,
			input:      `{"a":1}`,
			wantOutput: `{"a":1}`,
		},
		{
			name:       "wait seconds path",
			def:        `{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}`,
			input:      `{"s":3}`,
			wantOutput: `{"s":3}`,
		},
		{
			name:       "wait seconds path not a number",
			def:        `{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}`,
			input:      `{"s":"soon"}`,
			wantStatus: StatusFailed,
			wantError:  ErrRuntime,
			wantCause:  `The SecondsPath parameter cannot be parsed as a long value: $.s == "soon"`,
		},
		{
			name:       "wait timestamp path",
			def:        `{"StartAt":"W","States":{"W":{"Type":"Wait","TimestampPath":"$.t","End":true}}}`,
			input:      `{"t":"2024-01-02T03:05:00Z"}`,
			wantOutput: `{"t":"2024-01-02T03:05:00Z"}`,
		},
		{
			name:       "wait timestamp path invalid",
			def:        `{"StartAt":"W","States":{"W":{"Type":"Wait","TimestampPath":"$.t","End":true}}}`,
			input:      `{"t":"tomorrow"}`,
			wantStatus: StatusFailed,
			wantError:  ErrRuntime,
			wantCause:  "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.t == tomorrow",
		},
		{
			name:       "scalar input",
			def:        `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`,
			input:      `[1,"two",null,3.5,-7]`,
			wantOutput: `[1,"two",null,3.5,-7]`,
		},
	})
}

func TestWaitUsesClock(t *testing.T) {
	tests := []struct {
		name  string
		state string
		input string
		want  time.Duration
	}{
		{"seconds", `"Seconds":10`, `{}`, 10 * time.Second},
		{"seconds path", `"SecondsPath":"$.s"`, `{"s":42}`, 42 * time.Second},
		{"timestamp", `"Timestamp":"2024-01-02T03:05:05Z"`, `{}`, time.Minute},
		{"timestamp path", `"TimestampPath":"$.t"`, `{"t":"2024-01-02T04:04:05Z"}`, time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := mustParse(t, `{"StartAt":"W","States":{"W":{"Type":"Wait",`+tc.state+`,"End":true}}}`)
			clock := newFakeClock(24 * time.Hour)
			res := m.Run(context.Background(), json.RawMessage(tc.input), Options{Clock: clock})
			if res.Status != StatusSucceeded {
				t.Fatalf("status = %s (%s: %s)", res.Status, res.Error, res.Cause)
			}
			if got := clock.Sleeps(); len(got) != 1 || got[0] != tc.want {
				t.Errorf("waited %v, want [%v]", got, tc.want)
			}
		})
	}
}

// TestSecondsBeyondDurations checks that a SecondsPath or
// TimeoutSecondsPath too large for a time.Duration means a wait that ends
// with the execution's year, not one that wrapped around to nothing.
func TestSecondsBeyondDurations(t *testing.T) {
	const huge = `{"s":10000000000}` // 10^10 s: 10^19 ns overflows an int64
	t.Run("wait", func(t *testing.T) {
		m := mustParse(t, `{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}`)
		clock := newFakeClock(0)
		done := make(chan Result, 1)
		go func() { done <- m.Run(context.Background(), json.RawMessage(huge), Options{Clock: clock}) }()
		clock.waitPending(t, 1)
		waits := clock.Waits()
		wait := waits[len(waits)-1] // the pending timer's
		if wait != MaxExecutionTime {
			t.Errorf("waits %v, want %v (the execution's year, shorter than the wait)", wait, MaxExecutionTime)
		}
		clock.Advance(MaxExecutionTime) // the wait, far longer, ends with the execution's year
		if res := <-done; res.Status != StatusTimedOut {
			t.Errorf("status = %s (%s: %s), want TIMED_OUT", res.Status, res.Error, res.Cause)
		}
	})
	t.Run("task timeout", func(t *testing.T) {
		m := mustParse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","TimeoutSecondsPath":"$.s","End":true}}}`)
		clock := newFakeClock(time.Hour) // a timer that wrapped to a negative duration would fire at once
		release := make(chan struct{})
		task := func(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
			select {
			case <-release:
				return in, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		done := make(chan Result, 1)
		go func() {
			done <- m.Run(context.Background(), json.RawMessage(huge), Options{Clock: clock, Invoke: tasks(map[string]taskFunc{"t": task})})
		}()
		clock.waitPending(t, 1) // the task's timeout, not yet due
		close(release)
		if res := <-done; res.Status != StatusSucceeded {
			t.Errorf("status = %s (%s: %s), want SUCCEEDED", res.Status, res.Error, res.Cause)
		}
	})
}

func TestWaitInThePastDoesNotWait(t *testing.T) {
	m := mustParse(t, `{"StartAt":"W","States":{"W":{"Type":"Wait","Timestamp":"2000-01-01T00:00:00Z","End":true}}}`)
	clock := newFakeClock(24 * time.Hour)
	if res := m.Run(context.Background(), nil, Options{Clock: clock}); res.Status != StatusSucceeded {
		t.Fatalf("status = %s", res.Status)
	}
	if got := clock.Sleeps(); len(got) != 0 {
		t.Errorf("waited %v, want no wait", got)
	}
}

func TestRunEmptyInputIsEmptyObject(t *testing.T) {
	m := mustParse(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)
	res := m.Run(context.Background(), nil, Options{Clock: newFakeClock(0)})
	if res.Status != StatusSucceeded || string(res.Output) != "{}" {
		t.Errorf("Run(nil) = %s %s, want SUCCEEDED {}", res.Status, res.Output)
	}
}

func TestRunInvalidInput(t *testing.T) {
	m := mustParse(t, `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)
	res := m.Run(context.Background(), json.RawMessage(`{"a":`), Options{Clock: newFakeClock(0)})
	if res.Status != StatusFailed || res.Error != ErrRuntime || !strings.Contains(res.Cause, "not valid JSON") {
		t.Errorf("Run(bad json) = %+v, want FAILED States.Runtime about JSON", res)
	}
}

func TestRunTaskWithoutInvoker(t *testing.T) {
	m := mustParse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"x","End":true}}}`)
	res := m.Run(context.Background(), nil, Options{Clock: newFakeClock(0)})
	if res.Status != StatusFailed || !strings.Contains(res.Cause, "no Invoker") {
		t.Errorf("Run = %+v, want FAILED naming the missing Invoker", res)
	}
}

func TestTaskReceivesResourceAndInput(t *testing.T) {
	m := mustParse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:F","InputPath":"$.in","End":true}}}`)
	var gotRes, gotIn string
	inv := func(_ context.Context, resource string, input json.RawMessage) (json.RawMessage, error) {
		gotRes, gotIn = resource, string(input)
		return json.RawMessage(`"done"`), nil
	}
	res := m.Run(context.Background(), json.RawMessage(`{"in":{"k":"v"}}`), Options{Clock: newFakeClock(0), Invoke: inv})
	if res.Status != StatusSucceeded || string(res.Output) != `"done"` {
		t.Fatalf("Run = %+v", res)
	}
	if gotRes != "arn:aws:lambda:us-east-1:1:function:F" || gotIn != `{"k":"v"}` {
		t.Errorf("invoker got (%q, %s), want the resource and {\"k\":\"v\"}", gotRes, gotIn)
	}
}

func TestRuntimeErrorCauseNamesInnermostStateOnce(t *testing.T) {
	tests := []struct {
		name string
		def  string
		want string
	}{
		{"pass", `{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.nope","End":true}}}`,
			"An error occurred while executing the state 'P'. Invalid path '$.nope' : No results for path: $['nope']"},
		{"task parameters", `{"StartAt":"Glue StartJobRun","States":{"Glue StartJobRun":{"Type":"Task","Resource":"t","Parameters":{"JobName.$":"$.JobName"},"End":true}}}`,
			"An error occurred while executing the state 'Glue StartJobRun'. The JSONPath '$.JobName' specified for the field 'JobName.$' could not be found in the input '{}'"},
		{"inside parallel", `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"Inner","States":{"Inner":{"Type":"Pass","OutputPath":"$.nope","End":true}}}]}}}`,
			"An error occurred while executing the state 'Inner'. Invalid path '$.nope' : No results for path: $['nope']"},
		{"inside map", `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"Inner","States":{
			"Inner":{"Type":"Choice","Choices":[{"Variable":"$.x","IsNull":true,"Next":"D"}],"Default":"D"},"D":{"Type":"Succeed"}}}}}}`,
			"An error occurred while executing the state 'Inner'. Invalid path '$.x': The choice state's condition path references an invalid value."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := mustParse(t, tc.def)
			input := `{}`
			if strings.Contains(tc.def, `"Map"`) {
				input = `[{}]`
			}
			res := m.Run(context.Background(), json.RawMessage(input), Options{Clock: newFakeClock(0), Invoke: tasks(map[string]taskFunc{"t": echo})})
			if res.Error != ErrRuntime || res.Cause != tc.want {
				t.Errorf("Run = %s %q\nwant States.Runtime %q", res.Error, res.Cause, tc.want)
			}
		})
	}
}

func TestUserErrorsNamedLikeStatesErrorsKeepTheirCause(t *testing.T) {
	runCases(t, []runCase{
		{
			name: "fail state in a branch",
			def: `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
				{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"States.Runtime","Cause":"mine"}}}]}}}`,
			wantStatus: StatusFailed,
			wantError:  ErrRuntime,
			wantCause:  "mine",
		},
		{
			name:       "task error",
			def:        `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","End":true}}}`,
			tasks:      map[string]taskFunc{"t": failing("States.IntrinsicFailure", "from the task")},
			wantStatus: StatusFailed,
			wantError:  ErrIntrinsicFailure,
			wantCause:  "from the task",
		},
	})
	m := mustParse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","End":true}}}`)
	res := m.Run(context.Background(), nil, Options{Clock: newFakeClock(0), Invoke: tasks(map[string]taskFunc{"t": failing("States.Runtime", "exact")})})
	if res.Cause != "exact" {
		t.Errorf("cause = %q, want %q", res.Cause, "exact")
	}
}
