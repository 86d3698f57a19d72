package sfnlocal

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions/internal/testkit"
)

func TestActivityCRUD(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t, WithClock(NewManualClock(testStart)))
	a, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("approve")})
	if err != nil {
		t.Fatalf("CreateActivity: %v", err)
	}
	const want = "arn:aws:states:us-east-1:123456789012:activity:approve"
	if aws.ToString(a.ActivityArn) != want || !a.CreationDate.Equal(testStart) {
		t.Errorf("CreateActivity = %s %v, want %s %v", aws.ToString(a.ActivityArn), a.CreationDate, want, testStart)
	}
	again, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("approve")})
	if err != nil || aws.ToString(again.ActivityArn) != want {
		t.Errorf("CreateActivity again = %v, %v; want the same activity (idempotent)", again, err)
	}
	if _, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("ship")}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: aws.String(want)})
	if err != nil || aws.ToString(d.Name) != "approve" || aws.ToString(d.ActivityArn) != want {
		t.Errorf("DescribeActivity = %+v, %v", d, err)
	}
	var names []string
	p := sfn.NewListActivitiesPaginator(c, &sfn.ListActivitiesInput{MaxResults: 1})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListActivities: %v", err)
		}
		pages++
		for _, a := range page.Activities {
			names = append(names, aws.ToString(a.Name))
		}
	}
	if !slices.Equal(names, []string{"approve", "ship"}) || pages < 2 {
		t.Errorf("ListActivities pages of 1 = %v in %d pages, want [approve ship] in 2", names, pages)
	}
	if _, err := c.DeleteActivity(ctx, &sfn.DeleteActivityInput{ActivityArn: aws.String(want)}); err != nil {
		t.Fatalf("DeleteActivity: %v", err)
	}
	checkErrorCodes(t, []errorCase{
		{"describe deleted", func() error {
			return errOf(c.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: aws.String(want)}))
		}, "ActivityDoesNotExist"},
		{"poll deleted", func() error {
			return errOf(c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(want)}))
		}, "ActivityDoesNotExist"},
		{"describe a state machine ARN", func() error {
			return errOf(c.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: aws.String("arn:aws:states:us-east-1:123456789012:stateMachine:x")}))
		}, "InvalidArn"},
		{"delete garbage", func() error {
			return errOf(c.DeleteActivity(ctx, &sfn.DeleteActivityInput{ActivityArn: aws.String("approve")}))
		}, "InvalidArn"},
		{"bad name", func() error {
			return errOf(c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("a b")}))
		}, "InvalidName"},
		{"worker name too long", func() error {
			return errOf(c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(want), WorkerName: aws.String(string(make([]byte, 81)))}))
		}, "ValidationException"},
	})
}

// activityDef runs the activity approve; TIMEOUTS is replaced by the state's
// timeout fields.
const activityDef = `{"StartAt":"Approve","States":{"Approve":{"Type":"Task",
	"Resource":"arn:aws:states:us-east-1:123456789012:activity:approve", TIMEOUTS "End":true}}}`

func activityServer(t *testing.T, timeouts string, opts ...Option) (*sfn.Client, string, string) {
	t.Helper()
	_, c := startServer(t, opts...)
	a, err := c.CreateActivity(context.Background(), &sfn.CreateActivityInput{Name: aws.String("approve")})
	if err != nil {
		t.Fatal(err)
	}
	def := strings.Replace(activityDef, "TIMEOUTS", timeouts, 1)
	return c, createMachine(t, c, "approval", def, ""), aws.ToString(a.ActivityArn)
}

func TestActivityRoundTrip(t *testing.T) {
	ctx := context.Background()
	c, arn, activity := activityServer(t, `"HeartbeatSeconds":60,`)
	run := start(t, c, arn)
	task, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: &activity, WorkerName: aws.String("worker-1")})
	if err != nil {
		t.Fatalf("GetActivityTask: %v", err)
	}
	if aws.ToString(task.TaskToken) == "" || aws.ToString(task.Input) != `{"order":7}` {
		t.Fatalf("GetActivityTask = %s %s, want a token and the state's input", aws.ToString(task.TaskToken), aws.ToString(task.Input))
	}
	if _, err := c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: task.TaskToken}); err != nil {
		t.Fatalf("SendTaskHeartbeat: %v", err)
	}
	if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"ok":1}`)}); err != nil {
		t.Fatalf("SendTaskSuccess: %v", err)
	}
	d := waitDone(t, c, run)
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"ok":1}` {
		t.Errorf("execution = %s %s, want SUCCEEDED with the worker's output", d.Status, aws.ToString(d.Output))
	}
	events := history(t, c, run)
	want := []string{"ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"}
	if got := eventTypes(events); !slices.Equal(got, want) {
		t.Errorf("history = %v, want %v", got, want)
	}
	for _, e := range events {
		if s := e.ActivityScheduledEventDetails; s != nil && (aws.ToString(s.Resource) != activity || aws.ToInt64(s.HeartbeatInSeconds) != 60) {
			t.Errorf("ActivityScheduled = %s heartbeat %d, want %s heartbeat 60", aws.ToString(s.Resource), aws.ToInt64(s.HeartbeatInSeconds), activity)
		}
		if s := e.ActivityStartedEventDetails; s != nil && aws.ToString(s.WorkerName) != "worker-1" {
			t.Errorf("ActivityStarted workerName = %q, want worker-1", aws.ToString(s.WorkerName))
		}
	}
}

func TestActivityFailureAndTimeout(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testStart)
	c, arn, activity := activityServer(t, `"TimeoutSeconds":100,`, WithClock(clk))
	failed := start(t, c, arn)
	task, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: &activity})
	if err != nil || task.TaskToken == nil {
		t.Fatalf("GetActivityTask = %v, %v", task, err)
	}
	if _, err := c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: task.TaskToken, Error: aws.String("Worker.Crashed")}); err != nil {
		t.Fatal(err)
	}
	if d := waitDone(t, c, failed); aws.ToString(d.Error) != "Worker.Crashed" {
		t.Errorf("failed execution error = %q, want Worker.Crashed", aws.ToString(d.Error))
	}
	if got := eventTypes(history(t, c, failed)); !slices.Contains(got, "ActivityFailed") {
		t.Errorf("history = %v, want ActivityFailed", got)
	}

	armed := clk.Pending()       // the first poll's timer is still there
	timedOut := start(t, c, arn) // no worker takes it
	waitFor(t, "the timeout timer", func() bool { return clk.Pending() > armed })
	clk.Advance(100 * time.Second)
	if d := waitDone(t, c, timedOut); d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "States.Timeout" {
		t.Errorf("unclaimed activity = %s %s, want FAILED States.Timeout", d.Status, aws.ToString(d.Error))
	}
	if got := eventTypes(history(t, c, timedOut)); !slices.Contains(got, "ActivityTimedOut") {
		t.Errorf("history = %v, want ActivityTimedOut", got)
	}
	// The timed-out task is no longer handed out.
	pollCtx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if task, err := c.GetActivityTask(pollCtx, &sfn.GetActivityTaskInput{ActivityArn: &activity}); err == nil && task.TaskToken != nil {
		t.Errorf("GetActivityTask handed out the timed-out task")
	}
}

func TestActivityScheduleFailed(t *testing.T) {
	_, c := startServer(t)
	arn := createMachine(t, c, "orphan", strings.Replace(activityDef, "TIMEOUTS", "", 1), "")
	d := waitDone(t, c, start(t, c, arn))
	if d.Status != types.ExecutionStatusFailed {
		t.Errorf("execution on a missing activity = %s, want FAILED", d.Status)
	}
	if got := eventTypes(history(t, c, *d.ExecutionArn)); !slices.Contains(got, "ActivityScheduleFailed") {
		t.Errorf("history = %v, want ActivityScheduleFailed", got)
	}
}

func TestGetActivityTaskLongPoll(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testStart)
	c, _, activity := activityServer(t, "", WithClock(clk))
	done := make(chan *sfn.GetActivityTaskOutput, 1)
	go func() {
		out, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: &activity})
		if err != nil {
			t.Errorf("GetActivityTask: %v", err)
		}
		done <- out
	}()
	waitFor(t, "the poll's timer", func() bool { return clk.Pending() > 0 })
	clk.Advance(59 * time.Second)
	if clk.Pending() == 0 {
		t.Fatal("the poll's timer fired before 60 seconds")
	}
	select {
	case <-done:
		t.Fatal("GetActivityTask answered before 60 seconds")
	default:
	}
	clk.Advance(time.Second)
	if out := receive(t, done); out == nil || out.TaskToken != nil {
		t.Errorf("GetActivityTask after 60 s = %+v, want no task", out)
	}

	// A poller that goes away stops waiting.
	pollCtx, cancel := context.WithCancel(ctx)
	errs := make(chan error, 1)
	go func() {
		_, err := c.GetActivityTask(pollCtx, &sfn.GetActivityTaskInput{ActivityArn: &activity})
		errs <- err
	}()
	waitFor(t, "the second poll's timer", func() bool { return clk.Pending() > 0 })
	cancel()
	if err := receive(t, errs); err == nil {
		t.Error("GetActivityTask with a cancelled context = nil error")
	}
	// The poll that ended stops its timer: a test's Pending does not count it.
	waitFor(t, "the cancelled poll's timer to be stopped", func() bool { return clk.Pending() == 0 })
}

func TestActivityLimits(t *testing.T) {
	ctx := context.Background()
	srv, c := startServer(t, WithThrottling("us-east-1"), WithClock(NewManualClock(testStart))) // no refill
	a, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("busy")})
	if err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	for i := len(srv.activities); i < maxActivities; i++ {
		arn := srv.activityARN(fmt.Sprintf("filler-%d", i))
		srv.activities[arn] = &activity{arn: arn, notify: make(chan struct{})}
	}
	srv.activities[aws.ToString(a.ActivityArn)].pollers = maxActivityPollers
	srv.mu.Unlock()
	_, err = c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("one-too-many")})
	if apiCode(err) != "ActivityLimitExceeded" {
		t.Errorf("CreateActivity beyond %d activities = %v, want ActivityLimitExceeded", maxActivities, err)
	}
	_, err = c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: a.ActivityArn})
	if apiCode(err) != "ActivityWorkerLimitExceeded" {
		t.Errorf("GetActivityTask beyond %d pollers = %v, want ActivityWorkerLimitExceeded", maxActivityPollers, err)
	}
	// CreateActivity's bucket holds 100 calls (sfnops); two were spent above.
	throttled := 0
	for range 99 {
		if _, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("busy")}); apiCode(err) == "ThrottlingException" {
			throttled++
		}
	}
	if throttled != 1 {
		t.Errorf("101 CreateActivity calls: %d throttled, want 1 (a bucket of 100)", throttled)
	}
}

// TestGetActivityTaskClientGoneIsNoFailure checks that a worker that gives
// up its GetActivityTask long poll (its own timeout, or its shutdown) is
// logged as a client that went away, at debug level, and not as an internal
// failure of the server at error level.
func TestGetActivityTaskClientGoneIsNoFailure(t *testing.T) {
	var logs testkit.LockedBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, c := startServer(t, WithLogger(logger))
	a, err := c.CreateActivity(context.Background(), &sfn.CreateActivityInput{Name: aws.String("idle")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	polled := make(chan error, 1)
	go func() {
		_, err := c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: a.ActivityArn})
		polled <- err
	}()
	waitFor(t, "the poll to wait", func() bool {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		return srv.activities[aws.ToString(a.ActivityArn)].pollers == 1
	})
	cancel()
	if err := <-polled; err == nil {
		t.Fatal("GetActivityTask with a cancelled context succeeded")
	}
	waitFor(t, "the server to log the poll's end", func() bool {
		return strings.Contains(logs.String(), "operation=GetActivityTask")
	})
	if got := logs.String(); strings.Contains(got, "level=ERROR") || !strings.Contains(got, "went away") {
		t.Errorf("logs of a poll the worker gave up = %s; want a debug line saying the client went away, no error", got)
	}
}
