package auth

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/smithy-go/logging"

	"github.com/polysync/stepfunctions/internal/testkit"
)

// logRecorder is a smithy logger that keeps what is logged.
type logRecorder struct {
	mu    sync.Mutex
	lines []string
}

func (l *logRecorder) Logf(c logging.Classification, format string, v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, string(c)+" "+fmt.Sprintf(format, v...))
}

func (l *logRecorder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func TestFailedRefreshReusesValidCredentials(t *testing.T) {
	denied := stsError{Status: 403, Code: "AccessDenied", Message: "Not authorized"}
	sources := map[string]func(t *testing.T, stsURL string) Source{
		"web identity": func(t *testing.T, u string) Source {
			return WebIdentity(testRoleARN, TokenFile(writeToken(t, "", makeJWT(t, entraClaims()))), WithSTSEndpoint(u))
		},
		"assume role": func(t *testing.T, u string) Source {
			return AssumeRole(testRole2ARN, Static(testKeyID, testSecret, ""), WithSTSEndpoint(u))
		},
	}
	tests := []struct {
		name       string
		expiry     time.Duration // lifetime of the credentials STS issues
		wantReused bool
	}{
		// The cache refreshes 4-5 minutes before expiry, so both are due at once.
		{name: "valid for minutes", expiry: 3 * time.Minute, wantReused: true},
		{name: "about to expire", expiry: 50 * time.Second, wantReused: false},
	}
	for srcName, newSource := range sources {
		for _, tt := range tests {
			t.Run(srcName+"/"+tt.name, func(t *testing.T) {
				fake := newSTSFake(t)
				fake.expiry = tt.expiry
				logs := &logRecorder{}
				base := testBase()
				base.Logger = logs
				p, err := newSource(t, fake.URL()).Credentials(context.Background(), base)
				if err != nil {
					t.Fatalf("Credentials() error = %v", err)
				}
				ctx := context.Background()
				if _, err := p.Retrieve(ctx); err != nil {
					t.Fatalf("first Retrieve() error = %v", err)
				}
				fake.failAlways(denied)

				c, err := p.Retrieve(ctx)
				if !tt.wantReused {
					if err == nil {
						t.Fatalf("Retrieve() with failing STS and nearly expired credentials = %s, want an error", c.AccessKeyID)
					}
					return
				}
				if err != nil {
					t.Fatalf("Retrieve() with failing STS = %v, want the current credentials", err)
				}
				if c.AccessKeyID != keyID(1) {
					t.Errorf("Retrieve() = %q, want the current %q", c.AccessKeyID, keyID(1))
				}
				if until := time.Until(c.Expires); until <= 0 || until > staleRetryInterval {
					t.Errorf("reused credentials expire in %v, want within %v", until, staleRetryInterval)
				}
				calls := len(fake.Calls())
				if _, err := p.Retrieve(ctx); err != nil {
					t.Fatalf("third Retrieve() error = %v", err)
				}
				if n := len(fake.Calls()); n != calls {
					t.Errorf("STS called again %d times within the retry interval, want 0", n-calls)
				}
				log := logs.String()
				if !strings.Contains(log, "WARN") || !strings.Contains(log, "reusing the current credentials") || !strings.Contains(log, "AccessDenied") {
					t.Errorf("log = %q, want a warning with the refresh error", log)
				}
				assertNoSecret(t, log, secretFor(1), "session-1", testSecret)
			})
		}
	}
}

// TestSkewedClockRefreshesBeforeRealExpiry: on a host whose clock is behind
// STS's (the SDK corrects the skew when it signs, so calls still work), the
// Expiration that STS reports lies further in this host's future than the
// session really lasts. Credentials must still be refreshed 4-5 minutes
// before the session ends, not used for minutes after it (every AWS call then
// failing with ExpiredTokenException until the late refresh).
func TestSkewedClockRefreshesBeforeRealExpiry(t *testing.T) {
	sources := map[string]func(t *testing.T, stsURL string) Source{
		"web identity": func(t *testing.T, u string) Source {
			return WebIdentity(testRoleARN, TokenFile(writeToken(t, "", makeJWT(t, entraClaims()))), WithSTSEndpoint(u))
		},
		"assume role": func(t *testing.T, u string) Source {
			return AssumeRole(testRole2ARN, Static(testKeyID, testSecret, ""), WithSTSEndpoint(u),
				WithDuration(30*time.Minute))
		},
	}
	durations := map[string]time.Duration{"web identity": DefaultDuration, "assume role": 30 * time.Minute}
	for name, newSource := range sources {
		for _, skew := range []time.Duration{10 * time.Minute, -10 * time.Minute} {
			t.Run(fmt.Sprintf("%s/STS clock %+v", name, skew), func(t *testing.T) {
				fake := newSTSFake(t)
				fake.expiry, fake.skew = durations[name], skew
				_, c := mustRetrieve(t, newSource(t, fake.URL()), testBase())
				// The session ends at most its duration after the request was
				// sent, so before its duration from now; the window is 4-5 minutes.
				latest := time.Now().Add(durations[name] - 4*time.Minute)
				if c.Expires.After(latest) {
					t.Errorf("credentials of a %v session, with STS's clock %v ahead, are used until %v from now, want at most %v",
						durations[name], skew, time.Until(c.Expires).Round(time.Second), time.Until(latest).Round(time.Second))
				}
				if skew < 0 && c.Expires.Before(time.Now()) {
					t.Errorf("credentials are expired already: %v", c.Expires)
				}
			})
		}
	}
}

// TestStalledRefreshServesValidCredentials: when STS stops answering during a
// refresh while the current credentials are still valid for minutes, callers
// get those credentials after a short grace instead of waiting for the
// refresh, which its per-request bound and retries can stretch beyond the
// credentials' life (8 attempts of 30 seconds with the provider's defaults).
func TestStalledRefreshServesValidCredentials(t *testing.T) {
	for name, newSource := range requestSources {
		t.Run(name, func(t *testing.T) {
			testkit.IsolateAWSEnv(t)
			fake := newSTSFake(t)
			fake.expiry = 3 * time.Minute // due for refresh at once, valid for minutes
			var stall atomic.Bool
			release := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if stall.Load() {
					_, _ = io.Copy(io.Discard, r.Body)
					select {
					case <-r.Context().Done():
					case <-release:
					}
					return
				}
				fake.srv.Config.Handler.ServeHTTP(w, r)
			}))
			t.Cleanup(srv.Close)
			t.Cleanup(func() { close(release) })
			p, err := newSource(t, srv.URL).Credentials(context.Background(), testBase())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Retrieve(context.Background()); err != nil {
				t.Fatal(err)
			}
			stall.Store(true)

			done := make(chan error, 8)
			for range cap(done) {
				go func() {
					c, err := p.Retrieve(context.Background())
					if err == nil && c.AccessKeyID != keyID(1) {
						err = fmt.Errorf("got %s, want the current %s", c.AccessKeyID, keyID(1))
					}
					done <- err
				}()
			}
			timeout := time.After(10 * time.Second)
			for range cap(done) {
				select {
				case err := <-done:
					if err != nil {
						t.Errorf("Retrieve() while STS stalls, with credentials valid for minutes: %v", err)
					}
				case <-timeout:
					t.Fatal("Retrieve() still blocked after 10s on a stalled STS, with credentials valid for minutes")
				}
			}
		})
	}
}
