package asl

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
)

// TestRedriveNestedFanOutTwice redrives a Map whose iterations are Parallel
// states twice: the first run fails at item 1, the first redrive at item 2.
// Each redrive must run only what had not succeeded, so the flaky task sees
// items 0 and 1, then 1 and 2, then 2 alone, and the output holds every
// item's result in order.
func TestRedriveNestedFanOutTwice(t *testing.T) {
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"End":true,
		"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"Same","States":{"Same":{"Type":"Pass","End":true}}},
			{"StartAt":"F","States":{"F":{"Type":"Task","Resource":"flaky","End":true}}}]}}}}}}`
	var phase atomic.Int32 // the run: item phase+1 fails, while phase < 2
	var mu sync.Mutex
	var calls []string
	inv := tasks(map[string]taskFunc{"flaky": func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		mu.Lock()
		calls = append(calls, string(in))
		mu.Unlock()
		var n int
		if err := json.Unmarshal(in, &n); err != nil {
			return nil, err
		}
		if p := int(phase.Load()); p < 2 && n == p+1 {
			return nil, &namedError{name: "Flaky", cause: "not yet"}
		}
		return json.RawMessage(`"ok"`), nil
	}})
	takeCalls := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := calls
		calls = nil
		return out
	}
	m := mustParse(t, def)
	opts := Options{Clock: newFakeClock(0), Invoke: inv}
	res := m.Run(context.Background(), json.RawMessage(`[0,1,2]`), opts)
	if res.Status != StatusFailed || res.Resume == nil || res.Resume.State != "M" {
		t.Fatalf("first run = %s %q, resume %+v; want FAILED at M", res.Status, res.Error, res.Resume)
	}
	if got, want := takeCalls(), []string{"0", "1"}; !slices.Equal(got, want) {
		t.Errorf("first run called flaky with %v, want %v", got, want)
	}
	for _, tt := range []struct {
		status string
		want   []string
	}{
		{StatusFailed, []string{"1", "2"}},
		{StatusSucceeded, []string{"2"}},
	} {
		phase.Add(1)
		opts.ResumeFrom = res.Resume
		res = m.Run(context.Background(), json.RawMessage(`[0,1,2]`), opts)
		if res.Status != tt.status {
			t.Fatalf("redrive %d = %s %q (%q), want %s", phase.Load(), res.Status, res.Error, res.Cause, tt.status)
		}
		if got := takeCalls(); !slices.Equal(got, tt.want) {
			t.Errorf("redrive %d called flaky with %v, want %v", phase.Load(), got, tt.want)
		}
	}
	if want := `[[0,"ok"],[1,"ok"],[2,"ok"]]`; !jsonEqual(t, string(res.Output), want) {
		t.Errorf("output = %s, want %s", res.Output, want)
	}
}

// TestRedriveAbortedParallelKeepsEndedBranches aborts a Parallel state once
// one branch has ended and the other is running: the redrive must run only
// the aborted branch.
func TestRedriveAbortedParallelKeepsEndedBranches(t *testing.T) {
	def := `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"a","End":true}}},
		{"StartAt":"B","States":{"B":{"Type":"Task","Resource":"b","End":true}}}]}}}`
	var aCalls, bCalls atomic.Int32
	aEnded, bStarted := make(chan struct{}), make(chan struct{})
	inv := tasks(map[string]taskFunc{
		"a": func(context.Context, json.RawMessage) (json.RawMessage, error) {
			aCalls.Add(1)
			return json.RawMessage(`"a"`), nil
		},
		"b": func(ctx context.Context, _ json.RawMessage) (json.RawMessage, error) {
			if bCalls.Add(1) > 1 {
				return json.RawMessage(`"b"`), nil
			}
			<-aEnded
			close(bStarted)
			<-ctx.Done()
			return nil, ctx.Err()
		},
	})
	var ids atomic.Int64
	var once sync.Once
	emit := func(e Event) int64 {
		if e.Type == "TaskStateExited" && e.Details["name"] == "A" {
			once.Do(func() { close(aEnded) })
		}
		return ids.Add(1)
	}
	m := mustParse(t, def)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan Result)
	go func() { done <- m.Run(ctx, nil, Options{Clock: newFakeClock(0), Invoke: inv, Emit: emit}) }()
	<-bStarted
	cancel()
	res := <-done
	if res.Status != StatusAborted || res.Resume == nil || res.Resume.State != "P" {
		t.Fatalf("first run = %s, resume %+v; want ABORTED at P", res.Status, res.Resume)
	}
	res = m.Run(context.Background(), nil, Options{Clock: newFakeClock(0), Invoke: inv, Emit: emit, ResumeFrom: res.Resume})
	if res.Status != StatusSucceeded || !jsonEqual(t, string(res.Output), `["a","b"]`) {
		t.Errorf("redrive = %s %s, want SUCCEEDED [\"a\",\"b\"]", res.Status, res.Output)
	}
	if a, b := aCalls.Load(), bCalls.Load(); a != 1 || b != 2 {
		t.Errorf("task a ran %d times and b %d, want 1 and 2 (only the aborted branch again)", a, b)
	}
}
