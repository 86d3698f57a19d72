package sfnlocal

import (
	"log/slog"
	"time"

	"github.com/polysync/stepfunctions/internal/asl"
)

// Option configures a Server made by New.
type Option func(*config)

// Fault describes one injected failure: see WithFault.
type Fault struct {
	// Operation is the API operation, for example "StartExecution".
	Operation string
	// Call is which call of Operation fails, counting from 1 (the Nth call
	// the server receives for that operation). Zero means every call.
	Call int
	// Code is the error code answered, for example "ServiceUnavailable".
	// Ignored when DropConnection is set.
	Code string
	// Message is the error message; empty means "injected fault".
	Message string
	// Status is the HTTP status; zero means 500 when Code is empty,
	// "InternalFailure" or ends in "Fault"/"Unavailable"/"Error", otherwise
	// 400.
	Status int
	// DropConnection, when set, processes the request normally and then
	// closes the connection without writing the response, so the client sees
	// an ambiguous failure.
	DropConnection bool
}

// DenyRule makes the server answer AccessDeniedException for matching calls.
type DenyRule struct {
	// Action is the operation name ("StartExecution") or "states:StartExecution";
	// "*" matches every operation.
	Action string
	// Resource is the ARN the call addresses (the state machine, execution or
	// tagged resource); "*" in it matches any run of characters. Empty matches
	// every resource.
	Resource string
}

type config struct {
	region      string
	accountID   string
	clock       Clock
	logger      *slog.Logger
	throttle    bool
	throttleReg string
	latency     map[string]time.Duration // operation ("*" = all) -> delay
	faults      []Fault
	consistency time.Duration
	accessKeys  map[string]bool // nil = accept all
	deny        []DenyRule
	maxFinished int // 0 = unlimited
	compile     compiler
	logDelay    time.Duration
	maxConns    int
	httpConns   map[string]HTTPConnection // WithHTTPConnection's, by ARN
	timeouts    serveTimeouts
	mocksPath   string
	mocks       *MockConfig
	mocksErr    error
}

// serveTimeouts bound the connections of Server.Listen (see Listen).
type serveTimeouts struct {
	header, read, write, idle time.Duration
}

// Defaults of the served endpoint's connection bounds.
const (
	defaultMaxConnections = 1024
	defaultHeaderTimeout  = 10 * time.Second
	defaultReadTimeout    = 30 * time.Second
	defaultWriteTimeout   = 30 * time.Second
	defaultIdleTimeout    = 30 * time.Second
)

// WithRegion sets the region used in every ARN the server makes. Default
// "us-east-1"; an empty region keeps the default. The partition follows from
// it by the AWS SDK's partition data (aws-cn for cn-*, aws-eusc for eusc-*,
// aws-us-gov for us-gov-*, ...); a region no partition claims is put in aws.
func WithRegion(region string) Option {
	return func(c *config) {
		if region != "" {
			c.region = region
		}
	}
}

// WithAccountID sets the account id used in every ARN. Default
// "123456789012"; an empty id keeps the default.
func WithAccountID(id string) Option {
	return func(c *config) {
		if id != "" {
			c.accountID = id
		}
	}
}

// WithClock sets the time source. Default: the wall clock.
func WithClock(clk Clock) Option { return func(c *config) { c.clock = clk } }

// WithTimeScale makes time run f times faster than the wall clock (f > 1
// speeds up Wait states, timeouts, the eventual-consistency window and the
// refill of the throttling buckets). It replaces any clock set earlier. Values
// f <= 0 are ignored.
func WithTimeScale(f float64) Option {
	return func(c *config) {
		if f > 0 {
			c.clock = scaledClock{base: time.Now(), factor: f}
		}
	}
}

// WithLogger sets the logger. Default: discard everything.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithThrottling enables per-operation token buckets with the documented
// Step Functions quotas of region (the "us-east-1, us-west-2, eu-west-1"
// column or the "other regions" column; empty means the server's region).
// A call that finds its bucket empty answers 400 ThrottlingException
// "Rate exceeded". Buckets refill on the server's Clock, so WithTimeScale
// shortens quota scenarios. Default: off.
func WithThrottling(region string) Option {
	return func(c *config) { c.throttle, c.throttleReg = true, region }
}

// WithLatency delays every call of operation ("*" for all operations) by d,
// measured on the server's Clock, before it is processed. Default: none.
func WithLatency(operation string, d time.Duration) Option {
	return func(c *config) {
		if c.latency == nil {
			c.latency = map[string]time.Duration{}
		}
		c.latency[operation] = d
	}
}

// WithFault injects a failure; it may be given several times. Default: none.
func WithFault(f Fault) Option { return func(c *config) { c.faults = append(c.faults, f) } }

// WithEventualConsistency makes a new Standard execution answer
// ExecutionDoesNotExist to DescribeExecution for d (on the server's Clock)
// after it started, as AWS may. Default: 0 (visible at once).
func WithEventualConsistency(d time.Duration) Option {
	return func(c *config) { c.consistency = d }
}

// WithAccessKeys accepts only requests signed with one of the given access
// key ids; others get 400 UnrecognizedClientException. Default: any key.
// Signatures are never verified.
func WithAccessKeys(ids ...string) Option {
	return func(c *config) {
		if c.accessKeys == nil {
			c.accessKeys = map[string]bool{}
		}
		for _, id := range ids {
			c.accessKeys[id] = true
		}
	}
}

// WithDeny adds a deny rule: matching calls get 400 AccessDeniedException
// naming the action and resource. Default: nothing denied.
func WithDeny(r DenyRule) Option { return func(c *config) { c.deny = append(c.deny, r) } }

// WithMaxFinishedExecutions caps how many finished Standard executions the
// server keeps; when a new execution would exceed it, the execution that
// finished first is forgotten. Default 0: keep all (AWS keeps them for 90
// days), so memory grows with every execution.
func WithMaxFinishedExecutions(n int) Option { return func(c *config) { c.maxFinished = n } }

// WithLogDeliveryDelay makes the events that executions write to CloudWatch
// Logs visible to GetLogEvents and FilterLogEvents only d after they are
// written (on the server's Clock), as CloudWatch Logs delivers them after a
// delay. Default 0: at once.
func WithLogDeliveryDelay(d time.Duration) Option { return func(c *config) { c.logDelay = d } }

// WithMaxConnections caps how many connections the listeners of
// Server.Listen hold at once. A new connection that finds them all taken
// takes the slot of one that keeps the server waiting without work (see
// Listen), or waits to be accepted. Default 1024; n <= 0 keeps the default.
func WithMaxConnections(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.maxConns = n
		}
	}
}

// WithMockConfig makes the server read the mock configuration file at path
// (see MockConfig) when New runs. Executions started with the ARN
// "<stateMachineArn>#<test case>" then run that test case. A file that
// cannot be read or is not valid is logged, reported by Server.ConfigErr and
// ListenAndServe, and makes every start of a test case answer
// ValidationException with the reason. Default: no mock configuration.
func WithMockConfig(path string) Option {
	return func(c *config) { c.mocksPath, c.mocks, c.mocksErr = path, nil, nil }
}

// WithMocks is WithMockConfig for a configuration already parsed with
// ParseMockConfig or LoadMockConfig. A nil cfg removes the mock
// configuration.
func WithMocks(cfg *MockConfig) Option {
	return func(c *config) { c.mocksPath, c.mocks, c.mocksErr = "", cfg, nil }
}

// withServeTimeouts replaces the connection timeouts of Listen (tests).
func withServeTimeouts(t serveTimeouts) Option { return func(c *config) { c.timeouts = t } }

// withCompiler replaces the ASL interpreter (tests of the server itself).
func withCompiler(fn compiler) Option { return func(c *config) { c.compile = fn } }

func defaultConfig() config {
	return config{
		region:    "us-east-1",
		accountID: "123456789012",
		clock:     asl.RealClock{},
		logger:    slog.New(slog.DiscardHandler),
		compile:   defaultCompiler,
		maxConns:  defaultMaxConnections,
		timeouts: serveTimeouts{header: defaultHeaderTimeout, read: defaultReadTimeout,
			write: defaultWriteTimeout, idle: defaultIdleTimeout},
	}
}
