package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewCmdIAMPolicy(t *testing.T) {
	const (
		orders  = "arn:aws:states:eu-west-1:111122223333:stateMachine:orders"
		billing = "arn:aws:states:eu-west-1:111122223333:stateMachine:billing"
		tenant  = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	)
	_, opts, err := parseOnly(t, newCmdIAMPolicy, nil, "--state-machine", orders, "--state-machine", billing,
		"--entra-tenant", tenant, "--subject", "0a1b2c3d", "--audience", "api://polysync", "--json")
	require.NoError(t, err)
	require.NotNil(t, opts, "runF ran")
	assert.Equal(t, []string{orders, billing}, opts.stateMachines)
	assert.Equal(t, tenant, opts.tenant)
	assert.Equal(t, "0a1b2c3d", opts.subject)
	assert.Equal(t, "api://polysync", opts.audience)
	assert.True(t, opts.asJSON)

	_, opts, err = parseOnly(t, newCmdIAMPolicy, nil, "--state-machine", orders)
	require.NoError(t, err)
	assert.Equal(t, "sts.amazonaws.com", opts.audience, "default --audience")
	assert.Empty(t, opts.tenant)
	assert.False(t, opts.asJSON)

	_, _, err = parseOnly(t, newCmdIAMPolicy, nil, "--state-machine", orders, "--region", "eu-west-1")
	assert.ErrorContains(t, err, "unknown flag: --region", "iam-policy calls nothing")
}

func TestNewCmdIAMPolicyOneDocument(t *testing.T) {
	const orders = "arn:aws:states:eu-west-1:111122223333:stateMachine:orders"
	_, opts, err := parseOnly(t, newCmdIAMPolicy, nil, "--state-machine", orders, "--permissions")
	require.NoError(t, err)
	assert.True(t, opts.permissions)
	_, opts, err = parseOnly(t, newCmdIAMPolicy, nil, "--state-machine", orders, "--trust",
		"--entra-tenant", "72f988bf-86f1-41af-91ab-2d7cd011db47", "--subject", "0a1b2c3d")
	require.NoError(t, err)
	assert.True(t, opts.trust)
	for _, pair := range [][]string{{"--permissions", "--trust"}, {"--permissions", "--json"}, {"--trust", "--json"}} {
		_, opts, err := parseOnly(t, newCmdIAMPolicy, nil, append([]string{"--state-machine", orders}, pair...)...)
		assert.ErrorContains(t, err, "none of the others can be", "%v: one document at a time", pair)
		assert.Nil(t, opts)
	}
}
