package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// codedError is a driver error with SQLite's result code, as
// modernc.org/sqlite's errors have.
type codedError int

func (e codedError) Error() string { return fmt.Sprintf("sqlite error %d", int(e)) }
func (e codedError) Code() int     { return int(e) }

func TestSQLiteBusy(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{codedError(5), true},
		{fmt.Errorf("open: %w", codedError(517)), true}, // SQLITE_BUSY_SNAPSHOT
		{codedError(6), false},                          // SQLITE_LOCKED
		{errors.New("database is locked"), true},
		{errors.New("no such table: x"), false},
	} {
		if got := sqliteBusy(tt.err); got != tt.want {
			t.Errorf("sqliteBusy(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// TestRetrySQLiteBusy checks that a busy statement is tried again until it
// succeeds, that another error ends the tries at once, and that an ended ctx
// stops them.
func TestRetrySQLiteBusy(t *testing.T) {
	calls := 0
	err := retrySQLiteBusy(context.Background(), func() error {
		if calls++; calls < 3 {
			return codedError(5)
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Errorf("busy twice: err = %v after %d calls, want nil after 3", err, calls)
	}
	calls = 0
	other := errors.New("no such table: x")
	if err := retrySQLiteBusy(context.Background(), func() error { calls++; return other }); err != other || calls != 1 {
		t.Errorf("another error: err = %v after %d calls, want it after 1", err, calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls = 0
	if err := retrySQLiteBusy(ctx, func() error { calls++; return codedError(5) }); !errors.Is(err, codedError(5)) || calls != 1 {
		t.Errorf("ended ctx: err = %v after %d calls, want SQLITE_BUSY after 1", err, calls)
	}
}
