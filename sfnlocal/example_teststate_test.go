package sfnlocal_test

import (
	"context"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/polysync/stepfunctions/sfnlocal"
)

// Example_testState tests one state of a state machine with TestState, as
// a Go test would: its data flow with a mocked Lambda result, then what
// its Retry and Catch make of a mocked error once the retries are used up.
// No function is registered and no role is needed: the mocks answer.
func Example_testState() {
	ctx := context.Background()
	srv := sfnlocal.New()
	defer srv.Close()
	endpoint, err := srv.Listen("")
	if err != nil {
		log.Fatal(err)
	}
	client := sfn.New(sfn.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		// TestState goes to "sync-<host>", as StartSyncExecution does,
		// unless the prefix is off.
		APIOptions: []func(*middleware.Stack) error{func(stack *middleware.Stack) error {
			return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("NoHostPrefix",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
				}), middleware.Before)
		}},
	})

	definition := `{"StartAt":"Charge","States":{
	  "Charge":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
	    "Parameters":{"FunctionName":"charge","Payload.$":"$.order"},
	    "ResultSelector":{"chargeId.$":"$.Payload.id"},"ResultPath":"$.charge",
	    "Retry":[{"ErrorEquals":["Payment.Timeout"],"MaxAttempts":2}],
	    "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Refund"}],
	    "Next":"Ship"},
	  "Ship":{"Type":"Succeed"},"Refund":{"Type":"Succeed"}}}`
	input := `{"order":{"total":42}}`

	ok, err := client.TestState(ctx, &sfn.TestStateInput{
		Definition: aws.String(definition), StateName: aws.String("Charge"), Input: aws.String(input),
		Mock:            &types.MockInput{Result: aws.String(`{"StatusCode":200,"Payload":{"id":"ch-1"}}`)},
		InspectionLevel: types.InspectionLevelDebug,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ok.Status, aws.ToString(ok.NextState), aws.ToString(ok.Output))
	fmt.Println("afterParameters:", aws.ToString(ok.InspectionData.AfterParameters))

	failed, err := client.TestState(ctx, &sfn.TestStateInput{
		Definition: aws.String(definition), StateName: aws.String("Charge"), Input: aws.String(input),
		Mock: &types.MockInput{ErrorOutput: &types.MockErrorOutput{
			Error: aws.String("Payment.Timeout"), Cause: aws.String("no answer")}},
		StateConfiguration: &types.TestStateConfiguration{RetrierRetryCount: aws.Int32(2)},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(failed.Status, aws.ToString(failed.NextState), aws.ToString(failed.Output))
	// Output:
	// SUCCEEDED Ship {"order":{"total":42},"charge":{"chargeId":"ch-1"}}
	// afterParameters: {"FunctionName":"charge","Payload":{"total":42}}
	// CAUGHT_ERROR Refund {"order":{"total":42},"error":{"Error":"Payment.Timeout","Cause":"no answer"}}
}
