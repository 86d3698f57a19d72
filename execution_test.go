package stepfunctions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/polysync/stepfunctions/expressstore"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/google/uuid"

	"github.com/polysync/stepfunctions/internal/sfnarn"
	"github.com/polysync/stepfunctions/internal/testkit"
)

const (
	testMachine = "arn:aws:states:eu-west-1:123456789012:stateMachine:orders"
	testExpress = "arn:aws:states:eu-west-1:123456789012:stateMachine:fast"
)

var (
	t0             = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	uuidv7NameRE   = regexp.MustCompile(`^Polysync-[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	idempotentRE   = regexp.MustCompile(`^Polysync-[0-9a-f]{64}$`)
	standardParams = []Parameter{in("count", DataTypeNumber, "3"), out("result", "")}
)

// startOK answers StartExecution like Step Functions: the execution ARN from the machine's base name and the
// requested name.
func startOK(got *[]*sfn.StartExecutionInput, mu *sync.Mutex) func(context.Context, *sfn.StartExecutionInput) (*sfn.StartExecutionOutput, error) {
	return func(_ context.Context, in *sfn.StartExecutionInput) (*sfn.StartExecutionOutput, error) {
		if mu != nil {
			mu.Lock()
			defer mu.Unlock()
		}
		if got != nil {
			*got = append(*got, in)
		}
		sm, err := parseStateMachineARN(aws.ToString(in.StateMachineArn))
		if err != nil {
			return nil, err
		}
		return &sfn.StartExecutionOutput{ExecutionArn: aws.String(sm.Execution(aws.ToString(in.Name)).String()), StartDate: aws.Time(t0)}, nil
	}
}

func TestExecutePipelineStandard(t *testing.T) {
	tests := []struct {
		name        string
		cfgTrace    string
		opts        []ExecuteOption
		jobID       string
		wantTrace   *string
		wantRunBase string
	}{
		{"no trace header", "", nil, testMachine, nil, "orders"},
		{"config trace header", "Root=1-abc", nil, testMachine, aws.String("Root=1-abc"), "orders"},
		{"option overrides config", "Root=1-abc", []ExecuteOption{WithTraceHeader("Root=1-def")}, testMachine, aws.String("Root=1-def"), "orders"},
		{"empty option sends none", "Root=1-abc", []ExecuteOption{WithTraceHeader("")}, testMachine, nil, "orders"},
		{"version ARN", "", nil, testMachine + ":3", nil, "orders"},
		{"alias ARN", "", nil, testMachine + ":prod", nil, "orders"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var starts []*sfn.StartExecutionInput
			f := &fakeClient{startExecution: startOK(&starts, nil)}
			p := testProvider(t, f, Config{TraceHeader: tt.cfgTrace}, nil)
			run, err := p.ExecutePipeline(context.Background(), Job{ID: tt.jobID, Type: "standard"}, standardParams, tt.opts...)
			if err != nil {
				t.Fatalf("ExecutePipeline() error = %v", err)
			}
			if len(starts) != 1 {
				t.Fatalf("StartExecution called %d times, want 1", len(starts))
			}
			s := starts[0]
			if got := aws.ToString(s.StateMachineArn); got != tt.jobID {
				t.Errorf("stateMachineArn = %q, want %q", got, tt.jobID)
			}
			if got := aws.ToString(s.Input); got != `{"count":3}` {
				t.Errorf("input = %s, want {\"count\":3}", got)
			}
			if !uuidv7NameRE.MatchString(aws.ToString(s.Name)) {
				t.Errorf("name = %q, want Polysync-<UUIDv7>", aws.ToString(s.Name))
			}
			if (s.TraceHeader == nil) != (tt.wantTrace == nil) || (s.TraceHeader != nil && *s.TraceHeader != *tt.wantTrace) {
				t.Errorf("traceHeader = %v, want %v", aws.ToString(s.TraceHeader), aws.ToString(tt.wantTrace))
			}
			wantRun := "arn:aws:states:eu-west-1:123456789012:execution:" + tt.wantRunBase + ":" + aws.ToString(s.Name)
			if run.RunID != wantRun || run.JobID != tt.jobID || run.Name != aws.ToString(s.Name) || !run.StartedAt.Equal(t0) || run.Status != nil {
				t.Errorf("ExecutePipeline() = %+v, want RunID %s, JobID %s, StartedAt %v, no Status", run, wantRun, tt.jobID, t0)
			}
			if want := "https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/" + wantRun; run.ConsoleURL != want {
				t.Errorf("ConsoleURL = %q, want %q", run.ConsoleURL, want)
			}
		})
	}
}

func TestExecutePipelineNamesAreUnique(t *testing.T) {
	var starts []*sfn.StartExecutionInput
	f := &fakeClient{startExecution: startOK(&starts, nil)}
	p := testProvider(t, f, Config{}, nil)
	for range 3 {
		if _, err := p.ExecutePipeline(context.Background(), Job{ID: testMachine, Type: TypeStandard}, nil); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	for _, s := range starts {
		if seen[*s.Name] {
			t.Errorf("execution name %s used twice", *s.Name)
		}
		seen[*s.Name] = true
		if aws.ToString(s.Input) != "{}" {
			t.Errorf("input = %q, want {}", aws.ToString(s.Input))
		}
	}
}

func TestExecutePipelineValidation(t *testing.T) {
	tests := []struct {
		name   string
		job    Job
		params []Parameter
		opts   []ExecuteOption
		want   string
	}{
		{"empty job ID", Job{}, nil, nil, "job ID: empty ARN"},
		{"not an ARN", Job{ID: "orders"}, nil, nil, "not an ARN"},
		{"execution ARN as job", Job{ID: "arn:aws:states:eu-west-1:123456789012:execution:orders:x"}, nil, nil, "not a state machine ARN"},
		{"other region", Job{ID: "arn:aws:states:us-east-1:123456789012:stateMachine:orders"}, nil, nil, "is in region us-east-1 but the provider's region is eu-west-1"},
		{"bad type", Job{ID: testMachine, Type: "BATCH"}, nil, nil, `unknown type "BATCH"`},
		{"bad parameter", Job{ID: testMachine, Type: TypeStandard}, []Parameter{in("n", DataTypeNumber, "x")}, nil, `parameter "n"`},
		{"trace header too long", Job{ID: testMachine, Type: TypeStandard}, nil, []ExecuteOption{WithTraceHeader(strings.Repeat("a", 257))}, "limit is 256"},
		{"trace header not ASCII", Job{ID: testMachine, Type: TypeStandard}, nil, []ExecuteOption{WithTraceHeader("Root=é")}, "non-ASCII"},
		{"empty idempotency key", Job{ID: testMachine, Type: TypeStandard}, nil, []ExecuteOption{WithIdempotencyKey("")}, "empty key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeClient{} // any call fails the test
			p := testProvider(t, f, Config{}, nil)
			_, err := p.ExecutePipeline(context.Background(), tt.job, tt.params, tt.opts...)
			if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ExecutePipeline() error = %v, want ErrInvalidInput containing %q", err, tt.want)
			}
		})
	}
}

func TestExecutePipelineLooksUpTypeOnce(t *testing.T) {
	var described []string
	var mu sync.Mutex
	f := &fakeClient{
		describeStateMachine: func(_ context.Context, in *sfn.DescribeStateMachineInput) (*sfn.DescribeStateMachineOutput, error) {
			mu.Lock()
			defer mu.Unlock()
			described = append(described, aws.ToString(in.StateMachineArn))
			return &sfn.DescribeStateMachineOutput{Type: types.StateMachineTypeStandard, StateMachineArn: in.StateMachineArn}, nil
		},
		startExecution: startOK(nil, &mu),
	}
	p := testProvider(t, f, Config{}, nil)
	for _, id := range []string{testMachine + ":prod", testMachine + ":3", testMachine} {
		if _, err := p.ExecutePipeline(context.Background(), Job{ID: id}, nil); err != nil {
			t.Fatalf("ExecutePipeline(%s) error = %v", id, err)
		}
	}
	if len(described) != 1 || described[0] != testMachine {
		t.Errorf("DescribeStateMachine calls = %q, want one for the base ARN %s", described, testMachine)
	}
	if n := f.count("StartExecution"); n != 3 {
		t.Errorf("StartExecution called %d times, want 3", n)
	}
}

func TestExecutePipelineTypeLookupErrors(t *testing.T) {
	f := &fakeClient{
		describeStateMachine: func(context.Context, *sfn.DescribeStateMachineInput) (*sfn.DescribeStateMachineOutput, error) {
			return nil, &types.StateMachineDoesNotExist{Message: aws.String("State Machine Does Not Exist")}
		},
	}
	p := testProvider(t, f, Config{}, nil)
	_, err := p.ExecutePipeline(context.Background(), Job{ID: testMachine}, nil)
	if !errors.Is(err, ErrStateMachineNotFound) {
		t.Errorf("ExecutePipeline() error = %v, want ErrStateMachineNotFound", err)
	}
}

func TestExecutePipelineStartErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		kind error
	}{
		{"limit", &types.ExecutionLimitExceeded{Message: aws.String("limit")}, ErrExecutionLimitExceeded},
		{"access", genericErr("AccessDeniedException"), ErrAccessDenied},
		{"input", &types.InvalidExecutionInput{}, ErrInvalidInput},
		{"missing", &types.StateMachineDoesNotExist{}, ErrStateMachineNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeClient{startExecution: func(context.Context, *sfn.StartExecutionInput) (*sfn.StartExecutionOutput, error) {
				return nil, tt.err
			}}
			p := testProvider(t, f, Config{}, nil)
			_, err := p.ExecutePipeline(context.Background(), Job{ID: testMachine, Type: TypeStandard}, nil)
			if err == nil || !errors.Is(err, tt.err) {
				t.Fatalf("ExecutePipeline() error = %v, want one wrapping %v", err, tt.err)
			}
			if tt.kind != nil && !errors.Is(err, tt.kind) {
				t.Errorf("ExecutePipeline() error = %v, want kind %v", err, tt.kind)
			}
		})
	}
}

func TestExecutePipelineIdempotency(t *testing.T) {
	const key = "order-42"
	wantName := idempotentName(testMachine, key)
	wantRun := "arn:aws:states:eu-west-1:123456789012:execution:orders:" + wantName
	tests := []struct {
		name         string
		jobID        string
		startErr     error
		existing     string // input of the existing execution
		wantErr      error
		wantDescribe bool
	}{
		{"first start", testMachine, nil, "", nil, false},
		{"adopt same input", testMachine, &types.ExecutionAlreadyExists{}, `{ "count" : 3 }`, nil, true},
		{"adopt through alias", testMachine + ":prod", &types.ExecutionAlreadyExists{}, `{"count":3}`, nil, true},
		{"conflict", testMachine, &types.ExecutionAlreadyExists{}, `{"count":4}`, ErrIdempotencyConflict, true},
		{"existing input not returned", testMachine, &types.ExecutionAlreadyExists{}, "<not returned>", ErrIdempotencyConflict, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var starts []*sfn.StartExecutionInput
			f := &fakeClient{
				startExecution: func(ctx context.Context, in *sfn.StartExecutionInput) (*sfn.StartExecutionOutput, error) {
					if tt.startErr != nil {
						starts = append(starts, in)
						return nil, tt.startErr
					}
					return startOK(&starts, nil)(ctx, in)
				},
				describeExecution: func(_ context.Context, in *sfn.DescribeExecutionInput) (*sfn.DescribeExecutionOutput, error) {
					if got := aws.ToString(in.ExecutionArn); got != wantRun {
						t.Errorf("DescribeExecution(%s), want %s", got, wantRun)
					}
					o := &sfn.DescribeExecutionOutput{ExecutionArn: in.ExecutionArn, Input: aws.String(tt.existing),
						Status: types.ExecutionStatusSucceeded, StartDate: aws.Time(t0.Add(-time.Hour))}
					if tt.existing == "<not returned>" {
						o.Input = nil
					}
					return o, nil
				},
			}
			p := testProvider(t, f, Config{}, nil)
			run, err := p.ExecutePipeline(context.Background(), Job{ID: tt.jobID, Type: TypeStandard}, standardParams, WithIdempotencyKey(key))
			if got := aws.ToString(starts[0].Name); got != wantName || !idempotentRE.MatchString(got) || len(got) > 80 {
				t.Errorf("execution name = %q, want %q (valid, at most 80 characters)", got, wantName)
			}
			if (f.count("DescribeExecution") > 0) != tt.wantDescribe {
				t.Errorf("DescribeExecution called %d times, want called = %v", f.count("DescribeExecution"), tt.wantDescribe)
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("ExecutePipeline() error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ExecutePipeline() error = %v", err)
			}
			if run.RunID != wantRun || run.Name != wantName {
				t.Errorf("ExecutePipeline() = %+v, want RunID %s", run, wantRun)
			}
			if tt.wantDescribe && !run.StartedAt.Equal(t0.Add(-time.Hour)) {
				t.Errorf("adopted run StartedAt = %v, want the existing execution's %v", run.StartedAt, t0.Add(-time.Hour))
			}
		})
	}
}

func TestIdempotentNameDependsOnMachineAndKey(t *testing.T) {
	a := idempotentName(testMachine, "k1")
	for _, other := range []string{idempotentName(testMachine, "k2"), idempotentName(testExpress, "k1"), idempotentName(testMachine+"k", "1")} {
		if other == a {
			t.Errorf("idempotentName collision: %s", a)
		}
	}
	if a != idempotentName(testMachine, "k1") {
		t.Errorf("idempotentName is not deterministic")
	}
}

func syncOK(status types.SyncExecutionStatus, output, errName, cause string) func(context.Context, *sfn.StartSyncExecutionInput) (*sfn.StartSyncExecutionOutput, error) {
	return func(_ context.Context, in *sfn.StartSyncExecutionInput) (*sfn.StartSyncExecutionOutput, error) {
		sm, _ := parseStateMachineARN(aws.ToString(in.StateMachineArn))
		e := sm.Execution(aws.ToString(in.Name))
		e.Kind, e.ExpressID = sfnarn.Express, uuid.NewString()
		arn := e.String()
		o := &sfn.StartSyncExecutionOutput{ExecutionArn: aws.String(arn), Name: in.Name, Status: status,
			StartDate: aws.Time(t0), StopDate: aws.Time(t0.Add(2 * time.Second)), Input: in.Input}
		if output != "" {
			o.Output = aws.String(output)
		}
		if errName != "" {
			o.Error, o.Cause = aws.String(errName), aws.String(cause)
		}
		return o, nil
	}
}

func TestExecutePipelineExpress(t *testing.T) {
	tests := []struct {
		name       string
		status     types.SyncExecutionStatus
		output     string
		errName    string
		cause      string
		wantState  RunState
		wantResult string
		wantMsg    string
	}{
		{"succeeded", types.SyncExecutionStatusSucceeded, `{"result":"done","extra":1}`, "", "", RunStateSuccess, "done", ""},
		{"succeeded non-object", types.SyncExecutionStatusSucceeded, `[1]`, "", "", RunStateSuccess, "", "execution output is a JSON array, not a JSON object; parameters left unchanged"},
		{"failed", types.SyncExecutionStatusFailed, "", "States.TaskFailed", "boom", RunStateFailed, "", "execution failed: States.TaskFailed: boom"},
		{"timed out", types.SyncExecutionStatusTimedOut, "", "", "", RunStateFailed, "", "execution timed out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeClient{startSyncExecution: syncOK(tt.status, tt.output, tt.errName, tt.cause)}
			p := testProvider(t, f, Config{}, nil)
			run, err := p.ExecutePipeline(context.Background(), Job{ID: testExpress, Type: "Express"}, standardParams)
			if err != nil {
				t.Fatalf("ExecutePipeline() error = %v", err)
			}
			if run.Status == nil {
				t.Fatalf("ExecutePipeline() returned no Status for an Express run")
			}
			check := func(what string, st RunStatus) {
				t.Helper()
				if st.State != tt.wantState || st.Message != tt.wantMsg || st.RunID != run.RunID {
					t.Errorf("%s = {State %q, Message %q, RunID %s}, want {%q, %q, %s}", what, st.State, st.Message, st.RunID, tt.wantState, tt.wantMsg, run.RunID)
				}
				if got := st.Parameters[1].Value; got != tt.wantResult {
					t.Errorf("%s result parameter = %q, want %q", what, got, tt.wantResult)
				}
				if !st.StartedAt.Equal(t0) || !st.StoppedAt.Equal(t0.Add(2*time.Second)) {
					t.Errorf("%s times = %v..%v", what, st.StartedAt, st.StoppedAt)
				}
			}
			check("run.Status", *run.Status)
			if !strings.Contains(run.RunID, ":express:fast:") {
				t.Errorf("RunID = %s, want an Express execution ARN", run.RunID)
			}
			if !strings.HasSuffix(run.ConsoleURL, fmt.Sprintf("?startDate=%d", t0.UnixMilli())) {
				t.Errorf("ConsoleURL = %s, want the Express link with startDate", run.ConsoleURL)
			}
			// The status is answered from memory, without DescribeExecution (the fake fails any such call).
			st, err := p.GetPipelineRunStatus(context.Background(), run.RunID, standardParams)
			if err != nil {
				t.Fatalf("GetPipelineRunStatus() error = %v", err)
			}
			check("GetPipelineRunStatus()", st)
			if err := p.CancelPipelineRun(context.Background(), run.RunID); !errors.Is(err, ErrNotSupported) || !strings.Contains(err.Error(), "Express") {
				t.Errorf("CancelPipelineRun(express) error = %v, want ErrNotSupported with the reason", err)
			}
			if u, _ := p.ConsoleURL(run.RunID); u != run.ConsoleURL {
				t.Errorf("Provider.ConsoleURL() = %s, want %s", u, run.ConsoleURL)
			}
		})
	}
}

// executeTestExpress runs testExpress n times with ExecutePipeline, failing t on an error, and returns the runs.
func executeTestExpress(t *testing.T, p *Provider, n int) []PipelineRun {
	t.Helper()
	var runs []PipelineRun
	for range n {
		run, err := p.ExecutePipeline(context.Background(), Job{ID: testExpress, Type: TypeExpress}, nil)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run)
	}
	return runs
}

func TestExpressResultsAreBounded(t *testing.T) {
	f := &fakeClient{startSyncExecution: syncOK(types.SyncExecutionStatusSucceeded, `{}`, "", "")}
	p := testProvider(t, f, Config{ExpressResultCapacity: 2}, nil)
	runs := executeTestExpress(t, p, 3)
	_, err := p.GetPipelineRunStatus(context.Background(), runs[0].RunID, nil)
	if !errors.Is(err, ErrRunNotFound) || !strings.Contains(err.Error(), "CloudWatch Logs") {
		t.Errorf("GetPipelineRunStatus(evicted) error = %v, want ErrRunNotFound pointing at CloudWatch Logs", err)
	}
	for _, r := range runs[1:] {
		if _, err := p.GetPipelineRunStatus(context.Background(), r.RunID, nil); err != nil {
			t.Errorf("GetPipelineRunStatus(%s) error = %v", r.RunID, err)
		}
	}
	if n := p.results.(*expressstore.Memory).Len(); n != 2 {
		t.Errorf("express records = %d, want 2", n)
	}
}

func TestExpressResultsAreBoundedInBytes(t *testing.T) {
	output := `{"blob":"` + strings.Repeat("x", 100_000) + `"}`
	f := &fakeClient{startSyncExecution: syncOK(types.SyncExecutionStatusSucceeded, output, "", "")}
	p := testProvider(t, f, Config{ExpressResultBytes: 250_000}, nil) // room for two such outputs
	runs := executeTestExpress(t, p, 3)
	if _, err := p.GetPipelineRunStatus(context.Background(), runs[0].RunID, nil); !errors.Is(err, ErrRunNotFound) {
		t.Errorf("GetPipelineRunStatus(oldest) error = %v, want ErrRunNotFound once the byte bound is reached", err)
	}
	for _, r := range runs[1:] {
		if st, err := p.GetPipelineRunStatus(context.Background(), r.RunID, nil); err != nil || st.Output != output {
			t.Errorf("GetPipelineRunStatus(%s) = output of %d bytes, %v; want the recorded output", r.RunID, len(st.Output), err)
		}
	}
}

func TestExpressIdempotencyWithinProvider(t *testing.T) {
	f := &fakeClient{startSyncExecution: syncOK(types.SyncExecutionStatusSucceeded, `{"result":"r"}`, "", "")}
	p := testProvider(t, f, Config{}, nil)
	job := Job{ID: testExpress, Type: TypeExpress}
	first, err := p.ExecutePipeline(context.Background(), job, standardParams, WithIdempotencyKey("k"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := p.ExecutePipeline(context.Background(), job, standardParams, WithIdempotencyKey("k"))
	if err != nil || again.RunID != first.RunID {
		t.Errorf("repeated ExecutePipeline() = %s, %v; want the recorded run %s", again.RunID, err, first.RunID)
	}
	if n := f.count("StartSyncExecution"); n != 1 {
		t.Errorf("StartSyncExecution called %d times, want 1", n)
	}
	_, err = p.ExecutePipeline(context.Background(), job, []Parameter{in("count", DataTypeNumber, "4")}, WithIdempotencyKey("k"))
	if !errors.Is(err, ErrIdempotencyConflict) {
		t.Errorf("ExecutePipeline(different input) error = %v, want ErrIdempotencyConflict", err)
	}
}

// TestExpressIdempotencyConcurrent checks that concurrent idempotent starts of an Express job share one
// execution, that a concurrent start with other parameters is a conflict, that a waiter's own ctx ends its wait,
// and that a waiter starts the run itself when the starting caller gave up.
func TestExpressIdempotencyConcurrent(t *testing.T) {
	job := Job{ID: testExpress, Type: TypeExpress}
	// blockingSync answers StartSyncExecution once release is closed (or the call's ctx ends), after
	// announcing on started that a call is in flight.
	blockingSync := func(started chan<- struct{}, release <-chan struct{}) func(context.Context, *sfn.StartSyncExecutionInput) (*sfn.StartSyncExecutionOutput, error) {
		ok := syncOK(types.SyncExecutionStatusSucceeded, `{"result":"r"}`, "", "")
		return func(ctx context.Context, in *sfn.StartSyncExecutionInput) (*sfn.StartSyncExecutionOutput, error) {
			started <- struct{}{}
			select {
			case <-release:
				return ok(ctx, in)
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	}

	t.Run("same parameters share one execution", func(t *testing.T) {
		started, release := make(chan struct{}, 8), make(chan struct{})
		f := &fakeClient{startSyncExecution: blockingSync(started, release)}
		p := testProvider(t, f, Config{}, nil)
		type answer struct {
			run PipelineRun
			err error
		}
		answers := make(chan answer, 3)
		start := func(params []Parameter) {
			run, err := p.ExecutePipeline(context.Background(), job, params, WithIdempotencyKey("k"))
			answers <- answer{run, err}
		}
		go start(standardParams)
		<-started // the first start is in flight
		go start(standardParams)
		go start([]Parameter{in("count", DataTypeNumber, "4"), out("result", "")})
		time.Sleep(20 * time.Millisecond) // let the others join the flight; without them the test proves less, not wrongly
		close(release)
		var runs []string
		conflicts := 0
		for range 3 {
			a := <-answers
			switch {
			case errors.Is(a.err, ErrIdempotencyConflict):
				conflicts++
			case a.err != nil:
				t.Errorf("ExecutePipeline() error = %v", a.err)
			default:
				if a.run.Status == nil || a.run.Status.State != RunStateSuccess || a.run.Status.Parameters[1].Value != "r" {
					t.Errorf("ExecutePipeline() status = %+v, want Success with result r", a.run.Status)
				}
				runs = append(runs, a.run.RunID)
			}
		}
		if len(runs) != 2 || runs[0] != runs[1] || conflicts != 1 {
			t.Errorf("runs = %q and %d conflicts, want the same run twice and 1 conflict", runs, conflicts)
		}
		if n := f.count("StartSyncExecution"); n != 1 {
			t.Errorf("StartSyncExecution called %d times, want 1", n)
		}
	})

	t.Run("a waiter's ctx ends its wait", func(t *testing.T) {
		started, release := make(chan struct{}, 8), make(chan struct{})
		defer close(release)
		f := &fakeClient{startSyncExecution: blockingSync(started, release)}
		p := testProvider(t, f, Config{}, nil)
		go func() { _, _ = p.ExecutePipeline(context.Background(), job, standardParams, WithIdempotencyKey("k")) }()
		<-started
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := p.ExecutePipeline(ctx, job, standardParams, WithIdempotencyKey("k"))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("waiting ExecutePipeline() error = %v, want its own context.DeadlineExceeded", err)
		}
	})

	t.Run("a waiter takes over when the starter gives up", func(t *testing.T) {
		started, release := make(chan struct{}, 8), make(chan struct{})
		f := &fakeClient{startSyncExecution: blockingSync(started, release)}
		p := testProvider(t, f, Config{}, nil)
		ctx, cancel := context.WithCancel(context.Background())
		first := make(chan error, 1)
		go func() {
			_, err := p.ExecutePipeline(ctx, job, standardParams, WithIdempotencyKey("k"))
			first <- err
		}()
		<-started
		second := make(chan error, 1)
		go func() {
			_, err := p.ExecutePipeline(context.Background(), job, standardParams, WithIdempotencyKey("k"))
			second <- err
		}()
		time.Sleep(20 * time.Millisecond) // let the second join the first's flight
		cancel()
		if err := <-first; !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled ExecutePipeline() error = %v, want context.Canceled", err)
		}
		<-started // the second starts the run itself
		close(release)
		if err := <-second; err != nil {
			t.Errorf("second ExecutePipeline() error = %v, want the run it started", err)
		}
		if n := f.count("StartSyncExecution"); n != 2 {
			t.Errorf("StartSyncExecution called %d times, want 2 (the abandoned call and the second caller's)", n)
		}
	})
}

// describeMetadataOnly answers DescribeExecution with out when asked for metadata only, and as for an encrypted
// execution without kms:Decrypt otherwise: status checks must not need the key.
func describeMetadataOnly(out *sfn.DescribeExecutionOutput) func(context.Context, *sfn.DescribeExecutionInput) (*sfn.DescribeExecutionOutput, error) {
	return func(_ context.Context, in *sfn.DescribeExecutionInput) (*sfn.DescribeExecutionOutput, error) {
		if in.IncludedData != types.IncludedDataMetadataOnly {
			return nil, &types.KmsAccessDeniedException{Message: aws.String("caller lacks kms:Decrypt")}
		}
		return out, nil
	}
}

func TestCancelPipelineRun(t *testing.T) {
	const run = "arn:aws:states:eu-west-1:123456789012:execution:orders:run-1"
	tests := []struct {
		name     string
		stopErr  error
		status   types.ExecutionStatus // DescribeExecution's answer, when asked
		wantKind error
		wantOK   bool
	}{
		{"running", nil, "", nil, true},
		{"not found", &types.ExecutionDoesNotExist{}, "", ErrRunNotFound, false},
		{"already ended (validation error)", &types.ValidationException{Message: aws.String("not running")}, types.ExecutionStatusSucceeded, nil, true},
		{"validation error while running", &types.ValidationException{}, types.ExecutionStatusRunning, ErrInvalidInput, false},
		{"access denied", genericErr("AccessDeniedException"), "", ErrAccessDenied, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stop *sfn.StopExecutionInput
			f := &fakeClient{stopExecution: recordCall(&stop, &sfn.StopExecutionOutput{StopDate: aws.Time(t0)}, tt.stopErr)}
			if tt.status != "" {
				f.describeExecution = describeMetadataOnly(&sfn.DescribeExecutionOutput{Status: tt.status})
			}
			p := testProvider(t, f, Config{}, nil)
			err := p.CancelPipelineRun(context.Background(), run)
			if tt.wantOK != (err == nil) || (tt.wantKind != nil && !errors.Is(err, tt.wantKind)) {
				t.Errorf("CancelPipelineRun() error = %v, want ok %v kind %v", err, tt.wantOK, tt.wantKind)
			}
			if aws.ToString(stop.ExecutionArn) != run || aws.ToString(stop.Error) != "PolysyncCancellation" || aws.ToString(stop.Cause) != "Cancelled by Polysync" {
				t.Errorf("StopExecution(%+v), want the run with error PolysyncCancellation and cause \"Cancelled by Polysync\"", stop)
			}
		})
	}
}

// Step Functions encrypts StopExecution's error and cause with the state machine's customer managed KMS key, and
// stops the execution without using the key when both are null (StopExecution's API reference). A run whose key
// is disabled, or which its role may no longer use, must still be cancellable: it is stopped without the marker.
func TestCancelPipelineRunEncryptedWithUnusableKey(t *testing.T) {
	const run = "arn:aws:states:eu-west-1:123456789012:execution:orders:run-1"
	for _, kmsErr := range []error{
		&types.KmsInvalidStateException{Message: aws.String("key is disabled"), KmsKeyState: types.KmsKeyStateDisabled},
		&types.KmsAccessDeniedException{Message: aws.String("role may not use the key")},
	} {
		t.Run(apiErrorCode(kmsErr), func(t *testing.T) {
			var stops []*sfn.StopExecutionInput
			f := &fakeClient{stopExecution: func(_ context.Context, in *sfn.StopExecutionInput) (*sfn.StopExecutionOutput, error) {
				stops = append(stops, in)
				if in.Error != nil || in.Cause != nil {
					return nil, kmsErr
				}
				return &sfn.StopExecutionOutput{StopDate: aws.Time(t0)}, nil
			}}
			p := testProvider(t, f, Config{}, nil)
			if err := p.CancelPipelineRun(context.Background(), run); err != nil {
				t.Fatalf("CancelPipelineRun() error = %v, want the run stopped without error and cause", err)
			}
			if len(stops) != 2 || stops[1].Error != nil || stops[1].Cause != nil || aws.ToString(stops[1].ExecutionArn) != run {
				t.Errorf("StopExecution calls = %+v, want a second one for the run without error and cause", stops)
			}
		})
	}
}

// recordCall returns a fake SDK call that keeps its input in *in and answers err, or out when err is nil.
func recordCall[In, Out any](in **In, out *Out, err error) func(context.Context, *In) (*Out, error) {
	return func(_ context.Context, got *In) (*Out, error) {
		*in = got
		if err != nil {
			return nil, err
		}
		return out, nil
	}
}

func TestRedrivePipelineRun(t *testing.T) {
	const run = "arn:aws:states:eu-west-1:123456789012:execution:orders:run-1"
	notRedrivable := &types.ExecutionNotRedrivable{Message: aws.String("Execution with the execution ARN cannot be redriven")}
	tests := []struct {
		name       string
		redriveErr error
		described  *sfn.DescribeExecutionOutput // DescribeExecution's answer, when asked
		wantKind   error
		wantOK     bool
		wantInErr  string
	}{
		{"failed run is redriven", nil, nil, nil, true, ""},
		{"already running", notRedrivable, &sfn.DescribeExecutionOutput{Status: types.ExecutionStatusRunning}, nil, true, ""},
		{"succeeded run", notRedrivable, &sfn.DescribeExecutionOutput{Status: types.ExecutionStatusSucceeded,
			RedriveStatusReason: aws.String("Execution is SUCCEEDED and cannot be redriven")}, ErrNotRedrivable, false,
			"the run is SUCCEEDED and Step Functions says: Execution is SUCCEEDED and cannot be redriven"},
		{"not found", &types.ExecutionDoesNotExist{}, nil, ErrRunNotFound, false, ""},
		{"access denied", genericErr("AccessDeniedException"), nil, ErrAccessDenied, false, "states:RedriveExecution on the execution ARN " + run},
		{"throttled", genericErr("ThrottlingException"), nil, ErrThrottled, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *sfn.RedriveExecutionInput
			f := &fakeClient{redriveExecution: recordCall(&got, &sfn.RedriveExecutionOutput{RedriveDate: aws.Time(t0)}, tt.redriveErr)}
			if tt.described != nil {
				f.describeExecution = describeMetadataOnly(tt.described)
			}
			p := testProvider(t, f, Config{MaxAttempts: 1}, nil)
			err := p.RedrivePipelineRun(context.Background(), run)
			if tt.wantOK != (err == nil) || (tt.wantKind != nil && !errors.Is(err, tt.wantKind)) {
				t.Errorf("RedrivePipelineRun() error = %v, want ok %v kind %v", err, tt.wantOK, tt.wantKind)
			}
			if err != nil && !strings.Contains(err.Error(), tt.wantInErr) {
				t.Errorf("RedrivePipelineRun() error = %v, want it to contain %q", err, tt.wantInErr)
			}
			if aws.ToString(got.ExecutionArn) != run {
				t.Errorf("RedriveExecution(%+v), want the run %s", got, run)
			}
		})
	}
}

func TestRedrivePipelineRunRefusesBeforeCallingAWS(t *testing.T) {
	tests := []struct {
		name, runID string
		wantKind    error
		want        string
	}{
		{"Express run", "arn:aws:states:eu-west-1:123456789012:express:fast:run-1:5c2a4f6e-1b7d-4e1c-9a4b-2f6d8e0c1a3b", ErrNotSupported, "Express execution cannot be redriven"},
		{"state machine ARN", testMachine, ErrInvalidInput, "not an execution ARN"},
		{"other region", "arn:aws:states:us-east-1:123456789012:execution:orders:x", ErrInvalidInput, "is in region us-east-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeClient{}
			err := testProvider(t, f, Config{}, nil).RedrivePipelineRun(context.Background(), tt.runID)
			if !errors.Is(err, tt.wantKind) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("RedrivePipelineRun(%s) error = %v, want %v containing %q", tt.runID, err, tt.wantKind, tt.want)
			}
			if n := f.count("RedriveExecution"); n != 0 {
				t.Errorf("RedriveExecution called %d times, want none", n)
			}
		})
	}
}

func TestRunIDValidation(t *testing.T) {
	tests := []struct{ runID, want string }{
		{"", "empty ARN"},
		{testMachine, "not an execution ARN"},
		{"arn:aws:states:us-east-1:123456789012:execution:orders:x", "is in region us-east-1"},
		{"arn:aws:sqs:eu-west-1:123456789012:execution:orders:x", "not a Step Functions ARN"},
	}
	for _, tt := range tests {
		t.Run(tt.runID, func(t *testing.T) {
			p := testProvider(t, &fakeClient{}, Config{}, nil)
			_, err := p.GetPipelineRunStatus(context.Background(), tt.runID, nil)
			if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("GetPipelineRunStatus(%q) error = %v, want ErrInvalidInput containing %q", tt.runID, err, tt.want)
			}
			err = p.CancelPipelineRun(context.Background(), tt.runID)
			if !errors.Is(err, ErrInvalidInput) {
				t.Errorf("CancelPipelineRun(%q) error = %v, want ErrInvalidInput", tt.runID, err)
			}
		})
	}
}

func TestConcurrentStartsAndStatus(t *testing.T) {
	var mu sync.Mutex
	f := &fakeClient{
		startExecution: startOK(nil, &mu),
		describeExecution: func(_ context.Context, in *sfn.DescribeExecutionInput) (*sfn.DescribeExecutionOutput, error) {
			return &sfn.DescribeExecutionOutput{ExecutionArn: in.ExecutionArn, Status: types.ExecutionStatusSucceeded, Output: aws.String(`{"result":"ok"}`)}, nil
		},
		startSyncExecution: syncOK(types.SyncExecutionStatusSucceeded, `{"result":"ok"}`, "", ""),
		describeStateMachine: func(_ context.Context, in *sfn.DescribeStateMachineInput) (*sfn.DescribeStateMachineOutput, error) {
			return &sfn.DescribeStateMachineOutput{Type: types.StateMachineTypeExpress}, nil
		},
	}
	p := testProvider(t, f, Config{ExpressResultCapacity: 8}, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 32 {
		wg.Go(func() {
			job := Job{ID: testMachine, Type: TypeStandard}
			if i%2 == 1 {
				job = Job{ID: testExpress}
			}
			params := []Parameter{in("i", DataTypeNumber, fmt.Sprint(i)), out("result", "")}
			run, err := p.ExecutePipeline(context.Background(), job, params)
			if err != nil {
				errs <- err
				return
			}
			st, err := p.GetPipelineRunStatus(context.Background(), run.RunID, params)
			if err != nil && !errors.Is(err, ErrRunNotFound) { // Express results may be evicted by then
				errs <- err
				return
			}
			if err == nil && st.Parameters[1].Value != "ok" {
				errs <- fmt.Errorf("run %s result = %q", run.RunID, st.Parameters[1].Value)
			}
			if params[1].Value != "" {
				errs <- errors.New("caller's parameters modified")
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestExecutePipelineWrongTypeForExpressMachine(t *testing.T) {
	f := &fakeClient{
		startExecution: func(_ context.Context, in *sfn.StartExecutionInput) (*sfn.StartExecutionOutput, error) {
			return &sfn.StartExecutionOutput{StartDate: aws.Time(t0),
				ExecutionArn: aws.String("arn:aws:states:eu-west-1:123456789012:express:fast:" + aws.ToString(in.Name) + ":5c2a4f6e-1b7d-4e1c-9a4b-2f6d8e0c1a3b")}, nil
		},
		startSyncExecution: syncOK(types.SyncExecutionStatusSucceeded, "{}", "", ""),
	}
	p := testProvider(t, f, Config{}, nil)
	run, err := p.ExecutePipeline(context.Background(), Job{ID: testExpress, Type: TypeStandard}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status == nil || run.Status.State != RunStateUnknown || !strings.Contains(run.Status.Message, "CloudWatch Logs") {
		t.Errorf("ExecutePipeline(Express machine typed STANDARD) = %+v, want an Unknown status explaining why", run.Status)
	}
	// The console opens an Express execution only with its start date, which StartExecution returned.
	if want := fmt.Sprintf("#/express-executions/details/%s?startDate=%d", run.RunID, t0.UnixMilli()); !strings.HasSuffix(run.ConsoleURL, want) {
		t.Errorf("ConsoleURL = %q, want it to end in %q", run.ConsoleURL, want)
	}
	// The next start without a type uses StartSyncExecution.
	run, err = p.ExecutePipeline(context.Background(), Job{ID: testExpress}, nil)
	if err != nil || run.Status == nil || run.Status.State != RunStateSuccess {
		t.Errorf("ExecutePipeline() after learning the type = %+v, %v; want a synchronous Express run", run, err)
	}
}

func TestLogsNeverContainValues(t *testing.T) {
	const secret = "hunter2-SECRET"
	var buf testkit.LockedBuffer
	var mu sync.Mutex
	f := &fakeClient{startExecution: startOK(nil, &mu), startSyncExecution: syncOK(types.SyncExecutionStatusSucceeded, `{"token":"`+secret+`"}`, "", "")}
	p := testProvider(t, f, Config{Logger: slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))}, nil)
	params := []Parameter{in("password", DataTypeString, secret), out("token", "")}
	if _, err := p.ExecutePipeline(context.Background(), Job{ID: testMachine, Type: TypeStandard}, params); err != nil {
		t.Fatal(err)
	}
	if _, err := p.ExecutePipeline(context.Background(), Job{ID: testExpress, Type: TypeExpress}, params); err != nil {
		t.Fatal(err)
	}
	logs := buf.String()
	if strings.Contains(logs, secret) {
		t.Errorf("logs reveal a parameter value:\n%s", logs)
	}
	if !strings.Contains(logs, `"input_bytes":29`) || !strings.Contains(logs, `"run":"arn:aws:states:eu-west-1:123456789012:execution:orders:Polysync-`) {
		t.Errorf("logs lack the run and input size:\n%s", logs)
	}
}

func TestCancelPipelineRunRightAfterStart(t *testing.T) {
	const run = "arn:aws:states:eu-west-1:123456789012:execution:orders:custom-name"
	tests := []struct {
		name         string
		startedHere  bool
		notVisible   int // StopExecution answers ExecutionDoesNotExist this many times
		wantErr      error
		wantAttempts int
	}{
		{"visible after two attempts", true, 2, nil, 3},
		{"never visible", true, 1000, ErrRunNotFound, 0},
		{"not started here", false, 1000, ErrRunNotFound, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := t0
			attempts := 0
			f := &fakeClient{stopExecution: func(context.Context, *sfn.StopExecutionInput) (*sfn.StopExecutionOutput, error) {
				attempts++
				if attempts <= tt.notVisible {
					return nil, &types.ExecutionDoesNotExist{}
				}
				return &sfn.StopExecutionOutput{StopDate: aws.Time(now)}, nil
			}}
			p := testProvider(t, f, Config{}, &now)
			if tt.startedHere {
				p.started.put(run, t0)
			}
			err := p.CancelPipelineRun(context.Background(), run)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("CancelPipelineRun() error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantAttempts > 0 && attempts != tt.wantAttempts {
				t.Errorf("StopExecution attempts = %d, want %d", attempts, tt.wantAttempts)
			}
			if waited := now.Sub(t0); waited > DefaultNotFoundGrace+4*time.Second {
				t.Errorf("CancelPipelineRun() kept retrying for %v, beyond the grace of %v", waited, DefaultNotFoundGrace)
			}
		})
	}
}
