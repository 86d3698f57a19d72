package auth

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Source resolves AWS credentials.
//
// Implementations are safe for concurrent use and never reveal secrets (secret
// access keys, session tokens, identity tokens, external IDs) in String(),
// GoString(), any fmt verb or their slog.LogValuer representation.
type Source interface {
	// Credentials returns a provider wrapped exactly once in
	// aws.CredentialsCache, so that concurrent callers share one refresh and
	// credentials are renewed shortly before they expire.
	//
	// base carries the region, HTTP client, retryer, logger and API options to
	// use, so that STS calls go through the same transport as the caller's
	// other AWS calls. base.Credentials and base.BaseEndpoint are ignored: the
	// first is what is being resolved and the second usually points at the
	// service being called, not at STS (see WithSTSEndpoint). The
	// stepfunctions provider bounds each request of base's HTTP client
	// (Config.CredentialTimeout); an implementation outside this package
	// should send its requests through it, and give the errors of a failed
	// refresh a RetryableError() bool method that reports false, as this
	// package's sources do (see the package documentation).
	//
	// Credentials validates the source's configuration and returns an error
	// naming the bad input before any network call. It does not contact AWS
	// itself: the first Retrieve on the returned provider does.
	Credentials(ctx context.Context, base aws.Config) (aws.CredentialsProvider, error)

	// String describes the source without any secret, for logs and errors.
	String() string
}

// Cache settings shared by every Source.
const (
	// cacheExpiryWindow is how long before expiry cached credentials are
	// refreshed. STS credentials last at least 15 minutes, so a 5 minute
	// window leaves ample time for a slow refresh while avoiding a call with
	// credentials that expire in flight.
	cacheExpiryWindow = 5 * time.Minute
	// cacheExpiryJitter spreads refreshes of many processes over the last
	// 20% of the window (between 4 and 5 minutes before expiry).
	cacheExpiryJitter = 0.2
)

// newCache wraps p exactly once in an aws.CredentialsCache with the package's
// expiry window. A p that already is a cache is returned as is.
func newCache(p aws.CredentialsProvider) *aws.CredentialsCache {
	if c, ok := p.(*aws.CredentialsCache); ok {
		return c
	}
	return aws.NewCredentialsCache(p, func(o *aws.CredentialsCacheOptions) {
		o.ExpiryWindow = cacheExpiryWindow
		o.ExpiryWindowJitterFrac = cacheExpiryJitter
	})
}

// format implements fmt.Formatter for every source: whatever the verb or
// flags, it prints the safe description, so that %d, %x or %+v cannot reach a
// struct field holding a secret by reflection.
func format(s fmt.State, verb rune, describe string) {
	if verb == 'v' && s.Flag('#') {
		_, _ = io.WriteString(s, goString(describe))
		return
	}
	_, _ = io.WriteString(s, describe)
}

// goString is the GoString of every source: a Go-syntax-like form holding only
// the safe description.
func goString(describe string) string {
	return fmt.Sprintf("auth.Source(%q)", describe)
}

// sourceErrorf returns an error that names the source it comes from, the one
// prefix every error of this package carries: "auth: <src>: <message>".
// format and args are as for fmt.Errorf, so %w wraps; a % in src is
// printed as is.
func sourceErrorf(src, format string, args ...any) error {
	return fmt.Errorf("auth: "+strings.ReplaceAll(src, "%", "%%")+": "+format, args...)
}

// maskKeyID shows the first and last four characters of an access key ID,
// enough to tell keys apart in logs ("AKIA****WXYZ"), and nothing of a short
// one. Nor anything of an ID that may be a secret access key given in the
// wrong argument: AWS issues IDs of upper-case letters and digits only, and
// secrets of 40 mixed-case characters, so an ID of 20 characters or more
// that is not upper-case shows as "****" (placeholders for local endpoints,
// such as "polysync-local", are shorter).
func maskKeyID(id string) string {
	if len(id) < 12 || (len(id) >= 20 && strings.ContainsFunc(id, func(r rune) bool {
		return (r < 'A' || r > 'Z') && (r < '0' || r > '9')
	})) {
		return "****"
	}
	return id[:4] + "****" + id[len(id)-4:]
}
