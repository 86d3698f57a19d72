package cli

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/polysync/stepfunctions/sfnlocal"
)

// localEndpoint serves sfnlocal with a few state machines and returns the
// environment that points the command line at it.
func localEndpoint(t *testing.T, opts ...sfnlocal.Option) map[string]string {
	t.Helper()
	srv := sfnlocal.New(append([]sfnlocal.Option{sfnlocal.WithTimeScale(50)}, opts...)...)
	t.Cleanup(func() { srv.Close() })
	endpoint, err := srv.Listen("127.0.0.1:0")
	require.NoError(t, err)
	client := awssfn.New(awssfn.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("admin", "admin-secret", ""),
	})
	for name, def := range map[string]string{
		"echo":  `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"Doubled.$":"States.MathAdd($.n, $.n)","tag.$":"$.tag"},"End":true}}}`,
		"fails": `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Data.Invalid","Cause":"column 3 is empty"}}}`,
		"slow":  `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":36000,"End":true}}}`,
	} {
		_, err := client.CreateStateMachine(context.Background(), &awssfn.CreateStateMachineInput{
			Name: aws.String(name), Definition: aws.String(def), Type: sfntypes.StateMachineTypeStandard,
			RoleArn: aws.String("arn:aws:iam::123456789012:role/r"),
		})
		require.NoError(t, err)
	}
	return map[string]string{"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_SFN": endpoint}
}

const smPrefix = "arn:aws:states:us-east-1:123456789012:stateMachine:"

func TestRunWaitExitStatuses(t *testing.T) {
	env := localEndpoint(t)

	code, stdout, stderr := runCLI(t, env, "run", smPrefix+"echo", "--param", "n:number=21", "--param", "tag=a=b",
		"--out", "doubled:number", "--out", "TAG", "--wait", "--poll-interval", "100ms")
	require.Equal(t, ExitOK, code, stderr)
	assert.Regexp(t, `doubled\s+\(number\)\s+= 42`, stdout)
	assert.Regexp(t, `tag\s+\(string\)\s+= a=b`, stdout, "--param tag with --out TAG is one InputOutput parameter")
	assert.Contains(t, stdout, "#/v2/executions/details/arn:aws:states:us-east-1:123456789012:execution:echo:")

	code, stdout, _ = runCLI(t, env, "run", smPrefix+"fails", "--wait", "--poll-interval", "100ms", "--json")
	require.Equal(t, ExitRunFailed, code)
	var st struct{ State, Error, Cause string }
	require.NoError(t, json.Unmarshal([]byte(stdout), &st))
	assert.Equal(t, "Failed", st.State)
	assert.Equal(t, "Data.Invalid", st.Error)
	assert.Equal(t, "column 3 is empty", st.Cause)
}

func TestRunCancelStatus(t *testing.T) {
	env := localEndpoint(t)
	code, stdout, stderr := runCLI(t, env, "run", smPrefix+"slow", "--json")
	require.Equal(t, ExitOK, code, stderr)
	var run struct{ RunID string }
	require.NoError(t, json.Unmarshal([]byte(stdout), &run))
	require.True(t, strings.HasPrefix(run.RunID, "arn:aws:states:us-east-1:123456789012:execution:slow:Polysync-"), run.RunID)

	code, stdout, _ = runCLI(t, env, "status", run.RunID)
	require.Equal(t, ExitOK, code)
	assert.Regexp(t, `State\s+Running`, stdout)

	code, stdout, stderr = runCLI(t, env, "cancel", run.RunID)
	require.Equal(t, ExitOK, code, stderr)
	assert.Equal(t, "Cancelled "+run.RunID+"\n", stdout)
	code, _, stderr = runCLI(t, env, "cancel", run.RunID)
	require.Equal(t, ExitOK, code, "cancelling an ended run is not an error: %s", stderr)

	echo := smPrefix + "echo"
	code, stdout, stderr = runCLI(t, env, "run", echo, "--param", "n:number=1", "--param", "tag=t", "--wait", "--json")
	require.Equal(t, ExitOK, code, stderr)
	var done struct{ RunID string }
	require.NoError(t, json.Unmarshal([]byte(stdout), &done))
	code, stdout, stderr = runCLI(t, env, "cancel", done.RunID)
	require.Equal(t, ExitOK, code, stderr)
	assert.Equal(t, "Run "+done.RunID+" had already ended (Success): nothing to cancel\n", stdout)

	code, stdout, _ = runCLI(t, env, "status", run.RunID)
	assert.Equal(t, ExitRunCancelled, code)
	assert.Regexp(t, `State\s+Cancelled`, stdout)
}

func TestJobsJSON(t *testing.T) {
	env := localEndpoint(t)
	code, stdout, stderr := runCLI(t, env, "jobs", "--json")
	require.Equal(t, ExitOK, code, stderr)
	var jobs []struct{ ID, Name, Type, RoleARN string }
	require.NoError(t, json.Unmarshal([]byte(stdout), &jobs))
	names := map[string]string{}
	for _, j := range jobs {
		names[j.Name] = j.Type
		assert.Equal(t, "arn:aws:iam::123456789012:role/r", j.RoleARN)
	}
	assert.Equal(t, map[string]string{"echo": "STANDARD", "fails": "STANDARD", "slow": "STANDARD"}, names)
}

func TestAWSAndAuthErrorsExitStatuses(t *testing.T) {
	env := localEndpoint(t, sfnlocal.WithDeny(sfnlocal.DenyRule{Action: "StartExecution", Resource: smPrefix + "slow"}))

	code, _, stderr := runCLI(t, env, "status", "arn:aws:states:us-east-1:123456789012:execution:echo:nope")
	assert.Equal(t, ExitAWS, code, stderr)
	assert.Contains(t, stderr, "run not found")

	code, _, stderr = runCLI(t, env, "run", smPrefix+"slow")
	assert.Equal(t, ExitAuth, code, stderr)
	assert.Contains(t, stderr, "states:StartExecution")
	assert.Contains(t, stderr, smPrefix+"slow")

	keyEnv := map[string]string{"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	for k, v := range env {
		keyEnv[k] = v
	}
	strict := localEndpoint(t, sfnlocal.WithAccessKeys("admin"))
	keyEnv["AWS_ENDPOINT_URL_SFN"] = strict["AWS_ENDPOINT_URL_SFN"]
	code, _, stderr = runCLI(t, keyEnv, "jobs")
	assert.Equal(t, ExitAuth, code, stderr)
	assert.NotContains(t, stderr, keyEnv["AWS_SECRET_ACCESS_KEY"])
}

// cancelOnWrite cancels a context when text containing trigger is written.
type cancelOnWrite struct {
	mu      sync.Mutex
	buf     strings.Builder
	trigger string
	cancel  context.CancelFunc
}

func (w *cancelOnWrite) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.trigger) {
		w.cancel()
	}
	return len(p), nil
}

func (w *cancelOnWrite) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestRunWaitInterruptedNamesTheRun(t *testing.T) {
	env := localEndpoint(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Interrupt as soon as -v logs that the run is going.
	stderr := &cancelOnWrite{trigger: "state=Running", cancel: cancel}
	var stdout strings.Builder
	code := Main(ctx, []string{"run", smPrefix + "slow", "--wait", "--poll-interval", "100ms", "-v", "--out", "total:number"},
		&stdout, stderr, func(k string) string { return env[k] })
	assert.Equal(t, ExitInterrupted, code, stderr.String())
	m := regexp.MustCompile(`arn:aws:states:us-east-1:123456789012:execution:slow:Polysync-[0-9a-f-]+`).FindString(stderr.String())
	require.NotEmpty(t, m, "the error names the run that goes on:\n%s", stderr)
	assert.Contains(t, stderr.String(), "'polysync-sfn status "+m+" --wait --out total:number'")
	assert.Contains(t, stderr.String(), "'polysync-sfn cancel "+m+"'")
	assert.NotContains(t, stderr.String(), "context canceled")

	// The run was left running, as the message says.
	code, out, errOut := runCLI(t, env, "status", m)
	assert.Equal(t, ExitOK, code, errOut)
	assert.Regexp(t, `State\s+Running`, out)
}

func TestInterruptedBeforeAnyRunSaysSo(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr strings.Builder
	code := Main(ctx, []string{"demo"}, &stdout, &stderr, func(string) string { return "" })
	assert.Equal(t, ExitInterrupted, code)
	assert.Equal(t, "polysync-sfn: interrupted\n", stderr.String())
}

func TestRegionComesFromTheARN(t *testing.T) {
	env := localEndpoint(t)
	// A default region elsewhere must not hide the one the ARN names.
	env["AWS_REGION"] = "ap-southeast-2"

	code, stdout, stderr := runCLI(t, env, "run", smPrefix+"slow", "--json")
	require.Equal(t, ExitOK, code, stderr)
	var run struct{ RunID string }
	require.NoError(t, json.Unmarshal([]byte(stdout), &run))
	code, _, stderr = runCLI(t, env, "status", run.RunID)
	assert.Equal(t, ExitOK, code, stderr)
	code, _, stderr = runCLI(t, env, "cancel", run.RunID)
	assert.Equal(t, ExitOK, code, stderr)

	// An explicit --region still wins, and the provider says what is wrong.
	code, _, stderr = runCLI(t, env, "status", run.RunID, "--region", "eu-west-1")
	assert.Equal(t, ExitUsage, code, stderr)
	assert.Contains(t, stderr, "eu-west-1")

	// jobs has no ARN to go by.
	delete(env, "AWS_REGION")
	code, _, stderr = runCLI(t, env, "jobs")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, "no region: pass --region, set AWS_REGION, or set a region in the shared config profile")
}

func TestStatusOfAnExpressRunExplainsWhy(t *testing.T) {
	env := localEndpoint(t)
	code, _, stderr := runCLI(t, env, "status", "arn:aws:states:us-east-1:123456789012:express:quote:Polysync-1:8a3e5c1d-0000-4000-8000-000000000001")
	assert.Equal(t, ExitUsage, code, stderr)
	assert.Contains(t, stderr, "Express")
	assert.Contains(t, stderr, "CloudWatch Logs")
	assert.NotContains(t, stderr, "Config.", "no library configuration names in a command's error")
}

func TestRedrive(t *testing.T) {
	env := localEndpoint(t)
	start := func(args ...string) string {
		t.Helper()
		_, stdout, stderr := runCLI(t, env, append([]string{"run", "--json"}, args...)...)
		var run struct{ RunID string }
		require.NoError(t, json.Unmarshal([]byte(stdout), &run), stderr)
		return run.RunID
	}

	// A cancelled run is redriven and runs again under the same ARN.
	slow := start(smPrefix + "slow")
	code, _, stderr := runCLI(t, env, "cancel", slow)
	require.Equal(t, ExitOK, code, stderr)
	code, stdout, stderr := runCLI(t, env, "redrive", slow)
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "Redriven "+slow)
	code, stdout, _ = runCLI(t, env, "status", slow)
	assert.Equal(t, ExitOK, code)
	assert.Regexp(t, `State\s+Running`, stdout)
	code, stdout, stderr = runCLI(t, env, "redrive", slow)
	assert.Equal(t, ExitOK, code, "redriving a running run leaves it as it is: %s", stderr)
	assert.Equal(t, "Run "+slow+" is still running: nothing to redrive\n", strings.SplitAfter(stdout, "\n")[0])
	code, stdout, _ = runCLI(t, env, "redrive", slow, "--json")
	assert.Equal(t, ExitOK, code)
	assert.JSONEq(t, `{"Result":"already running","RunID":"`+slow+`"}`, stdout)

	// With --wait, redrive follows the run to its end: this one fails again, at its Fail state.
	fails := start(smPrefix+"fails", "--wait")
	code, stdout, _ = runCLI(t, env, "redrive", fails, "--wait", "--poll-interval", "100ms")
	assert.Equal(t, ExitRunFailed, code)
	assert.Regexp(t, `State\s+Failed`, stdout)

	// A succeeded run cannot be redriven; the error says why.
	echo := start(smPrefix+"echo", "--param", "n:number=1", "--param", "tag=t", "--wait")
	code, _, stderr = runCLI(t, env, "redrive", echo)
	assert.Equal(t, ExitAWS, code)
	assert.Contains(t, stderr, "cannot be redriven")
	assert.Contains(t, stderr, "SUCCEEDED")

	code, _, stderr = runCLI(t, env, "redrive", "arn:aws:states:us-east-1:123456789012:express:echo:x:5c2a4f6e-1b7d-4e1c-9a4b-2f6d8e0c1a3b")
	assert.Equal(t, ExitUsage, code, "the same local decision as status and cancel of an Express run")
	assert.Contains(t, stderr, "Step Functions cannot redrive Express executions")
}
