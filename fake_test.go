package stepfunctions

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go"

	"github.com/polysync/stepfunctions/internal/sfnapi"
)

// fakeClient implements sfnapi.Client with one function per operation; an operation without a function fails
// the test when called. It counts calls per operation.
type fakeClient struct {
	t                    *testing.T
	listStateMachines    func(context.Context, *sfn.ListStateMachinesInput) (*sfn.ListStateMachinesOutput, error)
	describeStateMachine func(context.Context, *sfn.DescribeStateMachineInput) (*sfn.DescribeStateMachineOutput, error)
	startExecution       func(context.Context, *sfn.StartExecutionInput) (*sfn.StartExecutionOutput, error)
	startSyncExecution   func(context.Context, *sfn.StartSyncExecutionInput) (*sfn.StartSyncExecutionOutput, error)
	describeExecution    func(context.Context, *sfn.DescribeExecutionInput) (*sfn.DescribeExecutionOutput, error)
	stopExecution        func(context.Context, *sfn.StopExecutionInput) (*sfn.StopExecutionOutput, error)
	getExecutionHistory  func(context.Context, *sfn.GetExecutionHistoryInput) (*sfn.GetExecutionHistoryOutput, error)
	listExecutions       func(context.Context, *sfn.ListExecutionsInput) (*sfn.ListExecutionsOutput, error)
	redriveExecution     func(context.Context, *sfn.RedriveExecutionInput) (*sfn.RedriveExecutionOutput, error)
	listVersions         func(context.Context, *sfn.ListStateMachineVersionsInput) (*sfn.ListStateMachineVersionsOutput, error)
	listAliases          func(context.Context, *sfn.ListStateMachineAliasesInput) (*sfn.ListStateMachineAliasesOutput, error)
	describeAlias        func(context.Context, *sfn.DescribeStateMachineAliasInput) (*sfn.DescribeStateMachineAliasOutput, error)
	validateDefinition   func(context.Context, *sfn.ValidateStateMachineDefinitionInput) (*sfn.ValidateStateMachineDefinitionOutput, error)
	listMapRuns          func(context.Context, *sfn.ListMapRunsInput) (*sfn.ListMapRunsOutput, error)
	describeMapRun       func(context.Context, *sfn.DescribeMapRunInput) (*sfn.DescribeMapRunOutput, error)

	mu    sync.Mutex
	calls map[string]int
}

var _ sfnapi.Client = (*fakeClient)(nil)

func call[In, Out any](f *fakeClient, op string, fn func(context.Context, In) (Out, error), ctx context.Context, in In) (Out, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = make(map[string]int)
	}
	f.calls[op]++
	f.mu.Unlock()
	if fn == nil {
		f.t.Errorf("unexpected call to %s", op)
		var zero Out
		return zero, errors.New("unexpected call to " + op)
	}
	return fn(ctx, in)
}

func (f *fakeClient) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

func (f *fakeClient) ListStateMachines(ctx context.Context, in *sfn.ListStateMachinesInput, _ ...func(*sfn.Options)) (*sfn.ListStateMachinesOutput, error) {
	return call(f, "ListStateMachines", f.listStateMachines, ctx, in)
}

func (f *fakeClient) DescribeStateMachine(ctx context.Context, in *sfn.DescribeStateMachineInput, _ ...func(*sfn.Options)) (*sfn.DescribeStateMachineOutput, error) {
	return call(f, "DescribeStateMachine", f.describeStateMachine, ctx, in)
}

func (f *fakeClient) StartExecution(ctx context.Context, in *sfn.StartExecutionInput, _ ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error) {
	return call(f, "StartExecution", f.startExecution, ctx, in)
}

func (f *fakeClient) StartSyncExecution(ctx context.Context, in *sfn.StartSyncExecutionInput, _ ...func(*sfn.Options)) (*sfn.StartSyncExecutionOutput, error) {
	return call(f, "StartSyncExecution", f.startSyncExecution, ctx, in)
}

func (f *fakeClient) DescribeExecution(ctx context.Context, in *sfn.DescribeExecutionInput, _ ...func(*sfn.Options)) (*sfn.DescribeExecutionOutput, error) {
	return call(f, "DescribeExecution", f.describeExecution, ctx, in)
}

func (f *fakeClient) StopExecution(ctx context.Context, in *sfn.StopExecutionInput, _ ...func(*sfn.Options)) (*sfn.StopExecutionOutput, error) {
	return call(f, "StopExecution", f.stopExecution, ctx, in)
}

func (f *fakeClient) RedriveExecution(ctx context.Context, in *sfn.RedriveExecutionInput, _ ...func(*sfn.Options)) (*sfn.RedriveExecutionOutput, error) {
	return call(f, "RedriveExecution", f.redriveExecution, ctx, in)
}

func (f *fakeClient) ListExecutions(ctx context.Context, in *sfn.ListExecutionsInput, _ ...func(*sfn.Options)) (*sfn.ListExecutionsOutput, error) {
	return call(f, "ListExecutions", f.listExecutions, ctx, in)
}

func (f *fakeClient) GetExecutionHistory(ctx context.Context, in *sfn.GetExecutionHistoryInput, _ ...func(*sfn.Options)) (*sfn.GetExecutionHistoryOutput, error) {
	return call(f, "GetExecutionHistory", f.getExecutionHistory, ctx, in)
}

func (f *fakeClient) ListStateMachineVersions(ctx context.Context, in *sfn.ListStateMachineVersionsInput, _ ...func(*sfn.Options)) (*sfn.ListStateMachineVersionsOutput, error) {
	return call(f, "ListStateMachineVersions", f.listVersions, ctx, in)
}

func (f *fakeClient) ListStateMachineAliases(ctx context.Context, in *sfn.ListStateMachineAliasesInput, _ ...func(*sfn.Options)) (*sfn.ListStateMachineAliasesOutput, error) {
	return call(f, "ListStateMachineAliases", f.listAliases, ctx, in)
}

func (f *fakeClient) DescribeStateMachineAlias(ctx context.Context, in *sfn.DescribeStateMachineAliasInput, _ ...func(*sfn.Options)) (*sfn.DescribeStateMachineAliasOutput, error) {
	return call(f, "DescribeStateMachineAlias", f.describeAlias, ctx, in)
}

func (f *fakeClient) ValidateStateMachineDefinition(ctx context.Context, in *sfn.ValidateStateMachineDefinitionInput, _ ...func(*sfn.Options)) (*sfn.ValidateStateMachineDefinitionOutput, error) {
	return call(f, "ValidateStateMachineDefinition", f.validateDefinition, ctx, in)
}

func (f *fakeClient) ListMapRuns(ctx context.Context, in *sfn.ListMapRunsInput, _ ...func(*sfn.Options)) (*sfn.ListMapRunsOutput, error) {
	return call(f, "ListMapRuns", f.listMapRuns, ctx, in)
}

func (f *fakeClient) DescribeMapRun(ctx context.Context, in *sfn.DescribeMapRunInput, _ ...func(*sfn.Options)) (*sfn.DescribeMapRunOutput, error) {
	return call(f, "DescribeMapRun", f.describeMapRun, ctx, in)
}

// genericErr returns an API error with code, as the SDK returns for codes it does not model.
func genericErr(code string) error {
	return &smithy.GenericAPIError{Code: code, Message: "test " + code}
}

// unlimited disables every client-side rate limit.
func unlimited() map[string]RateLimit {
	m := make(map[string]RateLimit)
	for name := range DefaultRateLimits("eu-west-1") {
		m[name] = RateLimit{}
	}
	return m
}

// testProvider returns a Provider in eu-west-1 on f, without rate limits, whose clock is *now.
func testProvider(t *testing.T, f *fakeClient, cfg Config, now *time.Time) *Provider {
	t.Helper()
	f.t = t
	if cfg.Region == "" {
		cfg.Region = "eu-west-1"
	}
	if cfg.RateLimits == nil {
		cfg.RateLimits = unlimited()
	}
	p, err := newProvider(f, cfg)
	if err != nil {
		t.Fatalf("newProvider() error = %v", err)
	}
	if now != nil {
		p.now = func() time.Time { return *now }
		p.sleep = func(_ context.Context, d time.Duration) error { *now = now.Add(d); return nil }
	}
	return p
}
