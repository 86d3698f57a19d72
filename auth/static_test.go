package auth

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

const (
	testKeyID  = "AKIAIOSFODNN7EXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	testToken  = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN"
)

func TestStaticCredentials(t *testing.T) {
	tests := []struct {
		name         string
		id, secret   string
		sessionToken string
	}{
		{name: "long-term keys", id: testKeyID, secret: testSecret},
		{name: "temporary keys", id: "ASIAIOSFODNN7EXAMPLE", secret: testSecret, sessionToken: testToken},
		{name: "local endpoint placeholder", id: "polysync-local", secret: "polysync-local-secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Static(tt.id, tt.secret, tt.sessionToken).Credentials(context.Background(), aws.Config{})
			if err != nil {
				t.Fatalf("Credentials() error = %v", err)
			}
			assertCachedOnce(t, p)
			if got := innerProviderType(t, p); got.String() != "*credentials.StaticCredentialsProvider" {
				t.Errorf("cached provider = %v, want *credentials.StaticCredentialsProvider", got)
			}
			c, err := p.Retrieve(context.Background())
			if err != nil {
				t.Fatalf("Retrieve() error = %v", err)
			}
			if c.AccessKeyID != tt.id || c.SecretAccessKey != tt.secret || c.SessionToken != tt.sessionToken {
				t.Errorf("Retrieve() returned keys other than the ones given")
			}
			if c.Source != credentials.StaticCredentialsName {
				t.Errorf("Retrieve().Source = %q, want %q", c.Source, credentials.StaticCredentialsName)
			}
		})
	}
}

func TestStaticValidation(t *testing.T) {
	tests := []struct {
		name         string
		id, secret   string
		sessionToken string
		wantErr      string
	}{
		{name: "empty access key ID", secret: testSecret, wantErr: "access key ID is empty"},
		{name: "access key ID with newline", id: testKeyID + "\n", secret: testSecret, wantErr: "access key ID (21 characters) must be at most 128"},
		{name: "access key ID too long", id: strings.Repeat("A", 129), secret: testSecret, wantErr: "access key ID (129 characters)"},
		{name: "swapped keys", id: testSecret, secret: testKeyID, wantErr: "swapped"},
		{name: "empty secret", id: testKeyID, wantErr: "secret access key for AKIA****MPLE is empty"},
		{name: "secret with newline", id: testKeyID, secret: testSecret + "\n", wantErr: "secret access key for AKIA****MPLE has leading or trailing whitespace"},
		{name: "session token with space", id: testKeyID, secret: testSecret, sessionToken: " " + testToken, wantErr: "session token for AKIA****MPLE has leading or trailing whitespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Static(tt.id, tt.secret, tt.sessionToken).Credentials(context.Background(), aws.Config{})
			if err == nil {
				t.Fatalf("Credentials() error = nil, want %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Credentials() error = %q, want it to contain %q", err, tt.wantErr)
			}
			assertNoSecret(t, err.Error(), testSecret, testToken)
		})
	}
}

func TestStaticCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Static(testKeyID, testSecret, "").Credentials(ctx, aws.Config{}); err == nil {
		t.Fatal("Credentials() with a canceled context: error = nil, want context.Canceled")
	}
}

// TestStaticSwappedKeysNeverPrintTheSecret: a secret access key given as the
// access key ID passes validation when it holds none of '/', '+' and '=', and
// then String, LogValue and the errors naming the source must not show any
// of it, not even the masked form's first and last four characters.
func TestStaticSwappedKeysNeverPrintTheSecret(t *testing.T) {
	const secret = "wJalrXUtnFEMIxK7MDENGxbPxRfiCYzEXAMPLEKY" // 40 characters, as AWS issues them
	src := Static(secret, testKeyID, "")
	if _, err := src.Credentials(context.Background(), aws.Config{}); err != nil {
		t.Fatalf("Credentials() error = %v", err)
	}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("resolve", "source", src)
	for where, out := range map[string]string{"String()": src.String(), "%v": fmt.Sprintf("%v", src), "slog": logged.String()} {
		for _, part := range []string{secret[:4], secret[len(secret)-4:]} {
			if strings.Contains(out, part) {
				t.Errorf("%s = %q shows part of the secret (%q)", where, out, part)
			}
		}
	}
	for id, want := range map[string]string{testKeyID: "AKIA****MPLE", "ASIAIOSFODNN7EXAMPLE": "ASIA****MPLE", "polysync-local": "poly****ocal"} {
		if got := Static(id, testSecret, "").String(); got != "static("+want+")" {
			t.Errorf("Static(%q).String() = %q, want static(%s)", id, got, want)
		}
	}
}
