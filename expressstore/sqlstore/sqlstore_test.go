package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/polysync/stepfunctions/expressstore"
	"github.com/polysync/stepfunctions/expressstore/sqlstore"
	"github.com/polysync/stepfunctions/expressstore/storetest"
)

// database is an empty place for a store's tables, opened twice as two
// replicas of a host would open it.
type database struct {
	dialect sqlstore.Dialect
	a, b    *sql.DB // two connection pools on the same data
	table   string  // a table prefix nothing uses yet
	// serverLog is the path of the PostgreSQL server's log, "" for SQLite.
	serverLog string
}

// newStore returns a store on db's first pool, creating its tables.
func (db database) newStore(t testing.TB, optFns ...func(*sqlstore.Options)) *sqlstore.Store {
	t.Helper()
	return db.newStoreOn(t, db.a, optFns...)
}

// newStoreOn returns a store on pool, creating its tables.
func (db database) newStoreOn(t testing.TB, pool *sql.DB, optFns ...func(*sqlstore.Options)) *sqlstore.Store {
	t.Helper()
	opts := append([]func(*sqlstore.Options){func(o *sqlstore.Options) {
		o.Table, o.CreateTables = db.table, true
	}}, optFns...)
	s, err := sqlstore.New(context.Background(), pool, db.dialect, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// sqliteURL is how the tests open SQLite: with a busy timeout, so that
// writers wait for each other, and in WAL mode.
func sqliteURL(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(20000)&_pragma=journal_mode(WAL)"
}

// openSQLite returns a fresh SQLite database in a temporary file.
func openSQLite(t testing.TB) database {
	t.Helper()
	url := sqliteURL(filepath.Join(t.TempDir(), "results.db"))
	return database{dialect: sqlstore.SQLite, a: openPool(t, "sqlite", url), b: openPool(t, "sqlite", url),
		table: "polysync_express"}
}

// postgresDatabases starts a PostgreSQL server for t and returns a function
// giving each caller its own tables in it.
func postgresDatabases(t testing.TB) func(t testing.TB) database {
	url, serverLog := startPostgres(t)
	a, b := openPool(t, "pgx", url), openPool(t, "pgx", url)
	var n atomic.Int64
	return func(testing.TB) database {
		return database{dialect: sqlstore.Postgres, a: a, b: b, table: fmt.Sprintf("t%d", n.Add(1)),
			serverLog: serverLog}
	}
}

// openPool opens a connection pool closed when t ends.
func openPool(t testing.TB, driver, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestSQLite(t *testing.T) {
	testBackend(t, openSQLite)
}

func TestPostgres(t *testing.T) {
	testBackend(t, postgresDatabases(t))
}

// testBackend runs the conformance suite and the store's own tests on
// databases from open.
func testBackend(t *testing.T, open func(t testing.TB) database) {
	t.Run("Conformance", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) expressstore.Store { return open(t).newStore(t) })
	})
	t.Run("Shared", func(t *testing.T) {
		storetest.RunShared(t, func(t *testing.T) (expressstore.Store, expressstore.Store) {
			db := open(t)
			return db.newStoreOn(t, db.a), db.newStoreOn(t, db.b)
		})
	})
	for _, tc := range []struct {
		name string
		test func(*testing.T, database)
	}{
		{"TTL", testTTL},
		{"Purge", testPurge},
		{"PurgeOnPut", testPurgeOnPut},
		{"ExistingTables", testExistingTables},
		{"ConcurrentCreate", testConcurrentCreate},
		{"TimeRange", testTimeRange},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.test(t, open(t)) })
	}
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// expiredOnTwoReplicas records run "again" from a store on db.b and lets
// its record expire on a settable clock; it returns the stores on db.a (the
// purger) and db.b (the putter), which run no purge of their own, and the
// run's record, for tests of a Purge that a Put from another replica meets.
func expiredOnTwoReplicas(t *testing.T, db database) (purger, putter *sqlstore.Store, r expressstore.Result) {
	t.Helper()
	clk := newClock()
	opts := func(o *sqlstore.Options) { o.Now, o.TTL, o.PurgeInterval = clk.Now, time.Hour, -1 }
	purger, putter = db.newStoreOn(t, db.a, opts), db.newStoreOn(t, db.b, opts)
	r = result("again")
	if err := putter.Put(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	clk.Add(2 * time.Hour) // the run's record expires
	return purger, putter, r
}

// result returns the record of a succeeded run named name.
func result(name string) expressstore.Result {
	return expressstore.Result{RunID: "arn:aws:states:us-east-1:123456789012:express:orders:" + name + ":1",
		Name: name, Status: expressstore.StatusSucceeded, Output: `{"ok":true}`}
}

// countRows returns the number of rows of table.
func countRows(t *testing.T, db *sql.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// testTTL checks that a record expires TTL after it was last recorded, and
// that its name can then be claimed and bound again.
func testTTL(t *testing.T, db database) {
	ctx := context.Background()
	clk := newClock()
	s := db.newStore(t, func(o *sqlstore.Options) { o.TTL, o.Now, o.PurgeInterval = time.Hour, clk.Now, -1 })
	r := result("ttl")
	r.Status = expressstore.StatusRunning
	if err := s.Put(ctx, r); err != nil {
		t.Fatal(err)
	}
	clk.Add(50 * time.Minute)
	r.Status = expressstore.StatusSucceeded // recorded again: the hour starts over
	if err := s.Put(ctx, r); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Hour - time.Nanosecond)
	if _, err := s.Get(ctx, r.RunID); err != nil {
		t.Fatalf("Get a nanosecond before the record expires: %v", err)
	}
	clk.Add(time.Nanosecond)
	if got, err := s.Get(ctx, r.RunID); !errors.Is(err, expressstore.ErrNotFound) {
		t.Fatalf("Get of an expired record = %+v, %v; want ErrNotFound", got, err)
	}
	if got, err := s.GetByName(ctx, "ttl"); !errors.Is(err, expressstore.ErrNotFound) {
		t.Fatalf("GetByName of an expired record = %+v, %v; want ErrNotFound", got, err)
	}
	// An expired terminal record is no longer final.
	again := r
	again.Status, again.Output = expressstore.StatusFailed, ""
	if err := s.Put(ctx, again); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, r.RunID); err != nil || got.Status != expressstore.StatusFailed {
		t.Fatalf("Get after recording an expired run again = %+v, %v; want FAILED", got, err)
	}
	// The name of an expired run is free again.
	clk.Add(2 * time.Hour)
	if got, won, err := s.Claim(ctx, expressstore.Result{Name: "ttl", Owner: "b"}, time.Minute); err != nil || !won {
		t.Fatalf("Claim of the name of an expired run = %+v, won %v, %v; want won", got, won, err)
	}
	other := result("ttl")
	other.RunID += "-2"
	if err := s.Put(ctx, other); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetByName(ctx, "ttl"); err != nil || got.RunID != other.RunID {
		t.Fatalf("GetByName after a new run of an expired name = %+v, %v; want %s", got, err, other.RunID)
	}
}

// testPurge checks that Purge deletes expired runs, their names and expired
// claims, and nothing else.
func testPurge(t *testing.T, db database) {
	ctx := context.Background()
	clk := newClock()
	s := db.newStore(t, func(o *sqlstore.Options) { o.TTL, o.Now, o.PurgeInterval = time.Hour, clk.Now, -1 })
	for _, name := range []string{"old-1", "old-2"} {
		if err := s.Put(ctx, result(name)); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.Claim(ctx, expressstore.Result{Name: "old-claim", Owner: "a"}, time.Minute); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Hour + time.Second)
	if err := s.Put(ctx, result("new")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Claim(ctx, expressstore.Result{Name: "new-claim", Owner: "a"}, time.Minute); err != nil {
		t.Fatal(err)
	}
	n, err := s.Purge(ctx)
	if err != nil || n != 2 {
		t.Fatalf("Purge = %d, %v; want 2 runs deleted", n, err)
	}
	if runs, names := countRows(t, db.a, db.table+"_runs"), countRows(t, db.a, db.table+"_names"); runs != 1 || names != 2 {
		t.Errorf("after Purge: %d runs and %d names, want 1 run and 2 names (new, new-claim)", runs, names)
	}
	for _, name := range []string{"new", "new-claim"} {
		if _, err := s.GetByName(ctx, name); err != nil {
			t.Errorf("GetByName(%q) after Purge: %v", name, err)
		}
	}
	if n, err := s.Purge(ctx); err != nil || n != 0 {
		t.Errorf("second Purge = %d, %v; want 0", n, err)
	}
}

// testPurgeOnPut checks that Put purges expired records, at most once per
// PurgeInterval.
func testPurgeOnPut(t *testing.T, db database) {
	ctx := context.Background()
	clk := newClock()
	s := db.newStore(t, func(o *sqlstore.Options) { o.TTL, o.Now, o.PurgeInterval = time.Hour, clk.Now, 2*time.Hour })
	stored := func(names ...string) {
		t.Helper()
		var got []string
		rows, err := db.a.Query("SELECT name FROM " + db.table + "_runs ORDER BY name")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			got = append(got, name)
		}
		if strings.Join(got, ",") != strings.Join(names, ",") {
			t.Errorf("at %v the table holds runs %v, want %v", clk.Now().Format(time.TimeOnly), got, names)
		}
	}
	put := func(name string) {
		t.Helper()
		if err := s.Put(ctx, result(name)); err != nil {
			t.Fatal(err)
		}
	}
	put("a") // the first Put purges
	clk.Add(61 * time.Minute)
	put("b") // a expired, but the last purge was 61 minutes ago
	stored("a", "b")
	clk.Add(59 * time.Minute)
	put("c") // two hours since the last purge: a goes
	stored("b", "c")
	clk.Add(time.Hour)
	put("d") // b expired, but the last purge was an hour ago
	stored("b", "c", "d")
}

// testExistingTables checks New without CreateTables: an error that says so
// when the tables are missing, and the store when they exist.
func testExistingTables(t *testing.T, db database) {
	ctx := context.Background()
	_, err := sqlstore.New(ctx, db.a, db.dialect, func(o *sqlstore.Options) { o.Table = db.table })
	if err == nil || !strings.Contains(err.Error(), "CreateTables") || !strings.Contains(err.Error(), db.table+"_runs") {
		t.Fatalf("New without CreateTables on a database without the tables = %v, want an error naming the table and CreateTables", err)
	}
	created := db.newStore(t)
	if err := created.Put(ctx, result("x")); err != nil {
		t.Fatal(err)
	}
	s, err := sqlstore.New(ctx, db.b, db.dialect, func(o *sqlstore.Options) { o.Table = db.table })
	if err != nil {
		t.Fatalf("New without CreateTables on existing tables: %v", err)
	}
	if _, err := s.Get(ctx, result("x").RunID); err != nil {
		t.Fatalf("Get through a second store: %v", err)
	}
}

// testConcurrentCreate starts replicas at once, all creating the tables.
func testConcurrentCreate(t *testing.T, db database) {
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 8 {
		pool := db.a
		if i%2 == 1 {
			pool = db.b
		}
		wg.Go(func() {
			if _, err := sqlstore.New(ctx, pool, db.dialect, func(o *sqlstore.Options) {
				o.Table, o.CreateTables = db.table, true
			}); err != nil {
				t.Errorf("New %d with CreateTables: %v", i, err)
			}
		})
	}
	wg.Wait()
}

// testTimeRange checks that times a store cannot represent are refused.
func testTimeRange(t *testing.T, db database) {
	ctx := context.Background()
	s := db.newStore(t)
	r := result("far")
	r.StoppedAt = time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := s.Put(ctx, r); !errors.Is(err, expressstore.ErrInvalid) {
		t.Fatalf("Put with a stop time in 2300 = %v, want ErrInvalid", err)
	}
	if _, err := s.Get(ctx, r.RunID); !errors.Is(err, expressstore.ErrNotFound) {
		t.Fatalf("Get after a refused Put = %v, want ErrNotFound", err)
	}
}

// TestNewOptions checks that New refuses what it cannot use, naming it.
func TestNewOptions(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t)
	for _, tc := range []struct {
		name    string
		db      *sql.DB
		dialect sqlstore.Dialect
		table   string
		want    string
	}{
		{"nil database", nil, sqlstore.SQLite, "", "database is nil"},
		{"unknown dialect", db.a, 0, "", "unknown dialect Dialect(0)"},
		{"upper-case table", db.a, sqlstore.SQLite, "Results", `table prefix "Results"`},
		{"quoted table", db.a, sqlstore.SQLite, `x"; DROP TABLE y; --`, "table prefix"},
		{"long table", db.a, sqlstore.SQLite, strings.Repeat("t", 41), "at most 40 characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sqlstore.New(ctx, tc.db, tc.dialect, func(o *sqlstore.Options) {
				if tc.table != "" {
					o.Table = tc.table
				}
				o.CreateTables = true
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestErrorsName checks that an error of the database names the run or the
// execution name the call was about, as does a time out of range.
func TestErrorsName(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t)
	s := db.newStore(t, func(o *sqlstore.Options) { o.PurgeInterval = -1 })
	r := result("named-key")
	far := r
	far.StartedAt = time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := s.Put(ctx, far); err == nil || !strings.Contains(err.Error(), r.RunID) {
		t.Errorf("Put with a start time in 2300 = %v, want an error naming %s", err, r.RunID)
	}
	for _, table := range []string{db.table + "_runs", db.table + "_names"} {
		if _, err := db.a.Exec("DROP TABLE " + table); err != nil {
			t.Fatal(err)
		}
	}
	check := func(call string, err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s on dropped tables = %v, want an error naming %s", call, err, want)
		}
	}
	_, err := s.Get(ctx, r.RunID)
	check("Get", err, r.RunID)
	_, err = s.GetByName(ctx, r.Name)
	check("GetByName", err, r.Name)
	check("Put", s.Put(ctx, r), r.RunID)
	_, _, err = s.Claim(ctx, expressstore.Result{Name: r.Name, Owner: "replica-a"}, time.Minute)
	check("Claim", err, r.Name)
	check("Release", s.Release(ctx, r.Name, "replica-a"), r.Name)
}
