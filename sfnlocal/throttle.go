package sfnlocal

import (
	"time"
)

// quota is a token bucket's size and refill rate per second.
type quota struct {
	burst  float64
	refill float64
}

// Bucket keys for the two StartExecution quotas.
const (
	bucketStartStandard = "StartExecution"
	bucketStartExpress  = "StartExecution.Express"
)

// quotasHigh are the documented quotas of us-east-1, us-west-2 and eu-west-1;
// quotasOther those of every other region ("Service quotas" in the Step
// Functions developer guide).
var (
	quotasHigh = map[string]quota{
		bucketStartStandard:        {1300, 300},
		bucketStartExpress:         {6000, 6000},
		"DescribeExecution":        {300, 15},
		"StopExecution":            {1000, 200},
		"ListStateMachines":        {100, 5},
		"DescribeStateMachine":     {200, 20},
		"ListExecutions":           {200, 5},
		"GetExecutionHistory":      {400, 20},
		"RedriveExecution":         {1300, 300},
		"ListStateMachineVersions": {100, 1},
		"ListStateMachineAliases":  {100, 1},
	}
	quotasOther = map[string]quota{
		bucketStartStandard:        {800, 150},
		bucketStartExpress:         {6000, 6000},
		"DescribeExecution":        {250, 10},
		"StopExecution":            {500, 25},
		"ListStateMachines":        {100, 5},
		"DescribeStateMachine":     {200, 20},
		"ListExecutions":           {100, 2},
		"GetExecutionHistory":      {400, 20},
		"RedriveExecution":         {800, 150},
		"ListStateMachineVersions": {100, 1},
		"ListStateMachineAliases":  {100, 1},
	}
)

// quotasFor returns the quota table of region.
func quotasFor(region string) map[string]quota {
	switch region {
	case "us-east-1", "us-west-2", "eu-west-1":
		return quotasHigh
	default:
		return quotasOther
	}
}

// bucket is a token bucket driven by the server's Clock. The server's mutex
// guards it.
type bucket struct {
	q      quota
	tokens float64
	last   time.Time
}

// newBuckets returns full buckets for the quotas of region (fallback when
// empty) at time now.
func newBuckets(region, fallback string, now time.Time) map[string]*bucket {
	if region == "" {
		region = fallback
	}
	out := map[string]*bucket{}
	for op, q := range quotasFor(region) {
		out[op] = &bucket{q: q, tokens: q.burst, last: now}
	}
	return out
}

// allow refills the bucket up to now and takes a token if there is one.
func (b *bucket) allow(now time.Time) bool {
	if dt := now.Sub(b.last); dt > 0 {
		b.tokens = min(b.q.burst, b.tokens+dt.Seconds()*b.q.refill)
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
