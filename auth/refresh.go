package auth

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/logging"
)

// Failed-refresh policy of the STS providers.
const (
	// staleMargin: credentials that expire sooner than this are not reused
	// after a failed refresh; a request signed with them could arrive late.
	staleMargin = time.Minute
	// staleRetryInterval: while a refresh keeps failing, STS is tried again
	// at most this often, and the current credentials serve in between.
	staleRetryInterval = 30 * time.Second
	// refreshGrace: how long callers wait for a refresh while the current
	// credentials are still valid for more than staleMargin; after it they
	// get those, and the refresh goes on in the background.
	refreshGrace = 2 * time.Second
)

// refreshGuard keeps credentials usable through a failed or stalled refresh.
//
// The cache refreshes 4-5 minutes before credentials expire. Without the
// guard, an STS or identity provider outage at that moment would fail every
// AWS call at once although the current credentials still work for minutes.
// With it, a failed refresh returns the current credentials, if they are valid
// for more than staleMargin, marked to expire after staleRetryInterval (or
// staleMargin before their real expiry, if sooner), and logs a warning. Once
// they are too close to expiry, the refresh error is returned.
//
// A refresh that stalls (STS not answering, each attempt running into its
// request timeout, and the retryer trying again: minutes in all) would keep
// every caller waiting on the cache meanwhile, possibly until the current
// credentials are gone. So the provider's fetch runs in a goroutine of its
// own: while the current credentials are valid, callers wait for it at most
// refreshGrace and are then served the current credentials in the same way
// as after a failed refresh; the fetch goes on, and the next refresh takes
// its result, or waits for it again, rather than starting another one.
//
// It implements aws.HandleFailRefreshCredentialsCacheStrategy and
// aws.AdjustExpiresByCredentialsCacheStrategy, which the cache calls one after
// the other inside its single refresh.
type refreshGuard struct {
	src    string
	logger logging.Logger

	mu       sync.Mutex
	current  aws.Credentials    // the credentials STS last issued
	expires  time.Time          // their real expiry
	fallback bool               // the next AdjustExpiresBy is for reused credentials
	inflight chan refreshResult // the fetch under way, if any
}

// refreshResult is the outcome of one fetch.
type refreshResult struct {
	creds aws.Credentials
	err   error
}

// refresh implements Retrieve for the providers with fetch, the provider's
// own retrieval (see refreshGuard).
func (g *refreshGuard) refresh(ctx context.Context,
	fetch func(context.Context) (aws.Credentials, error)) (aws.Credentials, error) {
	g.mu.Lock()
	if g.inflight == nil {
		ch := make(chan refreshResult, 1)
		// ctx is the cache's, never cancelled; the fetch's own requests are
		// bounded.
		go func() {
			var r refreshResult
			r.creds, r.err = fetch(ctx)
			ch <- r
		}()
		g.inflight = ch
	}
	ch := g.inflight
	var grace <-chan time.Time
	if g.current.HasKeys() && time.Now().Add(staleMargin).Before(g.expires) {
		t := time.NewTimer(refreshGrace)
		defer t.Stop()
		grace = t.C
	}
	g.mu.Unlock()

	select {
	case r := <-ch:
		return g.take(r)
	case <-grace:
	}
	g.mu.Lock()
	c, ok := g.reuse(g.current, "credential refresh has not answered within "+refreshGrace.String(), nil)
	g.mu.Unlock()
	if ok {
		return c, nil
	}
	return g.take(<-ch) // too close to expiry by now: wait for the fetch after all
}

// take records the result of the fetch that was under way and returns it.
func (g *refreshGuard) take(r refreshResult) (aws.Credentials, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.inflight = nil
	if r.err == nil {
		g.current, g.expires, g.fallback = r.creds, r.creds.Expires, false
	}
	return r.creds, r.err
}

// reuse returns prev, if the credentials STS last issued are still valid for
// more than staleMargin, marked to expire after staleRetryInterval (or
// staleMargin before their real expiry, if sooner), and logs why with err.
// It reports false otherwise. g.mu must be held.
func (g *refreshGuard) reuse(prev aws.Credentials, why string, err error) (aws.Credentials, bool) {
	g.fallback = false
	now := time.Now()
	if !prev.HasKeys() || !prev.CanExpire || g.expires.IsZero() || !now.Add(staleMargin).Before(g.expires) {
		return aws.Credentials{}, false
	}
	until := now.Add(staleRetryInterval)
	if limit := g.expires.Add(-staleMargin); limit.Before(until) {
		until = limit
	}
	prev.Expires = until
	g.fallback = true
	if g.logger != nil {
		detail := ""
		if err != nil {
			detail = ": " + err.Error()
		}
		g.logger.Logf(logging.Warn, "auth: %s: %s, reusing the current credentials (valid until %s) and retrying after %s%s",
			g.src, why, g.expires.UTC().Format(time.RFC3339), until.UTC().Format(time.RFC3339), detail)
	}
	return prev, true
}

// HandleFailToRefresh implements aws.HandleFailRefreshCredentialsCacheStrategy.
func (g *refreshGuard) HandleFailToRefresh(_ context.Context, prev aws.Credentials, err error) (aws.Credentials, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c, ok := g.reuse(prev, "credential refresh failed", err); ok {
		return c, nil
	}
	return aws.Credentials{}, err
}

// AdjustExpiresBy implements aws.AdjustExpiresByCredentialsCacheStrategy: as
// the cache's default for fresh credentials, and no change for reused ones,
// whose expiry reuse already set.
func (g *refreshGuard) AdjustExpiresBy(c aws.Credentials, d time.Duration) (aws.Credentials, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.fallback {
		g.fallback = false
		return c, nil
	}
	if c.CanExpire {
		c.Expires = c.Expires.Add(d)
	}
	return c, nil
}

// incompleteCredentials returns an error naming what credentials from STS
// lack, or nil. The SDK accepts an answer with any of them missing: one
// without a session token fails every call it signs, one without an
// Expiration is expired on arrival and so fetched anew for every call.
func incompleteCredentials(c aws.Credentials) error {
	var missing []string
	for _, f := range []struct {
		name    string
		present bool
	}{
		{"AccessKeyId", c.AccessKeyID != ""},
		{"SecretAccessKey", c.SecretAccessKey != ""},
		{"SessionToken", c.SessionToken != ""},
		{"Expiration", !c.Expires.IsZero()},
	} {
		if !f.present {
			missing = append(missing, f.name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("STS answered credentials without %s", strings.Join(missing, ", "))
}

// sessionExpiry returns c with its expiry, read on STS's clock, bounded by
// when a session of duration d that was requested at sent ends on this
// host's clock. On a host whose clock is behind STS's, the Expiration STS
// reports lies that much further in the host's future than the session
// lasts; the SDK corrects the skew when it signs, but not the cache's
// expiry, so credentials would be used after they expired, every call
// failing with ExpiredTokenException until the late refresh. (A clock ahead
// of STS's only makes the refresh early.)
func sessionExpiry(c aws.Credentials, sent time.Time, d time.Duration) aws.Credentials {
	if end := sent.Add(d).Round(0); c.CanExpire && c.Expires.After(end) {
		c.Expires = end
	}
	return c
}

// refreshError is an error of a credential refresh, marked as not to be
// retried by the client whose call needed the credentials. The client that
// made the refresh's own requests (STS, or the default chain's) has retried
// them already, up to its MaxAttempts; without the mark the calling client's
// retryer would repeat the whole refresh, MaxAttempts times as many requests
// in all. The mark changes nothing else: the message is the error's own,
// and errors.Is and errors.As see through it.
type refreshError struct{ err error }

// notRetryable marks err as a refreshError.
func notRetryable(err error) error { return &refreshError{err: err} }

// Error implements error.
func (e *refreshError) Error() string { return e.err.Error() }

// Unwrap returns the refresh's error.
func (e *refreshError) Unwrap() error { return e.err }

// RetryableError reports false. The SDK's retryers (retry.RetryableError,
// first among retry.DefaultRetryables after cancellation) look for this
// method before anything else that could make the error retryable.
func (e *refreshError) RetryableError() bool { return false }

var (
	_ aws.HandleFailRefreshCredentialsCacheStrategy = (*refreshGuard)(nil)
	_ aws.AdjustExpiresByCredentialsCacheStrategy   = (*refreshGuard)(nil)
)
