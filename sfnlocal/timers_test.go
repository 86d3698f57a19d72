package sfnlocal

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
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

// TestLatencyTimerStoppedWhenCallerLeaves checks that a call waiting out
// WithLatency whose caller goes away stops the latency's timer, so that
// ManualClock.Pending does not count it after the call ended.
func TestLatencyTimerStoppedWhenCallerLeaves(t *testing.T) {
	clk := NewManualClock(testStart)
	srv := New(withCompiler(fakeCompiler), WithClock(clk), WithLatency("ListStateMachines", time.Minute))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/", strings.NewReader("{}"))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Amz-Target", targetPrefix+"ListStateMachines")
	req.Header.Set("Authorization", testAuthz)
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.ServeHTTP(httptest.NewRecorder(), req)
	}()
	waitFor(t, "the latency's timer", func() bool { return clk.Pending() == 1 })
	cancel()
	<-done
	if got := clk.Pending(); got != 0 {
		t.Errorf("Pending() after the caller left = %d, want 0", got)
	}
}
