package sqlstore

import (
	"errors"
	"fmt"
	"testing"
)

// stateError is a driver error with a SQLSTATE, as pgx's are.
type stateError string

func (e stateError) Error() string    { return "ERROR: something (SQLSTATE " + string(e) + ")" }
func (e stateError) SQLState() string { return string(e) }

func TestRetryable(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{stateError("40001"), true}, // serialization_failure
		{fmt.Errorf("record run x: %w", stateError("40P01")), true}, // deadlock_detected
		{stateError("23505"), false},                                // unique_violation
		{stateError("40002"), false},                                // transaction_integrity_constraint_violation
		{errors.New("pq: could not serialize access due to concurrent update"), true},
		{errors.New("pq: deadlock detected"), true},
		{errors.New("pq: relation \"x\" does not exist"), false},
	} {
		if got := retryable(tt.err); got != tt.want {
			t.Errorf("retryable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
