package sfnlocal

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonEq asserts that got (a JSON text the server answered) equals want.
func jsonEq(t *testing.T, want string, got *string, what string) {
	t.Helper()
	if !assert.NotNil(t, got, "%s is missing", what) {
		return
	}
	assert.JSONEq(t, want, *got, what)
}

// chargeTask is a Task with the JSONPath data flow's every step, a retrier
// of Payment.Timeout (twice) and a catcher of everything else.
const chargeTask = `{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:charge",
	"InputPath":"$.order",
	"Parameters":{"amount.$":"$.total","currency":"EUR"},
	"ResultSelector":{"id.$":"$.chargeId"},
	"ResultPath":"$.charge",
	"OutputPath":"$.charge",
	"Retry":[{"ErrorEquals":["Payment.Timeout"],"MaxAttempts":2,"IntervalSeconds":3,"BackoffRate":2}],
	"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.failure","Next":"Refund"}],
	"Next":"Ship"}`

const chargeInput = `{"order":{"total":42,"sku":"tea"}}`

func TestTestStateTaskInspectionLevels(t *testing.T) {
	srv, c := startServer(t)
	var got json.RawMessage
	srv.RegisterTask("arn:aws:lambda:us-east-1:123456789012:function:charge",
		func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
			got = in
			return json.RawMessage(`{"chargeId":"ch-1","fee":1}`), nil
		})
	ctx := context.Background()

	// INFO (the default): output, status and next state, no inspection data.
	out, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(chargeTask), Input: aws.String(chargeInput),
		RoleArn: aws.String(testRole)})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusSucceeded, out.Status)
	jsonEq(t, `{"id":"ch-1"}`, out.Output, "output")
	assert.Equal(t, "Ship", aws.ToString(out.NextState))
	assert.Nil(t, out.InspectionData, "INFO has no inspection data")
	assert.JSONEq(t, `{"amount":42,"currency":"EUR"}`, string(got), "the registered function gets the state's parameters")

	// DEBUG and TRACE: every step of the data flow, as JSON text.
	for _, level := range []types.InspectionLevel{types.InspectionLevelDebug, types.InspectionLevelTrace} {
		out, err = c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(chargeTask), Input: aws.String(chargeInput),
			RoleArn: aws.String(testRole), InspectionLevel: level})
		require.NoError(t, err, level)
		d := out.InspectionData
		require.NotNil(t, d, level)
		jsonEq(t, chargeInput, d.Input, "input")
		jsonEq(t, `{"total":42,"sku":"tea"}`, d.AfterInputPath, "afterInputPath")
		jsonEq(t, `{"amount":42,"currency":"EUR"}`, d.AfterParameters, "afterParameters")
		jsonEq(t, `{"chargeId":"ch-1","fee":1}`, d.Result, "result")
		jsonEq(t, `{"id":"ch-1"}`, d.AfterResultSelector, "afterResultSelector")
		// ResultPath places the result into the state's raw input.
		jsonEq(t, `{"order":{"total":42,"sku":"tea"},"charge":{"id":"ch-1"}}`, d.AfterResultPath, "afterResultPath")
		assert.Nil(t, d.ErrorDetails, "no error was handled")
		assert.Nil(t, d.Request, "no HTTP Task, no request")
		jsonEq(t, `{"id":"ch-1"}`, out.Output, "output")
	}
}

func TestTestStateStatuses(t *testing.T) {
	_, c := startServer(t)
	ctx := context.Background()
	mockErr := func(name string) *types.MockInput {
		return &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String(name), Cause: aws.String("no answer")}}
	}
	tests := []struct {
		name       string
		mock       *types.MockInput
		retries    int32
		status     types.TestExecutionStatus
		output     string // "" for none
		next       string
		errDetails *types.InspectionErrorDetails
	}{
		{name: "mocked result", mock: &types.MockInput{Result: aws.String(`{"chargeId":"ch-9"}`)},
			status: types.TestExecutionStatusSucceeded, output: `{"id":"ch-9"}`, next: "Ship"},
		{name: "first retry", mock: mockErr("Payment.Timeout"),
			status:     types.TestExecutionStatusRetriable,
			errDetails: &types.InspectionErrorDetails{RetryIndex: aws.Int32(0), RetryBackoffIntervalSeconds: aws.Int32(3)}},
		{name: "second retry backs off", mock: mockErr("Payment.Timeout"), retries: 1,
			status:     types.TestExecutionStatusRetriable,
			errDetails: &types.InspectionErrorDetails{RetryIndex: aws.Int32(0), RetryBackoffIntervalSeconds: aws.Int32(6)}},
		{name: "retries used up, caught", mock: mockErr("Payment.Timeout"), retries: 2,
			status: types.TestExecutionStatusCaughtError, next: "Refund",
			output:     `{"order":{"total":42,"sku":"tea"},"failure":{"Error":"Payment.Timeout","Cause":"no answer"}}`,
			errDetails: &types.InspectionErrorDetails{CatchIndex: aws.Int32(0)}},
		{name: "caught at once", mock: mockErr("Payment.Declined"),
			status: types.TestExecutionStatusCaughtError, next: "Refund",
			output:     `{"order":{"total":42,"sku":"tea"},"failure":{"Error":"Payment.Declined","Cause":"no answer"}}`,
			errDetails: &types.InspectionErrorDetails{CatchIndex: aws.Int32(0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &sfn.TestStateInput{Definition: aws.String(chargeTask), Input: aws.String(chargeInput), Mock: tt.mock,
				InspectionLevel: types.InspectionLevelDebug}
			if tt.retries > 0 {
				in.StateConfiguration = &types.TestStateConfiguration{RetrierRetryCount: aws.Int32(tt.retries)}
			}
			out, err := c.TestState(ctx, in) // no roleArn: mocked states need none
			require.NoError(t, err)
			assert.Equal(t, tt.status, out.Status)
			assert.Equal(t, tt.next, aws.ToString(out.NextState), "nextState")
			if tt.output == "" {
				assert.Nil(t, out.Output, "output")
			} else {
				jsonEq(t, tt.output, out.Output, "output")
			}
			if tt.status != types.TestExecutionStatusSucceeded {
				assert.Equal(t, "no answer", aws.ToString(out.Cause))
				assert.Equal(t, aws.ToString(tt.mock.ErrorOutput.Error), aws.ToString(out.Error))
				assert.Nil(t, out.InspectionData.Result, "a failed task has no result")
			}
			assert.Equal(t, tt.errDetails, out.InspectionData.ErrorDetails)
		})
	}

	// FAILED: neither a retrier nor a catcher handles it (States.Runtime
	// is not matched by States.ALL).
	out, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(chargeTask), Input: aws.String(chargeInput),
		Mock: mockErr("States.Runtime")})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusFailed, out.Status)
	assert.Equal(t, "States.Runtime", aws.ToString(out.Error))
	assert.Nil(t, out.NextState)
	assert.Nil(t, out.Output)

	// A Fail state fails with its own error.
	out, err = c.TestState(ctx, &sfn.TestStateInput{
		Definition: aws.String(`{"Type":"Fail","Error":"Order.Invalid","Cause":"no items"}`), InspectionLevel: types.InspectionLevelDebug})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusFailed, out.Status)
	assert.Equal(t, "Order.Invalid", aws.ToString(out.Error))
	assert.Equal(t, "no items", aws.ToString(out.Cause))
	jsonEq(t, `{}`, out.InspectionData.AfterInputPath, "afterInputPath")
}

func TestTestStateOfAStateMachine(t *testing.T) {
	_, c := startServer(t)
	def := `{"StartAt":"Check","States":{
		"Check":{"Type":"Choice","InputPath":"$.order","Choices":[{"Variable":"$.total","NumericGreaterThan":100,"Next":"Review"}],"Default":"Charge"},
		"Review":{"Type":"Pass","Result":{"review":true},"ResultPath":"$.flags","Next":"Charge"},
		"Charge":` + chargeTask + `,
		"Ship":{"Type":"Succeed"},"Refund":{"Type":"Succeed"}}}`
	ctx := context.Background()
	out, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(def), StateName: aws.String("Check"),
		Input: aws.String(`{"order":{"total":420}}`), InspectionLevel: types.InspectionLevelDebug})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusSucceeded, out.Status)
	assert.Equal(t, "Review", aws.ToString(out.NextState))
	jsonEq(t, `{"total":420}`, out.Output, "Choice output")
	jsonEq(t, `{"total":420}`, out.InspectionData.AfterInputPath, "afterInputPath")
	assert.Nil(t, out.InspectionData.AfterParameters, "a Choice state has no Parameters")

	// A Pass state with a Result: AWS reports no afterInputPath or
	// afterParameters, but the result.
	out, err = c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(def), StateName: aws.String("Review"),
		Input: aws.String(`{"a":1}`), InspectionLevel: types.InspectionLevelDebug})
	require.NoError(t, err)
	assert.Equal(t, "Charge", aws.ToString(out.NextState))
	jsonEq(t, `{"a":1,"flags":{"review":true}}`, out.Output, "Pass output")
	jsonEq(t, `{"review":true}`, out.InspectionData.Result, "result")
	assert.Nil(t, out.InspectionData.AfterInputPath)
	assert.Nil(t, out.InspectionData.AfterParameters)

	_, err = c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(def), StateName: aws.String("Nope")})
	assertAPIError(t, err, "ValidationException", `no top-level state named "Nope"`)
	_, err = c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(def)})
	assertAPIError(t, err, "ValidationException", "set stateName")
}

func TestTestStateContextAndVariables(t *testing.T) {
	_, c := startServer(t)
	ctx := context.Background()
	def := `{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
		"Parameters":{"token.$":"$$.Task.Token","exec.$":"$$.Execution.Name","try.$":"$$.State.RetryCount"},
		"ResultPath":"$.sent","End":true}`
	out, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(def),
		Context:   aws.String(`{"Execution":{"Name":"run-7"},"State":{"RetryCount":2},"Task":{"Token":"tok-1"}}`),
		Variables: aws.String(`{"limit":5}`),
		Mock:      &types.MockInput{Result: aws.String(`{"MessageId":"m-1"}`)}, InspectionLevel: types.InspectionLevelDebug})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusSucceeded, out.Status)
	jsonEq(t, `{"token":"tok-1","exec":"run-7","try":2}`, out.InspectionData.AfterParameters, "afterParameters")
	jsonEq(t, `{"sent":{"MessageId":"m-1"}}`, out.Output, "output")
	jsonEq(t, `{"limit":5}`, out.InspectionData.Variables, "variables")
	assert.Nil(t, out.NextState, "an End state has no next state")

	for _, tt := range []struct{ context, want string }{
		{`{"Map":{"Item":{"Index":0}}}`, "'Map' field is not supported when mocking a Context object"},
		{`{"pokemon":{}}`, "Field 'pokemon' is not allowed"},
		{`{"Execution":{"Id":7}}`, "Execution.Id must be a string"},
	} {
		_, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(def), Context: aws.String(tt.context),
			Mock: &types.MockInput{Result: aws.String(`{}`)}})
		assertAPIError(t, err, "ValidationException", "Invalid Context object provided: "+tt.want)
	}
}

func TestTestStateRefusals(t *testing.T) {
	_, c := startServer(t)
	ctx := context.Background()
	mock := &types.MockInput{Result: aws.String(`{}`)}
	tests := []struct {
		name     string
		in       sfn.TestStateInput
		code     string
		contains string
	}{
		{"mocked Pass", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`), Mock: mock},
			"ValidationException", "State type 'Pass' is not supported when a mock is specified"},
		{"unmocked Map", sfn.TestStateInput{Definition: aws.String(`{"Type":"Map","End":true,
			"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}`), RoleArn: aws.String(testRole)},
			"ValidationException", "State type 'Map' is only supported when a mock is specified"},
		{"unmocked callback", sfn.TestStateInput{Definition: aws.String(`{"Type":"Task",
			"Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","End":true}`), RoleArn: aws.String(testRole)},
			"ValidationException", "only supported when a mock is specified"},
		{"unmocked Task without a role", sfn.TestStateInput{Definition: aws.String(chargeTask)},
			"ValidationException", "roleArn is required"},
		{"context without a mock", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`),
			Context: aws.String(`{}`)}, "ValidationException", "context may only be specified together with a mock"},
		{"bad definition", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass"}`)},
			"InvalidDefinition", "Invalid State Machine Definition"},
		{"bad input", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`), Input: aws.String(`{`)},
			"InvalidExecutionInput", "Invalid State Machine Execution Input"},
		{"both result and error", sfn.TestStateInput{Definition: aws.String(chargeTask), Mock: &types.MockInput{
			Result: aws.String(`{}`), ErrorOutput: &types.MockErrorOutput{Error: aws.String("E")}}},
			"ValidationException", "exactly one of 'result' and 'errorOutput'"},
		{"bad validation mode", sfn.TestStateInput{Definition: aws.String(chargeTask), Mock: &types.MockInput{
			Result: aws.String(`{}`), FieldValidationMode: "LAX"}}, "ValidationException", "mock.fieldValidationMode"},
		{"bad level", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`), InspectionLevel: "LOUD"},
			"ValidationException", "inspectionLevel"},
		{"variables not an object", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`),
			Variables: aws.String(`[1]`)}, "ValidationException", "variables must be a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.TestState(ctx, &tt.in)
			assertAPIError(t, err, tt.code, tt.contains)
		})
	}
}

func TestTestStateMapParallelWaitSucceed(t *testing.T) {
	_, c := startServer(t)
	ctx := context.Background()
	debug := types.InspectionLevelDebug

	// A Map state: the mock is the whole Map's result; the items and the
	// concurrency are reported.
	mapDef := `{"Type":"Map","ItemsPath":"$.orders","MaxConcurrency":4,"ResultPath":"$.charged","Next":"Done",
		"ItemProcessor":{"StartAt":"C","States":{"C":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}}`
	out, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(mapDef), Input: aws.String(`{"orders":[1,2]}`),
		Mock: &types.MockInput{Result: aws.String(`["ok-1","ok-2"]`)}, InspectionLevel: debug})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusSucceeded, out.Status)
	assert.Equal(t, "Done", aws.ToString(out.NextState))
	jsonEq(t, `{"orders":[1,2],"charged":["ok-1","ok-2"]}`, out.Output, "Map output")
	jsonEq(t, `[1,2]`, out.InspectionData.AfterItemsPath, "afterItemsPath")
	assert.Equal(t, aws.Int32(4), out.InspectionData.MaxConcurrency)

	// An ItemsPath that is no array fails the state, mocked or not.
	out, err = c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(mapDef), Input: aws.String(`{"orders":7}`),
		Mock: &types.MockInput{Result: aws.String(`[]`)}})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusFailed, out.Status)
	assert.Equal(t, "States.Runtime", aws.ToString(out.Error))

	// A Parallel state with a mocked error and a catcher.
	parDef := `{"Type":"Parallel","End":true,"Catch":[{"ErrorEquals":["Branch.Failed"],"Next":"Recover"}],
		"Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}]}`
	out, err = c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(parDef),
		Mock: &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("Branch.Failed")}}})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusCaughtError, out.Status)
	assert.Equal(t, "Recover", aws.ToString(out.NextState))
	jsonEq(t, `{"Error":"Branch.Failed","Cause":""}`, out.Output, "caught output")

	// A Wait state of a year answers at once, with its output and next state.
	out, err = c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(`{"Type":"Wait","Seconds":31536000,"Next":"Go"}`),
		Input: aws.String(`{"a":1}`), InspectionLevel: debug})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusSucceeded, out.Status)
	assert.Equal(t, "Go", aws.ToString(out.NextState))
	jsonEq(t, `{"a":1}`, out.InspectionData.AfterInputPath, "afterInputPath")

	// A Wait whose SecondsPath points at no number fails.
	out, err = c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(`{"Type":"Wait","SecondsPath":"$.s","End":true}`),
		Input: aws.String(`{"s":"soon"}`)})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusFailed, out.Status)
	assert.Equal(t, "States.Runtime", aws.ToString(out.Error))

	// A Succeed state with an OutputPath.
	out, err = c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(`{"Type":"Succeed","OutputPath":"$.a"}`),
		Input: aws.String(`{"a":{"b":2}}`)})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusSucceeded, out.Status)
	jsonEq(t, `{"b":2}`, out.Output, "Succeed output")
	assert.Nil(t, out.NextState)
}

func TestTestStateUnmockedTaskErrors(t *testing.T) {
	srv, c := startServer(t)
	calls := 0
	srv.RegisterTask("arn:aws:lambda:us-east-1:123456789012:function:charge",
		func(context.Context, json.RawMessage) (json.RawMessage, error) {
			calls++
			return nil, &TaskError{Name: "Payment.Timeout", Cause: "the provider did not answer"}
		})
	out, err := c.TestState(context.Background(), &sfn.TestStateInput{Definition: aws.String(chargeTask),
		Input: aws.String(chargeInput), RoleArn: aws.String(testRole)})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusRetriable, out.Status, "the function's error meets the retrier")
	assert.Equal(t, "Payment.Timeout", aws.ToString(out.Error))
	assert.Equal(t, "the provider did not answer", aws.ToString(out.Cause))
	assert.Equal(t, 1, calls, "TestState runs the state once: the retry is not run")

	// With nothing registered the Task fails, and States.ALL catches it.
	out, err = c.TestState(context.Background(), &sfn.TestStateInput{
		Definition: aws.String(strings.Replace(chargeTask, "function:charge", "function:nobody", 1)),
		Input:      aws.String(chargeInput), RoleArn: aws.String(testRole)})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusCaughtError, out.Status)
	assert.Equal(t, "States.TaskFailed", aws.ToString(out.Error))
	assert.Contains(t, aws.ToString(out.Cause), "Server.RegisterTask")
}

func TestTestStateVariablesAndJSONata(t *testing.T) {
	_, c := startServer(t)
	ctx := context.Background()
	debug := types.InspectionLevelDebug

	// JSONPath: the state reads a given variable and assigns another; the
	// inspection lists both after the state.
	out, err := c.TestState(ctx, &sfn.TestStateInput{
		Definition: aws.String(`{"Type":"Pass","Parameters":{"limit.$":"$limit","sku.$":"$.sku"},
			"Assign":{"lastSku.$":"$.sku"},"End":true}`),
		Input: aws.String(`{"sku":"tea"}`), Variables: aws.String(`{"limit":5}`), InspectionLevel: debug})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusSucceeded, out.Status)
	jsonEq(t, `{"limit":5,"sku":"tea"}`, out.Output, "output")
	jsonEq(t, `{"limit":5,"lastSku":"tea"}`, out.InspectionData.Variables, "variables after the state")

	// JSONata: Arguments are reported as afterArguments, with no JSONPath
	// steps; Output shapes the mocked result; Assign reads $states.result.
	jsonata := `{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke",
		"Arguments":{"FunctionName":"charge","Payload":{"amount":"{% $states.input.total * $rate %}"}},
		"Output":{"id":"{% $states.result.Payload.id %}"},
		"Assign":{"charged":"{% $states.result.Payload.id %}"},
		"Catch":[{"ErrorEquals":["States.ALL"],"Assign":{"failure":"{% $states.errorOutput.Error %}"},
			"Output":{"failed":true},"Next":"Refund"}],
		"Next":"Ship"}`
	out, err = c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(jsonata), Input: aws.String(`{"total":10}`),
		Variables: aws.String(`{"rate":2}`), Mock: &types.MockInput{Result: aws.String(`{"Payload":{"id":"ch-3"}}`)},
		InspectionLevel: debug})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusSucceeded, out.Status)
	jsonEq(t, `{"id":"ch-3"}`, out.Output, "output")
	d := out.InspectionData
	jsonEq(t, `{"FunctionName":"charge","Payload":{"amount":20}}`, d.AfterArguments, "afterArguments")
	jsonEq(t, `{"Payload":{"id":"ch-3"}}`, d.Result, "result")
	assert.Nil(t, d.AfterInputPath, "JSONata has no InputPath")
	assert.Nil(t, d.AfterParameters)
	assert.Nil(t, d.AfterResultSelector)
	assert.Nil(t, d.AfterResultPath)
	jsonEq(t, `{"rate":2,"charged":"ch-3"}`, d.Variables, "variables")

	// The catcher's Output and Assign apply when it catches.
	out, err = c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(jsonata), Input: aws.String(`{"total":10}`),
		Variables:       aws.String(`{"rate":2}`),
		Mock:            &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("Payment.Declined")}},
		InspectionLevel: debug})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusCaughtError, out.Status)
	assert.Equal(t, "Refund", aws.ToString(out.NextState))
	jsonEq(t, `{"failed":true}`, out.Output, "caught output")
	jsonEq(t, `{"rate":2,"failure":"Payment.Declined"}`, out.InspectionData.Variables, "variables")

	_, err = c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`),
		Variables: aws.String(`{"1st":1}`)})
	assertAPIError(t, err, "ValidationException", `"1st" is not a valid variable name`)
}

func TestTestStateDeepDefinition(t *testing.T) {
	_, c := startServer(t)
	deep := `{"Type":"Pass","Result":` + strings.Repeat("[", 2000) + strings.Repeat("]", 2000) + `,"End":true}`
	_, err := c.TestState(context.Background(), &sfn.TestStateInput{Definition: aws.String(deep)})
	assertAPIError(t, err, "InvalidDefinition", "nested deeper than 1000 levels")
}

// mockValidationCase is a Task's mocked result and the field validation mode
// it is checked in.
type mockValidationCase struct {
	name, resource, result string
	mode                   types.MockResponseValidationMode
	wantErr                string // "" when the mock is accepted
}

// testMockValidation runs TestState on a Task state of each case's resource
// (prefix + resource) with its mocked result: the call must fail with a
// ValidationException carrying wantErr, or succeed with the result as the
// output.
func testMockValidation(t *testing.T, prefix string, tests []mockValidationCase) {
	t.Helper()
	_, c := startServer(t)
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def := `{"Type":"Task","Resource":"` + prefix + tt.resource + `","End":true}`
			out, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(def),
				Mock: &types.MockInput{Result: aws.String(tt.result), FieldValidationMode: tt.mode}})
			if tt.wantErr != "" {
				assertAPIError(t, err, "ValidationException", tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, types.TestExecutionStatusSucceeded, out.Status)
			jsonEq(t, tt.result, out.Output, "output")
		})
	}
}

func TestTestStateMockFieldValidation(t *testing.T) {
	testMockValidation(t, "", []mockValidationCase{
		{"lambda: wrong type", "arn:aws:states:::lambda:invoke", `{"StatusCode":"200"}`, "",
			"Mock result schema validation error: Field 'StatusCode' must be a number"},
		{"lambda: any payload, fields outside the model accepted", "arn:aws:states:::lambda:invoke",
			`{"StatusCode":200,"Payload":[1],"random":"json"}`, types.MockResponseValidationModeStrict, ""},
		{"events: nested element of the wrong type", "arn:aws:states:::events:putEvents",
			`{"Entries":[{"EventId":"e-1"},{"EventId":7}]}`, "", "Field 'EventId' must be a string"},
		{"events: not an array", "arn:aws:states:::events:putEvents", `{"Entries":{}}`, "", "Field 'Entries' must be an array"},
		{"dynamodb: nested number", "arn:aws:states:::dynamodb:getItem",
			`{"ConsumedCapacity":{"CapacityUnits":"1"}}`, "", "Field 'CapacityUnits' must be a number"},
		{"dynamodb updateItem: nested number", "arn:aws:states:::dynamodb:updateItem",
			`{"Attributes":{"n":{"N":"1"}},"ConsumedCapacity":{"WriteCapacityUnits":"1"}}`, "", "Field 'WriteCapacityUnits' must be a number"},
		{"dynamodb deleteItem: object", "arn:aws:states:::dynamodb:deleteItem", `{"Attributes":[]}`, "",
			"Field 'Attributes' must be an object"},
		{"glue startJobRun", "arn:aws:states:::glue:startJobRun", `{"JobRunId":42}`, "", "Field 'JobRunId' must be a string"},
		{"athena startQueryExecution", "arn:aws:states:::athena:startQueryExecution", `{"QueryExecutionId":"q-1"}`, "", ""},
		{"startExecution STRICT: required field", "arn:aws:states:::states:startExecution",
			`{"StartDate":"2026-01-01T00:00:00Z"}`, types.MockResponseValidationModeStrict, "Required field 'ExecutionArn' is missing"},
		{"startExecution PRESENT: missing is fine", "arn:aws:states:::states:startExecution",
			`{"StartDate":"2026-01-01T00:00:00Z"}`, types.MockResponseValidationModePresent, ""},
		{"PRESENT still checks types", "arn:aws:states:::states:startExecution",
			`{"StartDate":true}`, types.MockResponseValidationModePresent, "Field 'StartDate' must be a string"},
		{"NONE checks nothing", "arn:aws:states:::lambda:invoke", `{"StatusCode":"x"}`, types.MockResponseValidationModeNone, ""},
		{"another partition", "arn:aws-cn:states:::sns:publish", `{"MessageId":1}`, "", "Field 'MessageId' must be a string"},
	})
}
