package stepfunctions

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/polysync/stepfunctions/auth"
)

func TestClassify(t *testing.T) {
	const (
		smARN   = "arn:aws:states:eu-west-1:123456789012:stateMachine:orders"
		execARN = "arn:aws:states:eu-west-1:123456789012:execution:orders:run-1"
		express = "arn:aws:states:eu-west-1:123456789012:express:fast:run-2:0b4fd7c1-61b2-4c3a-a0a9-b4d5c53e56a2"
	)
	apiErr := func(code string) error { return &smithy.GenericAPIError{Code: code, Message: "msg for " + code} }
	tests := []struct {
		name     string
		op       string
		resource string
		err      error
		kind     error
		hint     []string
	}{
		{"start access denied", "StartExecution", smARN, apiErr("AccessDeniedException"), ErrAccessDenied, []string{"states:StartExecution", smARN}},
		{"describe access denied", "DescribeExecution", execARN, apiErr("AccessDeniedException"), ErrAccessDenied, []string{"states:DescribeExecution", execARN}},
		{"list access denied", "ListStateMachines", "*", apiErr("AccessDeniedException"), ErrAccessDenied, []string{"states:ListStateMachines", `"*"`}},
		{"kms access denied", "StartExecution", smARN, &types.KmsAccessDeniedException{Message: strPtr("kms")}, ErrAccessDenied, []string{"kms:Decrypt"}},
		{"kms access denied on stop", "StopExecution", execARN, &types.KmsAccessDeniedException{Message: strPtr("kms")}, ErrAccessDenied, []string{"execution role", "without error and cause"}},
		{"sts access denied", "StartExecution", smARN, apiErr("AccessDenied"), ErrAccessDenied, []string{"sts:AssumeRole", "trust policy"}},
		{"kms key disabled", "StartExecution", smARN, &types.KmsInvalidStateException{KmsKeyState: types.KmsKeyStateDisabled}, nil, []string{"KMS key", "DISABLED"}},
		{"machine missing", "StartExecution", smARN, &types.StateMachineDoesNotExist{Message: strPtr("gone")}, ErrStateMachineNotFound, []string{"region", "states:DescribeStateMachine"}},
		{"machine deleting", "StartExecution", smARN, &types.StateMachineDeleting{}, ErrStateMachineNotFound, nil},
		{"execution missing", "DescribeExecution", execARN, &types.ExecutionDoesNotExist{}, ErrRunNotFound, nil},
		{"invalid input", "StartExecution", smARN, &types.InvalidExecutionInput{}, ErrInvalidInput, []string{"json"}},
		{"invalid name", "StartExecution", smARN, &types.InvalidName{}, ErrInvalidInput, nil},
		{"validation", "StopExecution", execARN, apiErr("ValidationException"), ErrInvalidInput, nil},
		{"invalid arn", "DescribeExecution", execARN, &types.InvalidArn{}, ErrInvalidInput, nil},
		{"invalid arn express", "DescribeExecution", express, &types.InvalidArn{}, ErrNotSupported, []string{"Express"}},
		{"limit", "StartExecution", smARN, &types.ExecutionLimitExceeded{}, ErrExecutionLimitExceeded, []string{"1,000,000 open"}},
		{"throttled", "DescribeStateMachine", smARN, apiErr("ThrottlingException"), ErrThrottled, nil},
		{"kms throttled", "StartExecution", smARN, &types.KmsThrottlingException{}, ErrThrottled, nil},
		{"type not supported", "StartSyncExecution", smARN, &types.StateMachineTypeNotSupported{}, ErrNotSupported, nil},
		{"identity token in credential chain", "StartExecution", smARN,
			fmt.Errorf("get identity: %w", fmt.Errorf("failed to refresh cached credentials: %w", apiErr("InvalidIdentityToken"))),
			ErrInvalidIdentityToken, []string{"issuer", "sts.amazonaws.com", ":sub", "trust policy"}},
		{"bad credentials", "ListStateMachines", "*", apiErr("UnrecognizedClientException"), ErrCredentials, nil},
		{"unclassified", "StartExecution", smARN, apiErr("InternalFailure"), nil, nil},
		{"not an API error", "StartExecution", smARN, errors.New("connection refused"), nil, nil},
	}
	kinds := []error{ErrAccessDenied, ErrStateMachineNotFound, ErrRunNotFound, ErrInvalidInput, ErrExecutionLimitExceeded,
		ErrInvalidIdentityToken, ErrThrottled, ErrNotSupported, ErrIdempotencyConflict, ErrCredentials}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := classify(tt.op, tt.resource, "eu-west-1", tt.err)
			for _, k := range kinds {
				if got, want := errors.Is(err, k), k == tt.kind; got != want {
					t.Errorf("errors.Is(%v, %v) = %v, want %v", err, k, got, want)
				}
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("classify() = %v does not unwrap to the original error", err)
			}
			var ae smithy.APIError
			if _, isAPI := tt.err.(smithy.APIError); isAPI && !errors.As(err, &ae) {
				t.Errorf("errors.As(%v, smithy.APIError) = false", err)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("classify() = %T, want *Error", err)
			}
			for _, h := range tt.hint {
				if !strings.Contains(e.Hint, h) {
					t.Errorf("hint %q does not contain %q", e.Hint, h)
				}
			}
			if !strings.Contains(err.Error(), tt.op) {
				t.Errorf("Error() = %q does not name the operation %s", err, tt.op)
			}
		})
	}
}

func TestClassifyContext(t *testing.T) {
	err := classify("StartExecution", "x", "eu-west-1", fmt.Errorf("operation error: %w", context.Canceled))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("classify(canceled) = %v, want errors.Is context.Canceled", err)
	}
	if classify("X", "", "", nil) != nil {
		t.Errorf("classify(nil) != nil")
	}
}

func strPtr(s string) *string { return &s }

// An expired web identity token reaches the provider as STS's ExpiredTokenException wrapped by package auth:
// it must be reported as an identity-token problem, not as rejected Step Functions credentials.
func TestClassifyAuthIdentityTokenError(t *testing.T) {
	stsErr := &smithy.GenericAPIError{Code: "ExpiredTokenException", Message: "token expired"}
	authErr := fmt.Errorf("web identity: %w: %w", auth.ErrInvalidIdentityToken, stsErr)
	err := classify("StartExecution", "arn", "eu-west-1", fmt.Errorf("get identity: %w", authErr))
	if !errors.Is(err, ErrInvalidIdentityToken) || errors.Is(err, ErrCredentials) {
		t.Errorf("classify(auth expired token) = %v, want kind ErrInvalidIdentityToken only", err)
	}
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "ExpiredTokenException" {
		t.Errorf("classify(auth expired token): STS error not reachable with errors.As")
	}
}

// TestErrorCodes classifies every error code of the Step Functions and STS API models (read from the SDK's
// source, so that a code added by an SDK upgrade fails this test until it has a row) and the codes common to all
// AWS APIs, as the SDK delivers them: a Step Functions error inside the SFN operation error, an STS error inside
// the STS operation error of the credential request made for the call.
func TestErrorCodes(t *testing.T) {
	const smARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:orders"
	type row struct {
		kind      error
		retryable bool
		hint      string // a part of the hint, or "" for no hint
		status    int    // HTTP status; 0 means 400
	}
	sfnCodes := map[string]row{
		"ActivityAlreadyExists":          {nil, false, "", 0},
		"ActivityDoesNotExist":           {nil, false, "", 0},
		"ActivityLimitExceeded":          {nil, false, "", 0},
		"ActivityWorkerLimitExceeded":    {nil, true, "", 0},
		"ConflictException":              {nil, true, "", 0},
		"ExecutionAlreadyExists":         {ErrIdempotencyConflict, false, "new idempotency key", 0},
		"ExecutionDoesNotExist":          {ErrRunNotFound, false, "90 days", 0},
		"ExecutionLimitExceeded":         {ErrExecutionLimitExceeded, true, "1,000,000 open", 0},
		"ExecutionNotRedrivable":         {ErrNotRedrivable, false, "14 days", 0},
		"InvalidArn":                     {ErrInvalidInput, false, "", 0},
		"InvalidDefinition":              {ErrInvalidInput, false, "", 0},
		"InvalidEncryptionConfiguration": {ErrInvalidInput, false, "", 0},
		"InvalidExecutionInput":          {ErrInvalidInput, false, "data type json", 0},
		"InvalidLoggingConfiguration":    {ErrInvalidInput, false, "", 0},
		"InvalidName":                    {ErrInvalidInput, false, "", 0},
		"InvalidOutput":                  {ErrInvalidInput, false, "", 0},
		"InvalidToken":                   {ErrInvalidInput, false, "24 hours", 0},
		"InvalidTracingConfiguration":    {ErrInvalidInput, false, "", 0},
		"KmsAccessDeniedException":       {ErrAccessDenied, false, "kms:Decrypt", 0},
		"KmsInvalidStateException":       {nil, false, "KMS key is not usable", 0},
		"KmsThrottlingException":         {ErrThrottled, true, "lower Config.RateLimits", 0},
		"MissingRequiredParameter":       {ErrInvalidInput, false, "", 0},
		"ResourceNotFound":               {ErrStateMachineNotFound, false, "version or alias exists", 0},
		"ServiceQuotaExceededException":  {nil, false, "", 0},
		"StateMachineAlreadyExists":      {nil, false, "", 0},
		"StateMachineDeleting":           {ErrStateMachineNotFound, false, "provider's region is eu-west-1", 0},
		"StateMachineDoesNotExist":       {ErrStateMachineNotFound, false, "provider's region is eu-west-1", 0},
		"StateMachineLimitExceeded":      {nil, false, "", 0},
		"StateMachineTypeNotSupported":   {ErrNotSupported, false, "job's Type", 0},
		"TaskDoesNotExist":               {nil, false, "", 0},
		"TaskTimedOut":                   {nil, false, "", 0},
		"TooManyTags":                    {ErrInvalidInput, false, "", 0},
		"ValidationException":            {ErrInvalidInput, false, "", 0},
		// Common to every AWS API, not in the model.
		"AccessDeniedException":       {ErrAccessDenied, false, "states:StartExecution on the state machine ARN " + smARN, 0},
		"ThrottlingException":         {ErrThrottled, true, "Step Functions kept throttling", 0},
		"UnrecognizedClientException": {ErrCredentials, false, "access key", 0},
		"InvalidSignatureException":   {ErrCredentials, false, "clock", 0},
		"InternalFailure":             {nil, true, "", 500},
		"ServiceUnavailable":          {nil, true, "", 503},
		"UnmodelledServerError":       {nil, true, "", 502},
		"UnmodelledClientError":       {nil, false, "", 0},
	}
	stsCodes := map[string]row{
		"ExpiredTokenException":                          {ErrCredentials, false, "expired", 0},
		"ExpiredTradeInTokenException":                   {ErrCredentials, false, "expired", 0},
		"IDPCommunicationError":                          {nil, true, "usually transient", 0},
		"IDPRejectedClaim":                               {ErrInvalidIdentityToken, false, "trust policy", 403},
		"InvalidAuthorizationMessageException":           {ErrInvalidInput, false, "", 0},
		"InvalidIdentityToken":                           {ErrInvalidIdentityToken, false, "sts.amazonaws.com", 0},
		"JWTPayloadSizeExceededException":                {ErrCredentials, false, "", 0},
		"MalformedPolicyDocument":                        {ErrInvalidInput, false, "session policy", 0},
		"OutboundWebIdentityFederationDisabledException": {ErrCredentials, false, "", 0},
		"PackedPolicyTooLarge":                           {ErrInvalidInput, false, "session policy", 0},
		"RegionDisabledException":                        {ErrCredentials, false, "STS is not activated for the account", 403},
		"SessionDurationEscalationException":             {ErrCredentials, false, "", 0},
		// Common to every AWS API (in STS's spelling), not in the model.
		"AccessDenied":         {ErrAccessDenied, false, "sts:AssumeRole", 403},
		"Throttling":           {ErrThrottled, true, "STS kept throttling the requests for the credentials", 0},
		"InvalidClientTokenId": {ErrCredentials, false, "access key", 403},
		"ExpiredToken":         {ErrCredentials, false, "expired", 0},
		"InternalFailure":      {nil, true, "", 500},
	}
	for svc, table := range map[string]map[string]row{"sfn": sfnCodes, "sts": stsCodes} {
		for _, code := range modelErrorCodes(t, svc) {
			if _, ok := table[code]; !ok {
				t.Errorf("%s error code %s has no row in this test: classify it (kind, retryability, hint) and add one", svc, code)
			}
		}
	}
	kinds := []error{ErrAccessDenied, ErrStateMachineNotFound, ErrRunNotFound, ErrInvalidInput, ErrExecutionLimitExceeded,
		ErrInvalidIdentityToken, ErrThrottled, ErrNotSupported, ErrNotRedrivable, ErrIdempotencyConflict, ErrCredentials,
		ErrOutputNotApplied, ErrOutcomeUnknown, ErrLogSearchIncomplete}
	for svc, table := range map[string]map[string]row{"SFN": sfnCodes, "STS": stsCodes} {
		for code, want := range table {
			t.Run(svc+"/"+code, func(t *testing.T) {
				status := want.status
				if status == 0 {
					status = http.StatusBadRequest
				}
				fault := smithy.FaultClient
				if status >= 500 {
					fault = smithy.FaultServer
				}
				apiErr := &smithy.GenericAPIError{Code: code, Message: "test message", Fault: fault}
				var err error = &smithy.OperationError{ServiceID: svc, OperationName: "AssumeRoleWithWebIdentity",
					Err: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: apiErr}}
				if svc == "STS" {
					err = fmt.Errorf("get identity: get credentials: failed to refresh cached credentials, %w", err)
				}
				err = classify("StartExecution", smARN, "eu-west-1", &smithy.OperationError{ServiceID: "SFN", OperationName: "StartExecution", Err: err})
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("classify() = %T, want *Error", err)
				}
				for _, k := range kinds {
					if got, want := errors.Is(err, k), k == want.kind; got != want {
						t.Errorf("errors.Is(%v, %v) = %v, want %v", err, k, got, want)
					}
				}
				if got := e.Retryable(); got != want.retryable {
					t.Errorf("Retryable() = %v, want %v", got, want.retryable)
				}
				if got := IsRetryable(fmt.Errorf("host: %w", err)); got != want.retryable {
					t.Errorf("IsRetryable(wrapped) = %v, want %v", got, want.retryable)
				}
				if (want.hint == "") != (e.Hint == "") || !strings.Contains(e.Hint, want.hint) {
					t.Errorf("Hint = %q, want %q", e.Hint, want.hint)
				}
				if svc == "STS" && strings.Contains(e.Hint, "Step Functions") {
					t.Errorf("Hint = %q names Step Functions for an STS error", e.Hint)
				}
				var ae smithy.APIError
				if !errors.As(err, &ae) || ae.ErrorCode() != code {
					t.Errorf("errors.As(smithy.APIError) does not reach the %s error", code)
				}
			})
		}
	}
}

// modelErrorCodes returns the error codes that the SDK's service/<svc>/types/errors.go defines: the value each
// error type's ErrorCode method returns.
func modelErrorCodes(t *testing.T, svc string) []string {
	t.Helper()
	mod := "github.com/aws/aws-sdk-go-v2/service/" + svc
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", mod).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v", mod, err)
	}
	path := filepath.Join(strings.TrimSpace(string(dir)), "types", "errors.go")
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	var codes []string
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || fn.Name.Name != "ErrorCode" {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if code, _ := strconv.Unquote(lit.Value); code != "" {
					codes = append(codes, code)
				}
			}
			return true
		})
	}
	if len(codes) < 10 {
		t.Fatalf("found %d error codes in %s, want the whole model", len(codes), path)
	}
	return codes
}

func TestRetryableWithoutAnAnswer(t *testing.T) {
	dialErr := &url.Error{Op: "Post", URL: "https://states.eu-west-1.amazonaws.com/",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", &smithy.OperationError{ServiceID: "SFN", Err: &smithyhttp.RequestSendError{Err: dialErr}}, true},
		{"deadline", fmt.Errorf("operation error SFN: %w", context.DeadlineExceeded), true},
		{"cancelled by the host", fmt.Errorf("operation error SFN: %w", context.Canceled), false},
		{"local failure", errors.New("load AWS configuration: bad profile"), false},
		{"no cause", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &Error{Op: "DescribeExecution", Err: tt.err}
			if got := e.Retryable(); got != tt.want {
				t.Errorf("Retryable(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
	if IsRetryable(errors.New("not from this package")) || IsRetryable(nil) {
		t.Errorf("IsRetryable() = true for an error not from this package")
	}
	if (&Error{Kind: ErrOutcomeUnknown, Err: context.DeadlineExceeded}).Retryable() {
		t.Errorf("Retryable() = true for ErrOutcomeUnknown")
	}
}
