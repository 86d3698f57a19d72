package sfnlocal

import (
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions/internal/asl"
)

// heapWatch samples the heap while a test runs, to report how much an
// execution made the server hold and allocate.
type heapWatch struct {
	stop   chan struct{}
	wg     sync.WaitGroup
	peak   atomic.Uint64
	before runtime.MemStats
}

func watchHeap() *heapWatch {
	runtime.GC()
	w := &heapWatch{stop: make(chan struct{})}
	runtime.ReadMemStats(&w.before)
	w.peak.Store(w.before.HeapInuse)
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		var ms runtime.MemStats
		for {
			select {
			case <-w.stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > w.peak.Load() {
				w.peak.Store(ms.HeapInuse)
			}
		}
	}()
	return w
}

// done stops the sampling and returns the peak growth of the heap in use
// and the bytes allocated since watchHeap.
func (w *heapWatch) done() (peakGrowth, allocated uint64) {
	close(w.stop)
	w.wg.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	return w.peak.Load() - w.before.HeapInuse, after.TotalAlloc - w.before.TotalAlloc
}

// TestOversizedIntrinsicOnTheWire runs the reproductions of issue 15 on the
// wire: a 112 KB definition whose States.Format references a 250 KB input
// 12,400 times, and States.JsonToString over a States.Array of 4,000 such
// references. Each execution must fail with States.DataLimitExceeded, and
// the server's heap must stay bounded (before the fix the first took the
// server out of memory and the second peaked at 3.9 GB).
func TestOversizedIntrinsicOnTheWire(t *testing.T) {
	_, c := startServer(t)
	ctx := context.Background()
	input := `{"big":"` + strings.Repeat("x", 250_000) + `"}`
	format := `States.Format('` + strings.Repeat("{}", 12_400) + `', ` + strings.TrimSuffix(strings.Repeat("$.big, ", 12_400), ", ") + `)`
	jsonToString := `States.JsonToString(States.Array(` + strings.TrimSuffix(strings.Repeat("$.big, ", 4000), ", ") + `))`
	for _, tc := range []struct{ name, expr string }{{"Format", format}, {"JsonToStringOfArray", jsonToString}} {
		for _, typ := range []types.StateMachineType{types.StateMachineTypeStandard, types.StateMachineTypeExpress} {
			t.Run(tc.name+"/"+string(typ), func(t *testing.T) {
				def, err := json.Marshal(map[string]any{"StartAt": "P", "States": map[string]any{
					"P": map[string]any{"Type": "Pass", "Parameters": map[string]any{"s.$": tc.expr}, "End": true}}})
				if err != nil {
					t.Fatal(err)
				}
				sm, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(tc.name + string(typ)),
					RoleArn: aws.String(testRole), Definition: aws.String(string(def)), Type: typ})
				if err != nil {
					t.Fatalf("CreateStateMachine (definition of %d bytes): %v", len(def), err)
				}
				w := watchHeap()
				status, errName := runToEnd(t, c, sm.StateMachineArn, typ, input)
				peak, allocated := w.done()
				t.Logf("definition %d bytes, input %d bytes: %s %s; heap in use grew at most %.1f MiB, %.1f MiB allocated",
					len(def), len(input), status, errName, float64(peak)/(1<<20), float64(allocated)/(1<<20))
				if status != "FAILED" || errName != "States.DataLimitExceeded" {
					t.Errorf("execution ended %s %s, want FAILED States.DataLimitExceeded", status, errName)
				}
				if allocated > 64<<20 {
					t.Errorf("the server allocated %d bytes for one execution, want under 64 MiB", allocated)
				}
			})
		}
	}
}

// runToEnd runs an execution of sm on the wire (StartSyncExecution for
// Express, StartExecution then DescribeExecution for Standard) and returns
// how it ended.
func runToEnd(t *testing.T, c *sfn.Client, sm *string, typ types.StateMachineType, input string) (status, errName string) {
	t.Helper()
	ctx := context.Background()
	if typ == types.StateMachineTypeExpress {
		out, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: sm, Input: aws.String(input)})
		if err != nil {
			t.Fatalf("StartSyncExecution: %v", err)
		}
		return string(out.Status), aws.ToString(out.Error)
	}
	start, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm, Input: aws.String(input)})
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	var d *sfn.DescribeExecutionOutput
	waitFor(t, "the execution to end", func() bool {
		d, err = c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: start.ExecutionArn})
		return err == nil && d.Status != types.ExecutionStatusRunning
	})
	return string(d.Status), aws.ToString(d.Error)
}

// TestWaitBeyondOneYearOnTheWire checks that a Standard execution whose Wait
// is longer than AWS's one-year maximum execution time ends TIMED_OUT with
// States.Timeout a year after it started, as on AWS, and is running a second
// before.
func TestWaitBeyondOneYearOnTheWire(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(time.Time{})
	_, c := startServer(t, WithClock(clk))
	def := `{"StartAt":"Nap","States":{"Nap":{"Type":"Wait","Seconds":99999999,"Next":"Done"},"Done":{"Type":"Succeed"}}}`
	sm, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("sleeper"), RoleArn: aws.String(testRole),
		Definition: aws.String(def)})
	if err != nil {
		t.Fatalf("CreateStateMachine: %v", err)
	}
	start, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn})
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	waitFor(t, "the Wait state to wait", func() bool { return clk.Pending() > 0 })
	describe := func() *sfn.DescribeExecutionOutput {
		d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: start.ExecutionArn})
		if err != nil {
			t.Fatalf("DescribeExecution: %v", err)
		}
		return d
	}
	armed := clk.Pending()
	clk.Advance(asl.MaxExecutionTime - time.Second)
	if clk.Pending() < armed {
		t.Fatal("a timer fired a second before the year was up")
	}
	if d := describe(); d.Status != types.ExecutionStatusRunning {
		t.Fatalf("a second before the year the execution is %s, want RUNNING", d.Status)
	}
	clk.Advance(time.Second)
	var d *sfn.DescribeExecutionOutput
	waitFor(t, "the execution to end", func() bool { d = describe(); return d.Status != types.ExecutionStatusRunning })
	if d.Status != types.ExecutionStatusTimedOut || d.StopDate.Sub(*d.StartDate) != asl.MaxExecutionTime {
		t.Errorf("execution ended %s after %v, want TIMED_OUT after %v", d.Status, d.StopDate.Sub(*d.StartDate), asl.MaxExecutionTime)
	}
	h, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: start.ExecutionArn, ReverseOrder: true, MaxResults: 1})
	if err != nil {
		t.Fatalf("GetExecutionHistory: %v", err)
	}
	if len(h.Events) != 1 || h.Events[0].Type != types.HistoryEventTypeExecutionTimedOut ||
		h.Events[0].ExecutionTimedOutEventDetails == nil || aws.ToString(h.Events[0].ExecutionTimedOutEventDetails.Error) != "States.Timeout" {
		t.Errorf("last event = %+v, want ExecutionTimedOut with States.Timeout", h.Events)
	}
}
