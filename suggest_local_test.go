package stepfunctions_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/polysync/stepfunctions"
)

// pricingDefinition reads sku and qty, branches on qty as a number and ends in one of two Pass states whose
// results are the outputs.
const pricingDefinition = `{"StartAt":"Price","States":{
	"Price":{"Type":"Task","Resource":"` + echoTask + `","Parameters":{"sku.$":"$.sku","qty.$":"$.qty"},"ResultPath":"$.priced","Next":"Big"},
	"Big":{"Type":"Choice","Choices":[{"Variable":"$.qty","NumericGreaterThan":10,"Next":"Bulk"}],"Default":"Retail"},
	"Bulk":{"Type":"Pass","Result":{"tier":"bulk","discount":0.1},"End":true},
	"Retail":{"Type":"Pass","Result":{"tier":"retail","discount":0},"End":true}}}`

// TestLocalSuggestParameters reads a definition over the wire, fills in the suggested inputs, runs the job with
// them and reads the suggested outputs back: the suggestions are a working parameter list.
func TestLocalSuggestParameters(t *testing.T) {
	e := newLocalEnv(t)
	e.registerTasks(`{"price": 3}`, nil)
	arn := e.create(machineSpec{name: "pricing", definition: pricingDefinition})
	p := e.provider(stepfunctions.Config{})
	ctx := context.Background()

	params, err := p.SuggestParameters(ctx, stepfunctions.Job{ID: arn})
	if err != nil {
		t.Fatalf("SuggestParameters() error = %v", err)
	}
	want := []stepfunctions.Parameter{
		{Name: "qty", Direction: stepfunctions.DirectionInput, DataType: stepfunctions.DataTypeNumber},
		{Name: "sku", Direction: stepfunctions.DirectionInput},
		{Name: "discount", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeNumber},
		{Name: "tier", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeString},
	}
	if !reflect.DeepEqual(params, want) {
		t.Fatalf("SuggestParameters() = %+v, want %+v", params, want)
	}
	params[0].Value, params[1].Value = "12", "A-1"
	st := executeToEnd(t, p, stepfunctions.Job{ID: arn}, params)
	if st.State != stepfunctions.RunStateSuccess || st.Parameters[3].Value != "bulk" || st.Parameters[2].Value != "0.1" {
		t.Errorf("run = %s %q with %+v, want Success with tier bulk and discount 0.1", st.State, st.Message, st.Parameters)
	}
}

// TestLocalSuggestParametersThroughAnAlias reads the version an alias sends most runs to.
func TestLocalSuggestParametersThroughAnAlias(t *testing.T) {
	e := newLocalEnv(t)
	ctx := context.Background()
	arn := e.create(machineSpec{name: "aliased", definition: `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x.$":"$.old"},"End":true}}}`})
	v1 := e.publish(arn, "")
	if _, err := e.admin.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: &arn,
		Definition: aws.String(`{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"y.$":"$.new"},"End":true}}}`)}); err != nil {
		t.Fatalf("UpdateStateMachine() error = %v", err)
	}
	v2 := e.publish(arn, "")
	alias := e.createAlias("canary", route(v1, 80), route(v2, 20))
	p := e.provider(stepfunctions.Config{})
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	got, err := p.SuggestParameters(ctx, stepfunctions.Job{ID: alias})
	want := []stepfunctions.Parameter{{Name: "old", Direction: stepfunctions.DirectionInput},
		{Name: "x", Direction: stepfunctions.DirectionOutput}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("SuggestParameters(alias) = %+v, %v; want %+v (version 1, which gets 80%%)", got, err, want)
	}
}

// TestLocalSuggestParametersJSONata reads a JSONata machine's $states.input and Output over the wire, and runs it
// with the suggested parameters.
func TestLocalSuggestParametersJSONata(t *testing.T) {
	e := newLocalEnv(t)
	arn := e.create(machineSpec{name: "greeter", definition: `{"QueryLanguage":"JSONata","StartAt":"Greet","States":{
		"Greet":{"Type":"Pass","Output":{"greeting":"{% 'hello ' & $states.input.name %}","length":"{% $length($states.input.name) %}"},"End":true}}}`})
	p := e.provider(stepfunctions.Config{})
	ctx := context.Background()
	params, err := p.SuggestParameters(ctx, stepfunctions.Job{ID: arn})
	want := []stepfunctions.Parameter{{Name: "name", Direction: stepfunctions.DirectionInput},
		{Name: "greeting", Direction: stepfunctions.DirectionOutput}, {Name: "length", Direction: stepfunctions.DirectionOutput}}
	if err != nil || !reflect.DeepEqual(params, want) {
		t.Fatalf("SuggestParameters() = %+v, %v; want %+v", params, err, want)
	}
	params[0].Value = "Ada"
	st := executeToEnd(t, p, stepfunctions.Job{ID: arn}, params)
	if st.State != stepfunctions.RunStateSuccess || st.Parameters[1].Value != "hello Ada" || st.Parameters[2].Value != "3" {
		t.Errorf("run = %s %q with %+v, want Success with greeting \"hello Ada\" and length 3", st.State, st.Message, st.Parameters)
	}
}
