package stepfunctions_test

// These tests record the Provider's OpenTelemetry spans and metrics with the SDK's in-memory exporters while it
// runs against sfnlocal through the real AWS SDK client.

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/auth"
	"github.com/polysync/stepfunctions/sfnlocal"
)

const (
	// otelSecret is a parameter value, and otelOutput a value of the run's output, that no span or metric may
	// carry.
	otelSecret = "otel-secret-3e7a91c4"
	otelOutput = "otel-output-5b20d8f6"
	// sdkScope is the instrumentation scope of the AWS SDK's Step Functions client.
	sdkScope = "github.com/aws/aws-sdk-go-v2/service/sfn"
)

// telemetry records spans and metrics in memory.
type telemetry struct {
	spans  *tracetest.SpanRecorder
	tp     *sdktrace.TracerProvider
	reader *sdkmetric.ManualReader
	mp     *sdkmetric.MeterProvider
}

func newTelemetry(t *testing.T) *telemetry {
	spans := tracetest.NewSpanRecorder()
	reader := sdkmetric.NewManualReader()
	tel := &telemetry{spans: spans, tp: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)),
		reader: reader, mp: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))}
	t.Cleanup(func() {
		_ = tel.tp.Shutdown(context.Background())
		_ = tel.mp.Shutdown(context.Background())
	})
	return tel
}

// named returns the ended spans called name.
func (tel *telemetry) named(name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range tel.spans.Ended() {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

// one returns the one ended span called name whose attributes include attrs.
func (tel *telemetry) one(t *testing.T, name string, attrs ...attribute.KeyValue) sdktrace.ReadOnlySpan {
	t.Helper()
	var found []sdktrace.ReadOnlySpan
	for _, s := range tel.named(name) {
		if hasAttributes(s.Attributes(), attrs...) {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d ended spans %s with %v, want 1 (spans: %v)", len(found), name, attrs, spanNames(tel.spans.Ended()))
	}
	return found[0]
}

// children returns the ended spans called name whose parent is parent.
func (tel *telemetry) children(parent sdktrace.ReadOnlySpan, name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range tel.named(name) {
		if s.Parent().SpanID() == parent.SpanContext().SpanID() && s.SpanContext().TraceID() == parent.SpanContext().TraceID() {
			out = append(out, s)
		}
	}
	return out
}

func hasAttributes(have []attribute.KeyValue, want ...attribute.KeyValue) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if h == w {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func spanNames(spans []sdktrace.ReadOnlySpan) []string {
	var names []string
	for _, s := range spans {
		names = append(names, s.Name())
	}
	return names
}

// leaks returns every attribute, event attribute, link attribute or status text of spans that holds one of
// values.
func leaks(spans []sdktrace.ReadOnlySpan, values ...string) []string {
	var out []string
	check := func(where string, attrs []attribute.KeyValue) {
		for _, a := range attrs {
			for _, v := range values {
				if strings.Contains(a.Value.String(), v) {
					out = append(out, where+": "+string(a.Key)+"="+a.Value.String())
				}
			}
		}
	}
	for _, s := range spans {
		check(s.Name(), s.Attributes())
		for _, ev := range s.Events() {
			check(s.Name()+" event "+ev.Name, ev.Attributes)
		}
		for _, l := range s.Links() {
			check(s.Name()+" link", l.Attributes)
		}
		check(s.Name()+" status", []attribute.KeyValue{attribute.String("description", s.Status().Description)})
	}
	return out
}

// collect reads the metrics recorded so far.
func (tel *telemetry) collect(t *testing.T) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := tel.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	return rm
}

// metricOf returns the metric called name in scope, and whether there is one.
func metricOf(rm metricdata.ResourceMetrics, scope, name string) (metricdata.Metrics, bool) {
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != scope {
			continue
		}
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m, true
			}
		}
	}
	return metricdata.Metrics{}, false
}

// sum returns the int64 sum of m's data points with attribute attr, and whether there is one.
func sum(m metricdata.Metrics, attr attribute.KeyValue) (int64, bool) {
	if s, ok := m.Data.(metricdata.Sum[int64]); ok {
		for _, dp := range s.DataPoints {
			if v, ok := dp.Attributes.Value(attr.Key); ok && v == attr.Value {
				return dp.Value, true
			}
		}
	}
	return 0, false
}

// histogram returns the count and sum of m's data points with attribute attr.
func histogram(m metricdata.Metrics, attr attribute.KeyValue) (count uint64, total float64) {
	switch h := m.Data.(type) {
	case metricdata.Histogram[float64]:
		for _, dp := range h.DataPoints {
			if v, ok := dp.Attributes.Value(attr.Key); ok && v == attr.Value {
				count, total = count+dp.Count, total+dp.Sum
			}
		}
	case metricdata.Histogram[int64]:
		for _, dp := range h.DataPoints {
			if v, ok := dp.Attributes.Value(attr.Key); ok && v == attr.Value {
				count, total = count+dp.Count, total+float64(dp.Sum)
			}
		}
	}
	return count, total
}

func otelParams() []stepfunctions.Parameter {
	return []stepfunctions.Parameter{
		{Name: "orderId", Direction: stepfunctions.DirectionInput, DataType: stepfunctions.DataTypeString, Value: otelSecret},
		{Name: "receipt", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeString},
	}
}

func TestOTelSpans(t *testing.T) {
	e := newLocalEnv(t)
	release := make(chan struct{})
	defer close(release)
	tasks := e.registerTasks(`{"receipt":"`+otelOutput+`"}`, release)
	echo := e.create(machineSpec{name: "echo"})
	express := e.create(machineSpec{name: "fast", typ: "EXPRESS"})
	block := e.create(machineSpec{name: "block", definition: taskDefinition(blockTask)})
	fail := e.create(machineSpec{name: "fail", definition: taskDefinition(failTask)})
	tel := newTelemetry(t)
	p := e.provider(stepfunctions.Config{TracerProvider: tel.tp})
	ctx, root := tel.tp.Tracer("host").Start(context.Background(), "host request")
	params := otelParams()

	jobs, err := p.ListJobs(ctx)
	if err != nil {
		t.Fatalf("ListJobs() error = %v", err)
	}
	run, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: echo}, params)
	if err != nil {
		t.Fatalf("ExecutePipeline() error = %v", err)
	}
	final, err := p.WaitPipelineRun(ctx, run.RunID, params, stepfunctions.WithPollInterval(10*time.Millisecond))
	if err != nil || final.State != stepfunctions.RunStateSuccess || final.Parameters[1].Value != otelOutput {
		t.Fatalf("WaitPipelineRun() = %s %v (%v), want Success with the receipt", final.State, paramValues(final.Parameters), err)
	}
	if len(tasks.all()) != 1 || !strings.Contains(tasks.all()[0], otelSecret) {
		t.Fatalf("task inputs %v, want one holding the parameter value", tasks.all())
	}
	if _, err := p.GetPipelineRunStatus(ctx, run.RunID, params); err != nil {
		t.Fatalf("GetPipelineRunStatus() error = %v", err)
	}
	fast, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: express}, params)
	if err != nil || fast.Status == nil || fast.Status.State != stepfunctions.RunStateSuccess {
		t.Fatalf("ExecutePipeline(Express) = %+v, %v, want Success", fast, err)
	}
	blocked, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: block}, params)
	if err != nil {
		t.Fatalf("ExecutePipeline(block) error = %v", err)
	}
	failed, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: fail}, params)
	if err != nil {
		t.Fatalf("ExecutePipeline(fail) error = %v", err)
	}
	if st := waitEnded(t, p, failed.RunID, params); st.State != stepfunctions.RunStateFailed {
		t.Fatalf("failing run ended %s, want Failed", st.State)
	}
	sweep := p.GetPipelineRunStatuses(ctx, []stepfunctions.RunRef{{RunID: run.RunID}, {RunID: blocked.RunID}, {RunID: failed.RunID},
		{RunID: "not an ARN"}})
	if sweep[0].Status.State != stepfunctions.RunStateSuccess || sweep[1].Status.State != stepfunctions.RunStateRunning ||
		sweep[2].Status.State != stepfunctions.RunStateFailed || sweep[3].Err == nil {
		t.Fatalf("GetPipelineRunStatuses() = %+v, want Success, Running, Failed and an error", sweep)
	}
	if err := p.CancelPipelineRun(ctx, blocked.RunID); err != nil {
		t.Fatalf("CancelPipelineRun() error = %v", err)
	}
	if err := p.RedrivePipelineRun(ctx, failed.RunID); err != nil {
		t.Fatalf("RedrivePipelineRun() error = %v", err)
	}
	missing := strings.Replace(run.RunID, run.Name, "gone", 1)
	if err := p.CancelPipelineRun(ctx, missing); !errors.Is(err, stepfunctions.ErrRunNotFound) {
		t.Fatalf("CancelPipelineRun(missing) error = %v, want ErrRunNotFound", err)
	}
	root.End()

	// Each Provider method is a span under the caller's, with the SDK's spans of its calls as children.
	jobAttr := func(arn string) attribute.KeyValue {
		return attribute.String("aws.step_functions.state_machine.arn", arn)
	}
	runAttr := func(arn string) attribute.KeyValue { return attribute.String("aws.step_functions.execution.arn", arn) }
	state := func(s stepfunctions.RunState) attribute.KeyValue {
		return attribute.String("polysync.run.state", string(s))
	}
	hostRoot := tel.one(t, "host request")
	for _, tt := range []struct {
		span     string
		attrs    []attribute.KeyValue
		sdkCalls []string
	}{
		{"stepfunctions.ListJobs", []attribute.KeyValue{attribute.Int("polysync.jobs.count", len(jobs))},
			[]string{"SFN.ListStateMachines", "SFN.DescribeStateMachine"}},
		{"stepfunctions.ExecutePipeline", []attribute.KeyValue{jobAttr(echo), runAttr(run.RunID)}, []string{"SFN.StartExecution"}},
		{"stepfunctions.ExecutePipeline", []attribute.KeyValue{jobAttr(express), runAttr(fast.RunID), state(stepfunctions.RunStateSuccess)},
			[]string{"SFN.StartSyncExecution"}},
		{"stepfunctions.GetPipelineRunStatus", []attribute.KeyValue{runAttr(run.RunID), state(stepfunctions.RunStateSuccess)},
			[]string{"SFN.DescribeExecution"}},
		{"stepfunctions.GetPipelineRunStatuses", []attribute.KeyValue{attribute.Int("polysync.runs.count", 4),
			attribute.Int("polysync.runs.running", 1), attribute.Int("polysync.runs.ended", 2), attribute.Int("polysync.runs.errors", 1)},
			[]string{"SFN.DescribeExecution"}},
		{"stepfunctions.CancelPipelineRun", []attribute.KeyValue{runAttr(blocked.RunID)}, []string{"SFN.StopExecution"}},
		{"stepfunctions.RedrivePipelineRun", []attribute.KeyValue{runAttr(failed.RunID)}, []string{"SFN.RedriveExecution"}},
		{"stepfunctions.WaitPipelineRun", []attribute.KeyValue{runAttr(run.RunID), state(stepfunctions.RunStateSuccess)}, nil},
	} {
		s := tel.one(t, tt.span, tt.attrs...)
		if s.Parent().SpanID() != hostRoot.SpanContext().SpanID() || s.SpanContext().TraceID() != hostRoot.SpanContext().TraceID() {
			t.Errorf("span %s %v is not a child of the caller's span", tt.span, tt.attrs)
		}
		if s.Status().Code == codes.Error {
			t.Errorf("span %s %v has status %v, want no error", tt.span, tt.attrs, s.Status())
		}
		for _, call := range tt.sdkCalls {
			if len(tel.children(s, call)) == 0 {
				t.Errorf("span %s %v has no child %s", tt.span, tt.attrs, call)
			}
		}
	}

	// A failed method's span says so, with the error's kind.
	gone := tel.one(t, "stepfunctions.CancelPipelineRun", runAttr(missing))
	if gone.Status().Code != codes.Error || !hasAttributes(gone.Attributes(), attribute.String("polysync.error.kind", "run not found")) {
		t.Errorf("span of a failed CancelPipelineRun: status %v, attributes %v, want Error with kind run not found", gone.Status(), gone.Attributes())
	}

	// A round of WaitPipelineRun is a trace of its own, linked to the wait it serves; its sweep and the SDK's
	// calls are below it.
	wait := tel.one(t, "stepfunctions.WaitPipelineRun", runAttr(run.RunID))
	var served int
	for _, round := range tel.named("stepfunctions.WaitPipelineRun.round") {
		linked := false
		for _, l := range round.Links() {
			linked = linked || l.SpanContext.SpanID() == wait.SpanContext().SpanID()
		}
		if !linked {
			continue
		}
		served++
		if round.Parent().IsValid() {
			t.Errorf("round span has parent %v, want a new root", round.Parent().SpanID())
		}
		sweeps := tel.children(round, "stepfunctions.GetPipelineRunStatuses")
		if len(sweeps) != 1 || len(tel.children(sweeps[0], "SFN.DescribeExecution"))+len(tel.children(sweeps[0], "SFN.ListExecutions")) == 0 {
			t.Errorf("round span has %d GetPipelineRunStatuses children, want 1 with the SDK's calls below", len(sweeps))
		}
	}
	if served == 0 {
		t.Errorf("no round span links to the WaitPipelineRun span")
	}

	// No span carries a parameter value or an output value, the SDK's spans included.
	all := tel.spans.Ended()
	if len(tel.named("SFN.StartExecution")) == 0 {
		t.Fatal("no SDK span recorded")
	}
	if l := leaks(all, otelSecret, otelOutput); len(l) > 0 {
		t.Errorf("span attributes hold a parameter or output value: %v", l)
	}
}

func TestOTelMetrics(t *testing.T) {
	// The first DescribeStateMachine attempt is throttled, and retried.
	e := newLocalEnv(t, sfnlocal.WithFault(sfnlocal.Fault{Operation: "DescribeStateMachine", Call: 1, Code: "ThrottlingException",
		Message: "Rate exceeded"}))
	release := make(chan struct{})
	e.registerTasks(`{"receipt":"`+otelOutput+`"}`, release)
	block := e.create(machineSpec{name: "block", definition: taskDefinition(blockTask)})
	tel := newTelemetry(t)
	p := e.provider(stepfunctions.Config{MeterProvider: tel.mp})
	ctx := context.Background()
	params := otelParams()
	api := func(name string) attribute.KeyValue { return attribute.String("rpc.method", name) }

	if _, err := p.ListJobs(ctx); err != nil {
		t.Fatalf("ListJobs() error = %v", err)
	}
	rm := tel.collect(t)
	throttled, ok := metricOf(rm, "github.com/polysync/stepfunctions", "polysync.sfn.attempts.throttled")
	if !ok {
		t.Fatal("no polysync.sfn.attempts.throttled metric")
	}
	if n, _ := sum(throttled, api("DescribeStateMachine")); n != 1 {
		t.Errorf("throttled DescribeStateMachine attempts = %d, want 1", n)
	}
	if n, ok := sum(throttled, api("ListStateMachines")); ok {
		t.Errorf("throttled ListStateMachines attempts = %d, want none recorded", n)
	}
	waits, ok := metricOf(rm, "github.com/polysync/stepfunctions", "polysync.sfn.limiter.wait.duration")
	if !ok {
		t.Fatal("no polysync.sfn.limiter.wait.duration metric")
	}
	if n, _ := histogram(waits, api("DescribeStateMachine")); n != 2 {
		t.Errorf("limiter waits of DescribeStateMachine = %d, want 2 (the first attempt and the retry)", n)
	}
	if n, _ := histogram(waits, api("ListStateMachines")); n != 1 {
		t.Errorf("limiter waits of ListStateMachines = %d, want 1", n)
	}
	// The SDK's own metrics come through its adapter.
	attempts, ok := metricOf(rm, sdkScope, "client.call.attempts")
	if n, _ := sum(attempts, api("DescribeStateMachine")); !ok || n != 2 {
		t.Errorf("SDK client.call.attempts of DescribeStateMachine = %d (recorded: %v), want 2", n, ok)
	}
	if _, ok := metricOf(rm, sdkScope, "client.call.duration"); !ok {
		t.Errorf("no SDK client.call.duration metric")
	}

	// A WaitPipelineRun call counts as a run followed while it waits.
	run, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: block}, params)
	if err != nil {
		t.Fatalf("ExecutePipeline() error = %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := p.WaitPipelineRun(ctx, run.RunID, params, stepfunctions.WithPollInterval(10*time.Millisecond))
		done <- err
	}()
	following := func() int64 {
		m, _ := metricOf(tel.collect(t), "github.com/polysync/stepfunctions", "polysync.sfn.wait.runs")
		if s, ok := m.Data.(metricdata.Sum[int64]); ok && len(s.DataPoints) == 1 {
			return s.DataPoints[0].Value
		}
		return -1
	}
	deadline := time.Now().Add(statusWithin)
	for following() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("polysync.sfn.wait.runs = %d while a WaitPipelineRun call waits, want 1", following())
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("WaitPipelineRun() error = %v", err)
	}
	if n := following(); n != 0 {
		t.Errorf("polysync.sfn.wait.runs = %d after the wait returned, want 0", n)
	}

	// Each status sweep records how many runs it looked up.
	p.GetPipelineRunStatuses(ctx, []stepfunctions.RunRef{{RunID: run.RunID}, {RunID: run.RunID}, {RunID: run.RunID}})
	rm = tel.collect(t)
	sweeps, _ := metricOf(rm, "github.com/polysync/stepfunctions", "polysync.sfn.sweep.runs")
	if n, total := histogram(sweeps, attribute.String("polysync.operation", "GetPipelineRunStatuses")); n != 1 || total != 3 {
		t.Errorf("sweeps of GetPipelineRunStatuses: %d recording %v runs, want 1 of 3", n, total)
	}
	if n, total := histogram(sweeps, attribute.String("polysync.operation", "WaitPipelineRun")); n == 0 || total != float64(n) {
		t.Errorf("rounds of WaitPipelineRun: %d recording %v runs, want at least 1, of one run each", n, total)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if strings.Contains(m.Name+m.Description, otelSecret) {
				t.Errorf("metric %s holds the parameter value", m.Name)
			}
		}
	}
}

func TestOTelOffRecordsNothing(t *testing.T) {
	// Global providers are set, and must not be used: nil means off.
	tel := newTelemetry(t)
	prevTP, prevMP := otel.GetTracerProvider(), otel.GetMeterProvider()
	otel.SetTracerProvider(tel.tp)
	otel.SetMeterProvider(tel.mp)
	t.Cleanup(func() {
		otel.SetTracerProvider(prevTP)
		otel.SetMeterProvider(prevMP)
	})
	e := newLocalEnv(t, sfnlocal.WithFault(sfnlocal.Fault{Operation: "StartExecution", Call: 1, Code: "ThrottlingException",
		Message: "Rate exceeded"}))
	e.registerTasks(`{"receipt":"`+otelOutput+`"}`, nil)
	echo := e.create(machineSpec{name: "echo"})
	p := e.provider(stepfunctions.Config{})
	ctx := context.Background()
	if _, err := p.ListJobs(ctx); err != nil {
		t.Fatalf("ListJobs() error = %v", err)
	}
	run, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: echo}, otelParams())
	if err != nil {
		t.Fatalf("ExecutePipeline() error = %v", err)
	}
	if _, err := p.WaitPipelineRun(ctx, run.RunID, otelParams(), stepfunctions.WithPollInterval(10*time.Millisecond)); err != nil {
		t.Fatalf("WaitPipelineRun() error = %v", err)
	}
	if spans := tel.spans.Ended(); len(spans) > 0 {
		t.Errorf("recorded %d spans through the global provider (%v), want none", len(spans), spanNames(spans))
	}
	if rm := tel.collect(t); len(rm.ScopeMetrics) > 0 {
		t.Errorf("recorded metrics of %d scopes through the global provider, want none", len(rm.ScopeMetrics))
	}
}

func TestOTelNilPointerProviders(t *testing.T) {
	for _, cfg := range []stepfunctions.Config{
		{Region: localRegion, TracerProvider: (*sdktrace.TracerProvider)(nil)},
		{Region: localRegion, MeterProvider: (*sdkmetric.MeterProvider)(nil)},
	} {
		_, err := stepfunctions.New(context.Background(), cfg)
		if !errors.Is(err, stepfunctions.ErrInvalidInput) || !strings.Contains(err.Error(), "Provider is a nil") {
			t.Errorf("New(%+v) error = %v, want ErrInvalidInput naming the nil provider", cfg, err)
		}
	}
}

// ExampleNew_openTelemetry traces the Provider: each method is a span, with the AWS SDK's spans of its calls
// below it. A host passes its own TracerProvider (and MeterProvider), one that exports; this one keeps the spans
// in memory.
func ExampleNew_openTelemetry() {
	ctx := context.Background()
	srv := sfnlocal.New(sfnlocal.WithRegion("eu-west-1"))
	endpoint, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	p, err := stepfunctions.New(ctx, stepfunctions.Config{Region: "eu-west-1", Endpoint: endpoint,
		Credentials: auth.Static("AKIDEXAMPLE", "secret", ""), TracerProvider: tp})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := p.ListJobs(ctx); err != nil {
		log.Fatal(err)
	}
	names := make(map[trace.SpanID]string)
	for _, s := range spans.Ended() {
		names[s.SpanContext().SpanID()] = s.Name()
	}
	for _, s := range spans.Ended() {
		if parent := names[s.Parent().SpanID()]; strings.HasPrefix(parent, "stepfunctions.") {
			fmt.Printf("%s, in %s\n", s.Name(), parent)
		}
		if strings.HasPrefix(s.Name(), "stepfunctions.") {
			fmt.Print(s.Name())
			for _, a := range s.Attributes() {
				fmt.Printf(" %s=%s", a.Key, a.Value.String())
			}
			fmt.Println()
		}
	}
	// Output:
	// SFN.ListStateMachines, in stepfunctions.ListJobs
	// stepfunctions.ListJobs polysync.jobs.count=0
}

// refusingMeterProvider's meters refuse to create the Provider's counters (and give no instrument), as a broken
// or misconfigured one might. (The AWS SDK fails its calls when its own instruments are refused.)
type refusingMeterProvider struct{ metricnoop.MeterProvider }

func (refusingMeterProvider) Meter(string, ...metric.MeterOption) metric.Meter {
	return refusingMeter{}
}

type refusingMeter struct{ metricnoop.Meter }

func (m refusingMeter) Int64Counter(name string, opts ...metric.Int64CounterOption) (metric.Int64Counter, error) {
	if strings.HasPrefix(name, "polysync.") {
		return nil, errors.New("refused")
	}
	return m.Meter.Int64Counter(name, opts...)
}

func TestOTelMeterRefusingInstruments(t *testing.T) {
	e := newLocalEnv(t, sfnlocal.WithFault(sfnlocal.Fault{Operation: "ListStateMachines", Call: 1, Code: "ThrottlingException",
		Message: "Rate exceeded"}))
	var logs strings.Builder
	p := e.provider(stepfunctions.Config{MeterProvider: refusingMeterProvider{},
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if _, err := p.ListJobs(context.Background()); err != nil {
		t.Fatalf("ListJobs() error = %v, want a working provider without metrics", err)
	}
	if !strings.Contains(logs.String(), "Config.MeterProvider refused an instrument") {
		t.Errorf("logs = %q, want a warning that the meter refused an instrument", logs.String())
	}
}
