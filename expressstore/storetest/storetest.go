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
		{"Overwrite", testOverwrite},
		{"NameKeepsFirstRun", testNameKeepsFirstRun},
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

// testClaim checks winning and losing a claim, and the claim's replacement
// by the run.
func testClaim(t *testing.T, s expressstore.Store) {
	ctx := context.Background()
	c := claim("key-1", "replica-a")
	before := time.Now()
	got, won, err := s.Claim(ctx, c, time.Hour)
	if err != nil || !won {
		t.Fatalf("Claim of a free name = won %v, %v; want won", won, err)
	}
	if !got.Pending() || got.Name != c.Name || got.Owner != c.Owner || got.InputDigest != c.InputDigest ||
		got.JobID != c.JobID || got.StateMachineARN != c.StateMachineARN {
		t.Errorf("Claim returned %s, want the pending claim %s", describe(got), describe(c))
	}
	if got.ClaimExpires.Before(before.Add(time.Hour-time.Minute)) || got.ClaimExpires.After(time.Now().Add(time.Hour+time.Minute)) {
		t.Errorf("Claim with a ttl of 1h expires at %v, want about %v", got.ClaimExpires, before.Add(time.Hour))
	}
	pending, err := s.GetByName(ctx, "key-1")
	if err != nil || !pending.Pending() || pending.Owner != "replica-a" {
		t.Errorf("GetByName of a claimed name = %s, %v; want the pending claim of replica-a", describe(pending), err)
	}

	other := claim("key-1", "replica-b")
	other.InputDigest = "other-digest"
	lost, won, err := s.Claim(ctx, other, time.Hour)
	if err != nil || won || !lost.Pending() || lost.Owner != "replica-a" || lost.InputDigest != c.InputDigest {
		t.Errorf("second Claim = %s, won %v, %v; want replica-a's pending claim, lost", describe(lost), won, err)
	}

	r := run("arn:aws:states:us-east-1:123456789012:express:orders:key-1:1", "key-1", expressstore.StatusSucceeded)
	r.Owner = "replica-a"
	mustPut(t, s, r)
	checkGetByName(t, s, "key-1", r)
	bound, won, err := s.Claim(ctx, other, time.Hour)
	if err != nil || won || !equal(bound, r) {
		t.Errorf("Claim of a name bound to a run = %s, won %v, %v; want %s, lost", describe(bound), won, err, describe(r))
	}

	// A name recorded by Put without a claim is bound too.
	direct := run("arn:aws:states:us-east-1:123456789012:express:orders:key-2:1", "key-2", expressstore.StatusRunning)
	mustPut(t, s, direct)
	if got, won, err := s.Claim(ctx, claim("key-2", "replica-b"), time.Hour); err != nil || won || !equal(got, direct) {
		t.Errorf("Claim of a name recorded by Put = %s, won %v, %v; want %s, lost", describe(got), won, err, describe(direct))
	}
}

// testRelease checks that only the owner releases a pending claim, and that
// a bound name cannot be released.
func testRelease(t *testing.T, s expressstore.Store) {
	ctx := context.Background()
	if _, won, err := s.Claim(ctx, claim("rel", "replica-a"), time.Hour); err != nil || !won {
		t.Fatalf("Claim = won %v, %v; want won", won, err)
	}
	if err := s.Release(ctx, "rel", "replica-b"); err != nil {
		t.Fatalf("Release by another owner: %v, want nil", err)
	}
	if got, err := s.GetByName(ctx, "rel"); err != nil || got.Owner != "replica-a" {
		t.Fatalf("GetByName after another owner's Release = %s, %v; want replica-a's claim", describe(got), err)
	}
	if err := s.Release(ctx, "rel", "replica-a"); err != nil {
		t.Fatalf("Release by the owner: %v", err)
	}
	if got, err := s.GetByName(ctx, "rel"); !errors.Is(err, expressstore.ErrNotFound) {
		t.Fatalf("GetByName after Release = %s, %v; want ErrNotFound", describe(got), err)
	}
	if _, won, err := s.Claim(ctx, claim("rel", "replica-b"), time.Hour); err != nil || !won {
		t.Fatalf("Claim after Release = won %v, %v; want won", won, err)
	}
	if err := s.Release(ctx, "never-claimed", "replica-a"); err != nil {
		t.Errorf("Release of a free name: %v, want nil", err)
	}

	r := run("arn:aws:states:us-east-1:123456789012:express:orders:rel:1", "rel", expressstore.StatusSucceeded)
	r.Owner = "replica-b"
	mustPut(t, s, r)
	if err := s.Release(ctx, "rel", "replica-b"); err != nil {
		t.Fatalf("Release of a bound name: %v, want nil", err)
	}
	checkGetByName(t, s, "rel", r)
}

// testClaimExpiry checks that an expired claim is absent and can be won by
// another owner, and that the run of the expired claim's starter, recorded
// late, still binds the name while it is only pending.
func testClaimExpiry(t *testing.T, s expressstore.Store) {
	ctx := context.Background()
	const ttl = 500 * time.Millisecond // long enough for the second Claim to come first
	first, won, err := s.Claim(ctx, claim("exp", "replica-a"), ttl)
	if err != nil || !won {
		t.Fatalf("Claim = won %v, %v; want won", won, err)
	}
	if _, won, err := s.Claim(ctx, claim("exp", "replica-b"), time.Hour); err != nil || won {
		t.Fatalf("Claim before the first claim expired = won %v, %v; want lost", won, err)
	}
	time.Sleep(time.Until(first.ClaimExpires) + 50*time.Millisecond)
	if got, err := s.GetByName(ctx, "exp"); !errors.Is(err, expressstore.ErrNotFound) {
		t.Fatalf("GetByName of an expired claim = %s, %v; want ErrNotFound", describe(got), err)
	}
	got, won, err := s.Claim(ctx, claim("exp", "replica-b"), time.Hour)
	if err != nil || !won || got.Owner != "replica-b" {
		t.Fatalf("Claim after the first claim expired = %s, won %v, %v; want replica-b's claim, won", describe(got), won, err)
	}
	late := run("arn:aws:states:us-east-1:123456789012:express:orders:exp:1", "exp", expressstore.StatusSucceeded)
	late.Owner = "replica-a"
	mustPut(t, s, late)
	checkGetByName(t, s, "exp", late)
}

// testClaimLongTTL checks that a claim holds for a time to live as long as
// a time.Duration allows, which ends past the year 2262.
func testClaimLongTTL(t *testing.T, s expressstore.Store) {
	ctx := context.Background()
	const forever = time.Duration(1<<63 - 1)
	first, won, err := s.Claim(ctx, claim("long", "replica-a"), forever)
	if err != nil || !won {
		t.Fatalf("Claim with a ttl of %v = won %v, %v; want won", forever, won, err)
	}
	if !first.ClaimExpires.After(time.Now().Add(100 * 365 * 24 * time.Hour)) {
		t.Errorf("Claim with a ttl of %v expires at %v, want more than a century from now", forever, first.ClaimExpires)
	}
	if got, won, err := s.Claim(ctx, claim("long", "replica-b"), time.Hour); err != nil || won || got.Owner != "replica-a" {
		t.Errorf("Claim of a name claimed with a ttl of %v = %s, won %v, %v; want replica-a's claim, lost",
			forever, describe(got), won, err)
	}
	if got, err := s.GetByName(ctx, "long"); err != nil || got.Owner != "replica-a" {
		t.Errorf("GetByName of a name claimed with a ttl of %v = %s, %v; want replica-a's claim", forever, describe(got), err)
	}
}

// testConcurrentClaims checks that one of many concurrent claimants wins.
func testConcurrentClaims(t *testing.T, s expressstore.Store) {
	claimRace(t, []expressstore.Store{s}, 32)
}

// claimRace has n goroutines, spread over stores, claim one name at once,
// and checks that exactly one wins and every other gets its claim.
func claimRace(t *testing.T, stores []expressstore.Store, n int) {
	t.Helper()
	ctx := context.Background()
	type answer struct {
		rec expressstore.Result
		won bool
		err error
	}
	answers := make([]answer, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			c := claim("race", fmt.Sprintf("claimant-%d", i))
			rec, won, err := stores[i%len(stores)].Claim(ctx, c, time.Hour)
			answers[i] = answer{rec, won, err}
		})
	}
	close(start)
	wg.Wait()
	winner := ""
	for i, a := range answers {
		switch {
		case a.err != nil:
			t.Errorf("claimant %d: %v", i, a.err)
		case a.won && winner != "":
			t.Errorf("claimant %d won as well as %s", i, winner)
		case a.won:
			winner = a.rec.Owner
		}
	}
	if winner == "" {
		t.Fatalf("no claimant of %d won", n)
	}
	for i, a := range answers {
		if a.err == nil && !a.won && (!a.rec.Pending() || a.rec.Owner != winner) {
			t.Errorf("claimant %d lost with %s, want the winner %s's pending claim", i, describe(a.rec), winner)
		}
	}
	for _, s := range stores {
		if got, err := s.GetByName(ctx, "race"); err != nil || got.Owner != winner {
			t.Errorf("GetByName after the race = %s, %v; want %s's claim", describe(got), err, winner)
		}
	}
}

// testPutRacesClaims has the winner of a claim record its run while others
// claim the name again and again, and checks that none of them wins: each
// gets the winner's pending claim or its run.
func testPutRacesClaims(t *testing.T, s expressstore.Store) {
	ctx := context.Background()
	for i := range 8 {
		name := fmt.Sprintf("put-race-%d", i)
		if _, won, err := s.Claim(ctx, claim(name, "winner"), time.Hour); err != nil || !won {
			t.Fatalf("Claim of %s = won %v, %v; want won", name, won, err)
		}
		r := run("arn:aws:states:us-east-1:123456789012:express:orders:"+name+":1", name, expressstore.StatusSucceeded)
		r.Owner = "winner"
		start := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			<-start
			if err := s.Put(ctx, r); err != nil {
				t.Errorf("Put(%s): %v", describe(r), err)
			}
		})
		for j := range 8 {
			wg.Go(func() {
				<-start
				for range 4 {
					got, won, err := s.Claim(ctx, claim(name, fmt.Sprintf("loser-%d", j)), time.Hour)
					if err != nil || won || (got.Owner != "winner" && got.RunID != r.RunID) {
						t.Errorf("Claim of %s while its winner records the run = %s, won %v, %v; want the winner's claim or run, lost",
							name, describe(got), won, err)
						return
					}
				}
			})
		}
		close(start)
		wg.Wait()
		checkGetByName(t, s, name, r)
	}
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
