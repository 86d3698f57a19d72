package stepfunctions

import (
	"reflect"
	"testing"

	"golang.org/x/time/rate"

	"github.com/polysync/stepfunctions/internal/sfnops"
)

func TestRateLimits(t *testing.T) {
	tests := []struct {
		region    string
		overrides map[string]RateLimit
		api       string
		wantRate  rate.Limit
		wantBurst int
	}{
		{"us-east-1", nil, sfnops.DescribeExecution, 15, 300},
		{"eu-central-1", nil, sfnops.DescribeExecution, 10, 250},
		{"eu-west-1", nil, sfnops.StartExecution, 300, 1300},
		{"eu-west-1", nil, ExpressStartRateLimit, 6000, 6000},
		{"ap-south-1", nil, ExpressStartRateLimit, 6000, 6000},
		{"eu-west-1", map[string]RateLimit{ExpressStartRateLimit: {PerSecond: 50, Burst: 100}}, ExpressStartRateLimit, 50, 100},
		{"eu-west-1", map[string]RateLimit{ExpressStartRateLimit: {PerSecond: 50, Burst: 100}}, sfnops.StartExecution, 300, 1300}, // the Standard bucket keeps its own
		{"ap-south-1", nil, sfnops.StopExecution, 25, 500},
		{"us-west-2", nil, sfnops.DescribeStateMachine, 20, 200},
		{"us-west-2", nil, sfnops.ListStateMachines, 5, 100},
		{"eu-west-1", map[string]RateLimit{sfnops.DescribeStateMachine: {PerSecond: 2, Burst: 3}}, sfnops.DescribeStateMachine, 2, 3},
		{"eu-west-1", map[string]RateLimit{sfnops.StopExecution: {}}, sfnops.StopExecution, rate.Inf, 1},
		{"eu-west-1", map[string]RateLimit{sfnops.StopExecution: {PerSecond: 5}}, sfnops.DescribeExecution, 15, 300}, // others keep defaults
	}
	for _, tt := range tests {
		t.Run(tt.region+"/"+tt.api, func(t *testing.T) {
			p, err := newProvider(&fakeClient{t: t}, Config{Region: tt.region, RateLimits: tt.overrides})
			if err != nil {
				t.Fatal(err)
			}
			l := p.limiters[tt.api]
			if l.Limit() != tt.wantRate || l.Burst() != tt.wantBurst {
				t.Errorf("limiter %s in %s = %v/s burst %d, want %v/s burst %d", tt.api, tt.region, l.Limit(), l.Burst(), tt.wantRate, tt.wantBurst)
			}
		})
	}
	for api := range DefaultRateLimits("eu-west-1") {
		p, _ := newProvider(&fakeClient{t: t}, Config{Region: "eu-west-1"})
		if p.limiters[api] == nil {
			t.Errorf("no limiter for %s", api)
		}
	}
}

func TestConfigWithDefaults(t *testing.T) {
	got := Config{Region: "eu-west-1", NotFoundGrace: -1, MaxAttempts: 3}.withDefaults()
	want := Config{Region: "eu-west-1", NotFoundGrace: -1, MaxAttempts: 3, MaxBackoff: DefaultMaxBackoff,
		CredentialTimeout: DefaultCredentialTimeout, AttemptTimeout: DefaultAttemptTimeout, DiscoveryConcurrency: DefaultDiscoveryConcurrency,
		ExpressResultCapacity: DefaultExpressResultCapacity, ExpressResultBytes: DefaultExpressResultBytes,
		LogDeliveryAllowance: DefaultLogDeliveryAllowance}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("withDefaults() = %+v, want %+v (zero fields defaulted, set ones kept, a negative grace kept)", got, want)
	}
	p := testProvider(t, &fakeClient{}, Config{}, nil)
	if p.discoveryConcurrency != DefaultDiscoveryConcurrency || p.notFoundGrace != DefaultNotFoundGrace {
		t.Errorf("provider settings = %d, %v; want the defaults", p.discoveryConcurrency, p.notFoundGrace)
	}
}

func TestExpressModeString(t *testing.T) {
	for mode, want := range map[ExpressMode]string{ExpressSync: "sync", ExpressAsync: "async", ExpressMode(7): "ExpressMode(7)"} {
		if got := mode.String(); got != want {
			t.Errorf("ExpressMode(%d).String() = %q, want %q", int(mode), got, want)
		}
	}
}
