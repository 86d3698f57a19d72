package sfnlocal

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

const mockFile = "testdata/MockConfigFile.json"

// startMocked serves the state machine of testdata/LambdaSQSIntegration.asl.json
// with the guide's mock file, and returns the client and the machine's ARN.
func startMocked(t *testing.T, typ types.StateMachineType, opts ...Option) (*Server, *sfn.Client, string) {
	t.Helper()
	def, err := os.ReadFile("testdata/LambdaSQSIntegration.asl.json")
	if err != nil {
		t.Fatal(err)
	}
	srv, c := startServer(t, append([]Option{WithClock(newInstantClock()), WithMockConfig(mockFile)}, opts...)...)
	if err := srv.ConfigErr(); err != nil {
		t.Fatalf("ConfigErr() = %v", err)
	}
	return srv, c, createMachine(t, c, "LambdaSQSIntegration", string(def), typ)
}

// runCase starts the test case of the machine arn and waits for its end.
func runCase(t *testing.T, c *sfn.Client, arn, testCase string) (*sfn.DescribeExecutionOutput, []types.HistoryEvent) {
	t.Helper()
	out, err := c.StartExecution(context.Background(), &sfn.StartExecutionInput{
		StateMachineArn: aws.String(arn + "#" + testCase), Input: aws.String(`{"order":7}`)})
	if err != nil {
		t.Fatalf("StartExecution(%s#%s): %v", arn, testCase, err)
	}
	d := waitDone(t, c, *out.ExecutionArn)
	return d, history(t, c, *out.ExecutionArn)
}

func TestMockedTestCases(t *testing.T) {
	srv, c, arn := startMocked(t, "")
	sent := 0
	srv.RegisterTask("arn:aws:states:::sqs:sendMessage", func(context.Context, json.RawMessage) (json.RawMessage, error) {
		sent++
		return json.RawMessage(`{"MessageId":"from-the-registered-function"}`), nil
	})

	t.Run("HappyPath", func(t *testing.T) {
		d, events := runCase(t, c, arn, "HappyPath")
		if d.Status != types.ExecutionStatusSucceeded || !strings.Contains(aws.ToString(d.Output), `"MessageId":"3bcb6e8e-8b51-4375-b0bc-1a59812c6e51"`) {
			t.Fatalf("HappyPath = %s %s, want SUCCEEDED with the mocked SQS answer", d.Status, aws.ToString(d.Output))
		}
		if d.StateMachineArn == nil || *d.StateMachineArn != arn {
			t.Errorf("stateMachineArn = %v, want %s (without the test case)", d.StateMachineArn, arn)
		}
		for _, e := range events {
			if e.Type == types.HistoryEventTypeTaskSucceeded && e.TaskSucceededEventDetails.Resource != nil &&
				*e.TaskSucceededEventDetails.Resource == "invoke" &&
				!strings.Contains(aws.ToString(e.TaskSucceededEventDetails.Output), "Hello from Lambda!") {
				t.Errorf("the Lambda task's TaskSucceeded output = %s, want the mocked Return", aws.ToString(e.TaskSucceededEventDetails.Output))
			}
		}
	})
	t.Run("RetryPath", func(t *testing.T) {
		d, events := runCase(t, c, arn, "RetryPath")
		if d.Status != types.ExecutionStatusSucceeded {
			t.Fatalf("RetryPath = %s %s %s, want SUCCEEDED on the fourth invocation", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
		}
		var failures []string
		for _, e := range events {
			if e.Type == types.HistoryEventTypeTaskFailed {
				failures = append(failures, aws.ToString(e.TaskFailedEventDetails.Error))
			}
		}
		want := []string{"Lambda.ResourceNotReadyException", "Lambda.TimeoutException", "Lambda.TimeoutException"}
		if !slices.Equal(failures, want) {
			t.Errorf("TaskFailed errors = %v, want %v (keys 0, then 1-2)", failures, want)
		}
	})
	t.Run("HybridPath", func(t *testing.T) {
		before := sent
		d, _ := runCase(t, c, arn, "HybridPath")
		if d.Status != types.ExecutionStatusSucceeded || !strings.Contains(aws.ToString(d.Output), "from-the-registered-function") || sent != before+1 {
			t.Errorf("HybridPath = %s %s, want the unmocked SQS state answered by the registered function", d.Status, aws.ToString(d.Output))
		}
	})
	t.Run("FailurePath", func(t *testing.T) {
		d, _ := runCase(t, c, arn, "FailurePath")
		// "0-3" answers the first attempt and the Retry's 3 more.
		if d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "Lambda.ResourceNotReadyException" ||
			aws.ToString(d.Cause) != "Lambda resource is not ready." {
			t.Errorf("FailurePath = %s %s %s, want FAILED with the mocked Throw", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
		}
	})
	t.Run("ExhaustedPath", func(t *testing.T) {
		d, _ := runCase(t, c, arn, "ExhaustedPath")
		// The Retry's first retry is invocation 1, for which "0" has no
		// response: the execution fails, as in Step Functions Local.
		if d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "States.Runtime" ||
			!strings.Contains(aws.ToString(d.Cause), "no response for invocation 1 of state 'LambdaState'") {
			t.Errorf("ExhaustedPath = %s %s %s, want FAILED States.Runtime naming invocation 1", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
		}
	})
}

func TestMockedSyncExecution(t *testing.T) {
	_, c, arn := startMocked(t, types.StateMachineTypeExpress)
	out, err := c.StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(arn + "#HappyPath")})
	if err != nil {
		t.Fatalf("StartSyncExecution: %v", err)
	}
	if out.Status != types.SyncExecutionStatusSucceeded || !strings.Contains(aws.ToString(out.Output), "3bcb6e8e-8b51") {
		t.Errorf("StartSyncExecution(#HappyPath) = %s %s, want SUCCEEDED with the mocked answer", out.Status, aws.ToString(out.Output))
	}
}

func TestUnknownTestCase(t *testing.T) {
	_, c, arn := startMocked(t, "")
	_, noConfig := startServer(t)
	other := createMachine(t, noConfig, "Other", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`, "")
	for _, tt := range []struct {
		client *sfn.Client
		arn    string
		want   string
	}{
		{c, arn + "#NoSuchCase", "no such test case"},
		{noConfig, other + "#HappyPath", "no mock configuration"},
	} {
		_, err := tt.client.StartExecution(context.Background(), &sfn.StartExecutionInput{StateMachineArn: &tt.arn})
		if !isAPIError(err, "ValidationException", tt.want) {
			t.Errorf("StartExecution(%s) = %v, want ValidationException mentioning %q", tt.arn, err, tt.want)
		}
	}
}

func TestTaskWithoutFunctionOrMock(t *testing.T) {
	_, c, arn := startMocked(t, "")
	out, err := c.StartExecution(context.Background(), &sfn.StartExecutionInput{StateMachineArn: &arn})
	if err != nil {
		t.Fatal(err)
	}
	d := waitDone(t, c, *out.ExecutionArn)
	cause := aws.ToString(d.Cause)
	if d.Status != types.ExecutionStatusFailed || !strings.Contains(cause, "RegisterTask") || !strings.Contains(cause, "mock configuration") {
		t.Errorf("unmocked run = %s %s, want FAILED naming RegisterTask and the mock configuration", d.Status, cause)
	}
}

func TestParseMockConfigErrors(t *testing.T) {
	for _, tt := range []struct{ name, config, want string }{
		{"not an object", `[]`, "cannot be a JSON array"},
		{"unknown field", `{"StateMachine":{}}`, `mock configuration: unknown field "StateMachine"`},
		{"empty file", "", "mock configuration: the JSON text ends before its value does"},
		{"cut short", `{"MockedResponses":{"R":`, "mock configuration: the JSON text ends before its value does"},
		{"null", " null\n", "mock configuration: must be a JSON object, not null"},
		{"missing response", `{"StateMachines":{"M":{"TestCases":{"T":{"S":"R"}}}},"MockedResponses":{}}`,
			`StateMachines."M".TestCases."T"."S": mocked response "R" is not in MockedResponses`},
		{"no TestCases", `{"StateMachines":{"M":{}}}`, `StateMachines."M": TestCases is missing`},
		{"both", `{"MockedResponses":{"R":{"0":{"Return":1,"Throw":{"Error":"E"}}}}}`, `MockedResponses."R"."0": want exactly one of Return and Throw`},
		{"neither", `{"MockedResponses":{"R":{"0":{}}}}`, `MockedResponses."R"."0": want exactly one of Return and Throw`},
		{"bad key", `{"MockedResponses":{"R":{"first":{"Return":1}}}}`, `MockedResponses."R"."first": want an invocation number`},
		{"backwards range", `{"MockedResponses":{"R":{"2-1":{"Return":1}}}}`, `"2-1": want an invocation number`},
		{"gap", `{"MockedResponses":{"R":{"0":{"Return":1},"2":{"Return":2}}}}`, `MockedResponses."R": invocation 1 has no response`},
		{"overlap", `{"MockedResponses":{"R":{"0-1":{"Return":1},"1":{"Return":2}}}}`, `invocation 2 has no response`},
		{"not from 0", `{"MockedResponses":{"R":{"1":{"Return":1}}}}`, `invocation 0 has no response`},
		{"empty", `{"MockedResponses":{"R":{}}}`, `MockedResponses."R": has no invocations`},
		{"throw without error", `{"MockedResponses":{"R":{"0":{"Throw":{"Cause":"c"}}}}}`, `"0".Throw.Error: must not be empty`},
		{"misspelt throw", `{"MockedResponses":{"R":{"0":{"Throw":{"Eror":"E"}}}}}`, `MockedResponses."R"."0": unknown field "Eror"`},
		{"trailing data", `{} {}`, "data after the JSON value"},
		{"syntax error", "{\"StateMachines\": {},\n  \"MockedResponses\": {]\n}", "mock configuration: line 2, column 23: invalid character ']'"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMockConfig(strings.NewReader(tt.config))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseMockConfig(%s) = %v, want an error containing %q", tt.config, err, tt.want)
			}
		})
	}
	big := strings.NewReader(`{"MockedResponses":{"R":{"0":{"Return":"` + strings.Repeat("x", MaxMockConfigBytes) + `"}}}}`)
	if _, err := ParseMockConfig(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("ParseMockConfig(%d bytes) = %v, want too large", MaxMockConfigBytes, err)
	}
}

func TestWithMockConfigBadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mocks.json")
	if err := os.WriteFile(path, []byte(`{"MockedResponses":{"R":{"0":{}}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	srv, c := startServer(t, WithMockConfig(path))
	if err := srv.ConfigErr(); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("ConfigErr() = %v, want the file's problem", err)
	}
	arn := createMachine(t, c, "M", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`, "")
	_, err := c.StartExecution(context.Background(), &sfn.StartExecutionInput{StateMachineArn: aws.String(arn + "#T")})
	if !isAPIError(err, "ValidationException", "could not be loaded") {
		t.Errorf("StartExecution(#T) = %v, want ValidationException saying the configuration could not be loaded", err)
	}
	if err := ListenAndServe(context.Background(), "", WithMockConfig(filepath.Join(t.TempDir(), "missing.json"))); err == nil {
		t.Error("ListenAndServe with a missing mock file = nil, want an error")
	}
}

func TestMockedCallbackAndActivity(t *testing.T) {
	cfg, err := ParseMockConfig(strings.NewReader(`{
		"StateMachines":{"Waits":{"TestCases":{"T":{"Callback":"Approved","Activity":"Done"}}}},
		"MockedResponses":{"Approved":{"0":{"Return":{"approved":true}}},"Done":{"0":{"Return":{"done":1}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	_, c := startServer(t, WithMocks(cfg))
	def := `{"StartAt":"Callback","States":{
		"Callback":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
			"Parameters":{"MessageBody":{"token.$":"$$.Task.Token"}},"ResultPath":"$.callback","Next":"Activity"},
		"Activity":{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:nobody","ResultPath":"$.activity","End":true}}}`
	arn := createMachine(t, c, "Waits", def, "")
	d, _ := runCase(t, c, arn, "T")
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"order":7,"callback":{"approved":true},"activity":{"done":1}}` {
		t.Errorf("mocked callback and activity = %s %s %s, want both answered by their mocks", d.Status, aws.ToString(d.Output), aws.ToString(d.Cause))
	}
}

func TestMockedMapIterations(t *testing.T) {
	cfg, err := ParseMockConfig(strings.NewReader(`{
		"StateMachines":{"Charges":{"TestCases":{"T":{"Charge":"FirstThenSecond"}}}},
		"MockedResponses":{"FirstThenSecond":{"0":{"Return":"first"},"1-2":{"Return":"second"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	_, c := startServer(t, WithMocks(cfg))
	def := `{"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":1,"End":true,
		"ItemProcessor":{"StartAt":"Charge","States":{"Charge":{"Type":"Task","Resource":"arn:aws:states:::stripe:charge","End":true}}}}}}`
	arn := createMachine(t, c, "Charges", def, "")
	d := startAndWait(t, c, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn + "#T"), Input: aws.String(`{"items":[1,2,3]}`)})
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `["first","second","second"]` {
		t.Errorf("mocked Map = %s %s %s, want the invocations counted across iterations", d.Status, aws.ToString(d.Output), aws.ToString(d.Cause))
	}
}
