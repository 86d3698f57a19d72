package sfnlocal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/polysync/stepfunctions/sfnlocal"
	"github.com/polysync/stepfunctions/sfnlocal/sfnlocaltest"
)

func Example() {
	ctx := context.Background()
	srv := sfnlocal.New()
	defer srv.Close()
	srv.RegisterTask("arn:aws:lambda:us-east-1:123456789012:function:greet",
		func(ctx context.Context, input json.RawMessage) (json.RawMessage, error) {
			var who string
			if err := json.Unmarshal(input, &who); err != nil {
				return nil, &sfnlocal.TaskError{Name: "Greet.BadInput", Cause: err.Error()}
			}
			return json.Marshal("Hello, " + who + "!")
		})
	endpoint, err := srv.Listen("") // 127.0.0.1, a free port
	if err != nil {
		log.Fatal(err)
	}

	client := sfn.New(sfn.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		// StartSyncExecution goes to "sync-<host>" unless the prefix is off.
		APIOptions: []func(*middleware.Stack) error{func(stack *middleware.Stack) error {
			return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("NoHostPrefix",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
				}), middleware.Before)
		}},
	})

	created, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name:    aws.String("hello"),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/demo"),
		Definition: aws.String(`{
		  "StartAt": "Greet",
		  "States": {
		    "Greet": {
		      "Type": "Task",
		      "Resource": "arn:aws:states:::lambda:invoke",
		      "Parameters": {"FunctionName": "greet", "Payload.$": "$.name"},
		      "OutputPath": "$.Payload",
		      "End": true
		    }
		  }
		}`),
	})
	if err != nil {
		log.Fatal(err)
	}
	started, err := client.StartExecution(ctx, &sfn.StartExecutionInput{
		StateMachineArn: created.StateMachineArn,
		Name:            aws.String("first"),
		Input:           aws.String(`{"name":"world"}`),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(aws.ToString(started.ExecutionArn))

	ended := awaitEnd(ctx, client, started.ExecutionArn)
	fmt.Println(ended.Status, aws.ToString(ended.Output))
	// Output:
	// arn:aws:states:us-east-1:123456789012:execution:hello:first
	// SUCCEEDED "Hello, world!"
}

// ExampleManualClock steps a Wait state of one day without waiting a day.
func ExampleManualClock() {
	ctx := context.Background()
	clk := sfnlocal.NewManualClock(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC))
	srv := sfnlocal.New(sfnlocal.WithClock(clk))
	defer srv.Close()
	endpoint, err := srv.Listen("")
	if err != nil {
		log.Fatal(err)
	}
	client := sfnlocaltest.NewClient(endpoint, "us-east-1")

	created, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name:       aws.String("nap"),
		RoleArn:    aws.String("arn:aws:iam::123456789012:role/demo"),
		Definition: aws.String(`{"StartAt":"Nap","States":{"Nap":{"Type":"Wait","Seconds":86400,"End":true}}}`),
	})
	if err != nil {
		log.Fatal(err)
	}
	started, err := client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: created.StateMachineArn})
	if err != nil {
		log.Fatal(err)
	}
	for clk.Pending() == 0 { // until the Wait state has armed its timer
		time.Sleep(time.Millisecond)
	}
	clk.Advance(24 * time.Hour)

	ended := awaitEnd(ctx, client, started.ExecutionArn)
	fmt.Println(ended.Status, ended.StopDate.Sub(*ended.StartDate))
	// Output:
	// SUCCEEDED 24h0m0s
}

// awaitEnd describes the execution every 10ms until it has ended, as a
// caller of StartExecution would, and returns the last description.
func awaitEnd(ctx context.Context, client *sfn.Client, executionArn *string) *sfn.DescribeExecutionOutput {
	for {
		out, err := client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: executionArn})
		if err != nil {
			log.Fatal(err)
		}
		if out.Status != types.ExecutionStatusRunning {
			return out
		}
		time.Sleep(10 * time.Millisecond)
	}
}
