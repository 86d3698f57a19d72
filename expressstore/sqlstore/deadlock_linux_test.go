package sqlstore_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/polysync/stepfunctions/expressstore"
	"github.com/polysync/stepfunctions/expressstore/sqlstore"
)

// TestPostgresPurgeDuringNamedPut records an expired run again with its
// name, from another replica, while a Purge runs, and lets the Put wait for
// the Purge's locks between the Purge's deletion of the names of expired
// runs and that of the runs. Purge takes the name's row, then the run's: Put
// must take rows in the same order, or each waits for the other and
// PostgreSQL ends one with deadlock_detected (SQLSTATE 40P01) a second
// later. Both must succeed, the name staying bound to the run recorded
// again, and the server must not have met a deadlock.
func TestPostgresPurgeDuringNamedPut(t *testing.T) {
	ctx := context.Background()
	db := postgresDatabases(t)(t)
	purger, putter, r := expiredOnTwoReplicas(t, db)
	put := make(chan error, 1)
	hooked := 0
	sqlstore.SetPurgeHook(purger, func() {
		if hooked++; hooked == 1 {
			go func() { put <- putter.Put(ctx, r) }()
			awaitLockWait(t, db.a, db.table+"_names", "the Put", put)
		}
	})
	n, err := purger.Purge(ctx)
	if err != nil {
		t.Errorf("Purge while the run was recorded again with its name: %v", err)
	}
	if err := <-put; err != nil {
		t.Errorf("Put during the purge: %v", err)
	}
	// The Put waited for the name the Purge deleted: the Purge deleted the
	// expired record too, and the Put recorded the run anew, and bound its
	// name, once the Purge committed.
	if n != 1 {
		t.Errorf("Purge deleted %d runs' records, want 1 (the expired one)", n)
	}
	if got, err := purger.Get(ctx, r.RunID); err != nil || got.RunID != r.RunID {
		t.Errorf("Get after the purge = %+v, %v; want the run", got, err)
	}
	if got, err := purger.GetByName(ctx, "again"); err != nil || got.RunID != r.RunID {
		t.Errorf("GetByName after the purge = %+v, %v; want the run, bound to its name", got, err)
	}
	if rec, won, err := purger.Claim(ctx, expressstore.Result{Name: "again", Owner: "other"}, time.Hour); err != nil ||
		won || rec.RunID != r.RunID {
		t.Errorf("Claim after the purge = %+v, won %v, %v; want run %s, lost", rec, won, err, r.RunID)
	}
	if deadlocks := serverDeadlocks(t, db); len(deadlocks) > 0 {
		t.Errorf("the server met a deadlock between the Purge and the Put:\n%s", strings.Join(deadlocks, "\n"))
	}
}

// TestPostgresPutRetriesDeadlock makes a Put the victim of a deadlock with
// another session, which holds the run's row and then asks for the name's
// while the Put, holding the name's row, waits for the run's: PostgreSQL
// ends the Put's transaction with deadlock_detected (SQLSTATE 40P01), which
// leaves nothing done, and Put must record the run all the same by trying
// again, as PostgreSQL's documentation advises.
func TestPostgresPutRetriesDeadlock(t *testing.T) {
	ctx := context.Background()
	db := postgresDatabases(t)(t)
	s := db.newStoreOn(t, db.b, func(o *sqlstore.Options) { o.PurgeInterval = -1 })
	r := result("deadlock")
	r.Status = expressstore.StatusRunning // recorded again below
	if err := s.Put(ctx, r); err != nil {
		t.Fatal(err)
	}
	other, err := db.a.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = other.Rollback() }()
	// The Put's session, whose deadlock_timeout is PostgreSQL's default of
	// a second, then finds the deadlock long before this one would.
	if _, err := other.Exec(`SET LOCAL deadlock_timeout = '1h'`); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec(`UPDATE `+db.table+`_runs SET owner = owner WHERE run_id = $1`, r.RunID); err != nil {
		t.Fatal(err)
	}
	done := r
	done.Status = expressstore.StatusSucceeded
	put := make(chan error, 1)
	go func() { put <- s.Put(ctx, done) }()
	awaitLockWait(t, db.a, db.table+"_runs", "the Put", put)
	// Waits for the Put's lock on the name's row until PostgreSQL ends the
	// Put's transaction.
	if _, err := other.Exec(`UPDATE `+db.table+`_names SET owner = owner WHERE name = $1`, r.Name); err != nil {
		t.Fatal(err)
	}
	if err := other.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-put; err != nil {
		t.Errorf("Put that met a deadlock: %v", err)
	}
	if got, err := s.GetByName(ctx, r.Name); err != nil || got.RunID != r.RunID ||
		got.Status != expressstore.StatusSucceeded {
		t.Errorf("GetByName after the Put = %+v, %v; want run %s SUCCEEDED", got, err, r.RunID)
	}
	if len(serverDeadlocks(t, db)) == 0 {
		t.Error("the server met no deadlock: the test did not make the Put its victim")
	}
}

// serverDeadlocks returns the lines of db's server log reporting a deadlock.
func serverDeadlocks(t testing.TB, db database) []string {
	t.Helper()
	log, err := os.ReadFile(db.serverLog)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for line := range strings.Lines(string(log)) {
		if strings.Contains(line, "deadlock detected") {
			lines = append(lines, strings.TrimSpace(line))
		}
	}
	return lines
}
