package sqlstore_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/polysync/stepfunctions/expressstore"
	"github.com/polysync/stepfunctions/expressstore/sqlstore"
)

// TestSQLitePurgeDuringNamedPut tries, on SQLite, the interleaving of
// TestPostgresPurgeDuringNamedPut: a run recorded again with its name
// between a Purge's deletion of names and that of runs. SQLite gives the
// purge's transaction the database's one write lock from its first delete
// to its commit, so no Put can come in between (with no busy timeout it is
// refused at once) and the two cannot deadlock; recorded after the purge,
// the run is bound to its name again.
func TestSQLitePurgeDuringNamedPut(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "results.db")
	db := database{dialect: sqlstore.SQLite, a: openPool(t, "sqlite", sqliteURL(path)),
		b:     openPool(t, "sqlite", "file:"+path+"?_pragma=busy_timeout(0)&_pragma=journal_mode(WAL)"),
		table: "polysync_express"}
	purger, putter, r := expiredOnTwoReplicas(t, db)
	hooked := 0
	sqlstore.SetPurgeHook(purger, func() {
		if hooked++; hooked == 1 {
			if err := putter.Put(ctx, r); err == nil || !strings.Contains(err.Error(), "database is locked") {
				t.Errorf("Put during the purge, without a busy timeout = %v; want SQLITE_BUSY (database is locked)", err)
			}
		}
	})
	if n, err := purger.Purge(ctx); err != nil || n != 1 {
		t.Errorf("Purge = %d, %v; want 1 run purged", n, err)
	}
	if err := putter.Put(ctx, r); err != nil {
		t.Fatalf("Put after the purge: %v", err)
	}
	if got, err := purger.GetByName(ctx, "again"); err != nil || got.RunID != r.RunID {
		t.Errorf("GetByName after the purge = %+v, %v; want the run, bound to its name", got, err)
	}
	if rec, won, err := purger.Claim(ctx, expressstore.Result{Name: "again", Owner: "other"}, time.Hour); err != nil ||
		won || rec.RunID != r.RunID {
		t.Errorf("Claim after the purge = %+v, won %v, %v; want run %s, lost", rec, won, err, r.RunID)
	}
}
