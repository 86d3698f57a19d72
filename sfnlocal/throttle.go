package sfnlocal

import (
	"time"

	"github.com/polysync/stepfunctions/internal/sfnops"
)

// Bucket keys for the two StartExecution quotas. Operations with a separate
// bucket for Express state machines use their name plus expressBucketSuffix.
const (
	bucketStartStandard = sfnops.StartExecution
	bucketStartExpress  = sfnops.StartExecution + expressBucketSuffix
	expressBucketSuffix = ".Express"
)

// bucket is a token bucket driven by the server's Clock. The server's mutex
// guards it.
type bucket struct {
	q      sfnops.Bucket
	tokens float64
	last   time.Time
}

// newBuckets returns full buckets at time now for the documented quotas of
// region (fallback when empty): "Service quotas" in the Step Functions
// developer guide, kept in internal/sfnops's table. They are keyed by
// operation, or by one of the StartExecution bucket keys.
func newBuckets(region, fallback string, now time.Time) map[string]*bucket {
	if region == "" {
		region = fallback
	}
	out := map[string]*bucket{}
	add := func(key string, q sfnops.Quota) {
		if q.Published() {
			b := q.In(region)
			out[key] = &bucket{q: b, tokens: b.Burst, last: now}
		}
	}
	for _, op := range sfnops.All() {
		add(op.Name, op.Quota)
		add(op.Name+expressBucketSuffix, op.ExpressQuota)
	}
	return out
}

// allow refills the bucket up to now and takes a token if there is one.
func (b *bucket) allow(now time.Time) bool {
	if dt := now.Sub(b.last); dt > 0 {
		b.tokens = min(b.q.Burst, b.tokens+dt.Seconds()*b.q.Refill)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// take takes a token from the bucket named key (an operation or one of the
// StartExecution bucket keys). Operations without a published quota are
// never throttled.
func (s *Server) take(key string) error {
	if s.buckets == nil {
		return nil
	}
	now := s.cfg.clock.Now()
	s.mu.Lock()
	b := s.buckets[key]
	ok := b == nil || b.allow(now)
	s.mu.Unlock()
	if !ok {
		return errf("ThrottlingException", "Rate exceeded")
	}
	return nil
}
