package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/polysync/stepfunctions/internal/sdkhttp"
)

// Default returns a Source for the SDK's default credential chain, in its
// order: environment variables (AWS_ACCESS_KEY_ID, ...), the shared config and
// credentials files (AWS_PROFILE, SSO, credential_process, role_arn),
// web identity from the environment (AWS_ROLE_ARN with
// AWS_WEB_IDENTITY_TOKEN_FILE), the container endpoint (ECS, EKS Pod Identity)
// and finally the EC2 instance profile (IMDS).
//
// Credentials loads that chain with base's region, HTTP client, retryer,
// logger, the part of its log mode that writes no secret (retries and
// deprecated usage) and API options, and caches it like every other Source:
// refreshed 4 to 5 minutes before expiry, the current credentials kept
// through a failed refresh while they remain valid, and each of the chain's
// HTTP requests bounded (DefaultRequestTimeout unless the provider bounds
// base's client).
//
// With a custom CA bundle (AWS_CA_BUNDLE, or ca_bundle in the shared config)
// the SDK's config loader accepts only its own client type,
// *awshttp.BuildableClient: the chain's requests then go through base's
// client if it is one (under this package's wrappers), and otherwise through
// the SDK's default client with the bundle.
func Default() Source { return defaultSource{} }

type defaultSource struct{}

// Credentials implements Source.
func (s defaultSource) Credentials(ctx context.Context, base aws.Config) (aws.CredentialsProvider, error) {
	client, err := chainHTTPClient(ctx, base.HTTPClient)
	if err != nil {
		return nil, sourceErrorf(s.String(), "%w", err)
	}
	opts := []func(*config.LoadOptions) error{config.WithHTTPClient(client)}
	if base.Region != "" {
		opts = append(opts, config.WithRegion(base.Region))
	}
	if base.Retryer != nil {
		opts = append(opts, config.WithRetryer(base.Retryer))
	}
	if base.Logger != nil {
		opts = append(opts, config.WithLogger(base.Logger),
			config.WithClientLogMode(credentialLogMode(base.ClientLogMode)))
	}
	if len(base.APIOptions) > 0 {
		opts = append(opts, config.WithAPIOptions(base.APIOptions))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, sourceErrorf(s.String(), "load shared config: %w", err)
	}
	if cfg.Credentials == nil {
		return nil, sourceErrorf(s.String(), "the SDK resolved no credential provider")
	}
	return newCache(&defaultProvider{
		refreshGuard: refreshGuard{src: s.String(), logger: base.Logger},
		chain:        cfg.Credentials,
	}), nil
}

// chainHTTPClient returns the HTTP client for the chain's requests: c bounded
// per request (see credentialHTTPClient), or, when a custom CA bundle is
// configured, a *awshttp.BuildableClient bounded likewise, which the SDK's
// config loader adds the bundle to: c's own client under this package's
// wrappers if it is one, else the SDK's default.
func chainHTTPClient(ctx context.Context, c aws.HTTPClient) (aws.HTTPClient, error) {
	bundle, err := sdkhttp.CABundleConfigured(ctx)
	if err != nil {
		return nil, err
	}
	if !bundle {
		return credentialHTTPClient(c), nil
	}
	timeout, ok := sdkhttp.RequestTimeout(c)
	if !ok {
		timeout = DefaultRequestTimeout
	}
	buildable, ok := sdkhttp.Unwrap(c).(*awshttp.BuildableClient)
	if !ok {
		buildable = awshttp.NewBuildableClient()
	}
	return sdkhttp.IsolateRootCAs(buildable).WithTimeout(timeout), nil
}

// defaultProvider is the aws.CredentialsProvider behind Default. The SDK
// returns its chain inside its own aws.CredentialsCache, without the early
// refresh of this package: fetch empties that cache first, so that every
// refresh this package's cache decides on fetches anew.
type defaultProvider struct {
	refreshGuard
	chain aws.CredentialsProvider
}

// sdkCacheError starts the errors of the SDK's credential cache, which this
// package's cache would repeat.
const sdkCacheError = "failed to refresh cached credentials, "

// Retrieve implements aws.CredentialsProvider.
func (p *defaultProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	return p.refresh(ctx, p.fetch)
}

// fetch gets new credentials.
func (p *defaultProvider) fetch(ctx context.Context) (aws.Credentials, error) {
	if c, ok := p.chain.(*aws.CredentialsCache); ok {
		c.Invalidate()
	}
	creds, err := p.chain.Retrieve(ctx)
	if err != nil {
		if inner := errors.Unwrap(err); inner != nil && strings.HasPrefix(err.Error(), sdkCacheError) {
			err = inner
		}
		return aws.Credentials{}, notRetryable(sourceErrorf(p.src, "%w", err))
	}
	return creds, nil
}

// String implements Source.
func (defaultSource) String() string { return "default-chain" }

// GoString implements fmt.GoStringer.
func (s defaultSource) GoString() string { return goString(s.String()) }

// Format implements fmt.Formatter.
func (s defaultSource) Format(f fmt.State, verb rune) { format(f, verb, s.String()) }

// LogValue implements slog.LogValuer.
func (defaultSource) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", "default-chain"))
}
