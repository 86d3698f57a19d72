package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/polysync/stepfunctions/expressstore"
	"github.com/polysync/stepfunctions/expressstore/sqlstore"
	"github.com/polysync/stepfunctions/internal/testkit"
)

// requirePostgresEnv names the environment variable that turns the skip of
// the PostgreSQL tests (no server installed, or one that cannot run) into a
// failure; .ci/run sets it once it has installed PostgreSQL.
const requirePostgresEnv = "SQLSTORE_REQUIRE_POSTGRES"

// skipPostgres skips t for a reason PostgreSQL cannot be used here, or
// fails it when requirePostgresEnv is set.
func skipPostgres(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv(requirePostgresEnv) != "" {
		t.Fatalf("PostgreSQL tests cannot run, and %s is set: %s", requirePostgresEnv, msg)
	}
	t.Skip("PostgreSQL tests skipped: " + msg)
}

// postgresBin returns the directory of the newest PostgreSQL server found
// under /usr/lib/postgresql (Debian's layout) or on PATH.
func postgresBin() (string, bool) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { // newest major version first
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	if initdb, err := exec.LookPath("initdb"); err == nil {
		dirs = append(dirs, filepath.Dir(initdb))
	}
	for _, dir := range dirs {
		if isExecutable(filepath.Join(dir, "initdb")) && isExecutable(filepath.Join(dir, "postgres")) {
			return dir, true
		}
	}
	return "", false
}

// isExecutable reports whether path is an executable file.
func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// startPostgres starts a throwaway PostgreSQL cluster on 127.0.0.1 and a
// free port, and returns the URL of its "postgres" database and the path of
// the server's log. The cluster is stopped and its files removed when t
// ends, whether it passed or not.
//
// PostgreSQL refuses to run as root: under root the cluster belongs to the
// postgres user, and initdb and the server run with its credentials. The
// server gets SIGINT (fast shutdown) should the test process die first.
func startPostgres(t testing.TB) (url, serverLog string) {
	t.Helper()
	bin, ok := postgresBin()
	if !ok {
		skipPostgres(t, "no initdb and postgres under /usr/lib/postgresql/*/bin or on PATH "+
			"(install Debian's postgresql package, as .ci/run does)")
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			skipPostgres(t, "running as root, and there is no postgres user to run the server as: %v", err)
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}

	dir, err := os.MkdirTemp("", "sqlstore-postgres-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	password := rand.Text()
	pwfile := filepath.Join(dir, "password")
	if err := os.WriteFile(pwfile, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if cred != nil {
		for _, p := range []string{dir, pwfile} {
			if err := os.Chown(p, int(cred.Uid), int(cred.Gid)); err != nil {
				t.Fatal(err)
			}
		}
	}
	data := filepath.Join(dir, "data")
	initdb := pgCommand(bin, "initdb", dir, cred, "-D", data, "-U", "polysync", "--pwfile="+pwfile,
		"--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		skipPostgres(t, "%s/initdb cannot create a cluster: %v\n%s", bin, err, out)
	}

	var lastErr error
	for range 3 { // a port found free can be taken before the server binds it
		port, err := testkit.FreePort()
		if err != nil {
			t.Fatal(err)
		}
		url := fmt.Sprintf("postgres://polysync:%s@127.0.0.1:%d/postgres?sslmode=disable", password, port)
		logPath := filepath.Join(dir, fmt.Sprintf("server-%d.log", port))
		if lastErr = runPostgres(t, bin, dir, data, port, cred, url, logPath); lastErr == nil {
			return url, logPath
		}
	}
	skipPostgres(t, "%s/postgres does not start: %v", bin, lastErr)
	return "", ""
}

// runPostgres starts the server of the cluster in data on port, logging to
// logPath, and waits until url answers, registering its shutdown with
// t.Cleanup.
func runPostgres(t testing.TB, bin, dir, data string, port int, cred *syscall.Credential, url, logPath string) error {
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	srv := pgCommand(bin, "postgres", dir, cred, "-D", data, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	srv.Stdout, srv.Stderr = logFile, logFile
	srv.SysProcAttr.Pdeathsig = syscall.SIGINT
	if err := srv.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { _ = srv.Wait(); close(exited) }()
	stop := func() {
		_ = srv.Process.Signal(syscall.SIGINT) // fast shutdown
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = srv.Process.Kill()
			<-exited
		}
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		stop()
		return err
	}
	defer db.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err = db.PingContext(ctx)
		cancel()
		if err == nil {
			t.Cleanup(func() {
				stop()
				if t.Failed() {
					if log, err := os.ReadFile(logPath); err == nil {
						t.Logf("PostgreSQL server log:\n%s", log)
					}
				}
			})
			return nil
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(logPath)
			return fmt.Errorf("the server exited: %s", strings.TrimSpace(string(log)))
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return fmt.Errorf("the server does not answer on 127.0.0.1:%d after 60s: %w", port, err)
		}
	}
}

// pgCommand returns the command running PostgreSQL's program name from bin
// in dir, with cred's identity when not nil.
func pgCommand(bin, name, dir string, cred *syscall.Credential, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(bin, name), args...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + bin + ":/usr/bin:/bin", "LC_ALL=C", "TZ=UTC"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	return cmd
}

// TestPostgresDuringPut checks a Claim, and a Put of another run of the same
// name, that meet the name's row while the winner's Put holds it: once the
// Put commits, each must find the name bound to the winner's run, not take
// it over as if that run were gone because their statement started before
// the run's record was committed.
func TestPostgresDuringPut(t *testing.T) {
	databases := postgresDatabases(t)
	for _, tc := range []struct {
		name string
		// contend claims or binds the name held and returns an error when it
		// took the name.
		contend func(ctx context.Context, s *sqlstore.Store) error
	}{
		{"Claim", func(ctx context.Context, s *sqlstore.Store) error {
			rec, won, err := s.Claim(ctx, expressstore.Result{Name: "held", Owner: "loser"}, time.Hour)
			if err != nil || won || rec.RunID != result("held").RunID {
				return fmt.Errorf("Claim = %+v, won %v, %v; want run %s, lost", rec, won, err, result("held").RunID)
			}
			return nil
		}},
		{"Put", func(ctx context.Context, s *sqlstore.Store) error {
			other := result("held")
			other.RunID += "-late"
			return s.Put(ctx, other)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db := databases(t)
			s := db.newStore(t, func(o *sqlstore.Options) { o.PurgeInterval = -1 })
			if _, won, err := s.Claim(ctx, expressstore.Result{Name: "held", Owner: "winner"}, time.Hour); err != nil || !won {
				t.Fatalf("Claim = won %v, %v; want won", won, err)
			}
			// The winner's Put, paused before its commit: the statements Put
			// runs.
			r := result("held")
			tx, err := db.b.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = tx.Rollback() }()
			if _, err := tx.Exec(`INSERT INTO `+db.table+`_runs (run_id, job_id, state_machine_arn, name, input_digest,
	owner, status, output, error, cause, started_at, stopped_at, recorded_at) VALUES ($1, '', '', $2, '', 'winner', $3,
	''::bytea, ''::bytea, ''::bytea, 0, 0, $4)`, r.RunID, r.Name, r.Status, time.Now().UnixNano()); err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(`UPDATE `+db.table+`_names SET run_id = $1, claim_expires = 0 WHERE name = $2`,
				r.RunID, r.Name); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- tc.contend(ctx, s) }()
			// Wait until the contender waits for the Put's lock on the
			// name's row.
			awaitLockWait(t, db.b, db.table+"_names", "the "+tc.name, done)
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := <-done; err != nil {
				t.Errorf("during the winner's Put: %v", err)
			}
			if got, err := s.GetByName(ctx, "held"); err != nil || got.RunID != r.RunID {
				t.Fatalf("GetByName after the race = %+v, %v; want run %s", got, err, r.RunID)
			}
		})
	}
}

// TestPostgresPurgeDuringPut records an expired run again (by run ID alone,
// as a status lookup that read its end from the logs does) from another
// replica while a Purge runs, between the Purge's deletion of the names of
// expired runs and that of the runs: the run lives on, so its name must stay
// bound to it, or a Claim of the name would win and start the key again.
func TestPostgresPurgeDuringPut(t *testing.T) {
	ctx := context.Background()
	db := postgresDatabases(t)(t)
	purger, putter, r := expiredOnTwoReplicas(t, db)
	again := r
	again.Name = ""
	hooked := 0
	sqlstore.SetPurgeHook(purger, func() {
		if hooked++; hooked == 1 {
			if err := putter.Put(ctx, again); err != nil {
				t.Errorf("Put during the purge: %v", err)
			}
		}
	})
	n, err := purger.Purge(ctx)
	if err != nil || n != 0 {
		t.Errorf("Purge while the run was recorded again = %d, %v; want 0 runs purged", n, err)
	}
	if got, err := purger.Get(ctx, r.RunID); err != nil || got.RunID != r.RunID {
		t.Errorf("Get after the purge = %+v, %v; want the run", got, err)
	}
	if got, err := purger.GetByName(ctx, "again"); err != nil || got.RunID != r.RunID {
		t.Errorf("GetByName after the purge = %+v, %v; want the run, still bound to its name", got, err)
	}
	if rec, won, err := purger.Claim(ctx, expressstore.Result{Name: "again", Owner: "other"}, time.Hour); err != nil ||
		won || rec.RunID != r.RunID {
		t.Errorf("Claim after the purge = %+v, won %v, %v; want run %s, lost", rec, won, err, r.RunID)
	}
}

// awaitLockWait returns once a session of the server of pool waits for a
// lock in a statement naming table, and fails t when who, the goroutine
// meant to wait, ends first (sending on done) or never waits. PostgreSQL
// says so only through pg_stat_activity, which is polled.
func awaitLockWait(t testing.TB, pool *sql.DB, table, who string, done <-chan error) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		var waiting int
		if err := pool.QueryRow(`SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'
	AND query LIKE '%'||$1||'%'`, table).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never waited for a lock in a statement on %s", who, table)
		}
		select {
		case err := <-done:
			t.Fatalf("%s returned before waiting for a lock in a statement on %s: %v", who, table, err)
		case <-time.After(10 * time.Millisecond):
		}
	}
}
