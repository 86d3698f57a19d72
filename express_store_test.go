package stepfunctions_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	_ "modernc.org/sqlite"

	"github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/expressstore"
	"github.com/polysync/stepfunctions/expressstore/sqlstore"
	"github.com/polysync/stepfunctions/internal/testkit"
)

// sharedStore opens a SQLite result store in a temporary file, as a host's replicas would each open the
// database they share: every call returns a store on its own connection pool.
func sharedStore(t *testing.T) func() expressstore.Store {
	t.Helper()
	url := "file:" + filepath.Join(t.TempDir(), "results.db") + "?_pragma=busy_timeout(20000)&_pragma=journal_mode(WAL)"
	return func() expressstore.Store {
		t.Helper()
		db, err := sql.Open("sqlite", url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		s, err := sqlstore.New(context.Background(), db, sqlstore.SQLite, func(o *sqlstore.Options) { o.CreateTables = true })
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}

// TestLocalExpressResultsSharedByReplicas runs an Express job from one Provider and reads it from another that
// shares the result store, as a host's replicas, or the same host after a restart, would.
func TestLocalExpressResultsSharedByReplicas(t *testing.T) {
	e := newLocalEnv(t)
	e.registerTasks(`{"total":42}`, nil)
	arn := e.create(machineSpec{name: "shared", typ: types.StateMachineTypeExpress})
	open := sharedStore(t)
	first := e.provider(stepfunctions.Config{ExpressResults: open()})
	params := []stepfunctions.Parameter{
		{Name: "amount", DataType: stepfunctions.DataTypeNumber, Value: "40"},
		{Name: "total", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeNumber},
	}
	ctx := context.Background()
	job := stepfunctions.Job{ID: arn, Type: stepfunctions.TypeExpress}
	run, err := first.ExecutePipeline(ctx, job, params, stepfunctions.WithIdempotencyKey("order-1"))
	if err != nil {
		t.Fatalf("ExecutePipeline() error = %v", err)
	}

	// Another replica (or this host after a restart): a fresh Provider on the same database.
	second := e.provider(stepfunctions.Config{ExpressResults: open()})
	st, err := second.GetPipelineRunStatus(ctx, run.RunID, params)
	if err != nil || st.State != stepfunctions.RunStateSuccess || paramValues(st.Parameters)["total"] != "42" {
		t.Fatalf("GetPipelineRunStatus() on another replica = %+v, %v; want Success with total 42", st, err)
	}
	if url, err := second.ConsoleURL(run.RunID); err != nil || url != run.ConsoleURL {
		t.Errorf("ConsoleURL() on another replica = %q, %v; want %q (with the start date from the store)", url, err, run.ConsoleURL)
	}
	before := e.calls("StartSyncExecution")
	again, err := second.ExecutePipeline(ctx, job, params, stepfunctions.WithIdempotencyKey("order-1"))
	if err != nil || again.RunID != run.RunID {
		t.Errorf("ExecutePipeline(same key) on another replica = %+v, %v; want run %s", again, err, run.RunID)
	}
	if n := e.calls("StartSyncExecution") - before; n != 0 {
		t.Errorf("the repeat on another replica made %d StartSyncExecution calls, want 0", n)
	}
	other := append([]stepfunctions.Parameter{}, params...)
	other[0].Value = "41"
	if _, err := second.ExecutePipeline(ctx, job, other, stepfunctions.WithIdempotencyKey("order-1")); !errors.Is(err, stepfunctions.ErrIdempotencyConflict) {
		t.Errorf("ExecutePipeline(same key, other input) on another replica error = %v, want ErrIdempotencyConflict", err)
	}
}

// TestLocalExpressKeyStartsOnceAcrossReplicas starts one idempotency key from 50 Providers sharing a store at
// once: exactly one Express execution runs, and every caller gets it.
func TestLocalExpressKeyStartsOnceAcrossReplicas(t *testing.T) {
	e := newLocalEnv(t)
	release := make(chan struct{})
	e.registerTasks(`{"total":1}`, release)
	arn := e.create(machineSpec{name: "once", typ: types.StateMachineTypeExpress, definition: taskDefinition(blockTask)})
	open := sharedStore(t)
	const replicas = 50
	runs := make([]string, replicas)
	errs := make([]error, replicas)
	claimed := make(chan struct{}, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		p := e.provider(stepfunctions.Config{ExpressResults: &firstClaimSignal{Store: open(), claimed: claimed}})
		wg.Add(1)
		go func() {
			defer wg.Done()
			run, err := p.ExecutePipeline(context.Background(), stepfunctions.Job{ID: arn, Type: stepfunctions.TypeExpress}, nil,
				stepfunctions.WithIdempotencyKey("once"))
			runs[i], errs[i] = run.RunID, err
		}()
	}
	// Let every replica claim the key before the one execution may end: one wins, the others find its claim
	// pending and wait for its run.
	timeout := time.After(statusWithin)
	for n := range replicas {
		select {
		case <-claimed:
		case <-timeout:
			t.Fatalf("%d of %d replicas claimed the key within %v", n, replicas, statusWithin)
		}
	}
	close(release)
	wg.Wait()
	for i := range replicas {
		if errs[i] != nil || runs[i] != runs[0] {
			t.Errorf("replica %d: run %q, error %v; want run %q", i, runs[i], errs[i], runs[0])
		}
	}
	if n := e.calls("StartSyncExecution"); n != 1 {
		t.Errorf("%d StartSyncExecution calls for one key across %d replicas, want 1", n, replicas)
	}
}

// firstClaimSignal is a result store that sends on claimed when its first Claim has returned.
type firstClaimSignal struct {
	expressstore.Store
	once    sync.Once
	claimed chan<- struct{}
}

// Claim implements expressstore.Store.
func (s *firstClaimSignal) Claim(ctx context.Context, c expressstore.Result, ttl time.Duration) (expressstore.Result, bool, error) {
	rec, won, err := s.Store.Claim(ctx, c, ttl)
	s.once.Do(func() { s.claimed <- struct{}{} })
	return rec, won, err
}

// TestLocalExpressStoreDown closes the result store's database under a Provider. An idempotent Express start then
// fails before anything runs, with an error that names the store and what it could not do; a start without a key
// needs no claim, so it runs and returns its end, and the Provider logs that it could not record it; a status lookup
// names the store's failure.
func TestLocalExpressStoreDown(t *testing.T) {
	e := newLocalEnv(t)
	e.registerTasks(`{"total":42}`, nil)
	arn := e.create(machineSpec{name: "stored", typ: types.StateMachineTypeExpress})
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "results.db"))
	if err != nil {
		t.Fatal(err)
	}
	store, err := sqlstore.New(context.Background(), db, sqlstore.SQLite, func(o *sqlstore.Options) { o.CreateTables = true })
	if err != nil {
		t.Fatal(err)
	}
	var logged testkit.LockedBuffer
	p := e.provider(stepfunctions.Config{ExpressResults: store, Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	ctx := context.Background()
	job := stepfunctions.Job{ID: arn, Type: stepfunctions.TypeExpress}
	run, err := p.ExecutePipeline(ctx, job, nil)
	if err != nil {
		t.Fatalf("ExecutePipeline() with the store up: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	_, err = p.ExecutePipeline(ctx, job, nil, stepfunctions.WithIdempotencyKey("order-1"))
	var se *stepfunctions.Error
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "express result store: claim the execution name") ||
		!strings.Contains(se.Hint, "Config.ExpressResults") {
		t.Errorf("idempotent ExecutePipeline() with the store down = %v, want an *Error naming the store's claim and hinting at Config.ExpressResults", err)
	}
	if n := e.calls("StartSyncExecution"); n != 1 {
		t.Errorf("StartSyncExecution calls = %d, want 1: no idempotent start runs while the store is down", n)
	}

	unkeyed, err := p.ExecutePipeline(ctx, job, nil)
	if err != nil || unkeyed.Status == nil || unkeyed.Status.State != stepfunctions.RunStateSuccess {
		t.Errorf("ExecutePipeline() without a key, the store down = %+v, %v; want the run, succeeded", unkeyed, err)
	}
	if !strings.Contains(logged.String(), "could not record an Express result") {
		t.Errorf("logs = %q, want the failure to record the run", logged.String())
	}

	_, err = p.GetPipelineRunStatus(ctx, run.RunID, nil)
	if err == nil || !strings.Contains(err.Error(), "express result store: look the run up") {
		t.Errorf("GetPipelineRunStatus() with the store down = %v, want the store's lookup error", err)
	}
}

// TestLocalExpressKeyWithControlCharacterName starts an idempotent Express run under a name holding a control
// character, which Step Functions refuses and no result store takes: the start fails with ErrInvalidInput naming
// the execution name, not with an error blaming the store, and nothing runs.
func TestLocalExpressKeyWithControlCharacterName(t *testing.T) {
	e := newLocalEnv(t)
	e.registerTasks(`{"total":42}`, nil)
	arn := e.create(machineSpec{name: "named", typ: types.StateMachineTypeExpress})
	for _, store := range []struct {
		name  string
		store expressstore.Store
	}{{"memory", nil}, {"sqlite", sharedStore(t)()}} {
		t.Run(store.name, func(t *testing.T) {
			p := e.provider(stepfunctions.Config{ExpressResults: store.store})
			_, err := p.ExecutePipeline(context.Background(), stepfunctions.Job{ID: arn, Type: stepfunctions.TypeExpress}, nil,
				stepfunctions.WithIdempotencyKey("order-1"), stepfunctions.WithName("order\x001"))
			var se *stepfunctions.Error
			if !errors.Is(err, stepfunctions.ErrInvalidInput) || !strings.Contains(err.Error(), "execution name") ||
				!errors.As(err, &se) || strings.Contains(se.Hint, "ExpressResults") {
				t.Errorf("ExecutePipeline(name with U+0000) error = %v; want ErrInvalidInput naming the execution name, "+
					"no hint at the store", err)
			}
			if n := e.calls("StartSyncExecution"); n != 0 {
				t.Errorf("StartSyncExecution calls = %d, want 0", n)
			}
		})
	}
}

// claimThenCancel is a result store whose first Claim records the claim and then ends the caller's ctx, returning
// its error: a claim whose statement committed as its ctx ended.
type claimThenCancel struct {
	expressstore.Store
	cancel  context.CancelFunc
	once    sync.Once
	claimed chan string // receives the name of the claim recorded
}

// Claim implements expressstore.Store.
func (s *claimThenCancel) Claim(ctx context.Context, c expressstore.Result, ttl time.Duration) (expressstore.Result, bool, error) {
	first := false
	s.once.Do(func() { first = true })
	if !first {
		return s.Store.Claim(ctx, c, ttl)
	}
	if _, won, err := s.Store.Claim(context.WithoutCancel(ctx), c, ttl); err != nil || !won {
		return expressstore.Result{}, false, fmt.Errorf("the claim was not recorded: won %v, %w", won, err)
	}
	s.claimed <- c.Name
	s.cancel()
	<-ctx.Done()
	return expressstore.Result{}, false, ctx.Err()
}

// TestLocalExpressClaimCanceledMidStatement ends an idempotent Express start's ctx while the store records its
// claim: the start fails with the ctx's error, having run nothing, and gives the claim up, so that the next start of
// the key runs at once instead of waiting for the claim to expire (6 minutes).
func TestLocalExpressClaimCanceledMidStatement(t *testing.T) {
	e := newLocalEnv(t)
	e.registerTasks(`{"total":42}`, nil)
	arn := e.create(machineSpec{name: "claimed", typ: types.StateMachineTypeExpress})
	job := stepfunctions.Job{ID: arn, Type: stepfunctions.TypeExpress}
	shared := expressstore.NewMemory()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := &claimThenCancel{Store: shared, cancel: cancel, claimed: make(chan string, 1)}
	p := e.provider(stepfunctions.Config{ExpressResults: store})
	if _, err := p.ExecutePipeline(ctx, job, nil, stepfunctions.WithIdempotencyKey("order-1")); !errors.Is(err, context.Canceled) {
		t.Fatalf("ExecutePipeline() whose ctx ended as its claim was recorded: error = %v, want context.Canceled", err)
	}
	name := <-store.claimed
	if got, err := shared.GetByName(context.Background(), name); !errors.Is(err, expressstore.ErrNotFound) {
		t.Fatalf("after the failed start, the store holds %+v, %v for its name; want the claim released (ErrNotFound)", got, err)
	}
	if n := e.calls("StartSyncExecution"); n != 0 {
		t.Errorf("StartSyncExecution calls of the failed start = %d, want 0", n)
	}

	// Another replica starting the key runs it now, without waiting on the claim.
	other := e.provider(stepfunctions.Config{ExpressResults: shared})
	within, cancelWithin := context.WithTimeout(context.Background(), statusWithin)
	defer cancelWithin()
	run, err := other.ExecutePipeline(within, job, nil, stepfunctions.WithIdempotencyKey("order-1"))
	if err != nil || run.Status == nil || run.Status.State != stepfunctions.RunStateSuccess {
		t.Errorf("ExecutePipeline(same key) after the failed start = %+v, %v; want the run, succeeded", run, err)
	}
}
