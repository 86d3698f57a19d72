package sqlstore

import (
	"errors"
	"strings"
)

// retryable reports whether err ended a PostgreSQL transaction that may be
// run again from the start: serialization_failure (SQLSTATE 40001). It
// reads the SQLState method of the driver's error
// (github.com/jackc/pgx/v5/pgconn.PgError), or else PostgreSQL's English
// text for it. UNCONFIRMED: whether drivers
// other than pgx give a SQLState method.
func retryable(err error) bool {
	if err == nil {
		return false
	}
	var coded interface{ SQLState() string }
	if errors.As(err, &coded) {
		return coded.SQLState() == "40001"
	}
	return strings.Contains(err.Error(), "could not serialize access")
}
