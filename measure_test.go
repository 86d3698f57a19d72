package stepfunctions_test

// Measurements of the provider at the Step Functions API quotas, against sfnlocal with its throttling on at the
// quotas of the largest regions (us-east-1, us-west-2, eu-west-1). They take minutes, so they run only when
// asked, and they print a table rather than assert timings:
//
//	go test -run TestMeasure -measure -v .                     # server clock 10x faster than the wall clock
//	go test -run TestMeasure -measure -measure.scale=1 -v .    # real speed: about 15 minutes
//
// Each scenario is measured beside the previous way of doing the same work, in the same run, so that ratios
// compare like with like on a shared machine. Client rate limits and MaxBackoff are scaled like the server's
// clock; the SDK's retry backoff base is not, which makes a throttled retry relatively slower when scaled.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"golang.org/x/sync/errgroup"

	"github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/sfnlocal"
)

var (
	measure         = flag.Bool("measure", false, "run the quota measurements (TestMeasure...), which take minutes")
	measureMachines = flag.Int("measure.machines", 2000, "state machines to discover in TestMeasureDiscovery")
	measureRuns     = flag.Int("measure.runs", 1000, "running executions to track in TestMeasureTracking")
	measureScale    = flag.Float64("measure.scale", 10, "how much faster than the wall clock the server's clock runs; "+
		"client rate limits and MaxBackoff are scaled alike, but the SDK's backoff base of 1s is not")
)

// row is one measured line of the table.
type row struct {
	scenario, config string
	wall             time.Duration // of server time (wall time x scale)
	bound            time.Duration // the token-bucket lower bound, of server time; 0 when none applies
	calls            map[string]int
	throttled        int // throttled attempts of the provider
	errors           int // operations that failed
	note             string
}

func printRows(t *testing.T, rows []row) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "\nserver clock x%g; times are server time (the quota's clock)\n", *measureScale)
	fmt.Fprintf(&b, "| scenario | configuration | time | x bound | API calls | throttled | errors | note |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		ratio := "-"
		if r.bound > 0 {
			ratio = fmt.Sprintf("%.2fx", r.wall.Seconds()/r.bound.Seconds())
		}
		var calls []string
		for _, op := range []string{"ListStateMachines", "DescribeStateMachine", "ListExecutions", "DescribeExecution"} {
			if n := r.calls[op]; n > 0 {
				calls = append(calls, fmt.Sprintf("%s %d", op, n))
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %v | %s | %s | %d | %d | %s |\n", r.scenario, r.config, r.wall.Round(100*time.Millisecond),
			ratio, strings.Join(calls, ", "), r.throttled, r.errors, r.note)
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
	// The custom HTTP client that counts throttles makes the SDK refuse the environment's CA bundle.
	t.Setenv("AWS_CA_BUNDLE", "")
}

// serverTime converts a wall-clock duration into the server's time.
func serverTime(d time.Duration) time.Duration { return time.Duration(float64(d) * *measureScale) }

// previousLimits are the fixed client-side limits before they became adaptive: 80% of the quotas.
func previousLimits(scale float64) map[string]stepfunctions.RateLimit {
	m := scaledRateLimits(scale)
	for api, l := range m {
		l.PerSecond *= 0.8
		l.Burst = int(float64(l.Burst) * 0.8)
		m[api] = l
	}
	return m
}

// measureProvider returns a provider for a measurement with limits, the default attempts and MaxBackoff
// scaled like the server's clock, whose throttled attempts counter counts.
func measureProvider(e *localEnv, limits map[string]stepfunctions.RateLimit, counter *throttleCounter) *stepfunctions.Provider {
	return e.provider(stepfunctions.Config{
		RateLimits: limits,
		MaxBackoff: time.Duration(float64(stepfunctions.DefaultMaxBackoff) / *measureScale),
		HTTPClient: &http.Client{Transport: counter},
	})
}

// TestMeasureDiscovery discovers -measure.machines state machines (DescribeStateMachine: a bucket of 200
// refilled at 20/s), alone and beside a client that spends half the refill, with the adaptive limits and with
// the previous fixed ones.
func TestMeasureDiscovery(t *testing.T) {
	skipUnlessMeasuring(t)
	n := *measureMachines
	bound := time.Duration(max(0, float64(n-200)/20) * float64(time.Second))
	var rows []row
	for _, other := range []bool{false, true} {
		for _, cfg := range []struct {
			name   string
			limits map[string]stepfunctions.RateLimit
			fixed  bool
		}{
			{"adaptive (default)", scaledRateLimits(*measureScale), false},
			{"previous: fixed at 80%", previousLimits(*measureScale), true},
		} {
			e := newLocalEnv(t, sfnlocal.WithThrottling(""), sfnlocal.WithTimeScale(*measureScale))
			arns := e.createMany("m", n)
			counter := newThrottleCounter()
			p := measureProvider(e, cfg.limits, counter)
			if cfg.fixed {
				stepfunctions.FixRateLimits(p)
			}
			scenario := fmt.Sprintf("ListJobs over %d state machines, alone", n)
			stop, otherStats := func() {}, func() string { return "" }
			if other {
				scenario = fmt.Sprintf("ListJobs over %d state machines, beside a client at 10 DescribeStateMachine/s", n)
				stop, otherStats = e.spendQuota(arns[0], 10**measureScale)
			}
			start := time.Now()
			jobs, err := p.ListJobs(context.Background())
			wall := time.Since(start)
			stop()
			r := row{scenario: scenario, config: cfg.name, wall: serverTime(wall), calls: map[string]int{},
				throttled: counter.throttled("DescribeStateMachine") + counter.throttled("ListStateMachines"), note: otherStats()}
			if !other {
				r.bound = bound
			}
			for _, op := range []string{"ListStateMachines", "DescribeStateMachine"} {
				r.calls[op] = e.calls(op)
			}
			if other {
				r.calls["DescribeStateMachine"] = counter.calls("DescribeStateMachine")
			}
			if err != nil || len(jobs) != n {
				r.errors = 1
				r.note += fmt.Sprintf(" ListJobs() = %d jobs, %v", len(jobs), err)
			}
			if r.calls["DescribeStateMachine"] > 0 {
				r.note += fmt.Sprintf(" throttled %.1f%% of DescribeStateMachine calls", 100*float64(counter.throttled("DescribeStateMachine"))/float64(r.calls["DescribeStateMachine"]))
			}
			rows = append(rows, r)
		}
	}
	printRows(t, rows)
}

// spendQuota calls DescribeStateMachine on arn at perSecond (wall clock) from another client until stop is
// called; stats then says how many of its calls were throttled.
func (e *localEnv) spendQuota(arn string, perSecond float64) (stop func(), stats func() string) {
	ctx, cancel := context.WithCancel(context.Background())
	var calls, throttled atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Duration(float64(time.Second) / perSecond))
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				calls.Add(1)
				if _, err := e.admin.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &arn}); stepfunctions.APIErrorCode(err) == "ThrottlingException" {
					throttled.Add(1)
				}
			}
		}
	}()
	return func() { cancel(); <-done }, func() string {
		return fmt.Sprintf("the other client: %d calls, %d throttled;", calls.Load(), throttled.Load())
	}
}

// TestMeasureTracking follows -measure.runs running executions on 10 state machines: one status round in
// which a tenth of them has ended (GetPipelineRunStatuses against one GetPipelineRunStatus per run), then the
// same number of concurrent WaitPipelineRun calls until every run ends (against one polling loop per run).
func TestMeasureTracking(t *testing.T) {
	skipUnlessMeasuring(t)
	n := *measureRuns
	const machines = 10
	var rows []row
	for _, sweep := range []bool{true, false} {
		e := newLocalEnv(t, sfnlocal.WithThrottling(""), sfnlocal.WithTimeScale(*measureScale))
		ends := newRunEnds(e)
		counter := newThrottleCounter()
		p := measureProvider(e, scaledRateLimits(*measureScale), counter)
		var arns []string
		for m := range machines {
			arns = append(arns, e.create(machineSpec{name: fmt.Sprintf("track-%d", m), definition: taskDefinition(gateTask)}))
		}
		refs := make([]stepfunctions.RunRef, n)
		for i := range refs {
			params := []stepfunctions.Parameter{{Name: "key", Value: fmt.Sprint(i)}, {Name: "done", Direction: stepfunctions.DirectionOutput}}
			run, err := p.ExecutePipeline(context.Background(), stepfunctions.Job{ID: arns[i%machines], Type: stepfunctions.TypeStandard}, params)
			if err != nil {
				t.Fatalf("ExecutePipeline() #%d error = %v", i, err)
			}
			refs[i] = stepfunctions.RunRef{RunID: run.RunID, Parameters: params}
		}
		for i := 0; i < n; i += 10 { // a tenth ends
			ends.release(fmt.Sprint(i))
		}
		ends.waitForEnded(t, n/10)
		// The provider has not polled yet: let the server's buckets refill after the starts.
		time.Sleep(time.Duration(float64(20*time.Second) / *measureScale))
		config := "previous: GetPipelineRunStatus per run, 16 at a time"
		if sweep {
			config = "GetPipelineRunStatuses"
		}
		before := e.callCounts()
		start := time.Now()
		results := statusRound(p, refs, sweep)
		r := row{scenario: fmt.Sprintf("one status round over %d running runs on %d machines, %d ended", n, machines, n/10),
			config: config, wall: serverTime(time.Since(start)), calls: e.callsSince(before)}
		r.throttled = counter.throttled("DescribeExecution") + counter.throttled("ListExecutions")
		for i, res := range results {
			want := stepfunctions.RunStateRunning
			if i%10 == 0 {
				want = stepfunctions.RunStateSuccess
			}
			if res.Err != nil || res.Status.State != want {
				r.errors++
			}
		}
		r.note = fmt.Sprintf("target: <= %d ListExecutions pages + %d DescribeExecution", machines, n/10)
		rows = append(rows, r)

		// Every run still running ends at a random time within the next 4 minutes of server time.
		interval := time.Duration(float64(stepfunctions.DefaultPollInterval) / *measureScale)
		span := time.Duration(float64(4*time.Minute) / *measureScale)
		before = e.callCounts()
		throttledBefore := counter.throttled("DescribeExecution") + counter.throttled("ListExecutions")
		start = time.Now()
		for i := range refs {
			if i%10 != 0 {
				ends.releaseAfter(fmt.Sprint(i), time.Duration(rand.Int64N(int64(span))))
			}
		}
		errs := waitAll(p, refs, sweep, interval)
		wall := time.Since(start)
		calls := e.callsSince(before)
		rounds := wall.Seconds() / interval.Seconds()
		boundCalls := rounds*machines + float64(n-n/10)
		total := calls["ListExecutions"] + calls["DescribeExecution"]
		config = "previous: a GetPipelineRunStatus loop per run"
		if sweep {
			config = "WaitPipelineRun"
		}
		rows = append(rows, row{scenario: fmt.Sprintf("%d concurrent waits until all end (runs end within 4 min, polls every 5 s)", n),
			config: config, wall: serverTime(wall), calls: calls, errors: errs,
			throttled: counter.throttled("DescribeExecution") + counter.throttled("ListExecutions") - throttledBefore,
			note: fmt.Sprintf("%.0f calls per interval; sweep bound %.0f per interval (%d machines + ended runs): %.2fx",
				float64(total)/rounds, boundCalls/rounds, machines, float64(total)/boundCalls)})
		ends.releaseAll()
	}
	printRows(t, rows)
}

// statusRound looks at every run once: in one sweep, or one GetPipelineRunStatus each, 16 at a time.
func statusRound(p *stepfunctions.Provider, refs []stepfunctions.RunRef, sweep bool) []stepfunctions.RunResult {
	if sweep {
		return p.GetPipelineRunStatuses(context.Background(), refs)
	}
	results := make([]stepfunctions.RunResult, len(refs))
	var g errgroup.Group
	g.SetLimit(16)
	for i, ref := range refs {
		g.Go(func() error {
			results[i].Status, results[i].Err = p.GetPipelineRunStatus(context.Background(), ref.RunID, ref.Parameters)
			return nil
		})
	}
	_ = g.Wait()
	return results
}

// waitAll follows every run until it ends, with WaitPipelineRun or with a polling loop per run, and returns
// how many did not end in Success.
func waitAll(p *stepfunctions.Provider, refs []stepfunctions.RunRef, sweep bool, interval time.Duration) int {
	var failed atomic.Int64
	var wg sync.WaitGroup
	for _, ref := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var st stepfunctions.RunStatus
			var err error
			if sweep {
				st, err = p.WaitPipelineRun(context.Background(), ref.RunID, ref.Parameters, stepfunctions.WithPollInterval(interval),
					stepfunctions.WithMaxPollInterval(interval))
			} else {
				for {
					st, err = p.GetPipelineRunStatus(context.Background(), ref.RunID, ref.Parameters)
					if err != nil || st.State != stepfunctions.RunStateRunning {
						break
					}
					time.Sleep(interval)
				}
			}
			if err != nil || st.State != stepfunctions.RunStateSuccess {
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
	return int(failed.Load())
}

// gateTask blocks each execution until its run is released (see runEnds).
const gateTask = "arn:aws:lambda:eu-west-1:123456789012:function:gate"

// runEnds releases the executions of gateTask one by one, by the key in their input.
type runEnds struct {
	mu       sync.Mutex
	gates    map[string]chan struct{}
	returned atomic.Int64 // tasks that returned
}

func newRunEnds(e *localEnv) *runEnds {
	ends := &runEnds{gates: make(map[string]chan struct{})}
	e.srv.RegisterTask(gateTask, func(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
		var v struct{ Key string }
		if err := json.Unmarshal(in, &v); err != nil {
			return nil, err
		}
		select {
		case <-ends.gate(v.Key):
			ends.returned.Add(1)
			return json.RawMessage(`{"done":"yes"}`), nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	})
	return ends
}

func (r *runEnds) gate(key string) chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	g, ok := r.gates[key]
	if !ok {
		g = make(chan struct{})
		r.gates[key] = g
	}
	return g
}

func (r *runEnds) release(key string) {
	g := r.gate(key)
	r.mu.Lock()
	defer r.mu.Unlock()
	select {
	case <-g:
	default:
		close(g)
	}
}

func (r *runEnds) releaseAfter(key string, d time.Duration) {
	time.AfterFunc(d, func() { r.release(key) })
}

func (r *runEnds) releaseAll() {
	r.mu.Lock()
	ids := make([]string, 0, len(r.gates))
	for id := range r.gates {
		ids = append(ids, id)
	}
	r.mu.Unlock()
	for _, id := range ids {
		r.release(id)
	}
}

// waitForEnded waits until n gate tasks have returned, and a little more for their executions to end.
func (r *runEnds) waitForEnded(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for int(r.returned.Load()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d gate tasks returned after a minute, want %d", r.returned.Load(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
}

// callCounts returns the server's call counters of the operations a measurement reports.
func (e *localEnv) callCounts() map[string]int {
	m := make(map[string]int)
	for _, op := range []string{"ListStateMachines", "DescribeStateMachine", "ListExecutions", "DescribeExecution"} {
		m[op] = e.calls(op)
	}
	return m
}

func (e *localEnv) callsSince(before map[string]int) map[string]int {
	now := e.callCounts()
	for op := range now {
		now[op] -= before[op]
	}
	return now
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
