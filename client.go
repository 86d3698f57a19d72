package stepfunctions

import (
	"github.com/polysync/stepfunctions/internal/sfnapi"
)

// SFNClient is the set of Step Functions operations a Provider calls, with the AWS SDK's signatures:
// *sfn.Client implements it. A host's unit tests can implement it with a fake (embed SFNClient and override
// the methods the test needs) and pass it to NewWithClient.
//
// Implementations must be safe for concurrent use and return the SDK's error types (a smithy.APIError with
// the service's error code) so that the Provider classifies them. The interface grows when the Provider
// calls a new operation, which a fake that embeds SFNClient absorbs.
type SFNClient = sfnapi.Client

// NewWithClient returns a Provider that calls client as given, after validating cfg as New does. The
// settings that build a client do not apply to one passed in, and setting them is an error that names the
// field: Credentials, Endpoint, LogsEndpoint, HTTPClient, AttemptTimeout, MaxAttempts and MaxBackoff. The
// client-side rate limits (Config.RateLimits) do apply.
//
// Such a Provider has no CloudWatch Logs client: it answers for Express runs from Config.ExpressResults only, as
// if no state machine logged its results, and it refuses Config.ExpressMode ExpressAsync, which needs the logs.
func NewWithClient(client SFNClient, cfg Config) (*Provider, error) {
	const op = "NewWithClient"
	switch {
	case client == nil || isNilPointer(client):
		return nil, invalid(op, "client is nil")
	case cfg.Credentials != nil:
		return nil, invalid(op, "Config.Credentials does not apply to a client passed to NewWithClient: give the client its credentials")
	case cfg.Endpoint != "":
		return nil, invalid(op, "Config.Endpoint does not apply to a client passed to NewWithClient: set the client's BaseEndpoint")
	case cfg.LogsEndpoint != "":
		return nil, invalid(op, "Config.LogsEndpoint does not apply to a client passed to NewWithClient: its Provider reads no CloudWatch Logs")
	case cfg.ExpressMode == ExpressAsync:
		return nil, invalid(op, "Config.ExpressMode ExpressAsync needs the CloudWatch Logs client that New builds: use New, or ExpressSync")
	case cfg.HTTPClient != nil:
		return nil, invalid(op, "Config.HTTPClient does not apply to a client passed to NewWithClient: set the client's HTTPClient")
	case cfg.AttemptTimeout != 0:
		return nil, invalid(op, "Config.AttemptTimeout does not apply to a client passed to NewWithClient: bound the requests of the client's HTTPClient")
	case cfg.MaxAttempts != 0 || cfg.MaxBackoff != 0:
		return nil, invalid(op, "Config.MaxAttempts and MaxBackoff do not apply to a client passed to NewWithClient: set the client's Retryer")
	}
	return newProvider(client, cfg)
}
