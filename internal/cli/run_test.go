package cli

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sfn "github.com/polysync/stepfunctions"
)

func TestNewCmdRun(t *testing.T) {
	const job = "arn:aws:states:eu-west-1:111122223333:stateMachine:orders"
	f, opts, err := parseOnly(t, newCmdRun, nil, job,
		"--param", "n:number=21", "--param", "tag=a=b", "--out", "doubled:number", "--out", "TAG",
		"--wait", "--poll-interval", "250ms", "--trace-header", "Root=1-5759e988-bd862e3fe1be46a994272793",
		"--idempotency-key", "order-17", "--json", "--role-arn", "arn:aws:iam::111122223333:role/p")
	require.NoError(t, err)
	require.NotNil(t, opts, "runF ran")
	assert.Equal(t, job, opts.jobARN)
	assert.Equal(t, []sfn.Parameter{
		{Name: "n", Direction: sfn.DirectionInput, DataType: "number", Value: "21"},
		{Name: "tag", Direction: sfn.DirectionInputOutput, DataType: "string", Value: "a=b"},
		{Name: "doubled", Direction: sfn.DirectionOutput, DataType: "number"},
	}, opts.params)
	assert.True(t, opts.wait)
	assert.Equal(t, 250*time.Millisecond, opts.pollInterval)
	assert.Equal(t, "Root=1-5759e988-bd862e3fe1be46a994272793", opts.traceHeader)
	assert.Equal(t, "order-17", opts.idempotencyKey)
	assert.True(t, opts.asJSON)
	assert.Equal(t, "arn:aws:iam::111122223333:role/p", f.conn.roleARN)

	_, opts, err = parseOnly(t, newCmdRun, nil, job)
	require.NoError(t, err)
	assert.Empty(t, opts.params)
	assert.False(t, opts.wait)
	assert.Equal(t, 2*time.Second, opts.pollInterval, "default --poll-interval")
	assert.False(t, opts.asJSON)

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{job, "--param", "n:nmber=3"}, `unknown type "nmber"`},
		{[]string{job, "--out", "total:number", "--out", "Total"}, `parameter "Total" is given twice`},
		{[]string{job, "--poll-interval", "50ms"}, "--poll-interval 50ms: must be at least 100ms"},
		{nil, "want one JOB-ARN, got 0 argument(s)"},
	} {
		_, opts, err := parseOnly(t, newCmdRun, nil, tt.args...)
		requireUsageError(t, err, tt.want)
		assert.Nil(t, opts, "runF does not run after a usage error: %v", tt.args)
	}
}

func TestNewCmdRunSelectsWhatRuns(t *testing.T) {
	const job = "arn:aws:states:eu-west-1:111122223333:stateMachine:orders"
	_, opts, err := parseOnly(t, newCmdRun, nil, job, "--input", "in.json", "--name", "nightly-1", "--version", "3")
	require.NoError(t, err)
	assert.Equal(t, "in.json", opts.input)
	assert.Equal(t, "nightly-1", opts.name)
	target, err := opts.target()
	require.NoError(t, err)
	assert.Equal(t, job+":3", target.String())

	_, opts, err = parseOnly(t, newCmdRun, nil, job, "--alias", "prod")
	require.NoError(t, err)
	target, err = opts.target()
	require.NoError(t, err)
	assert.Equal(t, job+":prod", target.String())

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{job, "--version", "2", "--alias", "prod"}, "--version and --alias both choose what runs"},
		{[]string{job + ":prod", "--version", "2"}, "already names an alias"},
		{[]string{job, "--alias", "a b"}, `--alias "a b"`},
		{[]string{job, "--name", "has space"}, `--name "has space": must not contain whitespace`},
		{[]string{job, "--name", "nightly-1", "--idempotency-key", "order-17"}, "--name and --idempotency-key both name the execution"},
		{[]string{"not-an-arn"}, `JOB-ARN "not-an-arn" is not an ARN`},
		{[]string{job[:len(job)-len("stateMachine:orders")] + "execution:orders:r1"}, "names an execution: want a state machine ARN"},
	} {
		_, opts, err := parseOnly(t, newCmdRun, nil, tt.args...)
		require.NoError(t, err, "flags parse: %v", tt.args)
		_, err = opts.target()
		requireUsageError(t, err, tt.want)
	}
}

// TestRunInputFromStdinStopsOnCtrlC: 'run --input -' waiting for a standard
// input that never comes (a terminal, a stalled pipe) stops on Ctrl-C with
// status 130, as every other wait does.
func TestRunInputFromStdinStopsOnCtrlC(t *testing.T) {
	stdin, w := io.Pipe() // never written: the read blocks
	defer w.Close()
	var stdout, stderr bytes.Buffer
	f := &app{stdin: stdin, stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	cmd := newCmdRun(f, nil)
	cmd.SetArgs([]string{"arn:aws:states:eu-west-1:111122223333:stateMachine:orders", "--input", "-"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Ctrl-C
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	select {
	case err := <-done:
		var ee *exitError
		require.ErrorAs(t, err, &ee)
		assert.Equal(t, ExitInterrupted, ee.code, "exit status of %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("run --input - went on reading its standard input after Ctrl-C")
	}
}

// TestRunConflictsExitAlike: a name already taken by a run with another
// input is the same answer from Step Functions (ExecutionAlreadyExists)
// whether --name or --idempotency-key chose the name, and exits with the
// same status, 4: Step Functions answered with an error, as for a run not
// found or not redrivable.
func TestRunConflictsExitAlike(t *testing.T) {
	env := localEndpoint(t)
	for _, flag := range []string{"--name", "--idempotency-key"} {
		t.Run(flag, func(t *testing.T) {
			code, _, stderr := runCLI(t, env, "run", smPrefix+"slow", flag, "batch-7", "--param", "n:number=1")
			require.Equal(t, ExitOK, code, stderr)
			code, _, stderr = runCLI(t, env, "run", smPrefix+"slow", flag, "batch-7", "--param", "n:number=2")
			assert.Equal(t, ExitAWS, code, "another input under the same %s: %s", flag, stderr)
			assert.NotContains(t, stderr, "--help' for usage", "the command line was right")
		})
	}
}
