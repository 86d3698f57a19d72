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
)

// soakFaultKinds are the faults the server injects, in turn.
var soakFaultKinds = []sfnlocal.Fault{
	{Code: "InternalFailure"},                               // 500
	{Code: "ServiceUnavailable", Status: 503},               // 503
	{Code: "ThrottlingException", Message: "Rate exceeded"}, // 400 throttle
	{DropConnection: true},                                  // processed, then the connection is dropped
}

// soakRow is one line of the soak table.
type soakRow struct {
	scenario                          string
	calls, faults, executions         int
	duplicates, lost, wrong, hostErrs int
}

// TestSoak runs the fault soak for Standard and Express state machines and prints its table. Standard runs must
// be neither lost nor doubled nor end in a wrong state; Express figures are reported (Step Functions does not
// deduplicate Express executions, so a start whose answer was lost may have run, and its retry runs it again).
// The short form runs 100 calls per scenario; `go test -run TestSoak -soak.calls 1000 -v .` is the full one.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("the soak starts hundreds of executions")
	}
	rows := []soakRow{
		runSoak(t, "Standard", types.StateMachineTypeStandard, *soakCalls),
		runSoak(t, "Express", types.StateMachineTypeExpress, *soakCalls),
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n| scenario | calls | faults | executions | duplicates | lost | wrong final state | host errors |\n")
	fmt.Fprintf(&b, "|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %d | %d |\n", r.scenario, r.calls, r.faults, r.executions,
			r.duplicates, r.lost, r.wrong, r.hostErrs)
	}
	t.Log(b.String())
	if std := rows[0]; std.duplicates != 0 || std.lost != 0 || std.wrong != 0 {
		t.Errorf("Standard: %d duplicates, %d lost, %d wrong final states, want none", std.duplicates, std.lost, std.wrong)
	}
	if std := rows[0]; std.faults == 0 {
		t.Errorf("Standard: no fault fired, the soak tested nothing")
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

// runSoak makes calls idempotent ExecutePipeline calls of a state machine of type typ, each with its own key and
// retried by the host on every error, and counts what ran.
func runSoak(t *testing.T, scenario string, typ types.StateMachineType, calls int) soakRow {
	t.Helper()
	ops := []string{"StartExecution", "DescribeExecution"}
	jobType := stepfunctions.TypeStandard
	if typ == types.StateMachineTypeExpress {
		ops, jobType = []string{"StartSyncExecution"}, stepfunctions.TypeExpress
	}
	faultOpts, fired := soakFaults(ops, 4*calls)
	e := newLocalEnv(t, append(faultOpts, sfnlocal.WithEventualConsistency(soakConsistency))...)
	log := e.registerTasks(`{"done":true}`, nil)
	arn := e.create(machineSpec{name: "soak-" + strings.ToLower(scenario), typ: typ, definition: taskDefinition(echoTask)})
	p := e.provider(stepfunctions.Config{})
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
				runs[i], errs[i] = hostCall(p, job, i)
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
	row := soakRow{scenario: scenario, calls: calls}
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
		case !soakEndedWell(t, p, runs[i]):
			row.wrong++
		}
	}
	row.faults = fired(e.calls)
	return row
}

func soakKey(i int) string { return fmt.Sprintf("soak-%04d", i) }

// hostCall is the host's side of one call: ExecutePipeline with the call's idempotency key, repeated on every
// error.
func hostCall(p *stepfunctions.Provider, job stepfunctions.Job, i int) (stepfunctions.PipelineRun, error) {
	params := []stepfunctions.Parameter{{Name: "key", Value: soakKey(i)}}
	var (
		run stepfunctions.PipelineRun
		err error
	)
	for range soakAttempts {
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
