// Package stepfunctions lets the Polysync host treat AWS Step Functions state machines as jobs: it discovers
// state machines, starts executions with parameters, tracks their status, maps their output back onto
// parameters, cancels them and links them to the AWS console.
//
// # Jobs and runs
//
// A Job is a state machine; its ID is the state machine ARN, and a version ARN (name:3) or alias ARN
// (name:prod) works as a job ID too. A run is an execution; its RunID is the execution ARN.
//
// # Standard and Express
//
// Standard state machines are started with StartExecution and tracked with DescribeExecution. Express state
// machines do not support DescribeExecution or StopExecution, so ExecutePipeline runs them with
// StartSyncExecution (which returns when the execution ends, within 5 minutes) and returns the run with its
// final status, or with Config.ExpressMode ExpressAsync starts them with StartExecution. GetPipelineRunStatus
// answers for them from a result store (Config.ExpressResults: in memory by default, or shared by replicas), and
// for runs no store holds the end of, from the state machine's CloudWatch Logs.
//
// # Errors
//
// Errors are *Error values whose Kind matches one of the Err* values with errors.Is, whose Hint says what to
// fix, and which unwrap to the AWS SDK's error.
//
// # Throttling
//
// Every API call waits on a client-side token bucket kept under the documented per-region Step Functions
// quotas (see DefaultRateLimits), and throttled calls are retried with exponential backoff.
package stepfunctions

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/sync/singleflight"

	"github.com/polysync/stepfunctions/auth"
	"github.com/polysync/stepfunctions/expressstore"
	"github.com/polysync/stepfunctions/internal/sfnapi"
	"github.com/polysync/stepfunctions/internal/sfnarn"
	"github.com/polysync/stepfunctions/internal/sfnops"
)

// RateLimit is a client-side token bucket for one Step Functions API.
type RateLimit struct {
	// PerSecond is the refill rate in calls per second. Zero or less means unlimited.
	PerSecond float64
	// Burst is the bucket size. Values below 1 are treated as 1.
	Burst int
}

// Config configures a Provider.
type Config struct {
	// Region is the AWS region, for example "eu-west-1" or "eusc-de-east-1". Required. It must be a region of one
	// of the partitions the AWS SDK in go.mod knows (aws, aws-cn, aws-eusc, aws-us-gov, the aws-iso ones), by name
	// or by its partition's region pattern; New refuses other names rather than guessing the aws partition.
	Region string
	// Credentials resolves AWS credentials. Nil means the SDK's default chain (environment, shared config,
	// web identity, instance or container role).
	Credentials auth.Source
	// Endpoint optionally overrides the Step Functions endpoint, e.g. "http://127.0.0.1:8083" for a local
	// endpoint. When set (here or through AWS_ENDPOINT_URL_SFN), the SDK's "sync-" host prefix for
	// StartSyncExecution is disabled, since "sync-127.0.0.1" does not resolve. It must not carry user
	// information (user:password@).
	Endpoint string
	// TraceHeader is the default X-Ray trace header passed to every execution (at most 256 ASCII characters).
	// WithTraceHeader overrides it per run.
	TraceHeader string
	// Logger receives structured logs. Nil discards them. Parameter values are never logged.
	Logger *slog.Logger
	// TracerProvider traces the Provider with OpenTelemetry: each call of ListJobs, ExecutePipeline,
	// GetPipelineRunStatus(es), WaitPipelineRun (and each of its shared rounds), CancelPipelineRun and
	// RedrivePipelineRun is a span, whose children are the AWS SDK's spans of the calls it made, retries included.
	// Spans name jobs and runs by ARN and carry states and counts, never a parameter value, input or output. Nil
	// means no tracing: the global provider (otel.GetTracerProvider) is not used.
	TracerProvider trace.TracerProvider
	// MeterProvider records the Provider's metrics with OpenTelemetry: the AWS SDK's standard client metrics
	// (client.call.duration, client.call.attempts, ...) and the Provider's own: waits on the client-side rate
	// limiters and throttled attempts, by API, the runs WaitPipelineRun follows and the runs each status sweep is
	// asked about. See the README's Observability section for the list. Nil means no metrics: the global
	// provider is not used.
	MeterProvider metric.MeterProvider

	// HTTPClient is the HTTP client for Step Functions (and STS) calls. Nil means the SDK's default. It must
	// allow responses to take 5 minutes: StartSyncExecution answers when the Express execution ends.
	//
	// A custom CA bundle (AWS_CA_BUNDLE, or ca_bundle in the shared config) is added to its root CAs, as the SDK
	// adds it to its own client: to the transport's RootCAs, or to a new pool holding the bundle alone when those
	// are unset. New does this for nil, for an *awshttp.BuildableClient (aws/transport/http) and for an
	// *http.Client whose Transport is nil or an *http.Transport (on copies: the caller's client is not
	// changed). Any other client (another RoundTripper or Do method) cannot be given the bundle from outside,
	// so New fails for it while a bundle is configured: add the bundle to its trust yourself and unset it.
	// The default credential chain (nil Credentials or auth.Default) sends its own requests through the SDK's
	// default client with the bundle, unless this is an *awshttp.BuildableClient: the SDK's config loader that
	// builds the chain accepts no other client type while a bundle is configured.
	HTTPClient aws.HTTPClient
	// CredentialTimeout bounds each HTTP request made to get credentials (STS, and for the default chain also
	// SSO, the container endpoint and IMDS), from sending it to reading its answer. A request that runs out of
	// time is retried (MaxAttempts), so one stalled STS request delays a refresh instead of blocking every
	// later call, which would otherwise wait on it: credentials are refreshed once for all callers. Default
	// DefaultCredentialTimeout (30s).
	CredentialTimeout time.Duration
	// AttemptTimeout bounds each attempt of a call to Step Functions or CloudWatch Logs other than
	// StartSyncExecution (which answers when the Express execution ends, up to 5 minutes later), from sending
	// its request to reading its answer. An attempt that runs out of time is retried like a failed connection
	// (MaxAttempts), so one request that a server or proxy accepts and never answers delays a call instead of
	// holding it, and with it the shared rounds of every WaitPipelineRun, until the connection fails (minutes,
	// or never). The Express start of ExpressAsync is not retried: running out of time there is a lost answer,
	// looked for in the logs (see ErrOutcomeUnknown). Default DefaultAttemptTimeout (30s); it does not apply to
	// a client passed to NewWithClient.
	AttemptTimeout time.Duration
	// MaxAttempts is how many times a call is attempted when it is throttled or fails transiently. Default 8.
	MaxAttempts int
	// MaxBackoff caps the delay between attempts. Default 20s.
	MaxBackoff time.Duration
	// DiscoveryConcurrency bounds concurrent DescribeStateMachine calls in ListJobs. Default 8.
	DiscoveryConcurrency int
	// RateLimits overrides the client-side rate limit of individual APIs, keyed by API name (for example
	// "DescribeStateMachine", or CloudWatch Logs' "FilterLogEvents"), and that of the StartExecution calls that
	// start Express executions by ExpressStartRateLimit ("StartExecution" is then the Standard one). APIs not in
	// the map use DefaultRateLimits(Region).
	RateLimits map[string]RateLimit
	// NotFoundGrace is how long after a start ExecutionDoesNotExist is reported as Running (eventual
	// consistency) rather than ErrRunNotFound. Default 30s; negative disables it. It applies to runs this
	// Provider started, and to runs whose name is Polysync-<UUIDv7> (which carries its start time), so it
	// survives a restart of the host.
	NotFoundGrace time.Duration
	// ExpressResults keeps the results of Express runs, which Step Functions cannot describe, so that
	// GetPipelineRunStatus answers for them and idempotency keys hold across processes. Nil means a bounded store
	// in this process's memory (expressstore.NewMemory with ExpressResultCapacity and ExpressResultBytes), whose
	// results die with the process. Give the host's replicas one shared store (package expressstore/sqlstore,
	// on PostgreSQL or SQLite) to answer for each other's runs, after restarts, and to start an idempotency key
	// once among them.
	ExpressResults expressstore.Store
	// ExpressResultCapacity is how many Express results the default in-memory store holds (least recently used
	// evicted first). Default 1000. Each result holds the run's output, up to 256 KiB. Ignored with
	// ExpressResults.
	ExpressResultCapacity int
	// ExpressMode is how ExecutePipeline runs Express state machines: ExpressSync (the default) waits for the run
	// with StartSyncExecution, ExpressAsync starts it with StartExecution and follows it in the state machine's
	// CloudWatch Logs. See ExpressMode.
	ExpressMode ExpressMode
	// LogsEndpoint optionally overrides the CloudWatch Logs endpoint, e.g. "http://127.0.0.1:8083" for a local
	// endpoint that serves both APIs (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS works too). The CloudWatch Logs client
	// shares the Step Functions client's credentials, HTTP client, CA bundle and retries; it reads the results of
	// Express runs that no result store holds (see GetPipelineRunStatus). It must not carry user information.
	LogsEndpoint string
	// ExpressResultBytes bounds the memory the default store's results take: the least recently used are evicted
	// while their outputs, error names and causes add up to more. Default 64 MiB (room for 256 results of the
	// largest output, or all 1000 of up to 64 KiB). The latest result is always kept. Ignored with
	// ExpressResults.
	ExpressResultBytes int
	// LogDeliveryAllowance is how long CloudWatch Logs may take to deliver an event a state machine logged.
	// Delivery is best effort, usually within seconds. The Provider waits this long for events before it
	// concludes from their absence: that an Express start whose answer was lost did not run (no
	// ExecutionStarted this long after the failure; see ErrOutcomeUnknown), or that a run whose end is not
	// in the logs this long after its latest possible end is not found. Default
	// DefaultLogDeliveryAllowance (5 minutes); a shorter one answers sooner and risks running a lost start twice
	// when delivery is slower.
	LogDeliveryAllowance time.Duration
}

// ExpressMode is how ExecutePipeline runs Express state machines (Config.ExpressMode).
type ExpressMode int

const (
	// ExpressSync runs an Express execution with StartSyncExecution: ExecutePipeline returns when it has ended
	// (at most 5 minutes), with its status and outputs, and records the result in Config.ExpressResults. It needs
	// no logging; a Provider that did not start the run finds its result in a shared store, or in the state
	// machine's CloudWatch Logs when it logs at level ALL with includeExecutionData.
	ExpressSync ExpressMode = iota
	// ExpressAsync starts an Express execution with StartExecution and returns the run at once, Running, with a
	// RUNNING record in Config.ExpressResults; GetPipelineRunStatus, GetPipelineRunStatuses and WaitPipelineRun
	// then read its end from the state machine's CloudWatch Logs (one FilterLogEvents query per log group and
	// round for all the runs tracked there). No host connection stays open for the run, and a host that crashes
	// after the start loses nothing: any Provider follows the run from the logs. The state machine must log at
	// level ALL with includeExecutionData to a log group the caller may read (logs:FilterLogEvents); starts of
	// one that does not are refused with ErrNotSupported before anything runs.
	ExpressAsync
)

// String returns "sync" or "async".
func (m ExpressMode) String() string {
	switch m {
	case ExpressSync:
		return "sync"
	case ExpressAsync:
		return "async"
	}
	return fmt.Sprintf("ExpressMode(%d)", int(m))
}

// Defaults for Config fields.
const (
	DefaultMaxAttempts           = 8
	DefaultMaxBackoff            = 20 * time.Second
	DefaultAttemptTimeout        = 30 * time.Second
	DefaultDiscoveryConcurrency  = 8
	DefaultNotFoundGrace         = 30 * time.Second
	DefaultExpressResultCapacity = 1000
	DefaultExpressResultBytes    = 64 << 20
	DefaultLogDeliveryAllowance  = 5 * time.Minute
	// startedCapacity bounds the record of recent Standard starts used for NotFoundGrace.
	startedCapacity = 10000
)

// apiFilterLogEvents is CloudWatch Logs' operation that reads the ends of Express runs, a key of Config.RateLimits
// beside the Step Functions operations of internal/sfnops's table marked Provider.
const apiFilterLogEvents = "FilterLogEvents"

// withDefaults returns cfg with every zero field that has a default set to it: the one place defaults are
// applied, for New and NewWithClient alike.
func (cfg Config) withDefaults() Config {
	setDefault(&cfg.MaxAttempts, DefaultMaxAttempts)
	setDefault(&cfg.MaxBackoff, DefaultMaxBackoff)
	setDefault(&cfg.CredentialTimeout, DefaultCredentialTimeout)
	setDefault(&cfg.AttemptTimeout, DefaultAttemptTimeout)
	setDefault(&cfg.DiscoveryConcurrency, DefaultDiscoveryConcurrency)
	setDefault(&cfg.NotFoundGrace, DefaultNotFoundGrace)
	setDefault(&cfg.ExpressResultCapacity, DefaultExpressResultCapacity)
	setDefault(&cfg.ExpressResultBytes, DefaultExpressResultBytes)
	setDefault(&cfg.LogDeliveryAllowance, DefaultLogDeliveryAllowance)
	return cfg
}

// setDefault sets *v to def when it is zero.
func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// filterLogEventsLimit is the documented FilterLogEvents quota: 5 transactions per second per account and region,
// which cannot be raised (AWS re:Post knowledge center, "How do I determine throttling in my CloudWatch logs?").
var filterLogEventsLimit = RateLimit{PerSecond: 5, Burst: 5}

// DefaultRateLimits returns the client-side rate limits used in region: the documented Step Functions token
// buckets (bucket size and refill per second per account and region), which are larger in us-east-1,
// us-west-2 and eu-west-1. StartExecution has two: "StartExecution" for Standard state machines, and
// ExpressStartRateLimit for Express ones (6,000 refilled at 6,000 per second everywhere). StartSyncExecution has no
// published bucket and starts with the size of the Express StartExecution one, on a limiter of its own.
// CloudWatch Logs' FilterLogEvents, which reads Express results from logs, has its quota of 5 per second in
// every region.
//
// The limits are where each API's adaptive limiter starts: alone, a Provider reaches the quota without
// exceeding it. When Step Functions throttles a call, another client of the account is spending the same
// quota, and the API's rate is cut to 70%; it grows back linearly while calls succeed (AIMD, see
// internal/ratelimit), so that clients sharing an account settle below the quota together. Throttled calls are
// retried, and retries wait on the limiter too.
func DefaultRateLimits(region string) map[string]RateLimit {
	start, _ := sfnops.Lookup(sfnops.StartExecution)
	limits := make(map[string]RateLimit)
	for _, op := range sfnops.All() {
		if !op.Provider {
			continue
		}
		q := op.Quota
		if !q.Published() {
			q = start.ExpressQuota
		}
		b := q.In(region)
		limits[op.Name] = RateLimit{PerSecond: b.Refill, Burst: int(b.Burst)}
	}
	express := start.ExpressQuota.In(region)
	limits[ExpressStartRateLimit] = RateLimit{PerSecond: express.Refill, Burst: int(express.Burst)}
	limits[apiFilterLogEvents] = filterLogEventsLimit
	return limits
}

// Provider discovers, runs, tracks, cancels and links Step Functions executions. It is safe for concurrent
// use.
type Provider struct {
	client               sfnapi.Client
	logs                 logsAPI // nil: Express results are not read from CloudWatch Logs
	expressMode          ExpressMode
	region               string
	traceHeader          string
	log                  *slog.Logger
	limiters             limiterSet
	discoveryConcurrency int
	notFoundGrace        time.Duration
	logDelivery          time.Duration // Config.LogDeliveryAllowance
	now                  func() time.Time
	sleep                func(ctx context.Context, d time.Duration) error

	results       expressstore.Store      // Express results (Config.ExpressResults)
	resultsLocal  bool                    // results is this Provider's own memory store, shared with no process
	owner         string                  // names this Provider in the claims of idempotent Express starts
	spent         *lru[string, lostStart] // idempotent Express starts whose answer was lost, by execution name
	expressFlight singleflight.Group      // idempotent Express starts in flight, by execution name
	started       *lru[string, time.Time] // recent Standard starts by run ID

	sweeps        *sweepStats        // what status sweeps learnt of each state machine
	listGroup     singleflight.Group // ListExecutions walks in flight, by state machine
	describeGroup singleflight.Group // DescribeExecution calls of status sweeps in flight, by run ID
	tracker       *tracker           // the runs WaitPipelineRun calls follow
	tel           *telemetry         // spans and metrics (Config.TracerProvider, MeterProvider)

	mu       sync.Mutex
	machines map[string]machineInfo // what DescribeStateMachine (or ListJobs) said, by base ARN
}

// New validates cfg and returns a Provider using the AWS SDK's Step Functions client. It does not call AWS.
func New(ctx context.Context, cfg Config) (*Provider, error) {
	if err := validateConfig(cfg); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	limiters := newLimiters(cfg)
	client, logs, err := newClients(ctx, cfg, limiters.addMiddleware, boundAttempts(cfg.AttemptTimeout))
	if err != nil {
		return nil, err
	}
	p, err := newProviderWithLimiters(client, cfg, limiters)
	if err != nil {
		return nil, err
	}
	p.logs = logs
	return p, nil
}

// extraThrottleCodes are the throttling error codes of Step Functions that the SDK's standard retryer does not
// retry by itself.
var extraThrottleCodes = map[string]struct{}{"KmsThrottlingException": {}}

// validateConfig checks cfg before anything is built.
func validateConfig(cfg Config) error {
	const op = "New"
	regionErr := sfnarn.CheckRegion(cfg.Region)
	switch {
	case cfg.Region == "":
		return invalid(op, "Config.Region is required")
	case regionErr != nil:
		return invalid(op, "Config.Region %q: %w", cfg.Region, regionErr)
	}
	for _, f := range []struct {
		name     string
		negative bool
		value    any
	}{
		{"MaxAttempts", cfg.MaxAttempts < 0, cfg.MaxAttempts},
		{"CredentialTimeout", cfg.CredentialTimeout < 0, cfg.CredentialTimeout},
		{"AttemptTimeout", cfg.AttemptTimeout < 0, cfg.AttemptTimeout},
		{"MaxBackoff", cfg.MaxBackoff < 0, cfg.MaxBackoff},
		{"DiscoveryConcurrency", cfg.DiscoveryConcurrency < 0, cfg.DiscoveryConcurrency},
		{"ExpressResultCapacity", cfg.ExpressResultCapacity < 0, cfg.ExpressResultCapacity},
		{"ExpressResultBytes", cfg.ExpressResultBytes < 0, cfg.ExpressResultBytes},
		{"LogDeliveryAllowance", cfg.LogDeliveryAllowance < 0, cfg.LogDeliveryAllowance},
	} {
		if f.negative {
			return invalid(op, "Config.%s %v is negative", f.name, f.value)
		}
	}
	switch {
	case cfg.ExpressMode != ExpressSync && cfg.ExpressMode != ExpressAsync:
		return invalid(op, "Config.ExpressMode %d is neither ExpressSync nor ExpressAsync", int(cfg.ExpressMode))
	}
	if cfg.LogsEndpoint != "" {
		if err := checkEndpointURL("Config.LogsEndpoint", cfg.LogsEndpoint); err != nil {
			return invalid(op, "%w", err)
		}
	}
	if err := validateTraceHeader(cfg.TraceHeader); err != nil {
		return invalid(op, "Config.TraceHeader: %w", err)
	}
	if err := validateTelemetry(op, cfg); err != nil {
		return err
	}
	// A nil pointer in an interface is not a nil interface: calling it would panic.
	if cfg.Credentials != nil && isNilPointer(cfg.Credentials) {
		return invalid(op, "Config.Credentials is a nil %T; leave it nil for the default chain", cfg.Credentials)
	}
	if cfg.HTTPClient != nil && isNilPointer(cfg.HTTPClient) {
		return invalid(op, "Config.HTTPClient is a nil %T; leave it nil for the SDK's default", cfg.HTTPClient)
	}
	if t, setting := httpClientTimeout(cfg.HTTPClient); t > 0 && t < minHTTPTimeout {
		return invalid(op, "Config.HTTPClient has a %s of %v, shorter than a StartSyncExecution call may take "+
			"(an Express execution runs up to 5 minutes before Step Functions answers): set it to 0 or at least %v, "+
			"and bound each call with its ctx", setting, t, minHTTPTimeout)
	}
	if cfg.Endpoint != "" {
		if err := checkEndpointURL("Config.Endpoint", cfg.Endpoint); err != nil {
			return invalid(op, "%w", err)
		}
	}
	defaults := DefaultRateLimits(cfg.Region)
	for name := range cfg.RateLimits {
		if _, ok := defaults[name]; !ok {
			return invalid(op, "Config.RateLimits: unknown API %q", name)
		}
	}
	return nil
}

// isNilPointer reports whether v holds a nil pointer (or another nil value of a kind that can be nil).
func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

// validateTraceHeader checks the X-Ray trace header limit: at most 256 printable ASCII characters.
func validateTraceHeader(h string) error {
	if len(h) > 256 {
		return fmt.Errorf("trace header is %d bytes long, the limit is 256 ASCII characters", len(h))
	}
	for i := 0; i < len(h); i++ {
		if h[i] < 0x20 || h[i] > 0x7e {
			return fmt.Errorf("trace header has a non-printable or non-ASCII character at byte %d", i)
		}
	}
	return nil
}

// newProvider builds a Provider on client with its own rate limiters; cfg must be valid (see validateConfig).
func newProvider(client sfnapi.Client, cfg Config) (*Provider, error) {
	return newProviderWithLimiters(client, cfg, newLimiters(cfg))
}

// newProviderWithLimiters builds a Provider on client whose calls wait on limiters, which the client's
// middleware also uses (see addLimitMiddleware).
func newProviderWithLimiters(client sfnapi.Client, cfg Config, limiters limiterSet) (*Provider, error) {
	if err := validateConfig(cfg); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	p := &Provider{
		client:               client,
		region:               cfg.Region,
		traceHeader:          cfg.TraceHeader,
		log:                  cfg.Logger,
		discoveryConcurrency: cfg.DiscoveryConcurrency,
		notFoundGrace:        cfg.NotFoundGrace,
		logDelivery:          cfg.LogDeliveryAllowance,
		now:                  time.Now,
		sleep:                sleepCtx,
		limiters:             limiters,
		expressMode:          cfg.ExpressMode,
		machines:             make(map[string]machineInfo),
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	p.results = cfg.ExpressResults
	p.resultsLocal = p.results == nil
	if p.results == nil {
		p.results = expressstore.NewMemory(func(o *expressstore.MemoryOptions) {
			o.Capacity, o.MaxBytes = cfg.ExpressResultCapacity, cfg.ExpressResultBytes
		})
	}
	p.owner = newOwner()
	p.spent = newLRU[string, lostStart](cfg.ExpressResultCapacity)
	p.started = newLRU[string, time.Time](startedCapacity)
	p.sweeps = newSweepStats(sweepStatsCapacity)
	p.tracker = newTracker(p)
	p.tel = newTelemetry(cfg, limiters)
	return p, nil
}

// sleepCtx pauses for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ExecuteOption configures one ExecutePipeline call.
type ExecuteOption func(*executeOptions)

type executeOptions struct {
	traceHeader    *string
	idempotencyKey *string
	name           *string // WithName (runname.go)
}

// WithTraceHeader sets the X-Ray trace header of this run (at most 256 ASCII characters), overriding
// Config.TraceHeader. An empty header sends none.
func WithTraceHeader(header string) ExecuteOption {
	return func(o *executeOptions) { o.traceHeader = &header }
}

// WithIdempotencyKey makes the start idempotent: the execution name is derived from the key and the state
// machine, so repeating ExecutePipeline with the same job, key and parameters (after a timeout or a crash)
// returns the same run instead of starting a second one, and repeating it with different parameters fails with
// ErrIdempotencyConflict. Step Functions keeps names for 90 days after a Standard run closes.
//
// Express executions are not idempotent in Step Functions: for them the Provider deduplicates through
// Config.ExpressResults, within this Provider with the default in-memory store (while it holds the run's result,
// see Config.ExpressResultCapacity and ExpressResultBytes) and across the replicas sharing a store.
func WithIdempotencyKey(key string) ExecuteOption {
	return func(o *executeOptions) { o.idempotencyKey = &key }
}
