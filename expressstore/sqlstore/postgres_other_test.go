//go:build !linux

package sqlstore_test

import "testing"

// startPostgres skips t: the harness that starts a PostgreSQL server is
// written for Linux.
func startPostgres(t testing.TB) (url, serverLog string) {
	t.Helper()
	t.Skip("PostgreSQL tests skipped: the test server harness runs on Linux only")
	return "", ""
}
