package sfnlocal_test

import (
	"context"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions/sfnlocal"
	"github.com/polysync/stepfunctions/sfnlocal/sfnlocaltest"
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
	// TestState goes to "sync-<host>", as StartSyncExecution does; this
	// client turns the prefix off.
	client := sfnlocaltest.NewClient(endpoint, "us-east-1")

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

// ExampleWithHTTPConnection tests an HTTP Task with a mocked response: at
// TRACE the answer shows the request the task would send and the response.
// The connection's API key is sent but not shown, as revealSecrets is not
// set (and AWS refuses revealSecrets together with a mock).
func ExampleWithHTTPConnection() {
	ctx := context.Background()
	conn := "arn:aws:events:us-east-1:123456789012:connection/orders/0f7c"
	srv := sfnlocal.New(sfnlocal.WithHTTPConnection(conn, sfnlocal.HTTPConnection{
		Headers: map[string]string{"x-api-key": "k-secret"},
	}))
	defer srv.Close()
	endpoint, err := srv.Listen("")
	if err != nil {
		log.Fatal(err)
	}
	client := sfnlocaltest.NewClient(endpoint, "us-east-1")

	out, err := client.TestState(ctx, &sfn.TestStateInput{
		Definition: aws.String(`{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
		  "Parameters":{"ApiEndpoint":"https://api.example.com/orders","Method":"POST",
		    "Authentication":{"ConnectionArn":"` + conn + `"},
		    "QueryParameters":{"dryRun":"true"},"RequestBody":{"sku.$":"$.sku"}},
		  "ResultSelector":{"orderId.$":"$.ResponseBody.id"},"End":true}`),
		Input: aws.String(`{"sku":"tea"}`),
		Mock: &types.MockInput{Result: aws.String(
			`{"StatusCode":201,"StatusText":"Created","Headers":{"content-type":["application/json"]},"ResponseBody":{"id":"o-7"}}`)},
		InspectionLevel: types.InspectionLevelTrace,
	})
	if err != nil {
		log.Fatal(err)
	}
	req, resp := out.InspectionData.Request, out.InspectionData.Response
	fmt.Println(out.Status, aws.ToString(out.Output))
	fmt.Println(aws.ToString(req.Method), aws.ToString(req.Url), aws.ToString(req.Body))
	fmt.Println(aws.ToString(req.Headers))
	fmt.Println(aws.ToString(resp.StatusCode), aws.ToString(resp.StatusMessage), aws.ToString(resp.Body))
	// Output:
	// SUCCEEDED {"orderId":"o-7"}
	// POST https://api.example.com/orders?dryRun=true {"sku":"tea"}
	// [User-Agent: Amazon|StepFunctions|HttpInvoke|us-east-1, Range: bytes=0-262144, Content-Type: application/json; charset=UTF-8]
	// 201 Created {"id":"o-7"}
}
