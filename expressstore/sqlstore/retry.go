package sqlstore

import (
	"errors"
	"strings"
)

// retryable reports whether err ended a PostgreSQL transaction that may be run
// again from the start: serialization_failure (SQLSTATE 40001) or
// deadlock_detected (40P01), which PostgreSQL's documentation ("Serialization
// Failure Handling") names as the failures to retry. It reads the SQLState
// method of the driver's error (github.com/jackc/pgx/v5/pgconn.PgError), or
// else PostgreSQL's English text for them. UNCONFIRMED: whether drivers other
// than pgx give a SQLState method.
func retryable(err error) bool {
	if err == nil {
		return false
	}
	var coded interface{ SQLState() string }
	if errors.As(err, &coded) {
		switch coded.SQLState() {
		case "40001", "40P01":
			return true
		}
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "could not serialize access") || strings.Contains(msg, "deadlock detected")
}
