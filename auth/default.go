package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Default returns a Source for the SDK's default credential chain, in its
// order: environment variables (AWS_ACCESS_KEY_ID, ...), the shared config and
// credentials files (AWS_PROFILE, SSO, credential_process, role_arn),
// web identity from the environment (AWS_ROLE_ARN with
// AWS_WEB_IDENTITY_TOKEN_FILE), the container endpoint (ECS, EKS Pod Identity)
// and finally the EC2 instance profile (IMDS).
//
// Credentials loads that chain with base's region, HTTP client, retryer,
// logger and API options. The SDK already wraps the chain in an
// aws.CredentialsCache, which is returned as is rather than wrapped twice.
func Default() Source { return defaultSource{} }

type defaultSource struct{}

// Credentials implements Source.
func (defaultSource) Credentials(ctx context.Context, base aws.Config) (aws.CredentialsProvider, error) {
	opts := []func(*config.LoadOptions) error{}
	if base.Region != "" {
		opts = append(opts, config.WithRegion(base.Region))
	}
	if base.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(base.HTTPClient))
	}
	if base.Retryer != nil {
		opts = append(opts, config.WithRetryer(base.Retryer))
	}
	if base.Logger != nil {
		opts = append(opts, config.WithLogger(base.Logger), config.WithClientLogMode(base.ClientLogMode))
	}
	if len(base.APIOptions) > 0 {
		opts = append(opts, config.WithAPIOptions(base.APIOptions))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("auth: default credential chain: load shared config: %w", err)
	}
	if cfg.Credentials == nil {
		return nil, errors.New("auth: default credential chain: the SDK resolved no credential provider")
	}
	return newCache(cfg.Credentials), nil
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
