package cli

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDemo runs the demo end to end on the embedded endpoint: it checks its
// own steps and exits non-zero when one misbehaves.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo takes a few seconds; skipped with -short")
	}
	code, stdout, stderr := runCLI(t, nil, "demo", "--poll-interval", "100ms")
	require.Equal(t, ExitOK, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	for _, want := range []string{
		"order-pipeline    STANDARD",
		"quick-quote       EXPRESS",
		"total    (number)  = 33",
		"status   (string)  = PRICED 3 lines",
		"price    (number)  = 5.5",
		"Message  execution failed: Import.BadRecord: row 17: customer id is missing",
		"State    Cancelled",
		"#/express-executions/details/arn:aws:states:us-east-1:123456789012:express:quick-quote:",
		"provider 2 (no shared store) follows it in log group /aws/vendedlogs/states/quick-quote",
		"price    (number)  = 8.5",
		"its result read from CloudWatch Logs",
		"Demo finished: every step behaved as expected.",
	} {
		assert.Contains(t, stdout, want)
	}
	assert.NotContains(t, stdout+stderr, "demo-secret-key", "no secret is printed")
}

func TestNewCmdDemo(t *testing.T) {
	f, opts, err := parseOnly(t, newCmdDemo, nil, "--poll-interval", "150ms", "-v")
	require.NoError(t, err)
	require.NotNil(t, opts, "runF ran")
	assert.Equal(t, 150*time.Millisecond, opts.pollInterval)
	assert.True(t, f.verbose)
	assert.True(t, opts.logger().Enabled(context.Background(), slog.LevelDebug), "-v turns the demo's logger on")

	_, opts, err = parseOnly(t, newCmdDemo, nil)
	require.NoError(t, err)
	assert.Equal(t, 250*time.Millisecond, opts.pollInterval, "default --poll-interval")
	assert.False(t, opts.logger().Enabled(context.Background(), slog.LevelError), "quiet without -v")

	_, opts, err = parseOnly(t, newCmdDemo, nil, "--poll-interval", "0")
	requireUsageError(t, err, "--poll-interval 0s: must be at least 100ms")
	assert.Nil(t, opts, "runF does not run after a usage error")

	_, _, err = parseOnly(t, newCmdDemo, nil, "--json")
	assert.ErrorContains(t, err, "unknown flag: --json")
}
