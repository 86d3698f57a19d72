package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/polysync/stepfunctions/internal/sdkhttp"
	"github.com/polysync/stepfunctions/internal/testkit"
)

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
			testkit.IsolateAWSEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			if tt.credentials != "" {
				if err := os.WriteFile(os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), []byte(tt.credentials), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			p, c := mustRetrieve(t, Default(), aws.Config{Region: "eu-west-1"})
			assertCachedOnce(t, p)
			if c.AccessKeyID != tt.wantKeyID {
				t.Errorf("Retrieve().AccessKeyID = %q, want %q", c.AccessKeyID, tt.wantKeyID)
			}
		})
	}
}

func TestDefaultChainNoCredentials(t *testing.T) {
	testkit.IsolateAWSEnv(t)
	if err := retrieveErr(t, Default(), aws.Config{Region: "eu-west-1"}); err == nil {
		t.Fatal("Retrieve() with no credentials anywhere: error = nil, want an error")
	}
}

// earlyRefreshSources set up the default chain to find credentials that
// expire after lifetime, and return a count of the fetches so far.
var earlyRefreshSources = map[string]func(t *testing.T, lifetime time.Duration) func() int{
	"web identity from the environment": func(t *testing.T, lifetime time.Duration) func() int {
		fake := newSTSFake(t)
		fake.expiry = lifetime
		t.Setenv("AWS_ROLE_ARN", testRoleARN)
		t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", writeToken(t, "", makeJWT(t, entraClaims())))
		t.Setenv("AWS_ENDPOINT_URL_STS", fake.URL())
		return func() int { return len(fake.Calls()) }
	},
	"credential_process": func(t *testing.T, lifetime time.Duration) func() int {
		dir := t.TempDir()
		out, _ := json.Marshal(map[string]any{"Version": 1, "AccessKeyId": testKeyID, "SecretAccessKey": testSecret,
			"SessionToken": "process-session", "Expiration": time.Now().Add(lifetime).UTC().Format(time.RFC3339)})
		for name, content := range map[string]string{
			"creds.json": string(out),
			"config":     "[default]\ncredential_process = sh -c 'echo run >> " + dir + "/runs; cat " + dir + "/creds.json'\n",
		} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
		return func() int {
			runs, _ := os.ReadFile(filepath.Join(dir, "runs"))
			return strings.Count(string(runs), "run")
		}
	},
}

func TestDefaultChainRefreshesEarly(t *testing.T) {
	tests := []struct {
		lifetime time.Duration
		want     int // fetches for two Retrieve calls
	}{
		{3 * time.Minute, 2}, // inside the 4-5 minute window: refreshed at once
		{time.Hour, 1},
	}
	for name, setup := range earlyRefreshSources {
		for _, tt := range tests {
			t.Run(name+"/"+tt.lifetime.String(), func(t *testing.T) {
				testkit.IsolateAWSEnv(t)
				fetches := setup(t, tt.lifetime)
				p, err := Default().Credentials(context.Background(), testBase())
				if err != nil {
					t.Fatalf("Credentials() error = %v", err)
				}
				assertCachedOnce(t, p)
				for i := range 2 {
					if _, err := p.Retrieve(context.Background()); err != nil {
						t.Fatalf("Retrieve() #%d error = %v", i+1, err)
					}
				}
				if got := fetches(); got != tt.want {
					t.Errorf("credentials valid for %v: fetches for two Retrieve calls = %d, want %d", tt.lifetime, got, tt.want)
				}
			})
		}
	}
}

func TestDefaultChainWithCABundle(t *testing.T) {
	clients := map[string]func() aws.HTTPClient{
		"none": func() aws.HTTPClient { return nil },
		// What the stepfunctions provider passes: the SDK's client under this module's wrappers.
		"wrapped SDK client": func() aws.HTTPClient {
			return sdkhttp.WithTimeout(sdkhttp.ReadOnlyBodies(awshttp.NewBuildableClient()), time.Minute)
		},
		"plain *http.Client": func() aws.HTTPClient { return &http.Client{} },
	}
	for name, client := range clients {
		for _, bundle := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/bundle=%v", name, bundle), func(t *testing.T) {
				testkit.IsolateAWSEnv(t)
				fake := newSTSFake(t)
				tlsSTS := testkit.TLSServer(t, fake.srv.Config.Handler)
				if bundle {
					t.Setenv("AWS_CA_BUNDLE", testkit.CABundle(t, tlsSTS))
				}
				t.Setenv("AWS_ROLE_ARN", testRoleARN)
				t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", writeToken(t, "", makeJWT(t, entraClaims())))
				t.Setenv("AWS_ENDPOINT_URL_STS", tlsSTS.URL)
				base := testBase()
				base.HTTPClient = client()

				err := retrieveErr(t, Default(), base)
				if bundle && err != nil {
					t.Fatalf("Retrieve() from STS over TLS that validates with AWS_CA_BUNDLE: %v", err)
				}
				if !bundle && (err == nil || !strings.Contains(err.Error(), "certificate")) {
					t.Fatalf("Retrieve() from STS over TLS without the bundle = %v, want a certificate error", err)
				}
			})
		}
	}
}
