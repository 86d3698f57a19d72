package stepfunctions

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

func TestWaitPipelineRunSharesLookups(t *testing.T) {
	const machines, perMachine = 10, 100
	w := newExecutionWorld()
	var ids []string
	for m := range machines {
		ids = append(ids, w.add(fmt.Sprintf("m%d", m), perMachine)...)
	}
	f := w.client(&fakeClient{})
	p := testProvider(t, f, Config{RateLimits: quotaLimits()}, nil)

	var seen sync.WaitGroup // every waiter has seen its run running
	seen.Add(len(ids))
	results := make([]RunStatus, len(ids))
	errs := make([]error, len(ids))
	var done sync.WaitGroup
	for i, id := range ids {
		done.Add(1)
		go func() {
			defer done.Done()
			first := true
			results[i], errs[i] = p.WaitPipelineRun(context.Background(), id, outParam,
				WithPollInterval(2*time.Second), WithMaxPollInterval(2*time.Second),
				WithStateChange(func(RunStatus) {
					if first {
						first = false
						seen.Done()
					}
				}))
		}()
	}
	seen.Wait()
	lists, describes := f.count("ListExecutions"), f.count("DescribeExecution")
	t.Logf("first look at %d runs: %d ListExecutions, %d DescribeExecution", len(ids), lists, describes)
	// The first waiters may get a round of their own (a few runs are cheaper described), the rest share one or
	// two on a loaded machine; a call per run would be 1,000.
	if lists+describes > 5*machines {
		t.Errorf("first look: %d ListExecutions and %d DescribeExecution, want at most %d calls (a few sweeps, not a call per run)",
			lists, describes, 5*machines)
	}
	for i, id := range ids {
		w.end(id, types.ExecutionStatusSucceeded, fmt.Sprintf(`{"total": %d}`, i))
	}
	done.Wait()
	lists, describes = f.count("ListExecutions")-lists, f.count("DescribeExecution")-describes
	t.Logf("last look: %d ListExecutions, %d DescribeExecution", lists, describes)
	// One round (two if the first look was split): a listing per machine shows no run running, and each ended run
	// is described once.
	if lists > 2*machines || describes != len(ids) {
		t.Errorf("last look: %d ListExecutions and %d DescribeExecution, want at most %d and %d",
			lists, describes, 2*machines, len(ids))
	}
	for i := range ids {
		if errs[i] != nil || results[i].State != RunStateSuccess || results[i].Parameters[0].Value != fmt.Sprint(i) {
			t.Fatalf("WaitPipelineRun(%s) = %+v, %v; want Success with total %d", ids[i], results[i], errs[i], i)
		}
	}
	waitTrackerIdle(t, p)
}

// waitTrackerIdle fails unless the tracker's loop stops once nobody waits.
func waitTrackerIdle(t *testing.T, p *Provider) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		p.tracker.mu.Lock()
		running := p.tracker.running
		p.tracker.mu.Unlock()
		if !running {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the tracker's loop still runs with no waiter")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestWaitPipelineRunStateChanges(t *testing.T) {
	w := newExecutionWorld()
	ids := w.add("orders", 1)
	f := w.client(&fakeClient{})
	var looks atomic.Int32
	describe := f.describeExecution
	f.describeExecution = func(ctx context.Context, in *sfn.DescribeExecutionInput) (*sfn.DescribeExecutionOutput, error) {
		switch looks.Add(1) {
		case 2:
			return nil, genericErr("ThrottlingException") // transient: the wait goes on
		case 4:
			w.end(ids[0], types.ExecutionStatusSucceeded, `{"total": 42}`)
		}
		return describe(ctx, in)
	}
	p := testProvider(t, f, Config{RateLimits: quotaLimits()}, nil)
	var changes []RunState
	st, err := p.WaitPipelineRun(context.Background(), ids[0], outParam, WithPollInterval(5*time.Millisecond),
		WithMaxPollInterval(5*time.Millisecond), WithStateChange(func(s RunStatus) { changes = append(changes, s.State) }))
	if err != nil || st.State != RunStateSuccess || st.Parameters[0].Value != "42" {
		t.Fatalf("WaitPipelineRun() = %+v, %v; want Success with total 42", st, err)
	}
	if len(changes) != 2 || changes[0] != RunStateRunning || changes[1] != RunStateSuccess {
		t.Errorf("state changes = %v, want [Running Success]", changes)
	}
	if n := looks.Load(); n != 4 {
		t.Errorf("%d DescribeExecution calls, want 4", n)
	}
}

func TestWaitPipelineRunEnds(t *testing.T) {
	w := newExecutionWorld()
	ids := w.add("orders", 1)
	f := w.client(&fakeClient{})
	p := testProvider(t, f, Config{RateLimits: quotaLimits()}, nil)
	fast := []WaitOption{WithPollInterval(5 * time.Millisecond), WithMaxPollInterval(5 * time.Millisecond)}

	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		st, err := p.WaitPipelineRun(ctx, ids[0], nil, fast...)
		if !errors.Is(err, context.DeadlineExceeded) || st.State != RunStateRunning {
			t.Errorf("WaitPipelineRun() = %+v, %v; want the last status (Running) and context.DeadlineExceeded", st, err)
		}
		waitTrackerIdle(t, p)
	})
	t.Run("not found", func(t *testing.T) {
		_, err := p.WaitPipelineRun(context.Background(), testAccountPrefix+"execution:orders:gone", nil, fast...)
		if !errors.Is(err, ErrRunNotFound) {
			t.Errorf("WaitPipelineRun(unknown run) error = %v, want ErrRunNotFound", err)
		}
	})
	t.Run("bad options", func(t *testing.T) {
		for _, opts := range [][]WaitOption{
			{WithPollInterval(0)},
			{WithPollInterval(time.Minute), WithMaxPollInterval(time.Second)},
		} {
			if _, err := p.WaitPipelineRun(context.Background(), ids[0], nil, opts...); !errors.Is(err, ErrInvalidInput) {
				t.Errorf("WaitPipelineRun(bad options) error = %v, want ErrInvalidInput", err)
			}
		}
		if _, err := p.WaitPipelineRun(context.Background(), "arn:aws:states:eu-west-1:123456789012:stateMachine:orders", nil); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("WaitPipelineRun(state machine ARN) error = %v, want ErrInvalidInput", err)
		}
	})
	t.Run("express", func(t *testing.T) {
		f.startSyncExecution = syncOK(types.SyncExecutionStatusSucceeded, `{"total": 5}`, "", "")
		run, err := p.ExecutePipeline(context.Background(), Job{ID: testAccountPrefix + "stateMachine:fast", Type: TypeExpress}, outParam)
		if err != nil {
			t.Fatal(err)
		}
		before := f.count("DescribeExecution") + f.count("ListExecutions")
		st, err := p.WaitPipelineRun(context.Background(), run.RunID, outParam)
		if err != nil || st.State != RunStateSuccess || st.Parameters[0].Value != "5" {
			t.Errorf("WaitPipelineRun(Express run) = %+v, %v; want Success with total 5", st, err)
		}
		if n := f.count("DescribeExecution") + f.count("ListExecutions") - before; n != 0 {
			t.Errorf("WaitPipelineRun(Express run) made %d calls, want 0", n)
		}
	})
}

func TestWaitIntervalBacksOff(t *testing.T) {
	start := time.Unix(1700000000, 0)
	w := &waiter{since: start, opts: waitOptions{interval: 5 * time.Second, maxInterval: time.Minute}}
	for _, tt := range []struct {
		age  time.Duration
		want time.Duration
	}{
		{0, 5 * time.Second},
		{time.Minute, 5 * time.Second},
		{2 * time.Minute, 10 * time.Second},
		{6 * time.Minute, 30 * time.Second},
		{time.Hour, time.Minute},
	} {
		if got := w.interval(start.Add(tt.age)); got != tt.want {
			t.Errorf("interval at age %v = %v, want %v", tt.age, got, tt.want)
		}
	}
}

// A round whose waiters have all left must stop calling AWS: it ran on to its end with nobody to hand its results
// to, so a host that cancelled its thousand waits (a shutdown, a dropped request) still spent minutes of the
// DescribeExecution and ListExecutions buckets, shared with the account's other clients, on a sweep nobody read.
func TestWaitPipelineRunRoundEndsWhenItsWaitersLeave(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newExecutionWorld()
		ids := w.add("orders", 1)
		f := w.client(&fakeClient{})
		describe := f.describeExecution
		var cancelled atomic.Int32
		inFlight := make(chan struct{}, 1)
		f.describeExecution = func(ctx context.Context, in *sfn.DescribeExecutionInput) (*sfn.DescribeExecutionOutput, error) {
			inFlight <- struct{}{}
			select { // a slow answer, such as a throttled call's retries
			case <-ctx.Done():
				cancelled.Add(1)
				return nil, ctx.Err()
			case <-time.After(time.Hour):
				return describe(ctx, in)
			}
		}
		p := testProvider(t, f, Config{RateLimits: quotaLimits()}, nil)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := p.WaitPipelineRun(ctx, ids[0], nil)
			done <- err
		}()
		<-inFlight // the round's DescribeExecution is in flight
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("WaitPipelineRun() error = %v, want context.Canceled", err)
		}
		synctest.Wait()
		if n := cancelled.Load(); n != 1 {
			t.Errorf("%d DescribeExecution calls cancelled once the round's only waiter left, want 1", n)
		}
		time.Sleep(2 * time.Hour) // a round that went on ends, and its loop with it
	})
}
