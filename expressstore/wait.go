package expressstore

import (
	"context"
	"fmt"
	"time"
)

// ClaimOrWait claims c.Name in s as Store.Claim does and, while another
// owner's claim of the name is pending, claims again every poll until it
// wins (the other claim expired or was released) or the name is bound to a
// run, which it returns with won false. It returns at once a pending claim
// whose InputDigest differs from c's: that start conflicts with this one
// whatever it becomes. When ctx ends first, it returns ctx's error.
func ClaimOrWait(ctx context.Context, s Store, c Result, ttl, poll time.Duration) (rec Result, won bool, err error) {
	if poll <= 0 {
		return Result{}, false, invalid("the claim of %s needs a positive poll interval, not %v", c.Name, poll)
	}
	var t *time.Timer
	for {
		rec, won, err := s.Claim(ctx, c, ttl)
		if err != nil || won || !rec.Pending() || rec.InputDigest != c.InputDigest {
			return rec, won, err
		}
		if t == nil {
			t = time.NewTimer(poll)
			defer t.Stop()
		} else {
			t.Reset(poll)
		}
		select {
		case <-ctx.Done():
			return Result{}, false, fmt.Errorf("waiting for the run of %s, claimed by %s: %w", c.Name, rec.Owner, ctx.Err())
		case <-t.C:
		}
	}
}
