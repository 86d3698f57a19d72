package stepfunctions_test

import (
	"errors"
	"fmt"

	"github.com/polysync/stepfunctions"
)

func ExampleBuildInput() {
	input, err := stepfunctions.BuildInput([]stepfunctions.Parameter{
		{Name: "orderId", Direction: stepfunctions.DirectionInput, DataType: stepfunctions.DataTypeString, Value: "A-1001"},
		{Name: "quantity", Direction: stepfunctions.DirectionInput, DataType: "int", Value: "3"},
		{Name: "express", Direction: stepfunctions.DirectionInput, DataType: stepfunctions.DataTypeBoolean, Value: "TRUE"},
		{Name: "options", Direction: stepfunctions.DirectionInputOutput, DataType: stepfunctions.DataTypeJSON, Value: `{"gift": true}`},
		{Name: "trackingId", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeString},
	})
	fmt.Println(input, err)

	_, err = stepfunctions.BuildInput([]stepfunctions.Parameter{{Name: "quantity", DataType: "number", Value: "three"}})
	fmt.Println(errors.Is(err, stepfunctions.ErrInvalidInput))
	// Output:
	// {"orderId":"A-1001","quantity":3,"express":true,"options":{"gift":true}} <nil>
	// true
}

func ExampleApplyOutput() {
	params := []stepfunctions.Parameter{
		{Name: "orderId", Direction: stepfunctions.DirectionInput, Value: "A-1001"},
		{Name: "trackingId", Direction: stepfunctions.DirectionOutput},
		{Name: "summary", Direction: stepfunctions.DirectionInputOutput},
	}
	updated, err := stepfunctions.ApplyOutput(params, `{"TrackingId": "1Z999", "summary": {"items": 3}}`)
	for _, p := range updated {
		fmt.Printf("%s=%s\n", p.Name, p.Value)
	}
	fmt.Println(err)

	_, err = stepfunctions.ApplyOutput(params, `"done"`)
	fmt.Println(err)
	// Output:
	// orderId=A-1001
	// trackingId=1Z999
	// summary={"items":3}
	// <nil>
	// stepfunctions: ApplyOutput: output not applied: execution output is a JSON string, not a JSON object; parameters left unchanged
}

func ExampleMapStatus() {
	for _, s := range []string{"RUNNING", "PENDING_REDRIVE", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "SOMETHING_NEW"} {
		fmt.Println(s, stepfunctions.MapStatus(s))
	}
	// Output:
	// RUNNING Running
	// PENDING_REDRIVE Running
	// SUCCEEDED Success
	// FAILED Failed
	// TIMED_OUT Failed
	// ABORTED Cancelled
	// SOMETHING_NEW Unknown
}

func ExampleConsoleURL() {
	for _, arn := range []string{
		"arn:aws:states:eu-west-1:123456789012:execution:orders:Polysync-0192f1e4-8c2a-7d3e-9f10-4b5c6d7e8f90",
		"arn:aws-cn:states:cn-north-1:123456789012:stateMachine:orders",
		"arn:aws:s3:::my-bucket",
	} {
		u, err := stepfunctions.ConsoleURL(arn)
		fmt.Println(u, err)
	}
	// Output:
	// https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:123456789012:execution:orders:Polysync-0192f1e4-8c2a-7d3e-9f10-4b5c6d7e8f90 <nil>
	// https://cn-north-1.console.amazonaws.cn/states/home?region=cn-north-1#/statemachines/view/arn:aws-cn:states:cn-north-1:123456789012:stateMachine:orders <nil>
	//  stepfunctions: ConsoleURL: invalid input: "arn:aws:s3:::my-bucket" is not a Step Functions ARN (service "s3", want states)
}
