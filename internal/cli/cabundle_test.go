package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/polysync/stepfunctions/internal/testkit"
	"github.com/polysync/stepfunctions/sfnlocal"
)

// TestDefaultCredentialsWithCABundle runs a command with the default
// credential chain (a profile) against an HTTPS endpoint whose certificate
// validates only with AWS_CA_BUNDLE.
func TestDefaultCredentialsWithCABundle(t *testing.T) {
	srv := testkit.TLSServer(t, sfnlocal.New())
	bundle := testkit.CABundle(t, srv)
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	require.NoError(t, os.WriteFile(config, []byte("[profile polysync]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"+
		"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"), 0o600))
	// The SDK reads the process environment; the command line reads env.
	for _, name := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SFN", "AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		t.Setenv(name, "")
	}
	env := map[string]string{"AWS_REGION": "us-east-1", "AWS_PROFILE": "polysync", "AWS_CONFIG_FILE": config,
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"), "AWS_CA_BUNDLE": bundle}
	for name, value := range env {
		t.Setenv(name, value)
	}

	code, stdout, stderr := runCLI(t, env, "jobs", "--endpoint", srv.URL)
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "No state machines found")

	// Without the bundle the certificate does not validate: an AWS error, not a usage error.
	t.Setenv("AWS_CA_BUNDLE", "")
	delete(env, "AWS_CA_BUNDLE")
	code, _, stderr = runCLI(t, env, "jobs", "--endpoint", srv.URL)
	assert.NotEqual(t, ExitOK, code)
	assert.NotEqual(t, ExitUsage, code, stderr)
	assert.Contains(t, stderr, "certificate")
}
