package auth

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// isolateAWSEnv clears every environment variable and file the default chain
// reads, so tests see only what they set.
func isolateAWSEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "AWS_") || strings.HasPrefix(name, "AZURE_") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

func TestDefaultChain(t *testing.T) {
	tests := []struct {
		name        string
		env         map[string]string
		credentials string // shared credentials file content
		wantKeyID   string
	}{
		{
			name:      "environment variables",
			env:       map[string]string{"AWS_ACCESS_KEY_ID": testKeyID, "AWS_SECRET_ACCESS_KEY": testSecret},
			wantKeyID: testKeyID,
		},
		{
			name:        "shared credentials file, named profile",
			env:         map[string]string{"AWS_PROFILE": "polysync"},
			credentials: "[default]\naws_access_key_id = AKIADEFAULTPROFILE1\naws_secret_access_key = x\n[polysync]\naws_access_key_id = AKIAPOLYSYNCPROFILE\naws_secret_access_key = " + testSecret + "\n",
			wantKeyID:   "AKIAPOLYSYNCPROFILE",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolateAWSEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			if tt.credentials != "" {
				if err := os.WriteFile(os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), []byte(tt.credentials), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			p, err := Default().Credentials(context.Background(), aws.Config{Region: "eu-west-1"})
			if err != nil {
				t.Fatalf("Credentials() error = %v", err)
			}
			assertCachedOnce(t, p)
			c, err := p.Retrieve(context.Background())
			if err != nil {
				t.Fatalf("Retrieve() error = %v", err)
			}
			if c.AccessKeyID != tt.wantKeyID {
				t.Errorf("Retrieve().AccessKeyID = %q, want %q", c.AccessKeyID, tt.wantKeyID)
			}
		})
	}
}

func TestDefaultChainNoCredentials(t *testing.T) {
	isolateAWSEnv(t)
	p, err := Default().Credentials(context.Background(), aws.Config{Region: "eu-west-1"})
	if err != nil {
		t.Fatalf("Credentials() error = %v", err)
	}
	if _, err := p.Retrieve(context.Background()); err == nil {
		t.Fatal("Retrieve() with no credentials anywhere: error = nil, want an error")
	}
}
