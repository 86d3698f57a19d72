package stepfunctions

import (
	"context"
	"errors"
	"time"

	"github.com/aws/smithy-go/metrics"
	"github.com/aws/smithy-go/metrics/smithyotelmetrics"
	"github.com/aws/smithy-go/tracing"
	"github.com/aws/smithy-go/tracing/smithyoteltracing"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// instrumentationScope names the tracer and the meter of the Provider's own spans and metrics. The AWS SDK's
// are named for its service client (github.com/aws/aws-sdk-go-v2/service/sfn).
const instrumentationScope = "github.com/polysync/stepfunctions"

// Span names are spanPrefix and the Provider method; a round of WaitPipelineRun is roundSpan.
const (
	spanPrefix = "stepfunctions."
	roundSpan  = spanPrefix + "WaitPipelineRun.round"
)

// Attributes of the Provider's spans and metrics. They name jobs and runs by ARN and count them; they never
// carry a parameter value, an input, an output, a run's error cause or a credential.
const (
	attrJob          = semconv.AWSStepFunctionsStateMachineARNKey        // a job ID
	attrRun          = attribute.Key("aws.step_functions.execution.arn") // a run ID, named after the job's
	attrRunState     = attribute.Key("polysync.run.state")               // a RunState
	attrJobCount     = attribute.Key("polysync.jobs.count")
	attrRunCount     = attribute.Key("polysync.runs.count")
	attrRunsRunning  = attribute.Key("polysync.runs.running") // of a sweep's results, those Running
	attrRunsEnded    = attribute.Key("polysync.runs.ended")   // ... those in another state
	attrRunsFailed   = attribute.Key("polysync.runs.errors")  // ... those whose lookup failed
	attrErrorKind    = attribute.Key("polysync.error.kind")   // an Err* kind, for errors.Is
	attrOperation    = attribute.Key("polysync.operation")    // the Provider method a sweep served
	attrAPI          = semconv.RPCMethodKey                   // a Step Functions API, as the SDK's metrics name it
	attrWaitersCount = attribute.Key("polysync.waiters.count")
)

// Metric names of the Provider's instruments.
const (
	metricLimiterWait = "polysync.sfn.limiter.wait.duration"
	metricThrottled   = "polysync.sfn.attempts.throttled"
	metricWaitRuns    = "polysync.sfn.wait.runs"
	metricSweepRuns   = "polysync.sfn.sweep.runs"
)

// telemetry is the Provider's tracer and instruments. Without Config.TracerProvider and MeterProvider they are
// OpenTelemetry's no-op ones: nothing is recorded, and the global providers are never used.
type telemetry struct {
	tracer trace.Tracer
	traced bool // Config.TracerProvider is set
	instruments
}

// instruments are the Provider's metrics.
type instruments struct {
	limiterWait metric.Float64Histogram   // each wait on a client-side limiter, by API
	throttled   metric.Int64Counter       // throttled attempts, by API
	waitRuns    metric.Int64UpDownCounter // runs WaitPipelineRun calls are following
	sweepRuns   metric.Int64Histogram     // runs each status sweep was asked about
}

// newTelemetry returns the telemetry of cfg and makes limiters report their waits and throttles to it.
func newTelemetry(cfg Config, limiters limiterSet) *telemetry {
	var tp trace.TracerProvider = tracenoop.NewTracerProvider()
	if cfg.TracerProvider != nil {
		tp = cfg.TracerProvider
	}
	t := &telemetry{tracer: tp.Tracer(instrumentationScope), traced: cfg.TracerProvider != nil}
	var meter metric.Meter = metricnoop.Meter{}
	if cfg.MeterProvider != nil {
		meter = cfg.MeterProvider.Meter(instrumentationScope)
	}
	in, err := newInstruments(meter)
	if err != nil {
		// The names and units are valid: a MeterProvider that refuses them is not one this package can use.
		if cfg.Logger != nil {
			cfg.Logger.Warn("Config.MeterProvider refused an instrument; the provider records no metrics of its own",
				"error", err.Error())
		}
		in, _ = newInstruments(metricnoop.Meter{})
	}
	t.instruments = in
	if cfg.MeterProvider != nil && err == nil {
		for api, lim := range limiters {
			lim.Observe(limiterObserver{t: t, api: metric.WithAttributeSet(attribute.NewSet(attrAPI.String(api)))})
		}
	}
	return t
}

// newInstruments creates the instruments on meter.
func newInstruments(meter metric.Meter) (instruments, error) {
	var in instruments
	var errs [4]error
	in.limiterWait, errs[0] = meter.Float64Histogram(metricLimiterWait, metric.WithUnit("s"),
		metric.WithDescription("Time an attempt of a call to Step Functions waited on its API's client-side rate limit"),
		metric.WithExplicitBucketBoundaries(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60))
	in.throttled, errs[1] = meter.Int64Counter(metricThrottled, metric.WithUnit("{attempt}"),
		metric.WithDescription("Attempts of calls to Step Functions answered with a throttling error"))
	in.waitRuns, errs[2] = meter.Int64UpDownCounter(metricWaitRuns, metric.WithUnit("{run}"),
		metric.WithDescription("Runs that WaitPipelineRun calls are following"))
	in.sweepRuns, errs[3] = meter.Int64Histogram(metricSweepRuns, metric.WithUnit("{run}"),
		metric.WithDescription("Runs one status sweep was asked about: the refs of a GetPipelineRunStatuses call, "+
			"or the waiters of a WaitPipelineRun round"),
		metric.WithExplicitBucketBoundaries(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000))
	return in, errors.Join(errs[:]...)
}

// limiterObserver records the waits and throttles of one API's limiter.
type limiterObserver struct {
	t   *telemetry
	api metric.MeasurementOption
}

func (o limiterObserver) Waited(ctx context.Context, d time.Duration) {
	o.t.limiterWait.Record(ctx, d.Seconds(), o.api)
}

func (o limiterObserver) Throttled() {
	o.t.throttled.Add(context.Background(), 1, o.api)
}

// sdkTelemetry returns cfg's tracer and meter providers adapted for an AWS SDK client's options
// (TracerProvider, MeterProvider), or the SDK's no-op ones for those unset.
func sdkTelemetry(cfg Config) (tracing.TracerProvider, metrics.MeterProvider) {
	var tp tracing.TracerProvider = tracing.NopTracerProvider{}
	if cfg.TracerProvider != nil {
		tp = smithyoteltracing.Adapt(cfg.TracerProvider)
	}
	// The SDK skips its metrics work for exactly this value.
	var mp metrics.MeterProvider = metrics.NopMeterProvider{}
	if cfg.MeterProvider != nil {
		mp = smithyotelmetrics.Adapt(cfg.MeterProvider)
	}
	return tp, mp
}

// validateTelemetry refuses a nil pointer as a tracer or meter provider, which would panic when used.
func validateTelemetry(op string, cfg Config) error {
	if cfg.TracerProvider != nil && isNilPointer(cfg.TracerProvider) {
		return invalid(op, "Config.TracerProvider is a nil %T; leave it nil for no tracing", cfg.TracerProvider)
	}
	if cfg.MeterProvider != nil && isNilPointer(cfg.MeterProvider) {
		return invalid(op, "Config.MeterProvider is a nil %T; leave it nil for no metrics", cfg.MeterProvider)
	}
	return nil
}

// opSpan is the span of one call of a Provider method: nil without tracing.
type opSpan struct {
	trace.Span
	ctx context.Context
	tel *telemetry
}

// beginOp begins Provider method op: it names op in ctx for the errors of the calls op makes (withOp) and starts
// op's span with attrs (startSpan). The caller defers span.end.
func (p *Provider) beginOp(ctx context.Context, op string, attrs ...attribute.KeyValue) (context.Context, opSpan) {
	return p.startSpan(withOp(ctx, op), op, attrs...)
}

// startSpan starts the span of Provider method op, a child of ctx's span, with attrs. Without tracing it
// returns ctx as it is, so that the caller's span stays the current one for anything below (such as an
// instrumented Config.HTTPClient), and costs nothing.
func (p *Provider) startSpan(ctx context.Context, op string, attrs ...attribute.KeyValue) (context.Context, opSpan) {
	if !p.tel.traced {
		return ctx, opSpan{ctx: ctx, tel: p.tel}
	}
	ctx, span := p.tel.tracer.Start(ctx, spanPrefix+op, trace.WithAttributes(attrs...))
	return ctx, opSpan{Span: span, ctx: ctx, tel: p.tel}
}

// end ends the span. A non-nil *err sets its status to Error, with the error's message (which never holds a
// parameter value) and kind. result, a pointer to the method's result, adds what it says of jobs and runs:
// IDs, states and counts.
func (s opSpan) end(err *error, result any) {
	if r, ok := result.(*[]RunResult); ok {
		s.tel.sweepRuns.Record(s.ctx, int64(len(*r)), metric.WithAttributes(attrOperation.String(opOf(s.ctx))))
	}
	if s.Span == nil {
		return
	}
	switch r := result.(type) {
	case *[]Job:
		s.SetAttributes(attrJobCount.Int(len(*r)))
	case *PipelineRun:
		if r.RunID != "" {
			s.SetAttributes(attrRun.String(r.RunID))
		}
		if r.Status != nil {
			s.SetAttributes(attrRunState.String(string(r.Status.State)))
		}
	case *RunStatus:
		if r.State != "" {
			s.SetAttributes(attrRunState.String(string(r.State)))
		}
	case *[]RunResult:
		s.SetAttributes(sweepAttributes(*r)...)
	}
	if err != nil && *err != nil {
		if kind := errorKind(*err); kind != "" {
			s.SetAttributes(attrErrorKind.String(kind))
		}
		s.RecordError(*err)
		s.SetStatus(codes.Error, (*err).Error())
	}
	s.End()
}

// sweepAttributes count a sweep's results by outcome.
func sweepAttributes(results []RunResult) []attribute.KeyValue {
	var running, ended, failed int
	for _, r := range results {
		switch {
		case r.Err != nil:
			failed++
		case r.Status.State == RunStateRunning:
			running++
		default:
			ended++
		}
	}
	return []attribute.KeyValue{attrRunCount.Int(len(results)), attrRunsRunning.Int(running), attrRunsEnded.Int(ended),
		attrRunsFailed.Int(failed)}
}

// errorKind returns the name of err's kind ("access denied", ...), or "" when it has none.
func errorKind(err error) string {
	if e := (*Error)(nil); errors.As(err, &e) && e.Kind != nil {
		return e.Kind.Error()
	}
	return ""
}

// startRound starts the span of a WaitPipelineRun round over batch: a new trace, linked to the span of each
// WaitPipelineRun call it serves (the round outlives any one of them).
func (p *Provider) startRound(ctx context.Context, batch []*waiter) (context.Context, trace.Span) {
	links := make([]trace.Link, 0, len(batch))
	for _, w := range batch {
		if w.link.SpanContext.IsValid() {
			links = append(links, w.link)
		}
	}
	return p.tel.tracer.Start(ctx, roundSpan, trace.WithNewRoot(), trace.WithLinks(links...),
		trace.WithAttributes(attrWaitersCount.Int(len(batch))))
}

// following adds n (1 or -1) to the runs WaitPipelineRun calls follow.
func (t *telemetry) following(ctx context.Context, n int64) {
	t.waitRuns.Add(ctx, n)
}
