package testkit

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// IsolateAWSEnv clears every AWS_ and AZURE_ environment variable except
// those named in keep, points the shared config and credentials files at
// files that do not exist and turns off the EC2 instance metadata service,
// so that the SDK's default chain finds only what the test then sets. The
// environment is restored when the test ends; tests that call it cannot run
// in parallel.
func IsolateAWSEnv(t testing.TB, keep ...string) {
	t.Helper()
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "AWS_") && !strings.HasPrefix(name, "AZURE_") || slices.Contains(keep, name) {
			continue
		}
		t.Setenv(name, "") // restores the value when the test ends
		os.Unsetenv(name)
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}
