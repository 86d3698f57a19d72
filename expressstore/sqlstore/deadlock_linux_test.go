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
	clk := newClock()
	opts := func(o *sqlstore.Options) { o.Now, o.TTL, o.PurgeInterval = clk.Now, time.Hour, -1 }
	purger, putter := db.newStoreOn(t, db.a, opts), db.newStoreOn(t, db.b, opts)
	r := result("again")
	if err := putter.Put(ctx, r); err != nil {
		t.Fatal(err)
	}
	clk.Add(2 * time.Hour) // the run's record expires
	put := make(chan error, 1)
	hooked := 0
	sqlstore.SetPurgeHook(purger, func() {
		if hooked++; hooked == 1 {
			go func() { put <- putter.Put(ctx, r) }()
			awaitLockWait(t, db.a, db.table+"_", "the Put", put)
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
