package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// WebIdentity returns a Source that exchanges the OIDC identity token from
// token for the role's credentials with STS AssumeRoleWithWebIdentity: web
// identity federation, for example with Microsoft Entra ID (see the package
// documentation for the IAM set-up).
//
// The token is fetched anew on every refresh, so rotated tokens are picked up.
// A token longer than the 20,000 characters STS accepts is an error naming its
// length, and is not sent.
// The STS call is unsigned, made at the regional endpoint of base's region
// through base's HTTP client and retryer; STS's IDPCommunicationError and
// InvalidIdentityToken (which can be transient while a new OIDC provider
// propagates) are retried by the STS client's retryer; a refresh that still
// fails is not retried again by the client that needed the credentials.
// Errors for a token STS refuses match ErrInvalidIdentityToken and say how to
// fix the set-up.
//
// Options: WithSessionName, WithDuration, WithSTSEndpoint, WithPolicyARNs,
// WithSTSOptions and WithTokenTimeout. roleARN must be an IAM role ARN and
// token must be non-nil; Credentials reports violations.
func WebIdentity(roleARN string, token TokenSource, opts ...WebIdentityOption) Source {
	c := webIdentityConfig{tokenTimeout: DefaultTokenTimeout}
	for _, o := range opts {
		if !isNil(o) { // a nil option, even a typed one, is ignored
			o.applyWebIdentity(&c)
		}
	}
	return &webIdentitySource{&webIdentityState{roleARN: roleARN, token: token, cfg: c}}
}

// WebIdentityFromEnv returns WebIdentity for the role in AWS_ROLE_ARN with
// the token file from TokenFileFromEnv (AZURE_FEDERATED_TOKEN_FILE, else
// AWS_WEB_IDENTITY_TOKEN_FILE), and AWS_ROLE_SESSION_NAME as the session name
// when set. opts are applied after the environment, so they win. It is an
// error if a variable is missing or the role ARN is malformed.
func WebIdentityFromEnv(opts ...WebIdentityOption) (Source, error) {
	roleARN := strings.TrimSpace(os.Getenv(EnvAWSRoleARN))
	if roleARN == "" {
		return nil, sourceErrorf("web identity from environment", "%s is not set", EnvAWSRoleARN)
	}
	if err := validateRoleARN(roleARN); err != nil {
		return nil, sourceErrorf("web identity from environment", "%s: %w", EnvAWSRoleARN, err)
	}
	token, err := TokenFileFromEnv()
	if err != nil {
		return nil, err
	}
	all := make([]WebIdentityOption, 0, len(opts)+1)
	if name := strings.TrimSpace(os.Getenv(EnvAWSRoleSessionName)); name != "" {
		all = append(all, WithSessionName(name))
	}
	return WebIdentity(roleARN, token, append(all, opts...)...), nil
}

type webIdentityConfig struct {
	roleConfig
	tokenTimeout time.Duration
}

// webIdentitySource holds its state behind a pointer, which fmt prints as an
// address when it cannot call Format (see staticSource).
type webIdentitySource struct{ *webIdentityState }

type webIdentityState struct {
	roleARN string
	token   TokenSource
	cfg     webIdentityConfig
}

// validate checks everything that does not depend on base.
func (s *webIdentitySource) validate() error {
	if err := validateRoleARN(s.roleARN); err != nil {
		return err
	}
	if isNil(s.token) {
		return errors.New("token source is nil")
	}
	if s.cfg.tokenTimeout <= 0 {
		return fmt.Errorf("token timeout %v must be positive", s.cfg.tokenTimeout)
	}
	return s.cfg.validate(false)
}

// Credentials implements Source.
func (s *webIdentitySource) Credentials(ctx context.Context, base aws.Config) (aws.CredentialsProvider, error) {
	if err := ctx.Err(); err != nil {
		return nil, sourceErrorf(s.String(), "%w", err)
	}
	if err := s.validate(); err != nil {
		return nil, sourceErrorf(s.String(), "%w", err)
	}
	if err := validateRegion(base.Region); err != nil {
		return nil, sourceErrorf(s.String(), "%w", err)
	}
	sessionName, duration := s.cfg.resolved(time.Now())
	return newCache(&webIdentityProvider{
		refreshGuard: refreshGuard{src: s.String(), logger: base.Logger},
		src:          s.String(),
		client:       s.cfg.newSTSClient(base, nil),
		roleARN:      s.roleARN,
		token:        s.token,
		tokenTimeout: s.cfg.tokenTimeout,
		sessionName:  sessionName,
		duration:     duration,
		cfg:          &s.cfg.roleConfig,
	}), nil
}

// String implements Source:
// "web-identity(role=arn:aws:iam::123456789012:role/name, token=file:/path)".
func (s *webIdentitySource) String() string {
	return "web-identity(role=" + s.roleARN + ", token=" + describeToken(s.token) + ")"
}

// GoString implements fmt.GoStringer without revealing the token.
func (s *webIdentitySource) GoString() string { return goString(s.String()) }

// Format implements fmt.Formatter without revealing the token, for every verb.
func (s *webIdentitySource) Format(f fmt.State, verb rune) { format(f, verb, s.String()) }

// LogValue implements slog.LogValuer without revealing the token.
func (s *webIdentitySource) LogValue() slog.Value {
	return slog.GroupValue(s.cfg.logAttrs("web-identity", s.roleARN, slog.String("token_source", describeToken(s.token)))...)
}

// webIdentityProvider is the aws.CredentialsProvider behind WebIdentity.
//
// stscreds.IdentityTokenRetriever takes no context, so the bridge runs the
// other way round: fetch first calls the TokenSource with the context the
// credentials cache passes in, bounded by tokenTimeout (the cache's context is
// never cancelled), and then hands the token to a fresh
// stscreds.WebIdentityRoleProvider through a retriever that returns it.
//
// The embedded refreshGuard keeps the current credentials serving through a
// failed refresh while they remain valid.
//
// The TokenSource is called in a goroutine, so that one that ignores its
// context (a TokenFunc blocked on a lock, a file on a hung network mount)
// still ends the refresh at tokenTimeout instead of wedging the cache, whose
// every caller would otherwise wait on it for good. Such a call is left to
// finish in the background; until it does, later refreshes wait for it (up
// to tokenTimeout each) rather than start another, so stuck calls cannot pile
// up over a long run.
type webIdentityProvider struct {
	refreshGuard
	src          string
	client       stscreds.AssumeRoleWithWebIdentityAPIClient
	roleARN      string
	token        TokenSource
	tokenTimeout time.Duration
	sessionName  string
	duration     time.Duration
	cfg          *roleConfig

	mu      sync.Mutex
	pending chan tokenResult // the TokenSource call that outlived its bound, if any
}

// tokenResult is the answer of one TokenSource call.
type tokenResult struct {
	token string
	err   error
}

// Retrieve implements aws.CredentialsProvider.
func (p *webIdentityProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	return p.refresh(ctx, p.fetch)
}

// fetch gets new credentials.
func (p *webIdentityProvider) fetch(ctx context.Context) (aws.Credentials, error) {
	token, err := p.identityToken(ctx)
	if err != nil {
		return aws.Credentials{}, notRetryable(sourceErrorf(p.src, "get identity token: %w", err))
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return aws.Credentials{}, notRetryable(sourceErrorf(p.src, "token source returned an empty token"))
	}
	// STS would refuse it too, and a refusal might echo it (UNCONFIRMED): it is not sent.
	if n := utf8.RuneCountInString(token); n > maxWebIdentityTokenLength {
		return aws.Credentials{}, notRetryable(sourceErrorf(p.src,
			"identity token is %d characters long, more than the %d STS accepts in AssumeRoleWithWebIdentity; it was not sent",
			n, maxWebIdentityTokenLength))
	}
	sdk := stscreds.NewWebIdentityRoleProvider(p.client, p.roleARN, fixedToken(token),
		func(o *stscreds.WebIdentityRoleOptions) {
			o.RoleSessionName = p.sessionName
			o.Duration = p.duration
			o.PolicyARNs = p.cfg.policyDescriptors()
		})
	sent := time.Now()
	creds, err := sdk.Retrieve(ctx)
	if err != nil {
		return aws.Credentials{}, notRetryable(webIdentityError(p.src, p.roleARN, err, token))
	}
	if err := incompleteCredentials(creds); err != nil {
		return aws.Credentials{}, notRetryable(sourceErrorf(p.src, "%w", err))
	}
	creds = sessionExpiry(creds, sent, p.duration)
	return creds, nil
}

// identityToken calls the TokenSource, or waits for the call still running
// from an earlier refresh, for at most tokenTimeout.
func (p *webIdentityProvider) identityToken(ctx context.Context) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pending != nil {
		select {
		case <-p.pending: // ended after its refresh gave up: its token may be stale, ask again
			p.pending = nil
		default:
		}
	}
	tctx, cancel := context.WithTimeout(ctx, p.tokenTimeout)
	defer cancel()
	if p.pending == nil {
		ch := make(chan tokenResult, 1)
		go func() {
			var r tokenResult
			r.token, r.err = p.token.Token(tctx)
			ch <- r
		}()
		p.pending = ch
	}
	select {
	case r := <-p.pending:
		p.pending = nil
		return r.token, r.err
	case <-tctx.Done():
		// p.pending stays set: the next refresh waits for this call.
		if err := ctx.Err(); err != nil {
			return "", err
		}
		return "", fmt.Errorf("token source gave no answer within %v: %w", p.tokenTimeout, tctx.Err())
	}
}

// fixedToken is a stscreds.IdentityTokenRetriever for a token already fetched.
type fixedToken string

// GetIdentityToken implements stscreds.IdentityTokenRetriever.
func (t fixedToken) GetIdentityToken() ([]byte, error) { return []byte(t), nil }

// Format implements fmt.Formatter so that no verb prints the token.
func (fixedToken) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte("****")) }

// isNil reports whether v is nil or holds a nil pointer, func, map, ...
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Func, reflect.Map, reflect.Slice, reflect.Chan, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

var (
	_ Source                                      = (*webIdentitySource)(nil)
	_ aws.CredentialsProvider                     = (*webIdentityProvider)(nil)
	_ stscreds.IdentityTokenRetriever             = fixedToken("")
	_ stscreds.AssumeRoleWithWebIdentityAPIClient = (*sts.Client)(nil)
)
