package stepfunctions

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"

	"github.com/polysync/stepfunctions/auth"
	"github.com/polysync/stepfunctions/internal/sdkhttp"
)

// DefaultCredentialTimeout is the default of Config.CredentialTimeout.
const DefaultCredentialTimeout = auth.DefaultRequestTimeout

// newClients builds the Step Functions and CloudWatch Logs clients of New from cfg (valid, with its defaults
// applied): the SDK's configuration (environment and shared config) with the provider's region, retryer and
// logger; the HTTP client with any custom CA bundle; credentials from cfg.Credentials, the default chain when nil,
// resolved over the same HTTP client bounded per request by cfg.CredentialTimeout; the endpoints (Config.Endpoint,
// Config.LogsEndpoint); the SDK's telemetry (Config.TracerProvider, MeterProvider); and apiOptions, which both
// clients run (the rate limiters' middleware keys on the operation's name).
func newClients(ctx context.Context, cfg Config, apiOptions ...func(*middleware.Stack) error) (*sfn.Client,
	*cloudwatchlogs.Client, error) {
	awsCfg, err := newAWSConfig(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	client := sfn.NewFromConfig(awsCfg, func(o *sfn.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		// Also for an endpoint from the environment (AWS_ENDPOINT_URL_SFN, AWS_ENDPOINT_URL) or shared config.
		if o.BaseEndpoint != nil {
			o.APIOptions = append(o.APIOptions, sdkhttp.DisableHostPrefix)
		}
		o.APIOptions = append(o.APIOptions, apiOptions...)
		o.TracerProvider, o.MeterProvider = sdkTelemetry(cfg)
	})
	logsCfg := awsCfg.Copy()
	logsCfg.APIOptions = append(logsCfg.APIOptions, apiOptions...)
	logs := newLogsClient(logsCfg, cfg.LogsEndpoint, func(o *cloudwatchlogs.Options) {
		o.TracerProvider, o.MeterProvider = sdkTelemetry(cfg)
	})
	return client, logs, nil
}

// newAWSConfig returns the SDK configuration both clients of New are built from (see newClients).
func newAWSConfig(ctx context.Context, cfg Config) (aws.Config, error) {
	const op = "New"
	// The bundle is added here rather than by the SDK's config loader, which accepts only its own client type.
	httpClient, err := sdkhttp.WithCABundle(ctx, cfg.HTTPClient)
	var configErr *sdkhttp.ConfigError
	switch {
	case errors.As(err, &configErr):
		// Not the client's fault: the configuration's, such as AWS_PROFILE naming a profile that does not exist.
		return aws.Config{}, &Error{Op: op, Kind: ErrInvalidInput, Err: configErr}
	case err != nil:
		return aws.Config{}, &Error{Op: op, Kind: ErrInvalidInput, Err: fmt.Errorf("Config.HTTPClient: %w", err)}
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRegion(cfg.Region),
		config.WithRetryer(newRetryer(cfg)),
		// Credentials come from a Source below (the default chain when none is given), never from the loader.
		config.WithCredentialsProvider(aws.AnonymousCredentials{}),
	}
	if cfg.Logger != nil {
		opts = append(opts, config.WithLogger(sdkLogger(cfg.Logger)))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, &Error{Op: op, Err: fmt.Errorf("load AWS configuration: %w", err)}
	}
	awsCfg.HTTPClient = sdkhttp.ReadOnlyBodies(httpClient)
	awsCfg.APIOptions = append(awsCfg.APIOptions, logCalls(cfg.Logger)) // every call of every client (apilog.go)

	src := cfg.Credentials
	if src == nil {
		src = auth.Default()
	}
	// The sources' STS clients (and the default chain's clients) are built from credCfg.
	credCfg := awsCfg.Copy()
	credCfg.HTTPClient = sdkhttp.WithTimeout(awsCfg.HTTPClient, cfg.CredentialTimeout)
	creds, err := src.Credentials(ctx, credCfg)
	if err != nil {
		return aws.Config{}, &Error{Op: op, Kind: ErrInvalidInput, Resource: src.String(), Err: fmt.Errorf("credentials: %w", err)}
	}
	awsCfg.Credentials = creds
	return awsCfg, nil
}

// newRetryer returns the retryer of every client the provider builds: the Step Functions client and the credential
// sources' STS clients, so that one call sends at most cfg.MaxAttempts requests to either (package auth marks a
// failed credential refresh as not retryable by the Step Functions client).
func newRetryer(cfg Config) func() aws.Retryer {
	maxAttempts, maxBackoff := cfg.MaxAttempts, cfg.MaxBackoff
	return func() aws.Retryer {
		// Standard mode without the retry quota: the quota's token bucket (500 tokens, 5 per throttled retry)
		// would turn a long burst of throttles during discovery into "retry quota exceeded" failures, while
		// the per-API rate limiters already keep the call rate under the service's quotas. Adaptive mode is
		// not used because its single client-wide send rate would let one throttled API slow all others.
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = maxAttempts
			o.MaxBackoff = maxBackoff
			o.RateLimiter = ratelimit.None
			// KmsThrottlingException is not among the SDK's throttling codes, yet Step Functions answers it for
			// state machines encrypted with a customer managed key when KMS throttles.
			o.Retryables = append(o.Retryables, retry.RetryableErrorCode{Codes: extraThrottleCodes})
			o.Throttles = append(o.Throttles, retry.ThrottleErrorCode{Codes: extraThrottleCodes})
		})
	}
}

// sdkLogger sends the SDK's own warnings (and package auth's, such as a failed credential refresh) to logger.
// Request and response logging stays off (ClientLogMode 0), so no payload or header is logged.
func sdkLogger(logger *slog.Logger) logging.Logger {
	return logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
		level := slog.LevelDebug
		if c == logging.Warn {
			level = slog.LevelWarn
		}
		logger.Log(context.Background(), level, fmt.Sprintf(format, v...), "source", "aws-sdk")
	})
}
