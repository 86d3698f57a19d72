package sfnlocal_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/polysync/stepfunctions/sfnlocal"
)

// ExampleWithMockConfig runs the test cases of a Step Functions Local mock
// configuration file, as a Go test would: the state machine calls Lambda and
// SQS, and no function is registered for either.
func ExampleWithMockConfig() {
	ctx := context.Background()
	clock := sfnlocal.NewManualClock(time.Time{})
	clock.AutoAdvance(time.Minute) // the retries' intervals pass at once
	srv := sfnlocal.New(sfnlocal.WithMockConfig("testdata/MockConfigFile.json"), sfnlocal.WithClock(clock))
	defer srv.Close()
	if err := srv.ConfigErr(); err != nil {
		log.Fatal(err)
	}
	endpoint, err := srv.Listen("")
	if err != nil {
		log.Fatal(err)
	}
	client := sfn.New(sfn.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")})

	definition, err := os.ReadFile("testdata/LambdaSQSIntegration.asl.json")
	if err != nil {
		log.Fatal(err)
	}
	created, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name:       aws.String("LambdaSQSIntegration"), // the name the mock file uses
		RoleArn:    aws.String("arn:aws:iam::123456789012:role/demo"),
		Definition: aws.String(string(definition)),
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, testCase := range []string{"HappyPath", "RetryPath", "FailurePath"} {
		started, err := client.StartExecution(ctx, &sfn.StartExecutionInput{
			StateMachineArn: aws.String(aws.ToString(created.StateMachineArn) + "#" + testCase),
		})
		if err != nil {
			log.Fatal(err)
		}
		ended := awaitEnd(ctx, client, started.ExecutionArn)
		fmt.Println(testCase, ended.Status, aws.ToString(ended.Output)+aws.ToString(ended.Error))
	}
	// Output:
	// HappyPath SUCCEEDED {"MD5OfMessageBody":"3bcb6e8e-7h85-4375-b0bc-1a59812c6e51","MessageId":"3bcb6e8e-8b51-4375-b0bc-1a59812c6e51"}
	// RetryPath SUCCEEDED {"MD5OfMessageBody":"3bcb6e8e-7h85-4375-b0bc-1a59812c6e51","MessageId":"3bcb6e8e-8b51-4375-b0bc-1a59812c6e51"}
	// FailurePath FAILED Lambda.ResourceNotReadyException
}
