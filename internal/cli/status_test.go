package cli

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sfn "github.com/polysync/stepfunctions"
)

func TestNewCmdStatus(t *testing.T) {
	const runID = "arn:aws:states:eu-west-1:111122223333:execution:orders:Polysync-0193"
	f, opts, err := parseOnly(t, newCmdStatus, nil, runID, "--out", "total:number", "--json", "--session-name", "ops")
	require.NoError(t, err)
	require.NotNil(t, opts, "runF ran")
	assert.Equal(t, runID, opts.runID)
	assert.Equal(t, []sfn.Parameter{{Name: "total", Direction: sfn.DirectionOutput, DataType: "number"}}, opts.params)
	assert.True(t, opts.asJSON)
	assert.Equal(t, "ops", f.conn.sessionName)

	_, opts, err = parseOnly(t, newCmdStatus, nil, runID, "--out", "total:nope")
	requireUsageError(t, err, `--out "total:nope": unknown type "nope"`)
	assert.Nil(t, opts, "runF does not run after a usage error")

	_, _, err = parseOnly(t, newCmdStatus, nil, runID, "--param", "n=1")
	assert.ErrorContains(t, err, "unknown flag: --param", "status maps outputs; it takes no input")
}

func TestNewCmdStatusWait(t *testing.T) {
	const runID = "arn:aws:states:eu-west-1:111122223333:execution:orders:Polysync-0193"
	_, opts, err := parseOnly(t, newCmdStatus, nil, runID, "--wait", "--poll-interval", "300ms")
	require.NoError(t, err)
	assert.True(t, opts.wait)
	assert.Equal(t, 300*time.Millisecond, opts.pollInterval)

	_, opts, err = parseOnly(t, newCmdStatus, nil, runID, "--wait", "--poll-interval", "1ms")
	requireUsageError(t, err, "--poll-interval 1ms: must be at least 100ms")
	assert.Nil(t, opts)
}
