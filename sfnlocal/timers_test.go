package sfnlocal

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// TestStopExecutionStopsWaitTimer checks that stopping an execution in a
// Wait state stops the Wait's timer, so that a test stepping a ManualClock
// does not see it pending after the run is ABORTED.
func TestStopExecutionStopsWaitTimer(t *testing.T) {
	clk := NewManualClock(testStart)
	_, c := startServer(t, WithClock(clk))
	arn := createMachine(t, c, "napper",
		`{"StartAt":"Nap","States":{"Nap":{"Type":"Wait","Seconds":3600,"End":true}}}`, "")
	run := start(t, c, arn)
	waitFor(t, "the Wait state's timer", func() bool { return clk.Pending() == 1 })
	if _, err := c.StopExecution(context.Background(), &sfn.StopExecutionInput{ExecutionArn: &run}); err != nil {
		t.Fatalf("StopExecution: %v", err)
	}
	if d := waitDone(t, c, run); d.Status != types.ExecutionStatusAborted {
		t.Fatalf("execution = %s, want ABORTED", d.Status)
	}
	waitFor(t, "the stopped Wait's timer to leave Pending", func() bool { return clk.Pending() == 0 })
	if !slices.Contains(clk.Waits(), time.Hour) {
		t.Errorf("Waits() = %v, want the Wait state's hour among them", clk.Waits())
	}
}

// TestEndedExecutionStopsItsTimeoutTimer checks that an execution which
// ends before its TimeoutSeconds stops the timer that would have timed it
// out: after it SUCCEEDED, ManualClock.Pending counts nothing.
func TestEndedExecutionStopsItsTimeoutTimer(t *testing.T) {
	clk := NewManualClock(testStart)
	_, c := startServer(t, WithClock(clk))
	arn := createMachine(t, c, "bounded",
		`{"TimeoutSeconds":3600,"StartAt":"Nap","States":{"Nap":{"Type":"Wait","Seconds":10,"End":true}}}`, "")
	run := start(t, c, arn)
	waitFor(t, "the execution's and the Wait's timers", func() bool { return clk.Pending() == 2 })
	clk.Advance(10 * time.Second)
	if d := waitDone(t, c, run); d.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("execution = %s %s, want SUCCEEDED", d.Status, aws.ToString(d.Error))
	}
	waitFor(t, "the ended execution's timeout timer to leave Pending", func() bool { return clk.Pending() == 0 })
}
