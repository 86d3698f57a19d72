package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/polysync/stepfunctions/internal/sdkhttp"
	"github.com/polysync/stepfunctions/internal/testkit"
)

// requestSources are the sources that make requests of their own, set up
// against the STS endpoint stsURL.
var requestSources = map[string]func(t *testing.T, stsURL string) Source{
	"web identity": func(t *testing.T, u string) Source {
		return WebIdentity(testRoleARN, TokenFile(writeToken(t, "", makeJWT(t, entraClaims()))), WithSTSEndpoint(u))
	},
	"assume role": func(t *testing.T, u string) Source {
		return AssumeRole(testRole2ARN, Static(testKeyID, testSecret, ""), WithSTSEndpoint(u))
	},
	"default chain": func(t *testing.T, u string) Source {
		t.Setenv("AWS_ROLE_ARN", testRoleARN)
		t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", writeToken(t, "", makeJWT(t, entraClaims())))
		t.Setenv("AWS_ENDPOINT_URL_STS", u)
		return Default()
	},
}

func TestFailedRefreshIsNotRetryableByTheCaller(t *testing.T) {
	for name, newSource := range requestSources {
		t.Run(name, func(t *testing.T) {
			testkit.IsolateAWSEnv(t)
			fake := newSTSFake(t)
			fake.failAlways(stsError{Status: http.StatusServiceUnavailable, Code: "ServiceUnavailable", Message: "try again"})
			err := retrieveErr(t, newSource(t, fake.URL()), testBase())
			if err == nil {
				t.Fatal("Retrieve() with STS answering 503: error = nil")
			}
			if n := len(fake.Calls()); n != retry.DefaultMaxAttempts {
				t.Errorf("STS requests = %d, want the STS client's %d attempts", n, retry.DefaultMaxAttempts)
			}
			// As the Step Functions client sees it: wrapped by its identity middleware.
			seen := fmt.Errorf("get identity: %w", err)
			if got := retry.NewStandard().IsErrorRetryable(seen); got {
				t.Errorf("the SDK's standard retryer would retry %v", seen)
			}
			var apiErr interface{ ErrorCode() string }
			if !errors.As(seen, &apiErr) || apiErr.ErrorCode() != "ServiceUnavailable" {
				t.Errorf("errors.As(%v) does not reach STS's ServiceUnavailable", seen)
			}
		})
	}
}

func TestFailedRefreshKeepsItsKind(t *testing.T) {
	testkit.IsolateAWSEnv(t)
	fake := newSTSFake(t)
	fake.failAlways(stsError{Status: http.StatusBadRequest, Code: codeInvalidIdentityToken, Message: "No OpenIDConnect provider found"})
	err := retrieveErr(t, requestSources["web identity"](t, fake.URL()), testBase())
	if !errors.Is(err, ErrInvalidIdentityToken) {
		t.Errorf("Retrieve() error = %v, want ErrInvalidIdentityToken", err)
	}
	if retry.NewStandard().IsErrorRetryable(err) {
		t.Errorf("the SDK's standard retryer would retry %v", err)
	}
}

// stallingServer serves h, except that its first request waits, unanswered,
// until its client gives up or the test ends.
func stallingServer(t *testing.T, h http.Handler) *httptest.Server {
	release := make(chan struct{})
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			_, _ = io.Copy(io.Discard, r.Body) // so that the server notices when the client hangs up
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first, so that the stalled request cannot hold up Close
	return srv
}

func TestStalledSTSRequestIsRetried(t *testing.T) {
	for name, newSource := range requestSources {
		t.Run(name, func(t *testing.T) {
			testkit.IsolateAWSEnv(t)
			fake := newSTSFake(t)
			stalling := stallingServer(t, fake.srv.Config.Handler)
			base := testBase()
			base.HTTPClient = sdkhttp.WithTimeout(nil, 200*time.Millisecond) // as the provider bounds it
			p, err := newSource(t, stalling.URL).Credentials(context.Background(), base)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if _, err := p.Retrieve(context.Background()); err != nil {
				t.Fatalf("Retrieve() after a stalled STS request: %v", err)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("Retrieve() took %v, want about the 200ms bound", took)
			}
			if n := len(fake.Calls()); n != 1 {
				t.Errorf("STS answered %d requests after the stalled one, want 1", n)
			}
		})
	}
}

func TestCredentialRequestsAreBoundedByDefault(t *testing.T) {
	tests := []struct {
		name   string
		client aws.HTTPClient
		want   time.Duration
	}{
		{"no client", nil, DefaultRequestTimeout},
		{"a caller's client", &http.Client{}, DefaultRequestTimeout},
		{"bounded by the provider", sdkhttp.WithTimeout(nil, 7*time.Second), 7 * time.Second},
	}
	for _, tt := range tests {
		got, ok := sdkhttp.RequestTimeout(credentialHTTPClient(tt.client))
		if !ok || got != tt.want {
			t.Errorf("%s: credential requests bounded by %v (%v), want %v", tt.name, got, ok, tt.want)
		}
	}
}
