package sfnlocal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions/sfnlocal"
	"github.com/polysync/stepfunctions/sfnlocal/sfnlocaltest"
)

// ExampleHTTPTaskRequest fakes the endpoint of an execution's HTTP Task:
// the function registered for arn:aws:states:::http:invoke gets the request
// with the connection's API key merged in, and answers 404 for an unknown
// order, which the task's Catch handles as States.Http.StatusCode.404.
func ExampleHTTPTaskRequest() {
	ctx := context.Background()
	conn := "arn:aws:events:us-east-1:123456789012:connection/orders/0f7c"
	srv := sfnlocal.New(sfnlocal.WithHTTPConnection(conn, sfnlocal.HTTPConnection{
		Headers: map[string]string{"x-api-key": "k-secret"},
	}))
	defer srv.Close()
	srv.RegisterTask("arn:aws:states:::http:invoke", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		var req sfnlocal.HTTPTaskRequest
		if err := json.Unmarshal(in, &req); err != nil {
			return nil, err
		}
		fmt.Println(req.Method, req.URL(), "key:", req.Headers["x-api-key"])
		if req.Headers["x-api-key"] != "k-secret" {
			return json.RawMessage(`{"StatusCode":401,"StatusText":"Unauthorized"}`), nil
		}
		return json.RawMessage(`{"StatusCode":404,"StatusText":"Not Found","ResponseBody":{"message":"no such order"}}`), nil
	})
	endpoint, err := srv.Listen("")
	if err != nil {
		log.Fatal(err)
	}
	// StartSyncExecution goes to "sync-<host>"; this client turns the
	// prefix off.
	client := sfnlocaltest.NewClient(endpoint, "us-east-1")

	machine, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("get-order"),
		Type: types.StateMachineTypeExpress, RoleArn: aws.String("arn:aws:iam::123456789012:role/sfn"),
		Definition: aws.String(`{"StartAt":"Get","States":{
		  "Get":{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
		    "Parameters":{"ApiEndpoint.$":"States.Format('https://api.example.com/orders/{}', $.id)","Method":"GET",
		      "InvocationConfig":{"ConnectionArn":"` + conn + `"}},
		    "Catch":[{"ErrorEquals":["States.Http.StatusCode.404"],"ResultPath":"$.error","Next":"Missing"}],
		    "End":true},
		  "Missing":{"Type":"Pass","End":true}}}`)})
	if err != nil {
		log.Fatal(err)
	}
	out, err := client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: machine.StateMachineArn,
		Input: aws.String(`{"id":"o-9"}`)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.Status, aws.ToString(out.Output))
	// Output:
	// GET https://api.example.com/orders/o-9 key: k-secret
	// SUCCEEDED {"id":"o-9","error":{"Error":"States.Http.StatusCode.404","Cause":"Not Found"}}
}
