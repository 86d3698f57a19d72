package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
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
	case errors.Is(err, sfn.ErrInvalidInput), errors.Is(err, sfn.ErrNotSupported):
		// Not supported is what the command line asked of that resource (cancel an Express run, say),
		// whether the provider or Step Functions refused it: asking again does not help.
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
		if endpoint := cmp.Or(a.conn.endpoint, a.getenv("AWS_ENDPOINT_URL_SFN")); isLoopbackEndpoint(endpoint) {
			return fmt.Sprintf("nothing answers at %s: is 'polysync-sfn local' running there?", shownEndpoint(endpoint))
		}
		return "Step Functions could not be reached: check --region, --endpoint (or AWS_ENDPOINT_URL_SFN) and the network or proxy"
	}
	return ""
}

// errorLine returns err as the one line Main prints: what failed (the
// operation and its resource), why (the error kind, and the service's message
// or the network failure when they add something), and what to do (the
// provider's hint, else the command's). The SDK's whole chain is left to
// errorDetail, which -v prints.
func (a *app) errorLine(err error) string {
	var perr *sfn.Error
	if !errors.As(err, &perr) {
		return withHint(err.Error(), a.hint(err))
	}
	var b strings.Builder
	// The AWS call that failed says more than the provider method that made it.
	b.WriteString(cmp.Or(perr.API, perr.Op))
	if perr.Resource != "" && perr.Resource != "*" {
		b.WriteString(" " + perr.Resource)
	}
	hint := perr.Hint
	if hint == "" {
		hint = a.hint(err)
	}
	var why []string
	if perr.Kind != nil {
		why = append(why, perr.Kind.Error())
	}
	if reason := beyondResource(errorReason(perr), perr.Resource); reason != "" && !strings.Contains(hint, reason) {
		why = append(why, reason)
	}
	if len(why) == 0 {
		why = append(why, "failed")
	}
	b.WriteString(": " + strings.Join(why, ": "))
	return withHint(b.String(), hint)
}

// errorReason returns what the provider's error says beyond its kind: the
// service's message, the network failure after all attempts, or the
// provider's own message; "" when there is nothing more.
func errorReason(perr *sfn.Error) string {
	if perr.Err == nil {
		return ""
	}
	var apiErr smithy.APIError
	if errors.As(perr.Err, &apiErr) {
		return apiErr.ErrorMessage()
	}
	var opErr *net.OpError
	if errors.As(perr.Err, &opErr) {
		reason := "no answer: " + opErr.Error()
		var attempts *retry.MaxAttemptsError
		if errors.As(perr.Err, &attempts) {
			reason = fmt.Sprintf("no answer after %d attempts: %s", attempts.Attempt, opErr.Error())
		}
		return reason
	}
	var sdkErr *smithy.OperationError
	if errors.As(perr.Err, &sdkErr) {
		return sdkErr.Err.Error()
	}
	return perr.Err.Error()
}

// beyondResource returns what reason says after it names resource, which
// the line names already: "" for a message that only repeats it ("Execution
// Does Not Exist: '<ARN>'"), the rest for one that goes on to say what is
// wrong ("auth: web-identity(role=x, ...): role ARN "x" is not an IAM role
// ARN").
func beyondResource(reason, resource string) string {
	if resource == "" {
		return reason
	}
	if i := strings.LastIndex(reason, resource); i >= 0 {
		return strings.TrimLeft(reason[i+len(resource):], ` :'"`)
	}
	return reason
}

// errorDetail returns the whole chain of err, for -v, or "" when the line
// already says it all.
func errorDetail(err error, line string) string {
	if full := err.Error(); full != line && !strings.HasSuffix(line, full) {
		return full
	}
	return ""
}

func withHint(msg, hint string) string {
	if hint == "" {
		return msg
	}
	return msg + " (hint: " + hint + ")"
}
