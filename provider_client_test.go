package stepfunctions

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/polysync/stepfunctions/auth"
	"github.com/polysync/stepfunctions/internal/testkit"
)

const testRoleARN = "arn:aws:iam::123456789012:role/polysync"

// stsServer answers STS AssumeRole and AssumeRoleWithWebIdentity on the wire (awsQuery: a form in, XML out) and
// counts the requests it receives.
type stsServer struct {
	srv      *httptest.Server
	requests atomic.Int32
	// stallFirst makes the first request wait, without an answer, until its client gives up.
	stallFirst bool
	// status, when set, answers every request with that HTTP status and an STS error.
	status int
}

// newSTSServer starts an STS server, over TLS when useTLS is set (with httptest's certificate, see testkit.CABundle).
func newSTSServer(t *testing.T, useTLS bool, configure func(*stsServer)) *stsServer {
	t.Helper()
	s := &stsServer{}
	if configure != nil {
		configure(s)
	}
	release := make(chan struct{})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, release) })
	if useTLS {
		s.srv = testkit.TLSServer(t, handler)
	} else {
		s.srv = httptest.NewServer(handler)
		t.Cleanup(s.srv.Close)
	}
	t.Cleanup(func() { close(release) }) // runs first, so that a stalled request cannot hold up Close
	return s
}

func (s *stsServer) serve(w http.ResponseWriter, r *http.Request, release <-chan struct{}) {
	n := s.requests.Add(1)
	if s.stallFirst && n == 1 {
		select {
		case <-r.Context().Done():
		case <-release:
		}
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	const ns = "https://sts.amazonaws.com/doc/2011-06-15/"
	w.Header().Set("Content-Type", "text/xml")
	if s.status != 0 {
		w.WriteHeader(s.status)
		fmt.Fprintf(w, `<ErrorResponse xmlns="%s"><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>try again</Message></Error><RequestId>r</RequestId></ErrorResponse>`, ns)
		return
	}
	action := r.PostForm.Get("Action")
	fmt.Fprintf(w, `<%[1]sResponse xmlns="%[2]s"><%[1]sResult><Credentials><AccessKeyId>ASIASTSSERVER%06[3]d</AccessKeyId><SecretAccessKey>stsServerSecret</SecretAccessKey><SessionToken>session</SessionToken><Expiration>%[4]s</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/polysync/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></%[1]sResult></%[1]sResponse>`,
		action, ns, n, time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
}

// credentialCase is a credential source of each kind, set up against an STS server.
type credentialCase struct {
	name  string
	setup func(t *testing.T, stsURL string) auth.Source
}

// webIdentityToken is a token STS servers of these tests accept; its content does not matter to them.
const webIdentityToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwb2x5c3luYyJ9.c2lnbmF0dXJl"

func credentialCases() []credentialCase {
	return []credentialCase{
		{"web identity", func(_ *testing.T, stsURL string) auth.Source {
			return auth.WebIdentity(testRoleARN, auth.TokenFunc(func(context.Context) (string, error) { return webIdentityToken, nil }),
				auth.WithSTSEndpoint(stsURL))
		}},
		{"assume role", func(_ *testing.T, stsURL string) auth.Source {
			return auth.AssumeRole(testRoleARN, auth.Static("AKIDEXAMPLE12345678", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
				auth.WithSTSEndpoint(stsURL))
		}},
		{"default chain (nil Credentials, web identity from the environment)", func(t *testing.T, stsURL string) auth.Source {
			webIdentityEnv(t, stsURL)
			return nil
		}},
		{"auth.Default() (web identity from the environment)", func(t *testing.T, stsURL string) auth.Source {
			webIdentityEnv(t, stsURL)
			return auth.Default()
		}},
	}
}

// webIdentityEnv sets up web identity federation for the default chain, with STS at stsURL.
func webIdentityEnv(t *testing.T, stsURL string) {
	t.Helper()
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(webIdentityToken), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ROLE_ARN", testRoleARN)
	t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile)
	t.Setenv("AWS_ENDPOINT_URL_STS", stsURL)
}

// listStateMachinesOK answers ListStateMachines with one page and no state machine.
func listStateMachinesOK(map[string]any) (int, any) {
	return http.StatusOK, map[string]any{"stateMachines": []any{}}
}

func TestStalledSTSRequestDoesNotWedgeTheProvider(t *testing.T) {
	for _, tc := range credentialCases() {
		t.Run(tc.name, func(t *testing.T) {
			testkit.IsolateAWSEnv(t, "AWS_CA_BUNDLE")
			sts := newSTSServer(t, false, func(s *stsServer) { s.stallFirst = true })
			w := newWireServer(t)
			w.handle("ListStateMachines", listStateMachinesOK)
			p, err := New(context.Background(), Config{Region: "eu-west-1", Endpoint: w.srv.URL, RateLimits: unlimited(),
				Credentials: tc.setup(t, sts.srv.URL), CredentialTimeout: 500 * time.Millisecond, MaxBackoff: 10 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}

			// The first caller gives up while STS holds its request: its own ctx bounds its wait.
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			start := time.Now()
			_, err = p.ListJobs(ctx)
			cancel()
			if err == nil {
				t.Fatal("ListJobs() while STS stalls: error = nil, want the caller's deadline")
			}
			if waited := time.Since(start); waited > 2*time.Second {
				t.Errorf("ListJobs() with a 100ms ctx returned after %v", waited)
			}

			// A later caller gets through: the stalled request ends at CredentialTimeout and STS answers the retry.
			ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if _, err := p.ListJobs(ctx); err != nil {
				t.Fatalf("ListJobs() after the stalled STS request: %v", err)
			}
			if n := sts.requests.Load(); n != 2 {
				t.Errorf("STS requests = %d, want 2 (the stalled one and its retry)", n)
			}
		})
	}
}

func TestCredentialFailureIsNotRetriedTwice(t *testing.T) {
	const maxAttempts = 3
	for _, tc := range credentialCases() {
		t.Run(tc.name, func(t *testing.T) {
			testkit.IsolateAWSEnv(t, "AWS_CA_BUNDLE")
			sts := newSTSServer(t, false, func(s *stsServer) { s.status = http.StatusServiceUnavailable })
			w := newWireServer(t)
			w.handle("ListStateMachines", listStateMachinesOK)
			p, err := New(context.Background(), Config{Region: "eu-west-1", Endpoint: w.srv.URL, RateLimits: unlimited(),
				Credentials: tc.setup(t, sts.srv.URL), MaxAttempts: maxAttempts, MaxBackoff: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.ListJobs(context.Background())
			if err == nil || !strings.Contains(err.Error(), "ServiceUnavailable") {
				t.Fatalf("ListJobs() with STS answering 503 = %v, want an error naming ServiceUnavailable", err)
			}
			if n := sts.requests.Load(); n != maxAttempts {
				t.Errorf("STS requests for one ListJobs = %d, want MaxAttempts (%d)", n, maxAttempts)
			}
			if n := len(w.calls("ListStateMachines")); n != 0 {
				t.Errorf("ListStateMachines requests = %d, want 0 without credentials", n)
			}
			if !IsRetryable(err) {
				t.Errorf("IsRetryable(%v) = false, want true: STS failing is transient for the host", err)
			}
		})
	}
}

func TestUnreachableSTSIsTransientForTheHost(t *testing.T) {
	testkit.IsolateAWSEnv(t, "AWS_CA_BUNDLE")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	w := newWireServer(t)
	p, err := New(context.Background(), Config{Region: "eu-west-1", Endpoint: w.srv.URL, RateLimits: unlimited(),
		MaxAttempts: 2, MaxBackoff: time.Millisecond, Credentials: credentialCases()[1].setup(t, closed)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.ListJobs(context.Background())
	if err == nil || !IsRetryable(err) {
		t.Fatalf("ListJobs() with STS refusing connections = %v, IsRetryable %v; want a retryable error", err, IsRetryable(err))
	}
}

// clientFunc is a Config.HTTPClient that is neither an *http.Client nor the SDK's client.
type clientFunc func(*http.Request) (*http.Response, error)

func (f clientFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func TestCABundleWithEveryCredentialSourceAndClient(t *testing.T) {
	plainTransport := &http.Transport{}
	clients := []struct {
		name   string
		client func() aws.HTTPClient // a fresh client per case
	}{
		{"nil", func() aws.HTTPClient { return nil }},
		{"plain *http.Client", func() aws.HTTPClient { return &http.Client{Timeout: 10 * time.Minute} }},
		{"*http.Client with an *http.Transport", func() aws.HTTPClient { return &http.Client{Transport: plainTransport} }},
		{"*awshttp.BuildableClient", func() aws.HTTPClient { return awshttp.NewBuildableClient() }},
	}
	sources := append(credentialCases(), credentialCase{"static keys", func(*testing.T, string) auth.Source {
		return auth.Static("AKIDEXAMPLE12345678", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")
	}})
	for _, bundle := range []bool{true, false} {
		for _, cl := range clients {
			for _, src := range sources {
				t.Run(fmt.Sprintf("bundle=%v/%s/%s", bundle, cl.name, src.name), func(t *testing.T) {
					testkit.IsolateAWSEnv(t, "AWS_CA_BUNDLE")
					sts := newSTSServer(t, true, nil)
					w := newWireServer(t)
					w.handle("ListStateMachines", listStateMachinesOK)
					sfnTLS := testkit.TLSServer(t, http.HandlerFunc(w.serve))
					t.Setenv("AWS_CA_BUNDLE", "")
					if bundle {
						t.Setenv("AWS_CA_BUNDLE", testkit.CABundle(t, sfnTLS))
					}
					cfg := Config{Region: "eu-west-1", Endpoint: sfnTLS.URL, RateLimits: unlimited(), MaxAttempts: 1,
						Credentials: src.setup(t, sts.srv.URL), HTTPClient: cl.client()}
					p, err := New(context.Background(), cfg)
					if err != nil {
						t.Fatalf("New() error = %v", err)
					}
					_, err = p.ListJobs(context.Background())
					if bundle && err != nil {
						t.Fatalf("ListJobs() over TLS that validates with AWS_CA_BUNDLE: %v", err)
					}
					if !bundle && (err == nil || !strings.Contains(err.Error(), "certificate")) {
						t.Fatalf("ListJobs() over TLS without the bundle = %v, want a certificate error", err)
					}
				})
			}
		}
	}
	if tc := plainTransport.TLSClientConfig; tc != nil && tc.RootCAs != nil {
		t.Errorf("New changed the root CAs of the caller's transport")
	}
}

func TestCABundleRefusesAClientThatCannotTakeIt(t *testing.T) {
	testkit.IsolateAWSEnv(t, "AWS_CA_BUNDLE")
	w := newWireServer(t)
	w.handle("ListStateMachines", listStateMachinesOK)
	custom := clientFunc(func(r *http.Request) (*http.Response, error) { return http.DefaultClient.Do(r) })
	cfg := Config{Region: "eu-west-1", Endpoint: w.srv.URL, RateLimits: unlimited(), HTTPClient: custom,
		Credentials: auth.Static("AKIDEXAMPLE12345678", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")}

	t.Setenv("AWS_CA_BUNDLE", "")
	p, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New() with a custom client and no bundle: %v", err)
	}
	if _, err := p.ListJobs(context.Background()); err != nil {
		t.Fatalf("ListJobs() through a custom client: %v", err)
	}

	t.Setenv("AWS_CA_BUNDLE", testkit.CABundle(t, testkit.TLSServer(t, http.NotFoundHandler())))
	_, err = New(context.Background(), cfg)
	if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), "custom CA bundle") ||
		!strings.Contains(err.Error(), "stepfunctions.clientFunc") {
		t.Fatalf("New() with a custom client and a bundle = %v, want ErrInvalidInput naming the bundle and the client type", err)
	}
}

func TestNewBlamesAMissingProfileNotTheHTTPClient(t *testing.T) {
	clients := map[string]aws.HTTPClient{
		"default": nil,
		"custom":  clientFunc(func(r *http.Request) (*http.Response, error) { return http.DefaultClient.Do(r) }),
	}
	for name, c := range clients {
		t.Run(name, func(t *testing.T) {
			testkit.IsolateAWSEnv(t) // only AWS_PROFILE, as the test sets it
			t.Setenv("AWS_PROFILE", "nope")
			_, err := New(context.Background(), Config{Region: "eu-west-1", RateLimits: unlimited(), HTTPClient: c,
				Credentials: auth.Static("AKIDEXAMPLE12345678", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")})
			if !errors.Is(err, ErrInvalidInput) || !errors.As(err, new(config.SharedConfigProfileNotExistError)) {
				t.Fatalf("New() with AWS_PROFILE naming no profile = %v, want ErrInvalidInput wrapping the SDK's SharedConfigProfileNotExistError", err)
			}
			if msg := err.Error(); strings.Contains(msg, "HTTPClient") || strings.Contains(msg, "CA bundle") || !strings.Contains(msg, "nope") {
				t.Errorf("New() error = %q, want it to name the profile, not the HTTP client or the CA bundle", msg)
			}
		})
	}
}
