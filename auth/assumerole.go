package auth

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
)

// AssumeRole returns a Source for the role's credentials from STS AssumeRole,
// called with the credentials of base. base may be any Source, including
// another AssumeRole or a WebIdentity, so chains of any depth work; each
// link is cached once and refreshed on its own schedule.
//
// base is resolved with the same aws.Config as this source, and the STS call
// goes to the regional endpoint of its region through its HTTP client and
// retryer. When base is itself a role session (WebIdentity or AssumeRole),
// STS caps the duration at one hour and a longer WithDuration is an error.
//
// Options: WithExternalID, WithSessionName, WithDuration, WithSTSEndpoint,
// WithPolicyARNs and WithSTSOptions. roleARN must be an IAM role ARN and base
// must be non-nil; Credentials reports violations.
func AssumeRole(roleARN string, base Source, opts ...AssumeRoleOption) Source {
	var c assumeRoleConfig
	for _, o := range opts {
		if !isNil(o) { // a nil option, even a typed one, is ignored
			o.applyAssumeRole(&c)
		}
	}
	return &assumeRoleSource{&assumeRoleState{roleARN: roleARN, base: base, cfg: c}}
}

type assumeRoleConfig struct {
	roleConfig
	externalID string
}

// assumeRoleSource holds its state behind a pointer, which fmt prints as an
// address when it cannot call Format (see staticSource).
type assumeRoleSource struct{ *assumeRoleState }

type assumeRoleState struct {
	roleARN string
	base    Source
	cfg     assumeRoleConfig
}

// chained reports whether the base credentials are a role session.
func (s *assumeRoleSource) chained() bool {
	switch s.base.(type) {
	case *webIdentitySource, *assumeRoleSource:
		return true
	}
	return false
}

// Credentials implements Source.
func (s *assumeRoleSource) Credentials(ctx context.Context, base aws.Config) (aws.CredentialsProvider, error) {
	if err := ctx.Err(); err != nil {
		return nil, sourceErrorf(s.String(), "%w", err)
	}
	if err := validateRoleARN(s.roleARN); err != nil {
		return nil, sourceErrorf(s.String(), "%w", err)
	}
	if isNil(s.base) {
		return nil, sourceErrorf(s.String(), "base source is nil")
	}
	if err := s.cfg.validate(s.chained()); err != nil {
		return nil, sourceErrorf(s.String(), "%w", err)
	}
	if err := validateExternalID(s.cfg.externalID); err != nil {
		return nil, sourceErrorf(s.String(), "%w", err)
	}
	if err := validateRegion(base.Region); err != nil {
		return nil, sourceErrorf(s.String(), "%w", err)
	}
	baseCreds, err := s.base.Credentials(ctx, base)
	if err != nil {
		return nil, sourceErrorf(s.String(), "base: %w", err)
	}
	if baseCreds == nil {
		return nil, sourceErrorf(s.String(), "base source returned no credentials provider")
	}
	// Sources of this package return a cache already; a foreign one might not,
	// and its credentials are retrieved twice per refresh (see fetch).
	baseCreds = newCache(baseCreds)
	sessionName, duration := s.cfg.resolved(time.Now())
	client := s.cfg.newSTSClient(base, baseCreds)
	sdk := stscreds.NewAssumeRoleProvider(client, s.roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = sessionName
		o.Duration = duration
		o.PolicyARNs = s.cfg.policyDescriptors()
		if s.cfg.externalID != "" {
			o.ExternalID = aws.String(s.cfg.externalID)
		}
	})
	return newCache(&assumeRoleProvider{
		refreshGuard: refreshGuard{src: s.String(), logger: base.Logger},
		src:          s.String(),
		baseSrc:      s.base.String(),
		base:         baseCreds,
		sdk:          sdk,
		duration:     duration,
		externalID:   s.cfg.externalID != "",
	}), nil
}

// String implements Source:
// "assume-role(role=arn:aws:iam::123456789012:role/name, external-id=****, base=...)".
func (s *assumeRoleSource) String() string {
	ext := ""
	if s.cfg.externalID != "" {
		ext = ", external-id=****"
	}
	base := "none"
	if !isNil(s.base) {
		base = s.base.String()
	}
	return "assume-role(role=" + s.roleARN + ext + ", base=" + base + ")"
}

// GoString implements fmt.GoStringer without revealing secrets.
func (s *assumeRoleSource) GoString() string { return goString(s.String()) }

// Format implements fmt.Formatter without revealing secrets, for every verb.
func (s *assumeRoleSource) Format(f fmt.State, verb rune) { format(f, verb, s.String()) }

// LogValue implements slog.LogValuer without revealing secrets.
func (s *assumeRoleSource) LogValue() slog.Value {
	attrs := s.cfg.logAttrs("assume-role", s.roleARN, slog.Bool("external_id", s.cfg.externalID != ""))
	switch b := s.base.(type) {
	case nil:
	case slog.LogValuer:
		attrs = append(attrs, slog.Any("base", b))
	default:
		attrs = append(attrs, slog.String("base", b.String()))
	}
	return slog.GroupValue(attrs...)
}

// assumeRoleProvider is the aws.CredentialsProvider behind AssumeRole. It
// retrieves the base credentials itself before calling STS, so that a failure
// of the base is reported as such (keeping, say, ErrInvalidIdentityToken
// reachable) rather than as an AssumeRole failure; the base is cached, so the
// STS client's own retrieval that follows is a cache hit. The embedded
// refreshGuard keeps the current credentials serving through a failed
// refresh while they remain valid.
type assumeRoleProvider struct {
	refreshGuard
	src        string
	baseSrc    string
	base       aws.CredentialsProvider
	sdk        *stscreds.AssumeRoleProvider
	duration   time.Duration
	externalID bool
}

// Retrieve implements aws.CredentialsProvider.
func (p *assumeRoleProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	return p.refresh(ctx, p.fetch)
}

// fetch gets new credentials.
func (p *assumeRoleProvider) fetch(ctx context.Context) (aws.Credentials, error) {
	if _, err := p.base.Retrieve(ctx); err != nil {
		return aws.Credentials{}, notRetryable(sourceErrorf(p.src, "base credentials: %w", err))
	}
	sent := time.Now()
	creds, err := p.sdk.Retrieve(ctx)
	if err != nil {
		return aws.Credentials{}, notRetryable(assumeRoleError(p.src, p.baseSrc, err, p.externalID))
	}
	if err := incompleteCredentials(creds); err != nil {
		return aws.Credentials{}, notRetryable(sourceErrorf(p.src, "%w", err))
	}
	creds = sessionExpiry(creds, sent, p.duration)
	return creds, nil
}

var (
	_ Source                  = (*assumeRoleSource)(nil)
	_ aws.CredentialsProvider = (*assumeRoleProvider)(nil)
)
