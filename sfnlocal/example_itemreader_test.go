package sfnlocal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/polysync/stepfunctions/sfnlocal"
	"github.com/polysync/stepfunctions/sfnlocal/sfnlocaltest"
)

// Example_itemReader serves a Distributed Map's ItemReader from a function
// registered for the S3 integration's getObject: the function answers the
// object's text as Body, and the Map state reads it as CSV.
func Example_itemReader() {
	ctx := context.Background()
	srv := sfnlocal.New()
	defer srv.Close()
	srv.RegisterTask("arn:aws:states:::s3:getObject",
		func(ctx context.Context, input json.RawMessage) (json.RawMessage, error) {
			var p struct{ Bucket, Key string }
			if err := json.Unmarshal(input, &p); err != nil || p.Key != "orders.csv" {
				return nil, &sfnlocal.TaskError{Name: "S3.NoSuchKeyException", Cause: "no such object"}
			}
			return json.Marshal(map[string]string{"Body": "id,total\n1,20\n2,35\n"})
		})
	endpoint, err := srv.Listen("")
	if err != nil {
		log.Fatal(err)
	}
	client := sfnlocaltest.NewClient(endpoint, "us-east-1")

	created, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name:    aws.String("orders"),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/demo"),
		Definition: aws.String(`{
		  "StartAt": "EachOrder",
		  "States": {
		    "EachOrder": {
		      "Type": "Map",
		      "ItemReader": {
		        "Resource": "arn:aws:states:::s3:getObject",
		        "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
		        "Parameters": {"Bucket.$": "$.bucket", "Key": "orders.csv"}
		      },
		      "ItemProcessor": {
		        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
		        "StartAt": "Total",
		        "States": {"Total": {"Type": "Pass", "Parameters": {"cents.$": "States.StringToJson($.total)"}, "End": true}}
		      },
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
		Input:           aws.String(`{"bucket":"incoming"}`),
	})
	if err != nil {
		log.Fatal(err)
	}
	ended := awaitEnd(ctx, client, started.ExecutionArn)
	fmt.Println(ended.Status, aws.ToString(ended.Output))
	// Output:
	// SUCCEEDED [{"cents":20},{"cents":35}]
}
