package asl

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestParallel(t *testing.T) {
	runCases(t, []runCase{
		{
			name: "outputs in branch order",
			def: `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
				{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"a","End":true}}},
				{"StartAt":"B","States":{"B":{"Type":"Wait","Seconds":5,"Next":"B2"},"B2":{"Type":"Pass","InputPath":"$.x","End":true}}},
				{"StartAt":"C","States":{"C":{"Type":"Task","Resource":"t","End":true}}}]}}}`,
			input:      `{"x":1}`,
			tasks:      map[string]taskFunc{"t": constant(`"c"`)},
			wantOutput: `["a",1,"c"]`,
		},
		{
			name: "parameters, result selector and result path",
			def: `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Parameters":{"v.$":"$.x"},
				"ResultSelector":{"first.$":"$[0].v","second.$":"$[1]"},"ResultPath":"$.out","Branches":[
				{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},
				{"StartAt":"B","States":{"B":{"Type":"Pass","Result":2,"End":true}}}]}}}`,
			input:      `{"x":1}`,
			wantOutput: `{"x":1,"out":{"first":1,"second":2}}`,
		},
		{
			name: "failing branch fails the state with its error",
			def: `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
				{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},
				{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Branch.Err","Cause":"b"}}}]}}}`,
			wantStatus: StatusFailed,
			wantError:  "Branch.Err",
			wantCause:  "b",
		},
		{
			name: "branch error is caught",
			def: `{"StartAt":"P","States":{"P":{"Type":"Parallel","Next":"Done","Branches":[
				{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Branch.Err","Cause":"b"}}}],
				"Catch":[{"ErrorEquals":["Branch.Err"],"Next":"Done","ResultPath":"$.err"}]},
				"Done":{"Type":"Succeed"}}}`,
			input:      `{"k":1}`,
			wantOutput: `{"k":1,"err":{"Error":"Branch.Err","Cause":"b"}}`,
		},
		{
			name: "parallel retry reruns branches",
			def: `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
				{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"flaky","End":true}}}],
				"Retry":[{"ErrorEquals":["E"],"MaxAttempts":2}]}}}`,
			tasks:      map[string]taskFunc{"flaky": flaky(2, "E", `"ok"`, new(atomic.Int32))},
			wantOutput: `["ok"]`,
		},
		{
			name: "nested parallel",
			def: `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
				{"StartAt":"Q","States":{"Q":{"Type":"Parallel","End":true,"Branches":[
					{"StartAt":"A","States":{"A":{"Type":"Pass","Result":1,"End":true}}}]}}}]}}}`,
			wantOutput: `[[1]]`,
		},
	})
}

func TestParallelFailureCancelsOtherBranches(t *testing.T) {
	m := mustParse(t, `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"Slow","States":{"Slow":{"Type":"Task","Resource":"slow","End":true}}},
		{"StartAt":"F","States":{"F":{"Type":"Task","Resource":"fail","End":true}}}]}}}`)
	cancelled := make(chan struct{})
	inv := tasks(map[string]taskFunc{
		"slow": func(ctx context.Context, _ json.RawMessage) (json.RawMessage, error) {
			<-ctx.Done()
			close(cancelled)
			return nil, ctx.Err()
		},
		"fail": failing("Boom", "x"),
	})
	res := m.Run(context.Background(), nil, Options{Clock: newFakeClock(0), Invoke: inv})
	if res.Status != StatusFailed || res.Error != "Boom" {
		t.Fatalf("Run = %+v, want FAILED Boom", res)
	}
	select {
	case <-cancelled:
	case <-time.After(10 * time.Second):
		t.Fatal("the slow branch's task context was not cancelled")
	}
}

func TestMap(t *testing.T) {
	runCases(t, []runCase{
		{
			name: "items path and iterator",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","End":true,
				"ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"D","States":{"D":{"Type":"Pass","Parameters":{"v.$":"$"},"End":true}}}}}}`,
			input:      `{"items":[1,"two",{"three":3}]}`,
			wantOutput: `[{"v":1},{"v":"two"},{"v":{"three":3}}]`,
		},
		{
			name: "older Iterator and Parameters with context",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","End":true,
				"Parameters":{"i.$":"$$.Map.Item.Index","v.$":"$$.Map.Item.Value","k.$":"$.k"},
				"Iterator":{"StartAt":"D","States":{"D":{"Type":"Pass","End":true}}}}}}`,
			input:      `{"k":"K","items":["a","b"]}`,
			wantOutput: `[{"i":0,"v":"a","k":"K"},{"i":1,"v":"b","k":"K"}]`,
		},
		{
			name: "item selector, result selector, result path",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":1,
				"ItemSelector":{"n.$":"$$.Map.Item.Value"},
				"ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"double","End":true}}},
				"ResultSelector":{"count.$":"States.ArrayLength($)","all.$":"$"},"ResultPath":"$.res","End":true}}}`,
			input: `{"items":[1,2,3]}`,
			tasks: map[string]taskFunc{"double": func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
				var v struct{ N int }
				if err := json.Unmarshal(in, &v); err != nil {
					return nil, err
				}
				return json.RawMessage(fmt.Sprint(v.N * 2)), nil
			}},
			wantOutput: `{"items":[1,2,3],"res":{"count":3,"all":[2,4,6]}}`,
		},
		{
			name:       "empty array",
			def:        `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"D","States":{"D":{"Type":"Pass","End":true}}}}}}`,
			input:      `[]`,
			wantOutput: `[]`,
		},
		{
			name:       "items not an array",
			def:        `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.x","End":true,"ItemProcessor":{"StartAt":"D","States":{"D":{"Type":"Pass","End":true}}}}}}`,
			input:      `{"x":{"a":1}}`,
			wantStatus: StatusFailed,
			wantError:  ErrRuntime,
			wantCause:  "must point to a JSON array",
		},
		{
			name: "failing iteration fails the map",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"C","States":{
				"C":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":2,"Next":"F"}],"Default":"OK"},
				"F":{"Type":"Fail","Error":"Item.Bad","Cause":"two"},"OK":{"Type":"Succeed"}}}}}}`,
			input:      `[1,2,3]`,
			wantStatus: StatusFailed,
			wantError:  "Item.Bad",
			wantCause:  "two",
		},
		{
			name: "map error caught",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","Next":"H","ItemProcessor":{"StartAt":"F","States":{
				"F":{"Type":"Fail","Error":"Item.Bad"}}},"Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}]},
				"H":{"Type":"Pass","OutputPath":"$.Error","End":true}}}`,
			input:      `[1]`,
			wantOutput: `"Item.Bad"`,
		},
		{
			name: "max concurrency path",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrencyPath":"$.mc","End":true,
				"ItemProcessor":{"StartAt":"D","States":{"D":{"Type":"Pass","End":true}}}}}}`,
			input:      `{"mc":2,"items":[1,2,3,4,5]}`,
			wantOutput: `[1,2,3,4,5]`,
		},
		{
			name: "nested map",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"N","States":{
				"N":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"D","States":{"D":{"Type":"Pass","Parameters":{"x.$":"$"},"End":true}}}}}}}}}`,
			input:      `[[1,2],[3]]`,
			wantOutput: `[[{"x":1},{"x":2}],[{"x":3}]]`,
		},
	})
}

func TestMapMaxConcurrency(t *testing.T) {
	for _, tc := range []struct{ limit, items, want int }{
		{1, 12, 1}, {3, 12, 3}, {0, 12, 12}, {0, 50, 40}, {100, 50, 40},
	} {
		limit, items := tc.limit, tc.items
		t.Run(fmt.Sprintf("MaxConcurrency %d over %d items", limit, items), func(t *testing.T) {
			m := mustParse(t, fmt.Sprintf(`{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":%d,"End":true,
				"ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"t","End":true}}}}}}`, limit))
			var running, peak atomic.Int32
			release := make(chan struct{})
			inv := tasks(map[string]taskFunc{"t": func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
				n := running.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				<-release
				running.Add(-1)
				return in, nil
			}})
			done := make(chan Result, 1)
			input := "[" + strings.TrimSuffix(strings.Repeat("1,", items), ",") + "]"
			go func() {
				done <- m.Run(context.Background(), json.RawMessage(input), Options{Clock: newFakeClock(0), Invoke: inv})
			}()
			want := int32(tc.want)
			deadline := time.Now().Add(10 * time.Second)
			for running.Load() < want && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			close(release)
			res := <-done
			if res.Status != StatusSucceeded {
				t.Fatalf("Run = %+v", res)
			}
			if got := peak.Load(); got != want {
				t.Errorf("peak concurrency = %d, want %d", got, want)
			}
		})
	}
}

func TestParallelAndMapEvents(t *testing.T) {
	m := mustParse(t, `{"StartAt":"P","States":{
		"P":{"Type":"Parallel","Next":"M","Branches":[
			{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}]},
		"M":{"Type":"Map","MaxConcurrency":1,"End":true,"ItemsPath":"$[0].items","ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}}}}`)
	rec := &recorder{}
	res := m.Run(context.Background(), json.RawMessage(`{"items":[10,20]}`), Options{Clock: newFakeClock(0), Emit: rec.emit, PreviousEventID: 1})
	if res.Status != StatusSucceeded {
		t.Fatalf("Run = %+v", res)
	}
	want := []string{
		"ParallelStateEntered", "ParallelStateStarted", "PassStateEntered", "PassStateExited", "ParallelStateSucceeded", "ParallelStateExited",
		"MapStateEntered", "MapStateStarted",
		"MapIterationStarted", "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
		"MapIterationStarted", "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
		"MapStateSucceeded", "MapStateExited",
	}
	if got := rec.types(); !reflect.DeepEqual(got, want) {
		t.Fatalf("events = %v\nwant %v", got, want)
	}
	ev := rec.events
	// Ids are index+2. The branch's first event follows ParallelStateStarted (id 3).
	if ev[2].PreviousEventID != 3 {
		t.Errorf("branch PassStateEntered previous = %d, want 3", ev[2].PreviousEventID)
	}
	started := ev[7]
	if started.DetailsKey != "mapStateStartedEventDetails" || started.Details["length"] != 2 {
		t.Errorf("MapStateStarted = %+v, want length 2", started)
	}
	it := ev[12]
	if it.DetailsKey != "mapIterationStartedEventDetails" || it.Details["name"] != "M" || it.Details["index"] != 1 {
		t.Errorf("second MapIterationStarted = %+v, want name M index 1", it)
	}
	// Each iteration chain starts at MapStateStarted (id 9).
	if ev[8].PreviousEventID != 9 || ev[12].PreviousEventID != 9 {
		t.Errorf("MapIterationStarted previous ids = %d, %d, want 9, 9", ev[8].PreviousEventID, ev[12].PreviousEventID)
	}
	if ev[9].PreviousEventID != 10 {
		t.Errorf("iteration PassStateEntered previous = %d, want 10", ev[9].PreviousEventID)
	}
}

func TestMapFailureEvents(t *testing.T) {
	m := mustParse(t, `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"End":true,
		"ItemProcessor":{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"X"}}}}}}`)
	rec := &recorder{}
	m.Run(context.Background(), json.RawMessage(`[1,2]`), Options{Clock: newFakeClock(0), Emit: rec.emit})
	want := []string{"MapStateEntered", "MapStateStarted", "MapIterationStarted", "FailStateEntered", "MapIterationFailed", "MapStateFailed"}
	if got := rec.types(); !reflect.DeepEqual(got, want) {
		t.Errorf("events = %v, want %v", got, want)
	}
}

func TestConcurrentRunsShareMachine(t *testing.T) {
	m := mustParse(t, `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemSelector":{"i.$":"$$.Map.Item.Index"},
		"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","ResultPath":"$.seen","Result":true,"End":true}}}}}}`)
	done := make(chan string, 8)
	for g := 0; g < 8; g++ {
		go func() {
			res := m.Run(context.Background(), json.RawMessage(`[0,0,0,0]`), Options{Clock: newFakeClock(0)})
			done <- string(res.Output)
		}()
	}
	var outs []string
	for g := 0; g < 8; g++ {
		outs = append(outs, <-done)
	}
	sort.Strings(outs)
	want := `[{"i":0,"seen":true},{"i":1,"seen":true},{"i":2,"seen":true},{"i":3,"seen":true}]`
	for _, o := range outs {
		if o != want {
			t.Fatalf("output = %s, want %s", o, want)
		}
	}
}
