package sfnlocal

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// keyOrderMachine reorders nothing: every object it outputs has its keys in
// the order AWS gives them (input order, definition order, ResultPath's key
// last), none of them sorted.
const keyOrderMachine = `{"StartAt":"Shape","States":{
	"Shape":{"Type":"Pass","Parameters":{"zone.$":"$.zone","order.$":"$.order","id":"x-1"},"Next":"Charge"},
	"Charge":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:charge",
		"ResultSelector":{"txn.$":"$.txn","amount.$":"$.amount"},"ResultPath":"$.charge","Next":"Tag"},
	"Tag":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $merge([$states.input, {'tagged': true}]) %}","Next":"Keep"},
	"Keep":{"Type":"Pass","QueryLanguage":"JSONata","Output":{"whole":"{% $states.input %}","order":"{% $states.input.order %}"},"End":true}}}`

const keyOrderInput = `{"zone":"eu","order":{"total":42,"sku":"tea"}}`

// keyOrderWant is the output of keyOrderMachine. $merge builds a new object
// in the JSONata evaluator, whose keys come out sorted (a documented
// difference): "whole" is sorted at its top level, and keeps the order of
// the objects it passed through.
const keyOrderWant = `{"whole":{"charge":{"txn":"t-9","amount":42},"id":"x-1","order":{"total":42,"sku":"tea"},"tagged":true,"zone":"eu"},"order":{"total":42,"sku":"tea"}}`

func registerCharge(srv *Server) {
	srv.RegisterTask("arn:aws:lambda:us-east-1:123456789012:function:charge",
		func(context.Context, json.RawMessage) (json.RawMessage, error) {
			return json.RawMessage(`{"txn":"t-9","status":"ok","amount":42}`), nil
		})
}

// TestKeyOrderOnTheWire: the output of an execution, Standard and Express,
// and of its history events, keeps the keys in AWS's order, as text.
func TestKeyOrderOnTheWire(t *testing.T) {
	srv, c := startServer(t)
	registerCharge(srv)
	ctx := context.Background()

	std := createMachine(t, c, "key-order", keyOrderMachine, "")
	d := startAndWait(t, c, &sfn.StartExecutionInput{StateMachineArn: &std, Input: aws.String(keyOrderInput)})
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != keyOrderWant {
		t.Errorf("Standard execution = %s %s: %s\nwant %s", d.Status, aws.ToString(d.Cause), aws.ToString(d.Output), keyOrderWant)
	}
	h, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: d.ExecutionArn})
	if err != nil {
		t.Fatal(err)
	}
	var shaped string
	for _, e := range h.Events {
		if e.StateExitedEventDetails != nil && aws.ToString(e.StateExitedEventDetails.Name) == "Charge" {
			shaped = aws.ToString(e.StateExitedEventDetails.Output)
		}
	}
	if want := `{"zone":"eu","order":{"total":42,"sku":"tea"},"id":"x-1","charge":{"txn":"t-9","amount":42}}`; shaped != want {
		t.Errorf("StateExited of Charge: output %s\nwant %s", shaped, want)
	}

	exp := createMachine(t, c, "key-order-express", keyOrderMachine, types.StateMachineTypeExpress)
	sync, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &exp, Input: aws.String(keyOrderInput)})
	if err != nil {
		t.Fatal(err)
	}
	if sync.Status != types.SyncExecutionStatusSucceeded || aws.ToString(sync.Output) != keyOrderWant {
		t.Errorf("Express execution = %s %s: %s\nwant %s", sync.Status, aws.ToString(sync.Cause), aws.ToString(sync.Output), keyOrderWant)
	}
}

// TestKeyOrderInTestState: TestState's output and inspection data keep the
// keys in AWS's order.
func TestKeyOrderInTestState(t *testing.T) {
	srv, c := startServer(t)
	registerCharge(srv)
	state := `{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:charge",
		"Parameters":{"zone.$":"$.zone","order.$":"$.order"},"ResultSelector":{"txn.$":"$.txn","amount.$":"$.amount"},
		"ResultPath":"$.charge","End":true}`
	out, err := c.TestState(context.Background(), &sfn.TestStateInput{Definition: aws.String(state), Input: aws.String(keyOrderInput),
		RoleArn: aws.String(testRole), InspectionLevel: types.InspectionLevelDebug})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"zone":"eu","order":{"total":42,"sku":"tea"},"charge":{"txn":"t-9","amount":42}}`; aws.ToString(out.Output) != want {
		t.Errorf("TestState output = %s\nwant %s", aws.ToString(out.Output), want)
	}
	if out.InspectionData == nil {
		t.Fatal("DEBUG gave no inspection data")
	}
	checks := map[string][2]string{
		"afterParameters":     {aws.ToString(out.InspectionData.AfterParameters), `{"zone":"eu","order":{"total":42,"sku":"tea"}}`},
		"result":              {aws.ToString(out.InspectionData.Result), `{"txn":"t-9","status":"ok","amount":42}`},
		"afterResultSelector": {aws.ToString(out.InspectionData.AfterResultSelector), `{"txn":"t-9","amount":42}`},
	}
	for name, c := range checks {
		if strings.TrimSpace(c[0]) != c[1] {
			t.Errorf("inspectionData.%s = %s, want %s", name, c[0], c[1])
		}
	}
}
