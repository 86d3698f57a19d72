package cli

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewCmdURL(t *testing.T) {
	const runID = "arn:aws:states:eu-west-1:111122223333:execution:orders:Polysync-0193"
	f, opts, err := parseOnly(t, newCmdURL, nil, runID, "--json", "--start-date", "1764576000123")
	require.NoError(t, err)
	require.NotNil(t, opts, "runF ran")
	assert.Equal(t, runID, opts.arn)
	assert.True(t, opts.asJSON)
	assert.Equal(t, "1764576000123", opts.startDate)
	assert.Same(t, f.stdout, opts.io.out)

	_, opts, err = parseOnly(t, newCmdURL, nil)
	requireUsageError(t, err, "want one ARN, got 0 argument(s)")
	assert.Nil(t, opts, "runF does not run after a usage error")
}

const expressRunARN = "arn:aws:states:eu-west-1:111122223333:express:quotes:q-1:0b4fd7c1-61b2-4c3a-a0a9-b4d5c53e56a2"

// TestURLExpressStartDate: the console opens an Express execution only with
// ?startDate=<epoch ms>. --start-date gives it, as RFC 3339 (what 'run
// --json' prints as StartedAt) or epoch milliseconds; without it the link is
// printed without the start and stderr says what is missing and how to add it.
func TestURLExpressStartDate(t *testing.T) {
	const want = "https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/express-executions/details/" +
		expressRunARN + "?startDate=1764576000123"
	for _, start := range []string{"2025-12-01T08:00:00.123Z", "2025-12-01T09:00:00.123456+01:00", "1764576000123"} {
		code, stdout, stderr := runCLI(t, nil, "url", expressRunARN, "--start-date", start)
		require.Equal(t, ExitOK, code, stderr)
		assert.Equal(t, want+"\n", stdout, "--start-date %s", start)
		assert.Empty(t, stderr)

		code, stdout, stderr = runCLI(t, nil, "url", expressRunARN, "--start-date", start, "--json")
		require.Equal(t, ExitOK, code, stderr)
		var got urlJSON
		require.NoError(t, json.Unmarshal([]byte(stdout), &got))
		assert.Equal(t, urlJSON{ARN: expressRunARN, URL: want}, got)
	}

	for _, args := range [][]string{{"url", expressRunARN}, {"url", expressRunARN, "--json"}} {
		code, stdout, stderr := runCLI(t, nil, args...)
		require.Equal(t, ExitOK, code, stderr)
		assert.Contains(t, stdout, "#/express-executions/details/"+expressRunARN)
		assert.NotContains(t, stdout, "startDate")
		assert.Contains(t, stderr, "note: the console opens an Express execution only with its start time")
		assert.Contains(t, stderr, "pass --start-date")
	}

	// Standard executions and state machines need no start, and say nothing about it.
	code, _, stderr := runCLI(t, nil, "url", "arn:aws:states:eu-west-1:111122223333:execution:orders:run-1")
	require.Equal(t, ExitOK, code, stderr)
	assert.Empty(t, stderr)
}

// TestURLStartDateErrors: a --start-date that is not a time, that is epoch
// seconds, or that is given for an ARN whose link takes none is a usage error
// naming the flag and the value.
func TestURLStartDateErrors(t *testing.T) {
	tests := []struct {
		arn, start, want string
	}{
		{expressRunARN, "yesterday", `--start-date "yesterday": want an RFC 3339 time`},
		{expressRunARN, "2026-12-01 08:00:00", `--start-date "2026-12-01 08:00:00": want an RFC 3339 time`},
		{expressRunARN, "-1764576000123", `--start-date "-1764576000123": want an RFC 3339 time`},
		{expressRunARN, "1764576000", `--start-date "1764576000": as epoch milliseconds that is 1970-01-21T10:09:36Z, before Step Functions existed; if it is epoch seconds, pass 1764576000000`},
		{expressRunARN, "99999999999999999999", `--start-date "99999999999999999999": too large for epoch milliseconds`},
		{expressRunARN, "", `--start-date is empty: want an RFC 3339 time`},
		{"arn:aws:states:eu-west-1:111122223333:execution:orders:run-1", "1764576000123",
			"--start-date is for an Express execution ARN; arn:aws:states:eu-west-1:111122223333:execution:orders:run-1 is an execution, whose link needs no start"},
		{"arn:aws:states:eu-west-1:111122223333:stateMachine:orders", "1764576000123", "--start-date is for an Express execution ARN"},
	}
	for _, tt := range tests {
		t.Run(tt.start, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, nil, "url", tt.arn, "--start-date", tt.start)
			assert.Equal(t, ExitUsage, code, stderr)
			assert.Contains(t, stderr, tt.want)
			assert.Empty(t, stdout)
		})
	}
}
