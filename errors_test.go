package stepfunctions

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"

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
