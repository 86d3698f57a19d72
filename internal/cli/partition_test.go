package cli

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/polysync/stepfunctions/sfnlocal"
)

// The region check takes every partition the AWS SDK knows, the European
// Sovereign Cloud's among them, from a flag or from the ARN worked on.
func TestConfigRegionOfEveryPartition(t *testing.T) {
	for _, region := range []string{"eusc-de-east-1", "cn-northwest-1", "us-gov-east-1", "us-isob-east-1", "mx-central-1"} {
		a := &app{getenv: func(string) string { return "" }, conn: connFlags{region: region}}
		cfg, err := a.config(context.Background(), "")
		require.NoError(t, err, "--region %s", region)
		assert.Equal(t, region, cfg.Region)
	}
	a := &app{getenv: func(string) string { return "" }}
	cfg, err := a.config(context.Background(), "arn:aws-eusc:states:eusc-de-east-1:111122223333:execution:orders:run-1")
	require.NoError(t, err)
	assert.Equal(t, "eusc-de-east-1", cfg.Region)

	code, _, stderr := runCLI(t, nil, "jobs", "--region", "eusc-fr-east-1")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, `--region "eusc-fr-east-1": not an AWS region name such as eu-west-1: no partition known to aws-sdk-go-v2`)
}

// iam-policy reads state machine ARNs as the provider does: a name with a
// dot is a valid name, and the aws-eusc partition is a partition.
func TestIAMPolicyAcceptsWhatTheProviderAccepts(t *testing.T) {
	code, stdout, stderr := runCLI(t, nil, "iam-policy", "--json",
		"--state-machine", "arn:aws-eusc:states:eusc-de-east-1:111122223333:stateMachine:orders.v2:prod")
	require.Equal(t, ExitOK, code, stderr)
	for _, want := range []string{
		`"arn:aws-eusc:states:eusc-de-east-1:111122223333:stateMachine:orders.v2"`,
		`"arn:aws-eusc:states:eusc-de-east-1:111122223333:stateMachine:orders.v2:*"`,
		`"arn:aws-eusc:states:eusc-de-east-1:111122223333:execution:orders.v2:*"`,
		`"arn:aws-eusc:states:eusc-de-east-1:111122223333:express:orders.v2:*"`,
	} {
		assert.Contains(t, stdout, want)
	}
	for bad, want := range map[string]string{
		"arn:aws:states:eusc-de-east-1:111122223333:stateMachine:orders": "region eusc-de-east-1 is in partition aws-eusc, not aws",
		"arn:aws:states:us-east-1:111122223333:stateMachine:orders v2":   `state machine name "orders v2" must not contain whitespace`,
		"arn:aws:states:us-east-1:111122223333:activity:worker":          "names an activity",
	} {
		code, _, stderr = runCLI(t, nil, "iam-policy", "--state-machine", bad)
		assert.Equal(t, ExitUsage, code, bad)
		assert.Contains(t, stderr, want, bad)
	}
}

// Against an endpoint in the European Sovereign Cloud, jobs lists its state
// machines and run starts one in the region its ARN names, with a console
// link on that partition's console.
func TestEuropeanSovereignCloudCommands(t *testing.T) {
	srv := sfnlocal.New(sfnlocal.WithRegion("eusc-de-east-1"))
	endpoint, err := srv.Listen("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, srv.Close()) })
	admin := sfn.New(sfn.Options{Region: "eusc-de-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("admin", "admin-secret", "")})
	out, err := admin.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String("orders.v2"),
		Definition: aws.String(`{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"ok":true},"End":true}}}`),
		RoleArn:    aws.String("arn:aws-eusc:iam::123456789012:role/r")})
	require.NoError(t, err)
	machine := aws.ToString(out.StateMachineArn)
	require.Equal(t, "arn:aws-eusc:states:eusc-de-east-1:123456789012:stateMachine:orders.v2", machine)

	code, stdout, stderr := runCLI(t, nil, "jobs", "--json", "--endpoint", endpoint, "--region", "eusc-de-east-1")
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, machine)

	code, stdout, stderr = runCLI(t, nil, "run", machine, "--json", "--endpoint", endpoint)
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "https://console.amazonaws-eusc.eu/states/home?region=eusc-de-east-1#/v2/executions/details/"+
		"arn:aws-eusc:states:eusc-de-east-1:123456789012:execution:orders.v2:Polysync-")
}
