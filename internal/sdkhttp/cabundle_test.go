package sdkhttp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/polysync/stepfunctions/internal/testkit"
)

// tlsServer starts a TLS server that answers "ok" and returns it with a CA
// bundle file holding its certificate.
func tlsServer(t *testing.T) (srv *httptest.Server, bundle string) {
	t.Helper()
	srv = testkit.TLSServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	return srv, testkit.CABundle(t, srv)
}

func TestWithCABundle(t *testing.T) {
	clients := map[string]func() Client{
		"nil":                         func() Client { return nil },
		"*http.Client":                func() Client { return &http.Client{} },
		"*http.Client, own Transport": func() Client { return &http.Client{Transport: &http.Transport{}} },
		"*awshttp.BuildableClient":    func() Client { return awshttp.NewBuildableClient() },
	}
	for name, newClient := range clients {
		t.Run(name, func(t *testing.T) {
			testkit.IsolateAWSEnv(t) // only AWS_CA_BUNDLE, as the test sets it, names a bundle
			srv, bundle := tlsServer(t)
			get := func(c Client) error {
				req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
				resp, err := c.Do(req)
				if err == nil {
					resp.Body.Close()
				}
				return err
			}

			t.Setenv("AWS_CA_BUNDLE", "")
			c, err := WithCABundle(context.Background(), newClient())
			if err != nil {
				t.Fatalf("WithCABundle() without a bundle: %v", err)
			}
			if err := get(c); err == nil || !strings.Contains(err.Error(), "certificate") {
				t.Fatalf("GET without the bundle = %v, want a certificate error", err)
			}

			t.Setenv("AWS_CA_BUNDLE", bundle)
			orig := newClient()
			c, err = WithCABundle(context.Background(), orig)
			if err != nil {
				t.Fatalf("WithCABundle() with AWS_CA_BUNDLE: %v", err)
			}
			if err := get(c); err != nil {
				t.Fatalf("GET with the bundle: %v", err)
			}
			if orig != nil {
				if err := get(orig); err == nil {
					t.Error("the caller's client trusts the bundle too: WithCABundle changed it")
				}
			}
		})
	}
}

func TestWithCABundleRefusesAClientThatCannotTakeIt(t *testing.T) {
	testkit.IsolateAWSEnv(t) // only AWS_CA_BUNDLE, as the test sets it, names a bundle
	_, bundle := tlsServer(t)
	custom := clientFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("unused") })
	roundTripper := &http.Client{Transport: roundTripperFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("unused") })}
	for _, c := range []Client{custom, roundTripper} {
		t.Setenv("AWS_CA_BUNDLE", "")
		if got, err := WithCABundle(context.Background(), c); err != nil {
			t.Errorf("WithCABundle(%T) without a bundle: %v, want the client unchanged", c, err)
		} else if _, same := got.(clientFunc); !same && got != roundTripper {
			t.Errorf("WithCABundle(%T) without a bundle returned %T, want the client unchanged", c, got)
		}
		t.Setenv("AWS_CA_BUNDLE", bundle)
		if _, err := WithCABundle(context.Background(), c); err == nil || !strings.Contains(err.Error(), "custom CA bundle") {
			t.Errorf("WithCABundle(%T) with a bundle: error = %v, want one naming the custom CA bundle", c, err)
		}
	}
}

func TestWithCABundleLeavesTheCallersPoolAlone(t *testing.T) {
	testkit.IsolateAWSEnv(t) // only AWS_CA_BUNDLE, as the test sets it, names a bundle
	_, bundle := tlsServer(t)
	t.Setenv("AWS_CA_BUNDLE", bundle)
	// A client with a root CA pool of its own, empty, which the bundle must be added to on a copy only.
	pool := x509.NewCertPool()
	own := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	})
	if _, err := WithCABundle(context.Background(), own); err != nil {
		t.Fatal(err)
	}
	if !pool.Equal(x509.NewCertPool()) {
		t.Error("WithCABundle added the bundle to the caller's root CA pool")
	}
}

// roundTripperFunc adapts a function to http.RoundTripper.
type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestWithCABundleBlamesTheConfigurationNotTheBundle(t *testing.T) {
	clients := map[string]Client{
		"nil":                      nil,
		"*http.Client":             &http.Client{},
		"*awshttp.BuildableClient": awshttp.NewBuildableClient(),
		"custom":                   clientFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("unused") }),
	}
	for name, c := range clients {
		t.Run(name, func(t *testing.T) {
			testkit.IsolateAWSEnv(t) // only AWS_PROFILE and AWS_CA_BUNDLE, as the test sets them
			t.Setenv("AWS_PROFILE", "nope")
			_, err := WithCABundle(context.Background(), c)
			var cerr *ConfigError
			if !errors.As(err, &cerr) || !errors.As(err, new(config.SharedConfigProfileNotExistError)) {
				t.Fatalf("WithCABundle() with AWS_PROFILE naming no profile: error = %v, want a *ConfigError wrapping the SDK's SharedConfigProfileNotExistError", err)
			}
			if msg := err.Error(); strings.Contains(msg, "CA bundle") || !strings.Contains(msg, "nope") {
				t.Errorf("WithCABundle() error = %q, want it to name the profile, not the CA bundle", msg)
			}

			t.Setenv("AWS_PROFILE", "")
			t.Setenv("AWS_CA_BUNDLE", filepath.Join(t.TempDir(), "missing.pem"))
			if _, err := WithCABundle(context.Background(), c); err == nil || !strings.Contains(err.Error(), "custom CA bundle") ||
				errors.As(err, &cerr) {
				t.Errorf("WithCABundle() with AWS_CA_BUNDLE naming no file: error = %v, want one naming the custom CA bundle", err)
			}
		})
	}
}
