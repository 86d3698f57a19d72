package auth

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go"

	"github.com/polysync/stepfunctions/internal/testkit"
)

// sfnFake answers ListStateMachines and records the signing key of each call.
type sfnFake struct {
	srv  *httptest.Server
	mu   sync.Mutex
	keys []string
}

func newSFNFake(t *testing.T) *sfnFake {
	f := &sfnFake{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := authKeyRE.FindStringSubmatch(r.Header.Get("Authorization"))
		f.mu.Lock()
		if m != nil {
			f.keys = append(f.keys, m[1]+" "+m[2]+"/"+m[3])
		} else {
			f.keys = append(f.keys, "unsigned")
		}
		f.mu.Unlock()
		if got := r.Header.Get("X-Amz-Target"); got != "AWSStepFunctions.ListStateMachines" {
			t.Errorf("sfn fake: X-Amz-Target = %q", got)
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_, _ = io.WriteString(w, `{"stateMachines":[]}`)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *sfnFake) Keys() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.keys...)
}

// TestSourcesThroughSFNClient drives a real sfn client with each source's
// provider, the way the provider package does: base carries the Step
// Functions endpoint, which STS calls must not use.
func TestSourcesThroughSFNClient(t *testing.T) {
	tests := []struct {
		name    string
		source  func(stsURL, tokenPath string) Source
		stsFail *stsError
		wantKey string // access key that signs the sfn call
		wantErr error
		wantAPI string
	}{
		{
			name:    "web identity",
			source:  func(u, p string) Source { return WebIdentity(testRoleARN, TokenFile(p), WithSTSEndpoint(u)) },
			wantKey: keyID(1),
		},
		{
			name: "assume role chain",
			source: func(u, p string) Source {
				return AssumeRole(testRole2ARN, WebIdentity(testRoleARN, TokenFile(p), WithSTSEndpoint(u)), WithSTSEndpoint(u))
			},
			wantKey: keyID(2),
		},
		{
			name:    "static",
			source:  func(string, string) Source { return Static(testKeyID, testSecret, "") },
			wantKey: testKeyID,
		},
		{
			name:    "web identity rejected",
			source:  func(u, p string) Source { return WebIdentity(testRoleARN, TokenFile(p), WithSTSEndpoint(u)) },
			stsFail: &stsError{Status: 400, Code: "InvalidIdentityToken", Message: "Incorrect token audience"},
			wantErr: ErrInvalidIdentityToken,
			wantAPI: "InvalidIdentityToken",
		},
		{
			name: "chain with rejected web identity",
			source: func(u, p string) Source {
				return AssumeRole(testRole2ARN, WebIdentity(testRoleARN, TokenFile(p), WithSTSEndpoint(u)), WithSTSEndpoint(u))
			},
			stsFail: &stsError{Status: 403, Code: "IDPRejectedClaim", Message: "Token audience is not valid"},
			wantErr: ErrInvalidIdentityToken,
			wantAPI: "IDPRejectedClaim",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stsFake, sfnSrv := newSTSFake(t), newSFNFake(t)
			if tt.stsFail != nil {
				stsFake.failAlways(*tt.stsFail)
			}
			token := makeJWT(t, entraClaims())
			base := testBase()
			base.BaseEndpoint = aws.String(sfnSrv.srv.URL)
			creds, err := tt.source(stsFake.URL(), writeToken(t, "", token)).Credentials(context.Background(), base)
			if err != nil {
				t.Fatalf("Credentials() error = %v", err)
			}
			base.Credentials = creds
			client := sfn.NewFromConfig(base)

			_, err = client.ListStateMachines(context.Background(), &sfn.ListStateMachinesInput{})
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("ListStateMachines() error = %v", err)
				}
				keys := sfnSrv.Keys()
				if want := tt.wantKey + " " + testRegion + "/states"; len(keys) != 1 || keys[0] != want {
					t.Errorf("sfn call signed with %q, want [%q]", keys, want)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("errors.Is(%v, %v) = false, want true", err, tt.wantErr)
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != tt.wantAPI {
				t.Errorf("errors.As(err, &smithy.APIError) = %v, want code %s", ae, tt.wantAPI)
			}
			if keys := sfnSrv.Keys(); len(keys) != 0 {
				t.Errorf("sfn endpoint called %d times without credentials, want 0", len(keys))
			}
			assertNoSecret(t, err.Error(), token)
		})
	}
}

// stubTransport answers every request with an AssumeRoleWithWebIdentity
// success and records the hosts asked for, without any network.
type stubTransport struct {
	mu    sync.Mutex
	hosts []string
}

func (s *stubTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.hosts = append(s.hosts, r.URL.Host)
	s.mu.Unlock()
	body := `<AssumeRoleWithWebIdentityResponse xmlns="` + stsXMLNS + `"><AssumeRoleWithWebIdentityResult>` +
		`<Credentials><AccessKeyId>` + keyID(1) + `</AccessKeyId><SecretAccessKey>x</SecretAccessKey><SessionToken>y</SessionToken>` +
		`<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"text/xml"}},
		Body:       io.NopCloser(strings.NewReader(body)),
		Request:    r,
	}, nil
}

func TestWebIdentityUsesRegionalSTSEndpoint(t *testing.T) {
	tests := []struct {
		region   string
		wantHost string
	}{
		{region: "us-east-1", wantHost: "sts.us-east-1.amazonaws.com"},
		{region: "eu-west-1", wantHost: "sts.eu-west-1.amazonaws.com"},
		{region: "cn-north-1", wantHost: "sts.cn-north-1.amazonaws.com.cn"},
		{region: "us-gov-west-1", wantHost: "sts.us-gov-west-1.amazonaws.com"},
	}
	for _, tt := range tests {
		t.Run(tt.region, func(t *testing.T) {
			transport := &stubTransport{}
			base := testBase()
			base.Region = tt.region
			base.HTTPClient = &http.Client{Transport: transport}
			// The caller's service endpoint must not be used for STS.
			base.BaseEndpoint = aws.String("http://127.0.0.1:1")
			mustRetrieve(t, WebIdentity(testRoleARN, TokenFunc(func(context.Context) (string, error) { return "a.b.c", nil })), base)
			if len(transport.hosts) != 1 || transport.hosts[0] != tt.wantHost {
				t.Errorf("STS requests went to %q, want [%q]", transport.hosts, tt.wantHost)
			}
		})
	}
}

// countingTransport counts requests through base's HTTP client.
type countingTransport struct{ n atomic.Int32 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func TestDefaultChainWebIdentityFromEnvironment(t *testing.T) {
	testkit.IsolateAWSEnv(t)
	fake := newSTSFake(t)
	token := makeJWT(t, entraClaims())
	t.Setenv("AWS_ROLE_ARN", testRoleARN)
	t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", writeToken(t, "", token))
	t.Setenv("AWS_ROLE_SESSION_NAME", "polysync-default")
	t.Setenv("AWS_ENDPOINT_URL_STS", fake.URL())
	counter := &countingTransport{}
	base := testBase()
	base.HTTPClient = &http.Client{Transport: counter}

	p, c := mustRetrieve(t, Default(), base)
	assertCachedOnce(t, p)
	if c.AccessKeyID != keyID(1) {
		t.Errorf("Retrieve().AccessKeyID = %q, want %q", c.AccessKeyID, keyID(1))
	}
	calls := fake.Calls()
	// The SDK sends the file as it is (writeToken adds a final newline).
	if len(calls) != 1 || strings.TrimSpace(calls[0].WebIdentityToken) != token || calls[0].RoleSessionName != "polysync-default" {
		t.Errorf("STS calls = %d (session %q), want one AssumeRoleWithWebIdentity with the file's token", len(calls), firstSession(calls))
	}
	if counter.n.Load() == 0 {
		t.Errorf("the default chain did not use base's HTTP client")
	}
}

func firstSession(calls []stsCall) string {
	if len(calls) == 0 {
		return ""
	}
	return calls[0].RoleSessionName
}

func TestTokenFileFromEnv(t *testing.T) {
	tests := []struct {
		name     string
		azure    string
		aws      string
		wantPath string
		wantErr  string
	}{
		{name: "azure", azure: "/var/run/secrets/azure/tokens/azure-identity-token", wantPath: "/var/run/secrets/azure/tokens/azure-identity-token"},
		{name: "aws", aws: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token", wantPath: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"},
		{name: "both: azure wins", azure: "/azure", aws: "/aws", wantPath: "/azure"},
		{name: "neither", wantErr: "set AZURE_FEDERATED_TOKEN_FILE or AWS_WEB_IDENTITY_TOKEN_FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvAzureFederatedTokenFile, tt.azure)
			t.Setenv(EnvAWSWebIdentityTokenFile, tt.aws)
			ts, err := TokenFileFromEnv()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("TokenFileFromEnv() error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("TokenFileFromEnv() error = %v", err)
			}
			if got := describeToken(ts); got != "file:"+tt.wantPath {
				t.Errorf("TokenFileFromEnv() = %s, want file:%s", got, tt.wantPath)
			}
		})
	}
}

func TestWebIdentityFromEnv(t *testing.T) {
	tests := []struct {
		name        string
		roleARN     string
		session     string
		opts        []WebIdentityOption
		wantSession string
		wantErr     string
	}{
		{name: "environment session name", roleARN: testRoleARN, session: "polysync-env", wantSession: "polysync-env"},
		{name: "option overrides environment", roleARN: testRoleARN, session: "polysync-env", opts: []WebIdentityOption{WithSessionName("polysync-opt")}, wantSession: "polysync-opt"},
		{name: "missing role", wantErr: "AWS_ROLE_ARN is not set"},
		{name: "malformed role", roleARN: "polysync-sfn", wantErr: `AWS_ROLE_ARN: role ARN "polysync-sfn" is not an IAM role ARN`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newSTSFake(t)
			token := makeJWT(t, entraClaims())
			t.Setenv(EnvAWSRoleARN, tt.roleARN)
			t.Setenv(EnvAWSRoleSessionName, tt.session)
			t.Setenv(EnvAzureFederatedTokenFile, writeToken(t, "", token))
			t.Setenv(EnvAWSWebIdentityTokenFile, "")
			src, err := WebIdentityFromEnv(append([]WebIdentityOption{WithSTSEndpoint(fake.URL())}, tt.opts...)...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("WebIdentityFromEnv() error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("WebIdentityFromEnv() error = %v", err)
			}
			if want := "web-identity(role=" + tt.roleARN + ", token=file:" + os.Getenv(EnvAzureFederatedTokenFile) + ")"; src.String() != want {
				t.Errorf("String() = %q, want %q", src, want)
			}
			mustRetrieve(t, src, testBase())
			calls := fake.Calls()
			if len(calls) != 1 || calls[0].RoleSessionName != tt.wantSession || calls[0].WebIdentityToken != token {
				t.Errorf("STS calls = %d (session %q), want one with session %q and the file's token", len(calls), firstSession(calls), tt.wantSession)
			}
		})
	}
}

// TestWebIdentityHonoursSTSEndpointFromConfig checks that an STS endpoint set
// for the SDK (AWS_ENDPOINT_URL_STS) reaches the STS client, while base's
// general BaseEndpoint does not.
func TestWebIdentityHonoursSTSEndpointFromConfig(t *testing.T) {
	testkit.IsolateAWSEnv(t)
	fake := newSTSFake(t)
	t.Setenv("AWS_ENDPOINT_URL_STS", fake.URL())
	base, err := config.LoadDefaultConfig(context.Background(), config.WithRegion(testRegion))
	if err != nil {
		t.Fatal(err)
	}
	base.BaseEndpoint = aws.String("http://127.0.0.1:1")
	mustRetrieve(t, WebIdentity(testRoleARN, TokenFile(writeToken(t, "", makeJWT(t, entraClaims())))), base)
	if n := len(fake.Calls()); n != 1 {
		t.Errorf("calls to the AWS_ENDPOINT_URL_STS endpoint = %d, want 1", n)
	}
}
