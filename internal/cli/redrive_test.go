package cli

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sfn "github.com/polysync/stepfunctions"
)

func TestNewCmdRedrive(t *testing.T) {
	const runID = "arn:aws:states:eu-west-1:111122223333:execution:orders:Polysync-0193"
	f, opts, err := parseOnly(t, newCmdRedrive, nil, runID, "--wait", "--out", "total:number", "--poll-interval", "1s",
		"--json", "--endpoint", "http://127.0.0.1:8083")
	require.NoError(t, err)
	require.NotNil(t, opts, "runF ran")
	assert.Equal(t, runID, opts.runID)
	assert.Equal(t, []sfn.Parameter{{Name: "total", Direction: sfn.DirectionOutput, DataType: "number"}}, opts.params)
	assert.True(t, opts.wait)
	assert.Equal(t, time.Second, opts.pollInterval)
	assert.True(t, opts.asJSON)
	assert.Equal(t, "http://127.0.0.1:8083", f.conn.endpoint)

	_, opts, err = parseOnly(t, newCmdRedrive, nil, runID)
	require.NoError(t, err)
	assert.False(t, opts.wait)
	assert.Equal(t, 2*time.Second, opts.pollInterval, "default --poll-interval")

	_, opts, err = parseOnly(t, newCmdRedrive, nil, runID, "--wait", "--poll-interval", "10ms")
	requireUsageError(t, err, "--poll-interval 10ms: must be at least 100ms")
	assert.Nil(t, opts, "runF does not run after a usage error")

	_, _, err = parseOnly(t, newCmdRedrive, nil, runID, "--param", "n=1")
	assert.ErrorContains(t, err, "unknown flag: --param", "a redriven run keeps its input")
}
