package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/polysync/stepfunctions/expressstore"
)

// BenchmarkStore measures a run's Put, Get and an idempotent start's Claim
// on SQLite and on PostgreSQL, with a 4 KiB output, from parallel
// goroutines, as a host's replicas would call them.
//
//	go test -run '^$' -bench Store ./expressstore/sqlstore/
func BenchmarkStore(b *testing.B) {
	b.Run("SQLite", func(b *testing.B) { benchStore(b, openSQLite) })
	b.Run("Postgres", func(b *testing.B) { benchStore(b, postgresDatabases(b)) })
}

func benchStore(b *testing.B, open func(testing.TB) database) {
	ctx := context.Background()
	output := `{"data":"` + strings.Repeat("x", 4085) + `"}`
	rec := func(i int64) expressstore.Result {
		return expressstore.Result{RunID: fmt.Sprintf("arn:aws:states:us-east-1:123456789012:express:orders:n%d:1", i),
			Name: fmt.Sprintf("n%d", i), Status: expressstore.StatusSucceeded, Output: output}
	}
	b.Run("Put", func(b *testing.B) {
		s := open(b).newStore(b)
		var n atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := s.Put(ctx, rec(n.Add(1))); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("Get", func(b *testing.B) {
		s := open(b).newStore(b)
		const stored = 1000
		for i := range int64(stored) {
			if err := s.Put(ctx, rec(i)); err != nil {
				b.Fatal(err)
			}
		}
		var n atomic.Int64
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.Get(ctx, rec(n.Add(1)%stored).RunID); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("Claim", func(b *testing.B) {
		s := open(b).newStore(b)
		var n atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				c := expressstore.Result{Name: fmt.Sprintf("k%d", n.Add(1)), Owner: "bench"}
				if _, _, err := s.Claim(ctx, c, time.Hour); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
