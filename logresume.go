package stepfunctions

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// This file lets the searches of Express runs' ends that WaitPipelineRun makes round after round go on where the
// last one stopped. A search that stops after maxLogPages pages (ErrLogSearchIncomplete) has read pages that held
// none of its runs' ends; the same search in the next round starts from the FilterLogEvents token it stopped at
// instead of reading those pages again, so a run in a large log group is found, or shown to be absent, after a few
// rounds instead of never.

// Bounds of the resume points kept.
const (
	// logResumeMaxAge is how long a resume point is used. CloudWatch Logs' nextToken expires after 24 hours
	// (FilterLogEventsOutput.NextToken); the rounds of a run come at most Config's poll intervals apart.
	logResumeMaxAge = time.Hour
	// logResumeCapacity bounds the resume points kept; a search stopped while it is full starts over next time.
	logResumeCapacity = 1000
)

// logResume holds the points at which stopped log searches go on, by search (see resumingLogs.key). It is safe for
// concurrent use.
type logResume struct {
	mu     sync.Mutex
	points map[string]logResumePoint
}

// logResumePoint is where a stopped search goes on: the token of its next page, and when it stopped.
type logResumePoint struct {
	token   string
	stopped time.Time
}

func newLogResume() *logResume { return &logResume{points: make(map[string]logResumePoint)} }

// take removes and returns the resume point of search key, when one younger than logResumeMaxAge at now is kept.
func (r *logResume) take(key string, now time.Time) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	pt, ok := r.points[key]
	delete(r.points, key)
	return pt.token, ok && now.Sub(pt.stopped) < logResumeMaxAge
}

// put keeps token as the resume point of search key, stopped at now, dropping the points too old to use.
func (r *logResume) put(key, token string, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, pt := range r.points {
		if now.Sub(pt.stopped) >= logResumeMaxAge {
			delete(r.points, k)
		}
	}
	if len(r.points) < logResumeCapacity {
		r.points[key] = logResumePoint{token: token, stopped: now}
	}
}

// logResumeKey is the context key of the logResume that the log searches made with a context use.
type logResumeKey struct{}

// withLogResume makes the log searches made with ctx go on where the same search stopped before, and keep where
// they stop, in r.
func withLogResume(ctx context.Context, r *logResume) context.Context {
	return context.WithValue(ctx, logResumeKey{}, r)
}

// findLoggedEndsResuming is findLoggedEnds through the Provider's rate limiter, going on where the same search
// stopped before when ctx carries a logResume (see withLogResume). A search that stops again without finding any
// of its runs, all of them old enough for their ends to have been delivered, keeps where it stopped: only then are
// the pages it read certain to hold nothing it will look for next time.
func (p *Provider) findLoggedEndsResuming(ctx context.Context, q logSearchQuery) (*logSearch, error) {
	resume, _ := ctx.Value(logResumeKey{}).(*logResume)
	if resume == nil {
		return findLoggedEnds(ctx, limitedLogs{p}, q)
	}
	runs := make([]string, 0, len(q.Runs))
	for id := range q.Runs {
		runs = append(runs, id)
	}
	slices.Sort(runs)
	c := &resumingLogs{next: limitedLogs{p}, resume: resume, runs: strings.Join(runs, "\x00"), now: p.now()}
	res, err := findLoggedEnds(ctx, c, q)
	if err == nil && res.Truncated && len(res.Found) == 0 && len(res.Pending) == 0 && c.key != "" && c.last != "" {
		resume.put(c.key, c.last, c.now)
	}
	return res, err
}

// resumingLogs is the CloudWatch Logs client of one search: its first page goes on from the resume point of the
// search, and it notes the token of the page after the last one read.
type resumingLogs struct {
	next   logsAPI
	resume *logResume
	runs   string // the runs sought, sorted, joined by NUL
	now    time.Time

	key  string // the search: set by its first call
	last string // the token of the page after the last one read
}

// FilterLogEvents calls next, from the search's resume point when this is its first page.
func (c *resumingLogs) FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput,
	optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	if c.key == "" {
		c.key = strings.Join([]string{aws.ToString(in.LogGroupName), aws.ToString(in.FilterPattern),
			strconv.FormatInt(aws.ToInt64(in.StartTime), 10), strconv.FormatInt(aws.ToInt64(in.EndTime), 10), c.runs}, "\x00")
		if token, ok := c.resume.take(c.key, c.now); ok && in.NextToken == nil {
			from := *in
			from.NextToken = aws.String(token)
			in = &from
		}
	}
	out, err := c.next.FilterLogEvents(ctx, in, optFns...)
	if err == nil {
		c.last = aws.ToString(out.NextToken)
	}
	return out, err
}
