package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/polysync/stepfunctions/expressstore"
)

// The checks of claims: winning and losing, release, expiry, and races
// between claimants and with the winner's Put.

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
