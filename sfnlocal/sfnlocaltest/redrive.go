package sfnlocaltest

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// testRedrive checks RedriveExecution: a FAILED execution is redriven under
// the same ARN and counts the redrive; a SUCCEEDED one is
// ExecutionNotRedrivable.
func testRedrive(t *testing.T, h *harness) {
	ctx := h.ctx(t)
	t.Run("Failed", func(t *testing.T) {
		exArn := h.startNew(t, "redrive", failDefinition, "r", `{}`)
		d := h.awaitClosed(t, exArn)
		if d.Status != types.ExecutionStatusFailed {
			t.Fatalf("DescribeExecution.status = %q, want FAILED before the redrive", d.Status)
		}
		if d.RedriveStatus != types.ExecutionRedriveStatusRedrivable {
			t.Errorf("DescribeExecution.redriveStatus = %q, want REDRIVABLE", d.RedriveStatus)
		}
		out, err := h.client.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(exArn)})
		if err != nil {
			t.Fatalf("RedriveExecution(%q): %v", exArn, err)
		}
		if out.RedriveDate == nil || out.RedriveDate.Before(*d.StopDate) {
			t.Errorf("RedriveExecution.redriveDate = %v, want a time not before the first stop %v", out.RedriveDate, d.StopDate)
		}
		// The Fail state fails again: the redriven execution ends FAILED
		// with one redrive counted.
		d = h.awaitClosed(t, exArn)
		if d.Status != types.ExecutionStatusFailed || aws.ToInt32(d.RedriveCount) != 1 {
			t.Errorf("after RedriveExecution: status %q, redriveCount %d; want FAILED, 1", d.Status, aws.ToInt32(d.RedriveCount))
		}
	})
	t.Run("Succeeded", func(t *testing.T) {
		exArn := h.startNew(t, "noredrive", passDefinition(`{}`), "r", `{}`)
		if d := h.awaitClosed(t, exArn); d.Status != types.ExecutionStatusSucceeded {
			t.Fatalf("DescribeExecution.status = %q, want SUCCEEDED", d.Status)
		}
		_, err := h.client.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(exArn)})
		wantError[*types.ExecutionNotRedrivable](t, "RedriveExecution(SUCCEEDED execution)", err)
	})
}
