package expressstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/polysync/stepfunctions/expressstore"
	"github.com/polysync/stepfunctions/expressstore/storetest"
)

func TestMemoryConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) expressstore.Store { return expressstore.NewMemory() })
}

// record returns the record of a succeeded run named name with an output of
// size bytes.
func record(name string, size int) expressstore.Result {
	return expressstore.Result{RunID: "arn:aws:states:us-east-1:123456789012:express:m:" + name + ":1", Name: name,
		Status: expressstore.StatusSucceeded, Output: strings.Repeat("o", size)}
}

// TestMemoryCapacity checks that the store keeps at most Capacity records,
// evicting the least recently used, and that an evicted name is free again.
func TestMemoryCapacity(t *testing.T) {
	ctx := context.Background()
	m := expressstore.NewMemory(func(o *expressstore.MemoryOptions) { o.Capacity = 3 })
	for _, name := range []string{"a", "b", "c"} {
		if err := m.Put(ctx, record(name, 1)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.Get(ctx, record("a", 1).RunID); err != nil { // a is now the most recently used
		t.Fatal(err)
	}
	if _, won, err := m.Claim(ctx, expressstore.Result{Name: "d", Owner: "o"}, time.Hour); err != nil || !won {
		t.Fatalf("Claim = won %v, %v", won, err)
	}
	if n := m.Len(); n != 3 {
		t.Errorf("Len() = %d, want 3", n)
	}
	if _, err := m.Get(ctx, record("b", 1).RunID); !errors.Is(err, expressstore.ErrNotFound) {
		t.Errorf("Get of the least recently used run = %v, want ErrNotFound", err)
	}
	if _, won, err := m.Claim(ctx, expressstore.Result{Name: "b", Owner: "o"}, time.Hour); err != nil || !won {
		t.Errorf("Claim of an evicted run's name = won %v, %v; want won", won, err)
	}
	for _, name := range []string{"a", "d"} {
		if _, err := m.GetByName(ctx, name); err != nil {
			t.Errorf("GetByName(%q): %v", name, err)
		}
	}
}

// TestMemoryMaxBytes checks that the store keeps the total size of its
// records under MaxBytes, except the record put last.
func TestMemoryMaxBytes(t *testing.T) {
	ctx := context.Background()
	m := expressstore.NewMemory(func(o *expressstore.MemoryOptions) { o.MaxBytes = 10_000 })
	for i := range 10 {
		if err := m.Put(ctx, record(fmt.Sprint(i), 3000)); err != nil {
			t.Fatal(err)
		}
		if b := m.Bytes(); b > 10_000 {
			t.Fatalf("after Put %d: Bytes() = %d, want at most 10000", i, b)
		}
	}
	if n := m.Len(); n != 3 {
		t.Errorf("Len() = %d, want 3 records of about 3 KB under a 10 KB bound", n)
	}
	if _, err := m.Get(ctx, record("9", 3000).RunID); err != nil {
		t.Errorf("Get of the newest run: %v", err)
	}
	huge := record("huge", 50_000)
	if err := m.Put(ctx, huge); err != nil {
		t.Fatal(err)
	}
	if got, err := m.Get(ctx, huge.RunID); err != nil || got.Output != huge.Output {
		t.Errorf("Get of a record larger than MaxBytes, put last: %v", err)
	}
	if n, b := m.Len(), m.Bytes(); n != 1 || b != huge.Size() {
		t.Errorf("Len(), Bytes() = %d, %d; want 1, %d", n, b, huge.Size())
	}
}

// TestMemoryBytesFollowUpdates checks that replacing a running record by its
// result accounts for the new size, and that releasing a claim frees it.
func TestMemoryBytesFollowUpdates(t *testing.T) {
	ctx := context.Background()
	m := expressstore.NewMemory()
	running := record("r", 0)
	running.Status = expressstore.StatusRunning
	if err := m.Put(ctx, running); err != nil {
		t.Fatal(err)
	}
	done := record("r", 5000)
	if err := m.Put(ctx, done); err != nil {
		t.Fatal(err)
	}
	if b := m.Bytes(); b != done.Size() {
		t.Errorf("Bytes() = %d, want %d", b, done.Size())
	}
	if _, _, err := m.Claim(ctx, expressstore.Result{Name: "c", Owner: "o"}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := m.Release(ctx, "c", "o"); err != nil {
		t.Fatal(err)
	}
	if n, b := m.Len(), m.Bytes(); n != 1 || b != done.Size() {
		t.Errorf("after Release: Len(), Bytes() = %d, %d; want 1, %d", n, b, done.Size())
	}
}

// TestMemoryClaimExpiresByClock checks claim expiry with a frozen clock.
func TestMemoryClaimExpiresByClock(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	m := expressstore.NewMemory(func(o *expressstore.MemoryOptions) { o.Now = func() time.Time { return now } })
	c, won, err := m.Claim(ctx, expressstore.Result{Name: "k", Owner: "a"}, 6*time.Minute)
	if err != nil || !won || !c.ClaimExpires.Equal(now.Add(6*time.Minute)) {
		t.Fatalf("Claim = %v, won %v, %v", c.ClaimExpires, won, err)
	}
	now = now.Add(6*time.Minute - time.Nanosecond)
	if _, won, _ := m.Claim(ctx, expressstore.Result{Name: "k", Owner: "b"}, time.Minute); won {
		t.Error("Claim a nanosecond before the first claim expires won")
	}
	now = now.Add(time.Nanosecond)
	if got, won, _ := m.Claim(ctx, expressstore.Result{Name: "k", Owner: "b"}, time.Minute); !won || got.Owner != "b" {
		t.Errorf("Claim when the first claim expires = owner %q, won %v; want b, won", got.Owner, won)
	}
}
