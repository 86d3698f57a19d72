package stepfunctions

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions/internal/cwlogs"
)

// slicedLogs is a busy log group as CloudWatch Logs answers it: slices empty pages with more to read, each
// numbered by its token ("slice-<n>"), before the pages of rest (nil: none). It records the token of every call.
type slicedLogs struct {
	slices int
	rest   logsAPI

	mu     sync.Mutex
	tokens []string
}

func (s *slicedLogs) FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput,
	optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	token := aws.ToString(in.NextToken)
	s.mu.Lock()
	s.tokens = append(s.tokens, token)
	s.mu.Unlock()
	n := 0
	if after, ok := strings.CutPrefix(token, "slice-"); ok {
		n, _ = strconv.Atoi(after)
	}
	if n < s.slices {
		return &cloudwatchlogs.FilterLogEventsOutput{NextToken: aws.String(fmt.Sprintf("slice-%d", n+1))}, nil
	}
	if s.rest == nil {
		return &cloudwatchlogs.FilterLogEventsOutput{}, nil
	}
	from := *in
	from.NextToken = nil // past the slices: the log group's events
	return s.rest.FilterLogEvents(ctx, &from, optFns...)
}

// calls returns the tokens of the calls so far.
func (s *slicedLogs) calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tokens...)
}

// TestWaitPipelineRunGoesOnPastAStoppedLogSearch: a search of an Express run's end that stopped at maxLogPages
// pages is ErrLogSearchIncomplete, which is retryable, so WaitPipelineRun keeps following the run (it used to end
// with the error), and its next search goes on from the page where the first stopped, where it finds the end.
func TestWaitPipelineRunGoesOnPastAStoppedLogSearch(t *testing.T) {
	w := newLogsWorld(t, cwlogs.Options{})
	arn := w.machine("orders", types.LogLevelAll, true, "/g/orders")
	started := time.Now().Add(-time.Hour)
	run := runOf(arn, nameAt(started))
	w.end(run, started, "ExecutionSucceeded", map[string]any{"output": `{"total":7}`})
	p, real := w.provider(Config{})
	logs := &slicedLogs{slices: maxLogPages + 3, rest: real}
	p.logs = logs

	// Alone, the first search's answer: the search stopped, retryable, saying so.
	_, err := p.GetPipelineRunStatus(context.Background(), run, totalParams)
	if !errors.Is(err, ErrLogSearchIncomplete) || !IsRetryable(err) || errors.Is(err, ErrRunNotFound) ||
		!strings.Contains(err.Error(), "stopped after 100 FilterLogEvents pages with more to read") {
		t.Fatalf("GetPipelineRunStatus() error = %v; want a retryable ErrLogSearchIncomplete saying the search stopped", err)
	}

	logs = &slicedLogs{slices: maxLogPages + 3, rest: real}
	p.logs = logs
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st, err := p.WaitPipelineRun(ctx, run, totalParams, WithPollInterval(10*time.Millisecond))
	if err != nil || st.State != RunStateSuccess || st.Parameters[0].Value != "7" {
		t.Fatalf("WaitPipelineRun() = %+v, %v; want Success with total 7, found by the search after the stopped one", st, err)
	}
	tokens := logs.calls()
	if len(tokens) <= maxLogPages || tokens[maxLogPages] != fmt.Sprintf("slice-%d", maxLogPages) {
		t.Errorf("the search after the stopped one began with token %q (of %d calls), want %q: where the first stopped",
			tokens[min(maxLogPages, len(tokens)-1)], len(tokens), fmt.Sprintf("slice-%d", maxLogPages))
	}
}

// TestWaitPipelineRunStoppedLogSearchesEnd: the searches of a run absent from a log group too large for one search
// go on from where each stopped, so the wait ends with ErrRunNotFound once they have read the whole window; searches
// that each started over would stop at the same page round after round, and the wait would never end.
func TestWaitPipelineRunStoppedLogSearchesEnd(t *testing.T) {
	w := newLogsWorld(t, cwlogs.Options{})
	arn := w.machine("orders", types.LogLevelAll, true, "/g/orders")
	run := runOf(arn, nameAt(time.Now().Add(-time.Hour)))
	p, _ := w.provider(Config{})
	const pages = maxLogPages*2 + maxLogPages/2
	logs := &slicedLogs{slices: pages - 1}
	p.logs = logs
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := p.WaitPipelineRun(ctx, run, totalParams, WithPollInterval(10*time.Millisecond))
	if !errors.Is(err, ErrRunNotFound) {
		t.Errorf("WaitPipelineRun() error = %v; want ErrRunNotFound once the searches have read every page", err)
	}
	if n := len(logs.calls()); n != pages {
		t.Errorf("%d FilterLogEvents calls, want %d: each page of the window read once", n, pages)
	}
}

// TestLogResumeBounds: a resume point is used once, not after logResumeMaxAge, and no more than logResumeCapacity
// are kept.
func TestLogResumeBounds(t *testing.T) {
	now := time.Now()
	r := newLogResume()
	r.put("a", "t1", now)
	if tok, ok := r.take("a", now.Add(time.Minute)); !ok || tok != "t1" {
		t.Errorf("take(a) = %q, %v; want t1, true", tok, ok)
	}
	if _, ok := r.take("a", now.Add(time.Minute)); ok {
		t.Error("take(a) again found a point; want it used once")
	}
	r.put("b", "t2", now)
	if _, ok := r.take("b", now.Add(logResumeMaxAge)); ok {
		t.Errorf("take(b) after %v found a point; want it too old", logResumeMaxAge)
	}
	for i := range logResumeCapacity + 5 {
		r.put(strconv.Itoa(i), "t", now)
	}
	if n := len(r.points); n != logResumeCapacity {
		t.Errorf("%d points kept, want %d", n, logResumeCapacity)
	}
	r.put("late", "t", now.Add(logResumeMaxAge))
	if n := len(r.points); n != 1 {
		t.Errorf("%d points kept after the others aged out, want 1", n)
	}
}
