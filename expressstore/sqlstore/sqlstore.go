// Package sqlstore is an expressstore.Store in a SQL database that the
// replicas of a host share: PostgreSQL or SQLite, through database/sql.
//
// The caller opens the *sql.DB with the driver of its choice and names its
// dialect; this package imports no driver. Its tests use
// github.com/jackc/pgx/v5/stdlib (driver "pgx") for PostgreSQL and
// modernc.org/sqlite (driver "sqlite", pure Go, no cgo) for SQLite.
//
//	db, err := sql.Open("pgx", "postgres://app@db.internal/polysync")
//	store, err := sqlstore.New(ctx, db, sqlstore.Postgres, func(o *sqlstore.Options) {
//		o.CreateTables = true
//	})
//
// # Tables
//
// A store uses two tables named after Options.Table: <table>_runs holds the
// record of each run by run ID, and <table>_names holds each execution
// name's pending claim or the run it is bound to. With
// Options.CreateTables, New creates them (and their indexes) where they do
// not exist; otherwise it checks that they can be read. Output, Error and
// Cause are stored as bytes (BYTEA, BLOB), so they come back byte for byte;
// times are Unix nanoseconds.
//
// # Replicas
//
// A claim is one INSERT ... ON CONFLICT DO UPDATE ... WHERE statement, which
// the database applies atomically: of the replicas claiming one name at
// once, exactly one inserts (or takes over an expired claim), and the others
// read its claim. Put records the run and binds its name in one
// transaction. On PostgreSQL both run in REPEATABLE READ transactions, as Purge
// does, so that each judges the name's row and the run it is bound to by one
// snapshot, and are tried again on a serialization failure or a deadlock
// (SQLSTATE 40001 or 40P01), which leave nothing done. Put and Purge lock a
// name's row before a run's, so that they do not deadlock each other. Claims
// expire by the clock of the replica that made them (Options.Now), so replicas'
// clocks should agree to well within the claims' time to live.
//
// # SQLite
//
// SQLite serialises writers with a file lock: open the database with a busy
// timeout, so that a writer waits for another instead of failing with
// SQLITE_BUSY, and preferably in WAL mode, so that readers do not wait, as
// in
//
//	sql.Open("sqlite", "file:results.db?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
//
// # Expiry
//
// A run's record expires Options.TTL after it was last recorded: Get and
// GetByName no longer return it, and its name can be claimed again. Purge
// deletes expired runs and claims; Put calls it at most once per
// Options.PurgeInterval.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/polysync/stepfunctions/expressstore"
)

// Defaults of Options.
const (
	DefaultTable         = "polysync_express"
	DefaultTTL           = 7 * 24 * time.Hour
	DefaultPurgeInterval = time.Hour
)

// Options configures New.
type Options struct {
	// Table is the prefix of the tables' names: <Table>_runs and
	// <Table>_names. It is a lower-case SQL identifier of at most 40
	// characters. Default DefaultTable.
	Table string
	// CreateTables makes New create the tables where they do not exist.
	// Default false: New checks that they exist.
	CreateTables bool
	// TTL is how long a run's record lives after it was last recorded. Zero
	// means DefaultTTL; a negative TTL keeps records until deleted by hand.
	TTL time.Duration
	// PurgeInterval is how often Put deletes expired records (see Purge).
	// Zero means DefaultPurgeInterval; a negative interval leaves purging to
	// the caller.
	PurgeInterval time.Duration
	// Now returns the current time, which claims and records expire by. Nil
	// means time.Now.
	Now func() time.Time
}

// Store is an expressstore.Store in a SQL database. It is safe for
// concurrent use, and replicas using the same tables may share it.
type Store struct {
	db            *sql.DB
	ttl           time.Duration
	purgeInterval time.Duration
	now           func() time.Time
	q             queries
	// txOptions are those of the transactions that claim a name, record a
	// run and purge (see tryClaim and Purge).
	txOptions *sql.TxOptions
	// purgeHook, when set (by tests), runs inside each purge transaction
	// between the deletion of names and that of runs.
	purgeHook func()

	mu         sync.Mutex
	lastPurged time.Time
}

var _ expressstore.Store = (*Store)(nil)

// New returns a Store that keeps results in db, a database of the given
// dialect.
func New(ctx context.Context, db *sql.DB, dialect Dialect, optFns ...func(*Options)) (*Store, error) {
	o := Options{Table: DefaultTable, TTL: DefaultTTL, PurgeInterval: DefaultPurgeInterval, Now: time.Now}
	for _, fn := range optFns {
		fn(&o)
	}
	switch {
	case db == nil:
		return nil, errors.New("sqlstore: the database is nil")
	case dialect != Postgres && dialect != SQLite:
		return nil, fmt.Errorf("sqlstore: unknown dialect %v (want Postgres or SQLite)", dialect)
	case !tablePattern.MatchString(o.Table):
		return nil, fmt.Errorf("sqlstore: table prefix %q is not a lower-case SQL identifier of at most 40 characters", o.Table)
	}
	if o.TTL == 0 {
		o.TTL = DefaultTTL
	}
	if o.PurgeInterval == 0 {
		o.PurgeInterval = DefaultPurgeInterval
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CreateTables {
		if err := dialect.createTables(ctx, db, o.Table); err != nil {
			return nil, wrap(ctx, "create tables "+o.Table+"_runs and "+o.Table+"_names", err)
		}
	}
	s := &Store{db: db, ttl: o.TTL, purgeInterval: o.PurgeInterval, now: o.Now, q: newQueries(dialect, o.Table)}
	if dialect == Postgres {
		s.txOptions = &sql.TxOptions{Isolation: sql.LevelRepeatableRead}
	}
	if !o.CreateTables {
		for _, table := range []string{o.Table + "_runs", o.Table + "_names"} {
			if _, err := db.ExecContext(ctx, "SELECT 1 FROM "+table+" WHERE 1 = 0"); err != nil {
				return nil, wrap(ctx, "read table "+table+" (set Options.CreateTables to create it)", err)
			}
		}
	}
	return s, nil
}

// Get implements expressstore.Store.
func (s *Store) Get(ctx context.Context, runID string) (expressstore.Result, error) {
	return s.get(ctx, s.db, runID, s.now())
}

// queryer is what get needs of a *sql.DB or *sql.Tx.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// get reads the record of run runID as of now.
func (s *Store) get(ctx context.Context, q queryer, runID string, now time.Time) (expressstore.Result, error) {
	if expressstore.ValidateText("run ID", runID) != nil {
		// Put refuses it, and PostgreSQL would refuse the query (U+0000).
		return expressstore.Result{}, fmt.Errorf("%w: run %q", expressstore.ErrNotFound, runID)
	}
	r := expressstore.Result{RunID: runID}
	var output, errName, cause []byte
	var started, stopped int64
	err := q.QueryRowContext(ctx, s.q.get, runID, s.cutoff(now)).Scan(&r.JobID, &r.StateMachineARN, &r.Name,
		&r.InputDigest, &r.Owner, &r.Status, &output, &errName, &cause, &started, &stopped)
	if errors.Is(err, sql.ErrNoRows) {
		return expressstore.Result{}, fmt.Errorf("%w: run %s", expressstore.ErrNotFound, runID)
	}
	if err != nil {
		return expressstore.Result{}, wrap(ctx, "get run "+runID, err)
	}
	r.Output, r.Error, r.Cause = string(output), string(errName), string(cause)
	r.StartedAt, r.StoppedAt = fromNanos(started), fromNanos(stopped)
	return r, nil
}

// GetByName implements expressstore.Store.
func (s *Store) GetByName(ctx context.Context, name string) (expressstore.Result, error) {
	return s.getByName(ctx, name, s.now())
}

// getByName reads the run or unexpired claim that name refers to as of now.
func (s *Store) getByName(ctx context.Context, name string, now time.Time) (expressstore.Result, error) {
	if expressstore.ValidateText("execution name", name) != nil {
		// Claim and Put refuse it, and PostgreSQL would refuse the query
		// (U+0000).
		return expressstore.Result{}, fmt.Errorf("%w: execution name %q", expressstore.ErrNotFound, name)
	}
	c := expressstore.Result{Name: name}
	var expires int64
	err := s.db.QueryRowContext(ctx, s.q.getName, name).Scan(&c.RunID, &c.JobID, &c.StateMachineARN,
		&c.InputDigest, &c.Owner, &expires)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return expressstore.Result{}, wrap(ctx, "get execution name "+name, err)
	case c.RunID != "":
		r, err := s.get(ctx, s.db, c.RunID, now)
		if !errors.Is(err, expressstore.ErrNotFound) {
			return r, err
		}
	case now.UnixNano() < expires:
		c.ClaimExpires = fromNanos(expires)
		return c, nil
	}
	return expressstore.Result{}, fmt.Errorf("%w: execution name %s", expressstore.ErrNotFound, name)
}

// Put implements expressstore.Store.
func (s *Store) Put(ctx context.Context, r expressstore.Result) error {
	if err := expressstore.ValidateRun(r); err != nil {
		return err
	}
	started, err := toNanos(r.StartedAt, "start time of run "+r.RunID)
	if err != nil {
		return err
	}
	stopped, err := toNanos(r.StoppedAt, "stop time of run "+r.RunID)
	if err != nil {
		return err
	}
	now := s.now()
	err = s.tryPut(ctx, r, started, stopped, now)
	for attempt := 1; retryable(err) && attempt < maxClaimAttempts; attempt++ {
		// Another Put or a Claim changed the run or its name since this
		// one's snapshot (see tryClaim), or PostgreSQL ended this one to
		// break a deadlock: record it again.
		err = s.tryPut(ctx, r, started, stopped, now)
	}
	if err != nil {
		return err
	}
	s.purgeIfDue(ctx, now)
	return nil
}

// tryPut records r, whose times are started and stopped in Unix
// nanoseconds, as of now, in one transaction (see tryClaim).
func (s *Store) tryPut(ctx context.Context, r expressstore.Result, started, stopped int64, now time.Time) error {
	tx, err := s.db.BeginTx(ctx, s.txOptions)
	if err != nil {
		return wrap(ctx, "begin recording run "+r.RunID, err)
	}
	defer func() { _ = tx.Rollback() }()
	query, args := s.q.putRun, []any{r.RunID, r.JobID, r.StateMachineARN, r.Name, r.InputDigest, r.Owner,
		r.Status, []byte(r.Output), []byte(r.Error), []byte(r.Cause), started, stopped, now.UnixNano(),
		s.cutoff(now)}
	if r.Name != "" && s.q.putNamedRun != "" {
		// Purge deletes names before runs: lock the name's row before the
		// run's, as it does (see Purge).
		query, args = s.q.putNamedRun, append([]any{r.Name}, args...)
	}
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return wrap(ctx, "record run "+r.RunID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(ctx, "record run "+r.RunID, err)
	}
	if n > 0 && r.Name != "" {
		if _, err := tx.ExecContext(ctx, s.q.bindName, r.Name, r.RunID, r.JobID, r.StateMachineARN,
			r.InputDigest, r.Owner, s.cutoff(now)); err != nil {
			return wrap(ctx, "bind execution name "+r.Name+" to run "+r.RunID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return wrap(ctx, "commit run "+r.RunID, err)
	}
	return nil
}

// maxClaimAttempts bounds the rounds of Claim when the name's record keeps
// changing between its insert and its read (released or expired each time),
// and those of Put, Claim and Purge failing for a serialization failure or a
// deadlock (see retryable).
const maxClaimAttempts = 50

// Claim implements expressstore.Store.
func (s *Store) Claim(ctx context.Context, c expressstore.Result, ttl time.Duration) (expressstore.Result, bool, error) {
	if err := expressstore.ValidateClaim(c, ttl); err != nil {
		return expressstore.Result{}, false, err
	}
	for range maxClaimAttempts {
		now := s.now()
		expires := now.Add(ttl)
		if expires.After(maxTime) {
			expires = maxTime // a later time has no Unix nanoseconds: it would wrap around into the past
		}
		won, err := s.tryClaim(ctx, c, expires, now)
		if retryable(err) {
			continue // the name's record changed since the claim's snapshot: claim again
		}
		if err != nil {
			return expressstore.Result{}, false, wrap(ctx, "claim execution name "+c.Name, err)
		}
		if won {
			return expressstore.Result{Name: c.Name, JobID: c.JobID, StateMachineARN: c.StateMachineARN,
				InputDigest: c.InputDigest, Owner: c.Owner, ClaimExpires: fromNanos(expires.UnixNano())}, true, nil
		}
		r, err := s.getByName(ctx, c.Name, now)
		if !errors.Is(err, expressstore.ErrNotFound) {
			return r, false, err
		}
		// The claim that beat ours was released or expired since: claim again.
	}
	return expressstore.Result{}, false, fmt.Errorf("sqlstore: claim execution name %s: its record changed %d times in a row", c.Name, maxClaimAttempts)
}

// tryClaim runs the claim statement for c, to expire at expires, as of now,
// and reports whether it won.
//
// On PostgreSQL the statement runs in a REPEATABLE READ transaction, as
// Put's statements do. In READ COMMITTED, a claim that waits for the lock a
// Put holds on the name's row judges the run the Put binds by the snapshot
// it started with, where that run's record is not committed yet, and takes
// the name from it as from a run that is gone: the run would start twice.
// In REPEATABLE READ it fails with a serialization failure instead, and
// Claim tries again with a fresh snapshot.
func (s *Store) tryClaim(ctx context.Context, c expressstore.Result, expires, now time.Time) (bool, error) {
	args := []any{c.Name, c.JobID, c.StateMachineARN, c.InputDigest, c.Owner, expires.UnixNano(), now.UnixNano(),
		s.cutoff(now)}
	if s.txOptions == nil { // SQLite applies one statement under its write lock
		res, err := s.db.ExecContext(ctx, s.q.claim, args...)
		if err != nil {
			return false, err
		}
		n, err := res.RowsAffected()
		return n > 0, err
	}
	tx, err := s.db.BeginTx(ctx, s.txOptions)
	if err != nil {
		return false, err
	}
	defer func() { _ = tx.Rollback() }()
	res, err := tx.ExecContext(ctx, s.q.claim, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	return n > 0, tx.Commit()
}

// Release implements expressstore.Store.
func (s *Store) Release(ctx context.Context, name, owner string) error {
	if expressstore.ValidateText("execution name", name) != nil || expressstore.ValidateText("owner", owner) != nil {
		// No claim can hold it (Claim refuses it), and PostgreSQL would
		// refuse the statement (U+0000).
		return ctx.Err()
	}
	if _, err := s.db.ExecContext(ctx, s.q.release, name, owner); err != nil {
		return wrap(ctx, "release execution name "+name, err)
	}
	return nil
}

// Purge deletes the records of runs that expired (see Options.TTL), the
// names bound to them, and expired claims. It returns how many runs'
// records it deleted.
//
// On PostgreSQL it runs in a REPEATABLE READ transaction, tried again on a
// serialization failure or a deadlock, as Put's are. In READ COMMITTED each
// statement judges by its own snapshot: a run recorded again between the
// statement that deletes the names of expired runs and the one that deletes the
// runs would keep its record and lose its name, which a Claim could then take
// (the key would start a second run). In REPEATABLE READ the second statement
// meets the run recorded since the transaction's snapshot and fails with a
// serialization failure instead, and Purge tries again from a fresh snapshot.
//
// It deletes names (those of expired runs, then expired claims) before
// runs, and Put locks a name's row before its run's, so that neither waits
// for a row the other holds while holding one the other waits for: on
// PostgreSQL such a deadlock ends one of them after deadlock_timeout.
func (s *Store) Purge(ctx context.Context) (int64, error) {
	now := s.now()
	n, err := s.tryPurge(ctx, now)
	for attempt := 1; retryable(err) && attempt < maxClaimAttempts; attempt++ {
		// A Put or a Claim changed a run or a name this purge was deleting
		// since its snapshot: purge again.
		n, err = s.tryPurge(ctx, now)
	}
	return n, err
}

// tryPurge runs the statements of Purge as of now in one transaction.
func (s *Store) tryPurge(ctx context.Context, now time.Time) (int64, error) {
	tx, err := s.db.BeginTx(ctx, s.txOptions)
	if err != nil {
		return 0, wrap(ctx, "begin purge", err)
	}
	defer func() { _ = tx.Rollback() }()
	cutoff := s.cutoff(now)
	if _, err := tx.ExecContext(ctx, s.q.purgeBoundNames, cutoff); err != nil {
		return 0, wrap(ctx, "purge names of expired runs", err)
	}
	if _, err := tx.ExecContext(ctx, s.q.purgeClaims, now.UnixNano()); err != nil {
		return 0, wrap(ctx, "purge expired claims", err)
	}
	if s.purgeHook != nil {
		s.purgeHook()
	}
	res, err := tx.ExecContext(ctx, s.q.purgeRuns, cutoff)
	if err != nil {
		return 0, wrap(ctx, "purge expired runs", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrap(ctx, "purge expired runs", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, wrap(ctx, "commit purge", err)
	}
	return n, nil
}

// purgeIfDue runs Purge when PurgeInterval has passed since the last one
// this Store started. A failed purge is retried after the next interval;
// Put has recorded its run by then, so it does not fail for it.
func (s *Store) purgeIfDue(ctx context.Context, now time.Time) {
	if s.purgeInterval < 0 {
		return
	}
	s.mu.Lock()
	due := s.lastPurged.IsZero() || now.Sub(s.lastPurged) >= s.purgeInterval
	if due {
		s.lastPurged = now
	}
	s.mu.Unlock()
	if due {
		_, _ = s.Purge(ctx)
	}
}

// cutoff returns the newest recorded_at of an expired run at now, in Unix
// nanoseconds: a run lives while it was recorded after the cutoff.
func (s *Store) cutoff(now time.Time) int64 {
	if s.ttl < 0 {
		return math.MinInt64
	}
	return now.Add(-s.ttl).UnixNano()
}

// The range of times a Store records: those of int64 Unix nanoseconds.
var (
	minTime = time.Unix(0, math.MinInt64+1)
	maxTime = time.Unix(0, math.MaxInt64)
)

// toNanos returns t in Unix nanoseconds, 0 for the zero time, or an error
// matching ErrInvalid when t is out of range.
func toNanos(t time.Time, what string) (int64, error) {
	if t.IsZero() {
		return 0, nil
	}
	if t.Before(minTime) || t.After(maxTime) {
		return 0, fmt.Errorf("%w: the %s (%v) is outside the years 1678 to 2262", expressstore.ErrInvalid, what, t)
	}
	return t.UnixNano(), nil
}

// fromNanos returns the UTC time of n Unix nanoseconds, the zero time for 0.
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// wrap wraps err, an error of the database doing what, so that the error of
// ctx is reachable with errors.Is when ctx ended, whatever the driver made
// of it.
func wrap(ctx context.Context, what string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("sqlstore: %s: %w: %w", what, ctxErr, err)
	}
	return fmt.Errorf("sqlstore: %s: %w", what, err)
}
