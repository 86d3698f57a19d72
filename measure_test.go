package stepfunctions_test

// Measurements of the provider at the Step Functions API quotas, against sfnlocal with its throttling on. They
// take minutes at the real quota rates, so they run only when asked:
//
//	go test -run TestMeasure -measure -v .
//	go test -run TestMeasure -measure -measure.scale=10 -v .   # server time 10x faster: seconds, less faithful
//
// Each scenario runs twice side by side, with the provider's default client-side rate limits and with them
// off (retries only), and reports the wall time, the calls the server received and its ThrottlingException
// answers.

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"golang.org/x/sync/errgroup"

	"github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/sfnlocal"
)

var (
	measure         = flag.Bool("measure", false, "run the quota measurements (TestMeasure...), which take minutes")
	measureMachines = flag.Int("measure.machines", 2000, "state machines to discover in TestMeasureDiscoveryAtQuota")
	measureRuns     = flag.Int("measure.runs", 1000, "running executions to poll in TestMeasurePollingAtQuota")
	measureScale    = flag.Float64("measure.scale", 1, "how much faster than the wall clock the server's clock runs; "+
		"client rate limits and MaxBackoff are scaled alike, but the SDK's backoff base of 1s is not")
)

// quotaRun is one measured configuration.
type quotaRun struct {
	name       string
	limits     map[string]stepfunctions.RateLimit
	wall       time.Duration
	calls      int // calls of the measured API the server received
	throttles  int // of which answered ThrottlingException
	failed     int // operations that failed
	firstError error
}

// measureConfigs returns the two configurations every scenario is measured with.
func measureConfigs(scale float64) []*quotaRun {
	return []*quotaRun{
		{name: "default client limits", limits: scaledRateLimits(scale)},
		{name: "client limits off", limits: noRateLimits()},
	}
}

// measureProvider returns a provider for a measurement: the given limits, the default attempts and the default
// maximum backoff scaled like the server's clock, with throttles counted by counter.
func measureProvider(e *localEnv, limits map[string]stepfunctions.RateLimit, counter *throttleCounter) *stepfunctions.Provider {
	return e.provider(stepfunctions.Config{
		RateLimits: limits,
		MaxBackoff: time.Duration(float64(stepfunctions.DefaultMaxBackoff) / *measureScale),
		HTTPClient: &http.Client{Transport: counter},
	})
}

// report logs the runs side by side, with the shortest time the quota allows.
func report(t *testing.T, title, api string, items int, floor time.Duration, runs []*quotaRun) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s (server clock x%g)\n", title, *measureScale)
	fmt.Fprintf(&b, "quota floor: %v of server time, %v of wall time\n", floor.Round(time.Millisecond), time.Duration(float64(floor) / *measureScale).Round(time.Millisecond))
	fmt.Fprintf(&b, "%-22s %10s %12s %10s %10s %8s %8s\n", "configuration", "wall", "items/s", api, "throttled", "retry%", "failed")
	for _, r := range runs {
		fmt.Fprintf(&b, "%-22s %10v %12.1f %10d %10d %7.1f%% %8d\n", r.name, r.wall.Round(time.Millisecond),
			float64(items)/r.wall.Seconds(), r.calls, r.throttles, 100*float64(r.calls-items)/float64(items), r.failed)
	}
	base, off := runs[0], runs[1]
	fmt.Fprintf(&b, "limits off / default: wall %.2fx, calls %.2fx, throttles %d vs %d\n",
		off.wall.Seconds()/base.wall.Seconds(), float64(off.calls)/float64(base.calls), off.throttles, base.throttles)
	for _, r := range runs {
		if r.firstError != nil {
			fmt.Fprintf(&b, "%s: first error: %v\n", r.name, r.firstError)
		}
	}
	t.Log(b.String())
}

func skipUnlessMeasuring(t *testing.T) {
	t.Helper()
	if !*measure {
		t.Skip("quota measurement: run with -measure (takes minutes)")
	}
	if *measureScale <= 0 {
		t.Fatalf("-measure.scale=%g: want a positive factor", *measureScale)
	}
	// The SDK cannot add the CA bundle of the environment to a custom HTTP client.
	t.Setenv("AWS_CA_BUNDLE", "")
}

// TestMeasureDiscoveryAtQuota discovers -measure.machines state machines on a server that enforces the
// DescribeStateMachine quota of eu-west-1 (a bucket of 200 refilled at 20 per second).
func TestMeasureDiscoveryAtQuota(t *testing.T) {
	skipUnlessMeasuring(t)
	n := *measureMachines
	runs := measureConfigs(*measureScale)
	for _, r := range runs {
		e := newLocalEnv(t, sfnlocal.WithThrottling(""), sfnlocal.WithTimeScale(*measureScale))
		e.createMany("m", n)
		counter := newThrottleCounter()
		p := measureProvider(e, r.limits, counter)
		start := time.Now()
		jobs, err := p.ListJobs(context.Background())
		r.wall = time.Since(start)
		r.calls, r.throttles = e.calls("DescribeStateMachine"), counter.throttled("DescribeStateMachine")
		if err != nil {
			r.failed, r.firstError = 1, err
		} else if len(jobs) != n {
			t.Errorf("%s: ListJobs() returned %d jobs, want %d", r.name, len(jobs), n)
		}
	}
	floor := time.Duration(max(0, float64(n-200)/20) * float64(time.Second))
	report(t, fmt.Sprintf("ListJobs over %d state machines, DescribeStateMachine quota 200 + 20/s", n), "describes", n, floor, runs)
}

// TestMeasurePollingAtQuota polls -measure.runs running Standard executions once each (16 at a time, as a
// host polling its open runs) on a server that enforces the DescribeExecution quota of eu-west-1 (a bucket of
// 300 refilled at 15 per second).
func TestMeasurePollingAtQuota(t *testing.T) {
	skipUnlessMeasuring(t)
	n := *measureRuns
	runs := measureConfigs(*measureScale)
	for _, r := range runs {
		e := newLocalEnv(t, sfnlocal.WithThrottling(""), sfnlocal.WithTimeScale(*measureScale))
		release := make(chan struct{})
		e.registerTasks(`{}`, release)
		arn := e.create(machineSpec{name: "poll", definition: taskDefinition(blockTask)})
		counter := newThrottleCounter()
		p := measureProvider(e, r.limits, counter)
		runIDs := make([]string, n)
		for i := range runIDs {
			run, err := p.ExecutePipeline(context.Background(), stepfunctions.Job{ID: arn, Type: stepfunctions.TypeStandard}, nil)
			if err != nil {
				close(release)
				t.Fatalf("ExecutePipeline() #%d error = %v", i, err)
			}
			runIDs[i] = run.RunID
		}
		var mu sync.Mutex // guards r.failed and r.firstError
		var g errgroup.Group
		g.SetLimit(16)
		start := time.Now()
		for _, id := range runIDs {
			g.Go(func() error {
				st, err := p.GetPipelineRunStatus(context.Background(), id, nil)
				if err == nil && st.State != stepfunctions.RunStateRunning {
					err = fmt.Errorf("run %s is %s, want Running", id, st.State)
				}
				if err != nil {
					mu.Lock()
					if r.failed++; r.firstError == nil {
						r.firstError = err
					}
					mu.Unlock()
				}
				return nil
			})
		}
		_ = g.Wait()
		r.wall = time.Since(start)
		close(release)
		r.calls, r.throttles = e.calls("DescribeExecution"), counter.throttled("DescribeExecution")
	}
	floor := time.Duration(max(0, float64(n-300)/15) * float64(time.Second))
	report(t, fmt.Sprintf("one GetPipelineRunStatus round over %d running executions, DescribeExecution quota 300 + 15/s", n),
		"describes", n, floor, runs)
}

// BenchmarkLocalExecutePipeline measures the provider's cost per run on loopback, without quotas: a Standard
// start (ExecutePipeline returns while the run goes on) and an Express run (ExecutePipeline returns its result).
func BenchmarkLocalExecutePipeline(b *testing.B) {
	e := newLocalEnv(b, sfnlocal.WithMaxFinishedExecutions(1000))
	e.registerTasks(`{"total":42}`, nil)
	params := []stepfunctions.Parameter{
		{Name: "amount", DataType: stepfunctions.DataTypeNumber, Value: "40"},
		{Name: "total", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeNumber},
	}
	for _, typ := range []string{stepfunctions.TypeStandard, stepfunctions.TypeExpress} {
		b.Run(strings.ToLower(typ), func(b *testing.B) {
			arn := e.create(machineSpec{name: "bench-" + strings.ToLower(typ), typ: types.StateMachineType(typ)})
			p := e.provider(stepfunctions.Config{})
			job := stepfunctions.Job{ID: arn, Type: typ}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.ExecutePipeline(context.Background(), job, params); err != nil {
					b.Fatalf("ExecutePipeline() error = %v", err)
				}
			}
		})
	}
}

// BenchmarkLocalListJobs measures discovering 200 state machines on loopback without quotas (200 is the
// DescribeStateMachine burst, so on AWS too this is one burst).
func BenchmarkLocalListJobs(b *testing.B) {
	e := newLocalEnv(b)
	e.createMany("bench", 200)
	p := e.provider(stepfunctions.Config{})
	b.ReportAllocs()
	for b.Loop() {
		jobs, err := p.ListJobs(context.Background())
		if err != nil || len(jobs) != 200 {
			b.Fatalf("ListJobs() = %d jobs, %v, want 200", len(jobs), err)
		}
	}
	b.ReportMetric(float64(e.calls("DescribeStateMachine"))/float64(b.N), "describes/op")
}
