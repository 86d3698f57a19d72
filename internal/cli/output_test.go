package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// keys returns the sorted top-level keys of a JSON object.
func keys(t *testing.T, obj map[string]json.RawMessage) []string {
	t.Helper()
	var ks []string
	for k := range obj {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// TestJSONOutputIsStable pins the field names scripts rely on: one shape for
// a run whether it was just started, waited for, or looked up, with null
// (never Go's zero time) for what is not known yet.
func TestJSONOutputIsStable(t *testing.T) {
	env := localEndpoint(t)
	runKeys := []string{"Cause", "ConsoleURL", "Error", "Message", "Output", "Parameters", "RunID", "StartedAt", "State", "StoppedAt"}
	// run adds what it did: started, or found the run already started.
	startKeys := slices.Sorted(slices.Values(append([]string{"Result"}, runKeys...)))
	decode := func(t *testing.T, args ...string) map[string]json.RawMessage {
		t.Helper()
		_, stdout, stderr := runCLI(t, env, append(args, "--json")...)
		var obj map[string]json.RawMessage
		require.NoError(t, json.Unmarshal([]byte(stdout), &obj), "stdout: %s\nstderr: %s", stdout, stderr)
		return obj
	}

	started := decode(t, "run", smPrefix+"slow", "--param", "n:number=1")
	assert.Equal(t, startKeys, keys(t, started), "run")
	assert.JSONEq(t, `"started"`, string(started["Result"]))
	assert.JSONEq(t, `"Running"`, string(started["State"]))
	assert.JSONEq(t, `null`, string(started["StoppedAt"]))
	assert.JSONEq(t, `null`, string(started["Output"]))
	assert.JSONEq(t, `[{"Name":"n","Direction":"Input","DataType":"number","Value":"1"}]`, string(started["Parameters"]))

	var runID string
	require.NoError(t, json.Unmarshal(started["RunID"], &runID))
	running := decode(t, "status", runID)
	assert.Equal(t, runKeys, keys(t, running), "status of a running run")
	assert.JSONEq(t, `null`, string(running["StoppedAt"]))
	assert.JSONEq(t, `[]`, string(running["Parameters"]))

	done := decode(t, "run", smPrefix+"echo", "--param", "n:number=2", "--param", "tag=x", "--out", "doubled:number", "--wait", "--poll-interval", "100ms")
	assert.Equal(t, startKeys, keys(t, done), "run --wait")
	assert.JSONEq(t, `{"Doubled":4,"tag":"x"}`, string(done["Output"]), "the output is JSON, not a string holding JSON")
	assert.NotEqual(t, `null`, string(done["StoppedAt"]))

	_, stdout, stderr := runCLI(t, env, "jobs", "--json")
	var jobs []map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(stdout), &jobs), stderr)
	require.NotEmpty(t, jobs)
	for _, j := range jobs {
		assert.Equal(t, []string{"CreatedAt", "Description", "ExpressResultsNotRecoverable", "ExpressResultsRecoverable", "ID", "Label", "LoggingLevel", "Name", "RevisionID", "RoleARN", "Status", "TracingEnabled", "Type"}, keys(t, j), "jobs")
	}

	cancelled := decode(t, "cancel", runID)
	assert.Equal(t, []string{"Result", "RunID", "State"}, keys(t, cancelled), "cancel")
	assert.JSONEq(t, `"cancelled"`, string(cancelled["Result"]))
	assert.Equal(t, []string{"Result", "RunID"}, keys(t, decode(t, "redrive", runID)), "redrive")
	assert.Equal(t, []string{"ARN", "URL"}, keys(t, decode(t, "url", runID)), "url")
}

// failingWriter is a standard output that cannot be written: a full disk, a
// closed descriptor.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) {
	return 0, errors.New("write /dev/stdout: no space left on device")
}

// TestLostOutputIsAnError: a command whose data could not be written does
// not exit 0. 'run' without --wait started a run, but a script that reads
// the run's ARN from the output would get nothing, and must know it. Every
// command that prints says so with exit status 4, its text or --json output,
// and what cobra prints for it (--version, help, completion scripts) alike.
func TestLostOutputIsAnError(t *testing.T) {
	env := localEndpoint(t)
	getenv := func(k string) string { return env[k] }
	started := func(machine string) string {
		code, stdout, stderr := runCLI(t, env, "run", smPrefix+machine, "--param", "n:number=1", "--json")
		require.Equal(t, ExitOK, code, stderr)
		var run struct{ RunID string }
		require.NoError(t, json.Unmarshal([]byte(stdout), &run))
		return run.RunID
	}
	slow, failed := started("slow"), started("fails")
	code, _, stderr := runCLI(t, env, "status", failed, "--wait", "--poll-interval", "100ms")
	require.Equal(t, ExitRunFailed, code, stderr)
	iamArgs := []string{"iam-policy", "--state-machine", smPrefix + "echo"}
	for _, args := range [][]string{
		{"run", smPrefix + "echo", "--param", "n:number=1"},
		{"run", smPrefix + "echo", "--param", "n:number=1", "--wait", "--poll-interval", "100ms", "--json"},
		{"url", smPrefix + "echo"},
		{"url", smPrefix + "echo", "--json"},
		{"jobs"},
		{"jobs", "--json"},
		{"describe", smPrefix + "echo"},
		{"describe", smPrefix + "echo", "--json"},
		{"runs", smPrefix + "echo"},
		{"runs", smPrefix + "echo", "--json"},
		{"status", slow},
		{"status", slow, "--json"},
		{"history", failed},
		{"history", failed, "--json"},
		{"redrive", failed, "--json"},
		{"cancel", slow},
		{"cancel", slow, "--json"},
		iamArgs,
		append(iamArgs, "--json"),
		append(iamArgs, "--permissions"),
		{"--version"},
		{"--help"},
		{"help", "run"},
		{"jobs", "--help"},
		{"completion", "bash"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stderr bytes.Buffer
			code := Main(context.Background(), args, failingWriter{}, &stderr, getenv)
			assert.Equal(t, ExitAWS, code, "exit status with the output lost; stderr:\n%s", &stderr)
			assert.Contains(t, stderr.String(), "polysync-sfn: the output was lost: write /dev/stdout: no space left on device")
		})
	}
}

// TestLostOutputKeepsTheRunsExitStatus: a run that failed exits 1 whether or
// not its report could be written, as the state is the answer a script
// tests first.
func TestLostOutputKeepsTheRunsExitStatus(t *testing.T) {
	env := localEndpoint(t)
	code := Main(context.Background(), []string{"run", smPrefix + "fails", "--wait", "--poll-interval", "100ms"},
		failingWriter{}, io.Discard, func(k string) string { return env[k] })
	assert.Equal(t, ExitRunFailed, code)
}

// TestOutputWriterKeepsTheTerminal: history colours failures when its
// standard output is a terminal, which it sees through Main's outputWriter.
// /dev/null is a character device, as a terminal is.
func TestOutputWriterKeepsTheTerminal(t *testing.T) {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer f.Close()
	require.True(t, isTerminal(f), "%s is a character device", os.DevNull)
	assert.True(t, isTerminal(&outputWriter{w: f}))
	assert.False(t, isTerminal(&outputWriter{w: new(bytes.Buffer)}))
}

// TestHistoryJSONEmptyEventsIsAList: a history Step Functions answers with
// no events prints "Events": [], as every other --json list prints an empty
// list, not null, which a script iterating it would take for "not known".
func TestHistoryJSONEmptyEventsIsAList(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		fmt.Fprint(w, `{"events":[]}`)
	}))
	t.Cleanup(srv.Close)
	env := map[string]string{"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_SFN": srv.URL}
	code, stdout, stderr := runCLI(t, env, "history", "arn:aws:states:us-east-1:123456789012:execution:echo:r1", "--json")
	require.Equal(t, ExitOK, code, stderr)
	var got map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(stdout), &got), stdout)
	assert.JSONEq(t, `[]`, string(got["Events"]))
}

// TestCompletionScriptGoesToStdout: 'completion bash' writes its script to
// the command's standard output (it went to the process's own, past Main's
// stdout, whose failures Main reports).
func TestCompletionScriptGoesToStdout(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		code, stdout, stderr := runCLI(t, nil, "completion", shell)
		require.Equal(t, ExitOK, code, stderr)
		assert.Contains(t, stdout, "polysync-sfn", shell)
	}
}
