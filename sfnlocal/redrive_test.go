package sfnlocal

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// callLog records the inputs a registered task was called with.
type callLog struct {
	mu    sync.Mutex
	calls []string
}

func (l *callLog) add(in json.RawMessage) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, string(in))
}

// take returns the calls so far, sorted, and forgets them.
func (l *callLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := slices.Sorted(slices.Values(l.calls))
	l.calls = nil
	return out
}

// tensTask answers ten times its number input and, until healthy is set,
// fails with Item.Odd for odd numbers; log has the inputs it was called
// with.
type tensTask struct {
	healthy atomic.Bool
	log     callLog
}

// startTens starts a server with a tensTask registered for
// arn:aws:states:::demo:tens and returns them with a client.
func startTens(t *testing.T) (*Server, *sfn.Client, *tensTask) {
	t.Helper()
	srv, c := startServer(t)
	tens := &tensTask{}
	srv.RegisterTask("arn:aws:states:::demo:tens", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		tens.log.add(in)
		var n int
		if err := json.Unmarshal(in, &n); err != nil {
			return nil, err
		}
		if n%2 == 1 && !tens.healthy.Load() {
			return nil, &TaskError{Name: "Item.Odd", Cause: fmt.Sprintf("item %d is odd", n)}
		}
		return json.RawMessage(fmt.Sprint(n * 10)), nil
	})
	return srv, c, tens
}

// startFailed starts an execution of machine on input and waits until it has
// failed with wantError.
func startFailed(t *testing.T, c *sfn.Client, machine, input, wantError string) string {
	t.Helper()
	out, err := c.StartExecution(context.Background(), &sfn.StartExecutionInput{StateMachineArn: &machine, Input: &input})
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	run := aws.ToString(out.ExecutionArn)
	if d := waitDone(t, c, run); d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != wantError {
		t.Fatalf("first run = %s %q (%q), want FAILED %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause), wantError)
	}
	return run
}

// redrive redrives run and waits until it has ended.
func redrive(t *testing.T, c *sfn.Client, run string) *sfn.DescribeExecutionOutput {
	t.Helper()
	if _, err := c.RedriveExecution(context.Background(), &sfn.RedriveExecutionInput{ExecutionArn: &run}); err != nil {
		t.Fatalf("RedriveExecution: %v", err)
	}
	return waitDone(t, c, run)
}

// TestRedriveDistributedMapRedrivesItsMapRun fails a Distributed Map whose
// Map Run tolerates one failure and runs one child at a time: items 0 and 2
// succeed, 1 and 3 fail (the second failure fails the Map Run), 4 and 5 never
// start. The redrive must redrive the same Map Run and run the children of
// items 1, 3, 4 and 5 only, keeping the results of 0 and 2.
func TestRedriveDistributedMapRedrivesItsMapRun(t *testing.T) {
	ctx := context.Background()
	_, c, tens := startTens(t)
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs","Label":"items","MaxConcurrency":1,"ToleratedFailureCount":1,
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"T","States":{
			"T":{"Type":"Task","Resource":"arn:aws:states:::demo:tens","End":true}}},"End":true}}}`
	machine := createMachine(t, c, "dm-redrive", def, types.StateMachineTypeStandard)
	run := startFailed(t, c, machine, `{"xs":[0,1,2,3,4,5]}`, "States.ExceedToleratedFailureThreshold")
	if got, want := tens.log.take(), []string{"0", "1", "2", "3"}; !slices.Equal(got, want) {
		t.Fatalf("first run called the task with %v, want %v", got, want)
	}
	runs, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: &run})
	if err != nil || len(runs.MapRuns) != 1 {
		t.Fatalf("ListMapRuns after the first run = %+v, %v; want one Map Run", runs, err)
	}
	mapRun := aws.ToString(runs.MapRuns[0].MapRunArn)
	if d, err := c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: &mapRun}); err != nil ||
		d.Status != types.MapRunStatusFailed || d.RedriveCount == nil || *d.RedriveCount != 0 || d.RedriveDate != nil ||
		d.ExecutionCounts.Succeeded != 2 || d.ExecutionCounts.Failed != 2 {
		t.Fatalf("DescribeMapRun after the first run = %+v, %v; want FAILED, not redriven, 2 succeeded and 2 failed", d, err)
	}

	tens.healthy.Store(true)
	d := redrive(t, c, run)
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `[0,10,20,30,40,50]` {
		t.Errorf("after the redrive = %s %s, want SUCCEEDED [0,10,20,30,40,50]", d.Status, aws.ToString(d.Output))
	}
	if got, want := tens.log.take(), []string{"1", "3", "4", "5"}; !slices.Equal(got, want) {
		t.Errorf("the redrive called the task with %v, want %v (the failed and unstarted items only)", got, want)
	}

	runs, err = c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: &run})
	if err != nil || len(runs.MapRuns) != 1 || aws.ToString(runs.MapRuns[0].MapRunArn) != mapRun {
		t.Fatalf("ListMapRuns after the redrive = %+v, %v; want the same single Map Run %s", runs, err, mapRun)
	}
	mr, err := c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: &mapRun})
	if err != nil {
		t.Fatalf("DescribeMapRun: %v", err)
	}
	ec := mr.ExecutionCounts
	if mr.Status != types.MapRunStatusSucceeded || aws.ToInt32(mr.RedriveCount) != 1 || mr.RedriveDate == nil ||
		mr.RedriveDate.Before(*mr.StartDate) || ec.Total != 6 || ec.Succeeded != 6 || ec.Failed != 0 || ec.Aborted != 0 ||
		aws.ToInt64(ec.PendingRedrive) != 0 || mr.ItemCounts.Succeeded != 6 {
		t.Errorf("DescribeMapRun after the redrive = status %s, redriveCount %d, redriveDate %v (start %v), executions %+v, items %+v; "+
			"want SUCCEEDED, redriven once after its start, all 6 succeeded", mr.Status, aws.ToInt32(mr.RedriveCount), mr.RedriveDate,
			mr.StartDate, ec, mr.ItemCounts)
	}

	children, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: &mapRun})
	if err != nil || len(children.Executions) != 6 {
		t.Fatalf("ListExecutions(mapRunArn) = %+v, %v; want 6 child workflows", children, err)
	}
	redriven := 0
	for _, e := range children.Executions {
		if e.Status != types.ExecutionStatusSucceeded {
			t.Errorf("child %s is %s, want SUCCEEDED", aws.ToString(e.ExecutionArn), e.Status)
		}
		redriven += int(aws.ToInt32(e.RedriveCount))
	}
	if redriven != 2 {
		t.Errorf("child workflows redriven %d times in all, want 2 (the two that failed; the unstarted ones started)", redriven)
	}
	for filter, want := range map[types.ExecutionRedriveFilter]int{types.ExecutionRedriveFilterRedriven: 2, types.ExecutionRedriveFilterNotRedriven: 4} {
		if l, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: &mapRun, RedriveFilter: filter}); err != nil || len(l.Executions) != want {
			t.Errorf("ListExecutions(mapRunArn, %s) = %+v, %v; want %d child workflows", filter, l, err, want)
		}
	}

	var seen []string
	for _, e := range history(t, c, run) {
		seen = append(seen, string(e.Type))
		if e.Type == types.HistoryEventTypeMapRunRedriven {
			if det := e.MapRunRedrivenEventDetails; det == nil || aws.ToString(det.MapRunArn) != mapRun || aws.ToInt32(det.RedriveCount) != 1 {
				t.Errorf("MapRunRedriven details = %+v, want mapRunArn %s, redriveCount 1", det, mapRun)
			}
		}
	}
	got := strings.Join(seen, " ")
	if strings.Count(got, "MapRunStarted") != 1 ||
		!strings.Contains(got, "ExecutionRedriven MapStateEntered MapStateStarted MapRunRedriven MapRunSucceeded MapStateSucceeded") {
		t.Errorf("history = %s; want one MapRunStarted, and MapRunRedriven after ExecutionRedriven", got)
	}
}

// TestRedriveInlineMapRunsFailedIterationsOnly fails an inline Map, one
// iteration at a time, at item 1: item 0 succeeded and 2 and 3 never
// started. The redrive must run items 1, 2 and 3 only.
func TestRedriveInlineMapRunsFailedIterationsOnly(t *testing.T) {
	_, c, tens := startTens(t)
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs","MaxConcurrency":1,"End":true,
		"ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"T","States":{
			"T":{"Type":"Task","Resource":"arn:aws:states:::demo:tens","End":true}}}}}}`
	machine := createMachine(t, c, "map-redrive", def, types.StateMachineTypeStandard)
	run := startFailed(t, c, machine, `{"xs":[0,1,2,3]}`, "Item.Odd")
	if got, want := tens.log.take(), []string{"0", "1"}; !slices.Equal(got, want) {
		t.Fatalf("first run called the task with %v, want %v", got, want)
	}
	tens.healthy.Store(true)
	d := redrive(t, c, run)
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `[0,10,20,30]` {
		t.Errorf("after the redrive = %s %s, want SUCCEEDED [0,10,20,30]", d.Status, aws.ToString(d.Output))
	}
	if got, want := tens.log.take(), []string{"1", "2", "3"}; !slices.Equal(got, want) {
		t.Errorf("the redrive called the task with %v, want %v (the failed and unstarted iterations only)", got, want)
	}
}

// TestRedriveParallelRunsFailedBranchesOnly fails one of three Parallel
// branches at its second state, once the other two have ended. The redrive
// must run only that branch, from the state it failed in.
func TestRedriveParallelRunsFailedBranchesOnly(t *testing.T) {
	ctx := context.Background()
	srv, c := startServer(t)
	var healthy atomic.Bool
	var log callLog
	srv.RegisterTask("arn:aws:states:::demo:echo", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		log.add(in)
		return in, nil
	})
	const run = "arn:aws:states:us-east-1:123456789012:execution:par-redrive:first"
	srv.RegisterTask("arn:aws:states:::demo:flaky", func(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
		log.add(in)
		if healthy.Load() {
			return json.RawMessage(`"fixed"`), nil
		}
		// Fail only once the other branches have ended, so that they
		// succeeded before the failure cancels them.
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			h, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(run), MaxResults: 1000})
			if err != nil {
				return nil, err
			}
			exited := 0
			for _, e := range h.Events {
				if det := e.StateExitedEventDetails; det != nil && (aws.ToString(det.Name) == "A" || aws.ToString(det.Name) == "C") {
					exited++
				}
			}
			if exited == 2 {
				break
			}
		}
		return nil, &TaskError{Name: "Flaky.Down", Cause: "not yet"}
	})
	def := `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::demo:echo","Parameters":{"k":"a"},"End":true}}},
		{"StartAt":"Prep","States":{
			"Prep":{"Type":"Task","Resource":"arn:aws:states:::demo:echo","Parameters":{"k":"prep"},"Next":"Flaky"},
			"Flaky":{"Type":"Task","Resource":"arn:aws:states:::demo:flaky","Parameters":{"k":"flaky"},"End":true}}},
		{"StartAt":"C","States":{"C":{"Type":"Task","Resource":"arn:aws:states:::demo:echo","Parameters":{"k":"c"},"End":true}}}]}}}`
	machine := createMachine(t, c, "par-redrive", def, types.StateMachineTypeStandard)
	if _, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &machine, Name: aws.String("first")}); err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	if d := waitDone(t, c, run); d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "Flaky.Down" {
		t.Fatalf("first run = %s %q, want FAILED Flaky.Down", d.Status, aws.ToString(d.Error))
	}
	if got, want := log.take(), []string{`{"k":"a"}`, `{"k":"c"}`, `{"k":"flaky"}`, `{"k":"prep"}`}; !slices.Equal(got, want) {
		t.Fatalf("first run called the tasks with %v, want %v", got, want)
	}
	healthy.Store(true)
	d := redrive(t, c, run)
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `[{"k":"a"},"fixed",{"k":"c"}]` {
		t.Errorf("after the redrive = %s %s, want SUCCEEDED [{\"k\":\"a\"},\"fixed\",{\"k\":\"c\"}]", d.Status, aws.ToString(d.Output))
	}
	if got, want := log.take(), []string{`{"k":"flaky"}`}; !slices.Equal(got, want) {
		t.Errorf("the redrive called the tasks with %v, want %v (the failed branch, from its failed state)", got, want)
	}
}

// TestRedriveMapRunWithResultWriter: a Map Run that failed (so wrote no
// results) and is redriven writes every child's result once it succeeds:
// those of the children that succeeded the first time, kept, and those of
// the children the redrive ran.
func TestRedriveMapRunWithResultWriter(t *testing.T) {
	ctx := context.Background()
	srv, c, tens := startTens(t)
	bucket := &s3Objects{objects: map[string]string{}}
	bucket.register(srv)
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs","MaxConcurrency":1,
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"T","States":{
			"T":{"Type":"Task","Resource":"arn:aws:states:::demo:tens","End":true}}},
		"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":"r"}},"End":true}}}`
	machine := createMachine(t, c, "dm-redrive-writer", def, types.StateMachineTypeStandard)
	run := startFailed(t, c, machine, `{"xs":[0,1,2]}`, "States.ExceedToleratedFailureThreshold")
	if got := tens.log.take(); !slices.Equal(got, []string{"0", "1"}) {
		t.Fatalf("first run called the task with %v, want [0 1]", got)
	}
	tens.healthy.Store(true)
	if d := redrive(t, c, run); d.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("after the redrive = %s %s, want SUCCEEDED", d.Status, aws.ToString(d.Cause))
	}
	if got := tens.log.take(); !slices.Equal(got, []string{"1", "2"}) {
		t.Errorf("the redrive called the task with %v, want [1 2]", got)
	}
	runs, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: &run})
	if err != nil || len(runs.MapRuns) != 1 {
		t.Fatalf("ListMapRuns = %+v, %v; want one Map Run", runs, err)
	}
	mapRun := aws.ToString(runs.MapRuns[0].MapRunArn)
	dir := "out/r/" + mapRun[strings.LastIndexByte(mapRun, ':')+1:] + "/"
	var succeeded []struct{ Input, Output string }
	if err := json.Unmarshal([]byte(bucket.get(dir+"SUCCEEDED_0.json")), &succeeded); err != nil {
		t.Fatalf("SUCCEEDED_0.json = %q: %v", bucket.get(dir+"SUCCEEDED_0.json"), err)
	}
	var outputs []string
	for _, e := range succeeded {
		outputs = append(outputs, e.Output)
	}
	slices.Sort(outputs)
	if want := []string{"0", "10", "20"}; !slices.Equal(outputs, want) {
		t.Errorf("SUCCEEDED_0.json outputs = %v, want %v (the kept child's and the redriven ones')", outputs, want)
	}
	if failed := bucket.get(dir + "FAILED_0.json"); failed != "" && failed != "[]" {
		t.Errorf("FAILED_0.json = %q, want no failed entry after the redrive", failed)
	}
}

// TestRedriveWhileStoppedRunUnwinds redrives an execution that
// StopExecution has marked ABORTED while its run is still unwinding (its
// task function ignores the cancelled context). A redrive then must not
// start a second run beside the first: the first's end would be recorded
// over the second's, leaving an execution that succeeded ABORTED with
// ExecutionAborted after ExecutionSucceeded in its history. Once the run
// has unwound, the redrive goes ahead.
func TestRedriveWhileStoppedRunUnwinds(t *testing.T) {
	ctx := context.Background()
	srv, c := startServer(t, withCompiler(fakeCompiler))
	const resource = "arn:aws:states:::slow:unwind"
	var calls atomic.Int32
	entered, release := make(chan struct{}), make(chan struct{})
	srv.RegisterTask(resource, func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		switch calls.Add(1) {
		case 1:
			return nil, &TaskError{Name: "Flaky", Cause: "first run"}
		case 2: // the first redrive: stopped while here, it ignores its context
			close(entered)
			<-release
		}
		return in, nil
	})
	arn := createMachine(t, c, "unwinding", fakeDef(fakeDefinition{Fake: "task", Resource: resource}), "")
	exArn := startWith(t, c, arn, `{"n":1}`)
	if d := waitDone(t, c, exArn); d.Status != types.ExecutionStatusFailed {
		t.Fatalf("first run ended %s, want FAILED", d.Status)
	}
	if _, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &exArn}); err != nil {
		t.Fatalf("first RedriveExecution: %v", err)
	}
	<-entered
	stopped := make(chan error, 1)
	go func() {
		_, err := c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: &exArn})
		stopped <- err
	}()
	waitFor(t, "the execution to be ABORTED", func() bool {
		return describe(t, c, exArn).Status == types.ExecutionStatusAborted
	})
	_, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &exArn})
	if err == nil {
		waitFor(t, "the second redrive to end", func() bool {
			return describe(t, c, exArn).Status != types.ExecutionStatusRunning
		})
	}
	close(release)
	if err := <-stopped; err != nil {
		t.Fatalf("StopExecution: %v", err)
	}
	if err == nil {
		t.Fatalf("RedriveExecution while the stopped run unwinds succeeded; status after both runs ended: %s", waitDone(t, c, exArn).Status)
	}
	assertAPIError(t, err, "ExecutionNotRedrivable", "stopping")

	if _, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &exArn}); err != nil {
		t.Fatalf("RedriveExecution once the run unwound: %v", err)
	}
	if d := waitDone(t, c, exArn); d.Status != types.ExecutionStatusSucceeded || aws.ToInt32(d.RedriveCount) != 2 {
		t.Errorf("after the second redrive: status %s, redriveCount %d; want SUCCEEDED, 2", d.Status, aws.ToInt32(d.RedriveCount))
	}
	hist, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: &exArn})
	if err != nil {
		t.Fatal(err)
	}
	var ends []string
	for _, e := range hist.Events {
		switch e.Type {
		case types.HistoryEventTypeExecutionFailed, types.HistoryEventTypeExecutionAborted, types.HistoryEventTypeExecutionSucceeded:
			ends = append(ends, string(e.Type))
		}
	}
	if want := "[ExecutionFailed ExecutionAborted ExecutionSucceeded]"; fmt.Sprint(ends) != want {
		t.Errorf("ends in the history = %v, want %s", ends, want)
	}
}

// TestRedriveHistoryFull checks the API reference's redrive condition that
// "the execution event history count is less than 24,999": an execution
// that failed for reaching the 25,000-event limit (a runaway loop) is
// NOT_REDRIVABLE, and RedriveExecution refuses it, rather than appending
// ExecutionRedriven and another ExecutionFailed past the limit with every
// redrive.
func TestRedriveHistoryFull(t *testing.T) {
	ctx := context.Background()
	srv, c := startServer(t)
	arn := createMachine(t, c, "runaway", `{"StartAt":"Loop","States":{
		"Loop":{"Type":"Choice","Choices":[{"Variable":"$.done","IsPresent":true,"Next":"Done"}],"Default":"Loop"},
		"Done":{"Type":"Succeed"}}}`, "")
	exArn := startWith(t, c, arn, `{}`)
	waitEnded(t, srv, exArn) // 25,000 events: seconds of CPU under -race on a loaded machine
	d := describe(t, c, exArn)
	if d.Status != types.ExecutionStatusFailed || !strings.Contains(aws.ToString(d.Cause), "maximum number of history events") {
		t.Fatalf("runaway loop ended %s (%s), want FAILED at the history limit", d.Status, aws.ToString(d.Cause))
	}
	if d.RedriveStatus != types.ExecutionRedriveStatusNotRedrivable || !strings.Contains(aws.ToString(d.RedriveStatusReason), "24999") {
		t.Errorf("redriveStatus = %s (%q), want NOT_REDRIVABLE naming the 24999 events", d.RedriveStatus, aws.ToString(d.RedriveStatusReason))
	}
	_, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &exArn})
	assertAPIError(t, err, "ExecutionNotRedrivable", "24999")
	last, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: &exArn, ReverseOrder: true, MaxResults: 1})
	if err != nil {
		t.Fatal(err)
	}
	if e := last.Events[0]; e.Id != 25000 || e.Type != types.HistoryEventTypeExecutionFailed {
		t.Errorf("last event = %d %s, want 25000 ExecutionFailed", e.Id, e.Type)
	}
}

// TestRedriveClientTokenExpires checks RedriveExecution's clientToken as the
// API reference gives it: a repeat with the token answers the redrive it
// made (its own redriveDate), for up to 15 minutes after the token was
// first used; later the token is free again, and a redrive with it redrives
// the execution once more.
func TestRedriveClientTokenExpires(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testStart)
	srv, c := startServer(t, withCompiler(fakeCompiler), WithClock(clk))
	const resource = "arn:aws:states:::always:fails"
	srv.RegisterTask(resource, func(context.Context, json.RawMessage) (json.RawMessage, error) {
		return nil, &TaskError{Name: "Down", Cause: "still down"}
	})
	arn := createMachine(t, c, "down", fakeDef(fakeDefinition{Fake: "task", Resource: resource}), "")
	exArn := startWith(t, c, arn, `{}`)
	waitDone(t, c, exArn)
	redrive := func(token string) *sfn.RedriveExecutionOutput {
		t.Helper()
		out, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &exArn, ClientToken: aws.String(token)})
		if err != nil {
			t.Fatalf("RedriveExecution(%s): %v", token, err)
		}
		waitDone(t, c, exArn)
		return out
	}
	clk.Advance(time.Minute)
	a := redrive("token-a")
	clk.Advance(time.Minute)
	b := redrive("token-b")
	if again := redrive("token-a"); !again.RedriveDate.Equal(*a.RedriveDate) {
		t.Errorf("repeat of token-a = redriveDate %v, want its own %v (not token-b's %v)", again.RedriveDate, a.RedriveDate, b.RedriveDate)
	}
	if got := aws.ToInt32(describe(t, c, exArn).RedriveCount); got != 2 {
		t.Fatalf("redriveCount after a repeated token = %d, want 2", got)
	}
	clk.Advance(16 * time.Minute)
	late := redrive("token-a")
	if late.RedriveDate.Equal(*a.RedriveDate) || aws.ToInt32(describe(t, c, exArn).RedriveCount) != 3 {
		t.Errorf("token-a 18 minutes after its first use = redriveDate %v, redriveCount %d; want a new redrive, 3",
			late.RedriveDate, aws.ToInt32(describe(t, c, exArn).RedriveCount))
	}
}

// TestRedriveClientTokenPattern checks that RedriveExecution refuses a
// clientToken outside the API model's pattern [!-~]+ (printable ASCII
// without the space) with ValidationException before it looks the execution
// up, and takes one inside it.
func TestRedriveClientTokenPattern(t *testing.T) {
	srv := New(withCompiler(fakeCompiler))
	t.Cleanup(func() { _ = srv.Close() })
	const body = `{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:m:e","clientToken":%s}`
	for _, tt := range []struct {
		token string
		bad   bool
	}{{"two words", true}, {"tab\tin", true}, {"caf\u00e9", true}, {"del\x7f", true}, {"!ok-~{token}", false}} {
		token, _ := json.Marshal(tt.token)
		rec := httptestPost(srv, "RedriveExecution", fmt.Sprintf(body, token))
		refused := strings.Contains(rec.Body.String(), `#ValidationException"`) &&
			strings.Contains(rec.Body.String(), "at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [!-~]+")
		if refused != tt.bad {
			t.Errorf("RedriveExecution(clientToken %q) = %d %s, want refused %v", tt.token, rec.Code, rec.Body, tt.bad)
		}
	}
}
