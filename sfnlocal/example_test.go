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

	for {
		out, err := client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: started.ExecutionArn})
		if err != nil {
			log.Fatal(err)
		}
		if out.Status != types.ExecutionStatusRunning {
			fmt.Println(out.Status, aws.ToString(out.Output))
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Output:
	// arn:aws:states:us-east-1:123456789012:execution:hello:first
	// SUCCEEDED "Hello, world!"
}
