package sfnlocaltest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
)

// Definitions used by the scenarios.
const (
	// waitDefinition waits an hour: its executions stay RUNNING until
	// stopped.
	waitDefinition = `{"StartAt":"Hold","States":{"Hold":{"Type":"Wait","Seconds":3600,"End":true}}}`

	// failDefinition fails at once with a known error and cause.
	failDefinition = `{"StartAt":"Boom","States":{"Boom":{"Type":"Fail","Error":"Sfnlocaltest.Boom","Cause":"failed on purpose"}}}`
)

// passDefinition returns a one-state machine whose Pass state adds result
// under "$.result" of the input.
func passDefinition(result string) string {
	return `{"StartAt":"Add","States":{"Add":{"Type":"Pass","Result":` + result + `,"ResultPath":"$.result","End":true}}}`
}

// machineOptions are optional settings of createMachine.
type machineOptions struct {
	express bool
	publish bool
	tags    map[string]string
}

// createMachine creates a state machine named name with definition, checks
// the ARN the endpoint answers, and deletes the machine when t ends.
func (h *harness) createMachine(t *testing.T, name, definition string, opts machineOptions) *sfn.CreateStateMachineOutput {
	t.Helper()
	in := &sfn.CreateStateMachineInput{
		Name:       aws.String(name),
		Definition: aws.String(definition),
		RoleArn:    aws.String(h.roleArn()),
		Publish:    opts.publish,
	}
	if opts.express {
		in.Type = types.StateMachineTypeExpress
	}
	for k, v := range opts.tags {
		in.Tags = append(in.Tags, types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	out, err := h.client.CreateStateMachine(h.ctx(t), in)
	if err != nil {
		t.Fatalf("CreateStateMachine(%q): %v", name, err)
	}
	arn := aws.ToString(out.StateMachineArn)
	if want := h.arn("stateMachine:" + name); arn != want {
		t.Fatalf("CreateStateMachine(%q) ARN = %q, want %q", name, arn, want)
	}
	t.Cleanup(func() {
		// Best effort: the scenario may have deleted it already, and the
		// scenario's context is gone by now.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = h.client.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arn)})
	})
	return out
}

// start starts an execution and fails t on error.
func (h *harness) start(t *testing.T, machineArn, name, input string) *sfn.StartExecutionOutput {
	t.Helper()
	out, err := h.client.StartExecution(h.ctx(t), &sfn.StartExecutionInput{
		StateMachineArn: aws.String(machineArn),
		Name:            aws.String(name),
		Input:           aws.String(input),
	})
	if err != nil {
		t.Fatalf("StartExecution(%q, name %q): %v", machineArn, name, err)
	}
	return out
}

// startNew creates a Standard state machine of definition named after
// machineBase (h.name) and starts an execution of it named after runBase
// with input; it returns the execution's ARN.
func (h *harness) startNew(t *testing.T, machineBase, definition, runBase, input string) string {
	t.Helper()
	smArn := aws.ToString(h.createMachine(t, h.name(machineBase), definition, machineOptions{}).StateMachineArn)
	return aws.ToString(h.start(t, smArn, h.name(runBase), input).ExecutionArn)
}

// stopOnCleanup stops the execution when t ends, so that Wait executions do
// not outlive their scenario on a long-lived endpoint.
func (h *harness) stopOnCleanup(t *testing.T, executionArn string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = h.client.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(executionArn)})
	})
}

// visibilityWindow is how long describe waits for a just-started execution
// to become visible: AWS is eventually consistent there.
const visibilityWindow = 10 * time.Second

// describe describes an execution and fails t on error. It retries
// ExecutionDoesNotExist for up to visibilityWindow, since right after
// StartExecution AWS may briefly not know the execution yet.
func (h *harness) describe(t *testing.T, executionArn string) *sfn.DescribeExecutionOutput {
	t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx(t), visibilityWindow)
	defer cancel()
	for delay := 5 * time.Millisecond; ; delay = min(2*delay, 200*time.Millisecond) {
		out, err := h.client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(executionArn)})
		var missing *types.ExecutionDoesNotExist
		if err == nil {
			return out
		}
		if !errors.As(err, &missing) {
			t.Fatalf("DescribeExecution(%q): %v", executionArn, err)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("DescribeExecution(%q) still ExecutionDoesNotExist after %v: %v", executionArn, visibilityWindow, err)
		case <-time.After(delay):
		}
	}
}

// awaitClosed polls DescribeExecution until the execution is no longer
// RUNNING, and fails t if that takes longer than the scenario's deadline.
// An ExecutionDoesNotExist right after the start is retried, since AWS is
// eventually consistent there.
func (h *harness) awaitClosed(t *testing.T, executionArn string) *sfn.DescribeExecutionOutput {
	t.Helper()
	ctx := h.ctx(t)
	delay := 5 * time.Millisecond
	for {
		out, err := h.client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(executionArn)})
		var missing *types.ExecutionDoesNotExist
		switch {
		case err == nil && out.Status != types.ExecutionStatusRunning:
			return out
		case err != nil && !errors.As(err, &missing):
			t.Fatalf("DescribeExecution(%q): %v", executionArn, err)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("execution %q still running or invisible after %v", executionArn, scenarioTimeout)
		case <-time.After(delay):
		}
		delay = min(2*delay, 200*time.Millisecond)
	}
}

// history returns the execution's whole history, oldest first, following
// nextToken.
func (h *harness) history(t *testing.T, executionArn string) []types.HistoryEvent {
	t.Helper()
	var events []types.HistoryEvent
	in := &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(executionArn)}
	for page := 0; ; page++ {
		if page > 100 {
			t.Fatalf("GetExecutionHistory(%q): more than 100 pages", executionArn)
		}
		out, err := h.client.GetExecutionHistory(h.ctx(t), in)
		if err != nil {
			t.Fatalf("GetExecutionHistory(%q): %v", executionArn, err)
		}
		events = append(events, out.Events...)
		if out.NextToken == nil {
			return events
		}
		in.NextToken = out.NextToken
	}
}

// awaitEvent polls the history of an execution until it holds an event of
// type typ, and fails t if that takes longer than the scenario's deadline.
func (h *harness) awaitEvent(t *testing.T, executionArn string, typ types.HistoryEventType) {
	t.Helper()
	ctx := h.ctx(t)
	for delay := 5 * time.Millisecond; ; delay = min(2*delay, 200*time.Millisecond) {
		if slices.ContainsFunc(h.history(t, executionArn), func(e types.HistoryEvent) bool { return e.Type == typ }) {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("execution %q recorded no %s within %v", executionArn, typ, scenarioTimeout)
		case <-time.After(delay):
		}
	}
}

// eventTypes returns the types of events, in order.
func eventTypes(events []types.HistoryEvent) []string {
	s := make([]string, len(events))
	for i, e := range events {
		s[i] = string(e.Type)
	}
	return s
}

// errOf returns the error of a call whose answer the test does not need,
// so that an error case's call is one expression:
// func() error { return errOf(h.client.DescribeExecution(ctx, in)) }.
func errOf[Out any](_ Out, err error) error { return err }

// errorCase is a call that must fail, and check, which fails t unless the
// error is the one expected.
type errorCase struct {
	name  string
	call  func() error
	check func(t *testing.T, call string, err error)
}

// runErrorCases runs each case as a subtest named after it.
func runErrorCases(t *testing.T, cases []errorCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, tt.name, tt.call())
		})
	}
}

// wantError fails t unless err is, or wraps, the SDK's typed error T (for
// example *types.InvalidArn).
func wantError[T error](t *testing.T, call string, err error) {
	t.Helper()
	var target T
	if errors.As(err, &target) {
		return
	}
	t.Errorf("%s: error = %s, want %s", call, errorCode(err), strings.TrimPrefix(fmt.Sprintf("%T", target), "*types."))
}

// wantCode fails t unless err is an API error with the given code. Use it
// where the SDK has no typed error for the code on that operation: the
// deserializer maps only the errors the model lists for the operation and
// returns a generic smithy.APIError for the rest.
func wantCode(t *testing.T, call string, err error, code string) {
	t.Helper()
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() == code {
		return
	}
	t.Errorf("%s: error = %s, want %s", call, errorCode(err), code)
}

// wantNameTooLong checks the error for a name longer than 80 characters.
// The service model caps names at 80 characters, and AWS's request
// validation answers such constraint violations as ValidationException
// ("Member must have length less than or equal to 80"), as moto mimics; an
// implementation that checks names in one place answers InvalidName. Which
// one AWS answers for names is UNCONFIRMED, so both are accepted.
func wantNameTooLong(t *testing.T, call string, err error) {
	t.Helper()
	var invalidName *types.InvalidName
	var validation *types.ValidationException
	if errors.As(err, &invalidName) || errors.As(err, &validation) {
		return
	}
	t.Errorf("%s: error = %s, want InvalidName or ValidationException", call, errorCode(err))
}

// errorCode describes err for a failure message: the API error code and
// message when there is one.
func errorCode(err error) string {
	if err == nil {
		return "nil"
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return fmt.Sprintf("%s (%q)", apiErr.ErrorCode(), apiErr.ErrorMessage())
	}
	return err.Error()
}

// jsonEqual reports whether a and b are JSON texts of equal values.
func jsonEqual(a, b string) bool {
	var va, vb any
	if json.Unmarshal([]byte(a), &va) != nil || json.Unmarshal([]byte(b), &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// wantJSON fails t unless got is JSON equal to want.
func wantJSON(t *testing.T, what string, got *string, want string) {
	t.Helper()
	if got == nil {
		t.Errorf("%s = nil, want %s", what, want)
		return
	}
	if !jsonEqual(*got, want) {
		t.Errorf("%s = %s, want %s", what, *got, want)
	}
}

// listExecutionArns lists the executions of machineArn with the given status
// filter (empty for all), following nextToken with pages of pageSize, and
// returns the ARNs and the number of pages read.
func (h *harness) listExecutionArns(t *testing.T, machineArn string, status types.ExecutionStatus, pageSize int32) (arns []string, pages int) {
	t.Helper()
	in := &sfn.ListExecutionsInput{StateMachineArn: aws.String(machineArn), StatusFilter: status, MaxResults: pageSize}
	for {
		pages++
		if pages > 1000 {
			t.Fatalf("ListExecutions(%q): more than 1000 pages", machineArn)
		}
		out, err := h.client.ListExecutions(h.ctx(t), in)
		if err != nil {
			t.Fatalf("ListExecutions(%q, status %q): %v", machineArn, status, err)
		}
		if pageSize > 0 && int32(len(out.Executions)) > pageSize {
			t.Errorf("ListExecutions page %d has %d executions, want at most maxResults %d", pages, len(out.Executions), pageSize)
		}
		for _, e := range out.Executions {
			arns = append(arns, aws.ToString(e.ExecutionArn))
		}
		if out.NextToken == nil {
			return arns, pages
		}
		in.NextToken = out.NextToken
	}
}
