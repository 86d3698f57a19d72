// Package storetest is the conformance suite of expressstore.Store: every
// implementation's tests call Run, and those of a store that several
// processes share call RunShared too.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) expressstore.Store {
//			return mystore.New(...) // empty, cleaned up with t.Cleanup
//		})
//	}
//
// The suite checks the contract written in the expressstore package: get
// and put by run ID and by name, the overwrite and binding rules,
// not-found and invalid arguments, claims (one winner among many
// concurrent claimants, release, expiry), large outputs kept byte for byte,
// and context cancellation.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/polysync/stepfunctions/expressstore"
)

// Run runs the conformance suite. newStore must return an empty store each
// time it is called (each subtest calls it once) and release it with
// t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) expressstore.Store) {
	t.Helper()
	for _, tc := range []struct {
		name string
		test func(*testing.T, expressstore.Store)
	}{
		{"NotFound", testNotFound},
		{"PutGet", testPutGet},
		{"Invalid", testInvalid},
		{"NotText", testNotText},
		{"Overwrite", testOverwrite},
		{"NameKeepsFirstRun", testNameKeepsFirstRun},
		{"RenamedRun", testRenamedRun},
		{"Claim", testClaim},
		{"Release", testRelease},
		{"ClaimExpiry", testClaimExpiry},
		{"ClaimLongTTL", testClaimLongTTL},
		{"ConcurrentClaims", testConcurrentClaims},
		{"ConcurrentPuts", testConcurrentPuts},
		{"PutRacesClaims", testPutRacesClaims},
		{"LargeOutput", testLargeOutput},
		{"ContextCanceled", testContextCanceled},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.test(t, newStore(t)) })
	}
}

// RunShared runs the checks of a store shared between processes. newStores
// must return two stores on the same empty data, as two replicas of a host
// would open them (for a database, two connection pools), and release them
// with t.Cleanup.
func RunShared(t *testing.T, newStores func(t *testing.T) (a, b expressstore.Store)) {
	t.Helper()
	t.Run("PutVisible", func(t *testing.T) {
		a, b := newStores(t)
		ctx := context.Background()
		r := run("arn:aws:states:us-east-1:123456789012:express:orders:shared:1", "shared", expressstore.StatusSucceeded)
		mustPut(t, a, r)
		checkGet(t, b, r)
		checkGetByName(t, b, r.Name, r)
		c, won, err := b.Claim(ctx, claim("shared", "replica-b"), time.Hour)
		if err != nil || won || c.RunID != r.RunID {
			t.Fatalf("Claim on the second replica of a name recorded by the first = %s, won %v, %v; want run %s, lost",
				describe(c), won, err, r.RunID)
		}
	})
	t.Run("ConcurrentClaims", func(t *testing.T) {
		a, b := newStores(t)
		claimRace(t, []expressstore.Store{a, b}, 32)
	})
	t.Run("Release", func(t *testing.T) {
		a, b := newStores(t)
		ctx := context.Background()
		if _, won, err := a.Claim(ctx, claim("released", "replica-a"), time.Hour); err != nil || !won {
			t.Fatalf("Claim = won %v, %v; want won", won, err)
		}
		if err := b.Release(ctx, "released", "replica-a"); err != nil {
			t.Fatalf("Release: %v", err)
		}
		if _, won, err := b.Claim(ctx, claim("released", "replica-b"), time.Hour); err != nil || !won {
			t.Fatalf("Claim after the first replica's claim was released on the second = won %v, %v; want won", won, err)
		}
	})
}

// testNotFound checks ErrNotFound for absent run IDs and names.
func testNotFound(t *testing.T, s expressstore.Store) {
	ctx := context.Background()
	for _, id := range []string{"arn:aws:states:us-east-1:123456789012:express:orders:absent:1", ""} {
		if r, err := s.Get(ctx, id); !errors.Is(err, expressstore.ErrNotFound) {
			t.Errorf("Get(%q) = %s, %v; want ErrNotFound", id, describe(r), err)
		}
	}
	for _, name := range []string{"absent", ""} {
		if r, err := s.GetByName(ctx, name); !errors.Is(err, expressstore.ErrNotFound) {
			t.Errorf("GetByName(%q) = %s, %v; want ErrNotFound", name, describe(r), err)
		}
	}
	// A run recorded without a name is not found by the empty name.
	mustPut(t, s, run("arn:aws:states:us-east-1:123456789012:express:orders:x:1", "", expressstore.StatusRunning))
	if r, err := s.GetByName(ctx, ""); !errors.Is(err, expressstore.ErrNotFound) {
		t.Errorf("GetByName(\"\") after a Put without a name = %s, %v; want ErrNotFound", describe(r), err)
	}
}

// testPutGet checks that every field round-trips, by run ID and by name.
func testPutGet(t *testing.T, s expressstore.Store) {
	r := run("arn:aws:states:us-east-1:123456789012:express:orders:n1:9f0c", "n1", expressstore.StatusFailed)
	r.Output, r.Error, r.Cause = "", "States.TaskFailed", "the task failed"
	r.ClaimExpires = time.Now().Add(time.Hour) // not stored on a run's record
	mustPut(t, s, r)
	want := r
	want.ClaimExpires = time.Time{}
	checkGet(t, s, want)
	checkGetByName(t, s, "n1", want)

	running := run("arn:aws:states:us-east-1:123456789012:express:orders:n2:77aa", "n2", expressstore.StatusRunning)
	running.StoppedAt = time.Time{}
	mustPut(t, s, running)
	checkGet(t, s, running)
}

// testInvalid checks that invalid arguments are refused with ErrInvalid and
// change nothing.
func testInvalid(t *testing.T, s expressstore.Store) {
	ctx := context.Background()
	noID := run("", "n", expressstore.StatusSucceeded)
	if err := s.Put(ctx, noID); !errors.Is(err, expressstore.ErrInvalid) {
		t.Errorf("Put of a record without a run ID = %v, want ErrInvalid", err)
	}
	noStatus := run("arn:aws:states:us-east-1:123456789012:express:orders:n:1", "n", "")
	if err := s.Put(ctx, noStatus); !errors.Is(err, expressstore.ErrInvalid) {
		t.Errorf("Put of a record without a status = %v, want ErrInvalid", err)
	}
	if _, err := s.GetByName(ctx, "n"); !errors.Is(err, expressstore.ErrNotFound) {
		t.Errorf("GetByName after refused Puts = %v, want ErrNotFound", err)
	}
	withRunID := claim("n", "o")
	withRunID.RunID = "arn:aws:states:us-east-1:123456789012:express:orders:n:1"
	for _, tc := range []struct {
		what string
		c    expressstore.Result
		ttl  time.Duration
	}{
		{"without a name", claim("", "o"), time.Minute},
		{"without an owner", claim("n", ""), time.Minute},
		{"with a run ID", withRunID, time.Minute},
		{"with a zero time to live", claim("n", "o"), 0},
		{"with a negative time to live", claim("n", "o"), -time.Minute},
	} {
		if _, won, err := s.Claim(ctx, tc.c, tc.ttl); !errors.Is(err, expressstore.ErrInvalid) || won {
			t.Errorf("Claim %s = won %v, %v; want ErrInvalid", tc.what, won, err)
		}
	}
	if _, err := s.GetByName(ctx, "n"); !errors.Is(err, expressstore.ErrNotFound) {
		t.Errorf("GetByName after refused claims = %v, want ErrNotFound", err)
	}
}

// testNotText checks that a run ID, name or other text field that is not
// valid UTF-8 or holds a control character is refused by Put and Claim with
// an ErrInvalid naming the field, is not found by Get and GetByName, and is
// released as a name not pending; Output, Error and Cause are bytes, and
// take any (see testLargeOutput).
func testNotText(t *testing.T, s expressstore.Store) {
	ctx := context.Background()
	good := run("arn:aws:states:us-east-1:123456789012:express:orders:text:1", "text", expressstore.StatusSucceeded)
	for _, tc := range []struct {
		field string
		set   func(*expressstore.Result, string)
	}{
		{"run ID", func(r *expressstore.Result, v string) { r.RunID = v }},
		{"execution name", func(r *expressstore.Result, v string) { r.Name = v }},
		{"job ID", func(r *expressstore.Result, v string) { r.JobID = v }},
		{"state machine ARN", func(r *expressstore.Result, v string) { r.StateMachineARN = v }},
		{"input digest", func(r *expressstore.Result, v string) { r.InputDigest = v }},
		{"owner", func(r *expressstore.Result, v string) { r.Owner = v }},
		{"status", func(r *expressstore.Result, v string) { r.Status = v }},
	} {
		for _, bad := range []string{"nul\x00byte", "tab\there", "c1\u0085next", "latin1\xe9"} {
			r := good
			tc.set(&r, bad)
			err := s.Put(ctx, r)
			if !errors.Is(err, expressstore.ErrInvalid) || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("Put with the %s %q = %v; want ErrInvalid naming the %s", tc.field, bad, err, tc.field)
			}
			if tc.field == "run ID" || tc.field == "status" {
				continue // a claim has neither
			}
			c := claim("text", "replica-a")
			tc.set(&c, bad)
			if _, won, err := s.Claim(ctx, c, time.Hour); !errors.Is(err, expressstore.ErrInvalid) || won ||
				!strings.Contains(err.Error(), tc.field) {
				t.Errorf("Claim with the %s %q = won %v, %v; want ErrInvalid naming the %s", tc.field, bad, won, err, tc.field)
			}
		}
	}
	for _, bad := range []string{"nul\x00byte", "latin1\xe9"} {
		if got, err := s.Get(ctx, bad); !errors.Is(err, expressstore.ErrNotFound) {
			t.Errorf("Get(%q) = %s, %v; want ErrNotFound", bad, describe(got), err)
		}
		if got, err := s.GetByName(ctx, bad); !errors.Is(err, expressstore.ErrNotFound) {
			t.Errorf("GetByName(%q) = %s, %v; want ErrNotFound", bad, describe(got), err)
		}
		if err := s.Release(ctx, bad, "replica-a"); err != nil {
			t.Errorf("Release(%q) = %v, want nil", bad, err)
		}
		if err := s.Release(ctx, "text", bad); err != nil {
			t.Errorf("Release(\"text\", owner %q) = %v, want nil", bad, err)
		}
	}
	for _, name := range []string{"text", "nul"} {
		if got, err := s.GetByName(ctx, name); !errors.Is(err, expressstore.ErrNotFound) {
			t.Errorf("GetByName(%q) after refused Puts and claims = %s, %v; want ErrNotFound", name, describe(got), err)
		}
	}
	if got, err := s.Get(ctx, good.RunID); !errors.Is(err, expressstore.ErrNotFound) {
		t.Errorf("Get after refused Puts = %s, %v; want ErrNotFound", describe(got), err)
	}
	good.Name = "ünïcødé-😀" // text beyond ASCII is text
	mustPut(t, s, good)
	checkGetByName(t, s, good.Name, good)
}

// testOverwrite checks that a running record is replaced and a terminal one
// is final.
func testOverwrite(t *testing.T, s expressstore.Store) {
	id := "arn:aws:states:us-east-1:123456789012:express:orders:ow:1"
	running := run(id, "ow", expressstore.StatusRunning)
	running.StoppedAt, running.Output = time.Time{}, ""
	mustPut(t, s, running)
	running.Owner = "replica-2" // a second RUNNING record replaces the first
	mustPut(t, s, running)
	checkGet(t, s, running)

	done := run(id, "ow", expressstore.StatusSucceeded)
	mustPut(t, s, done)
	checkGet(t, s, done)
	checkGetByName(t, s, "ow", done)

	mustPut(t, s, running) // late: must not undo the result
	failed := run(id, "ow", expressstore.StatusFailed)
	failed.Error = "States.Timeout"
	mustPut(t, s, failed) // a terminal record is final
	checkGet(t, s, done)
	checkGetByName(t, s, "ow", done)
}

// testNameKeepsFirstRun checks the binding of a name to the first run
// recorded with it.
func testNameKeepsFirstRun(t *testing.T, s expressstore.Store) {
	first := run("arn:aws:states:us-east-1:123456789012:express:orders:same:1", "same", expressstore.StatusSucceeded)
	second := run("arn:aws:states:us-east-1:123456789012:express:orders:same:2", "same", expressstore.StatusFailed)
	mustPut(t, s, first)
	mustPut(t, s, second)
	checkGetByName(t, s, "same", first)
	checkGet(t, s, second)
}

// testRenamedRun checks that a run recorded again under another name is
// bound to that name as well, keeps the name it had, and does not take a
// name bound to another run.
func testRenamedRun(t *testing.T, s expressstore.Store) {
	ctx := context.Background()
	id := "arn:aws:states:us-east-1:123456789012:express:orders:before:1"
	before := run(id, "before", expressstore.StatusRunning)
	before.StoppedAt, before.Output = time.Time{}, ""
	mustPut(t, s, before)
	after := run(id, "after", expressstore.StatusSucceeded)
	mustPut(t, s, after)
	checkGet(t, s, after)
	checkGetByName(t, s, "after", after)
	checkGetByName(t, s, "before", after)
	for _, name := range []string{"after", "before"} {
		if got, won, err := s.Claim(ctx, claim(name, "replica-b"), time.Hour); err != nil || won || !equal(got, after) {
			t.Errorf("Claim(%q) of a renamed run's name = %s, won %v, %v; want %s, lost", name, describe(got), won, err,
				describe(after))
		}
	}

	taken := run("arn:aws:states:us-east-1:123456789012:express:orders:taken:1", "taken", expressstore.StatusRunning)
	mustPut(t, s, taken)
	mover := run("arn:aws:states:us-east-1:123456789012:express:orders:mover:1", "mover", expressstore.StatusRunning)
	mustPut(t, s, mover)
	mover.Name = "taken"
	mustPut(t, s, mover)
	checkGetByName(t, s, "taken", taken)
	checkGetByName(t, s, "mover", mover)
}

// testConcurrentPuts records and reads runs from many goroutines at once.
func testConcurrentPuts(t *testing.T, s expressstore.Store) {
	ctx := context.Background()
	const n = 16
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			id := fmt.Sprintf("arn:aws:states:us-east-1:123456789012:express:orders:c%d:1", i)
			r := run(id, fmt.Sprintf("c%d", i), expressstore.StatusRunning)
			if err := s.Put(ctx, r); err != nil {
				t.Errorf("Put %d: %v", i, err)
				return
			}
			r.Status = expressstore.StatusSucceeded
			if err := s.Put(ctx, r); err != nil {
				t.Errorf("Put %d: %v", i, err)
				return
			}
			if got, err := s.Get(ctx, id); err != nil || !equal(got, r) {
				t.Errorf("Get %d = %s, %v; want %s", i, describe(got), err, describe(r))
			}
		})
	}
	wg.Wait()
}

// testLargeOutput checks that a 256 KiB output and arbitrary bytes in
// Output, Error and Cause are kept byte for byte.
func testLargeOutput(t *testing.T, s expressstore.Store) {
	big := run("arn:aws:states:us-east-1:123456789012:express:orders:big:1", "big", expressstore.StatusSucceeded)
	big.Output = `{"data":"` + strings.Repeat("x", 256<<10-11) + `"}`
	if len(big.Output) != 256<<10 {
		t.Fatalf("test output is %d bytes, want %d", len(big.Output), 256<<10)
	}
	mustPut(t, s, big)
	checkGet(t, s, big)
	checkGetByName(t, s, "big", big)

	odd := run("arn:aws:states:us-east-1:123456789012:express:orders:odd:1", "odd", expressstore.StatusFailed)
	odd.Output = "{\"nul\":\"\x00\",\"latin1\":\"\xe9\"}"
	odd.Error, odd.Cause = "Err\x00or", "caus\xff\xfe ünïcødé 😀"
	mustPut(t, s, odd)
	checkGet(t, s, odd)
}

// testContextCanceled checks that a done context fails every method with
// its error and changes nothing.
func testContextCanceled(t *testing.T, s expressstore.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := run("arn:aws:states:us-east-1:123456789012:express:orders:ctx:1", "ctx", expressstore.StatusSucceeded)
	if err := s.Put(ctx, r); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a canceled context = %v, want context.Canceled", err)
	}
	if _, won, err := s.Claim(ctx, claim("ctx-claim", "o"), time.Hour); !errors.Is(err, context.Canceled) || won {
		t.Errorf("Claim with a canceled context = won %v, %v; want context.Canceled", won, err)
	}
	if _, err := s.Get(ctx, r.RunID); !errors.Is(err, context.Canceled) {
		t.Errorf("Get with a canceled context = %v, want context.Canceled", err)
	}
	if _, err := s.GetByName(ctx, "ctx"); !errors.Is(err, context.Canceled) {
		t.Errorf("GetByName with a canceled context = %v, want context.Canceled", err)
	}
	if err := s.Release(ctx, "ctx-claim", "o"); !errors.Is(err, context.Canceled) {
		t.Errorf("Release with a canceled context = %v, want context.Canceled", err)
	}
	if _, won, err := s.Claim(context.Background(), claim("ctx-held", "o"), time.Hour); err != nil || !won {
		t.Fatalf("Claim = won %v, %v; want won", won, err)
	}
	if err := s.Release(ctx, "ctx-held", "o"); !errors.Is(err, context.Canceled) {
		t.Errorf("Release of a held claim with a canceled context = %v, want context.Canceled", err)
	}
	if got, err := s.GetByName(context.Background(), "ctx-held"); err != nil || got.Owner != "o" {
		t.Errorf("GetByName after a canceled Release = %s, %v; want the claim of o, still held", describe(got), err)
	}
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	if _, err := s.Get(expired, r.RunID); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Get with an expired deadline = %v, want context.DeadlineExceeded", err)
	}

	bg := context.Background()
	if got, err := s.Get(bg, r.RunID); !errors.Is(err, expressstore.ErrNotFound) {
		t.Errorf("Get after a canceled Put = %s, %v; want ErrNotFound", describe(got), err)
	}
	if got, err := s.GetByName(bg, "ctx-claim"); !errors.Is(err, expressstore.ErrNotFound) {
		t.Errorf("GetByName after a canceled Claim = %s, %v; want ErrNotFound", describe(got), err)
	}
}

// run returns a complete record of an Express run.
func run(runID, name, status string) expressstore.Result {
	start := time.Date(2026, 11, 30, 12, 0, 0, 123456789, time.UTC)
	return expressstore.Result{
		RunID:           runID,
		JobID:           "arn:aws:states:us-east-1:123456789012:stateMachine:orders:prod",
		StateMachineARN: "arn:aws:states:us-east-1:123456789012:stateMachine:orders",
		Name:            name,
		InputDigest:     "5d41402abc4b2a76b9719d911017c592",
		Owner:           "replica-a",
		Status:          status,
		Output:          `{"total":42}`,
		StartedAt:       start,
		StoppedAt:       start.Add(1500 * time.Millisecond),
	}
}

// claim returns a claim of name by owner.
func claim(name, owner string) expressstore.Result {
	return expressstore.Result{
		Name:            name,
		Owner:           owner,
		JobID:           "arn:aws:states:us-east-1:123456789012:stateMachine:orders:prod",
		StateMachineARN: "arn:aws:states:us-east-1:123456789012:stateMachine:orders",
		InputDigest:     "5d41402abc4b2a76b9719d911017c592",
	}
}

// mustPut records r or fails the test.
func mustPut(t *testing.T, s expressstore.Store, r expressstore.Result) {
	t.Helper()
	if err := s.Put(context.Background(), r); err != nil {
		t.Fatalf("Put(%s): %v", describe(r), err)
	}
}

// checkGet checks that Get of want's run ID returns want.
func checkGet(t *testing.T, s expressstore.Store, want expressstore.Result) {
	t.Helper()
	got, err := s.Get(context.Background(), want.RunID)
	if err != nil || !equal(got, want) {
		t.Errorf("Get(%q) = %s, %v; want %s", want.RunID, describe(got), err, describe(want))
	}
}

// checkGetByName checks that GetByName of name returns want.
func checkGetByName(t *testing.T, s expressstore.Store, name string, want expressstore.Result) {
	t.Helper()
	got, err := s.GetByName(context.Background(), name)
	if err != nil || !equal(got, want) {
		t.Errorf("GetByName(%q) = %s, %v; want %s", name, describe(got), err, describe(want))
	}
}

// equal reports whether a and b hold the same record; times compare as
// instants, whatever their location.
func equal(a, b expressstore.Result) bool {
	if !a.StartedAt.Equal(b.StartedAt) || !a.StoppedAt.Equal(b.StoppedAt) || !a.ClaimExpires.Equal(b.ClaimExpires) {
		return false
	}
	a.StartedAt, a.StoppedAt, a.ClaimExpires = time.Time{}, time.Time{}, time.Time{}
	b.StartedAt, b.StoppedAt, b.ClaimExpires = time.Time{}, time.Time{}, time.Time{}
	return a == b
}

// describe prints a record for a failure message, its output shortened.
func describe(r expressstore.Result) string {
	out := r.Output
	if len(out) > 64 {
		out = fmt.Sprintf("%.40q...(%d bytes)", out, len(out))
	} else {
		out = fmt.Sprintf("%q", out)
	}
	return fmt.Sprintf("{run %q name %q job %q sm %q digest %q owner %q status %q output %s error %q cause %q started %v stopped %v claim expires %v}",
		r.RunID, r.Name, r.JobID, r.StateMachineARN, r.InputDigest, r.Owner, r.Status, out, r.Error, r.Cause,
		r.StartedAt, r.StoppedAt, r.ClaimExpires)
}
