package sfnlocaltest

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// testExpressExecutions checks what sets Express executions apart: the
// machine's type, unique ARNs for a repeated name, and InvalidArn from the
// operations that serve only Standard executions.
func testExpressExecutions(t *testing.T, h *harness) {
	ctx := h.ctx(t)
	machine := h.name("xp")
	smArn := aws.ToString(h.createMachine(t, machine, passDefinition(`{}`), machineOptions{express: true}).StateMachineArn)
	d, err := h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(smArn)})
	if err != nil {
		t.Fatalf("DescribeStateMachine(%q): %v", smArn, err)
	}
	if d.Type != types.StateMachineTypeExpress {
		t.Errorf("DescribeStateMachine(%q).type = %q, want EXPRESS", machine, d.Type)
	}

	name := h.name("same")
	first := aws.ToString(h.start(t, smArn, name, `{}`).ExecutionArn)
	second := aws.ToString(h.start(t, smArn, name, `{}`).ExecutionArn)
	prefix := h.arn("express:" + machine + ":" + name + ":")
	for _, arn := range []string{first, second} {
		if !strings.HasPrefix(arn, prefix) || len(arn) == len(prefix) {
			t.Errorf("Express StartExecution ARN = %q, want %q followed by a unique id", arn, prefix)
		}
	}
	if first == second {
		t.Errorf("two Express StartExecution calls with name %q both answered %q, want distinct ARNs", name, first)
	}

	invalidArn := func(t *testing.T, call string, err error) {
		t.Helper()
		wantError[*types.InvalidArn](t, call+"(Express execution)", err)
	}
	runErrorCases(t, []errorCase{
		{"DescribeExecution", func() error {
			return errOf(h.client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(first)}))
		}, invalidArn},
		{"StopExecution", func() error {
			return errOf(h.client.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(first)}))
		}, invalidArn},
		{"GetExecutionHistory", func() error {
			return errOf(h.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(first)}))
		}, invalidArn},
	})
	t.Run("ListExecutions", func(t *testing.T) {
		_, err := h.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(smArn)})
		wantError[*types.StateMachineTypeNotSupported](t, "ListExecutions(Express machine)", err)
	})
}

// testStartSync checks StartSyncExecution on Express machines: it answers
// the execution's end, with HTTP 200 even when the execution failed.
func testStartSync(t *testing.T, h *harness) {
	ctx := h.ctx(t)
	t.Run("Succeeded", func(t *testing.T) {
		machine := h.name("sync")
		smArn := aws.ToString(h.createMachine(t, machine, passDefinition(`{"sync":true}`), machineOptions{express: true}).StateMachineArn)
		name := h.name("s")
		out, err := h.client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(smArn), Name: aws.String(name), Input: aws.String(`{"n":7}`)})
		if err != nil {
			t.Fatalf("StartSyncExecution(%q): %v", smArn, err)
		}
		if out.Status != types.SyncExecutionStatusSucceeded {
			t.Fatalf("StartSyncExecution.status = %q (error %q, cause %q), want SUCCEEDED", out.Status, aws.ToString(out.Error), aws.ToString(out.Cause))
		}
		wantJSON(t, "StartSyncExecution.output", out.Output, `{"n":7,"result":{"sync":true}}`)
		wantJSON(t, "StartSyncExecution.input", out.Input, `{"n":7}`)
		if prefix := h.arn("express:" + machine + ":" + name + ":"); !strings.HasPrefix(aws.ToString(out.ExecutionArn), prefix) {
			t.Errorf("StartSyncExecution.executionArn = %q, want prefix %q", aws.ToString(out.ExecutionArn), prefix)
		}
		if got := aws.ToString(out.StateMachineArn); got != smArn {
			t.Errorf("StartSyncExecution.stateMachineArn = %q, want %q", got, smArn)
		}
		if out.StartDate == nil || out.StopDate == nil || out.StopDate.Before(*out.StartDate) {
			t.Errorf("StartSyncExecution dates start %v stop %v, want both, stop not before start", out.StartDate, out.StopDate)
		}
	})
	t.Run("Failed", func(t *testing.T) {
		smArn := aws.ToString(h.createMachine(t, h.name("syncfail"), failDefinition, machineOptions{express: true}).StateMachineArn)
		out, err := h.client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(smArn), Input: aws.String(`{}`)})
		if err != nil {
			t.Fatalf("StartSyncExecution(%q) = %s, want HTTP 200 with status FAILED", smArn, errorCode(err))
		}
		if out.Status != types.SyncExecutionStatusFailed || aws.ToString(out.Error) != "Sfnlocaltest.Boom" || aws.ToString(out.Cause) != "failed on purpose" {
			t.Errorf("StartSyncExecution = status %q error %q cause %q, want FAILED %q %q",
				out.Status, aws.ToString(out.Error), aws.ToString(out.Cause), "Sfnlocaltest.Boom", "failed on purpose")
		}
	})
}

// testStartSyncStandard checks that StartSyncExecution refuses Standard
// machines.
func testStartSyncStandard(t *testing.T, h *harness) {
	smArn := aws.ToString(h.createMachine(t, h.name("syncstd"), passDefinition(`{}`), machineOptions{}).StateMachineArn)
	_, err := h.client.StartSyncExecution(h.ctx(t), &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(smArn), Input: aws.String(`{}`)})
	wantError[*types.StateMachineTypeNotSupported](t, "StartSyncExecution(Standard machine)", err)
}
