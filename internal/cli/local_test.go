package cli

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLocalServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := Main(ctx, []string{"local", "--addr", "127.0.0.1:0", "--region", "eu-west-1"}, pw, io.Discard, func(string) string { return "" })
		pw.Close()
		done <- code
	}()
	lines := bufio.NewReader(pr)
	line, err := lines.ReadString('\n')
	require.NoError(t, err)
	m := regexp.MustCompile(`Serving Step Functions on (http://127\.0\.0\.1:\d+) `).FindStringSubmatch(line)
	require.NotNil(t, m, "first line: %q", line)

	// The polysync-sfn command line it suggests works as printed, with an
	// empty environment.
	var suggested []string
	for suggested == nil {
		line, err := lines.ReadString('\n')
		require.NoError(t, err, "local printed no polysync-sfn command line")
		if words := strings.Fields(line); len(words) > 1 && words[0] == "polysync-sfn" {
			suggested = words[1:]
		}
	}
	go io.Copy(io.Discard, pr)
	code, stdout, stderr := runCLI(t, nil, suggested...)
	assert.Equal(t, ExitOK, code, "polysync-sfn %s: %s", strings.Join(suggested, " "), stderr)
	assert.Contains(t, stdout, "No state machines found")

	// A raw request without a signature is refused in the service's own words.
	resp, err := http.Post(m[1], "application/x-amz-json-1.0", strings.NewReader("{}"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.NotEmpty(t, resp.Header.Get("X-Amzn-ErrorType"))

	assertStops(t, cancel, done)
}

// assertStops cancels local's context and asserts that it then ends with
// ExitOK, its exit status sent on done.
func assertStops(t *testing.T, cancel context.CancelFunc, done <-chan int) {
	t.Helper()
	cancel()
	select {
	case code := <-done:
		assert.Equal(t, ExitOK, code)
	case <-time.After(10 * time.Second):
		t.Fatal("local did not stop after its context was cancelled")
	}
}

func TestLocalRejectsBadFlags(t *testing.T) {
	code, _, stderr := runCLI(t, nil, "local", "--account", "12345")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, `--account "12345"`)
	for _, scale := range []string{"-1", "0", "NaN", "+Inf"} {
		code, _, stderr = runCLI(t, nil, "local", "--addr", "127.0.0.1:0", "--time-scale", scale)
		assert.Equal(t, ExitUsage, code, "--time-scale %s", scale)
		assert.Contains(t, stderr, "--time-scale "+scale+": must be a positive number")
	}
	bad := filepath.Join(t.TempDir(), "mocks.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"MockedResponses":{"R":{"0":{}}}}`), 0o600))
	code, _, stderr = runCLI(t, nil, "local", "--addr", "127.0.0.1:0", "--mock-config", bad)
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, stderr, `MockedResponses."R"."0": want exactly one of Return and Throw`)
}

func TestLoopbackEndpoint(t *testing.T) {
	tests := []struct {
		endpoint string
		want     bool
	}{
		{"http://127.0.0.1:8083", true},
		{"http://127.0.0.2:8083", true},
		{"http://[::1]:8083", true},
		{"http://localhost:8083", true},
		{"http://0.0.0.0:8083", false},
		{"http://[::]:8083", false},
		{"http://192.168.1.20:8083", false},
		{"http://example.com:8083", false},
		{"://bad", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, isLoopbackEndpoint(tt.endpoint), tt.endpoint)
	}
}

func TestLocalOnLoopbackDoesNotWarn(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stderr strings.Builder
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"local", "--addr", "127.0.0.1:0"}, pw, &stderr, func(string) string { return "" })
		pw.Close()
	}()
	_, err := bufio.NewReader(pr).ReadString('\n')
	require.NoError(t, err)
	go io.Copy(io.Discard, pr)
	cancel()
	assert.Equal(t, ExitOK, <-done)
	assert.NotContains(t, stderr.String(), "warning")
}

func TestNewCmdLocal(t *testing.T) {
	env := map[string]string{"AWS_REGION": "ap-south-1"}
	f, opts, err := parseOnly(t, newCmdLocal, env, "--addr", "127.0.0.1:0", "--account", "111122223333",
		"--region", "eu-west-1", "--time-scale", "10", "--mock-config", "mocks.json", "-v")
	require.NoError(t, err)
	require.NotNil(t, opts, "runF ran")
	assert.Equal(t, "127.0.0.1:0", opts.addr)
	assert.Equal(t, "111122223333", opts.account)
	assert.Equal(t, "eu-west-1", opts.region)
	assert.Equal(t, 10.0, opts.timeScale)
	assert.Equal(t, "mocks.json", opts.mockConfig)
	assert.True(t, f.verbose)
	assert.Empty(t, f.conn.region, "local's --region names the ARNs it makes, not a region to connect to")
	assert.Equal(t, "ap-south-1", opts.getenv("AWS_REGION"), "local reads the factory's environment")

	_, opts, err = parseOnly(t, newCmdLocal, nil)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:8083", opts.addr, "default --addr")
	assert.Equal(t, "123456789012", opts.account, "default --account")
	assert.Empty(t, opts.region)
	assert.Equal(t, 1.0, opts.timeScale, "default --time-scale")

	_, _, err = parseOnly(t, newCmdLocal, nil, "--endpoint", "http://127.0.0.1:8083")
	assert.ErrorContains(t, err, "unknown flag: --endpoint")
}

// TestLocalHelpNamesEveryRegionSource: local's region comes from --region,
// else $AWS_REGION, else $AWS_DEFAULT_REGION, else us-east-1, and its help
// says so, as the --region flag's does.
func TestLocalHelpNamesEveryRegionSource(t *testing.T) {
	cmd := newCmdLocal(&app{getenv: func(string) string { return "" }}, nil)
	assert.Regexp(t, `--region[^.]*\$AWS_REGION[^.]*\$AWS_DEFAULT_REGION[^.]*`+localRegion, strings.Join(strings.Fields(cmd.Long), " "))
}
