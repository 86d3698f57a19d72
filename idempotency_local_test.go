package stepfunctions_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/sfnlocal"
)

const passDefinition = `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`

// sameKeyStorm starts job with one idempotency key from n goroutines at once, each through the Provider that
// providerFor returns for it, and returns the runs and errors.
func sameKeyStorm(n int, job stepfunctions.Job, key string, providerFor func(i int) *stepfunctions.Provider) ([]stepfunctions.PipelineRun, []error) {
	runs := make([]stepfunctions.PipelineRun, n)
	errs := make([]error, n)
	params := []stepfunctions.Parameter{{Name: "order", Value: "A-1"}}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			runs[i], errs[i] = providerFor(i).ExecutePipeline(context.Background(), job, params, stepfunctions.WithIdempotencyKey(key))
		}()
	}
	close(start)
	wg.Wait()
	return runs, errs
}

// TestLocalSameKeyStormAdoptsTheRun checks that concurrent starts with one idempotency key all get the one run,
// when the run ends at once and Step Functions answers ExecutionAlreadyExists to the later ones while
// DescribeExecution does not show the run yet (eventual consistency): 50 goroutines on one Provider, and 50
// Providers (hosts, or restarts of one) on one key. Before adopt waited out the not-found grace, 49 of 50
// answered ErrRunNotFound.
func TestLocalSameKeyStormAdoptsTheRun(t *testing.T) {
	const n = 50
	e := newLocalEnv(t, sfnlocal.WithEventualConsistency(300*time.Millisecond))
	arn := e.create(machineSpec{name: "storm", definition: passDefinition})
	job := stepfunctions.Job{ID: arn, Type: stepfunctions.TypeStandard}
	shared := e.provider(stepfunctions.Config{})
	providers := make([]*stepfunctions.Provider, n)
	for i := range providers {
		providers[i] = e.provider(stepfunctions.Config{})
	}
	for _, tc := range []struct {
		name        string
		providerFor func(i int) *stepfunctions.Provider
	}{
		{"goroutines", func(int) *stepfunctions.Provider { return shared }},
		{"providers", func(i int) *stepfunctions.Provider { return providers[i] }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "storm-" + tc.name
			before := countExecutions(t, e, arn)
			runs, errs := sameKeyStorm(n, job, key, tc.providerFor)
			ids := map[string]int{}
			for i, err := range errs {
				if err != nil {
					t.Errorf("caller %d: ExecutePipeline() error = %v", i, err)
					continue
				}
				ids[runs[i].RunID]++
			}
			if len(ids) != 1 {
				t.Errorf("callers got %d distinct runs %v, want 1", len(ids), ids)
			}
			started := countExecutions(t, e, arn) - before
			if started != 1 {
				t.Errorf("the server ran %d executions for the key, want 1", started)
			}
		})
	}
}

// TestLocalAdoptNeverReportsNotFound checks that when the existing run stays invisible beyond the grace, the
// start fails with a retryable error that says the run exists, not with ErrRunNotFound.
func TestLocalAdoptNeverReportsNotFound(t *testing.T) {
	e := newLocalEnv(t, sfnlocal.WithEventualConsistency(time.Hour))
	arn := e.create(machineSpec{name: "hidden", definition: passDefinition})
	job := stepfunctions.Job{ID: arn, Type: stepfunctions.TypeStandard}
	p := e.provider(stepfunctions.Config{NotFoundGrace: 600 * time.Millisecond})
	ctx := context.Background()
	params := []stepfunctions.Parameter{{Name: "order", Value: "A-2"}}
	if _, err := p.ExecutePipeline(ctx, job, params, stepfunctions.WithIdempotencyKey("hidden")); err != nil {
		t.Fatalf("ExecutePipeline() error = %v", err)
	}
	// The Pass run must have ended: a start of a running execution with the same name and input is answered
	// with that execution, not ExecutionAlreadyExists. ListExecutions sees it (only DescribeExecution is kept
	// from seeing it), so wait for it there rather than for a fixed time a loaded machine may overrun.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		out, err := e.admin.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &arn, StatusFilter: types.ExecutionStatusSucceeded})
		if err == nil && len(out.Executions) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the Pass run did not end within 10 s: %v", err)
		}
	}
	began := time.Now()
	_, err := p.ExecutePipeline(ctx, job, params, stepfunctions.WithIdempotencyKey("hidden"))
	if err == nil || errors.Is(err, stepfunctions.ErrRunNotFound) || !stepfunctions.IsRetryable(err) {
		t.Fatalf("ExecutePipeline() again error = %v (retryable %v), want a retryable error, not ErrRunNotFound", err, stepfunctions.IsRetryable(err))
	}
	if waited := time.Since(began); waited < 500*time.Millisecond {
		t.Errorf("gave up after %v, want the grace of 600ms waited out", waited)
	}
}

// countExecutions returns how many executions the server holds for the state machine arn.
func countExecutions(t *testing.T, e *localEnv, arn string) int {
	t.Helper()
	out, err := e.admin.ListExecutions(context.Background(), &sfn.ListExecutionsInput{StateMachineArn: &arn})
	if err != nil {
		t.Fatalf("ListExecutions() error = %v", err)
	}
	return len(out.Executions)
}
