package asl

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordedMapRuns is a MapRuns that keeps what it was told.
type recordedMapRuns struct {
	mu     sync.Mutex
	starts []MapRunConfig
	ended  []string // child statuses by index, then "run:"+the run's status
	// redrives counts the calls of Redrive.
	redrives int
}

func (r *recordedMapRuns) Start(cfg MapRunConfig) MapRun {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.starts = append(r.starts, cfg)
	r.ended = make([]string, cfg.Children)
	return recordedRun{r}
}

// Redrive counts the redrives; the run keeps its children's statuses.
func (r *recordedMapRuns) Redrive(string) (MapRun, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.redrives++
	return recordedRun{r}, r.redrives
}

type recordedRun struct{ r *recordedMapRuns }

func (recordedRun) ARN() string {
	return "arn:aws:states:us-east-1:123456789012:mapRun:Machine/items:1"
}

func (recordedRun) ChildStarted(int, int, time.Time) {}

func (rr recordedRun) ChildEnded(i, _ int, _ time.Time, status string, _, _ json.RawMessage, _, _ string) string {
	rr.r.mu.Lock()
	defer rr.r.mu.Unlock()
	rr.r.ended[i] = status
	return fmt.Sprintf("arn:aws:states:us-east-1:123456789012:execution:Machine/items:child-%d", i)
}

func (rr recordedRun) Ended(status string) {
	rr.r.mu.Lock()
	defer rr.r.mu.Unlock()
	rr.r.ended = append(rr.r.ended, "run:"+status)
}

// distributedDef is a Distributed Map over $.xs whose children run a Task
// "check" that fails for odd numbers; extra is spliced into the Map state.
func distributedDef(extra string) string {
	return `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs",` + extra + `
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"T",
			"States":{"T":{"Type":"Task","Resource":"check","End":true}}},"End":true}}}`
}

// checkTask succeeds with its input when it holds an even number (or is not
// a number) and fails States.TaskFailed otherwise.
var checkTask = map[string]taskFunc{"check": func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
	var n int
	if json.Unmarshal(in, &n) == nil && n%2 != 0 {
		return nil, &namedError{name: "Odd", cause: "odd item"}
	}
	return in, nil
}}

func TestDistributedMap(t *testing.T) {
	for _, tt := range []struct {
		name, extra, input string
		wantStatus         string
		wantOutput         string
		wantError          string
		wantChildren       []string
		wantLabel          string
	}{
		{name: "all succeed", extra: `"Label":"items",`, input: `{"xs":[2,4,6]}`, wantStatus: StatusSucceeded,
			wantOutput: `[2,4,6]`, wantLabel: "items",
			wantChildren: []string{StatusSucceeded, StatusSucceeded, StatusSucceeded, "run:" + StatusSucceeded}},
		{name: "a failure fails the run by default", input: `{"xs":[2,3]}`, wantStatus: StatusFailed,
			wantError: errToleratedFailure, wantLabel: "M"},
		{name: "tolerated count", extra: `"ToleratedFailureCount":1,`, input: `{"xs":[1,2]}`, wantStatus: StatusSucceeded,
			wantOutput: `[{"Error":"Odd","Cause":"odd item"},2]`, wantLabel: "M",
			wantChildren: []string{StatusFailed, StatusSucceeded, "run:" + StatusSucceeded}},
		{name: "count exceeded", extra: `"ToleratedFailureCount":1,"MaxConcurrency":1,`, input: `{"xs":[1,3,2]}`,
			wantStatus: StatusFailed, wantError: errToleratedFailure, wantLabel: "M"},
		{name: "tolerated percentage", extra: `"ToleratedFailurePercentage":50,`, input: `{"xs":[1,2,4,5]}`,
			wantStatus: StatusSucceeded, wantOutput: `[{"Error":"Odd","Cause":"odd item"},2,4,{"Error":"Odd","Cause":"odd item"}]`,
			wantLabel: "M"},
		// With both set, the run fails when either is exceeded (the
		// developer guide's "Tolerated failure threshold" page).
		{name: "count exceeded, percentage not", extra: `"ToleratedFailureCount":1,"ToleratedFailurePercentage":90,"MaxConcurrency":1,`,
			input: `{"xs":[1,3,2,4]}`, wantStatus: StatusFailed, wantError: errToleratedFailure, wantLabel: "M"},
		{name: "percentage exceeded, count not", extra: `"ToleratedFailureCount":5,"ToleratedFailurePercentage":25,"MaxConcurrency":1,`,
			input: `{"xs":[1,3,2,4]}`, wantStatus: StatusFailed, wantError: errToleratedFailure, wantLabel: "M"},
		{name: "neither exceeded", extra: `"ToleratedFailureCount":2,"ToleratedFailurePercentage":50,`,
			input: `{"xs":[1,3,2,4]}`, wantStatus: StatusSucceeded, wantLabel: "M",
			wantOutput: `[{"Error":"Odd","Cause":"odd item"},{"Error":"Odd","Cause":"odd item"},2,4]`},
		{name: "batches", extra: `"ItemBatcher":{"MaxItemsPerBatch":2,"BatchInput":{"k":1}},"ItemSelector":{"v.$":"$$.Map.Item.Value"},`,
			input: `{"xs":[1,2,3]}`, wantStatus: StatusSucceeded, wantLabel: "M",
			wantOutput:   `[{"BatchInput":{"k":1},"Items":[{"v":1},{"v":2}]},{"BatchInput":{"k":1},"Items":[{"v":3}]}]`,
			wantChildren: []string{StatusSucceeded, StatusSucceeded, "run:" + StatusSucceeded}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			runs := &recordedMapRuns{}
			var events []string
			var mu sync.Mutex
			emit := func(e Event) int64 {
				mu.Lock()
				defer mu.Unlock()
				events = append(events, e.Type)
				if e.Type == "MapRunStarted" && e.Details["mapRunArn"] == nil {
					t.Errorf("MapRunStarted details = %v, want the mapRunArn", e.Details)
				}
				return int64(len(events))
			}
			res := mustParse(t, distributedDef(tt.extra)).Run(context.Background(), json.RawMessage(tt.input),
				Options{Clock: newFakeClock(time.Hour), Invoke: tasks(checkTask), Context: testContext(), Emit: emit, MapRuns: runs})
			if res.Status != tt.wantStatus || res.Error != tt.wantError {
				t.Fatalf("Run = %s %q (%q), want %s %q", res.Status, res.Error, res.Cause, tt.wantStatus, tt.wantError)
			}
			if tt.wantOutput != "" && !jsonEqual(t, string(res.Output), tt.wantOutput) {
				t.Errorf("output = %s, want %s", res.Output, tt.wantOutput)
			}
			wantMax := 0
			if strings.Contains(tt.extra, `"MaxConcurrency":1`) {
				wantMax = 1
			}
			if len(runs.starts) != 1 || runs.starts[0].Label != tt.wantLabel || runs.starts[0].ExecutionType != "EXPRESS" ||
				runs.starts[0].MaxConcurrency != wantMax {
				t.Errorf("Map Runs started = %+v, want one labelled %q of EXPRESS children, MaxConcurrency %d", runs.starts, tt.wantLabel, wantMax)
			}
			if tt.wantChildren != nil && !slices.Equal(runs.ended, tt.wantChildren) {
				t.Errorf("recorded ends = %v, want %v", runs.ended, tt.wantChildren)
			}
			last := "MapRunSucceeded"
			if tt.wantStatus == StatusFailed {
				last = "MapRunFailed"
			}
			got := strings.Join(events, " ")
			if want := "MapStateStarted MapRunStarted " + last; !strings.Contains(got, want) || strings.Contains(got, "Task") ||
				strings.Contains(got, "MapIteration") {
				t.Errorf("events = %s; want %s and no event of a child workflow", got, want)
			}
		})
	}
}

// TestToleranceExceeded: a Map Run fails past the tolerated failures the
// definition set, either of them when it set both, and at the first failure
// when it set neither.
func TestToleranceExceeded(t *testing.T) {
	count := func(n int64) tolerance { return tolerance{count: n, countSet: true} }
	percent := func(p float64) tolerance { return tolerance{percent: p, percentSet: true} }
	both := func(n int64, p float64) tolerance {
		return tolerance{count: n, percent: p, countSet: true, percentSet: true}
	}
	tests := []struct {
		tol           tolerance
		failed, total int
		want          bool
	}{
		{tolerance{}, 0, 4, false},
		{tolerance{}, 1, 4, true},
		{count(1), 1, 4, false},
		{count(1), 2, 4, true},
		{count(0), 1, 4, true},
		{percent(50), 2, 4, false},
		{percent(50), 3, 4, true},
		{percent(0), 1, 4, true},
		{both(1, 90), 2, 4, true},  // the count is exceeded
		{both(5, 25), 2, 4, true},  // the percentage is exceeded
		{both(2, 50), 2, 4, false}, // neither
	}
	for _, tt := range tests {
		if got := tt.tol.exceeded(int64(tt.failed), tt.total); got != tt.want {
			t.Errorf("%+v.exceeded(%d, %d) = %v, want %v", tt.tol, tt.failed, tt.total, got, tt.want)
		}
	}
}
