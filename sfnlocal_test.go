package stepfunctions_test

// These tests run the provider through the real SDK client against the embedded Step Functions endpoint
// (sfnlocal), which runs the state machines: serialisation, pagination, error codes, the Express host prefix,
// retries, throttling and eventual consistency all go over the wire.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"golang.org/x/sync/errgroup"

	"github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/auth"
	"github.com/polysync/stepfunctions/sfnlocal"
	"github.com/polysync/stepfunctions/sfnlocal/sfnlocaltest"
)

const (
	localRegion  = "eu-west-1"
	localRole    = "arn:aws:iam::123456789012:role/polysync-test"
	localLogARN  = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/polysync:*"
	adminKey     = "AKIDLOCALADMIN000001"
	providerKey  = "AKIDLOCALPROVIDER001"
	localSecret  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYLOCALKEY"
	echoTask     = "arn:aws:lambda:eu-west-1:123456789012:function:echo"
	blockTask    = "arn:aws:lambda:eu-west-1:123456789012:function:block"
	failTask     = "arn:aws:lambda:eu-west-1:123456789012:function:fail"
	statusWithin = 20 * time.Second // generous bound for a run to end; runs end in milliseconds
)

// localEnv is an sfnlocal server on loopback with an SDK client for setting up state machines.
type localEnv struct {
	t     testing.TB
	srv   *sfnlocal.Server
	url   string
	admin *sfn.Client
}

// newLocalEnv serves a new sfnlocal server in localRegion on 127.0.0.1.
func newLocalEnv(t testing.TB, opts ...sfnlocal.Option) *localEnv {
	t.Helper()
	srv := sfnlocal.New(append([]sfnlocal.Option{sfnlocal.WithRegion(localRegion)}, opts...)...)
	url, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatalf("Listen() error = %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close() error = %v", err)
		}
	})
	admin := sfn.New(sfn.Options{
		Region:           localRegion,
		BaseEndpoint:     aws.String(url),
		Credentials:      credentials.NewStaticCredentialsProvider(adminKey, localSecret, ""),
		RetryMaxAttempts: 1,
		HTTPClient:       sfnlocaltest.HTTPClient(), // reads large responses reliably
	})
	return &localEnv{t: t, srv: srv, url: url, admin: admin}
}

// provider returns a Provider on the server, signing with providerKey. Unset rate limits are off and backoff
// is short, so tests are not slowed down by limits they do not test.
func (e *localEnv) provider(cfg stepfunctions.Config) *stepfunctions.Provider {
	e.t.Helper()
	cfg.Region = localRegion
	cfg.Endpoint = e.url
	if cfg.Credentials == nil {
		cfg.Credentials = auth.Static(providerKey, localSecret, "")
	}
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = 10 * time.Millisecond
	}
	if cfg.RateLimits == nil {
		cfg.RateLimits = noRateLimits()
	}
	p, err := stepfunctions.New(context.Background(), cfg)
	if err != nil {
		e.t.Fatalf("stepfunctions.New() error = %v", err)
	}
	return p
}

// noRateLimits turns every client-side rate limit off.
func noRateLimits() map[string]stepfunctions.RateLimit {
	m := stepfunctions.DefaultRateLimits(localRegion)
	for api := range m {
		m[api] = stepfunctions.RateLimit{}
	}
	return m
}

// machineSpec describes a state machine to create.
type machineSpec struct {
	name       string
	typ        types.StateMachineType // default STANDARD
	definition string                 // default: one Task state calling echoTask
	logging    types.LogLevel         // default: no logging configuration
	tracing    bool
}

// create creates the state machine and returns its ARN.
func (e *localEnv) create(spec machineSpec) string {
	e.t.Helper()
	arn, err := e.tryCreate(context.Background(), spec)
	if err != nil {
		e.t.Fatalf("CreateStateMachine(%s) error = %v", spec.name, err)
	}
	return arn
}

// publish publishes the state machine arn as it is now, with description (none for ""), and returns the version's
// ARN.
func (e *localEnv) publish(arn, description string) string {
	e.t.Helper()
	in := &sfn.PublishStateMachineVersionInput{StateMachineArn: &arn}
	if description != "" {
		in.Description = &description
	}
	out, err := e.admin.PublishStateMachineVersion(context.Background(), in)
	if err != nil {
		e.t.Fatalf("PublishStateMachineVersion() error = %v", err)
	}
	return aws.ToString(out.StateMachineVersionArn)
}

// createAlias creates the alias name with routes and returns its ARN.
func (e *localEnv) createAlias(name string, routes ...types.RoutingConfigurationListItem) string {
	e.t.Helper()
	out, err := e.admin.CreateStateMachineAlias(context.Background(), &sfn.CreateStateMachineAliasInput{Name: &name,
		RoutingConfiguration: routes})
	if err != nil {
		e.t.Fatalf("CreateStateMachineAlias() error = %v", err)
	}
	return aws.ToString(out.StateMachineAliasArn)
}

// route sends weight percent of an alias's runs to version.
func route(version string, weight int32) types.RoutingConfigurationListItem {
	return types.RoutingConfigurationListItem{StateMachineVersionArn: &version, Weight: weight}
}

func (e *localEnv) tryCreate(ctx context.Context, spec machineSpec) (string, error) {
	in := &sfn.CreateStateMachineInput{
		Name:       aws.String(spec.name),
		Definition: aws.String(spec.definition),
		RoleArn:    aws.String(localRole),
		Type:       spec.typ,
	}
	if spec.definition == "" {
		in.Definition = aws.String(taskDefinition(echoTask))
	}
	if in.Type == "" {
		in.Type = types.StateMachineTypeStandard
	}
	if spec.logging != "" {
		// As on AWS, a state machine logs only to a log group that exists.
		_ = e.srv.CreateLogGroup("/aws/vendedlogs/states/polysync") // an error: it exists already
		in.LoggingConfiguration = &types.LoggingConfiguration{Level: spec.logging, IncludeExecutionData: true,
			Destinations: []types.LogDestination{{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{LogGroupArn: aws.String(localLogARN)}}}}
	}
	if spec.tracing {
		in.TracingConfiguration = &types.TracingConfiguration{Enabled: true}
	}
	out, err := e.admin.CreateStateMachine(ctx, in)
	if err != nil {
		return "", err
	}
	return aws.ToString(out.StateMachineArn), nil
}

// createMany creates n Standard state machines named prefix-0000... concurrently and returns their ARNs.
func (e *localEnv) createMany(prefix string, n int) []string {
	e.t.Helper()
	arns := make([]string, n)
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(8)
	for i := range n {
		g.Go(func() error {
			arn, err := e.tryCreate(ctx, machineSpec{name: fmt.Sprintf("%s-%04d", prefix, i)})
			arns[i] = arn
			return err
		})
	}
	if err := g.Wait(); err != nil {
		e.t.Fatalf("create %d state machines: %v", n, err)
	}
	return arns
}

// calls returns the server's call counter of op.
func (e *localEnv) calls(op string) int { return e.srv.Calls(op) }

// taskDefinition is a state machine with one Task state calling resource.
func taskDefinition(resource string) string {
	return fmt.Sprintf(`{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":%q,"End":true}}}`, resource)
}

// taskLog records the inputs a TaskFunc received.
type taskLog struct {
	mu     sync.Mutex
	inputs []string
}

func (l *taskLog) add(in json.RawMessage) {
	l.mu.Lock()
	l.inputs = append(l.inputs, string(in))
	l.mu.Unlock()
}

func (l *taskLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.inputs...)
}

// registerTasks binds echoTask (returns result, records its input), failTask (fails with Payment.Declined)
// and blockTask (runs until the execution is stopped or release is closed, then returns {"released":true}).
func (e *localEnv) registerTasks(result string, release <-chan struct{}) *taskLog {
	log := &taskLog{}
	e.srv.RegisterTask(echoTask, func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		log.add(in)
		return json.RawMessage(result), nil
	})
	e.srv.RegisterTask(failTask, func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		log.add(in)
		return nil, &sfnlocal.TaskError{Name: "Payment.Declined", Cause: "card expired"}
	})
	e.srv.RegisterTask(blockTask, func(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
		log.add(in)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-release:
			return json.RawMessage(`{"released":true}`), nil
		}
	})
	return log
}

// waitEnded polls GetPipelineRunStatus until the run is no longer Running.
// executeToEnd starts job with params, failing t on an error, and waits for the run's end (see waitEnded).
func executeToEnd(t *testing.T, p *stepfunctions.Provider, job stepfunctions.Job, params []stepfunctions.Parameter) stepfunctions.RunStatus {
	t.Helper()
	run, err := p.ExecutePipeline(context.Background(), job, params)
	if err != nil {
		t.Fatalf("ExecutePipeline() error = %v", err)
	}
	return waitEnded(t, p, run.RunID, params)
}

func waitEnded(t *testing.T, p *stepfunctions.Provider, runID string, params []stepfunctions.Parameter) stepfunctions.RunStatus {
	t.Helper()
	deadline := time.Now().Add(statusWithin)
	for {
		st, err := p.GetPipelineRunStatus(context.Background(), runID, params)
		if err != nil {
			t.Fatalf("GetPipelineRunStatus(%s) error = %v", runID, err)
		}
		if st.State != stepfunctions.RunStateRunning {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("GetPipelineRunStatus(%s) still Running after %v", runID, statusWithin)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// errOf returns the error of a call whose answer the test does not need, so that a case's call is one
// expression: func(ctx context.Context, p *stepfunctions.Provider) error { return errOf(p.ListJobs(ctx)) }.
func errOf[Out any](_ Out, err error) error { return err }

// sameJSONText reports whether a and b are equal JSON values.
func sameJSONText(t *testing.T, a, b string) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal([]byte(a), &va); err != nil {
		t.Fatalf("not JSON: %q: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		t.Fatalf("not JSON: %q: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}

// paramValues returns the parameters' values by name.
func paramValues(params []stepfunctions.Parameter) map[string]string {
	m := make(map[string]string, len(params))
	for _, p := range params {
		m[p.Name] = p.Value
	}
	return m
}

func TestLocalListJobs(t *testing.T) {
	t.Run("fields of both types", func(t *testing.T) {
		e := newLocalEnv(t)
		specs := []machineSpec{
			{name: "orders", typ: types.StateMachineTypeStandard, logging: types.LogLevelError, tracing: true},
			{name: "quotes", typ: types.StateMachineTypeExpress, logging: types.LogLevelAll},
			{name: "plain", typ: types.StateMachineTypeStandard},
		}
		want := map[string]stepfunctions.Job{}
		for _, s := range specs {
			arn := e.create(s)
			d, err := e.admin.DescribeStateMachine(context.Background(), &sfn.DescribeStateMachineInput{StateMachineArn: &arn})
			if err != nil {
				t.Fatalf("DescribeStateMachine(%s) error = %v", arn, err)
			}
			level := string(s.logging)
			if level == "" {
				level = "OFF"
			}
			want[arn] = stepfunctions.Job{ID: arn, Name: s.name, Type: string(s.typ), RoleARN: localRole, Status: "ACTIVE",
				CreatedAt: aws.ToTime(d.CreationDate), LoggingLevel: level, TracingEnabled: s.tracing,
				RevisionID: aws.ToString(d.RevisionId),
				// create logs with includeExecutionData: an Express machine at level ALL keeps its results there.
				ExpressResultsRecoverable: s.typ == types.StateMachineTypeExpress && s.logging == types.LogLevelAll}
		}
		jobs, err := e.provider(stepfunctions.Config{}).ListJobs(context.Background())
		if err != nil {
			t.Fatalf("ListJobs() error = %v", err)
		}
		if len(jobs) != len(specs) {
			t.Fatalf("ListJobs() returned %d jobs, want %d: %+v", len(jobs), len(specs), jobs)
		}
		for _, j := range jobs {
			w, ok := want[j.ID]
			if !ok {
				t.Errorf("ListJobs() returned unknown job %s", j.ID)
				continue
			}
			if j.CreatedAt.IsZero() || j.RevisionID == "" {
				t.Errorf("job %s: CreatedAt %v, RevisionID %q, want both set", j.Name, j.CreatedAt, j.RevisionID)
			}
			if !j.CreatedAt.Equal(w.CreatedAt) {
				t.Errorf("job %s: CreatedAt = %v, want %v", j.Name, j.CreatedAt, w.CreatedAt)
			}
			j.CreatedAt = w.CreatedAt
			if !reflect.DeepEqual(j, w) {
				t.Errorf("job %s = %+v, want %+v", j.Name, j, w)
			}
		}
	})

	t.Run("more than one page", func(t *testing.T) {
		// The provider asks for pages of 1000, the largest Step Functions returns, so two pages take 1001.
		e := newLocalEnv(t)
		arns := e.createMany("bulk", 1001)
		before := e.srv.CallCounts()
		jobs, err := e.provider(stepfunctions.Config{}).ListJobs(context.Background())
		if err != nil {
			t.Fatalf("ListJobs() error = %v", err)
		}
		if len(jobs) != len(arns) {
			t.Fatalf("ListJobs() returned %d jobs, want %d", len(jobs), len(arns))
		}
		got := make([]string, len(jobs))
		for i, j := range jobs {
			if !strings.HasSuffix(j.ID, ":"+j.Name) || j.Type != stepfunctions.TypeStandard || j.RoleARN != localRole {
				t.Errorf("job %d = %+v, want its name, type STANDARD and role %s", i, j, localRole)
			}
			got[i] = j.ID
		}
		slices.Sort(got)
		if !slices.Equal(got, arns) { // arns are sorted by name
			t.Errorf("ListJobs() IDs differ from the created state machines")
		}
		after := e.srv.CallCounts()
		if got := after["ListStateMachines"] - before["ListStateMachines"]; got != 2 {
			t.Errorf("ListStateMachines calls = %d, want 2 pages", got)
		}
		if got := after["DescribeStateMachine"] - before["DescribeStateMachine"]; got != len(arns) {
			t.Errorf("DescribeStateMachine calls = %d, want one per state machine (%d)", got, len(arns))
		}
	})

	t.Run("deleted between list and describe is skipped", func(t *testing.T) {
		e := newLocalEnv(t)
		arns := e.createMany("race", 5)
		victim := arns[2]
		// The SDK cannot add the CA bundle of the environment to a custom HTTP client.
		t.Setenv("AWS_CA_BUNDLE", "")
		// The first DescribeStateMachine request deletes the victim before it reaches the server: ListStateMachines
		// has listed it by then, and every describe sees it gone.
		var once sync.Once
		hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Header.Get("X-Amz-Target") == "AWSStepFunctions.DescribeStateMachine" {
				once.Do(func() {
					if _, err := e.admin.DeleteStateMachine(r.Context(), &sfn.DeleteStateMachineInput{StateMachineArn: &victim}); err != nil {
						t.Errorf("DeleteStateMachine() error = %v", err)
					}
				})
			}
			return http.DefaultTransport.RoundTrip(r)
		})}
		jobs, err := e.provider(stepfunctions.Config{HTTPClient: hc}).ListJobs(context.Background())
		if err != nil {
			t.Fatalf("ListJobs() error = %v", err)
		}
		var got []string
		for _, j := range jobs {
			got = append(got, j.ID)
		}
		slices.Sort(got)
		want := slices.Delete(slices.Clone(arns), 2, 3)
		if !slices.Equal(got, want) {
			t.Errorf("ListJobs() IDs = %v, want %v (without the deleted %s)", got, want, victim)
		}
		if n := e.calls("DescribeStateMachine"); n != len(arns) {
			t.Errorf("DescribeStateMachine calls = %d, want %d (the deleted one was described too)", n, len(arns))
		}
	})
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestLocalRunStandard(t *testing.T) {
	e := newLocalEnv(t)
	release := make(chan struct{})
	defer close(release)
	tasks := e.registerTasks(`{"Result":"shipped","COUNT":3,"details":{"carrier":"DHL","eta":2},"flag":true,"Note":"a","note":"b"}`, release)
	echo := e.create(machineSpec{name: "echo"})
	fail := e.create(machineSpec{name: "fail", definition: taskDefinition(failTask)})
	p := e.provider(stepfunctions.Config{TraceHeader: "Root=1-5759e988-bd862e3fe1be46a994272793"})

	t.Run("input, output mapping and trace header", func(t *testing.T) {
		params := []stepfunctions.Parameter{
			{Name: "orderId", Direction: stepfunctions.DirectionInput, DataType: stepfunctions.DataTypeString, Value: "A-1001"},
			{Name: "quantity", Direction: stepfunctions.DirectionInput, DataType: "int", Value: "3"},
			{Name: "express", Direction: stepfunctions.DirectionInput, DataType: "bool", Value: "TRUE"},
			{Name: "options", Direction: stepfunctions.DirectionInput, DataType: stepfunctions.DataTypeJSON, Value: `{"gift": true}`},
			{Name: "details", Direction: stepfunctions.DirectionInputOutput, DataType: stepfunctions.DataTypeJSON, Value: `{}`},
			{Name: "result", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeString, Value: "before"},
			{Name: "count", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeNumber},
			{Name: "Flag", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeBoolean},
			{Name: "NOTE", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeString, Value: "unchanged"},
			{Name: "missing", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeString, Value: "kept"},
		}
		before := len(tasks.all())
		run, err := p.ExecutePipeline(context.Background(), stepfunctions.Job{ID: echo, Type: stepfunctions.TypeStandard}, params,
			stepfunctions.WithTraceHeader("Root=1-67891233-abcdef012345678912345678"))
		if err != nil {
			t.Fatalf("ExecutePipeline() error = %v", err)
		}
		if !strings.HasPrefix(run.RunID, "arn:aws:states:eu-west-1:123456789012:execution:echo:Polysync-") ||
			run.Name != run.RunID[strings.LastIndex(run.RunID, ":")+1:] || run.JobID != echo || run.Status != nil ||
			run.StartedAt.IsZero() || !strings.Contains(run.ConsoleURL, run.RunID) {
			t.Errorf("ExecutePipeline() = %+v, want a running Standard run named Polysync-... with a console link", run)
		}
		st := waitEnded(t, p, run.RunID, params)
		inputs := tasks.all()[before:]
		if len(inputs) != 1 {
			t.Fatalf("task ran %d times, want once", len(inputs))
		}
		// Only Input and InputOutput parameters are sent.
		wantInput := `{"orderId":"A-1001","quantity":3,"express":true,"options":{"gift":true},"details":{}}`
		if !sameJSONText(t, inputs[0], wantInput) {
			t.Errorf("task input = %s, want %s", inputs[0], wantInput)
		}
		if st.State != stepfunctions.RunStateSuccess || st.RunID != run.RunID || st.StartedAt.IsZero() || st.StoppedAt.Before(st.StartedAt) {
			t.Fatalf("GetPipelineRunStatus() = %+v, want Success with start and stop times", st)
		}
		if !sameJSONText(t, st.Output, `{"Result":"shipped","COUNT":3,"details":{"carrier":"DHL","eta":2},"flag":true,"Note":"a","note":"b"}`) {
			t.Errorf("Output = %s, want the task's result", st.Output)
		}
		got := paramValues(st.Parameters)
		want := map[string]string{"orderId": "A-1001", "quantity": "3", "express": "TRUE", "options": `{"gift": true}`,
			"details": `{"carrier":"DHL","eta":2}`, "result": "shipped", "count": "3", "Flag": "true", "NOTE": "unchanged", "missing": "kept"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Parameters = %v, want %v", got, want)
		}
		if !strings.Contains(st.Message, "NOTE") {
			t.Errorf("Message = %q, want it to name the ambiguous parameter NOTE", st.Message)
		}
		if params[5].Value != "before" {
			t.Errorf("GetPipelineRunStatus modified the caller's parameters: result = %q", params[5].Value)
		}
		d, err := e.admin.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: &run.RunID})
		if err != nil {
			t.Fatalf("DescribeExecution() error = %v", err)
		}
		if got := aws.ToString(d.TraceHeader); got != "Root=1-67891233-abcdef012345678912345678" {
			t.Errorf("trace header on the wire = %q, want the per-run one", got)
		}
	})

	t.Run("default trace header", func(t *testing.T) {
		run, err := p.ExecutePipeline(context.Background(), stepfunctions.Job{ID: echo}, nil)
		if err != nil {
			t.Fatalf("ExecutePipeline() error = %v", err)
		}
		d, err := e.admin.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: &run.RunID})
		if err != nil {
			t.Fatalf("DescribeExecution() error = %v", err)
		}
		if got := aws.ToString(d.TraceHeader); got != "Root=1-5759e988-bd862e3fe1be46a994272793" {
			t.Errorf("trace header on the wire = %q, want Config.TraceHeader", got)
		}
		if got := aws.ToString(d.Input); got != "{}" {
			t.Errorf("input without parameters = %q, want {}", got)
		}
	})

	t.Run("failed run carries error and cause", func(t *testing.T) {
		st := executeToEnd(t, p, stepfunctions.Job{ID: fail}, nil)
		if st.State != stepfunctions.RunStateFailed || st.Error != "Payment.Declined" || st.Cause != "card expired" ||
			!strings.Contains(st.Message, "Payment.Declined") || !strings.Contains(st.Message, "card expired") {
			t.Errorf("GetPipelineRunStatus() = %+v, want Failed with Payment.Declined: card expired in Error, Cause and Message", st)
		}
	})

	t.Run("cancel", func(t *testing.T) {
		blocker := e.create(machineSpec{name: "blocker", definition: taskDefinition(blockTask)})
		run, err := p.ExecutePipeline(context.Background(), stepfunctions.Job{ID: blocker}, nil)
		if err != nil {
			t.Fatalf("ExecutePipeline() error = %v", err)
		}
		if st, err := p.GetPipelineRunStatus(context.Background(), run.RunID, nil); err != nil || st.State != stepfunctions.RunStateRunning {
			t.Fatalf("GetPipelineRunStatus() = %+v, %v, want Running", st, err)
		}
		if err := p.CancelPipelineRun(context.Background(), run.RunID); err != nil {
			t.Fatalf("CancelPipelineRun() error = %v", err)
		}
		st := waitEnded(t, p, run.RunID, nil)
		if st.State != stepfunctions.RunStateCancelled || st.Error != stepfunctions.CancelError || st.Cause != stepfunctions.CancelCause ||
			!strings.Contains(st.Message, "cancelled by Polysync") {
			t.Errorf("GetPipelineRunStatus() after cancel = %+v, want Cancelled by Polysync", st)
		}
		// Cancelling again, or cancelling a run that succeeded, is not an error and changes nothing.
		if err := p.CancelPipelineRun(context.Background(), run.RunID); err != nil {
			t.Errorf("CancelPipelineRun() of a cancelled run error = %v, want nil", err)
		}
		done, err := p.ExecutePipeline(context.Background(), stepfunctions.Job{ID: echo}, nil)
		if err != nil {
			t.Fatalf("ExecutePipeline() error = %v", err)
		}
		waitEnded(t, p, done.RunID, nil)
		if err := p.CancelPipelineRun(context.Background(), done.RunID); err != nil {
			t.Errorf("CancelPipelineRun() of a succeeded run error = %v, want nil", err)
		}
		if st := waitEnded(t, p, done.RunID, nil); st.State != stepfunctions.RunStateSuccess {
			t.Errorf("status of a succeeded run after cancel = %s, want Success", st.State)
		}
	})
}

// TestLocalLargeResponsesNeedNoRetry checks that the provider reads large answers from a fast endpoint without
// retrying: the SDK's transport closes a request body under net/http's feet, which tears down the connection of
// the answer being read now and then (package internal/sdkhttp) unless the provider's HTTP client prevents it.
//
// Without a CA bundle and without Config.HTTPClient the SDK leaves the HTTP client to each service client; the
// provider must still work, with the wrapper around the SDK's default.
func TestLocalLargeResponsesNeedNoRetry(t *testing.T) {
	t.Setenv("AWS_CA_BUNDLE", "")
	ctx := context.Background()
	e := newLocalEnv(t)
	release := make(chan struct{})
	defer close(release)
	e.registerTasks(`{}`, release)
	arn := e.create(machineSpec{name: "large", definition: taskDefinition(blockTask)})
	params := []stepfunctions.Parameter{
		{Name: "blob", Direction: stepfunctions.DirectionInput, DataType: stepfunctions.DataTypeString,
			Value: strings.Repeat("a", 262_000)}, // near the 262,144-byte limit
	}
	p := e.provider(stepfunctions.Config{})
	run, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: arn}, params)
	if err != nil {
		t.Fatalf("ExecutePipeline() error = %v", err)
	}
	const rounds = 100
	before := e.calls("DescribeExecution")
	for i := range rounds {
		st, err := p.GetPipelineRunStatus(ctx, run.RunID, params)
		if err != nil || st.State != stepfunctions.RunStateRunning {
			t.Fatalf("GetPipelineRunStatus() number %d = %v, %v, want Running", i+1, st.State, err)
		}
	}
	if got := e.calls("DescribeExecution") - before; got != rounds {
		t.Errorf("DescribeExecution calls = %d for %d status reads, want one each (no retries)", got, rounds)
	}
}

// TestLocalRedrive fails a run at a Task, fixes the Task, redrives the run and follows it to success under the
// same run ID; then a redrive of the succeeded run is refused with Step Functions' reason.
func TestLocalRedrive(t *testing.T) {
	ctx := context.Background()
	e := newLocalEnv(t)
	const flaky = "arn:aws:lambda:eu-west-1:123456789012:function:flaky"
	var fixed atomic.Bool
	var calls atomic.Int32
	e.srv.RegisterTask(flaky, func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		calls.Add(1)
		if !fixed.Load() {
			return nil, &sfnlocal.TaskError{Name: "Flaky.Down", Cause: "the downstream service is down"}
		}
		return json.RawMessage(`{"total":42}`), nil
	})
	arn := e.create(machineSpec{name: "redrivable", definition: `{"StartAt":"Prepare","States":{
		"Prepare":{"Type":"Pass","Next":"Call"},
		"Call":{"Type":"Task","Resource":"` + flaky + `","End":true}}}`})
	params := []stepfunctions.Parameter{
		{Name: "orderId", Direction: stepfunctions.DirectionInput, DataType: stepfunctions.DataTypeString, Value: "A-1"},
		{Name: "total", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeNumber},
	}
	p := e.provider(stepfunctions.Config{})
	run, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: arn}, params)
	if err != nil {
		t.Fatalf("ExecutePipeline() error = %v", err)
	}
	st := waitEnded(t, p, run.RunID, params)
	if st.State != stepfunctions.RunStateFailed || st.Error != "Flaky.Down" {
		t.Fatalf("first attempt = %s (%s), want Failed with Flaky.Down", st.State, st.Error)
	}
	if d := st.Details; d.RedriveStatus != "REDRIVABLE" || d.RedriveCount != 0 || !d.RedrivenAt.IsZero() {
		t.Errorf("details of the failed run = %+v, want REDRIVABLE, never redriven", d)
	}

	fixed.Store(true)
	if err := p.RedrivePipelineRun(ctx, run.RunID); err != nil {
		t.Fatalf("RedrivePipelineRun() error = %v", err)
	}
	st = waitEnded(t, p, run.RunID, params)
	if st.State != stepfunctions.RunStateSuccess || st.Parameters[1].Value != "42" {
		t.Fatalf("after redrive = %s, total %q (%s), want Success with total 42", st.State, st.Parameters[1].Value, st.Message)
	}
	if d := st.Details; d.RedriveCount != 1 || d.RedrivenAt.IsZero() || d.RedriveStatus != "NOT_REDRIVABLE" || d.RedriveStatusReason == "" {
		t.Errorf("details after the redrive = %+v, want redriven once, NOT_REDRIVABLE with a reason", d)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("task called %d times, want 2 (the redrive resumes at the failed Task)", n)
	}

	err = p.RedrivePipelineRun(ctx, run.RunID)
	if !errors.Is(err, stepfunctions.ErrNotRedrivable) || !strings.Contains(err.Error(), "the run is SUCCEEDED") {
		t.Errorf("RedrivePipelineRun(succeeded) error = %v, want ErrNotRedrivable naming the run's status", err)
	}
	if n := e.calls("RedriveExecution"); n != 2 {
		t.Errorf("RedriveExecution calls = %d, want 2", n)
	}
}

func TestLocalTimedOut(t *testing.T) {
	// The server's clock moves only by the waits under a minute, which end at once: the state machine's one-second
	// timeout passes while the Wait of an hour holds for ever. (At 1000x on the wall clock, the Wait ended 3.6 s after
	// the timeout, and a goroutine held up that long on a loaded machine could let the Wait win.)
	clk := sfnlocal.NewManualClock(time.Now())
	clk.AutoAdvance(time.Minute)
	e := newLocalEnv(t, sfnlocal.WithClock(clk))
	arn := e.create(machineSpec{name: "slow", definition: `{"StartAt":"Nap","TimeoutSeconds":1,
		"States":{"Nap":{"Type":"Wait","Seconds":3600,"End":true}}}`})
	p := e.provider(stepfunctions.Config{})
	st := executeToEnd(t, p, stepfunctions.Job{ID: arn}, nil)
	if st.State != stepfunctions.RunStateFailed || !strings.Contains(st.Message, "timed out") || st.Error != "States.Timeout" {
		t.Errorf("GetPipelineRunStatus() = %+v, want Failed, States.Timeout, with a message that says it timed out", st)
	}
}

func TestLocalExpress(t *testing.T) {
	e := newLocalEnv(t)
	tasks := e.registerTasks(`{"Total":42,"receipt":{"id":"r-1"}}`, nil)
	quick := e.create(machineSpec{name: "quick", typ: types.StateMachineTypeExpress})
	broken := e.create(machineSpec{name: "broken", typ: types.StateMachineTypeExpress, definition: taskDefinition(failTask)})
	p := e.provider(stepfunctions.Config{})
	params := []stepfunctions.Parameter{
		{Name: "amount", DataType: stepfunctions.DataTypeNumber, Value: "40"},
		{Name: "total", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeNumber},
		{Name: "receipt", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeJSON},
	}

	t.Run("StartSyncExecution on the local endpoint", func(t *testing.T) {
		before := e.srv.CallCounts()
		// An empty Type makes the provider describe the state machine once to learn it is Express.
		run, err := p.ExecutePipeline(context.Background(), stepfunctions.Job{ID: quick}, params)
		if err != nil {
			// Without the provider disabling the SDK's host prefix the request goes to sync-127.0.0.1, which fails.
			t.Fatalf("ExecutePipeline() error = %v", err)
		}
		if !strings.HasPrefix(run.RunID, "arn:aws:states:eu-west-1:123456789012:express:quick:Polysync-") || run.Status == nil ||
			!strings.Contains(run.ConsoleURL, "express-executions") || !strings.Contains(run.ConsoleURL, "startDate=") {
			t.Fatalf("ExecutePipeline() = %+v, want an Express run with its status and a console link with its start date", run)
		}
		if in := tasks.all(); len(in) == 0 || !sameJSONText(t, in[len(in)-1], `{"amount":40}`) {
			t.Errorf("task inputs = %v, want the last to be {\"amount\":40}", in)
		}
		st := *run.Status
		want := map[string]string{"amount": "40", "total": "42", "receipt": `{"id":"r-1"}`}
		if st.State != stepfunctions.RunStateSuccess || !reflect.DeepEqual(paramValues(st.Parameters), want) || st.StoppedAt.IsZero() {
			t.Errorf("run.Status = %+v, want Success with parameters %v", st, want)
		}
		again, err := p.GetPipelineRunStatus(context.Background(), run.RunID, params)
		if err != nil {
			t.Fatalf("GetPipelineRunStatus() error = %v", err)
		}
		if again.State != st.State || !reflect.DeepEqual(again.Parameters, st.Parameters) || again.Output != st.Output {
			t.Errorf("GetPipelineRunStatus() = %+v, want the run's status %+v", again, st)
		}
		if err := p.CancelPipelineRun(context.Background(), run.RunID); !errors.Is(err, stepfunctions.ErrNotSupported) {
			t.Errorf("CancelPipelineRun() error = %v, want ErrNotSupported", err)
		}
		after := e.srv.CallCounts()
		for op, want := range map[string]int{"DescribeStateMachine": 1, "StartSyncExecution": 1, "StartExecution": 0,
			"DescribeExecution": 0, "StopExecution": 0, "GetExecutionHistory": 0} {
			if got := after[op] - before[op]; got != want {
				t.Errorf("%s calls = %d, want %d", op, got, want)
			}
		}
	})

	t.Run("failed Express run is a status, not an error", func(t *testing.T) {
		run, err := p.ExecutePipeline(context.Background(), stepfunctions.Job{ID: broken, Type: stepfunctions.TypeExpress}, params)
		if err != nil {
			t.Fatalf("ExecutePipeline() error = %v", err)
		}
		if st := run.Status; st == nil || st.State != stepfunctions.RunStateFailed || st.Error != "Payment.Declined" ||
			!strings.Contains(st.Message, "card expired") || st.Parameters[1].Value != "" {
			t.Errorf("run.Status = %+v, want Failed with Payment.Declined and outputs not applied", st)
		}
	})

	t.Run("idempotency key runs once", func(t *testing.T) {
		before := e.calls("StartSyncExecution")
		first, err := p.ExecutePipeline(context.Background(), stepfunctions.Job{ID: quick, Type: stepfunctions.TypeExpress}, params,
			stepfunctions.WithIdempotencyKey("invoice-7"))
		if err != nil {
			t.Fatalf("ExecutePipeline() error = %v", err)
		}
		second, err := p.ExecutePipeline(context.Background(), stepfunctions.Job{ID: quick, Type: stepfunctions.TypeExpress}, params,
			stepfunctions.WithIdempotencyKey("invoice-7"))
		if err != nil {
			t.Fatalf("ExecutePipeline() again error = %v", err)
		}
		if second.RunID != first.RunID {
			t.Errorf("RunID = %s, then %s, want the same run", first.RunID, second.RunID)
		}
		if got := e.calls("StartSyncExecution") - before; got != 1 {
			t.Errorf("StartSyncExecution calls = %d, want 1", got)
		}
		changed := append([]stepfunctions.Parameter{{Name: "amount", DataType: "number", Value: "41"}}, params[1:]...)
		_, err = p.ExecutePipeline(context.Background(), stepfunctions.Job{ID: quick, Type: stepfunctions.TypeExpress}, changed,
			stepfunctions.WithIdempotencyKey("invoice-7"))
		if !errors.Is(err, stepfunctions.ErrIdempotencyConflict) {
			t.Errorf("ExecutePipeline() with other parameters error = %v, want ErrIdempotencyConflict", err)
		}
	})

	t.Run("job typed STANDARD for an Express state machine", func(t *testing.T) {
		// StartExecution runs it asynchronously, and Step Functions offers no way to learn the result.
		wrong := e.create(machineSpec{name: "mistyped", typ: types.StateMachineTypeExpress})
		job := stepfunctions.Job{ID: wrong, Type: stepfunctions.TypeStandard}
		run, err := p.ExecutePipeline(context.Background(), job, params)
		if err != nil {
			t.Fatalf("ExecutePipeline() error = %v", err)
		}
		if !strings.Contains(run.RunID, ":express:mistyped:") || run.Status == nil || run.Status.State != stepfunctions.RunStateUnknown ||
			!strings.Contains(run.Status.Message, "CloudWatch Logs") {
			t.Errorf("ExecutePipeline() = %+v (status %+v), want an Express run of Unknown state pointing at CloudWatch Logs", run, run.Status)
		}
		// The provider learnt the type: a start of the state machine without a Type runs synchronously, without
		// describing it first.
		before := e.srv.CallCounts()
		next, err := p.ExecutePipeline(context.Background(), stepfunctions.Job{ID: wrong}, params)
		if err != nil {
			t.Fatalf("ExecutePipeline() without Type error = %v", err)
		}
		after := e.srv.CallCounts()
		if next.Status == nil || next.Status.State != stepfunctions.RunStateSuccess || after["StartSyncExecution"]-before["StartSyncExecution"] != 1 ||
			after["DescribeStateMachine"] != before["DescribeStateMachine"] {
			t.Errorf("ExecutePipeline() without Type = %+v, want a finished run through StartSyncExecution alone", next)
		}
	})

	t.Run("another provider does not hold the result", func(t *testing.T) {
		run, err := p.ExecutePipeline(context.Background(), stepfunctions.Job{ID: quick, Type: stepfunctions.TypeExpress}, nil)
		if err != nil {
			t.Fatalf("ExecutePipeline() error = %v", err)
		}
		before := e.calls("DescribeExecution")
		_, err = e.provider(stepfunctions.Config{}).GetPipelineRunStatus(context.Background(), run.RunID, nil)
		if !errors.Is(err, stepfunctions.ErrRunNotFound) || !strings.Contains(err.Error(), "CloudWatch Logs") {
			t.Errorf("GetPipelineRunStatus() on a fresh provider error = %v, want ErrRunNotFound pointing at CloudWatch Logs", err)
		}
		if got := e.calls("DescribeExecution") - before; got != 0 {
			t.Errorf("DescribeExecution calls = %d, want 0", got)
		}
	})
}

// A state machine deleted and re-created under the same name with the other type keeps its ARN, so the type the
// provider remembered for it is wrong until it learns better.
func TestLocalTypeChangedByRecreation(t *testing.T) {
	e := newLocalEnv(t)
	e.registerTasks(`{"total":42}`, nil)
	ctx := context.Background()
	arn := e.create(machineSpec{name: "flip", typ: types.StateMachineTypeExpress})
	recreateAs := func(typ types.StateMachineType) {
		t.Helper()
		if _, err := e.admin.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: &arn}); err != nil {
			t.Fatalf("DeleteStateMachine() error = %v", err)
		}
		if again := e.create(machineSpec{name: "flip", typ: typ}); again != arn {
			t.Fatalf("re-created ARN %s, want %s", again, arn)
		}
	}
	p := e.provider(stepfunctions.Config{})
	params := []stepfunctions.Parameter{{Name: "n", Value: "1"}, {Name: "total", Direction: stepfunctions.DirectionOutput}}
	// counts runs ExecutePipeline and returns the run with the calls it made per operation.
	counts := func(job stepfunctions.Job) (stepfunctions.PipelineRun, map[string]int) {
		t.Helper()
		before := e.srv.CallCounts()
		run, err := p.ExecutePipeline(ctx, job, params)
		if err != nil {
			t.Fatalf("ExecutePipeline(%+v) error = %v", job, err)
		}
		after := e.srv.CallCounts()
		calls := map[string]int{}
		for _, op := range []string{"DescribeStateMachine", "StartExecution", "StartSyncExecution"} {
			calls[op] = after[op] - before[op]
		}
		return run, calls
	}
	if run, _ := counts(stepfunctions.Job{ID: arn}); run.Status == nil || run.Status.State != stepfunctions.RunStateSuccess {
		t.Fatalf("ExecutePipeline() = %+v, want an Express run that succeeded", run)
	}

	t.Run("Express re-created as Standard", func(t *testing.T) {
		recreateAs(types.StateMachineTypeStandard)
		// StartSyncExecution is refused (nothing runs), the type is looked up again and the run starts as Standard.
		run, calls := counts(stepfunctions.Job{ID: arn})
		want := map[string]int{"StartSyncExecution": 1, "DescribeStateMachine": 1, "StartExecution": 1}
		if !strings.Contains(run.RunID, ":execution:flip:") || !reflect.DeepEqual(calls, want) {
			t.Fatalf("ExecutePipeline() = %+v with calls %v, want a Standard run after calls %v", run, calls, want)
		}
		if st := waitEnded(t, p, run.RunID, params); st.State != stepfunctions.RunStateSuccess || st.Parameters[1].Value != "42" {
			t.Errorf("status = %+v, want Success with total 42", st)
		}
		// The corrected type is remembered.
		if _, calls := counts(stepfunctions.Job{ID: arn}); !reflect.DeepEqual(calls, map[string]int{"StartSyncExecution": 0, "DescribeStateMachine": 0, "StartExecution": 1}) {
			t.Errorf("next ExecutePipeline() calls = %v, want StartExecution alone", calls)
		}
		// A job whose Type still says EXPRESS (imported before the re-creation) starts too.
		if run, _ := counts(stepfunctions.Job{ID: arn, Type: stepfunctions.TypeExpress}); !strings.Contains(run.RunID, ":execution:flip:") {
			t.Errorf("ExecutePipeline(Type EXPRESS) = %+v, want a Standard run", run)
		}
	})

	t.Run("Standard re-created as Express", func(t *testing.T) {
		recreateAs(types.StateMachineTypeExpress)
		// StartExecution starts it asynchronously: that run cannot be followed, and is not run a second time.
		run, calls := counts(stepfunctions.Job{ID: arn})
		if !strings.Contains(run.RunID, ":express:flip:") || run.Status == nil || run.Status.State != stepfunctions.RunStateUnknown ||
			!strings.Contains(run.Status.Message, "Express now") || !strings.Contains(run.Status.Message, "CloudWatch Logs") ||
			calls["StartExecution"] != 1 || calls["StartSyncExecution"] != 0 {
			t.Fatalf("ExecutePipeline() = %+v (status %+v) with calls %v, want one asynchronous Express run of Unknown state", run, run.Status, calls)
		}
		// The next start runs synchronously.
		run, calls = counts(stepfunctions.Job{ID: arn})
		if run.Status == nil || run.Status.State != stepfunctions.RunStateSuccess || calls["StartSyncExecution"] != 1 || calls["StartExecution"] != 0 {
			t.Errorf("next ExecutePipeline() = %+v with calls %v, want an Express run that succeeded", run, calls)
		}
	})
}

func TestLocalVersionsAndAliases(t *testing.T) {
	e := newLocalEnv(t)
	ctx := context.Background()
	e.srv.RegisterTask("arn:aws:states:::polysync:v1", func(context.Context, json.RawMessage) (json.RawMessage, error) {
		return json.RawMessage(`{"release":"v1"}`), nil
	})
	e.srv.RegisterTask("arn:aws:states:::polysync:v2", func(context.Context, json.RawMessage) (json.RawMessage, error) {
		return json.RawMessage(`{"release":"v2"}`), nil
	})
	release := []stepfunctions.Parameter{{Name: "release", Direction: stepfunctions.DirectionOutput}}
	for _, typ := range []types.StateMachineType{types.StateMachineTypeStandard, types.StateMachineTypeExpress} {
		t.Run(string(typ), func(t *testing.T) {
			name := "deploy-" + strings.ToLower(string(typ))
			arn := e.create(machineSpec{name: name, typ: typ,
				definition: taskDefinition("arn:aws:states:::polysync:v1")})
			v1 := e.publish(arn, "first release")
			alias := e.createAlias("prod", route(v1, 100))
			if _, err := e.admin.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: &arn,
				Definition: aws.String(taskDefinition("arn:aws:states:::polysync:v2"))}); err != nil {
				t.Fatalf("UpdateStateMachine() error = %v", err)
			}
			p := e.provider(stepfunctions.Config{})
			tests := []struct {
				name, jobID, want string
			}{
				{"version", v1, "v1"},
				{"alias", alias, "v1"},
				{"latest", arn, "v2"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					// No Type: the provider learns it from the unqualified state machine.
					run, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: tt.jobID}, release)
					if err != nil {
						t.Fatalf("ExecutePipeline(%s) error = %v", tt.jobID, err)
					}
					if run.JobID != tt.jobID || !strings.Contains(run.RunID, ":"+name+":") {
						t.Errorf("ExecutePipeline(%s) = %+v, want a run of that state machine", tt.jobID, run)
					}
					st := waitEnded(t, p, run.RunID, release)
					if got := paramValues(st.Parameters)["release"]; st.State != stepfunctions.RunStateSuccess || got != tt.want {
						t.Errorf("status = %s with release %q, want Success with %q", st.State, got, tt.want)
					}
				})
			}
		})
	}
}

func TestLocalIdempotencyKey(t *testing.T) {
	e := newLocalEnv(t)
	release := make(chan struct{})
	e.registerTasks(`{"done":true}`, release)
	arn := e.create(machineSpec{name: "billing", definition: taskDefinition(blockTask)})
	p := e.provider(stepfunctions.Config{})
	ctx := context.Background()
	job := stepfunctions.Job{ID: arn, Type: stepfunctions.TypeStandard}
	params := []stepfunctions.Parameter{{Name: "invoice", Value: "INV-7"}, {Name: "amount", DataType: "number", Value: "12.50"}}
	key := stepfunctions.WithIdempotencyKey("invoice-INV-7")

	first, err := p.ExecutePipeline(ctx, job, params, key)
	if err != nil {
		t.Fatalf("ExecutePipeline() error = %v", err)
	}
	executions := func() []types.ExecutionListItem {
		t.Helper()
		out, err := e.admin.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &arn})
		if err != nil {
			t.Fatalf("ListExecutions() error = %v", err)
		}
		return out.Executions
	}

	t.Run("same key while running", func(t *testing.T) {
		// A retry after a timeout or a crash: a fresh Provider, as after a restart of the host.
		again, err := e.provider(stepfunctions.Config{}).ExecutePipeline(ctx, job, params, key)
		if err != nil {
			t.Fatalf("ExecutePipeline() again error = %v", err)
		}
		if again.RunID != first.RunID || !again.StartedAt.Equal(first.StartedAt) {
			t.Errorf("ExecutePipeline() again = %s started %v, want %s started %v", again.RunID, again.StartedAt, first.RunID, first.StartedAt)
		}
		if got := executions(); len(got) != 1 {
			t.Errorf("the server has %d executions, want 1", len(got))
		}
	})

	t.Run("same key, other parameters", func(t *testing.T) {
		other := []stepfunctions.Parameter{{Name: "invoice", Value: "INV-7"}, {Name: "amount", DataType: "number", Value: "99"}}
		_, err := p.ExecutePipeline(ctx, job, other, key)
		if !errors.Is(err, stepfunctions.ErrIdempotencyConflict) || stepfunctions.APIErrorCode(err) != "ExecutionAlreadyExists" {
			t.Errorf("ExecutePipeline() error = %v (code %q), want ErrIdempotencyConflict from ExecutionAlreadyExists", err, stepfunctions.APIErrorCode(err))
		}
		if got := executions(); len(got) != 1 {
			t.Errorf("the server has %d executions, want 1", len(got))
		}
	})

	t.Run("same key after the run ended", func(t *testing.T) {
		close(release)
		if st := waitEnded(t, p, first.RunID, nil); st.State != stepfunctions.RunStateSuccess {
			t.Fatalf("run ended %s, want Success", st.State)
		}
		// Step Functions now answers ExecutionAlreadyExists even for the same input: the run is adopted.
		again, err := p.ExecutePipeline(ctx, job, params, key)
		if err != nil {
			t.Fatalf("ExecutePipeline() after the end error = %v", err)
		}
		if again.RunID != first.RunID || !again.StartedAt.Equal(first.StartedAt) {
			t.Errorf("ExecutePipeline() after the end = %s, want the ended run %s", again.RunID, first.RunID)
		}
		if got := executions(); len(got) != 1 {
			t.Errorf("the server has %d executions, want 1", len(got))
		}
	})

	t.Run("other key", func(t *testing.T) {
		run, err := p.ExecutePipeline(ctx, job, params, stepfunctions.WithIdempotencyKey("invoice-INV-8"))
		if err != nil {
			t.Fatalf("ExecutePipeline() error = %v", err)
		}
		if run.RunID == first.RunID {
			t.Errorf("a different key returned the same run %s", run.RunID)
		}
	})
}

func TestLocalErrors(t *testing.T) {
	const (
		jobs    = "arn:aws:states:eu-west-1:123456789012:stateMachine:jobs"
		fast    = "arn:aws:states:eu-west-1:123456789012:stateMachine:fast"
		missing = "arn:aws:states:eu-west-1:123456789012:stateMachine:missing"
		noRun   = "arn:aws:states:eu-west-1:123456789012:execution:jobs:nope"
	)
	start := func(ctx context.Context, p *stepfunctions.Provider, id string) (string, error) {
		run, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: id}, nil)
		return run.RunID, err
	}
	listJobs := func(ctx context.Context, p *stepfunctions.Provider) error {
		return errOf(p.ListJobs(ctx))
	}
	startJobs := func(ctx context.Context, p *stepfunctions.Provider) error {
		return errOf(start(ctx, p, jobs))
	}
	// startThen is a call that starts id, which must succeed, and then calls then with the run.
	startThen := func(id string, then func(ctx context.Context, p *stepfunctions.Provider, runID string) error) func(context.Context, *stepfunctions.Provider) error {
		return func(ctx context.Context, p *stepfunctions.Provider) error {
			runID, err := start(ctx, p, id)
			if err != nil {
				return fmt.Errorf("unexpected: %w", err)
			}
			return then(ctx, p, runID)
		}
	}
	cancel := func(ctx context.Context, p *stepfunctions.Provider, runID string) error {
		return p.CancelPipelineRun(ctx, runID)
	}
	tests := []struct {
		name      string
		opts      []sfnlocal.Option
		cfg       stepfunctions.Config
		call      func(ctx context.Context, p *stepfunctions.Provider) error
		wantKind  error
		wantCode  string   // the API error code in the chain; "" when no call to AWS was made
		wantHint  []string // substrings of the hint
		wantCalls map[string]int
	}{
		{
			name:     "start denied",
			opts:     []sfnlocal.Option{sfnlocal.WithDeny(sfnlocal.DenyRule{Action: "states:StartExecution", Resource: jobs})},
			call:     startJobs,
			wantKind: stepfunctions.ErrAccessDenied, wantCode: "AccessDeniedException",
			wantHint: []string{"states:StartExecution", "on the state machine ARN " + jobs},
		},
		{
			name:     "describe denied during discovery",
			opts:     []sfnlocal.Option{sfnlocal.WithDeny(sfnlocal.DenyRule{Action: "DescribeStateMachine", Resource: fast})},
			call:     listJobs,
			wantKind: stepfunctions.ErrAccessDenied, wantCode: "AccessDeniedException",
			wantHint: []string{"states:DescribeStateMachine", "on the state machine ARN " + fast},
		},
		{
			name:     "list denied",
			opts:     []sfnlocal.Option{sfnlocal.WithDeny(sfnlocal.DenyRule{Action: "ListStateMachines"})},
			call:     listJobs,
			wantKind: stepfunctions.ErrAccessDenied, wantCode: "AccessDeniedException",
			wantHint: []string{"states:ListStateMachines", `on resource "*"`},
		},
		{
			name: "status denied",
			opts: []sfnlocal.Option{sfnlocal.WithDeny(sfnlocal.DenyRule{Action: "DescribeExecution", Resource: "arn:aws:states:*:execution:jobs:*"})},
			call: startThen(jobs, func(ctx context.Context, p *stepfunctions.Provider, runID string) error {
				return errOf(p.GetPipelineRunStatus(ctx, runID, nil))
			}),
			wantKind: stepfunctions.ErrAccessDenied, wantCode: "AccessDeniedException",
			wantHint: []string{"states:DescribeExecution", "on the execution ARN arn:aws:states:eu-west-1:123456789012:execution:jobs:Polysync-"},
		},
		{
			name:     "cancel denied",
			opts:     []sfnlocal.Option{sfnlocal.WithDeny(sfnlocal.DenyRule{Action: "StopExecution", Resource: "*"})},
			call:     startThen(jobs, cancel),
			wantKind: stepfunctions.ErrAccessDenied, wantCode: "AccessDeniedException",
			wantHint: []string{"states:StopExecution", "on the execution ARN arn:aws:states:eu-west-1:123456789012:execution:jobs:Polysync-"},
		},
		{
			name:     "unknown access key",
			opts:     []sfnlocal.Option{sfnlocal.WithAccessKeys(adminKey)},
			call:     listJobs,
			wantKind: stepfunctions.ErrCredentials, wantCode: "UnrecognizedClientException",
			wantHint: []string{"access key"},
		},
		{
			name: "state machine not found on start",
			call: func(ctx context.Context, p *stepfunctions.Provider) error {
				return errOf(p.ExecutePipeline(ctx, stepfunctions.Job{ID: missing, Type: stepfunctions.TypeStandard}, nil))
			},
			wantKind: stepfunctions.ErrStateMachineNotFound, wantCode: "StateMachineDoesNotExist",
			wantHint: []string{"eu-west-1", "states:DescribeStateMachine"},
		},
		{
			name: "state machine not found looking up its type",
			call: func(ctx context.Context, p *stepfunctions.Provider) error {
				return errOf(start(ctx, p, missing))
			},
			wantKind: stepfunctions.ErrStateMachineNotFound, wantCode: "StateMachineDoesNotExist",
			wantHint:  []string{"eu-west-1", "states:DescribeStateMachine"},
			wantCalls: map[string]int{"DescribeStateMachine": 1, "StartExecution": 0},
		},
		{
			name: "status of an unknown run",
			call: func(ctx context.Context, p *stepfunctions.Provider) error {
				return errOf(p.GetPipelineRunStatus(ctx, noRun, nil))
			},
			wantKind: stepfunctions.ErrRunNotFound, wantCode: "ExecutionDoesNotExist",
			wantHint: []string{"execution ARN"},
		},
		{
			name:     "cancel of an unknown run",
			call:     func(ctx context.Context, p *stepfunctions.Provider) error { return p.CancelPipelineRun(ctx, noRun) },
			wantKind: stepfunctions.ErrRunNotFound, wantCode: "ExecutionDoesNotExist",
			wantCalls: map[string]int{"StopExecution": 1},
		},
		{
			name: "input rejected by the service",
			opts: []sfnlocal.Option{sfnlocal.WithFault(sfnlocal.Fault{Operation: "StartExecution", Code: "InvalidExecutionInput",
				Message: "Invalid State Machine Execution Input: 'Unexpected character'"})},
			call:     startJobs,
			wantKind: stepfunctions.ErrInvalidInput, wantCode: "InvalidExecutionInput",
			wantHint: []string{"data type json"},
		},
		{
			name: "input over the size limit, nothing started",
			call: func(ctx context.Context, p *stepfunctions.Provider) error {
				big := []stepfunctions.Parameter{{Name: "blob", Value: strings.Repeat("x", stepfunctions.MaxInputBytes)}}
				_, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: jobs, Type: stepfunctions.TypeStandard}, big)
				return err
			},
			wantKind:  stepfunctions.ErrInvalidInput,
			wantCalls: map[string]int{"StartExecution": 0},
		},
		{
			name:     "open execution quota reached",
			opts:     []sfnlocal.Option{sfnlocal.WithFault(sfnlocal.Fault{Operation: "StartExecution", Code: "ExecutionLimitExceeded"})},
			call:     startJobs,
			wantKind: stepfunctions.ErrExecutionLimitExceeded, wantCode: "ExecutionLimitExceeded",
			wantHint:  []string{"1,000,000"},
			wantCalls: map[string]int{"StartExecution": 1},
		},
		{
			name:     "throttled on every attempt",
			opts:     []sfnlocal.Option{sfnlocal.WithFault(sfnlocal.Fault{Operation: "StartExecution", Code: "ThrottlingException", Message: "Rate exceeded"})},
			cfg:      stepfunctions.Config{MaxAttempts: 3},
			call:     startJobs,
			wantKind: stepfunctions.ErrThrottled, wantCode: "ThrottlingException",
			wantHint:  []string{"Config.RateLimits"},
			wantCalls: map[string]int{"StartExecution": 3},
		},
		{
			name:      "cancel of an Express run",
			call:      startThen(fast, cancel),
			wantKind:  stepfunctions.ErrNotSupported,
			wantCalls: map[string]int{"StopExecution": 0},
		},
		{
			name: "idempotency key reused with other parameters",
			call: func(ctx context.Context, p *stepfunctions.Provider) error {
				key := stepfunctions.WithIdempotencyKey("k")
				if _, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: jobs}, []stepfunctions.Parameter{{Name: "n", Value: "1"}}, key); err != nil {
					return fmt.Errorf("unexpected: %w", err)
				}
				_, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: jobs}, []stepfunctions.Parameter{{Name: "n", Value: "2"}}, key)
				return err
			},
			wantKind: stepfunctions.ErrIdempotencyConflict, wantCode: "ExecutionAlreadyExists",
			wantHint: []string{"new idempotency key"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newLocalEnv(t, tt.opts...)
			e.registerTasks(`{"ok":true}`, nil)
			e.create(machineSpec{name: "jobs"})
			e.create(machineSpec{name: "fast", typ: types.StateMachineTypeExpress})
			p := e.provider(tt.cfg)
			before := e.srv.CallCounts()
			err := tt.call(context.Background(), p)
			if !errors.Is(err, tt.wantKind) {
				t.Fatalf("error = %v, want %v", err, tt.wantKind)
			}
			var se *stepfunctions.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *stepfunctions.Error", err)
			}
			if got := stepfunctions.APIErrorCode(err); got != tt.wantCode {
				t.Errorf("API error code = %q, want %q (error %v)", got, tt.wantCode, err)
			}
			for _, h := range tt.wantHint {
				if !strings.Contains(se.Hint, h) {
					t.Errorf("hint = %q, want it to contain %q", se.Hint, h)
				}
			}
			if strings.Contains(err.Error(), localSecret) {
				t.Errorf("error %v contains the secret key", err)
			}
			after := e.srv.CallCounts()
			for op, want := range tt.wantCalls {
				if got := after[op] - before[op]; got != want {
					t.Errorf("%s calls = %d, want %d", op, got, want)
				}
			}
		})
	}
}

func TestLocalEventualConsistency(t *testing.T) {
	e := newLocalEnv(t, sfnlocal.WithEventualConsistency(time.Hour))
	e.registerTasks(`{}`, nil)
	arn := e.create(machineSpec{name: "lagging"})
	p := e.provider(stepfunctions.Config{})
	run, err := p.ExecutePipeline(context.Background(), stepfunctions.Job{ID: arn}, nil)
	if err != nil {
		t.Fatalf("ExecutePipeline() error = %v", err)
	}
	// The server really does not show the execution yet.
	if _, err := e.admin.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: &run.RunID}); stepfunctions.APIErrorCode(err) != "ExecutionDoesNotExist" {
		t.Fatalf("DescribeExecution() right after the start error = %v, want ExecutionDoesNotExist", err)
	}
	tests := []struct {
		name     string
		provider *stepfunctions.Provider
		want     stepfunctions.RunState
		wantErr  error
	}{
		{"provider that started it", p, stepfunctions.RunStateRunning, nil},
		// The name Polysync-<UUIDv7> carries the start time, so a restarted host still knows the run is new.
		{"provider restarted", e.provider(stepfunctions.Config{}), stepfunctions.RunStateRunning, nil},
		{"grace disabled", e.provider(stepfunctions.Config{NotFoundGrace: -1}), "", stepfunctions.ErrRunNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.calls("DescribeExecution")
			st, err := tt.provider.GetPipelineRunStatus(context.Background(), run.RunID, nil)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("GetPipelineRunStatus() error = %v, want %v", err, tt.wantErr)
			}
			if st.State != tt.want {
				t.Errorf("GetPipelineRunStatus() = %+v, want %s", st, tt.want)
			}
			if tt.want == stepfunctions.RunStateRunning && !strings.Contains(st.Message, "not visible yet") {
				t.Errorf("Message = %q, want it to say the execution is not visible yet", st.Message)
			}
			if got := e.calls("DescribeExecution") - before; got != 1 {
				t.Errorf("DescribeExecution calls = %d, want 1", got)
			}
		})
	}
}

func TestLocalCancelRetriesNotYetVisible(t *testing.T) {
	// The first StopExecution answers ExecutionDoesNotExist, as right after a start; the provider tries again.
	e := newLocalEnv(t, sfnlocal.WithFault(sfnlocal.Fault{Operation: "StopExecution", Call: 1, Code: "ExecutionDoesNotExist",
		Message: "Execution Does Not Exist"}))
	e.registerTasks(`{}`, nil)
	arn := e.create(machineSpec{name: "slow", definition: taskDefinition(blockTask)})
	p := e.provider(stepfunctions.Config{})
	run, err := p.ExecutePipeline(context.Background(), stepfunctions.Job{ID: arn}, nil)
	if err != nil {
		t.Fatalf("ExecutePipeline() error = %v", err)
	}
	if err := p.CancelPipelineRun(context.Background(), run.RunID); err != nil {
		t.Fatalf("CancelPipelineRun() error = %v", err)
	}
	if got := e.calls("StopExecution"); got != 2 {
		t.Errorf("StopExecution calls = %d, want 2", got)
	}
	if st := waitEnded(t, p, run.RunID, nil); st.State != stepfunctions.RunStateCancelled {
		t.Errorf("status after cancel = %s, want Cancelled", st.State)
	}
}

// throttleCounter is an http.RoundTripper that counts the requests and the ThrottlingException answers per
// operation.
type throttleCounter struct {
	base http.RoundTripper
	mu   sync.Mutex
	byOp map[string]int // throttled answers
	sent map[string]int // requests
}

// newThrottleCounter returns a throttleCounter over a transport that keeps enough idle connections for the
// provider's concurrency.
func newThrottleCounter() *throttleCounter {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return &throttleCounter{base: tr, byOp: map[string]int{}, sent: map[string]int{}}
}

func (c *throttleCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSStepFunctions.")
	c.mu.Lock()
	c.sent[op]++
	c.mu.Unlock()
	resp, err := c.base.RoundTrip(r)
	if err == nil && resp.Header.Get("X-Amzn-ErrorType") == "ThrottlingException" {
		c.mu.Lock()
		c.byOp[op]++
		c.mu.Unlock()
	}
	return resp, err
}

// calls returns how many requests of op were sent.
func (c *throttleCounter) calls(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sent[op]
}

// throttled returns how many ThrottlingException answers op received.
func (c *throttleCounter) throttled(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byOp[op]
}

// scaledRateLimits returns the default client-side limits with refill rates sped up by scale, matching a
// server whose clock runs scale times faster.
func scaledRateLimits(scale float64) map[string]stepfunctions.RateLimit {
	m := stepfunctions.DefaultRateLimits(localRegion)
	for api, l := range m {
		l.PerSecond *= scale
		m[api] = l
	}
	return m
}

func TestLocalListJobsUnderThrottling(t *testing.T) {
	// The SDK cannot add the CA bundle of the environment to a custom HTTP client.
	t.Setenv("AWS_CA_BUNDLE", "")
	// 300 state machines: 100 more DescribeStateMachine calls than the quota's bucket of 200 holds. Under the
	// client's limits the server clock runs 2x faster (refill 40 calls/s) and the scenario takes 2.5 s.
	// Without them it runs at the wall clock's pace (refill 20 calls/s): 300 calls then need 5 s, and the provider
	// makes them much faster than that (eight workers need only be quicker than 400 ms a call, which holds on a
	// loaded machine under -race, where at 2x, 200 ms a call, it did not always), so it is throttled for sure and
	// must retry. With a short MaxBackoff the eight workers retry faster than the bucket refills: about 80
	// attempts/s for 20 tokens/s, so an attempt wins about one time in four, and a call may lose many times in a
	// row. At 30 attempts one call in about 5,600 ran out (0.75^30): with a hundred or more contended calls, a few
	// runs in a hundred failed. At 100 attempts it is 0.75^100 per call, about 3e-13.
	const machines = 300
	tests := []struct {
		name          string
		scale         float64
		limits        map[string]stepfunctions.RateLimit
		maxBackoff    time.Duration
		maxAttempts   int
		wantThrottles bool
	}{
		{"adaptive client limits at the quota", 2, scaledRateLimits(2), 0, 0, false},
		{"client limits off", 1, noRateLimits(), 200 * time.Millisecond, 100, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newLocalEnv(t, sfnlocal.WithThrottling(""), sfnlocal.WithTimeScale(tt.scale))
			arns := e.createMany("fleet", machines)
			counter := newThrottleCounter()
			p := e.provider(stepfunctions.Config{RateLimits: tt.limits, MaxBackoff: tt.maxBackoff, MaxAttempts: tt.maxAttempts,
				HTTPClient: &http.Client{Transport: counter}})
			jobs, err := p.ListJobs(context.Background())
			if err != nil {
				t.Fatalf("ListJobs() error = %v", err)
			}
			if len(jobs) != len(arns) {
				t.Fatalf("ListJobs() returned %d jobs, want %d", len(jobs), len(arns))
			}
			for _, op := range []string{"ListStateMachines", "DescribeStateMachine"} {
				want := 1 + counter.throttled(op) // one page
				if op == "DescribeStateMachine" {
					want = machines + counter.throttled(op)
				}
				if got := e.calls(op); got != want {
					t.Errorf("%s calls = %d, want %d: one per item plus one retry per throttle", op, got, want)
				}
			}
			throttles := counter.throttled("DescribeStateMachine") + counter.throttled("ListStateMachines")
			// At the quota, the client's bucket runs one token short of the server's (see internal/ratelimit): a
			// round trip longer than that token's time (25 ms here) may still cost a rare throttled attempt.
			if tt.wantThrottles != (throttles > machines/100) {
				t.Errorf("the server throttled %d calls, want throttles: %v (at most %d)", throttles, tt.wantThrottles, machines/100)
			}
			t.Logf("%d ThrottlingException answers", throttles)
		})
	}
}

func TestLocalLostStartAnswer(t *testing.T) {
	// The server processes the first start and drops the connection before answering, so the client cannot
	// know whether anything started.
	tests := []struct {
		name       string
		op         string
		typ        types.StateMachineType
		definition string
		wantErr    bool
		wantCalls  int
		wantRuns   int // task invocations
	}{
		// The SDK retries; the running execution answers the retry as the same start.
		{"Standard run still running", "StartExecution", types.StateMachineTypeStandard, taskDefinition(blockTask), false, 2, 1},
		// The SDK retries; the run has ended, so Step Functions answers ExecutionAlreadyExists and the provider
		// adopts the execution of its own name instead of reporting a failed start.
		{"Standard run already ended", "StartExecution", types.StateMachineTypeStandard, taskDefinition(echoTask), false, 2, 1},
		// Express runs are not idempotent: the provider must not retry, so the run is not run twice.
		{"Express run", "StartSyncExecution", types.StateMachineTypeExpress, taskDefinition(echoTask), true, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newLocalEnv(t, sfnlocal.WithFault(sfnlocal.Fault{Operation: tt.op, Call: 1, DropConnection: true}))
			tasks := e.registerTasks(`{"ok":true}`, nil)
			arn := e.create(machineSpec{name: "lossy", typ: tt.typ, definition: tt.definition})
			p := e.provider(stepfunctions.Config{})
			run, err := p.ExecutePipeline(context.Background(), stepfunctions.Job{ID: arn, Type: string(tt.typ)},
				[]stepfunctions.Parameter{{Name: "n", Value: "1"}})
			if (err != nil) != tt.wantErr {
				t.Fatalf("ExecutePipeline() = %+v, %v, want error: %v", run, err, tt.wantErr)
			}
			if got := e.calls(tt.op); got != tt.wantCalls {
				t.Errorf("%s calls = %d, want %d", tt.op, got, tt.wantCalls)
			}
			deadline := time.Now().Add(statusWithin)
			for len(tasks.all()) < tt.wantRuns && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			if got := len(tasks.all()); got != tt.wantRuns {
				t.Errorf("the task ran %d times, want %d", got, tt.wantRuns)
			}
			if tt.typ != types.StateMachineTypeStandard {
				return
			}
			e.assertOnlyExecution(t, arn, run)
		})
	}
}

// A Standard start without an idempotency key names its run Polysync-<UUIDv7>, new to the call: when every attempt
// the SDK made was processed and its answer lost, the run exists, and a host repeating ExecutePipeline (the error
// was retryable) started a second one under another name. The provider now looks the run of its own name up and
// returns it.
func TestLocalLostStartAnswerOnEveryAttempt(t *testing.T) {
	e := newLocalEnv(t, sfnlocal.WithFault(sfnlocal.Fault{Operation: "StartExecution", DropConnection: true}))
	e.registerTasks(`{"ok":true}`, nil)
	arn := e.create(machineSpec{name: "lossy", typ: types.StateMachineTypeStandard, definition: taskDefinition(blockTask)})
	p := e.provider(stepfunctions.Config{MaxAttempts: 2})
	job := stepfunctions.Job{ID: arn, Type: stepfunctions.TypeStandard}
	run, err := p.ExecutePipeline(context.Background(), job, []stepfunctions.Parameter{{Name: "n", Value: "1"}})
	if err != nil {
		t.Fatalf("ExecutePipeline() error = %v (retryable %v), want the run that the lost answers started", err,
			stepfunctions.IsRetryable(err))
	}
	e.assertOnlyExecution(t, arn, run)
}

// assertOnlyExecution checks that run, with its start time, is the one execution the server holds of the state
// machine arn.
func (e *localEnv) assertOnlyExecution(t *testing.T, arn string, run stepfunctions.PipelineRun) {
	t.Helper()
	out, err := e.admin.ListExecutions(context.Background(), &sfn.ListExecutionsInput{StateMachineArn: &arn})
	if err != nil {
		t.Fatalf("ListExecutions() error = %v", err)
	}
	if len(out.Executions) != 1 || aws.ToString(out.Executions[0].ExecutionArn) != run.RunID || run.StartedAt.IsZero() {
		t.Errorf("ExecutePipeline() = %+v; the server has %d executions, want exactly that one", run, len(out.Executions))
	}
}

func TestLocalExpressLostAnswer(t *testing.T) {
	// The server runs the first Express execution and drops the connection instead of answering.
	e := newLocalEnv(t, sfnlocal.WithFault(sfnlocal.Fault{Operation: "StartSyncExecution", Call: 1, DropConnection: true}))
	tasks := e.registerTasks(`{"total":42}`, nil)
	job := stepfunctions.Job{ID: e.create(machineSpec{name: "invoices", typ: types.StateMachineTypeExpress}), Type: stepfunctions.TypeExpress}
	p := e.provider(stepfunctions.Config{})
	params := []stepfunctions.Parameter{{Name: "invoice", Value: "I-7"}, {Name: "total", Direction: stepfunctions.DirectionOutput}}

	_, err := p.ExecutePipeline(context.Background(), job, params, stepfunctions.WithIdempotencyKey("invoice-I-7"))
	if !errors.Is(err, stepfunctions.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "may have run") || stepfunctions.IsRetryable(err) {
		t.Fatalf("ExecutePipeline() error = %v, want ErrOutcomeUnknown saying the execution may have run, not retryable", err)
	}
	if got := len(tasks.all()); got != 1 {
		t.Fatalf("the task ran %d times, want 1 (the execution ran although its answer was lost)", got)
	}
	// A repeat with the same key must not run it a second time.
	_, err = p.ExecutePipeline(context.Background(), job, params, stepfunctions.WithIdempotencyKey("invoice-I-7"))
	if !errors.Is(err, stepfunctions.ErrOutcomeUnknown) {
		t.Errorf("ExecutePipeline() with the same key error = %v, want ErrOutcomeUnknown", err)
	}
	if got, calls := len(tasks.all()), e.calls("StartSyncExecution"); got != 1 || calls != 1 {
		t.Errorf("after the repeat the task ran %d times with %d StartSyncExecution calls, want 1 and 1", got, calls)
	}
	// A new key runs it.
	run, err := p.ExecutePipeline(context.Background(), job, params, stepfunctions.WithIdempotencyKey("invoice-I-7-again"))
	if err != nil || run.Status == nil || run.Status.State != stepfunctions.RunStateSuccess || run.Status.Parameters[1].Value != "42" {
		t.Errorf("ExecutePipeline() with a new key = %+v, %v, want a run that succeeded with total 42", run, err)
	}
}

func TestLocalContextCancellation(t *testing.T) {
	// Every call of the slowed operation takes an hour on the server: only the caller's context ends it.
	const runID = "arn:aws:states:eu-west-1:123456789012:execution:jobs:some-run"
	tests := []struct {
		op   string
		call func(ctx context.Context, p *stepfunctions.Provider, arn string) error
	}{
		{"DescribeStateMachine", func(ctx context.Context, p *stepfunctions.Provider, _ string) error {
			return errOf(p.ListJobs(ctx))
		}},
		{"StartExecution", func(ctx context.Context, p *stepfunctions.Provider, arn string) error {
			return errOf(p.ExecutePipeline(ctx, stepfunctions.Job{ID: arn, Type: stepfunctions.TypeStandard}, nil))
		}},
		{"StartSyncExecution", func(ctx context.Context, p *stepfunctions.Provider, arn string) error {
			return errOf(p.ExecutePipeline(ctx, stepfunctions.Job{ID: arn, Type: stepfunctions.TypeExpress}, nil))
		}},
		{"DescribeExecution", func(ctx context.Context, p *stepfunctions.Provider, _ string) error {
			return errOf(p.GetPipelineRunStatus(ctx, runID, nil))
		}},
		{"StopExecution", func(ctx context.Context, p *stepfunctions.Provider, _ string) error {
			return p.CancelPipelineRun(ctx, runID)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			e := newLocalEnv(t, sfnlocal.WithLatency(tt.op, time.Hour))
			arn := e.create(machineSpec{name: "jobs"})
			p := e.provider(stepfunctions.Config{})
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			err := tt.call(ctx, p, arn)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error = %v, want context.DeadlineExceeded", err)
			}
			if got := e.calls(tt.op); got != 1 {
				t.Errorf("%s calls = %d, want 1 (no retry after the context ended)", tt.op, got)
			}
		})
	}
}
