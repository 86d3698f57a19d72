package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewCmdURL(t *testing.T) {
	const runID = "arn:aws:states:eu-west-1:111122223333:execution:orders:Polysync-0193"
	f, opts, err := parseOnly(t, newCmdURL, nil, runID, "--json")
	require.NoError(t, err)
	require.NotNil(t, opts, "runF ran")
	assert.Equal(t, runID, opts.arn)
	assert.True(t, opts.asJSON)
	assert.Same(t, f.stdout, opts.io.out)

	_, opts, err = parseOnly(t, newCmdURL, nil)
	requireUsageError(t, err, "want one ARN, got 0 argument(s)")
	assert.Nil(t, opts, "runF does not run after a usage error")
}
