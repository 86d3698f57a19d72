package stepfunctions

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/google/uuid"
)

func TestMapStatus(t *testing.T) {
	tests := []struct {
		status string
		want   RunState
	}{
		{"RUNNING", RunStateRunning},
		{"PENDING_REDRIVE", RunStateRunning},
		{"SUCCEEDED", RunStateSuccess},
		{"FAILED", RunStateFailed},
		{"TIMED_OUT", RunStateFailed},
		{"ABORTED", RunStateCancelled},
		{"succeeded", RunStateSuccess},
		{"", RunStateUnknown},
		{"PAUSED", RunStateUnknown},
	}
	for _, tt := range tests {
		if got := MapStatus(tt.status); got != tt.want {
			t.Errorf("MapStatus(%q) = %q, want %q", tt.status, got, tt.want)
		}
	}
}

func TestGetPipelineRunStatus(t *testing.T) {
	const run = "arn:aws:states:eu-west-1:123456789012:execution:orders:run-1"
	tests := []struct {
		name       string
		out        sfn.DescribeExecutionOutput
		history    []types.HistoryEvent
		wantState  RunState
		wantMsg    string
		wantResult string // value of the "result" Output parameter
		wantErr    string
	}{
		{"running", sfn.DescribeExecutionOutput{Status: types.ExecutionStatusRunning}, nil, RunStateRunning, "", "", ""},
		{"pending redrive", sfn.DescribeExecutionOutput{Status: types.ExecutionStatusPendingRedrive}, nil, RunStateRunning, "execution is waiting to be redriven", "", ""},
		{"succeeded", sfn.DescribeExecutionOutput{Status: types.ExecutionStatusSucceeded, Output: aws.String(`{"Result": {"n": 1}}`)}, nil, RunStateSuccess, "", `{"n":1}`, ""},
		{"succeeded ambiguous", sfn.DescribeExecutionOutput{Status: types.ExecutionStatusSucceeded, Output: aws.String(`{"Result":1,"RESULT":2}`)}, nil,
			RunStateSuccess, `parameters left unchanged because output properties differ only in case: "result" (output has "RESULT", "Result")`, "", ""},
		{"succeeded with the property repeated", sfn.DescribeExecutionOutput{Status: types.ExecutionStatusSucceeded, Output: aws.String(`{"result":1,"result":2}`)}, nil,
			RunStateSuccess, `parameters left unchanged because the output repeats their property: "result" (2 times)`, "", ""},
		{"succeeded with null", sfn.DescribeExecutionOutput{Status: types.ExecutionStatusSucceeded, Output: aws.String(`{"result":null}`)}, nil,
			RunStateSuccess, "", "", ""},
		{"succeeded without the output property", sfn.DescribeExecutionOutput{Status: types.ExecutionStatusSucceeded, Output: aws.String(`{"total":3}`)}, nil,
			RunStateSuccess, `the output has no property for "result", left unchanged`, "", ""},
		{"succeeded string output", sfn.DescribeExecutionOutput{Status: types.ExecutionStatusSucceeded, Output: aws.String(`"ok"`)}, nil,
			RunStateSuccess, "execution output is a JSON string, not a JSON object; parameters left unchanged", "", ""},
		{"failed", sfn.DescribeExecutionOutput{Status: types.ExecutionStatusFailed, Error: aws.String("States.TaskFailed"), Cause: aws.String("lambda crashed")}, nil,
			RunStateFailed, "execution failed: States.TaskFailed: lambda crashed", "", "States.TaskFailed"},
		{"timed out with detail", sfn.DescribeExecutionOutput{Status: types.ExecutionStatusTimedOut, Error: aws.String("States.Timeout")}, nil,
			RunStateFailed, "execution timed out: States.Timeout", "", "States.Timeout"},
		{"timed out from history", sfn.DescribeExecutionOutput{Status: types.ExecutionStatusTimedOut},
			[]types.HistoryEvent{{Type: types.HistoryEventTypeExecutionTimedOut, ExecutionTimedOutEventDetails: &types.ExecutionTimedOutEventDetails{Error: aws.String("States.Timeout"), Cause: aws.String("TimeoutSeconds 60 exceeded")}}},
			RunStateFailed, "execution timed out: States.Timeout: TimeoutSeconds 60 exceeded", "", "States.Timeout"},
		{"timed out, history unavailable", sfn.DescribeExecutionOutput{Status: types.ExecutionStatusTimedOut}, nil, RunStateFailed, "execution timed out", "", ""},
		{"cancelled by polysync", sfn.DescribeExecutionOutput{Status: types.ExecutionStatusAborted, Error: aws.String(CancelError), Cause: aws.String(CancelCause)}, nil,
			RunStateCancelled, "cancelled by Polysync", "", CancelError},
		{"aborted by someone else", sfn.DescribeExecutionOutput{Status: types.ExecutionStatusAborted, Error: aws.String("Manual")}, nil,
			RunStateCancelled, "execution aborted: Manual", "", "Manual"},
		{"unknown status", sfn.DescribeExecutionOutput{Status: "PAUSED"}, nil, RunStateUnknown, `unknown execution status "PAUSED"`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeClient{
				describeExecution: func(_ context.Context, in *sfn.DescribeExecutionInput) (*sfn.DescribeExecutionOutput, error) {
					if aws.ToString(in.ExecutionArn) != run {
						t.Errorf("DescribeExecution(%s), want %s", aws.ToString(in.ExecutionArn), run)
					}
					o := tt.out
					o.StartDate, o.StopDate = aws.Time(t0), aws.Time(t0.Add(time.Minute))
					return &o, nil
				},
				getExecutionHistory: func(_ context.Context, in *sfn.GetExecutionHistoryInput) (*sfn.GetExecutionHistoryOutput, error) {
					if !in.ReverseOrder {
						t.Errorf("GetExecutionHistory without reverseOrder")
					}
					if tt.history == nil {
						return nil, genericErr("AccessDeniedException")
					}
					return &sfn.GetExecutionHistoryOutput{Events: tt.history}, nil
				},
			}
			p := testProvider(t, f, Config{}, nil)
			params := []Parameter{in("count", DataTypeNumber, "1"), out("result", "")}
			st, err := p.GetPipelineRunStatus(context.Background(), run, params)
			if err != nil {
				t.Fatalf("GetPipelineRunStatus() error = %v", err)
			}
			if st.State != tt.wantState || st.Message != tt.wantMsg || st.Error != tt.wantErr {
				t.Errorf("GetPipelineRunStatus() = {State %q, Message %q, Error %q}, want {%q, %q, %q}", st.State, st.Message, st.Error, tt.wantState, tt.wantMsg, tt.wantErr)
			}
			if st.RunID != run || !st.StartedAt.Equal(t0) || !st.StoppedAt.Equal(t0.Add(time.Minute)) {
				t.Errorf("GetPipelineRunStatus() = %+v, want RunID and times", st)
			}
			if len(st.Parameters) != 2 || st.Parameters[1].Value != tt.wantResult || st.Parameters[0].Value != "1" {
				t.Errorf("Parameters = %+v, want result %q", st.Parameters, tt.wantResult)
			}
			if tt.wantState == RunStateSuccess && st.Output != aws.ToString(tt.out.Output) {
				t.Errorf("Output = %q, want %q", st.Output, aws.ToString(tt.out.Output))
			}
			if params[1].Value != "" {
				t.Errorf("GetPipelineRunStatus() modified the caller's parameters")
			}
		})
	}
}

func TestGetPipelineRunStatusNotFoundGrace(t *testing.T) {
	v7 := func(at time.Time) string {
		id, err := uuid.NewV7FromReader(strings.NewReader(strings.Repeat("r", 64)))
		if err != nil {
			t.Fatal(err)
		}
		ms := at.UnixMilli()
		for i := range 6 {
			id[i] = byte(ms >> (40 - 8*i))
		}
		return "Polysync-" + id.String()
	}
	const base = "arn:aws:states:eu-west-1:123456789012:execution:orders:"
	tests := []struct {
		name      string
		started   bool          // this provider started the run at t0
		runName   string        // execution name
		elapsed   time.Duration // time since t0
		grace     time.Duration
		wantState RunState
	}{
		{"started here, within grace", true, "custom-name", 5 * time.Second, 0, RunStateRunning},
		{"started here, after grace", true, "custom-name", 31 * time.Second, 0, ""},
		{"unknown run", false, "custom-name", 0, 0, ""},
		{"UUIDv7 name within grace", false, v7(t0), 10 * time.Second, 0, RunStateRunning},
		{"UUIDv7 name after grace", false, v7(t0), time.Minute, 0, ""},
		{"UUIDv7 name, custom grace", false, v7(t0), time.Minute, 2 * time.Minute, RunStateRunning},
		{"grace disabled", true, "custom-name", time.Second, -1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := t0
			f := &fakeClient{describeExecution: func(context.Context, *sfn.DescribeExecutionInput) (*sfn.DescribeExecutionOutput, error) {
				return nil, &types.ExecutionDoesNotExist{Message: aws.String("Execution Does Not Exist")}
			}}
			p := testProvider(t, f, Config{NotFoundGrace: tt.grace}, &now)
			run := base + tt.runName
			if tt.started {
				p.started.put(run, t0)
			}
			now = t0.Add(tt.elapsed)
			st, err := p.GetPipelineRunStatus(context.Background(), run, nil)
			if tt.wantState == "" {
				if !errors.Is(err, ErrRunNotFound) {
					t.Errorf("GetPipelineRunStatus() = %+v, %v; want ErrRunNotFound", st, err)
				}
				return
			}
			if err != nil || st.State != tt.wantState || !strings.Contains(st.Message, "eventually consistent") {
				t.Errorf("GetPipelineRunStatus() = %+v, %v; want %s explaining eventual consistency", st, err, tt.wantState)
			}
		})
	}
}

func TestStartedFromName(t *testing.T) {
	id, _ := uuid.NewV7()
	if got, ok := startedFromName("Polysync-" + id.String()); !ok || time.Since(got) > time.Minute || time.Since(got) < 0 {
		t.Errorf("startedFromName(v7) = %v, %v; want about now", got, ok)
	}
	for _, name := range []string{"Polysync-" + uuid.NewString(), "other-" + id.String(), "Polysync-abc", idempotentName(testMachine, "k")} {
		if _, ok := startedFromName(name); ok {
			t.Errorf("startedFromName(%q) ok, want no start time", name)
		}
	}
}

func TestProviderStatusAfterStart(t *testing.T) {
	// A Standard run started here and not yet visible is Running; the grace ends NotFoundGrace after the start.
	now := t0
	f := &fakeClient{
		startExecution: startOK(nil, nil),
		describeExecution: func(context.Context, *sfn.DescribeExecutionInput) (*sfn.DescribeExecutionOutput, error) {
			return nil, &types.ExecutionDoesNotExist{}
		},
	}
	p := testProvider(t, f, Config{NotFoundGrace: 10 * time.Second}, &now)
	run, err := p.ExecutePipeline(context.Background(), Job{ID: testMachine, Type: TypeStandard}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := p.GetPipelineRunStatus(context.Background(), run.RunID, nil); err != nil || st.State != RunStateRunning {
		t.Errorf("GetPipelineRunStatus() right after start = %+v, %v; want Running", st, err)
	}
	now = t0.Add(11 * time.Second)
	if _, err := p.GetPipelineRunStatus(context.Background(), run.RunID, nil); !errors.Is(err, ErrRunNotFound) {
		t.Errorf("GetPipelineRunStatus() after the grace error = %v, want ErrRunNotFound", err)
	}
}

// Step Functions describes the Express child executions a Distributed Map's Map Run dispatched, unlike other
// Express executions, so their status comes from DescribeExecution rather than from the Provider's record.
func TestGetPipelineRunStatusMapRunExpressChild(t *testing.T) {
	const child = "arn:aws:states:eu-west-1:123456789012:express:orders/map-1:child-1:5c2a4f6e-1b7d-4e1c-9a4b-2f6d8e0c1a3b"
	f := &fakeClient{describeExecution: func(_ context.Context, in *sfn.DescribeExecutionInput) (*sfn.DescribeExecutionOutput, error) {
		if got := aws.ToString(in.ExecutionArn); got != child {
			t.Errorf("DescribeExecution(%s), want %s", got, child)
		}
		return &sfn.DescribeExecutionOutput{ExecutionArn: in.ExecutionArn, Status: types.ExecutionStatusSucceeded,
			Output: aws.String(`{"result":"ok"}`), StartDate: aws.Time(t0), StopDate: aws.Time(t0.Add(time.Second)),
			MapRunArn: aws.String("arn:aws:states:eu-west-1:123456789012:mapRun:orders/map-1:0b4fd7c1-61b2-4c3a-a0a9-b4d5c53e56a2")}, nil
	}}
	p := testProvider(t, f, Config{}, nil)
	st, err := p.GetPipelineRunStatus(context.Background(), child, []Parameter{out("result", "")})
	if err != nil || st.State != RunStateSuccess || st.Parameters[0].Value != "ok" {
		t.Errorf("GetPipelineRunStatus(Map Run Express child) = %+v, %v; want Success with the output applied", st, err)
	}
}

func TestGetPipelineRunStatusDetails(t *testing.T) {
	const child = "arn:aws:states:eu-west-1:123456789012:execution:orders/map1:child-1"
	redriven := time.Unix(1700000500, 0)
	f := &fakeClient{describeExecution: func(context.Context, *sfn.DescribeExecutionInput) (*sfn.DescribeExecutionOutput, error) {
		return &sfn.DescribeExecutionOutput{Status: types.ExecutionStatusFailed, Error: aws.String("States.TaskFailed"),
			MapRunArn:              aws.String("arn:aws:states:eu-west-1:123456789012:mapRun:orders/map1:0b1c"),
			StateMachineVersionArn: aws.String("arn:aws:states:eu-west-1:123456789012:stateMachine:orders:3"),
			RedriveCount:           aws.Int32(2), RedriveDate: &redriven,
			RedriveStatus:       types.ExecutionRedriveStatusRedrivableByMapRun,
			RedriveStatusReason: aws.String("Execution is a Map Run child")}, nil
	}}
	p := testProvider(t, f, Config{}, nil)
	st, err := p.GetPipelineRunStatus(context.Background(), child, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := RunDetails{StateMachineVersionARN: "arn:aws:states:eu-west-1:123456789012:stateMachine:orders:3",
		RedriveCount: 2, RedrivenAt: redriven, RedriveStatus: "REDRIVABLE_BY_MAP_RUN",
		RedriveStatusReason: "Execution is a Map Run child", MapRunARN: "arn:aws:states:eu-west-1:123456789012:mapRun:orders/map1:0b1c"}
	if st.Details != want {
		t.Errorf("Details = %+v, want %+v", st.Details, want)
	}
}
