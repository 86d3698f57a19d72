package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Dialect is the SQL dialect of the database a Store uses.
type Dialect int

// The dialects a Store speaks.
const (
	// Postgres is PostgreSQL 9.5 or later (for INSERT ... ON CONFLICT).
	Postgres Dialect = iota + 1
	// SQLite is SQLite 3.24 or later (for INSERT ... ON CONFLICT).
	SQLite
)

// String returns the dialect's name.
func (d Dialect) String() string {
	switch d {
	case Postgres:
		return "postgres"
	case SQLite:
		return "sqlite"
	}
	return fmt.Sprintf("Dialect(%d)", int(d))
}

// tablePattern is what Options.Table may be: an unquoted SQL identifier
// that leaves room for the suffixes.
var tablePattern = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,39}$`)

// schema returns the statements that create the tables of prefix t.
func (d Dialect) schema(t string) []string {
	blob := "BLOB"
	if d == Postgres {
		blob = "BYTEA"
	}
	return []string{
		`CREATE TABLE IF NOT EXISTS ` + t + `_runs (
	run_id TEXT PRIMARY KEY,
	job_id TEXT NOT NULL,
	state_machine_arn TEXT NOT NULL,
	name TEXT NOT NULL,
	input_digest TEXT NOT NULL,
	owner TEXT NOT NULL,
	status TEXT NOT NULL,
	output ` + blob + ` NOT NULL,
	error ` + blob + ` NOT NULL,
	cause ` + blob + ` NOT NULL,
	started_at BIGINT NOT NULL,
	stopped_at BIGINT NOT NULL,
	recorded_at BIGINT NOT NULL
)`,
		`CREATE INDEX IF NOT EXISTS ` + t + `_runs_recorded_at ON ` + t + `_runs (recorded_at)`,
		`CREATE TABLE IF NOT EXISTS ` + t + `_names (
	name TEXT PRIMARY KEY,
	run_id TEXT NOT NULL,
	job_id TEXT NOT NULL,
	state_machine_arn TEXT NOT NULL,
	input_digest TEXT NOT NULL,
	owner TEXT NOT NULL,
	claim_expires BIGINT NOT NULL
)`,
		`CREATE INDEX IF NOT EXISTS ` + t + `_names_run_id ON ` + t + `_names (run_id, claim_expires)`,
	}
}

// createTables creates the tables of prefix t where they do not exist.
//
// On PostgreSQL, CREATE TABLE IF NOT EXISTS fails when another session
// creates the same table at the same time, so a transaction-scoped advisory
// lock serialises replicas starting at once. SQLite applies each statement
// under its write lock, waiting for another writer by the busy timeout;
// there the statements run one by one, since a transaction that read the
// schema first could not then wait for that lock. A statement SQLite
// refuses as busy all the same is tried again (see retrySQLiteBusy).
func (d Dialect) createTables(ctx context.Context, db *sql.DB, t string) error {
	if d == SQLite {
		for _, stmt := range d.schema(t) {
			if err := retrySQLiteBusy(ctx, func() error {
				_, err := db.ExecContext(ctx, stmt)
				return err
			}); err != nil {
				return err
			}
		}
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "sqlstore:"+t); err != nil {
		return err
	}
	for _, stmt := range d.schema(t) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// sqliteBusyAttempts bounds retrySQLiteBusy: its pauses, from 5 ms
// doubling up to a second, add up to about 7 seconds.
const sqliteBusyAttempts = 12

// retrySQLiteBusy runs fn until it does not fail with SQLITE_BUSY, at most
// sqliteBusyAttempts times, pausing between tries until ctx ends. SQLite
// answers SQLITE_BUSY without waiting for the busy timeout where waiting
// could deadlock; among them, a connection opening a new database file
// while another sets its journal mode (WAL, as the package doc suggests),
// which replicas starting together on a fresh file do.
func retrySQLiteBusy(ctx context.Context, fn func() error) error {
	pause := 5 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || attempt == sqliteBusyAttempts || !sqliteBusy(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
		pause = min(2*pause, time.Second)
	}
}

// sqliteBusy reports whether err is SQLite's SQLITE_BUSY (5, or one of its
// extended codes), by the Code method of the driver's error
// (modernc.org/sqlite) or by SQLite's own text for it, "database is locked",
// which every driver passes on.
func sqliteBusy(err error) bool {
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		return coded.Code()&0xff == 5
	}
	return strings.Contains(err.Error(), "database is locked")
}

// rebind rewrites the ? placeholders of query for the dialect: $1, $2, ...
// for PostgreSQL. The queries of this package hold no ? in literals.
func (d Dialect) rebind(query string) string {
	if d != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
