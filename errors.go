package stepfunctions

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

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
	// ErrRunNotFound means the execution does not exist, or is an Express run whose result neither the result store
	// holds nor its state machine's CloudWatch Logs give (see GetPipelineRunStatus).
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
	// ErrThrottled means AWS kept throttling a call after all retries: Step Functions, or STS while credentials
	// were obtained for the call (the hint says which).
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
	// InvalidSignatureException, InvalidClientTokenId, ExpiredToken...), or STS could not issue them because it is
	// not activated in the region they were requested from (RegionDisabledException).
	ErrCredentials = errors.New("credentials rejected")
	// ErrOutcomeUnknown means a StartSyncExecution request was sent and its answer was lost: the HTTP client's
	// Timeout or the caller's ctx ended, the connection dropped, or Step Functions answered with a server error. The
	// execution may have run. Step Functions does not deduplicate Express executions, so starting it again may run
	// it twice; the state machine's CloudWatch Logs tell whether it ran. When the state machine logs at level ALL
	// and the Provider reads its logs, ExecutePipeline asks them before returning: a start found there is returned
	// as a run (followed to its end for ExpressSync), and one that did not run is started again once (see
	// ErrNotStarted), so this kind remains only when the logs cannot tell (no logs, another level, no
	// permission, or ctx ended first). For the same reason the idempotency key of such a start is spent: while the
	// Provider remembers it (see Config.ExpressResultCapacity), a start with it asks the logs again, or fails with
	// this kind too instead of running the execution again. Failures where Step Functions refused the request (an
	// error answer other than a server error) are never this kind. A Standard start without an idempotency key or
	// WithName is this kind too when its answers were lost and the run of its new Polysync-<UUIDv7> name could not
	// be found: Error.Resource names that run, which GetPipelineRunStatus tells about.
	ErrOutcomeUnknown = errors.New("outcome unknown, the execution may have run")
	// ErrNotStarted means an Express start whose answer was lost (see ErrOutcomeUnknown) was found not to have run,
	// twice: the state machine's CloudWatch Logs hold no ExecutionStarted event for it within
	// Config.LogDeliveryAllowance of the failure, and the one new start ExecutePipeline made failed the same way.
	// Nothing ran, so repeating the call is safe: it is retryable.
	ErrNotStarted = errors.New("not started")
	// ErrOutputNotApplied means some Output or InputOutput parameters were left unchanged because the
	// execution output did not allow mapping them (see ApplyOutput).
	ErrOutputNotApplied = errors.New("output not applied")
	// ErrLogSearchIncomplete means the search of an Express run's end in its state machine's CloudWatch Logs
	// stopped after its bound of FilterLogEvents pages with more to read (CloudWatch Logs answers a large log group
	// in many pages, some of them empty): the run was neither found nor shown to be absent. Looking again later may
	// find it, so it is retryable; WaitPipelineRun keeps following the run, and its next look goes on from the page
	// where the search stopped.
	ErrLogSearchIncomplete = errors.New("log search incomplete")
)

// Error is the error type returned by this package. It records the operation, the error kind (one of the
// Err* values, or nil when the failure does not belong to a kind), the resource concerned, a remediation
// hint for the operator, and the underlying error.
type Error struct {
	// Op is the Provider method that failed, such as "ExecutePipeline" (or "New").
	Op string
	// API is the AWS API call that failed, such as "DescribeStateMachine"; empty for failures detected before
	// calling AWS.
	API string
	// Kind is one of the Err* values, or nil.
	Kind error
	// Resource is the ARN (or other name) the operation was about, if any.
	Resource string
	// Hint tells the operator what to check or change. It may be empty.
	Hint string
	// Err is the underlying error, for example the SDK's error. It may be nil.
	Err error
}

// Error returns "stepfunctions: <op>: <api> <resource>: <kind>: <cause> (hint: ...)", leaving out what is
// empty. For an AWS error the cause is the service's error code and message and the request ID, without the
// SDK's wrappers that repeat the API's name, and the resource is left out when the message already names it.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("stepfunctions: ")
	b.WriteString(e.Op)
	cause := e.cause()
	head := e.API
	if e.Resource != "" && !strings.Contains(cause, e.Resource) {
		head = strings.TrimSpace(head + " " + e.Resource)
	}
	if head != "" && head != e.Op {
		if e.Op != "" {
			b.WriteString(": ")
		}
		b.WriteString(head)
	}
	for _, part := range []string{kindText(e.Kind), cause} {
		if part != "" {
			b.WriteString(": ")
			b.WriteString(part)
		}
	}
	if e.Hint != "" {
		b.WriteString(" (hint: ")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

func kindText(kind error) string {
	if kind == nil {
		return ""
	}
	return kind.Error()
}

// cause describes e.Err: for the error of an AWS call, the service's code and message and the request ID;
// otherwise, or for an error without a service answer, the error's own text without the SDK's
// "operation error <service>: <API>," prefix.
func (e *Error) cause() string {
	if e.Err == nil {
		return ""
	}
	if e.API == "" {
		return e.Err.Error()
	}
	var apiErr smithy.APIError
	if errors.As(e.Err, &apiErr) {
		msg := apiErr.ErrorCode()
		if m := apiErr.ErrorMessage(); m != "" {
			msg += ": " + m
		}
		var respErr interface{ ServiceRequestID() string }
		if errors.As(e.Err, &respErr) && respErr.ServiceRequestID() != "" {
			msg += " (request ID " + respErr.ServiceRequestID() + ")"
		}
		return msg
	}
	var opErr *smithy.OperationError
	if errors.As(e.Err, &opErr) && opErr.Err != nil {
		return opErr.Err.Error()
	}
	return e.Err.Error()
}

// Is reports whether target is the error's kind.
func (e *Error) Is(target error) bool { return e.Kind != nil && target == e.Kind }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Retryable reports whether the failure is transient: repeating the same call later, unchanged, may succeed, and
// repeating it cannot do anything twice. That holds for throttling (ErrThrottled), the quota of open executions
// (ErrExecutionLimitExceeded, which frees up as executions end), Express starts found not to have run
// (ErrNotStarted), searches of an Express run's end that stopped before the end of the logs (ErrLogSearchIncomplete),
// server errors and lost connections of calls that are safe to repeat, timeouts
// (context.DeadlineExceeded, which is also how Go reports the HTTP client's Timeout), and STS failing to reach the
// identity provider (IDPCommunicationError). Every other error is
// permanent until someone changes something: access, credentials, configuration, input, the resource, or the
// host's own decision to stop (context.Canceled). ErrOutcomeUnknown is not retryable either: the execution may
// have run, and repeating the start could run it again.
func (e *Error) Retryable() bool {
	switch e.Kind {
	case ErrThrottled, ErrExecutionLimitExceeded, ErrNotStarted, ErrLogSearchIncomplete:
		return true
	case nil:
	default:
		return false
	}
	switch {
	case e.Err == nil, errors.Is(e.Err, context.Canceled):
		return false
	case errors.Is(e.Err, context.DeadlineExceeded):
		return true
	}
	if ae, _ := apiErrorOrigin(e.Err); ae != nil {
		var re *smithyhttp.ResponseError
		return transientCodes[ae.ErrorCode()] || ae.ErrorFault() == smithy.FaultServer ||
			(errors.As(e.Err, &re) && re.HTTPStatusCode() >= 500)
	}
	// Not an answer of AWS: a connection refused, reset or timed out is transient; anything else (a bad
	// configuration found before sending, say) is not. Only the connection check: the SDK's other retryables
	// would also read package auth's mark on a failed credential refresh, which tells the SDK's retryer not to
	// repeat the refresh, not that the failure is permanent.
	return retry.RetryableConnectionError{}.IsErrorRetryable(e.Err) == aws.TrueTernary
}

// IsRetryable reports whether err, or an error it wraps, is an *Error whose Retryable method reports true. Errors
// that did not come from this package are not retryable.
func IsRetryable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Retryable()
}

// transientCodes are error codes of AWS that belong to no kind yet are transient.
var transientCodes = map[string]bool{
	"IDPCommunicationError":       true, // STS could not reach the identity provider; usually a network blip
	"ActivityWorkerLimitExceeded": true, // too many workers polling at once
	"ConflictException":           true, // concurrent updates of one state machine, its versions or aliases
	"InternalFailure":             true,
	"InternalServerError":         true,
	"ServiceUnavailable":          true,
	"RequestTimeout":              true,
	"RequestTimeoutException":     true,
}

// apiErrorOrigin returns the AWS API error in err's tree and the service that answered it: the ServiceID of the
// innermost smithy.OperationError around it ("SFN", or "STS" for a credential request made for the call). It
// returns nil and "" when err holds no API error.
func apiErrorOrigin(err error) (smithy.APIError, string) {
	return findAPIError(err, "")
}

func findAPIError(err error, service string) (smithy.APIError, string) {
	for err != nil {
		if oe, ok := err.(*smithy.OperationError); ok {
			service = oe.ServiceID
		}
		if ae, ok := err.(smithy.APIError); ok {
			return ae, service
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if ae, svc := findAPIError(e, service); ae != nil {
					return ae, svc
				}
			}
			return nil, ""
		default:
			return nil, ""
		}
	}
	return nil, ""
}

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
		case op.Scope&sfnops.ScopeMapRun != 0:
			m[op.Name] = "on the map run ARN %s"
		default:
			m[op.Name] = "on the execution ARN %s"
		}
	}
	return m
}

// classify wraps err from the AWS API call api about resource into an *Error with the matching kind and
// hint; the caller sets Op (see Provider.classify). Context cancellation passes through wrapped, so errors.Is(err, context.Canceled) holds.
// region is the provider's region, used in hints.
func classify(api, resource, region string, err error) error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	e := &Error{API: api, Resource: resource, Err: err}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return e
	}
	if errors.Is(err, auth.ErrInvalidIdentityToken) {
		// Package auth has already named the token's claims and what the IAM set-up needs.
		e.Kind = ErrInvalidIdentityToken
		return e
	}
	apiErr, service := apiErrorOrigin(err)
	if apiErr == nil {
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
		where := permissionResource[api]
		if strings.Contains(where, "%s") {
			where = fmt.Sprintf(where, resource)
		}
		e.Hint = fmt.Sprintf("grant the caller's IAM role states:%s %s", api, where)
	case "KmsAccessDeniedException":
		e.Kind = ErrAccessDenied
		if api == sfnops.StopExecution {
			// StopExecution's API reference: Step Functions encrypts the error and cause with the key "for the
			// execution role", and a stop without them uses no KMS permission of the execution role.
			e.Hint = "Step Functions encrypts a stop's error and cause with the state machine's customer managed KMS key " +
				"for its execution role: grant the state machine's execution role the use of the key (a stop without " +
				"error and cause needs none)"
			break
		}
		// The describe APIs' references say the caller needs kms:Decrypt. Whose permissions a start uses to encrypt
		// the new execution's data is not in the API reference (UNCONFIRMED): the hint names the caller.
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
	case "ResourceNotFound":
		// Step Functions' answer for a missing alias or version.
		e.Kind = ErrStateMachineNotFound
		e.Hint = fmt.Sprintf("check that the state machine version or alias exists in the region named in its ARN "+
			"(the provider's region is %s)", region)
	case "ExecutionAlreadyExists":
		e.Kind = ErrIdempotencyConflict
		e.Hint = "an execution of this name exists already with other input or has ended; use a new idempotency key"
	case "InvalidName", "ValidationException", "MissingRequiredParameter", "InvalidOutput", "TooManyTags",
		"InvalidDefinition", "InvalidLoggingConfiguration", "InvalidTracingConfiguration", "InvalidEncryptionConfiguration",
		"InvalidAuthorizationMessageException":
		e.Kind = ErrInvalidInput
	case "InvalidToken":
		e.Kind = ErrInvalidInput
		e.Hint = "the pagination token expired (Step Functions keeps it 24 hours); list again from the start"
	case "InvalidArn":
		if strings.Contains(resource, ":express:") {
			e.Kind = ErrNotSupported
			e.Hint = "Step Functions does not support " + api + " on Express executions"
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
	case "ExpiredTokenException", "ExpiredToken", "ExpiredTradeInTokenException":
		e.Kind = ErrCredentials
		e.Hint = "the session credentials or the web identity token expired; check that the token source returns a fresh token"
	case "RegionDisabledException":
		e.Kind = ErrCredentials
		e.Hint = "STS is not activated for the account in the region the credentials were requested from (the provider's " +
			"region is " + region + "): an administrator activates it in the IAM console (Account settings, Security Token " +
			"Service endpoints), or the credentials must use another region's STS endpoint"
	case "MalformedPolicyDocument", "PackedPolicyTooLarge":
		e.Kind = ErrInvalidInput
		e.Hint = "STS refused the session policy or session tags of the assumed role: check the policy document, " +
			"and shorten the policy or drop session tags when it is too large"
	case "SessionDurationEscalationException", "JWTPayloadSizeExceededException", "OutboundWebIdentityFederationDisabledException":
		e.Kind = ErrCredentials
	case "IDPCommunicationError":
		e.Hint = "STS could not reach the identity provider's OpenID configuration and keys (<issuer>/.well-known/openid-configuration); " +
			"this is usually transient: retry later"
	case "UnrecognizedClientException", "InvalidSignatureException", "InvalidClientTokenId", "SignatureDoesNotMatch",
		"IncompleteSignature", "MissingAuthenticationToken":
		e.Kind = ErrCredentials
		e.Hint = "check the access key, secret key and session token, and the machine's clock"
	default:
		if !isThrottleCode(code) {
			break
		}
		e.Kind = ErrThrottled
		if service != "" && service != sfn.ServiceID {
			e.Hint = service + " kept throttling the requests for the credentials of this call after all retries; " +
				"retry later, and share one Provider per set of credentials so that they are refreshed once for all calls"
			break
		}
		e.Hint = "Step Functions kept throttling after all retries; lower Config.RateLimits, raise Config.MaxAttempts " +
			"or request a quota increase"
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
