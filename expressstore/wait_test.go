package expressstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/polysync/stepfunctions/expressstore"
)

// TestClaimOrWait checks each way a wait for another owner's claim ends.
func TestClaimOrWait(t *testing.T) {
	const poll = 5 * time.Millisecond
	claimBy := func(owner, digest string) expressstore.Result {
		return expressstore.Result{Name: "k", Owner: owner, InputDigest: digest}
	}
	type outcome struct {
		rec expressstore.Result
		won bool
		err error
	}
	// wait starts ClaimOrWait for owner b on a name a holds, runs then, and
	// returns what the wait returned.
	wait := func(t *testing.T, ctx context.Context, ttl time.Duration, then func(s expressstore.Store)) outcome {
		t.Helper()
		s := expressstore.NewMemory()
		if _, won, err := s.Claim(context.Background(), claimBy("a", "d1"), ttl); err != nil || !won {
			t.Fatalf("first Claim = won %v, %v", won, err)
		}
		done := make(chan outcome, 1)
		go func() {
			rec, won, err := expressstore.ClaimOrWait(ctx, s, claimBy("b", "d1"), time.Hour, poll)
			done <- outcome{rec, won, err}
		}()
		select {
		case o := <-done:
			t.Fatalf("ClaimOrWait returned %+v before the claim it waits for changed", o)
		case <-time.After(20 * poll):
		}
		then(s)
		select {
		case o := <-done:
			return o
		case <-time.After(10 * time.Second):
			t.Fatal("ClaimOrWait did not return")
		}
		return outcome{}
	}
	ctx := context.Background()
	run := expressstore.Result{RunID: "arn:aws:states:us-east-1:123456789012:express:m:k:1", Name: "k",
		Owner: "a", InputDigest: "d1", Status: expressstore.StatusSucceeded}

	t.Run("run recorded", func(t *testing.T) {
		o := wait(t, ctx, time.Hour, func(s expressstore.Store) { _ = s.Put(ctx, run) })
		if o.err != nil || o.won || o.rec.RunID != run.RunID {
			t.Errorf("ClaimOrWait = %+v, want the run a recorded", o)
		}
	})
	t.Run("claim released", func(t *testing.T) {
		o := wait(t, ctx, time.Hour, func(s expressstore.Store) { _ = s.Release(ctx, "k", "a") })
		if o.err != nil || !o.won || o.rec.Owner != "b" {
			t.Errorf("ClaimOrWait = %+v, want b's claim, won", o)
		}
	})
	t.Run("claim expired", func(t *testing.T) {
		o := wait(t, ctx, 200*time.Millisecond, func(expressstore.Store) {})
		if o.err != nil || !o.won || o.rec.Owner != "b" {
			t.Errorf("ClaimOrWait = %+v, want b's claim, won", o)
		}
	})
	t.Run("context ends", func(t *testing.T) {
		wctx, cancel := context.WithCancel(ctx)
		o := wait(t, wctx, time.Hour, func(expressstore.Store) { cancel() })
		if !errors.Is(o.err, context.Canceled) || o.won {
			t.Errorf("ClaimOrWait = %+v, want context.Canceled", o)
		}
	})
	t.Run("different input", func(t *testing.T) {
		s := expressstore.NewMemory()
		if _, _, err := s.Claim(ctx, claimBy("a", "d1"), time.Hour); err != nil {
			t.Fatal(err)
		}
		rec, won, err := expressstore.ClaimOrWait(ctx, s, claimBy("b", "d2"), time.Hour, time.Hour)
		if err != nil || won || !rec.Pending() || rec.InputDigest != "d1" {
			t.Errorf("ClaimOrWait with another input = %+v, won %v, %v; want a's pending claim at once", rec, won, err)
		}
	})
	t.Run("no poll interval", func(t *testing.T) {
		s := expressstore.NewMemory()
		if _, _, err := expressstore.ClaimOrWait(ctx, s, claimBy("b", "d1"), time.Hour, 0); !errors.Is(err, expressstore.ErrInvalid) {
			t.Errorf("ClaimOrWait with poll 0 = %v, want ErrInvalid", err)
		}
	})
}
