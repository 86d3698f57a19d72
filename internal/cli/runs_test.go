package cli

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sfn "github.com/polysync/stepfunctions"
)

func TestNewCmdRuns(t *testing.T) {
	const job = "arn:aws:states:eu-west-1:111122223333:stateMachine:orders"
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	_, opts, err := parseOnly(t, newCmdRuns, nil, job, "--status", "timed-out", "--since", "7d", "--limit", "20",
		"--next-token", "tok", "--json")
	require.NoError(t, err)
	require.NotNil(t, opts, "runF ran")
	opts.now = func() time.Time { return now }
	assert.Equal(t, job, opts.jobARN)
	assert.True(t, opts.asJSON)
	filter, err := opts.filter()
	require.NoError(t, err)
	assert.Equal(t, sfn.RunFilter{Status: "TIMED_OUT", Since: now.AddDate(0, 0, -7), Limit: 20, NextToken: "tok"}, filter)

	_, opts, err = parseOnly(t, newCmdRuns, nil, job)
	require.NoError(t, err)
	filter, err = opts.filter()
	require.NoError(t, err)
	assert.Equal(t, sfn.RunFilter{Limit: 50}, filter, "defaults: every status, no time bound, 50 runs")

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{job, "--status", "done"}, `--status "done": want one of running, succeeded, failed, timed_out, aborted`},
		{[]string{job, "--since", "yesterday"}, `--since "yesterday": want a duration such as 90m, 24h or 7d`},
		{[]string{job, "--limit", "1001"}, "--limit 1001: want 0 (every run) to 1000"},
	} {
		_, opts, err := parseOnly(t, newCmdRuns, nil, tt.args...)
		require.NoError(t, err)
		_, err = opts.filter()
		requireUsageError(t, err, tt.want)
	}
	_, opts, err = parseOnly(t, newCmdRuns, nil)
	requireUsageError(t, err, "want one JOB-ARN, got 0 argument(s)")
	assert.Nil(t, opts)
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"90m":                  now.Add(-90 * time.Minute),
		"24h":                  now.Add(-24 * time.Hour),
		"2d":                   now.AddDate(0, 0, -2),
		"2026-11-30T08:00:00Z": time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC),
	} {
		got, err := parseSince(in, now)
		if assert.NoError(t, err, in) {
			assert.True(t, want.Equal(got), "parseSince(%q) = %v, want %v", in, got, want)
		}
	}
	for _, bad := range []string{"", "-1h", "soon", "3x"} {
		_, err := parseSince(bad, now)
		assert.Error(t, err, "parseSince(%q)", bad)
	}
}

func TestNewCmdHistoryAndDescribe(t *testing.T) {
	const runID = "arn:aws:states:eu-west-1:111122223333:execution:orders:Polysync-0193"
	f, hopts, err := parseOnly(t, newCmdHistory, nil, runID, "--follow", "--poll-interval", "500ms", "--json", "--endpoint", "http://127.0.0.1:8083")
	require.NoError(t, err)
	require.NotNil(t, hopts)
	assert.Equal(t, runID, hopts.runID)
	assert.True(t, hopts.follow)
	assert.Equal(t, 500*time.Millisecond, hopts.pollInterval)
	assert.True(t, hopts.asJSON)
	assert.Equal(t, "http://127.0.0.1:8083", f.conn.endpoint)
	_, hopts, err = parseOnly(t, newCmdHistory, nil, runID, "--poll-interval", "10ms")
	requireUsageError(t, err, "--poll-interval 10ms: must be at least 100ms")
	assert.Nil(t, hopts)

	const job = "arn:aws:states:eu-west-1:111122223333:stateMachine:orders"
	_, dopts, err := parseOnly(t, newCmdDescribe, nil, job, "--definition")
	require.NoError(t, err)
	assert.Equal(t, job, dopts.jobARN)
	assert.True(t, dopts.definition)
	_, dopts, err = parseOnly(t, newCmdDescribe, nil, job, "extra")
	requireUsageError(t, err, "want one JOB-ARN, got 2 argument(s)")
	assert.Nil(t, dopts)
}

// TestRunsNextPageKeepsSince: the command 'runs' prints for the next page
// keeps the --since window, so that pasted it does not list the older runs
// the first page left out.
func TestRunsNextPageKeepsSince(t *testing.T) {
	env := localEndpoint(t)
	echo := smPrefix + "echo"
	var started []time.Time
	for range 3 {
		code, stdout, stderr := runCLI(t, env, "run", echo, "--param", "n:number=1", "--json")
		require.Equal(t, ExitOK, code, stderr)
		var run struct{ StartedAt time.Time }
		require.NoError(t, json.Unmarshal([]byte(stdout), &run))
		started = append(started, run.StartedAt)
	}
	since := started[0].Add(time.Millisecond) // the first run is older
	require.False(t, started[1].Before(since), "runs started in the same millisecond: %v", started)

	code, stdout, stderr := runCLI(t, env, "runs", echo, "--since", since.Format(time.RFC3339Nano), "--limit", "2")
	require.Equal(t, ExitOK, code, stderr)
	assert.Equal(t, 3, strings.Count(stdout, "\n"), "a heading and two runs:\n%s", stdout)
	next := regexp.MustCompile(`More runs: polysync-sfn (runs .+)\n`).FindStringSubmatch(stderr)
	require.NotNil(t, next, stderr)
	code, stdout, stderr = runCLI(t, env, strings.Fields(strings.ReplaceAll(next[1], "'", ""))...)
	require.Equal(t, ExitOK, code, stderr)
	assert.Equal(t, "No runs found.\n", stdout, "the next page is within --since %s too", since.Format(time.RFC3339Nano))
}
