package stepfunctions

import (
	"testing"

	"golang.org/x/time/rate"
)

func TestRateLimits(t *testing.T) {
	tests := []struct {
		region    string
		overrides map[string]RateLimit
		api       string
		wantRate  rate.Limit
		wantBurst int
	}{
		{"us-east-1", nil, apiDescribeExecution, 12, 240},    // 80% of 300/15
		{"eu-central-1", nil, apiDescribeExecution, 8, 200},  // 80% of 250/10
		{"eu-west-1", nil, apiStartExecution, 240, 1040},     // 80% of 1300/300
		{"ap-south-1", nil, apiStopExecution, 20, 400},       // 80% of 500/25
		{"us-west-2", nil, apiDescribeStateMachine, 16, 160}, // 80% of 200/20
		{"us-west-2", nil, apiListStateMachines, 4, 80},      // 80% of 100/5
		{"eu-west-1", map[string]RateLimit{apiDescribeStateMachine: {PerSecond: 2, Burst: 3}}, apiDescribeStateMachine, 2, 3},
		{"eu-west-1", map[string]RateLimit{apiStopExecution: {}}, apiStopExecution, rate.Inf, 1},
		{"eu-west-1", map[string]RateLimit{apiStopExecution: {PerSecond: 5}}, apiDescribeExecution, 12, 240}, // others keep defaults
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
