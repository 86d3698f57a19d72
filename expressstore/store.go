// Package expressstore keeps the results of Express runs, so that a run's
// status can be answered after StartSyncExecution returned it, by another
// replica of the host, or after a restart.
//
// Step Functions keeps no record of an Express execution that its API can
// read back: DescribeExecution refuses Express ARNs, and the result is
// otherwise only in the state machine's CloudWatch Logs. A Store holds each
// run's Result by run ID (the execution ARN) and by execution name, and lets
// the starters of idempotent runs agree on which of them starts the
// execution: Step Functions does not deduplicate Express names, so two
// replicas starting the same idempotency key would otherwise run it twice.
//
// # Implementations
//
// NewMemory returns the bounded in-memory Store, the default, which serves
// one process. Package sqlstore holds results in a PostgreSQL or SQLite
// database that a host's replicas share. Package storetest is the
// conformance suite that every implementation passes; its Run function is
// the executable form of the contract written here.
//
// # Idempotent starts
//
// A starter derives the execution name from the idempotency key, then:
//
//  1. Claims the name with Claim. The one caller that wins starts the
//     execution; every other caller gets the winner's record: a pending
//     claim (RunID empty) or the run the name is bound to.
//  2. The winner records the run with Put (the Result's Name bound to the
//     claimed name), which replaces the pending claim, or gives the claim up
//     with Release if the start failed before anything ran.
//  3. A loser compares InputDigest with its own (a different digest is an
//     idempotency conflict) and, while the record is pending, claims again
//     after a pause: it gets the run once the winner records it, or wins
//     itself once the claim expired (its starter died) or was released.
//     ClaimOrWait does steps 1 and 3.
package expressstore

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"
)

// Store holds the results of Express runs by run ID and by execution name.
// Implementations must be safe for concurrent use by many goroutines, and a
// store shared between processes must keep these rules across them.
//
// Errors: Get and GetByName return an error for which errors.Is(err,
// ErrNotFound) reports true when no live record exists; a method given an
// invalid argument returns an error matching ErrInvalid and changes
// nothing (a run ID or a name that is not text, see ValidateText, is
// refused by Put and Claim, not found by Get and GetByName, and released by
// Release as a name not pending). A method called with a ctx that is
// already done returns an error matching ctx.Err() and changes nothing;
// when ctx ends while the method works, the error matches ctx.Err() too,
// and the change may or may not have been made. Errors of the underlying storage are wrapped, so
// errors.As reaches them.
type Store interface {
	// Get returns the record of the run runID. A pending claim has no run
	// ID, so Get never returns one.
	Get(ctx context.Context, runID string) (Result, error)

	// GetByName returns the record the execution name refers to: the run
	// bound to it or, while the name is claimed and no run is recorded yet,
	// the pending claim (RunID empty, ClaimExpires set). A claim past its
	// ClaimExpires is treated as absent.
	GetByName(ctx context.Context, name string) (Result, error)

	// Put records a run. r.RunID and r.Status are required; ClaimExpires is
	// not stored (it is zero on a run's record). Put replaces the run's
	// earlier record, except that a terminal record (see Result.Terminal) is
	// final: a later Put of the same run ID leaves it unchanged and returns
	// nil, so that replicas recording the same run in any order agree.
	//
	// When r.Name is set, Put binds the name to the run if the name is free
	// or pending (a claim by any owner, expired or not, is replaced). A name
	// already bound to another run keeps that run: one name, once bound,
	// refers to one run until that run's record is gone; r is still recorded
	// under its run ID. A run recorded again under another name is bound to
	// that name as well, by the same rule, and stays bound to those it had.
	Put(ctx context.Context, r Result) error

	// Claim asks for the right to start the execution named c.Name, for ttl.
	// c.Name, c.Owner and a positive ttl are required and c.RunID must be
	// empty; Name, JobID, StateMachineARN, InputDigest and Owner are kept
	// with the claim for the losers to compare, and its other fields are
	// ignored.
	//
	// When the name is free, or its claim has expired, or the run it was
	// bound to is gone, exactly one of any number of concurrent callers
	// wins: Claim records the pending claim (c with ClaimExpires set to now
	// plus ttl) and returns it with won true. Every other caller gets the
	// current record of the name (the winner's pending claim or the run the
	// name is bound to) with won false.
	//
	// A claim does not renew itself: ttl must cover the longest start (an
	// Express run lasts at most 5 minutes) with room for clock differences
	// between the replicas sharing the store.
	Claim(ctx context.Context, c Result, ttl time.Duration) (rec Result, won bool, err error)

	// Release gives up owner's pending claim of name, so that the next Claim
	// wins at once. It does nothing, and returns nil, when the name is not
	// pending or its claim belongs to another owner.
	Release(ctx context.Context, name, owner string) error
}

// ErrNotFound means that the store holds no live record for the run ID or
// name asked for.
var ErrNotFound = errors.New("express result not found")

// ErrInvalid means that a Store method was given an argument it cannot
// accept, such as a Result without a run ID.
var ErrInvalid = errors.New("invalid express result")

// The status of a run, as Step Functions names it.
const (
	StatusRunning   = "RUNNING"
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
	StatusTimedOut  = "TIMED_OUT"
	StatusAborted   = "ABORTED"
)

// Result is the record of an Express run, or of a pending claim of an
// execution name (see Store.Claim).
type Result struct {
	// RunID is the execution ARN; empty on a pending claim.
	RunID string
	// JobID is the job the run was started for: the state machine ARN the
	// caller gave, which may name a version or an alias.
	JobID string
	// StateMachineARN is the unqualified ARN of the state machine that ran
	// the execution, where its CloudWatch Logs configuration is found.
	StateMachineARN string
	// Name is the execution name.
	Name string
	// InputDigest is a fingerprint of the run's input, such as a hex SHA-256,
	// compared by the starters of an idempotent run to detect a key reused
	// with a different input. Stores keep it and compare nothing.
	InputDigest string
	// Owner identifies who claimed or started the run, such as a replica's
	// host name and process ID; Release matches it.
	Owner string
	// Status is RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED; empty on a
	// pending claim.
	Status string
	// Output is the execution's output (JSON) when it succeeded. Stores keep
	// Output, Error and Cause byte for byte, whatever bytes they hold.
	Output string
	// Error and Cause are the execution's error name and cause when it did
	// not succeed.
	Error, Cause string
	// StartedAt and StoppedAt are the execution's start and stop times;
	// StoppedAt is zero while it runs.
	StartedAt, StoppedAt time.Time
	// ClaimExpires is when a pending claim expires; zero on a run's record.
	ClaimExpires time.Time
}

// Pending reports whether r is a pending claim: an execution name claimed
// for a start whose run is not recorded yet.
func (r Result) Pending() bool { return r.RunID == "" }

// Terminal reports whether r records a run that has ended: its status is
// SUCCEEDED, FAILED, TIMED_OUT or ABORTED.
func (r Result) Terminal() bool {
	switch r.Status {
	case StatusSucceeded, StatusFailed, StatusTimedOut, StatusAborted:
		return true
	}
	return false
}

// Size is what r counts against a byte bound such as the memory store's
// MaxBytes: the length of its variable-length fields.
func (r Result) Size() int {
	return len(r.RunID) + len(r.JobID) + len(r.StateMachineARN) + len(r.Name) + len(r.InputDigest) +
		len(r.Owner) + len(r.Status) + len(r.Output) + len(r.Error) + len(r.Cause)
}

// ValidateRun returns an error matching ErrInvalid when r cannot be recorded
// by Store.Put: it has no run ID or no status, or one of its text fields
// (all but Output, Error and Cause) is not text (see ValidateText).
// Implementations call it so that all apply the same rules.
func ValidateRun(r Result) error {
	switch {
	case r.RunID == "":
		return invalid("a run's record needs a run ID")
	case r.Status == "":
		return invalid("the record of run %s has no status", r.RunID)
	}
	return validateFields(r)
}

// validateFields checks the text fields of r with ValidateText.
func validateFields(r Result) error {
	for _, f := range []struct{ field, value string }{
		{"run ID", r.RunID}, {"execution name", r.Name}, {"job ID", r.JobID},
		{"state machine ARN", r.StateMachineARN}, {"input digest", r.InputDigest}, {"owner", r.Owner},
		{"status", r.Status},
	} {
		if err := ValidateText(f.field, f.value); err != nil {
			return err
		}
	}
	return nil
}

// ValidateText returns an error matching ErrInvalid, naming field, when
// value cannot be a text field of a Result (a run ID, an execution name, an
// owner...): it is not valid UTF-8 or holds a control character (U+0000 to
// U+001F, U+007F to U+009F). Step Functions allows neither in execution
// names nor in ARNs, and PostgreSQL refuses U+0000 in text, so every Store
// refuses such a record or claim the same way. A lookup of such a run ID or
// name (Get, GetByName) answers ErrNotFound, since nothing can be recorded
// under it, and Release of such a name does nothing.
func ValidateText(field, value string) error {
	if !utf8.ValidString(value) {
		return invalid("the %s %q is not valid UTF-8", field, value)
	}
	for i, c := range value {
		if unicode.IsControl(c) {
			return invalid("the %s %q holds the control character %U at byte %d", field, value, c, i)
		}
	}
	return nil
}

// ValidateClaim returns an error matching ErrInvalid when c and ttl cannot
// be given to Store.Claim: c has no name or owner, has a run ID, or one of
// its text fields is not text (see ValidateText), or ttl is not positive.
// Implementations call it so that all apply the same rules.
func ValidateClaim(c Result, ttl time.Duration) error {
	switch {
	case c.Name == "":
		return invalid("a claim needs an execution name")
	case c.Owner == "":
		return invalid("the claim of %s needs an owner", c.Name)
	case c.RunID != "":
		return invalid("the claim of %s has a run ID; record a run with Put", c.Name)
	case ttl <= 0:
		return invalid("the claim of %s needs a positive time to live, not %v", c.Name, ttl)
	}
	return validateFields(c)
}

// invalid returns an error matching ErrInvalid.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
