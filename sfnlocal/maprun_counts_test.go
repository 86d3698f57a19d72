package sfnlocal

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions/internal/asl"
)

// gatedTask registers resource as a task that, in phase "fail", fails with
// Item.Odd for odd numbers, and otherwise answers its input once a value
// arrives on the returned channel; entered receives each input as the task
// starts.
type gatedTask struct {
	fail    chan bool // holds the phase: true while odd numbers fail
	release chan struct{}
	entered chan string
}

func registerGated(srv *Server, resource string) *gatedTask {
	g := &gatedTask{fail: make(chan bool, 1), release: make(chan struct{}), entered: make(chan string, 16)}
	g.fail <- false
	srv.RegisterTask(resource, func(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
		failing := <-g.fail
		g.fail <- failing
		var n int
		_ = json.Unmarshal(in, &n)
		if failing && n%2 == 1 {
			return nil, &TaskError{Name: "Item.Odd", Cause: fmt.Sprintf("item %d is odd", n)}
		}
		g.entered <- string(in)
		select {
		case <-g.release:
			return in, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	})
	return g
}

func (g *gatedTask) setFailing(v bool) {
	<-g.fail
	g.fail <- v
}

// waitEntered waits until the task has started with input want.
func (g *gatedTask) waitEntered(t *testing.T, want string) {
	t.Helper()
	select {
	case got := <-g.entered:
		if got != want {
			t.Fatalf("the task started with %s, want %s", got, want)
		}
	case <-time.After(hangGuard):
		t.Fatalf("the task did not start with %s within %v", want, hangGuard)
	}
}

// describeMapRunOf answers the one Map Run of execution run.
func describeMapRunOf(t *testing.T, c *sfn.Client, run string) *sfn.DescribeMapRunOutput {
	t.Helper()
	ctx := context.Background()
	runs, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: &run})
	if err != nil || len(runs.MapRuns) != 1 {
		t.Fatalf("ListMapRuns(%s) = %+v, %v; want one Map Run", run, runs, err)
	}
	d, err := c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: runs.MapRuns[0].MapRunArn})
	if err != nil {
		t.Fatalf("DescribeMapRun: %v", err)
	}
	return d
}

// countsOf renders execution or item counts for comparison.
func countsOf(pending, running, succeeded, failed, aborted, pendingRedrive, total int64) string {
	return fmt.Sprintf("pending %d running %d succeeded %d failed %d aborted %d pendingRedrive %d total %d",
		pending, running, succeeded, failed, aborted, pendingRedrive, total)
}

func executionCounts(c *types.MapRunExecutionCounts) string {
	return countsOf(c.Pending, c.Running, c.Succeeded, c.Failed, c.Aborted, aws.ToInt64(c.PendingRedrive), c.Total)
}

func itemCounts(c *types.MapRunItemCounts) string {
	return countsOf(c.Pending, c.Running, c.Succeeded, c.Failed, c.Aborted, aws.ToInt64(c.PendingRedrive), c.Total)
}

// oneAtATimeDef is a Distributed Map over $.xs that runs one Standard child
// workflow at a time, tolerating one failure.
const oneAtATimeDef = `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs","Label":"items","MaxConcurrency":1,
	"ToleratedFailureCount":1,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
	"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::demo:gated","End":true}}},"End":true}}}`

// startGated starts a server with a gatedTask registered for
// arn:aws:states:::demo:gated and creates oneAtATimeDef as the Standard
// state machine name; it returns them with a client and the machine's ARN.
func startGated(t *testing.T, name string) (*Server, *sfn.Client, *gatedTask, string) {
	t.Helper()
	srv, c := startServer(t)
	g := registerGated(srv, "arn:aws:states:::demo:gated")
	return srv, c, g, createMachine(t, c, name, oneAtATimeDef, types.StateMachineTypeStandard)
}

// TestMapRunCountsPendingAndRunning checks DescribeMapRun and
// ListExecutions(mapRunArn) while a Map Run runs one child of three at a
// time: the child that started is running and listed without a stop date,
// the two that have not started are pending, and not listed.
func TestMapRunCountsPendingAndRunning(t *testing.T) {
	ctx := context.Background()
	_, c, g, machine := startGated(t, "counts")
	run := startWith(t, c, machine, `{"xs":[2,4,6]}`)
	g.waitEntered(t, "2")

	d := describeMapRunOf(t, c, run)
	if got, want := executionCounts(d.ExecutionCounts), countsOf(2, 1, 0, 0, 0, 0, 3); got != want {
		t.Errorf("execution counts while the first child runs = %s, want %s", got, want)
	}
	if got, want := itemCounts(d.ItemCounts), countsOf(2, 1, 0, 0, 0, 0, 3); got != want {
		t.Errorf("item counts while the first child runs = %s, want %s", got, want)
	}
	children, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: d.MapRunArn})
	if err != nil || len(children.Executions) != 1 || children.Executions[0].Status != types.ExecutionStatusRunning ||
		children.Executions[0].StopDate != nil || children.Executions[0].StartDate == nil {
		t.Fatalf("ListExecutions(mapRunArn) while the first child runs = %+v, %v; want one RUNNING child, started, not stopped", children, err)
	}

	close(g.release)
	if e := waitDone(t, c, run); e.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("execution = %s, want SUCCEEDED", e.Status)
	}
	d = describeMapRunOf(t, c, run)
	if got, want := executionCounts(d.ExecutionCounts), countsOf(0, 0, 3, 0, 0, 0, 3); got != want {
		t.Errorf("execution counts at the end = %s, want %s", got, want)
	}
	if children, err = c.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: d.MapRunArn}); err != nil || len(children.Executions) != 3 {
		t.Errorf("ListExecutions(mapRunArn) at the end = %+v, %v; want 3 children", children, err)
	}
}

// TestMapRunRedriveCountsPendingRedrive fails two of three children (the
// third never starts), then redrives the execution while the first child
// redriven runs: it counts as running, the second failed one as waiting to
// be redriven, and the one never started as pending.
func TestMapRunRedriveCountsPendingRedrive(t *testing.T) {
	ctx := context.Background()
	_, c, g, machine := startGated(t, "redrive-counts")
	g.setFailing(true)
	run := startFailed(t, c, machine, `{"xs":[1,3,5]}`, "States.ExceedToleratedFailureThreshold")
	if got, want := executionCounts(describeMapRunOf(t, c, run).ExecutionCounts), countsOf(0, 0, 0, 2, 1, 0, 3); got != want {
		t.Fatalf("execution counts after the first run = %s, want %s (the unstarted child aborted)", got, want)
	}

	g.setFailing(false)
	if _, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &run}); err != nil {
		t.Fatalf("RedriveExecution: %v", err)
	}
	g.waitEntered(t, "1")
	d := describeMapRunOf(t, c, run)
	if got, want := executionCounts(d.ExecutionCounts), countsOf(1, 1, 0, 0, 0, 1, 3); got != want {
		t.Errorf("execution counts while the redrive runs its first child = %s, want %s", got, want)
	}
	close(g.release)
	if e := waitDone(t, c, run); e.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("execution after the redrive = %s, want SUCCEEDED", e.Status)
	}
	if got, want := executionCounts(describeMapRunOf(t, c, run).ExecutionCounts), countsOf(0, 0, 3, 0, 0, 0, 3); got != want {
		t.Errorf("execution counts after the redrive = %s, want %s", got, want)
	}
}

// TestMapRunRedriveLimit redrives a Map Run already redriven 999 times: the
// 1,000th redrive runs it, the 1,001st fails the Map state with
// States.Runtime, as AWS's hard limit of 1,000 redrives of a Map Run does,
// and leaves the Map Run as it was.
func TestMapRunRedriveLimit(t *testing.T) {
	ctx := context.Background()
	srv, c, g, machine := startGated(t, "redrive-limit")
	g.setFailing(true)
	close(g.release)
	run := startFailed(t, c, machine, `{"xs":[1,3]}`, "States.ExceedToleratedFailureThreshold")
	mapRun := aws.ToString(describeMapRunOf(t, c, run).MapRunArn)
	srv.mu.Lock()
	srv.mapRuns[mapRun].redriveCount = asl.MaxMapRunRedrives - 1 // as if redriven 999 times
	srv.mu.Unlock()

	if _, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &run}); err != nil {
		t.Fatalf("RedriveExecution (the 1,000th of the Map Run): %v", err)
	}
	if d := waitDone(t, c, run); d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "States.ExceedToleratedFailureThreshold" {
		t.Fatalf("after the 1,000th redrive = %s %s, want FAILED States.ExceedToleratedFailureThreshold", d.Status, aws.ToString(d.Error))
	}
	if n := aws.ToInt32(describeMapRunOf(t, c, run).RedriveCount); n != asl.MaxMapRunRedrives {
		t.Fatalf("Map Run redriveCount after the 1,000th redrive = %d, want %d", n, asl.MaxMapRunRedrives)
	}

	if _, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &run}); err != nil {
		t.Fatalf("RedriveExecution (the 1,001st of the Map Run): %v", err)
	}
	d := waitDone(t, c, run)
	if d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "States.Runtime" ||
		!strings.Contains(aws.ToString(d.Cause), mapRun) || !strings.Contains(aws.ToString(d.Cause), "1000 times") {
		t.Errorf("after the 1,001st redrive = %s %s (%s), want FAILED States.Runtime naming the Map Run and its 1000 redrives",
			d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	mr := describeMapRunOf(t, c, run)
	if aws.ToInt32(mr.RedriveCount) != asl.MaxMapRunRedrives || mr.Status != types.MapRunStatusFailed {
		t.Errorf("Map Run after the refused redrive = %s, redriveCount %d; want FAILED, %d", mr.Status, aws.ToInt32(mr.RedriveCount), asl.MaxMapRunRedrives)
	}
	redriven := 0
	for _, e := range history(t, c, run) {
		if e.Type == types.HistoryEventTypeMapRunRedriven {
			redriven++
		}
	}
	if redriven != 1 {
		t.Errorf("history has %d MapRunRedriven events, want 1 (the refused redrive adds none)", redriven)
	}
}
