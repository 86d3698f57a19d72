package sfnlocal

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// callbackDef sends its task token to a queue and waits for it; TIMEOUTS is
// replaced by the state's timeout fields.
const callbackDef = `{"StartAt":"Ask","States":{"Ask":{"Type":"Task",
	"Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
	"Parameters":{"QueueUrl":"q","MessageBody":{"token.$":"$$.Task.Token","order.$":"$.order"}},
	TIMEOUTS "End":true}}}`

// registerQueue registers sqs:sendMessage as a queue that passes on the task
// token in MessageBody.token, and returns the channel (of capacity n) that
// receives each token.
func registerQueue(t *testing.T, srv *Server, n int) <-chan string {
	tokens := make(chan string, n)
	srv.RegisterTask("arn:aws:states:::sqs:sendMessage", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		var msg struct {
			MessageBody struct {
				Token string `json:"token"`
			} `json:"MessageBody"`
		}
		if err := json.Unmarshal(in, &msg); err != nil || msg.MessageBody.Token == "" {
			t.Errorf("the queue got %s, want a task token in MessageBody.token", in)
		}
		tokens <- msg.MessageBody.Token
		return json.RawMessage(`{"MessageId":"m-1"}`), nil
	})
	return tokens
}

// callbackServer serves callbackDef with the given timeout fields; the
// returned channel receives each task token the queue gets.
func callbackServer(t *testing.T, timeouts string, opts ...Option) (*sfn.Client, string, <-chan string) {
	t.Helper()
	srv, c := startServer(t, opts...)
	tokens := registerQueue(t, srv, 4)
	arn := createMachine(t, c, "approval", strings.Replace(callbackDef, "TIMEOUTS", timeouts, 1), "")
	return c, arn, tokens
}

// start starts an execution of arn with the input {"order":7}.
func start(t *testing.T, c *sfn.Client, arn string) string {
	t.Helper()
	return startWith(t, c, arn, `{"order":7}`)
}

// startWith starts an execution of arn with input and returns its ARN.
func startWith(t *testing.T, c *sfn.Client, arn, input string) string {
	t.Helper()
	out, err := c.StartExecution(context.Background(), &sfn.StartExecutionInput{StateMachineArn: &arn, Input: aws.String(input)})
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	return *out.ExecutionArn
}

// receive returns the next value of ch, failing after hangGuard.
func receive[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(hangGuard):
		var zero T
		t.Fatalf("timed out after %v waiting to receive a %T", hangGuard, zero)
		panic("unreachable")
	}
}

func TestCallbackSuccess(t *testing.T) {
	ctx := context.Background()
	c, arn, tokens := callbackServer(t, "")
	run := start(t, c, arn)
	token := receive(t, tokens)
	if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: &token, Output: aws.String(`{"approved":true}`)}); err != nil {
		t.Fatalf("SendTaskSuccess: %v", err)
	}
	d := waitDone(t, c, run)
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"approved":true}` {
		t.Errorf("execution = %s %s, want SUCCEEDED with the callback's output", d.Status, aws.ToString(d.Output))
	}
	events := history(t, c, run)
	want := []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}
	if got := eventTypes(events); !slices.Equal(got, want) {
		t.Errorf("history = %v, want %v", got, want)
	}
	for _, e := range events {
		if e.TaskSubmittedEventDetails != nil && aws.ToString(e.TaskSubmittedEventDetails.Output) != `{"MessageId":"m-1"}` {
			t.Errorf("TaskSubmitted output = %s, want the queue's answer", aws.ToString(e.TaskSubmittedEventDetails.Output))
		}
	}
	_, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: &token, Output: aws.String(`{}`)})
	if apiCode(err) != "TaskTimedOut" {
		t.Errorf("second SendTaskSuccess = %v, want TaskTimedOut", err)
	}
}

func TestCallbackFailure(t *testing.T) {
	c, arn, tokens := callbackServer(t, "")
	run := start(t, c, arn)
	token := receive(t, tokens)
	if _, err := c.SendTaskFailure(context.Background(), &sfn.SendTaskFailureInput{TaskToken: &token,
		Error: aws.String("Approval.Rejected"), Cause: aws.String("no budget")}); err != nil {
		t.Fatalf("SendTaskFailure: %v", err)
	}
	d := waitDone(t, c, run)
	if d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "Approval.Rejected" || aws.ToString(d.Cause) != "no budget" {
		t.Errorf("execution = %s %s %s, want FAILED Approval.Rejected: no budget", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	if got := eventTypes(history(t, c, run)); !slices.Contains(got, "TaskFailed") {
		t.Errorf("history = %v, want a TaskFailed", got)
	}
}

func TestSendTaskErrors(t *testing.T) {
	ctx := context.Background()
	srv, c := startServer(t)
	srv.RegisterTask("arn:aws:states:::echo", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) { return in, nil })
	// A plain task hands out its token but does not wait for it.
	arn := createMachine(t, c, "plain", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::echo",
		"Parameters":{"token.$":"$$.Task.Token"},"End":true}}}`, "")
	d := waitDone(t, c, start(t, c, arn))
	var out struct{ Token string }
	if err := json.Unmarshal([]byte(aws.ToString(d.Output)), &out); err != nil || out.Token == "" {
		t.Fatalf("output %s has no token", aws.ToString(d.Output))
	}
	c2, arn2, tokens := callbackServer(t, "")
	start(t, c2, arn2)
	live := receive(t, tokens)
	checkErrorCodes(t, []errorCase{
		{"garbage token", func() error {
			return errOf(c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String("not-a-token"), Output: aws.String("{}")}))
		}, "InvalidToken"},
		{"token of another server", func() error {
			return errOf(c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: &live}))
		}, "InvalidToken"},
		{"token of a task that waits for none", func() error {
			return errOf(c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: &out.Token, Output: aws.String("{}")}))
		}, "TaskDoesNotExist"},
		{"output not JSON", func() error {
			return errOf(c2.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: &live, Output: aws.String("{")}))
		}, "InvalidOutput"},
		{"token too long", func() error {
			return errOf(c.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: aws.String(strings.Repeat("x", 2049))}))
		}, "ValidationException"},
		{"error too long", func() error {
			return errOf(c2.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: &live, Error: aws.String(strings.Repeat("e", 257))}))
		}, "ValidationException"},
		{"heartbeat of a live task", func() error {
			return errOf(c2.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: &live}))
		}, ""},
	})
}

func TestCallbackHeartbeat(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testStart)
	c, arn, tokens := callbackServer(t, `"HeartbeatSeconds":10,`, WithClock(clk))
	run := start(t, c, arn)
	token := receive(t, tokens)
	waitFor(t, "the heartbeat timer", func() bool { return clk.Pending() > 0 })
	clk.Advance(8 * time.Second)
	if _, err := c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: &token}); err != nil {
		t.Fatalf("SendTaskHeartbeat: %v", err)
	}
	clk.Advance(9 * time.Second) // 17 s in, 9 s after the heartbeat: the first timer fires and finds the heartbeat
	waitFor(t, "the heartbeat timer to be armed again, or the task to end", func() bool {
		return clk.Pending() > 0 || describe(t, c, run).Status != types.ExecutionStatusRunning
	})
	if d := describe(t, c, run); d.Status != types.ExecutionStatusRunning {
		t.Fatalf("after a heartbeat the task ended: %s %s", d.Status, aws.ToString(d.Error))
	}
	clk.Advance(2 * time.Second) // 11 s after the heartbeat
	d := waitDone(t, c, run)
	if d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "States.HeartbeatTimeout" {
		t.Errorf("execution = %s %s, want FAILED States.HeartbeatTimeout", d.Status, aws.ToString(d.Error))
	}
	if got := eventTypes(history(t, c, run)); !slices.Contains(got, "TaskTimedOut") {
		t.Errorf("history = %v, want a TaskTimedOut", got)
	}
	_, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: &token, Output: aws.String("{}")})
	if apiCode(err) != "TaskTimedOut" {
		t.Errorf("SendTaskSuccess after the heartbeat timeout = %v, want TaskTimedOut", err)
	}
}

// TestCallbackHeartbeatTimerStopped checks that a task whose outcome came
// before its heartbeat deadline stops the heartbeat timer and the
// interpreter's timer for its TimeoutSeconds, so that a test's
// ManualClock.Pending counts neither.
func TestCallbackHeartbeatTimerStopped(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testStart)
	c, arn, tokens := callbackServer(t, `"HeartbeatSeconds":10,`, WithClock(clk))
	run := start(t, c, arn)
	token := receive(t, tokens)
	waitFor(t, "the heartbeat and timeout timers", func() bool { return clk.Pending() == 2 })
	if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: &token, Output: aws.String("{}")}); err != nil {
		t.Fatalf("SendTaskSuccess: %v", err)
	}
	if d := waitDone(t, c, run); d.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("execution = %s, want SUCCEEDED", d.Status)
	}
	waitFor(t, "the heartbeat and timeout timers to be stopped", func() bool { return clk.Pending() == 0 })
}

func TestCallbackTimeoutAndRetry(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testStart)
	c, arn, tokens := callbackServer(t, `"TimeoutSeconds":30,"Retry":[{"ErrorEquals":["States.Timeout"],"MaxAttempts":1,"IntervalSeconds":1}],`,
		WithClock(clk))
	clk.AutoAdvance(2 * time.Second) // the retry interval passes at once
	run := start(t, c, arn)
	first := receive(t, tokens)
	waitFor(t, "the timeout timer", func() bool { return clk.Pending() > 0 })
	clk.Advance(30 * time.Second)
	second := receive(t, tokens)
	if second == first {
		t.Fatal("the retry got the same task token, want a new one")
	}
	_, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: &first, Output: aws.String("{}")})
	if apiCode(err) != "TaskTimedOut" {
		t.Errorf("SendTaskSuccess with the timed-out token = %v, want TaskTimedOut", err)
	}
	if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: &second, Output: aws.String(`{"late":false}`)}); err != nil {
		t.Fatalf("SendTaskSuccess of the retry: %v", err)
	}
	d := waitDone(t, c, run)
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"late":false}` {
		t.Errorf("execution = %s %s, want SUCCEEDED after the retry", d.Status, aws.ToString(d.Output))
	}
	got := eventTypes(history(t, c, run))
	if !slices.Contains(got, "TaskTimedOut") {
		t.Errorf("history = %v, want a TaskTimedOut", got)
	}
}

func TestCallbackStopExecution(t *testing.T) {
	c, arn, tokens := callbackServer(t, "")
	run := start(t, c, arn)
	token := receive(t, tokens)
	if _, err := c.StopExecution(context.Background(), &sfn.StopExecutionInput{ExecutionArn: &run}); err != nil {
		t.Fatal(err)
	}
	waitDone(t, c, run)
	_, err := c.SendTaskSuccess(context.Background(), &sfn.SendTaskSuccessInput{TaskToken: &token, Output: aws.String("{}")})
	if apiCode(err) != "TaskTimedOut" {
		t.Errorf("SendTaskSuccess after StopExecution = %v, want TaskTimedOut", err)
	}
}

func TestCallbackIntegrations(t *testing.T) {
	ctx := context.Background()
	srv, c := startServer(t)
	tokens := make(chan string, 2)
	srv.RegisterTask("notify", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		var p struct{ Token string }
		_ = json.Unmarshal(in, &p)
		tokens <- p.Token
		return json.RawMessage(`"queued"`), nil
	})
	srv.RegisterTask("arn:aws:states:::events:putEvents.waitForTaskToken", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		var p struct{ Detail struct{ Token string } }
		_ = json.Unmarshal(in, &p)
		tokens <- p.Detail.Token
		return json.RawMessage(`{"FailedEntryCount":0}`), nil
	})
	// Express state machines do not support .waitForTaskToken (the developer
	// guide), so both run Standard.
	for _, tt := range []struct {
		name, resource, params, submitted, submittedBy string
	}{
		{"lambda invoke by FunctionName", "arn:aws:states:::lambda:invoke.waitForTaskToken",
			`{"FunctionName":"notify","Payload":{"Token.$":"$$.Task.Token"}}`, `"Payload":"queued"`, "invoke.waitForTaskToken"},
		{"function registered with the suffix", "arn:aws:states:::events:putEvents.waitForTaskToken",
			`{"Detail":{"Token.$":"$$.Task.Token"}}`, `{"FailedEntryCount":0}`, "putEvents.waitForTaskToken"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			def := `{"StartAt":"Wait","States":{"Wait":{"Type":"Task","Resource":"` + tt.resource + `","Parameters":` + tt.params + `,"End":true}}}`
			arn := createMachine(t, c, strings.ReplaceAll(tt.name, " ", "-")[:20], def, types.StateMachineTypeStandard)
			// The callback answers from its own goroutine; the subtest waits for it, so that its answer (which may
			// come after the execution has already ended) is checked before the subtest and its server end.
			sent := make(chan struct{})
			defer func() { <-sent }()
			go func() {
				defer close(sent)
				token := receive(t, tokens)
				if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: &token, Output: aws.String(`{"done":true}`)}); err != nil {
					t.Errorf("SendTaskSuccess: %v", err)
				}
			}()
			run := start(t, c, arn)
			d := waitDone(t, c, run)
			if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"done":true}` {
				t.Fatalf("execution = %s %s %s", d.Status, aws.ToString(d.Output), aws.ToString(d.Cause))
			}
			for _, e := range history(t, c, run) {
				if s := e.TaskSubmittedEventDetails; s != nil {
					if !strings.Contains(aws.ToString(s.Output), tt.submitted) || aws.ToString(s.Resource) != tt.submittedBy {
						t.Errorf("TaskSubmitted = %s %s, want %s from %s", aws.ToString(s.Resource), aws.ToString(s.Output), tt.submitted, tt.submittedBy)
					}
				}
			}
		})
	}
}

// TestTaskTokensAreSafeOnACommandLine checks that no task token begins with
// '-': the AWS CLI reads such a token given to --task-token as an option and
// fails ("expected one argument"). With 6 random bits in the first character,
// one token in 64 did before tokens began with a version byte.
func TestTaskTokensAreSafeOnACommandLine(t *testing.T) {
	c := newCallbacks([]byte("key"))
	for range 2000 {
		tok := c.newToken()
		if strings.HasPrefix(tok, "-") || !c.authentic(tok) {
			t.Fatalf("token %q: starts with '-' or is not authentic", tok)
		}
	}
	other := newCallbacks([]byte("other key"))
	if tok := other.newToken(); c.authentic(tok) {
		t.Errorf("a token signed with another key was taken as authentic")
	}
}
