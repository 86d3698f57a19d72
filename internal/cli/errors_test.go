package cli

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sfn "github.com/polysync/stepfunctions"
)

// deadEndpoint returns a loopback URL where nothing listens.
func deadEndpoint(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return "http://" + addr
}

func TestUnreachableEndpointHint(t *testing.T) {
	t.Parallel()
	endpoint := deadEndpoint(t)
	code, _, stderr := runCLI(t, map[string]string{"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_SFN": endpoint}, "jobs")
	assert.Equal(t, ExitAWS, code, stderr)
	assert.Contains(t, stderr, "(hint: nothing answers at "+endpoint+": is 'polysync-sfn local' running there?")
	assert.Regexp(t, `^polysync-sfn: [^\n]+\n$`, stderr, "one line")
}

func TestHintsForFailuresTheProviderLeavesBare(t *testing.T) {
	sendErr := &smithy.OperationError{ServiceID: "SFN", OperationName: "ListStateMachines",
		Err: &smithyhttp.RequestSendError{Err: errors.New("dial tcp: lookup states.eu-west-1.amazonaws.com: no such host")}}
	noCreds := &smithy.OperationError{ServiceID: "SFN", OperationName: "ListStateMachines",
		Err: errors.New("get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found")}
	stsDown := &smithy.OperationError{ServiceID: "SFN", OperationName: "ListStateMachines",
		Err: fmt.Errorf("get identity: get credentials: failed to refresh cached credentials, %w",
			&smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRoleWithWebIdentity", Err: &smithyhttp.RequestSendError{Err: errors.New("no such host")}})}
	noProfile := &sfn.Error{Op: "New", Err: fmt.Errorf("load AWS configuration: %w", config.SharedConfigProfileNotExistError{Profile: "prod"})}
	withHint := &sfn.Error{Op: "StartExecution", Kind: sfn.ErrAccessDenied, Hint: "grant states:StartExecution", Err: sendErr}

	tests := []struct {
		name     string
		conn     connFlags
		defaults bool
		err      error
		wantCode int
		wantHint string
	}{
		{"remote endpoint unreachable", connFlags{region: "eu-west-1"}, false, sendErr, ExitAWS,
			"Step Functions could not be reached: check --region, --endpoint (or AWS_ENDPOINT_URL_SFN) and the network or proxy"},
		{"default chain found nothing", connFlags{region: "eu-west-1"}, true, noCreds, ExitAuth,
			"no AWS credentials were found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a profile with AWS_PROFILE, or pass --role-arn with --web-identity-token-file"},
		{"STS unreachable", connFlags{region: "eu-west-1"}, false, stsDown, ExitAuth,
			"STS could not be reached to get credentials: check --region and the network or proxy"},
		{"unknown profile", connFlags{region: "eu-west-1"}, true, noProfile, ExitAuth,
			`profile "prod" (AWS_PROFILE) is in neither ~/.aws/config nor ~/.aws/credentials`},
		{"the provider's own hint wins", connFlags{region: "eu-west-1"}, false, withHint, ExitAuth, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &app{getenv: func(string) string { return "" }, conn: tt.conn, defaultCreds: tt.defaults}
			assert.Equal(t, tt.wantCode, classify(tt.err))
			assert.Equal(t, tt.wantHint, a.hint(tt.err))
		})
	}
}

// TestErrorLineEscapesControlCharacters: an error is one line on stderr,
// whatever the service's message holds. A message with a terminal's escape
// sequences, a carriage return or new lines is shown escaped, as the text
// output shows an error or a cause, with -v's detail line too.
func TestErrorLineEscapesControlCharacters(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"__type":"ExecutionDoesNotExist","message":"gone\u001b]0;pwned\u0007\rline2\nline3\u009b31m"}`)
	}))
	t.Cleanup(srv.Close)
	env := map[string]string{"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_SFN": srv.URL}
	for _, verbose := range []bool{false, true} {
		args := []string{"status", "arn:aws:states:us-east-1:123456789012:execution:echo:r1"}
		if verbose {
			args = append(args, "-v")
		}
		code, _, stderr := runCLI(t, env, args...)
		require.Equal(t, ExitAWS, code, stderr)
		for _, r := range stderr {
			if r != '\n' && unicode.IsControl(r) {
				t.Fatalf("stderr holds control character %U:\n%q", r, stderr)
			}
		}
		var errorLines []string
		for _, l := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
			if strings.HasPrefix(l, "polysync-sfn: ") {
				errorLines = append(errorLines, l)
			}
		}
		want := 1
		if verbose {
			want = 2 // and the detail
		}
		require.Len(t, errorLines, want, stderr)
		for _, l := range errorLines {
			assert.Contains(t, l, `gone\x1b]0;pwned\a\rline2\nline3\u009b31m`)
		}
	}
}
