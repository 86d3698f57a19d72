package stepfunctions

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"

	"github.com/polysync/stepfunctions/auth"
	"github.com/polysync/stepfunctions/internal/sfnops"
)

// Error kinds. Every error returned by this package that belongs to one of these kinds matches it with
// errors.Is, while the AWS SDK's own error (if any) stays reachable with errors.As, for example as a
// smithy.APIError.
var (
	// ErrAccessDenied means IAM denied a call (AccessDeniedException or KmsAccessDeniedException). The error's
	// hint names the permission and the resource it must be granted on.
	ErrAccessDenied = errors.New("access denied")
	// ErrStateMachineNotFound means the state machine does not exist (or is being deleted).
	ErrStateMachineNotFound = errors.New("state machine not found")
	// ErrRunNotFound means the execution does not exist, or is an Express run this Provider no longer holds.
	ErrRunNotFound = errors.New("run not found")
	// ErrInvalidInput means a value failed validation, either locally before any call to AWS or by the service
	// (InvalidExecutionInput, InvalidName, InvalidArn, ValidationException).
	ErrInvalidInput = errors.New("invalid input")
	// ErrExecutionLimitExceeded means the account reached the quota of open executions (ExecutionLimitExceeded).
	ErrExecutionLimitExceeded = errors.New("execution limit exceeded")
	// ErrInvalidIdentityToken means STS rejected the web identity token used to obtain credentials
	// (InvalidIdentityToken, IDPRejectedClaim, or an expired token). It is auth.ErrInvalidIdentityToken, so
	// errors from package auth match it too.
	ErrInvalidIdentityToken = auth.ErrInvalidIdentityToken
	// ErrThrottled means Step Functions kept throttling a call after all retries.
	ErrThrottled = errors.New("throttled")
	// ErrNotSupported means the operation is not available for this kind of resource, for example stopping an
	// Express execution.
	ErrNotSupported = errors.New("not supported")
	// ErrNotRedrivable means Step Functions cannot redrive the run (ExecutionNotRedrivable): it succeeded, it
	// stopped more than 14 days ago, or its failure cannot be redriven. The hint carries Step Functions' reason.
	ErrNotRedrivable = errors.New("not redrivable")
	// ErrIdempotencyConflict means an idempotency key was reused with a different input.
	ErrIdempotencyConflict = errors.New("idempotency conflict")
	// ErrCredentials means AWS did not accept the credentials (UnrecognizedClientException,
	// InvalidSignatureException, InvalidClientTokenId, ExpiredToken...).
	ErrCredentials = errors.New("credentials rejected")
	// ErrOutputNotApplied means some Output or InputOutput parameters were left unchanged because the
	// execution output did not allow mapping them (see ApplyOutput).
	ErrOutputNotApplied = errors.New("output not applied")
)

// Error is the error type returned by this package. It records the operation, the error kind (one of the
// Err* values, or nil when the failure does not belong to a kind), the resource concerned, a remediation
// hint for the operator, and the underlying error.
type Error struct {
	// Op is the operation that failed: a Step Functions API name such as "StartExecution", or a Provider
	// method name such as "ExecutePipeline" for failures detected before calling AWS.
	Op string
	// Kind is one of the Err* values, or nil.
	Kind error
	// Resource is the ARN (or other name) the operation was about, if any.
	Resource string
	// Hint tells the operator what to check or change. It may be empty.
	Hint string
	// Err is the underlying error, for example the SDK's error. It may be nil.
	Err error
}

// Error returns "stepfunctions: <op> <resource>: <kind>: <cause> (hint: ...)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("stepfunctions: ")
	b.WriteString(e.Op)
	if e.Resource != "" {
		b.WriteString(" ")
		b.WriteString(e.Resource)
	}
	if e.Kind != nil {
		b.WriteString(": ")
		b.WriteString(e.Kind.Error())
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Hint != "" {
		b.WriteString(" (hint: ")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Is reports whether target is the error's kind.
func (e *Error) Is(target error) bool { return e.Kind != nil && target == e.Kind }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// invalid returns an ErrInvalidInput error for op, detected before any call to AWS.
func invalid(op string, format string, args ...any) *Error {
	return &Error{Op: op, Kind: ErrInvalidInput, Err: fmt.Errorf(format, args...)}
}

// permissionResource describes, for each Step Functions API, what the IAM permission must be granted on, used in
// AccessDenied hints. "%s" is replaced by the resource ARN. It is built from the scopes of internal/sfnops's table.
var permissionResource = permissionResources()

// permissionResources returns the permissionResource table.
func permissionResources() map[string]string {
	m := make(map[string]string)
	for _, op := range sfnops.All() {
		switch {
		case op.Scope == sfnops.ScopeAll:
			m[op.Name] = `on resource "*"`
		case op.Scope&sfnops.ScopeStateMachine != 0:
			m[op.Name] = "on the state machine ARN %s (for a version or alias ARN, on that qualified ARN)"
		default:
			m[op.Name] = "on the execution ARN %s"
		}
	}
	return m
}

// classify wraps err from the Step Functions API call op about resource into an *Error with the matching
// kind and hint. Context cancellation passes through wrapped, so errors.Is(err, context.Canceled) holds.
// region is the provider's region, used in hints.
func classify(op, resource, region string, err error) error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	e := &Error{Op: op, Resource: resource, Err: err}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return e
	}
	if errors.Is(err, auth.ErrInvalidIdentityToken) {
		// Package auth has already named the token's claims and what the IAM set-up needs.
		e.Kind = ErrInvalidIdentityToken
		return e
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return e
	}
	switch code := apiErr.ErrorCode(); code {
	case "AccessDenied":
		// STS's spelling: the credential source could not assume its role.
		e.Kind = ErrAccessDenied
		e.Hint = "the credentials could not assume the configured role: check the caller's sts:AssumeRole permission " +
			"and the role's trust policy"
	case "AccessDeniedException":
		e.Kind = ErrAccessDenied
		where := permissionResource[op]
		if strings.Contains(where, "%s") {
			where = fmt.Sprintf(where, resource)
		}
		e.Hint = fmt.Sprintf("grant the caller's IAM role states:%s %s", op, where)
	case "KmsAccessDeniedException":
		e.Kind = ErrAccessDenied
		e.Hint = "grant kms:Decrypt (and kms:GenerateDataKey to start executions) on the state machine's customer managed KMS key to the caller"
	case "KmsInvalidStateException":
		// The SDK's message leaves out the key state, which says what to fix.
		state := "not usable"
		var ks *types.KmsInvalidStateException
		if errors.As(err, &ks) && ks.KmsKeyState != "" {
			state = "in state " + string(ks.KmsKeyState)
		}
		e.Hint = "the state machine's customer managed KMS key is " + state +
			": enable it or cancel its deletion in KMS, or change the state machine's encryption configuration"
	case "StateMachineDoesNotExist", "StateMachineDeleting":
		e.Kind = ErrStateMachineNotFound
		e.Hint = fmt.Sprintf("check that the state machine exists in the region named in its ARN (the provider's region is %s) "+
			"and that the caller has states:DescribeStateMachine on it", region)
	case "ExecutionDoesNotExist":
		e.Kind = ErrRunNotFound
		e.Hint = fmt.Sprintf("check the execution ARN and its region (the provider's region is %s); "+
			"Standard execution history is kept 90 days after the run closed", region)
	case "InvalidExecutionInput":
		e.Kind = ErrInvalidInput
		e.Hint = "check parameters of data type json (object, array): their values must be valid JSON"
	case "InvalidName", "ValidationException", "InvalidToken", "MissingRequiredParameter":
		e.Kind = ErrInvalidInput
	case "InvalidArn":
		if strings.Contains(resource, ":express:") {
			e.Kind = ErrNotSupported
			e.Hint = "Step Functions does not support " + op + " on Express executions"
		} else {
			e.Kind = ErrInvalidInput
		}
	case "ExecutionNotRedrivable":
		e.Kind = ErrNotRedrivable
		e.Hint = "only Standard runs that failed, timed out or were aborted in the last 14 days can be redriven"
	case "ExecutionLimitExceeded":
		e.Kind = ErrExecutionLimitExceeded
		e.Hint = "the account reached the quota of 1,000,000 open Standard executions in this region; " +
			"wait for executions to finish or request a quota increase"
	case "StateMachineTypeNotSupported":
		e.Kind = ErrNotSupported
		e.Hint = "StartSyncExecution runs only Express state machines and StartExecution's result cannot be tracked for " +
			"Express ones; check the job's Type"
	case "InvalidIdentityToken", "IDPRejectedClaim":
		e.Kind = ErrInvalidIdentityToken
		e.Hint = "check that the IAM OIDC identity provider's URL equals the token's issuer (iss), for Entra ID " +
			"https://login.microsoftonline.com/<tenant-id>/v2.0, that its client ID (audience) list holds the token's aud " +
			"(sts.amazonaws.com), and that the role's trust policy conditions on <issuer>:aud and <issuer>:sub " +
			"(the Entra ID object ID, oid) match the token"
	case "ExpiredTokenException", "ExpiredToken":
		e.Kind = ErrCredentials
		e.Hint = "the session credentials or the web identity token expired; check that the token source returns a fresh token"
	case "UnrecognizedClientException", "InvalidSignatureException", "InvalidClientTokenId", "SignatureDoesNotMatch",
		"IncompleteSignature", "MissingAuthenticationToken":
		e.Kind = ErrCredentials
		e.Hint = "check the access key, secret key and session token, and the machine's clock"
	default:
		if isThrottleCode(code) {
			e.Kind = ErrThrottled
			e.Hint = "Step Functions kept throttling after all retries; lower Config.RateLimits, raise Config.MaxAttempts " +
				"or request a quota increase"
		}
	}
	return e
}

func isThrottleCode(code string) bool {
	switch code {
	case "ThrottlingException", "Throttling", "KmsThrottlingException", "TooManyRequestsException",
		"RequestLimitExceeded", "LimitExceededException":
		return true
	}
	return false
}

// apiErrorCode returns the smithy API error code in err's chain, or "".
func apiErrorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}
