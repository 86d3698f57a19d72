package cli

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"

	"github.com/spf13/pflag"

	sfn "github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/auth"
	"github.com/polysync/stepfunctions/internal/sfnarn"
)

// connFlags are the connection flags every AWS-facing command shares.
type connFlags struct {
	region, endpoint          string
	roleARN, tokenFile        string
	assumeRoleARN, externalID string
	sessionName               string
}

func (c *connFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&c.region, "region", "", regionHelp)
	fs.StringVar(&c.endpoint, "endpoint", "", "Step Functions endpoint URL, e.g. http://127.0.0.1:8083 (default $AWS_ENDPOINT_URL_SFN)")
	fs.StringVar(&c.roleARN, "role-arn", "", "IAM role to assume with web identity federation (default $AWS_ROLE_ARN when a token file is set)")
	fs.StringVar(&c.tokenFile, "web-identity-token-file", "", "web identity token file (default $AWS_WEB_IDENTITY_TOKEN_FILE, then $AZURE_FEDERATED_TOKEN_FILE)")
	fs.StringVar(&c.assumeRoleARN, "assume-role-arn", "", "IAM role to assume on top of the other credentials (role chaining)")
	fs.StringVar(&c.externalID, "external-id", "", "external ID for --assume-role-arn")
	fs.StringVar(&c.sessionName, "session-name", "", "role session name for --role-arn and --assume-role-arn (default polysync-sfn)")
}

// config resolves the flags and their environment fallbacks into a provider
// Config. It reads the shared config file only for a region, and calls
// nothing: credentials are resolved when the provider first needs them.
//
// The region follows the region rule (region.go): the region of
// resourceARN (the ARN the command works on, if any), which --region must
// match; else --region, AWS_REGION, AWS_DEFAULT_REGION, the shared config
// profile's region.
//
// Credentials, first match wins:
//  1. --role-arn with a web identity token file: AssumeRoleWithWebIdentity.
//  2. AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN).
//  3. An --endpoint on loopback with nothing else configured: fixed local
//     keys, since the embedded endpoint accepts any signed request.
//  4. The SDK's default chain (shared config and profiles, container, instance profile).
//
// --assume-role-arn then chains a role on top of any of them.
func (a *app) config(ctx context.Context, resourceARN string) (sfn.Config, error) {
	c := a.conn
	env := a.getenv
	region, err := a.resolveRegion(ctx, resourceARN)
	if err != nil {
		return sfn.Config{}, err
	}
	endpoint := firstSet(setting{c.endpoint, "--endpoint"}, setting{env("AWS_ENDPOINT_URL_SFN"), "AWS_ENDPOINT_URL_SFN"})
	if region.value == "" {
		return sfn.Config{}, noRegionError()
	}
	a.logger().LogAttrs(ctx, slog.LevelDebug, "region", slog.String("region", region.value), slog.String("from", region.from))
	// The provider checks the region too; checking first names the flag or
	// variable the region came from.
	if err := sfnarn.CheckRegion(region.value); err != nil {
		return sfn.Config{}, usageError("%s %q: %v", region.from, region.value, err)
	}
	if endpoint.value != "" {
		if _, err := parseEndpoint(endpoint.value); err != nil {
			return sfn.Config{}, usageError("%s %q: %v", endpoint.from, shownEndpoint(endpoint.value), err)
		}
	}
	cfg := sfn.Config{Region: region.value, Endpoint: endpoint.value, Logger: a.logger()}
	tokenFile := cmp.Or(c.tokenFile, env("AWS_WEB_IDENTITY_TOKEN_FILE"), env("AZURE_FEDERATED_TOKEN_FILE"))
	roleARN := c.roleARN
	if roleARN == "" && tokenFile != "" {
		roleARN = env("AWS_ROLE_ARN")
	}
	var src auth.Source
	switch {
	case roleARN != "":
		if tokenFile == "" {
			return sfn.Config{}, usageError("--role-arn needs a web identity token: pass --web-identity-token-file or set AWS_WEB_IDENTITY_TOKEN_FILE or AZURE_FEDERATED_TOKEN_FILE")
		}
		src = auth.WebIdentity(roleARN, auth.TokenFile(tokenFile), a.webIdentityOptions()...)
	case c.tokenFile != "":
		return sfn.Config{}, usageError("--web-identity-token-file needs --role-arn (or AWS_ROLE_ARN)")
	case env("AWS_ACCESS_KEY_ID") != "" && env("AWS_SECRET_ACCESS_KEY") != "":
		src = auth.Static(env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), env("AWS_SESSION_TOKEN"))
	case cfg.Endpoint != "" && isLoopbackEndpoint(cfg.Endpoint) && env("AWS_PROFILE") == "":
		src = auth.Static("polysync-local", "polysync-local-secret", "")
	default:
		src = auth.Default()
		a.defaultCreds = true
	}
	if c.externalID != "" && c.assumeRoleARN == "" {
		return sfn.Config{}, usageError("--external-id needs --assume-role-arn")
	}
	if c.assumeRoleARN != "" {
		src = auth.AssumeRole(c.assumeRoleARN, src, a.assumeRoleOptions()...)
	}
	cfg.Credentials = src
	return cfg, nil
}

// newProvider returns a provider configured from the flags and the
// environment, for a command that works on resourceARN ("" for none).
func (a *app) newProvider(ctx context.Context, resourceARN string) (*sfn.Provider, error) {
	cfg, err := a.config(ctx, resourceARN)
	if err != nil {
		return nil, err
	}
	return sfn.New(ctx, cfg)
}

// parseEndpoint parses an endpoint setting: an http or https URL without
// user information (which the provider refuses too: requests are signed
// with AWS credentials, and a password in a URL ends up in places it should
// not).
func parseEndpoint(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("want an http or https URL such as http://127.0.0.1:8083")
	}
	if u.User != nil {
		return nil, fmt.Errorf("want a URL without user information (user name or password), such as http://127.0.0.1:8083")
	}
	return u, nil
}

// setting is a configuration value and where it came from (a flag or an
// environment variable), for error messages.
type setting struct{ value, from string }

// firstSet returns the first setting with a value, or the zero setting.
func firstSet(settings ...setting) setting {
	for _, s := range settings {
		if s.value != "" {
			return s
		}
	}
	return setting{}
}

func isLoopbackEndpoint(s string) bool {
	u, err := parseEndpoint(s)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (a *app) webIdentityOptions() []auth.WebIdentityOption {
	var opts []auth.WebIdentityOption
	if a.conn.sessionName != "" {
		opts = append(opts, auth.WithSessionName(a.conn.sessionName))
	}
	return opts
}

func (a *app) assumeRoleOptions() []auth.AssumeRoleOption {
	var opts []auth.AssumeRoleOption
	if a.conn.sessionName != "" {
		opts = append(opts, auth.WithSessionName(a.conn.sessionName))
	}
	if a.conn.externalID != "" {
		opts = append(opts, auth.WithExternalID(a.conn.externalID))
	}
	return opts
}
