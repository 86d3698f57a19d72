package cli

import (
	"errors"
	"testing"

	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The user name and password of the endpoints below: neither may appear in
// anything polysync-sfn prints.
const (
	endpointUser     = "alice"
	endpointPassword = "s3cr3t"
)

func assertNoEndpointCredentials(t *testing.T, printed string) {
	t.Helper()
	assert.NotContains(t, printed, endpointUser)
	assert.NotContains(t, printed, endpointPassword)
}

// TestEndpointUserinfoIsNeverPrinted: an --endpoint (or AWS_ENDPOINT_URL_SFN)
// with a user name and password is refused, naming the flag or variable and
// showing the endpoint with REDACTED in their place, whether the rest of it
// is a valid URL or not.
func TestEndpointUserinfoIsNeverPrinted(t *testing.T) {
	tests := []struct {
		endpoint, shown string
	}{
		{"http://alice:s3cr3t@127.0.0.1:8083", "http://REDACTED@127.0.0.1:8083"},
		{"https://alice@sfn.example.com", "https://REDACTED@sfn.example.com"},
		{"ftp://alice:s3cr3t@127.0.0.1:8083", "ftp://REDACTED@127.0.0.1:8083"},
		{"alice:s3cr3t@127.0.0.1:8083", "REDACTED@127.0.0.1:8083"},
		{"http://alice:s3cr3t@127.0.0.1:bad port", "http://REDACTED@127.0.0.1:bad port"},
		{"http://alice:s3cr3t@[::1", "http://REDACTED@[::1"},
		{"http://alice:s3cr3t@@127.0.0.1:8083", "http://REDACTED@127.0.0.1:8083"},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, nil, "jobs", "--region", "us-east-1", "--endpoint", tt.endpoint)
			assert.Equal(t, ExitUsage, code, stderr)
			assert.Contains(t, stderr, `--endpoint "`+tt.shown+`"`)
			assertNoEndpointCredentials(t, stdout+stderr)

			env := map[string]string{"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_SFN": tt.endpoint}
			code, stdout, stderr = runCLI(t, env, "jobs", "-v")
			assert.Equal(t, ExitUsage, code, stderr)
			assert.Contains(t, stderr, `AWS_ENDPOINT_URL_SFN "`+tt.shown+`"`)
			assertNoEndpointCredentials(t, stdout+stderr)
		})
	}
}

// TestErrorLineRedactsURLUserinfo: a URL given where an ARN belongs is
// quoted in the error, without its user information.
func TestErrorLineRedactsURLUserinfo(t *testing.T) {
	for _, args := range [][]string{
		{"status", "http://alice:s3cr3t@127.0.0.1:8083"},
		{"url", "https://alice:s3cr3t@sfn.example.com/x"},
		{"cancel", "-v", "http://alice:s3cr3t@127.0.0.1:8083"},
	} {
		t.Run(args[0], func(t *testing.T) {
			code, stdout, stderr := runCLI(t, nil, args...)
			assert.Equal(t, ExitUsage, code, stderr)
			assert.Contains(t, stderr, "://REDACTED@")
			assertNoEndpointCredentials(t, stdout+stderr)
		})
	}
}

// TestCarriedFlagsRedactEndpoint: the commands an interrupted --wait or a
// next page suggests repeat the connection flags, never an endpoint's
// password.
func TestCarriedFlagsRedactEndpoint(t *testing.T) {
	f := &app{getenv: func(string) string { return "" }}
	var opts awsOptions
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	opts.register(cmd, f)
	require.NoError(t, cmd.ParseFlags([]string{"--endpoint", "http://alice:s3cr3t@127.0.0.1:8083", "--region", "us-east-1"}))
	got := opts.carriedFlags()
	assert.Equal(t, ` --region us-east-1 --endpoint http://REDACTED@127.0.0.1:8083`, got)
	assertNoEndpointCredentials(t, got)
}

// TestUnreachableHintRedactsEndpoint: the hint for an endpoint that does not
// answer names it without its user information.
func TestUnreachableHintRedactsEndpoint(t *testing.T) {
	a := &app{getenv: func(string) string { return "" }, conn: connFlags{endpoint: "http://alice:s3cr3t@127.0.0.1:8083"}}
	hint := a.hint(&smithyhttp.RequestSendError{Err: errors.New("dial tcp 127.0.0.1:8083: connect: connection refused")})
	assert.NotEmpty(t, hint)
	assertNoEndpointCredentials(t, hint)
}
