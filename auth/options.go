package auth

import (
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/polysync/stepfunctions/internal/sdkhttp"
)

// WebIdentityOption configures WebIdentity. RoleOption values are
// WebIdentityOptions too.
type WebIdentityOption interface {
	applyWebIdentity(*webIdentityConfig)
}

// AssumeRoleOption configures AssumeRole. RoleOption values are
// AssumeRoleOptions too.
type AssumeRoleOption interface {
	applyAssumeRole(*assumeRoleConfig)
}

// RoleOption configures both WebIdentity and AssumeRole. The zero RoleOption
// does nothing.
type RoleOption struct{ apply func(*roleConfig) }

func (o RoleOption) applyWebIdentity(c *webIdentityConfig) {
	if o.apply != nil {
		o.apply(&c.roleConfig)
	}
}

func (o RoleOption) applyAssumeRole(c *assumeRoleConfig) {
	if o.apply != nil {
		o.apply(&c.roleConfig)
	}
}

type webIdentityOptionFunc func(*webIdentityConfig)

func (f webIdentityOptionFunc) applyWebIdentity(c *webIdentityConfig) { f(c) }

type assumeRoleOptionFunc func(*assumeRoleConfig)

func (f assumeRoleOptionFunc) applyAssumeRole(c *assumeRoleConfig) { f(c) }

// Defaults of the role options.
const (
	// DefaultSessionPrefix starts the default role session name,
	// "polysync-<unix seconds>", which CloudTrail shows as the caller.
	DefaultSessionPrefix = "polysync"
	// DefaultDuration is the default session duration: one hour, the longest
	// that every role allows (a role's MaxSessionDuration defaults to one
	// hour) and the cap for role chaining.
	DefaultDuration = time.Hour
	// DefaultTokenTimeout bounds one call to a TokenSource.
	DefaultTokenTimeout = 30 * time.Second
	// DefaultRequestTimeout bounds each HTTP request a Source makes to get
	// credentials (to STS, and for Default also to SSO, the container
	// endpoint or IMDS), from sending it to reading its answer, unless base's
	// HTTP client is already bounded by the stepfunctions provider
	// (stepfunctions.Config.CredentialTimeout). A request that runs out of
	// time is retried by the STS client's retryer, like a failed connection.
	DefaultRequestTimeout = 30 * time.Second
)

// maxPolicyARNs is STS's limit on managed session policies.
const maxPolicyARNs = 10

var policyARNRE = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::([0-9]{12}|aws):policy/[\x21-\x7e]{1,640}$`)

// roleConfig holds the options shared by WebIdentity and AssumeRole.
type roleConfig struct {
	sessionName string
	duration    time.Duration
	stsEndpoint string
	policyARNs  []string
	stsOptions  []func(*sts.Options)
}

// logAttrs are what a role source logs: its type, its role, own (the one
// attribute of its type) and the session name when one is set.
func (c *roleConfig) logAttrs(typ, roleARN string, own slog.Attr) []slog.Attr {
	attrs := []slog.Attr{slog.String("type", typ), slog.String("role_arn", roleARN), own}
	if c.sessionName != "" {
		attrs = append(attrs, slog.String("session_name", c.sessionName))
	}
	return attrs
}

// WithSessionName sets the role session name that CloudTrail records and
// that trust policies can test with sts:RoleSessionName. It must be 2-64
// letters, digits or +=,.@_- characters. Default: "polysync-<unix seconds>",
// fixed when Credentials is called, or AWS_ROLE_SESSION_NAME for
// WebIdentityFromEnv.
func WithSessionName(name string) RoleOption {
	return RoleOption{func(c *roleConfig) { c.sessionName = name }}
}

// WithDuration sets how long each set of credentials lasts, between 15
// minutes and 12 hours, in whole seconds, and at most the role's
// MaxSessionDuration. When the base credentials of AssumeRole are themselves
// a role session (role chaining) STS caps it at one hour. Default:
// DefaultDuration (one hour).
func WithDuration(d time.Duration) RoleOption {
	return RoleOption{func(c *roleConfig) { c.duration = d }}
}

// WithSTSEndpoint sets the base URL of STS, for an interface VPC endpoint
// (https://vpce-...-....sts.eu-west-1.vpce.amazonaws.com) or a test server.
// Default: the regional endpoint of base's region
// (https://sts.<region>.amazonaws.com), never the global one; an
// AWS_ENDPOINT_URL_STS setting in base's config sources is honoured.
//
// The URL must be https, except to a loopback host (localhost, 127.0.0.1,
// [::1]), such as a test server or an emulator on this machine: plain http to
// another host would send the identity token (or the signed request) and
// receive the issued credentials unencrypted over the network, so Credentials
// refuses it. For an emulator on another host (http://localstack:4566 in a
// compose network) set AWS_ENDPOINT_URL_STS, or sts.Options.BaseEndpoint with
// WithSTSOptions; both are used as given.
func WithSTSEndpoint(baseURL string) RoleOption {
	return RoleOption{func(c *roleConfig) { c.stsEndpoint = baseURL }}
}

// WithPolicyARNs sets up to 10 IAM managed policies as session policies,
// which narrow the session's permissions to their intersection with the
// role's. Default: none.
func WithPolicyARNs(arns ...string) RoleOption {
	return RoleOption{func(c *roleConfig) { c.policyARNs = append(c.policyARNs, arns...) }}
}

// WithSTSOptions adds functions that adjust the STS client built from base,
// for example its retryer. Default: none.
func WithSTSOptions(fns ...func(*sts.Options)) RoleOption {
	return RoleOption{func(c *roleConfig) { c.stsOptions = append(c.stsOptions, fns...) }}
}

// WithTokenTimeout bounds each call to the TokenSource. The SDK's
// credential cache refreshes with a context that is never cancelled, so this
// is what stops a hung token provider, even one that ignores its context: such
// a call is left to finish in the background, and until it does the next
// refreshes wait for it instead of calling the source again. Default:
// DefaultTokenTimeout (30s).
func WithTokenTimeout(d time.Duration) WebIdentityOption {
	return webIdentityOptionFunc(func(c *webIdentityConfig) { c.tokenTimeout = d })
}

// WithExternalID sets the external ID that the role's trust policy requires
// with an sts:ExternalId condition (2-1224 characters of letters, digits and
// +=,.@:/_-). It is treated as confidential and never printed. Default: none.
func WithExternalID(id string) AssumeRoleOption {
	return assumeRoleOptionFunc(func(c *assumeRoleConfig) { c.externalID = id })
}

var externalIDRE = regexp.MustCompile(`^[\w+=,.@:/-]+$`)

// validate checks the shared options; chained reports role chaining.
func (c *roleConfig) validate(chained bool) error {
	if c.sessionName != "" {
		if err := validateSessionName(c.sessionName); err != nil {
			return err
		}
	}
	if err := validateDuration(c.duration, chained); err != nil {
		return err
	}
	if c.stsEndpoint != "" {
		if err := validateEndpoint(c.stsEndpoint); err != nil {
			return err
		}
	}
	if len(c.policyARNs) > maxPolicyARNs {
		return fmt.Errorf("%d session policy ARNs given, STS allows at most %d", len(c.policyARNs), maxPolicyARNs)
	}
	for _, arn := range c.policyARNs {
		if !policyARNRE.MatchString(arn) {
			return fmt.Errorf("session policy ARN %q is not an IAM managed policy ARN (want arn:<partition>:iam::<account or aws>:policy/<name>)", arn)
		}
	}
	return nil
}

// resolved returns the session name and duration to send, applying defaults.
func (c *roleConfig) resolved(now time.Time) (sessionName string, duration time.Duration) {
	sessionName, duration = c.sessionName, c.duration
	if sessionName == "" {
		sessionName = DefaultSessionPrefix + "-" + strconv.FormatInt(now.Unix(), 10)
	}
	if duration == 0 {
		duration = DefaultDuration
	}
	return sessionName, duration
}

// policyDescriptors converts the policy ARNs for the STS input.
func (c *roleConfig) policyDescriptors() []types.PolicyDescriptorType {
	if len(c.policyARNs) == 0 {
		return nil
	}
	out := make([]types.PolicyDescriptorType, len(c.policyARNs))
	for i, arn := range c.policyARNs {
		out[i] = types.PolicyDescriptorType{Arn: aws.String(arn)}
	}
	return out
}

// newSTSClient builds the STS client from base: its region, HTTP client
// (bounded per request, see credentialHTTPClient), retryer, logger, the safe
// part of its log mode (see credentialLogMode) and API options, but not its
// BaseEndpoint, which points at the service the caller uses rather than at
// STS. creds signs the calls (nil for AssumeRoleWithWebIdentity, which is
// unsigned).
func (c *roleConfig) newSTSClient(base aws.Config, creds aws.CredentialsProvider) *sts.Client {
	cfg := base.Copy()
	cfg.BaseEndpoint = nil
	cfg.Credentials = creds
	cfg.HTTPClient = credentialHTTPClient(base.HTTPClient)
	cfg.ClientLogMode = credentialLogMode(base.ClientLogMode)
	opts := make([]func(*sts.Options), 0, len(c.stsOptions)+1)
	if c.stsEndpoint != "" {
		endpoint := c.stsEndpoint
		opts = append(opts, func(o *sts.Options) { o.BaseEndpoint = aws.String(endpoint) })
	}
	opts = append(opts, c.stsOptions...)
	return sts.NewFromConfig(cfg, opts...)
}

// credentialHTTPClient returns c bounded per request: as it is when the
// provider has bounded it already (Config.CredentialTimeout), else with
// DefaultRequestTimeout. A nil c means the SDK's default client.
func credentialHTTPClient(c aws.HTTPClient) aws.HTTPClient {
	if _, ok := sdkhttp.RequestTimeout(c); ok {
		return c
	}
	return sdkhttp.WithTimeout(c, DefaultRequestTimeout)
}

// credentialLogMode is the part of a caller's SDK log mode that the clients
// of credential requests keep: retries and deprecated usage. The others would
// write secrets to the log: the request body holds the identity token and the
// external ID, the response body the issued keys and session token, and the
// request headers and the signing details the base session's token
// (X-Amz-Security-Token).
func credentialLogMode(m aws.ClientLogMode) aws.ClientLogMode {
	return m & (aws.LogRetries | aws.LogDeprecatedUsage)
}

// validateExternalID checks an external ID without quoting it.
func validateExternalID(id string) error {
	if id == "" || (len(id) >= 2 && len(id) <= 1224 && externalIDRE.MatchString(id)) {
		return nil
	}
	return errors.New("external ID must be 2-1224 letters, digits or +=,.@:/_- characters (value not shown)")
}
