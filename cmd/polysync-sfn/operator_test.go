package main

// Tests of polysync-sfn as an operator's daily tool (issue 13), each on the built binary: its exit status and
// what it prints.

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/polysync/stepfunctions/sfnlocal"
)

const (
	machine = "arn:aws:states:us-east-1:123456789012:stateMachine:"
	express = "arn:aws:states:us-east-1:123456789012:express:quick:x:5c2a4f6e-1b7d-4e1c-9a4b-2f6d8e0c1a3b"
)

// world serves sfnlocal (time 50 times faster) with the state machines the tests use, and returns the
// environment that points polysync-sfn at it: echo (doubles n, version 1 and alias prod), fails (a Fail
// state), slow (waits 10 hours), late (waits 10 s, then fails) and quick (Express).
func world(t *testing.T) map[string]string {
	t.Helper()
	srv := sfnlocal.New(sfnlocal.WithTimeScale(50))
	t.Cleanup(func() { srv.Close() })
	endpoint, err := srv.Listen("127.0.0.1:0")
	require.NoError(t, err)
	client := awssfn.New(awssfn.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("admin", "admin-secret", "")})
	ctx := context.Background()
	for name, def := range map[string]string{
		"echo":  `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"Doubled.$":"States.MathAdd($.n, $.n)"},"End":true}}}`,
		"fails": `{"StartAt":"Check","States":{"Check":{"Type":"Fail","Error":"Data.Invalid","Cause":"column 3 is empty"}}}`,
		"slow":  `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":36000,"End":true}}}`,
		"late":  `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"Next":"Check"},"Check":{"Type":"Fail","Error":"Late","Cause":"too late"}}}`,
		"quick": `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`,
	} {
		typ := sfntypes.StateMachineTypeStandard
		if name == "quick" {
			typ = sfntypes.StateMachineTypeExpress
		}
		_, err := client.CreateStateMachine(ctx, &awssfn.CreateStateMachineInput{Name: aws.String(name), Definition: aws.String(def),
			Type: typ, RoleArn: aws.String("arn:aws:iam::123456789012:role/r")})
		require.NoError(t, err)
	}
	v1, err := client.PublishStateMachineVersion(ctx, &awssfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(machine + "echo")})
	require.NoError(t, err)
	_, err = client.CreateStateMachineAlias(ctx, &awssfn.CreateStateMachineAliasInput{Name: aws.String("prod"),
		RoutingConfiguration: []sfntypes.RoutingConfigurationListItem{{StateMachineVersionArn: v1.StateMachineVersionArn, Weight: 100}}})
	require.NoError(t, err)
	return map[string]string{"AWS_ENDPOINT_URL_SFN": endpoint}
}

// runID starts a run with args and returns its ID.
func runID(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	code, stdout, stderr := sfnCLI(t, env, "", append([]string{"run", "--json"}, args...)...)
	require.Contains(t, []int{0, 1}, code, stderr)
	var run struct{ RunID string }
	require.NoError(t, json.Unmarshal([]byte(stdout), &run), stderr)
	return run.RunID
}

func TestEachCommandSaysWhatHappened(t *testing.T) {
	env := world(t)

	// cancel of a run already cancelled says so, and stops nothing.
	slow := runID(t, env, machine+"slow")
	code, stdout, stderr := sfnCLI(t, env, "", "cancel", slow)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "Cancelled "+slow+"\n", stdout)
	code, stdout, _ = sfnCLI(t, env, "", "cancel", slow)
	assert.Equal(t, 0, code)
	assert.Equal(t, "Run "+slow+" had already ended (Cancelled): nothing to cancel\n", stdout)
	code, stdout, _ = sfnCLI(t, env, "", "cancel", slow, "--json")
	assert.Equal(t, 0, code)
	assert.JSONEq(t, `{"Result":"already ended","RunID":"`+slow+`","State":"Cancelled"}`, stdout)

	// redrive of a run still running says so.
	code, stdout, stderr = sfnCLI(t, env, "", "redrive", slow)
	require.Equal(t, 0, code, stderr)
	assert.True(t, strings.HasPrefix(stdout, "Redriven "+slow+"\n"), stdout)
	code, stdout, _ = sfnCLI(t, env, "", "redrive", slow)
	assert.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(stdout, "Run "+slow+" is still running: nothing to redrive\n"), stdout)
	assert.NotContains(t, stdout, "Redriven")
	code, stdout, _ = sfnCLI(t, env, "", "redrive", slow, "--json")
	assert.Equal(t, 0, code)
	assert.JSONEq(t, `{"Result":"already running","RunID":"`+slow+`"}`, stdout)

	// A repeated run with the same idempotency key (or name) names the run that exists.
	code, first, stderr := sfnCLI(t, env, "", "run", machine+"slow", "--idempotency-key", "batch-7")
	require.Equal(t, 0, code, stderr)
	started := regexp.MustCompile(`^Started (\S+)\n`).FindStringSubmatch(first)
	require.NotNil(t, started, first)
	code, again, stderr := sfnCLI(t, env, "", "run", machine+"slow", "--idempotency-key", "batch-7")
	require.Equal(t, 0, code, stderr)
	assert.True(t, strings.HasPrefix(again, "Already started "+started[1]+": nothing new was started\n"), again)
	code, again, _ = sfnCLI(t, env, "", "run", machine+"slow", "--idempotency-key", "batch-7", "--json")
	assert.Equal(t, 0, code)
	assert.Contains(t, again, `"Result": "already started"`)
	assert.Contains(t, again, `"RunID": "`+started[1]+`"`)

	code, first, _ = sfnCLI(t, env, "", "run", machine+"slow", "--name", "nightly-1")
	assert.Equal(t, 0, code)
	assert.Equal(t, "Started arn:aws:states:us-east-1:123456789012:execution:slow:nightly-1", strings.SplitN(first, "\n", 2)[0])
	code, again, _ = sfnCLI(t, env, "", "run", machine+"slow", "--name", "nightly-1")
	assert.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(again, "Already started arn:aws:states:us-east-1:123456789012:execution:slow:nightly-1:"), again)
	code, _, stderr = sfnCLI(t, env, "", "run", machine+"slow", "--name", "nightly-1", "--param", "n:number=2")
	assert.Equal(t, 4, code, "Step Functions answered with an error, as for a conflicting --idempotency-key")
	assert.Contains(t, stderr, "--name nightly-1: a run of that name already exists with another input")
}

func TestIAMPolicyPrintsOneJSONDocument(t *testing.T) {
	common := []string{"--state-machine", machine + "orders"}
	trustFlags := []string{"--entra-tenant", "72f988bf-86f1-41af-91ab-2d7cd011db47", "--subject", "0a1b2c3d-aaaa-bbbb-cccc-1234567890ab"}
	type policy struct {
		Version   string
		Statement []struct {
			Sid, Effect string
			Action      any
			Resource    any
			Principal   map[string]string
			Condition   map[string]map[string]string
		}
	}
	decode := func(args ...string) policy {
		t.Helper()
		code, stdout, stderr := sfnCLI(t, nil, "", append([]string{"iam-policy"}, args...)...)
		require.Equal(t, 0, code, stderr)
		dec := json.NewDecoder(strings.NewReader(stdout))
		dec.DisallowUnknownFields()
		var p policy
		require.NoError(t, dec.Decode(&p), "exactly one policy document:\n%s", stdout)
		assert.False(t, dec.More(), "nothing after the document:\n%s", stdout)
		assert.Equal(t, "2012-10-17", p.Version)
		return p
	}
	perms := decode(append([]string{"--permissions"}, common...)...)
	assert.Equal(t, "PolysyncDiscoverStateMachines", perms.Statement[0].Sid)
	assert.Contains(t, perms.Statement[1].Action, "states:ListStateMachineVersions")
	trust := decode(append(append([]string{"--trust"}, common...), trustFlags...)...)
	require.Len(t, trust.Statement, 1)
	assert.Contains(t, trust.Statement[0].Principal["Federated"], "oidc-provider/login.microsoftonline.com/")

	code, _, stderr := sfnCLI(t, nil, "", append([]string{"iam-policy", "--trust"}, common...)...)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--trust needs --entra-tenant and --subject")
	code, _, _ = sfnCLI(t, nil, "", append([]string{"iam-policy", "--permissions", "--trust"}, common...)...)
	assert.Equal(t, 2, code)
}

func TestRegionRule(t *testing.T) {
	env := world(t)
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	require.NoError(t, os.WriteFile(config, []byte("[default]\nregion = eu-west-1\n\n[profile ops]\nregion = us-east-1\n"), 0o600))

	// jobs takes the region of the shared config profile, as the AWS CLI does.
	withProfile := map[string]string{"AWS_CONFIG_FILE": config, "AWS_PROFILE": "ops", "AWS_ACCESS_KEY_ID": "AKIDLOCAL",
		"AWS_SECRET_ACCESS_KEY": "local-secret", "AWS_ENDPOINT_URL_SFN": env["AWS_ENDPOINT_URL_SFN"]}
	code, stdout, stderr := sfnCLI(t, withProfile, "", "jobs", "--json")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, `"ID": "`+machine+`echo"`, "the ops profile's region, us-east-1, is where the machines are")
	// -v says where the region came from: AWS_REGION comes before the profile, and without AWS_PROFILE the
	// default profile is read.
	code, _, stderr = sfnCLI(t, withProfile, "", "jobs", "-v")
	assert.Equal(t, 0, code)
	assert.Contains(t, stderr, `region=us-east-1 from="profile ops in `+config+`"`)
	withProfile["AWS_REGION"] = "ap-southeast-2"
	_, _, stderr = sfnCLI(t, withProfile, "", "jobs", "-v")
	assert.Contains(t, stderr, "region=ap-southeast-2 from=AWS_REGION")
	delete(withProfile, "AWS_REGION")
	delete(withProfile, "AWS_PROFILE")
	_, _, stderr = sfnCLI(t, withProfile, "", "jobs", "-v")
	assert.Contains(t, stderr, `region=eu-west-1 from="profile default in `+config+`"`)
	withProfile["AWS_PROFILE"] = "nope"
	code, _, stderr = sfnCLI(t, withProfile, "", "jobs")
	assert.Equal(t, 5, code)
	assert.Contains(t, stderr, `profile "nope"`)

	// A command on an ARN calls the ARN's region; a different --region is an error naming both.
	slow := runID(t, env, machine+"slow")
	code, _, stderr = sfnCLI(t, env, "", "status", slow, "--region", "eu-west-1")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--region eu-west-1 differs from the region of "+slow+", us-east-1")
	code, _, stderr = sfnCLI(t, env, "", "status", slow, "--region", "us-east-1")
	assert.Equal(t, 0, code, stderr)

	// A bad ARN is reported as such, not as a missing region.
	code, _, stderr = sfnCLI(t, nil, "", "status", "not-an-arn")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `RUN-ARN "not-an-arn" is not an ARN`)
	assert.NotContains(t, stderr, "no region")

	// Each command's help states its rule.
	_, stdout, _ = sfnCLI(t, nil, "", "jobs", "--help")
	assert.NotContains(t, stdout, "ARN's region")
	assert.Contains(t, stdout, "shared config")
	_, stdout, _ = sfnCLI(t, nil, "", "status", "--help")
	assert.Contains(t, stdout, "the ARN's region is used, and --region must match it when given")
}

func TestErrorsAreOneLineAndVerboseLogsEveryCall(t *testing.T) {
	env := world(t)
	env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = "AKIDLOCAL", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET"
	echo := runID(t, env, machine+"echo", "--param", "n:number=1", "--wait")

	code, _, stderr := sfnCLI(t, env, "", "redrive", echo)
	assert.Equal(t, 4, code)
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	require.Len(t, lines, 1, stderr)
	assert.Less(t, len(lines[0]), 300, lines[0])
	assert.Equal(t, 1, strings.Count(stderr, "SUCCEEDED"), "the reason is given once: %s", stderr)
	assert.Regexp(t, `^polysync-sfn: run `+regexp.QuoteMeta(echo)+` cannot be redriven: .*SUCCEEDED.*; Step Functions redrives`, stderr)

	missing := strings.Replace(echo, "Polysync-", "Gone-", 1)
	code, _, stderr = sfnCLI(t, env, "", "status", missing)
	assert.Equal(t, 4, code)
	assert.Regexp(t, `^polysync-sfn: DescribeExecution `+regexp.QuoteMeta(missing)+`: run not found \(hint: check the execution ARN`, stderr)
	assert.NotContains(t, stderr, "RequestID")
	assert.Equal(t, 1, strings.Count(stderr, missing), "the run is named once: %s", stderr)

	code, _, stderr = sfnCLI(t, env, "", "status", missing, "-v")
	assert.Equal(t, 4, code)
	assert.Contains(t, stderr, "polysync-sfn: detail: ", "-v adds the SDK's chain")
	assert.Regexp(t, `polysync-sfn: detail: .*ExecutionDoesNotExist.*\(request ID \S+\)`, stderr)
	assert.Regexp(t, `msg="api call" op=DescribeExecution resource=`+regexp.QuoteMeta(missing)+` status=400 error=ExecutionDoesNotExist duration=\S+ attempts=1`, stderr)
	code, _, stderr = sfnCLI(t, env, "", "redrive", echo, "-v")
	assert.Equal(t, 4, code)
	assert.Regexp(t, `op=DescribeExecution resource=`+regexp.QuoteMeta(echo)+` status=200 duration=\S+ attempts=1`, stderr)
	assert.NotContains(t, stderr, env["AWS_SECRET_ACCESS_KEY"])

	code, _, stderr = sfnCLI(t, env, "", "run", machine+"echo", "--param", "n:number=7", "-v")
	assert.Equal(t, 0, code)
	assert.Contains(t, stderr, "op=StartExecution resource="+machine+"echo status=200")
	assert.NotContains(t, stderr, `"n"`, "no parameter is logged")
}

func TestExitStatusesOfLocalDecisions(t *testing.T) {
	env := world(t)
	for _, args := range [][]string{{"status", express}, {"cancel", express}, {"redrive", express}, {"history", express}} {
		code, _, stderr := sfnCLI(t, env, "", args...)
		assert.Equal(t, 2, code, "%v: %s", args, stderr)
		assert.Contains(t, stderr, "is an Express run: Step Functions cannot", args)
	}
	code, _, stderr := sfnCLI(t, env, "", "runs", machine+"quick")
	assert.Equal(t, 2, code, "Step Functions does not list Express runs: %s", stderr)
	assert.Contains(t, stderr, "CloudWatch Logs")

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	code, _, stderr = sfnCLI(t, nil, "", "local", "--addr", l.Addr().String())
	assert.Equal(t, 4, code, "a taken port is not bad usage: %s", stderr)
	code, _, _ = sfnCLI(t, nil, "", "local", "--addr", "8083")
	assert.Equal(t, 2, code, "an address without a port is")
}

func TestRunsHistoryDescribe(t *testing.T) {
	env := world(t)
	fails := runID(t, env, machine+"fails", "--wait")
	echo := runID(t, env, machine+"echo", "--param", "n:number=1", "--wait")
	runID(t, env, machine+"echo", "--param", "n:number=2", "--wait")

	code, stdout, stderr := sfnCLI(t, env, "", "runs", machine+"fails", "--status", "failed", "--since", "1h")
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `(?m)^STATUS\s+STARTED\s+DURATION\s+NAME\s+RUN-ARN\nFAILED\s+\S+\s+\S+\s+Polysync-\S+\s+`+regexp.QuoteMeta(fails)+`$`, stdout)
	code, stdout, stderr = sfnCLI(t, env, "", "runs", machine+"echo", "--limit", "1", "--json")
	require.Equal(t, 0, code, stderr)
	var page struct {
		Runs      []struct{ RunID, Status, State string }
		NextToken *string
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &page))
	require.Len(t, page.Runs, 1)
	require.NotNil(t, page.NextToken, "one more run: a token")
	code, stdout, stderr = sfnCLI(t, env, "", "runs", machine+"echo", "--limit", "1", "--next-token", *page.NextToken)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, echo, "the next page has the older run")
	code, _, stderr = sfnCLI(t, env, "", "runs", machine+"echo", "--limit", "1")
	assert.Equal(t, 0, code)
	assert.Contains(t, stderr, "More runs: polysync-sfn runs "+machine+"echo --next-token ")

	code, stdout, stderr = sfnCLI(t, env, "", "history", fails)
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `(?m)^  1\s+\S+\s+ExecutionStarted`, stdout)
	assert.Regexp(t, `(?m)^! \d+\s+\S+\s+ExecutionFailed\s+Check\s+Data.Invalid: column 3 is empty$`, stdout)
	assert.True(t, strings.HasSuffix(stdout, "Failed in state Check: Data.Invalid: column 3 is empty\n"), stdout)
	code, stdout, _ = sfnCLI(t, env, "", "history", fails, "--json")
	assert.Equal(t, 0, code)
	var h struct {
		Events                    []struct{ Type string }
		FailedState, Error, Cause string
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &h))
	assert.Equal(t, "Check", h.FailedState)
	assert.Equal(t, "Data.Invalid", h.Error)
	assert.Equal(t, "ExecutionStarted", h.Events[0].Type)

	// --follow prints events until the run ends, and exits as the run ended.
	late := runID(t, env, machine+"late")
	code, stdout, stderr = sfnCLI(t, env, "", "history", late, "--follow", "--poll-interval", "100ms")
	assert.Equal(t, 1, code, stderr)
	assert.Contains(t, stdout, "WaitStateEntered")
	assert.True(t, strings.HasSuffix(stdout, "Failed in state Check: Late: too late\n"), stdout)

	code, stdout, stderr = sfnCLI(t, env, "", "describe", machine+"echo", "--definition")
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `(?m)^Type\s+STANDARD$`, stdout)
	assert.Regexp(t, `(?m)^Role\s+arn:aws:iam::123456789012:role/r$`, stdout)
	assert.Regexp(t, `Versions \(1\):\n\s+1\s+\S+\s+`+regexp.QuoteMeta(machine+"echo:1"), stdout)
	assert.Regexp(t, `Aliases \(1\):\n\s+prod\s+\S+\s+`+regexp.QuoteMeta(machine+"echo:prod"), stdout)
	assert.Contains(t, stdout, `"Doubled.$": "States.MathAdd($.n, $.n)"`)
	code, stdout, _ = sfnCLI(t, env, "", "describe", machine+"echo", "--json")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, `"Definition": null`)
}

func TestStatusWaitResumesFollowing(t *testing.T) {
	env := world(t)
	late := runID(t, env, machine+"late")
	code, stdout, stderr := sfnCLI(t, env, "", "status", late, "--wait", "--poll-interval", "100ms")
	assert.Equal(t, 1, code, stderr)
	assert.Regexp(t, `State\s+Failed`, stdout)
	assert.Regexp(t, `Error\s+Late`, stdout)
	assert.Empty(t, stderr, "no progress display when stderr is not a terminal")
}

func TestRunInputNameVersionAlias(t *testing.T) {
	env := world(t)
	dir := t.TempDir()
	input := filepath.Join(dir, "in.json")
	require.NoError(t, os.WriteFile(input, []byte(`{"n": 20}`), 0o600))

	code, stdout, stderr := sfnCLI(t, env, "", "run", machine+"echo", "--input", input, "--out", "doubled:number", "--wait")
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `doubled\s+\(number\)\s+= 40`, stdout)
	code, stdout, stderr = sfnCLI(t, env, `{"n": 4}`, "run", machine+"echo", "--input", "-", "--alias", "prod", "--out", "doubled", "--wait", "--json")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, `"Output": {`)
	assert.Contains(t, stdout, `"Doubled": 8`)
	code, stdout, stderr = sfnCLI(t, env, "", "run", machine+"echo", "--version", "1", "--param", "n:number=1", "--name", "v1-run")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Started arn:aws:states:us-east-1:123456789012:execution:echo:v1-run\n")
	code, stdout, _ = sfnCLI(t, env, "", "runs", machine+"echo:1")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "v1-run", "the run went through version 1")

	code, _, stderr = sfnCLI(t, env, `{"card": "4111-1111", oops}`, "run", machine+"echo", "--input", "-")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--input -: ")
	assert.NotContains(t, stderr, "4111", "the input is never echoed")
	code, _, stderr = sfnCLI(t, env, `[1, 2]`, "run", machine+"echo", "--input", "-")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "want a JSON object")
	code, _, stderr = sfnCLI(t, env, "", "run", machine+"echo", "--input", input, "--param", "N:number=3")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "also a property of --input")
}

func TestVersionAndCompletion(t *testing.T) {
	code, stdout, stderr := sfnCLI(t, nil, "", "--version")
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `^polysync-sfn \S+`, stdout)
	assert.Contains(t, stdout, ", go1.")
	if binary != "" {
		// The commit is there when the build recorded one (GOFLAGS may say -buildvcs=false).
		info, err := exec.Command("go", "version", "-m", binary).Output()
		require.NoError(t, err)
		if m := regexp.MustCompile(`vcs.revision=(\w+)`).FindSubmatch(info); m != nil {
			assert.Contains(t, stdout, "(commit "+string(m[1]), "the build's commit")
		} else {
			t.Log("the binary records no commit: only the version is checked")
		}
	}
	code, stdout, stderr = sfnCLI(t, nil, "", "completion", "bash")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "bash completion")
	assert.Contains(t, stdout, "polysync-sfn")
	code, stdout, _ = sfnCLI(t, nil, "", "__complete", "runs", machine+"echo", "--status", "")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "FAILED\n")
}

func TestProgressIsQuietWithoutATerminal(t *testing.T) {
	env := world(t)
	code, _, stderr := sfnCLI(t, env, "", "run", machine+"late", "--wait", "--poll-interval", "100ms")
	assert.Equal(t, 1, code)
	assert.Empty(t, stderr, "run --wait")
	code, _, stderr = sfnCLI(t, env, "", "jobs", "--region", "us-east-1")
	assert.Equal(t, 0, code)
	assert.Empty(t, stderr, "jobs")
}
