package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver: pure Go, no cgo

	"github.com/polysync/stepfunctions/expressstore"
	"github.com/polysync/stepfunctions/expressstore/sqlstore"
)

// Two replicas share a SQLite database: the run recorded by the first is
// found by the second, by run ID and by execution name, and the second
// cannot claim the name to start the run again.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "sqlstore-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	url := "file:" + filepath.Join(dir, "results.db") + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)"

	var pools []*sql.DB
	defer func() {
		for _, db := range pools {
			db.Close()
		}
	}()
	open := func() *sqlstore.Store { // as each replica does at start
		db, err := sql.Open("sqlite", url)
		if err != nil {
			log.Fatal(err)
		}
		pools = append(pools, db)
		store, err := sqlstore.New(ctx, db, sqlstore.SQLite, func(o *sqlstore.Options) {
			o.CreateTables = true
			o.TTL = 24 * time.Hour
		})
		if err != nil {
			log.Fatal(err)
		}
		return store
	}
	replicaA, replicaB := open(), open()

	runID := "arn:aws:states:us-east-1:123456789012:express:orders:Polysync-7d2a:5e1f"
	err = replicaA.Put(ctx, expressstore.Result{
		RunID:  runID,
		JobID:  "arn:aws:states:us-east-1:123456789012:stateMachine:orders",
		Name:   "Polysync-7d2a",
		Owner:  "replica-a",
		Status: expressstore.StatusSucceeded,
		Output: `{"total":42}`,
	})
	if err != nil {
		log.Fatal(err)
	}

	byID, err := replicaB.Get(ctx, runID)
	fmt.Println(byID.Status, byID.Output, err)
	byName, err := replicaB.GetByName(ctx, "Polysync-7d2a")
	fmt.Println(byName.RunID == runID, err)
	rec, won, err := replicaB.Claim(ctx, expressstore.Result{Name: "Polysync-7d2a", Owner: "replica-b"}, 6*time.Minute)
	fmt.Println("won:", won, "existing run:", rec.RunID == runID, err)
	// Output:
	// SUCCEEDED {"total":42} <nil>
	// true <nil>
	// won: false existing run: true <nil>
}
