package auth

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/smithy-go/logging"
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
