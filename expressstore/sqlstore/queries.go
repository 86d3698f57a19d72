package sqlstore

import "strings"

// queries are the statements of a Store, for its dialect and tables.
type queries struct {
	get, getName, putRun, bindName, claim, release string
	purgeBoundNames, purgeRuns, purgeClaims        string
	// putNamedRun is putRun for a run with a name, which it takes as an
	// extra first parameter and whose row (if any) it locks before the
	// run's; "" where the database locks whole tables (SQLite).
	putNamedRun string
}

// runColumns are the columns of a run's record, in the order of Result's
// fields.
const runColumns = `job_id, state_machine_arn, name, input_digest, owner, status, output, error, cause, ` +
	`started_at, stopped_at`

// newQueries returns the statements for the tables of prefix t. In them,
// RUNS and NAMES stand for the two tables.
func newQueries(d Dialect, t string) queries {
	expand := strings.NewReplacer("RUNS", t+"_runs", "NAMES", t+"_names")
	q := func(query string) string { return d.rebind(expand.Replace(query)) }
	// boundRunGone is true of a row of NAMES bound to a run whose record
	// expired (recorded at or before the cutoff given as its parameter) or
	// is gone.
	const boundRunGone = `(NAMES.run_id <> '' AND NOT EXISTS (SELECT 1 FROM RUNS r WHERE r.run_id = NAMES.run_id AND r.recorded_at > ?))`
	// A terminal record is final unless it expired.
	const onRunConflict = `ON CONFLICT (run_id) DO UPDATE SET job_id = excluded.job_id,
	state_machine_arn = excluded.state_machine_arn, name = excluded.name, input_digest = excluded.input_digest,
	owner = excluded.owner, status = excluded.status, output = excluded.output, error = excluded.error,
	cause = excluded.cause, started_at = excluded.started_at, stopped_at = excluded.stopped_at,
	recorded_at = excluded.recorded_at
WHERE RUNS.status NOT IN ('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED') OR RUNS.recorded_at <= ?`
	var putNamedRun string
	if d == Postgres {
		// The subquery of the WHERE, evaluated once before the first row
		// is inserted, locks the name's row before the insert meets the
		// run's: one statement, where a SELECT ... FOR UPDATE of its own
		// would cost a round trip. The values are cast, as those of a
		// SELECT have no type of their own.
		putNamedRun = q(`WITH name_lock AS (SELECT 1 FROM NAMES WHERE name = ? FOR UPDATE)
INSERT INTO RUNS (run_id, ` + runColumns + `, recorded_at)
SELECT * FROM (VALUES (?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::bytea, ?::bytea,
	?::bytea, ?::bigint, ?::bigint, ?::bigint)) AS v
WHERE (SELECT COUNT(*) FROM name_lock) >= 0
` + onRunConflict)
	}
	return queries{
		putNamedRun: putNamedRun,

		get: q(`SELECT ` + runColumns + ` FROM RUNS WHERE run_id = ? AND recorded_at > ?`),

		getName: q(`SELECT run_id, job_id, state_machine_arn, input_digest, owner, claim_expires FROM NAMES WHERE name = ?`),

		putRun: q(`INSERT INTO RUNS (run_id, ` + runColumns + `, recorded_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
` + onRunConflict),

		// A name is bound to the run when free, pending, or bound to a run
		// that is gone.
		bindName: q(`INSERT INTO NAMES (name, run_id, job_id, state_machine_arn, input_digest, owner, claim_expires)
VALUES (?, ?, ?, ?, ?, ?, 0)
ON CONFLICT (name) DO UPDATE SET run_id = excluded.run_id, job_id = excluded.job_id,
	state_machine_arn = excluded.state_machine_arn, input_digest = excluded.input_digest, owner = excluded.owner,
	claim_expires = 0
WHERE NAMES.run_id = '' OR ` + boundRunGone),

		// A name is claimed when free, when its claim expired, or when the
		// run it is bound to is gone.
		claim: q(`INSERT INTO NAMES (name, run_id, job_id, state_machine_arn, input_digest, owner, claim_expires)
VALUES (?, '', ?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET run_id = '', job_id = excluded.job_id,
	state_machine_arn = excluded.state_machine_arn, input_digest = excluded.input_digest, owner = excluded.owner,
	claim_expires = excluded.claim_expires
WHERE (NAMES.run_id = '' AND NAMES.claim_expires <= ?) OR ` + boundRunGone),

		release: q(`DELETE FROM NAMES WHERE name = ? AND run_id = '' AND owner = ?`),

		purgeBoundNames: q(`DELETE FROM NAMES WHERE run_id IN (SELECT run_id FROM RUNS WHERE recorded_at <= ?)`),
		purgeRuns:       q(`DELETE FROM RUNS WHERE recorded_at <= ?`),
		purgeClaims:     q(`DELETE FROM NAMES WHERE run_id = '' AND claim_expires <= ?`),
	}
}
