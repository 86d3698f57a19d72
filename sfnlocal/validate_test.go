package sfnlocal

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// TestValidateStateMachineDefinition checks the operation over the wire:
// the interpreter's problems as ERROR diagnostics with AWS's codes and
// locations, OK for a good definition, maxResults and the request checks.
func TestValidateStateMachineDefinition(t *testing.T) {
	_, c := startServer(t)
	ctx := context.Background()

	ok, err := c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{
		Definition: aws.String(`{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`), Severity: types.ValidateStateMachineDefinitionSeverityWarning})
	if err != nil || ok.Result != types.ValidateStateMachineDefinitionResultCodeOk || len(ok.Diagnostics) != 0 {
		t.Fatalf("ValidateStateMachineDefinition(good) = %+v, %v; want OK without diagnostics", ok, err)
	}

	bad := `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nowhere"},"B":{"Type":"Wait","End":true}}}`
	out, err := c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(bad)})
	if err != nil {
		t.Fatalf("ValidateStateMachineDefinition(bad) error = %v", err)
	}
	if out.Result != types.ValidateStateMachineDefinitionResultCodeFail || len(out.Diagnostics) < 2 || aws.ToBool(out.Truncated) {
		t.Fatalf("ValidateStateMachineDefinition(bad) = %+v, want FAIL with two or more diagnostics", out)
	}
	var target bool
	for _, d := range out.Diagnostics {
		if d.Severity != types.ValidateStateMachineDefinitionSeverityError || aws.ToString(d.Code) == "" || aws.ToString(d.Message) == "" {
			t.Errorf("diagnostic %+v: want an ERROR with a code and a message", d)
		}
		if aws.ToString(d.Code) == "MISSING_TRANSITION_TARGET" && aws.ToString(d.Location) == "/States/A/Next" {
			target = true
		}
	}
	if !target {
		t.Errorf("diagnostics %+v lack MISSING_TRANSITION_TARGET at /States/A/Next", out.Diagnostics)
	}

	one, err := c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(bad), MaxResults: 1})
	if err != nil || len(one.Diagnostics) != 1 || !aws.ToBool(one.Truncated) {
		t.Errorf("ValidateStateMachineDefinition(maxResults 1) = %+v, %v; want one diagnostic, truncated", one, err)
	}

	_, err = c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(bad), Type: "BATCH"})
	if errorCode(err) != "ValidationException" {
		t.Errorf("ValidateStateMachineDefinition(type BATCH) error = %v, want ValidationException", err)
	}
}
