package sfnlocaltest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/google/uuid"
)

// maxPayloadBytes is the Step Functions limit on execution input and output.
const maxPayloadBytes = 262144

// testExecutionLifecycle starts an execution of a Wait machine, describes
// and lists it while it runs, stops it and checks it ended ABORTED.
func testExecutionLifecycle(t *testing.T, h *harness) {
	ctx := h.ctx(t)
	machine := h.name("hold")
	smArn := aws.ToString(h.createMachine(t, machine, waitDefinition, machineOptions{}).StateMachineArn)
	name := h.name("run")
	input := `{"order":42,"items":["a","b"]}`
	started := h.start(t, smArn, name, input)
	exArn := aws.ToString(started.ExecutionArn)
	h.stopOnCleanup(t, exArn)
	if want := h.arn("execution:" + machine + ":" + name); exArn != want {
		t.Fatalf("StartExecution ARN = %q, want %q", exArn, want)
	}
	if started.StartDate == nil {
		t.Fatalf("StartExecution(%q) has no startDate", name)
	}

	d := h.describe(t, exArn)
	if d.Status != types.ExecutionStatusRunning {
		t.Errorf("DescribeExecution(%q).status = %q, want RUNNING (the machine waits an hour)", name, d.Status)
	}
	if got := aws.ToString(d.Name); got != name {
		t.Errorf("DescribeExecution.name = %q, want %q", got, name)
	}
	if got := aws.ToString(d.StateMachineArn); got != smArn {
		t.Errorf("DescribeExecution.stateMachineArn = %q, want %q", got, smArn)
	}
	wantJSON(t, "DescribeExecution.input", d.Input, input)
	if d.StartDate == nil || !d.StartDate.Equal(*started.StartDate) {
		t.Errorf("DescribeExecution.startDate = %v, want StartExecution's %v", d.StartDate, started.StartDate)
	}
	if d.StopDate != nil {
		t.Errorf("DescribeExecution.stopDate = %v while RUNNING, want none", d.StopDate)
	}

	if running, _ := h.listExecutionArns(t, smArn, types.ExecutionStatusRunning, 0); !slices.Contains(running, exArn) {
		t.Errorf("ListExecutions(RUNNING) = %q, want it to include %q", running, exArn)
	}

	stopped, err := h.client.StopExecution(ctx, &sfn.StopExecutionInput{
		ExecutionArn: aws.String(exArn),
		Error:        aws.String("Sfnlocaltest.Stopped"),
		Cause:        aws.String("stopped by the conformance suite"),
	})
	if err != nil {
		t.Fatalf("StopExecution(%q): %v", exArn, err)
	}
	if stopped.StopDate == nil {
		t.Errorf("StopExecution(%q) has no stopDate", exArn)
	}
	d = h.describe(t, exArn)
	if d.Status != types.ExecutionStatusAborted {
		t.Errorf("DescribeExecution(%q).status after StopExecution = %q, want ABORTED", name, d.Status)
	}
	if d.StopDate == nil || d.StopDate.Before(*d.StartDate) {
		t.Errorf("DescribeExecution.stopDate after StopExecution = %v, want a time not before the start %v", d.StopDate, d.StartDate)
	}
	if running, _ := h.listExecutionArns(t, smArn, types.ExecutionStatusRunning, 0); slices.Contains(running, exArn) {
		t.Errorf("ListExecutions(RUNNING) still includes stopped %q", exArn)
	}
	if aborted, _ := h.listExecutionArns(t, smArn, types.ExecutionStatusAborted, 0); !slices.Contains(aborted, exArn) {
		t.Errorf("ListExecutions(ABORTED) = %q, want it to include %q", aborted, exArn)
	}
}

// testStandardIdempotency checks StartExecution's name rules for Standard
// machines: same name and input while running answers the same execution;
// a different input, or the same input after the execution closed, is
// ExecutionAlreadyExists.
func testStandardIdempotency(t *testing.T, h *harness) {
	ctx := h.ctx(t)
	smArn := aws.ToString(h.createMachine(t, h.name("idem"), waitDefinition, machineOptions{}).StateMachineArn)
	name := h.name("once")
	first := h.start(t, smArn, name, `{"n":1}`)
	exArn := aws.ToString(first.ExecutionArn)
	h.stopOnCleanup(t, exArn)

	again := h.start(t, smArn, name, `{"n":1}`)
	if got := aws.ToString(again.ExecutionArn); got != exArn {
		t.Errorf("repeated StartExecution(same name and input) ARN = %q, want the first's %q", got, exArn)
	}
	if again.StartDate == nil || !again.StartDate.Equal(*first.StartDate) {
		t.Errorf("repeated StartExecution(same name and input) startDate = %v, want the first's %v", again.StartDate, first.StartDate)
	}

	_, err := h.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Name: aws.String(name), Input: aws.String(`{"n":2}`)})
	wantError[*types.ExecutionAlreadyExists](t, "StartExecution(same name, different input) while running", err)

	if _, err := h.client.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(exArn)}); err != nil {
		t.Fatalf("StopExecution(%q): %v", exArn, err)
	}
	// An endpoint may close the execution a moment after StopExecution answers (moto does): the rule is about a
	// closed execution.
	h.awaitClosed(t, exArn)
	_, err = h.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Name: aws.String(name), Input: aws.String(`{"n":1}`)})
	wantError[*types.ExecutionAlreadyExists](t, "StartExecution(same name and input) after the execution closed", err)

	if arns, _ := h.listExecutionArns(t, smArn, "", 0); len(arns) != 1 {
		t.Errorf("ListExecutions after the repeated starts = %q, want exactly one execution", arns)
	}
}

// testDefaultNameAndInput checks StartExecution without a name or an input:
// the execution is named with a UUID and its input is "{}".
func testDefaultNameAndInput(t *testing.T, h *harness) {
	machine := h.name("dflt")
	smArn := aws.ToString(h.createMachine(t, machine, waitDefinition, machineOptions{}).StateMachineArn)
	out, err := h.client.StartExecution(h.ctx(t), &sfn.StartExecutionInput{StateMachineArn: aws.String(smArn)})
	if err != nil {
		t.Fatalf("StartExecution(%q) without name and input: %v", smArn, err)
	}
	exArn := aws.ToString(out.ExecutionArn)
	h.stopOnCleanup(t, exArn)
	prefix := h.arn("execution:" + machine + ":")
	name, ok := strings.CutPrefix(exArn, prefix)
	if !ok {
		t.Fatalf("StartExecution without a name: ARN %q, want prefix %q", exArn, prefix)
	}
	if _, err := uuid.Parse(name); err != nil || len(name) != 36 {
		t.Errorf("StartExecution without a name: generated name %q, want a UUID", name)
	}
	d := h.describe(t, exArn)
	if got := aws.ToString(d.Name); got != name {
		t.Errorf("DescribeExecution.name = %q, want %q from the ARN", got, name)
	}
	wantJSON(t, "DescribeExecution.input without an input", d.Input, `{}`)
}

// testListExecutionsPagination starts more executions than fit on a page and
// checks that following nextToken lists each exactly once.
func testListExecutionsPagination(t *testing.T, h *harness) {
	const (
		count    = 5
		pageSize = 2
	)
	smArn := aws.ToString(h.createMachine(t, h.name("many"), waitDefinition, machineOptions{}).StateMachineArn)
	want := make([]string, 0, count)
	for range count {
		arn := aws.ToString(h.start(t, smArn, h.name("ex"), `{}`).ExecutionArn)
		h.stopOnCleanup(t, arn)
		want = append(want, arn)
	}
	got, pages := h.listExecutionArns(t, smArn, "", pageSize)
	if wantPages := (count + pageSize - 1) / pageSize; pages != wantPages {
		t.Errorf("ListExecutions(maxResults %d) read %d pages for %d executions, want %d", pageSize, pages, count, wantPages)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("ListExecutions over all pages = %q, want %q", got, want)
	}
	_, err := h.client.ListExecutions(h.ctx(t), &sfn.ListExecutionsInput{StateMachineArn: aws.String(smArn), NextToken: aws.String("forged-token")})
	wantError[*types.InvalidToken](t, "ListExecutions(forged nextToken)", err)
}

// testExecutionErrors checks the error codes of bad execution requests.
func testExecutionErrors(t *testing.T, h *harness) {
	ctx := h.ctx(t)
	machine := h.name("errs")
	smArn := aws.ToString(h.createMachine(t, machine, waitDefinition, machineOptions{}).StateMachineArn)
	missingMachine := h.arn("stateMachine:" + h.name("missing"))
	missingExecution := h.arn("execution:" + machine + ":" + h.name("missing"))
	start := func(machineArn, name, input string) func() error {
		return func() error {
			out, err := h.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(machineArn), Name: aws.String(name), Input: aws.String(input)})
			if err == nil {
				h.stopOnCleanup(t, aws.ToString(out.ExecutionArn))
			}
			return err
		}
	}
	runErrorCases(t, []errorCase{
		{"StartExecutionMissingMachine", start(missingMachine, h.name("x"), `{}`), wantError[*types.StateMachineDoesNotExist]},
		{"StartExecutionNameWithSpace", start(smArn, "bad name", `{}`), wantError[*types.InvalidName]},
		{"StartExecutionNameTooLong", start(smArn, strings.Repeat("n", 81), `{}`), wantNameTooLong},
		{"StartExecutionInputNotJSON", start(smArn, h.name("x"), `{"unterminated":`), wantError[*types.InvalidExecutionInput]},
		{"DescribeExecutionMissing", func() error {
			return errOf(h.client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(missingExecution)}))
		}, wantError[*types.ExecutionDoesNotExist]},
		{"DescribeExecutionNotAnArn", func() error {
			return errOf(h.client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String("not-an-arn")}))
		}, wantError[*types.InvalidArn]},
		{"StopExecutionMissing", func() error {
			return errOf(h.client.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(missingExecution)}))
		}, wantError[*types.ExecutionDoesNotExist]},
		{"GetExecutionHistoryMissing", func() error {
			return errOf(h.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(missingExecution)}))
		}, wantError[*types.ExecutionDoesNotExist]},
	})
}

// testInputSizeLimit checks the 262,144-byte input limit, counted in UTF-8
// bytes, at its boundary.
func testInputSizeLimit(t *testing.T, h *harness) {
	ctx := h.ctx(t)
	smArn := aws.ToString(h.createMachine(t, h.name("big"), waitDefinition, machineOptions{}).StateMachineArn)
	// jsonString returns a JSON string of exactly n bytes made of unit.
	jsonString := func(n int, unit string) string {
		body := n - 2
		return `"` + strings.Repeat(unit, body/len(unit)) + strings.Repeat("a", body%len(unit)) + `"`
	}
	tests := []struct {
		name   string
		input  string
		reject bool
	}{
		{"ExactlyAtLimit", jsonString(maxPayloadBytes, "a"), false},
		// The service model also caps input at 262,144 characters, which
		// AWS's request validation might answer as ValidationException;
		// the facts (and the API reference) name InvalidExecutionInput.
		{"OneByteOver", jsonString(maxPayloadBytes+1, "a"), true},
		// 131,072 two-byte characters: under the limit in characters, over
		// it in UTF-8 bytes.
		{"OverInUTF8BytesOnly", jsonString(maxPayloadBytes+2, "é"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := h.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(smArn), Name: aws.String(h.name("in")), Input: aws.String(tt.input)})
			if tt.reject {
				wantError[*types.InvalidExecutionInput](t, fmt.Sprintf("StartExecution(input of %d bytes)", len(tt.input)), err)
				return
			}
			if err != nil {
				t.Fatalf("StartExecution(input of %d bytes) = %s, want success", len(tt.input), errorCode(err))
			}
			h.stopOnCleanup(t, aws.ToString(out.ExecutionArn))
			if d := h.describe(t, aws.ToString(out.ExecutionArn)); len(aws.ToString(d.Input)) != len(tt.input) {
				t.Errorf("DescribeExecution.input has %d bytes, want the %d sent", len(aws.ToString(d.Input)), len(tt.input))
			}
		})
	}
}

// testPassSucceeds checks that a Pass machine runs to SUCCEEDED with the
// output its definition computes.
func testPassSucceeds(t *testing.T, h *harness) {
	smArn := aws.ToString(h.createMachine(t, h.name("pass"), passDefinition(`{"greeting":"hello"}`), machineOptions{}).StateMachineArn)
	exArn := aws.ToString(h.start(t, smArn, h.name("ok"), `{"who":"world"}`).ExecutionArn)
	d := h.awaitClosed(t, exArn)
	if d.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("DescribeExecution.status = %q (error %q, cause %q), want SUCCEEDED", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	wantJSON(t, "DescribeExecution.output", d.Output, `{"who":"world","result":{"greeting":"hello"}}`)
	if d.StopDate == nil || d.StopDate.Before(*d.StartDate) {
		t.Errorf("DescribeExecution.stopDate = %v, want a time not before the start %v", d.StopDate, d.StartDate)
	}
	if succeeded, _ := h.listExecutionArns(t, smArn, types.ExecutionStatusSucceeded, 0); !slices.Equal(succeeded, []string{exArn}) {
		t.Errorf("ListExecutions(SUCCEEDED) = %q, want [%q]", succeeded, exArn)
	}
}

// testFailFails checks that a Fail state ends the execution FAILED with the
// state's error and cause.
func testFailFails(t *testing.T, h *harness) {
	exArn := h.startNew(t, "fail", failDefinition, "ko", `{}`)
	d := h.awaitClosed(t, exArn)
	if d.Status != types.ExecutionStatusFailed {
		t.Fatalf("DescribeExecution.status = %q, want FAILED", d.Status)
	}
	if got := aws.ToString(d.Error); got != "Sfnlocaltest.Boom" {
		t.Errorf("DescribeExecution.error = %q, want %q", got, "Sfnlocaltest.Boom")
	}
	if got := aws.ToString(d.Cause); got != "failed on purpose" {
		t.Errorf("DescribeExecution.cause = %q, want %q", got, "failed on purpose")
	}
	if d.Output != nil {
		t.Errorf("DescribeExecution.output = %q for a FAILED execution, want none", *d.Output)
	}
}
