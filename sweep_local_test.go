package stepfunctions_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/polysync/stepfunctions"
)

// TestLocalSweepVersionsAndAliases follows runs started through a state machine, one of its versions and an
// alias on the wire: one ListExecutions of the unqualified state machine sees them all.
func TestLocalSweepVersionsAndAliases(t *testing.T) {
	e := newLocalEnv(t)
	ctx := context.Background()
	release := make(chan struct{})
	e.registerTasks(`{"total": 9}`, release)
	arn := e.create(machineSpec{name: "sweep", definition: `{"StartAt":"Block","States":{
		"Block":{"Type":"Task","Resource":"` + blockTask + `","Next":"Echo"},
		"Echo":{"Type":"Task","Resource":"` + echoTask + `","End":true}}}`})
	v1 := e.publish(arn, "")
	alias := e.createAlias("prod", route(v1, 100))
	// The cost model reads the documented rates; the bursts are large enough never to wait.
	limits := noRateLimits()
	limits["DescribeExecution"] = stepfunctions.RateLimit{PerSecond: 15, Burst: 1000}
	limits["ListExecutions"] = stepfunctions.RateLimit{PerSecond: 5, Burst: 1000}
	p := e.provider(stepfunctions.Config{RateLimits: limits})
	params := []stepfunctions.Parameter{{Name: "total", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeNumber}}
	var refs []stepfunctions.RunRef
	for _, job := range []string{arn, v1, alias} {
		for range 2 {
			run, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: job}, params)
			if err != nil {
				t.Fatalf("ExecutePipeline(%s) error = %v", job, err)
			}
			refs = append(refs, stepfunctions.RunRef{RunID: run.RunID, Parameters: params})
		}
	}
	// What ran: the version and alias of each run, from the listing while they run and from DescribeExecution
	// once they ended.
	wantDetails := func(i int) stepfunctions.RunDetails {
		switch i / 2 {
		case 1:
			return stepfunctions.RunDetails{StateMachineVersionARN: v1}
		case 2:
			return stepfunctions.RunDetails{StateMachineVersionARN: v1,
				StateMachineAliasARN: alias}
		}
		return stepfunctions.RunDetails{}
	}
	lists, describes := e.calls("ListExecutions"), e.calls("DescribeExecution")
	for i, r := range p.GetPipelineRunStatuses(ctx, refs) {
		if r.Err != nil || r.Status.State != stepfunctions.RunStateRunning {
			t.Errorf("GetPipelineRunStatuses()[%d] = %+v, want Running", i, r)
		}
		if got, want := r.Status.Details, wantDetails(i); got != want {
			t.Errorf("GetPipelineRunStatuses()[%d].Details = %+v, want %+v", i, got, want)
		}
	}
	if l, d := e.calls("ListExecutions")-lists, e.calls("DescribeExecution")-describes; l != 1 || d != 0 {
		t.Errorf("a sweep of 6 running runs made %d ListExecutions and %d DescribeExecution calls, want 1 and 0", l, d)
	}

	var wg sync.WaitGroup
	results := make([]stepfunctions.RunStatus, len(refs))
	errs := make([]error, len(refs))
	for i, r := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wctx, cancel := context.WithTimeout(ctx, statusWithin)
			defer cancel()
			results[i], errs[i] = p.WaitPipelineRun(wctx, r.RunID, params, stepfunctions.WithPollInterval(20*time.Millisecond),
				stepfunctions.WithMaxPollInterval(20*time.Millisecond))
		}()
	}
	close(release)
	wg.Wait()
	for i := range refs {
		if errs[i] != nil || results[i].State != stepfunctions.RunStateSuccess || paramValues(results[i].Parameters)["total"] != "9" {
			t.Errorf("WaitPipelineRun(%s) = %+v, %v; want Success with total 9", refs[i].RunID, results[i], errs[i])
		}
		want := wantDetails(i)
		want.RedriveStatus, want.RedriveStatusReason = results[i].Details.RedriveStatus, results[i].Details.RedriveStatusReason
		if got := results[i].Details; got != want || got.RedriveStatus != "NOT_REDRIVABLE" {
			t.Errorf("WaitPipelineRun(%s).Details = %+v, want %+v, NOT_REDRIVABLE", refs[i].RunID, got, want)
		}
	}
}

// TestLocalSweepPagesPastOneThousand tracks the oldest of 1,205 running executions: the sweep reads two pages.
func TestLocalSweepPagesPastOneThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 1,205 executions")
	}
	e := newLocalEnv(t)
	ctx := context.Background()
	release := make(chan struct{})
	defer close(release)
	e.registerTasks(`{}`, release)
	arn := e.create(machineSpec{name: "busy", definition: taskDefinition(blockTask)})
	p := e.provider(stepfunctions.Config{})
	var refs []stepfunctions.RunRef
	for i := range 1205 {
		run, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: arn, Type: stepfunctions.TypeStandard}, nil)
		if err != nil {
			t.Fatalf("ExecutePipeline() error = %v", err)
		}
		if i < 5 {
			refs = append(refs, stepfunctions.RunRef{RunID: run.RunID})
		}
	}
	lists, describes := e.calls("ListExecutions"), e.calls("DescribeExecution")
	for i, r := range p.GetPipelineRunStatuses(ctx, refs) {
		if r.Err != nil || r.Status.State != stepfunctions.RunStateRunning {
			t.Errorf("GetPipelineRunStatuses()[%d] = %+v, want Running", i, r)
		}
	}
	if l, d := e.calls("ListExecutions")-lists, e.calls("DescribeExecution")-describes; l != 2 || d != 0 {
		t.Errorf("a sweep of the 5 oldest of 1,205 running runs made %d ListExecutions and %d DescribeExecution calls, want 2 and 0", l, d)
	}
}
