package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/spf13/cobra"

	sfn "github.com/polysync/stepfunctions"
)

// exitCode picks the exit status for an error returned by a command.
func exitCode(ctx context.Context, err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if ctx.Err() != nil {
		return ExitInterrupted
	}
	// Errors that no RunE classified come from cobra itself: unknown
	// command, missing arguments.
	return ExitUsage
}

// classify maps an error from the provider (or anything under a command) to
// an exit status.
func classify(err error) int {
	switch {
	case errors.Is(err, sfn.ErrAccessDenied), errors.Is(err, sfn.ErrInvalidIdentityToken), errors.Is(err, sfn.ErrCredentials),
		isCredentialError(err), errors.As(err, new(config.SharedConfigProfileNotExistError)):
		return ExitAuth
	case errors.Is(err, sfn.ErrInvalidInput):
		return ExitUsage
	default:
		return ExitAWS
	}
}

// errInterrupted is what an interrupted command reports.
var errInterrupted = errors.New("interrupted")

// run adapts a command body so that every error it returns carries its exit
// status; errors that already do pass through.
func run(body func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := body(cmd, args)
		if err == nil {
			return nil
		}
		var ee *exitError
		if errors.As(err, &ee) {
			return err
		}
		if cmd.Context().Err() != nil {
			// Whatever failed after Ctrl-C failed because of it.
			return &exitError{code: ExitInterrupted, err: errInterrupted}
		}
		return &exitError{code: classify(err), err: err}
	}
}

// credentialErrorCodes are the service error codes that mean the caller's
// credentials were rejected.
var credentialErrorCodes = map[string]bool{
	"UnrecognizedClientException": true,
	"InvalidSignatureException":   true,
	"InvalidClientTokenId":        true,
	"ExpiredTokenException":       true,
	"ExpiredToken":                true,
	"IncompleteSignature":         true,
	"MissingAuthenticationToken":  true,
	"SignatureDoesNotMatch":       true,
}

// isCredentialError reports whether err says the credentials could not be
// found or were rejected.
func isCredentialError(err error) bool {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && credentialErrorCodes[apiErr.ErrorCode()] {
		return true
	}
	// The SDK wraps a credential provider's failure as "get identity: ..."
	// without a distinct type.
	return strings.Contains(err.Error(), "get identity: ")
}

// hint returns a remediation hint for the failures the provider leaves
// without one: an endpoint, or STS, that cannot be reached, credentials that
// cannot be found, and an unknown profile. It returns "" when the error
// already carries the provider's hint.
func (a *app) hint(err error) string {
	var perr *sfn.Error
	if errors.As(err, &perr) && perr.Hint != "" {
		return ""
	}
	var noProfile config.SharedConfigProfileNotExistError
	if errors.As(err, &noProfile) {
		return fmt.Sprintf("profile %q (AWS_PROFILE) is in neither ~/.aws/config nor ~/.aws/credentials", noProfile.Profile)
	}
	unreachable := errors.As(err, new(*smithyhttp.RequestSendError))
	switch {
	case isCredentialError(err) && unreachable:
		return "STS could not be reached to get credentials: check --region and the network or proxy"
	case isCredentialError(err) && a.defaultCreds:
		return "no AWS credentials were found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a profile with " +
			"AWS_PROFILE, or pass --role-arn with --web-identity-token-file"
	case unreachable:
		if endpoint := firstNonEmpty(a.conn.endpoint, a.getenv("AWS_ENDPOINT_URL_SFN")); isLoopbackEndpoint(endpoint) {
			return fmt.Sprintf("nothing answers at %s: is 'polysync-sfn local' running there?", endpoint)
		}
		return "Step Functions could not be reached: check --region, --endpoint (or AWS_ENDPOINT_URL_SFN) and the network or proxy"
	}
	return ""
}
