package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewCmdCancel(t *testing.T) {
	const runID = "arn:aws:states:eu-west-1:111122223333:execution:orders:Polysync-0193"
	f, opts, err := parseOnly(t, newCmdCancel, nil, runID, "--json",
		"--assume-role-arn", "arn:aws:iam::444455556666:role/x", "--external-id", "ext-1")
	require.NoError(t, err)
	require.NotNil(t, opts, "runF ran")
	assert.Equal(t, runID, opts.runID)
	assert.True(t, opts.asJSON)
	assert.Equal(t, connFlags{assumeRoleARN: "arn:aws:iam::444455556666:role/x", externalID: "ext-1"}, f.conn)

	_, opts, err = parseOnly(t, newCmdCancel, nil, runID, runID)
	requireUsageError(t, err, "want one RUN-ARN, got 2 argument(s)")
	assert.Nil(t, opts, "runF does not run after a usage error")

	_, _, err = parseOnly(t, newCmdCancel, nil, runID, "--out", "total")
	assert.ErrorContains(t, err, "unknown flag: --out")
}
