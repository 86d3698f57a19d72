package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runCLI runs polysync-sfn with args and a controlled environment.
func runCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code = Main(context.Background(), args, &out, &errOut, getenv)
	return code, out.String(), errOut.String()
}

func TestUsageErrorsExitWithStatus2(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"unknown flag", []string{"jobs", "--nope"}, "unknown flag: --nope"},
		{"missing run argument", []string{"run"}, "want one JOB-ARN, got 0 argument(s)"},
		{"unknown param type", []string{"run", "arn:aws:states:us-east-1:111122223333:stateMachine:m", "--param", "n:nmber=3", "--region", "us-east-1"}, `unknown type "nmber"`},
		{"bad param", []string{"run", "arn:aws:states:us-east-1:111122223333:stateMachine:m", "--param", "x", "--region", "us-east-1"}, `--param "x"`},
		{"name with idempotency key", []string{"run", "arn:aws:states:us-east-1:111122223333:stateMachine:m", "--name", "n1", "--idempotency-key", "k1", "--region", "us-east-1"}, "--name and --idempotency-key both name the execution"},
		{"no region", []string{"jobs"}, "no region: pass --region, set AWS_REGION, or set a region in the shared config profile"},
		{"bad endpoint", []string{"jobs", "--region", "us-east-1", "--endpoint", "127.0.0.1:8083"}, `--endpoint "127.0.0.1:8083"`},
		{"token file without role", []string{"jobs", "--region", "us-east-1", "--web-identity-token-file", "/tmp/t"}, "--web-identity-token-file needs --role-arn"},
		{"external id without role", []string{"jobs", "--region", "us-east-1", "--external-id", "x"}, "--external-id needs --assume-role-arn"},
		{"url of a non-ARN", []string{"url", "not-an-arn"}, "not-an-arn"},
		{"iam-policy without machines", []string{"iam-policy"}, "--state-machine"},
		{"demo poll interval 0", []string{"demo", "--poll-interval", "0"}, "--poll-interval 0s: must be at least 100ms"},
		{"run poll interval negative", []string{"run", "arn:aws:states:us-east-1:111122223333:stateMachine:m", "--poll-interval", "-1s"}, "--poll-interval -1s: must be at least 100ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, nil, tt.args...)
			assert.Equal(t, ExitUsage, code, "stderr: %s", stderr)
			assert.Contains(t, stderr, tt.wantErr)
			assert.NotContains(t, stderr, "goroutine", "no stack traces")
		})
	}
}

func TestURLCommand(t *testing.T) {
	code, stdout, _ := runCLI(t, nil, "url", "arn:aws-us-gov:states:us-gov-west-1:111122223333:execution:orders:run-1")
	require.Equal(t, ExitOK, code)
	assert.Equal(t, "https://us-gov-west-1.console.amazonaws-us-gov.com/states/home?region=us-gov-west-1#/v2/executions/details/arn:aws-us-gov:states:us-gov-west-1:111122223333:execution:orders:run-1\n", stdout)

	code, stdout, _ = runCLI(t, nil, "url", "--json", "arn:aws:states:eu-west-1:111122223333:stateMachine:orders")
	require.Equal(t, ExitOK, code)
	var got map[string]string
	require.NoError(t, json.Unmarshal([]byte(stdout), &got))
	assert.Equal(t, "https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/statemachines/view/arn:aws:states:eu-west-1:111122223333:stateMachine:orders", got["URL"])
}

func TestIAMPolicyCommand(t *testing.T) {
	code, stdout, stderr := runCLI(t, nil, "iam-policy", "--json",
		"--state-machine", "arn:aws:states:us-east-1:111122223333:stateMachine:orders",
		"--entra-tenant", "72f988bf-86f1-41af-91ab-2d7cd011db47", "--subject", "0a1b2c3d-aaaa-bbbb-cccc-1234567890ab")
	require.Equal(t, ExitOK, code, stderr)
	var got map[string]policyDocument
	require.NoError(t, json.Unmarshal([]byte(stdout), &got))
	require.Contains(t, got, "PermissionsPolicy")
	require.Contains(t, got, "TrustPolicy")
	assert.Equal(t, "arn:aws:iam::111122223333:oidc-provider/login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
		got["TrustPolicy"].Statement[0].Principal["Federated"])

	code, _, stderr = runCLI(t, nil, "iam-policy", "--state-machine", "arn:aws:states:us-east-1:111122223333:stateMachine:orders", "--subject", "x")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, "--subject needs --entra-tenant")

	// The trust policy belongs to one role in one account: machines in two
	// accounts cannot share it.
	code, stdout, stderr = runCLI(t, nil, "iam-policy",
		"--state-machine", "arn:aws:states:us-east-1:111122223333:stateMachine:orders",
		"--state-machine", "arn:aws:states:us-east-1:444455556666:stateMachine:billing",
		"--entra-tenant", "72f988bf-86f1-41af-91ab-2d7cd011db47", "--subject", "0a1b2c3d-aaaa-bbbb-cccc-1234567890ab")
	assert.Equal(t, ExitUsage, code, stdout)
	assert.Contains(t, stderr, "accounts aws:111122223333 and aws:444455556666")
}

func TestHelpListsEveryCommand(t *testing.T) {
	code, stdout, _ := runCLI(t, nil, "--help")
	require.Equal(t, ExitOK, code)
	for _, c := range []string{"demo", "jobs", "run", "status", "cancel", "url", "local", "iam-policy"} {
		assert.True(t, strings.Contains(stdout, "\n  "+c+" "), "help lists %s:\n%s", c, stdout)
	}
}

func TestHelpDocumentsExitStatuses(t *testing.T) {
	code, stdout, _ := runCLI(t, nil, "--help")
	require.Equal(t, ExitOK, code)
	for _, status := range []int{ExitOK, ExitRunFailed, ExitUsage, ExitRunCancelled, ExitAWS, ExitAuth, ExitInterrupted} {
		assert.Regexp(t, regexp.MustCompile(fmt.Sprintf(`(?m)^\s+%d\s+\w`, status)), stdout, "--help explains exit status %d", status)
	}
}

// A flag a command would ignore is not offered to it: help stays short and a
// misplaced flag is an error, not a silent no-op.
func TestFlagsOnlyWhereTheyMatter(t *testing.T) {
	tests := []struct {
		command     string
		have, lacks []string
	}{
		{"jobs", []string{"--region", "--endpoint", "--role-arn", "--assume-role-arn", "--json", "--verbose"}, nil},
		{"run", []string{"--region", "--web-identity-token-file", "--external-id", "--json", "--wait"}, nil},
		{"status", []string{"--region", "--session-name", "--json"}, nil},
		{"cancel", []string{"--region", "--endpoint", "--json"}, nil},
		{"url", []string{"--json"}, []string{"--region", "--endpoint", "--role-arn", "--verbose"}},
		{"iam-policy", []string{"--json", "--state-machine"}, []string{"--region", "--endpoint", "--role-arn", "--verbose"}},
		{"demo", []string{"--verbose"}, []string{"--region", "--endpoint", "--role-arn", "--json"}},
		{"local", []string{"--region", "--addr", "--verbose"}, []string{"--endpoint", "--role-arn", "--json"}},
	}
	for _, tt := range tests {
		t.Run(tt.command, func(t *testing.T) {
			code, stdout, _ := runCLI(t, nil, tt.command, "--help")
			require.Equal(t, ExitOK, code)
			for _, f := range tt.have {
				assert.Contains(t, stdout, f+" ", "%s --help", tt.command)
			}
			for _, f := range tt.lacks {
				assert.NotContains(t, stdout, f+" ", "%s --help", tt.command)
			}
		})
	}
	code, _, stderr := runCLI(t, nil, "url", "arn:aws:states:eu-west-1:111122223333:stateMachine:orders", "--region", "us-east-1")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, "unknown flag: --region")
}

func TestUsageErrorPointsAtTheCommandsHelp(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"run"}, "Run 'polysync-sfn run --help' for usage.\n"},
		{[]string{"iam-policy", "--state-machine", "x"}, "Run 'polysync-sfn iam-policy --help' for usage.\n"},
		{[]string{"frobnicate"}, "Run 'polysync-sfn --help' for usage.\n"},
	} {
		code, _, stderr := runCLI(t, nil, tt.args...)
		assert.Equal(t, ExitUsage, code)
		assert.True(t, strings.HasSuffix(stderr, tt.want), "polysync-sfn %s: stderr %q, want it to end with %q", strings.Join(tt.args, " "), stderr, tt.want)
	}
}

// parseOnly builds a command with newCmd and executes it on args with a runF
// that records the options instead of doing the work. It returns the factory
// (which holds the shared flags), the options runF got (nil when the command
// stopped before it) and the command's error.
func parseOnly[O any](t *testing.T, newCmd func(*app, func(context.Context, *O) error) *cobra.Command, env map[string]string, args ...string) (*app, *O, error) {
	t.Helper()
	f := &app{stdout: new(bytes.Buffer), stderr: new(bytes.Buffer), getenv: func(k string) string { return env[k] }}
	var got *O
	cmd := newCmd(f, func(_ context.Context, opts *O) error {
		got = opts
		return nil
	})
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmd.ExecuteContext(context.Background())
	return f, got, err
}

// requireUsageError checks that err is a usage error that says want.
func requireUsageError(t *testing.T, err error, want string) {
	t.Helper()
	require.Error(t, err)
	var ee *exitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, ExitUsage, ee.code, "exit status of %v", err)
	assert.Contains(t, err.Error(), want)
}
