package sfnlocal

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// distributedMap is a Distributed Map state over $.Values with the given
// extra fields (tolerated failures, Retry, Catch).
func distributedMap(extra string) string {
	return `{"Type":"Map","ItemsPath":"$.Values",
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
			"StartAt":"HandleItem","States":{"HandleItem":{"Type":"Pass","End":true}}},` + extra + `"End":true}`
}

const threeValues = `{"Values":["first","second","third"]}`

func TestTestStateMapIterationFailureCount(t *testing.T) {
	_, c := startServer(t)
	ctx := context.Background()
	catchThreshold := `"Catch":[{"ErrorEquals":["MockException"],"Next":"HandleMockError"},
		{"ErrorEquals":["States.ExceedToleratedFailureThreshold"],"ResultPath":"$.failure","Next":"HandleThreshold"}],`
	tests := []struct {
		name       string
		extra      string
		failures   int32
		status     types.TestExecutionStatus
		errName    string
		next       string
		errDetails *types.InspectionErrorDetails
		count      *int32
		percent    *float32
	}{
		{name: "within ToleratedFailureCount", extra: catchThreshold + `"ToleratedFailureCount":1,`, failures: 1,
			status: types.TestExecutionStatusSucceeded, count: aws.Int32(1)},
		{name: "beyond ToleratedFailureCount, caught", extra: catchThreshold + `"ToleratedFailureCount":1,`, failures: 2,
			status: types.TestExecutionStatusCaughtError, errName: "States.ExceedToleratedFailureThreshold",
			next: "HandleThreshold", errDetails: &types.InspectionErrorDetails{CatchIndex: aws.Int32(1)}, count: aws.Int32(1)},
		{name: "beyond ToleratedFailureCount, retried",
			extra: `"Retry":[{"ErrorEquals":["MockException"],"MaxAttempts":3},
				{"ErrorEquals":["States.ExceedToleratedFailureThreshold"],"MaxAttempts":2}],"ToleratedFailureCount":1,`,
			failures: 2, status: types.TestExecutionStatusRetriable, errName: "States.ExceedToleratedFailureThreshold",
			errDetails: &types.InspectionErrorDetails{RetryIndex: aws.Int32(1), RetryBackoffIntervalSeconds: aws.Int32(1)},
			count:      aws.Int32(1)},
		{name: "beyond ToleratedFailureCount, unhandled", extra: `"ToleratedFailureCount":0,`, failures: 1,
			status: types.TestExecutionStatusFailed, errName: "States.ExceedToleratedFailureThreshold", count: aws.Int32(0)},
		{name: "within ToleratedFailurePercentage", extra: `"ToleratedFailurePercentage":50,`, failures: 1,
			status: types.TestExecutionStatusSucceeded, percent: aws.Float32(50)},
		{name: "beyond ToleratedFailurePercentage", extra: `"ToleratedFailurePercentage":50,`, failures: 2,
			status: types.TestExecutionStatusFailed, errName: "States.ExceedToleratedFailureThreshold", percent: aws.Float32(50)},
		// AWS answers SUCCEEDED when the Map declares no tolerated failures.
		{name: "no tolerated failures declared", failures: 3, status: types.TestExecutionStatusSucceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(distributedMap(tt.extra)),
				Input: aws.String(threeValues), Mock: &types.MockInput{Result: aws.String(`[1,1,1]`)},
				StateConfiguration: &types.TestStateConfiguration{MapIterationFailureCount: aws.Int32(tt.failures)},
				InspectionLevel:    types.InspectionLevelDebug})
			require.NoError(t, err)
			assert.Equal(t, tt.status, out.Status)
			assert.Equal(t, tt.errName, aws.ToString(out.Error))
			assert.Equal(t, tt.next, aws.ToString(out.NextState))
			if tt.errName != "" {
				assert.Equal(t, "The specified tolerated failure threshold was exceeded", aws.ToString(out.Cause))
			} else {
				jsonEq(t, `[1,1,1]`, out.Output, "output")
			}
			d := out.InspectionData
			assert.Equal(t, tt.errDetails, d.ErrorDetails)
			assert.Equal(t, tt.count, d.ToleratedFailureCount, "toleratedFailureCount")
			assert.Equal(t, tt.percent, d.ToleratedFailurePercentage, "toleratedFailurePercentage")
			jsonEq(t, `["first","second","third"]`, d.AfterItemsPath, "afterItemsPath")
		})
	}

	// A mocked error is the Map's error whatever the count.
	out, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(distributedMap(`"ToleratedFailureCount":2,`)),
		Input: aws.String(threeValues),
		Mock:  &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("MockException"), Cause: aws.String("c")}},
		StateConfiguration: &types.TestStateConfiguration{MapIterationFailureCount: aws.Int32(2),
			ErrorCausedByState: aws.String("HandleItem")}})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusFailed, out.Status)
	assert.Equal(t, "MockException", aws.ToString(out.Error))
}

func TestTestStateConfigurationRefusals(t *testing.T) {
	_, c := startServer(t)
	ctx := context.Background()
	mapDef := aws.String(distributedMap(`"ToleratedFailureCount":1,`))
	parDef := aws.String(`{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},
		{"StartAt":"B","States":{"B":{"Type":"Map","End":true,
			"ItemProcessor":{"StartAt":"Deep","States":{"Deep":{"Type":"Pass","End":true}}}}}}]}`)
	result := &types.MockInput{Result: aws.String(`[1,1,1]`)}
	mockErr := &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("MockException")}}
	conf := func(f func(*types.TestStateConfiguration)) *types.TestStateConfiguration {
		var tc types.TestStateConfiguration
		f(&tc)
		return &tc
	}
	failures := func(n int32) *types.TestStateConfiguration {
		return conf(func(c *types.TestStateConfiguration) { c.MapIterationFailureCount = aws.Int32(n) })
	}
	causedBy := func(s string) *types.TestStateConfiguration {
		return conf(func(c *types.TestStateConfiguration) { c.ErrorCausedByState = aws.String(s) })
	}
	readerData := func(s string) *types.TestStateConfiguration {
		return conf(func(c *types.TestStateConfiguration) { c.MapItemReaderData = aws.String(s) })
	}
	tests := []struct {
		name     string
		in       sfn.TestStateInput
		contains string
	}{
		{"failure count below 0", sfn.TestStateInput{Definition: mapDef, Mock: result, StateConfiguration: failures(-1)},
			"Value '-1' at 'stateConfiguration.mapIterationFailureCount' failed to satisfy constraint: Member must have value greater than or equal to 0"},
		{"failure count without a mock", sfn.TestStateInput{Definition: mapDef, RoleArn: aws.String(testRole), StateConfiguration: failures(0)},
			"TestState does not support MapIterationFailureCount when a mock is not specified."},
		{"failure count beyond the iterations", sfn.TestStateInput{Definition: mapDef, Input: aws.String(threeValues),
			Mock: result, StateConfiguration: failures(4)},
			"Map iteration failure count must be less than or equal to the number of Map iterations"},
		{"failure count on a Task", sfn.TestStateInput{Definition: aws.String(chargeTask), Mock: result, StateConfiguration: failures(1)},
			"Value at 'stateConfiguration.mapIterationFailureCount' failed to satisfy constraint: Member is only supported for a Map state"},
		{"errorCausedByState empty", sfn.TestStateInput{Definition: mapDef, Mock: mockErr, StateConfiguration: causedBy("")},
			"Value at 'stateConfiguration.errorCausedByState' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"errorCausedByState too long", sfn.TestStateInput{Definition: mapDef, Mock: mockErr, StateConfiguration: causedBy(strings.Repeat("s", 81))},
			"Value at 'stateConfiguration.errorCausedByState' failed to satisfy constraint: Member must have length less than or equal to 80"},
		{"errorCausedByState unknown", sfn.TestStateInput{Definition: mapDef, Input: aws.String(threeValues), Mock: mockErr,
			StateConfiguration: causedBy("Nowhere")},
			"Value at 'stateConfiguration.errorCausedByState' failed to satisfy constraint: Member must name a state of the Map state's ItemProcessor"},
		{"errorCausedByState on a Task", sfn.TestStateInput{Definition: aws.String(chargeTask), Mock: mockErr, StateConfiguration: causedBy("Charge")},
			"'stateConfiguration.errorCausedByState' failed to satisfy constraint: Member is only supported for a Map or Parallel state"},
		{"errorCausedByState with a mocked result", sfn.TestStateInput{Definition: mapDef, Input: aws.String(threeValues), Mock: result,
			StateConfiguration: causedBy("HandleItem")},
			"'stateConfiguration.errorCausedByState' failed to satisfy constraint: Member is only supported together with a mock errorOutput"},
		{"errorCausedByState outside the Parallel", sfn.TestStateInput{Definition: parDef, Mock: mockErr, StateConfiguration: causedBy("HandleItem")},
			"Member must name a state of the Parallel state's Branches"},
		{"mapItemReaderData without an ItemReader", sfn.TestStateInput{Definition: mapDef, Input: aws.String(threeValues),
			Mock: result, StateConfiguration: readerData(`[1,2,3]`)},
			"Value at 'stateConfiguration.mapItemReaderData' failed to satisfy constraint: Member is only supported for a Map state with an ItemReader"},
		{"mapItemReaderData too long", sfn.TestStateInput{Definition: mapDef, Mock: result,
			StateConfiguration: readerData(`"` + strings.Repeat("x", 262144) + `"`)},
			"Value at 'stateConfiguration.mapItemReaderData' failed to satisfy constraint: Member must have length less than or equal to 262144"},
		{"revealSecrets with a mock", sfn.TestStateInput{Definition: aws.String(chargeTask), Mock: result, RevealSecrets: true},
			"TestState does not support RevealSecrets when a mock is specified."},
		{"Map mock not an array", sfn.TestStateInput{Definition: mapDef, Input: aws.String(threeValues),
			Mock: &types.MockInput{Result: aws.String(`{"a":1}`)}}, "Mocked result must be an array."},
		{"Parallel mock of the wrong size", sfn.TestStateInput{Definition: parDef, Mock: &types.MockInput{Result: aws.String(`[1]`)}},
			"Mocked result must contain the same number of items as number of Parallel branches."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.TestState(ctx, &tt.in)
			assertAPIError(t, err, "ValidationException", tt.contains)
		})
	}

	// A state of a Parallel branch, nested in a Map, is found.
	out, err := c.TestState(ctx, &sfn.TestStateInput{Definition: parDef, Mock: mockErr, StateConfiguration: causedBy("Deep")})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusFailed, out.Status)
	assert.Equal(t, "MockException", aws.ToString(out.Error))
}

func TestTestStateJSONataMapHasNoItemsPath(t *testing.T) {
	_, c := startServer(t)
	out, err := c.TestState(context.Background(), &sfn.TestStateInput{
		Definition: aws.String(`{"Type":"Map","QueryLanguage":"JSONata","Items":"{% $states.input.Values %}","End":true,
			"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}`),
		Input: aws.String(threeValues), Mock: &types.MockInput{Result: aws.String(`[1,2,3]`)},
		InspectionLevel: types.InspectionLevelDebug})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusSucceeded, out.Status)
	assert.Nil(t, out.InspectionData.AfterItemsPath, "AWS leaves afterItemsPath out for JSONata")
	assert.Nil(t, out.InspectionData.ToleratedFailureCount, "an inline Map declares no tolerated failures")
}

// TestTestStateMapItemReaderData: a Map with an ItemReader takes its
// iterations from mapItemReaderData (not its input, and without calling S3),
// and a ToleratedFailureCountPath is read from the state's input.
func TestTestStateMapItemReaderData(t *testing.T) {
	_, c := startServer(t)
	ctx := context.Background()
	def := `{"Type":"Map","ToleratedFailureCountPath":"$.tolerate",
		"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},
			"Parameters":{"Bucket":"b","Key":"items.json"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
			"StartAt":"HandleItem","States":{"HandleItem":{"Type":"Pass","End":true}}},"End":true}`
	run := func(failures int32, data string) (*sfn.TestStateOutput, error) {
		return c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(def), Input: aws.String(`{"tolerate":1}`),
			Mock: &types.MockInput{Result: aws.String(`[1,1,1,1]`)}, InspectionLevel: types.InspectionLevelDebug,
			StateConfiguration: &types.TestStateConfiguration{MapIterationFailureCount: aws.Int32(failures),
				MapItemReaderData: aws.String(data)}})
	}
	out, err := run(1, `[{"id":1},{"id":2},{"id":3},{"id":4}]`)
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusSucceeded, out.Status, "one failure of four, one tolerated")
	assert.Equal(t, aws.Int32(1), out.InspectionData.ToleratedFailureCount, "from ToleratedFailureCountPath")
	out, err = run(2, `[{"id":1},{"id":2},{"id":3},{"id":4}]`)
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusFailed, out.Status)
	assert.Equal(t, "States.ExceedToleratedFailureThreshold", aws.ToString(out.Error))
	// Four failures of the two items the reader data holds: more than its iterations.
	_, err = run(4, `[{"id":1},{"id":2}]`)
	require.ErrorContains(t, err, "Map iteration failure count must be less than or equal to the number of Map iterations")
}

// TestTestStateMapItemReaderDataCSV: CSV data is the file's text, read with
// the reader's headers and MaxItems; data it cannot read fails the state.
func TestTestStateMapItemReaderDataCSV(t *testing.T) {
	_, c := startServer(t)
	ctx := context.Background()
	def := `{"Type":"Map","ToleratedFailureCount":0,
		"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket":"b","Key":"k.csv"},
			"ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW","MaxItems":2}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
			"StartAt":"HandleItem","States":{"HandleItem":{"Type":"Pass","End":true}}},"End":true}`
	run := func(failures int32, data string) (*sfn.TestStateOutput, error) {
		return c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(def), Input: aws.String(`{}`),
			Mock: &types.MockInput{Result: aws.String(`[1,1]`)},
			StateConfiguration: &types.TestStateConfiguration{MapIterationFailureCount: aws.Int32(failures),
				MapItemReaderData: aws.String(data)}})
	}
	// Three rows, MaxItems 2: two iterations, so three failures are too many.
	_, err := run(3, "id,total\n1,20\n2,35\n3,50\n")
	require.ErrorContains(t, err, "Map iteration failure count must be less than or equal to the number of Map iterations")
	out, err := run(2, "id,total\n1,20\n2,35\n3,50\n")
	require.NoError(t, err)
	assert.Equal(t, "States.ExceedToleratedFailureThreshold", aws.ToString(out.Error))
	out, err = run(0, "id,\"total\n")
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusFailed, out.Status)
	assert.Equal(t, "States.ItemReaderFailed", aws.ToString(out.Error))
}
