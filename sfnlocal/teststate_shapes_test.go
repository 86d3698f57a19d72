package sfnlocal

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// TestTestStateSDKMockValidation checks mocked results of AWS SDK
// integrations, and of optimized integrations whose shapes come from the
// SDK's models, on the wire.
func TestTestStateSDKMockValidation(t *testing.T) {
	const (
		strict  = types.MockResponseValidationModeStrict
		present = types.MockResponseValidationModePresent
		none    = types.MockResponseValidationModeNone
	)
	testMockValidation(t, "arn:aws:states:::", []mockValidationCase{
		{"s3 getObject STRICT: wrong type", "aws-sdk:s3:getObject", `{"ContentLength":"x"}`, strict,
			"Mock result schema validation error: Field 'ContentLength' must be a number"},
		{"s3 getObject PRESENT: wrong type", "aws-sdk:s3:getObject", `{"ContentLength":"x"}`, present,
			"Mock result schema validation error: Field 'ContentLength' must be a number"},
		{"s3 getObject NONE", "aws-sdk:s3:getObject", `{"ContentLength":"x"}`, none, ""},
		{"s3 getObject: right types", "aws-sdk:s3:getObject",
			`{"Body":"hello","ContentLength":5,"ContentType":"text/plain","Metadata":{"k":"v"}}`, "", ""},
		{"sfn startExecution STRICT: required field", "aws-sdk:sfn:startExecution",
			`{"StartDate":"2026-01-01T00:00:00Z"}`, strict, "Required field 'ExecutionArn' is missing"},
		{"sfn startExecution PRESENT: missing is fine", "aws-sdk:sfn:startExecution",
			`{"StartDate":"2026-01-01T00:00:00Z"}`, present, ""},
		{"sqs receiveMessage: list of structures", "aws-sdk:sqs:receiveMessage",
			`{"Messages":[{"MessageId":"m-1","Body":"x"},{"MessageId":2}]}`, "", "Field 'MessageId' must be a string"},
		{"dynamodb query: Items not an array", "aws-sdk:dynamodb:query", `{"Items":{"id":{"S":"a"}},"Count":1}`, "",
			"Mock result schema validation error: Field 'Items' must be an array"},
		{"dynamodb query: attribute value inside the list", "aws-sdk:dynamodb:query",
			`{"Items":[{"id":{"N":7}}],"Count":1}`, "", "Field 'N' must be a string"},
		{"ecs runTask (optimized): nested in a list", "ecs:runTask",
			`{"Tasks":[{"TaskArn":"t","Containers":[{"ExitCode":"0"}]}]}`, "", "Field 'ExitCode' must be a number"},
		{"batch submitJob (optimized) STRICT", "batch:submitJob", `{"JobArn":"a"}`, strict,
			"Required field 'JobId' is missing"},
		{"unknown service", "aws-sdk:nosuchservice:getThing", `{"ContentLength":"x"}`, strict, ""},
		{"unknown action", "aws-sdk:s3:noSuchAction", `{"ContentLength":"x"}`, strict, ""},
	})
}
