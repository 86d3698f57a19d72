package stepfunctions_test

// The fault soak: many idempotent ExecutePipeline calls against sfnlocal over loopback while the server fails one
// call in ten with every fault it can inject and hides new executions for an eventual-consistency window, and the
// host retries every error. It counts, per call, how often the work ran and what the host was told.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/sfnlocal"
)

var soakCalls = flag.Int("soak.calls", 100, "ExecutePipeline calls per scenario of TestSoak (the README's full form: 1000)")

const (
	soakConsistency = 200 * time.Millisecond // new Standard executions answer ExecutionDoesNotExist this long
	soakWorkers     = 8                      // concurrent host calls
	soakAttempts    = 10                     // host attempts per call
	// soakLogDelay is how long sfnlocal takes to deliver a logged event, and soakLogAllowance how long the
	// Providers wait for one (Config.LogDeliveryAllowance): CloudWatch Logs usually delivers within a couple of
	// seconds, against the 5-minute default allowance; both are scaled down so the short form stays short, keeping
	// the allowance five times the delay.
	soakLogDelay     = 200 * time.Millisecond
	soakLogAllowance = time.Second
)

// soakFaultKinds are the faults the server injects, in turn.
var soakFaultKinds = []sfnlocal.Fault{
	{Code: "InternalFailure"},                               // 500, answered before anything runs
	{Code: "ServiceUnavailable", Status: 503},               // 503, answered before anything runs
	{Code: "ThrottlingException", Message: "Rate exceeded"}, // 400 throttle
	{DropConnection: true},                                  // processed, then the connection is dropped
}

// soakScenario is one line of the soak: a state machine type and what the host's Providers have to answer with.
type soakScenario struct {
	name string
	typ  types.StateMachineType
	// logs makes the state machine log at level ALL with execution data, the Providers read its logs (a lost
	// Express start is resolved from them), and FilterLogEvents fail as often as the other calls.
	logs bool
	// replicas is how many Providers share one SQL result store, the host's attempts of a call going to each in
	// turn; 0 is one Provider with its own memory store.
	replicas int
	// clean requires no duplicate, lost or wrong run.
	clean bool
}

// soakScenarios are the lines of the soak table. Express without logs is reported, not required clean: a start
// whose answer was lost may have run, and nothing can tell.
var soakScenarios = []soakScenario{
	{name: "Standard", typ: types.StateMachineTypeStandard, clean: true},
	{name: "Express, logs off", typ: types.StateMachineTypeExpress},
	{name: "Express, logs", typ: types.StateMachineTypeExpress, logs: true, clean: true},
	{name: "Express, logs and a SQL store shared by 2 replicas", typ: types.StateMachineTypeExpress, logs: true, replicas: 2,
		clean: true},
}

// soakRow is one line of the soak table.
type soakRow struct {
	scenario                          string
	calls, faults, executions         int
	duplicates, lost, wrong, hostErrs int
	elapsed                           time.Duration
}

// TestSoak runs the fault soak and prints its table. Standard runs, and Express runs whose state machine logs at
// level ALL (where a lost start is resolved from the logs), must be neither lost nor doubled nor end in a wrong
// state; Express without logs is reported (Step Functions does not deduplicate Express executions, so a start whose
// answer was lost may have run, and the host is told so: ErrOutcomeUnknown). The short form runs 100 calls per
// scenario; `go test -run TestSoak -soak.calls 1000 -v .` is the full one.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("the soak starts hundreds of executions")
	}
	rows := make([]soakRow, len(soakScenarios))
	for i, sc := range soakScenarios {
		rows[i] = runSoak(t, sc, *soakCalls)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n| scenario | calls | faults | executions | duplicates | lost | wrong final state | host errors | seconds |\n")
	fmt.Fprintf(&b, "|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %d | %d | %.1f |\n", r.scenario, r.calls, r.faults, r.executions,
			r.duplicates, r.lost, r.wrong, r.hostErrs, r.elapsed.Seconds())
	}
	t.Log(b.String())
	for i, sc := range soakScenarios {
		r := rows[i]
		if sc.clean && (r.duplicates != 0 || r.lost != 0 || r.wrong != 0) {
			t.Errorf("%s: %d duplicates, %d lost, %d wrong final states, want none", sc.name, r.duplicates, r.lost, r.wrong)
		}
		if r.faults == 0 {
			t.Errorf("%s: no fault fired, the soak tested nothing", sc.name)
		}
	}
}

// soakFaults returns server options that fail one call in ten of each operation, up to call number limit,
// rotating through soakFaultKinds.
func soakFaults(ops []string, limit int) ([]sfnlocal.Option, func(calls func(op string) int) int) {
	var opts []sfnlocal.Option
	for _, op := range ops {
		for n := 3; n <= limit; n += 10 {
			f := soakFaultKinds[(n/10)%len(soakFaultKinds)]
			f.Operation, f.Call = op, n
			opts = append(opts, sfnlocal.WithFault(f))
		}
	}
	fired := func(calls func(op string) int) int {
		total := 0
		for _, op := range ops {
			if c := calls(op); c >= 3 {
				total += (min(c, limit)-3)/10 + 1
			}
		}
		return total
	}
	return opts, fired
}

// runSoak makes calls idempotent ExecutePipeline calls of a state machine of scenario sc, each with its own key and
// retried by the host on every error, and counts what ran.
func runSoak(t *testing.T, sc soakScenario, calls int) soakRow {
	t.Helper()
	began := time.Now()
	ops := []string{"StartExecution", "DescribeExecution"}
	jobType := stepfunctions.TypeStandard
	if sc.typ == types.StateMachineTypeExpress {
		ops, jobType = []string{"StartSyncExecution"}, stepfunctions.TypeExpress
	}
	if sc.logs {
		ops = append(ops, "FilterLogEvents")
	}
	faultOpts, fired := soakFaults(ops, 4*calls)
	e := newLocalEnv(t, append(faultOpts, sfnlocal.WithEventualConsistency(soakConsistency),
		sfnlocal.WithLogDeliveryDelay(soakLogDelay))...)
	log := e.registerTasks(`{"done":true}`, nil)
	spec := machineSpec{name: "soak-" + strings.NewReplacer(" ", "-", ",", "").Replace(strings.ToLower(sc.name)), typ: sc.typ,
		definition: taskDefinition(echoTask)}
	cfg := stepfunctions.Config{}
	if sc.logs {
		spec.logging = types.LogLevelAll
		cfg.LogsEndpoint, cfg.LogDeliveryAllowance = e.url, soakLogAllowance
	}
	arn := e.create(spec)
	var providers []*stepfunctions.Provider
	if sc.replicas == 0 {
		providers = append(providers, e.provider(cfg))
	} else {
		open := sharedStore(t)
		for range sc.replicas {
			cfg.ExpressResults = open()
			providers = append(providers, e.provider(cfg))
		}
	}
	job := stepfunctions.Job{ID: arn, Type: jobType}

	runs := make([]stepfunctions.PipelineRun, calls)
	errs := make([]error, calls)
	next := make(chan int)
	var wg sync.WaitGroup
	for range soakWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				runs[i], errs[i] = hostCall(providers, job, i)
			}
		}()
	}
	for i := range calls {
		next <- i
	}
	close(next)
	wg.Wait()

	// How often each call's work ran: the task records the key of every execution that reached it.
	ran := map[string]int{}
	for _, in := range log.all() {
		var v struct{ Key string }
		if json.Unmarshal([]byte(in), &v) == nil {
			ran[v.Key]++
		}
	}
	row := soakRow{scenario: sc.name, calls: calls}
	for i := range calls {
		n := ran[soakKey(i)]
		row.executions += n
		row.duplicates += max(n-1, 0)
		if errs[i] != nil {
			row.hostErrs++
		}
		switch {
		case n == 0:
			row.lost++
		case errs[i] != nil:
			row.wrong++ // it ran, but the host was told it failed
		case !soakEndedWell(t, providers[0], runs[i]):
			row.wrong++
		}
	}
	row.faults = fired(e.calls)
	row.elapsed = time.Since(began)
	return row
}

func soakKey(i int) string { return fmt.Sprintf("soak-%04d", i) }

// hostCall is the host's side of one call: ExecutePipeline with the call's idempotency key, repeated on every
// error, each attempt on the next of the host's replicas (providers).
func hostCall(providers []*stepfunctions.Provider, job stepfunctions.Job, i int) (stepfunctions.PipelineRun, error) {
	params := []stepfunctions.Parameter{{Name: "key", Value: soakKey(i)}}
	var (
		run stepfunctions.PipelineRun
		err error
	)
	for attempt := range soakAttempts {
		p := providers[(i+attempt)%len(providers)]
		run, err = p.ExecutePipeline(context.Background(), job, params, stepfunctions.WithIdempotencyKey(soakKey(i)))
		if err == nil {
			return run, nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return run, err
}

// soakEndedWell reports whether run ends in Success, following it as the host would.
func soakEndedWell(t *testing.T, p *stepfunctions.Provider, run stepfunctions.PipelineRun) bool {
	t.Helper()
	deadline := time.Now().Add(statusWithin)
	for time.Now().Before(deadline) {
		st, err := p.GetPipelineRunStatus(context.Background(), run.RunID, nil)
		if err == nil && st.State != stepfunctions.RunStateRunning {
			return st.State == stepfunctions.RunStateSuccess
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}
