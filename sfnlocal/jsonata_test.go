package sfnlocal

import (
	"context"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// TestJSONataVariablesOnTheWire runs a JSONata machine with variables
// through the SDK client, and reads its variableReferences.
func TestJSONataVariablesOnTheWire(t *testing.T) {
	_, c := startServer(t)
	ctx := context.Background()
	arn := createMachine(t, c, "vars", `{"QueryLanguage":"JSONata","StartAt":"A","States":{
		"A":{"Type":"Pass","Assign":{"total":"{% $sum($states.input.xs) %}","label":"{% $states.input.label %}"},"Next":"B"},
		"B":{"Type":"Pass","QueryLanguage":"JSONata","Output":{"total":"{% $total %}","label":"{% $label %}","n":"{% $states.input.none %}"},"Next":"C"},
		"C":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $merge([$states.input, {'hash': $hash($label, 'SHA-256')}]) %}","End":true}}}`, "")
	run := startWith(t, c, arn, `{"xs":[1,2,3],"label":"a","none":null}`)
	d := waitDone(t, c, run)
	want := `{"hash":"ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb","label":"a","n":null,"total":6}`
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != want {
		t.Errorf("execution = %s %s %s: %s, want output %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause), aws.ToString(d.Output), want)
	}
	// AWS records what a state assigned, each value as JSON text.
	var assigned map[string]string
	for _, e := range history(t, c, run) {
		if d := e.StateExitedEventDetails; d != nil && aws.ToString(d.Name) == "A" {
			assigned = d.AssignedVariables
			if d.AssignedVariablesDetails == nil || d.AssignedVariablesDetails.Truncated {
				t.Errorf("assignedVariablesDetails = %+v, want truncated false", d.AssignedVariablesDetails)
			}
		}
	}
	if want := map[string]string{"total": "6", "label": `"a"`}; !reflect.DeepEqual(assigned, want) {
		t.Errorf("A's assignedVariables = %v, want %v", assigned, want)
	}
	desc, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &arn})
	if err != nil {
		t.Fatal(err)
	}
	if wantRefs := map[string][]string{"B": {"label", "total"}, "C": {"label"}}; !reflect.DeepEqual(desc.VariableReferences, wantRefs) {
		t.Errorf("variableReferences = %v, want %v", desc.VariableReferences, wantRefs)
	}
}

// TestJSONataHazardsKeepTheEndpointUp: expressions that would crash the
// process or loop forever fail their state, and the endpoint answers on.
func TestJSONataHazardsKeepTheEndpointUp(t *testing.T) {
	_, c := startServer(t)
	ctx := context.Background()
	for _, expr := range []string{
		"($f := function($n){ $f($n + 1) }; $f(0))",
		"$formatNumber(0, '0e0')",
		"$eval('1')",
	} {
		arn := createMachine(t, c, "hazard", `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% `+expr+` %}","End":true}}}`, "")
		d := startAndWait(t, c, &sfn.StartExecutionInput{StateMachineArn: &arn})
		if d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "States.QueryEvaluationError" {
			t.Errorf("%s: execution = %s %s %s, want FAILED with States.QueryEvaluationError", expr, d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
		}
		if _, err := c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: &arn}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestJSONataValidation: CreateStateMachine refuses what AWS refuses.
func TestJSONataValidation(t *testing.T) {
	_, c := startServer(t)
	for _, tc := range []struct{ def, want string }{
		{`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{},"End":true}}}`,
			"SCHEMA_VALIDATION_FAILED: The field 'Parameters' is not supported by Step Functions at /States/A"},
		{`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% $states.input.( %}","End":true}}}`,
			"SCHEMA_VALIDATION_FAILED: The value for the field 'Output' must be a valid JSONata expression"},
		{`{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"states":1},"End":true}}}`,
			"SCHEMA_VALIDATION_FAILED: The variable name 'states' is reserved at /States/A/Assign/states"},
	} {
		_, err := c.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String("bad"), RoleArn: aws.String(testRole),
			Definition: aws.String(tc.def)})
		if !errWith[*types.InvalidDefinition](err, tc.want) {
			t.Errorf("CreateStateMachine(%s) error = %v, want InvalidDefinition with %q", tc.def, err, tc.want)
		}
	}
}

// TestJSONataCallback: a JSONata Task hands out $states.context.Task.Token
// and its Output shapes the callback's result.
func TestJSONataCallback(t *testing.T) {
	srv, c := startServer(t)
	tokens := registerQueue(t, srv, 1)
	arn := createMachine(t, c, "jsonata-callback", `{"QueryLanguage":"JSONata","StartAt":"Ask","States":{"Ask":{"Type":"Task",
		"Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
		"Arguments":{"QueueUrl":"q","MessageBody":{"token":"{% $states.context.Task.Token %}","order":"{% $states.input.order %}"}},
		"Output":{"approved":"{% $states.result.ok %}","order":"{% $states.input.order %}"},"End":true}}}`, "")
	run := start(t, c, arn)
	token := receive(t, tokens)
	if _, err := c.SendTaskSuccess(context.Background(), &sfn.SendTaskSuccessInput{TaskToken: &token, Output: aws.String(`{"ok":true}`)}); err != nil {
		t.Fatalf("SendTaskSuccess: %v", err)
	}
	if d := waitDone(t, c, run); d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"approved":true,"order":7}` {
		t.Errorf("execution = %s %s, want SUCCEEDED with the shaped callback result", d.Status, aws.ToString(d.Output))
	}
}

// TestJSONataIntegersAndNamesOnTheWire: $formatInteger and $parseInteger
// answer, a variable may be named in any script, and an Assign naming a
// variable both as "x" and "x.$" is refused when the machine is created.
func TestJSONataIntegersAndNamesOnTheWire(t *testing.T) {
	_, c := startServer(t)
	ctx := context.Background()
	arn := createMachine(t, c, "integers", `{"QueryLanguage":"JSONata","StartAt":"A","States":{
		"A":{"Type":"Pass","Assign":{"größe":"{% $parseInteger($states.input.n, '#,##0') %}"},"Next":"B"},
		"B":{"Type":"Pass","Output":{"words":"{% $formatInteger($größe, 'w') %}","roman":"{% $formatInteger($größe, 'I') %}",
			"place":"{% $formatInteger($größe, '#,##0;o') %}"},"End":true}}}`, "")
	d := waitDone(t, c, startWith(t, c, arn, `{"n":"2,789"}`))
	want := `{"words":"two thousand, seven hundred and eighty-nine","roman":"MMDCCLXXXIX","place":"2,789th"}`
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != want {
		t.Errorf("execution = %s %s %s: %s, want output %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause), aws.ToString(d.Output), want)
	}
	_, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("both"), RoleArn: aws.String(testRole),
		Definition: aws.String(`{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":1,"x.$":"$.a"},"End":true}}}`)})
	assertAPIError(t, err, "InvalidDefinition", "The fields 'x' and 'x.$' both set the field 'x'")
}
