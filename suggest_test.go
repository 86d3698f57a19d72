package stepfunctions

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

func sIn(name string, dt DataType) Parameter {
	return Parameter{Name: name, Direction: DirectionInput, DataType: dt}
}
func sOpt(name string, dt DataType) Parameter {
	return Parameter{Name: name, Direction: DirectionInput, DataType: dt, Optional: true}
}
func sOut(name string, dt DataType) Parameter {
	return Parameter{Name: name, Direction: DirectionOutput, DataType: dt}
}
func sInOut(name string, dt DataType) Parameter {
	return Parameter{Name: name, Direction: DirectionInputOutput, DataType: dt}
}

// suggestCases cover every rule of SuggestParameters, one or more each.
var suggestCases = []struct {
	name       string
	definition string
	want       []Parameter
}{
	{"parameters paths and intrinsic arguments", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:111122223333:function:f",
		"Parameters":{"id.$":"$.orderId","n.$":"States.MathAdd($.count, 1)","nested":{"c.$":"$.customer.name"},"lit":"$.notAPath"},"End":true}}}`,
		[]Parameter{sIn("orderId", ""), sIn("count", DataTypeNumber), sIn("customer", DataTypeJSON)}},
	{"start state InputPath scopes the other fields", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:111122223333:function:f",
		"InputPath":"$.order","Parameters":{"id.$":"$.id"},"End":true}}}`,
		[]Parameter{sIn("order", DataTypeJSON)}},
	{"choice comparisons type their variables", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[
		{"Variable":"$.qty","NumericGreaterThan":5,"Next":"S"},
		{"Variable":"$.express","BooleanEquals":true,"Next":"S"},
		{"Variable":"$.region","StringEquals":"eu","Next":"S"},
		{"Variable":"$.note","IsString":true,"Next":"S"},
		{"Variable":"$.due","TimestampLessThanPath":"$.cutoff","Next":"S"},
		{"Variable":"$.ratio","IsNumeric":false,"Next":"S"}],"Default":"S"},"S":{"Type":"Succeed"}}}`,
		[]Parameter{sIn("qty", DataTypeNumber), sIn("express", DataTypeBoolean), sIn("region", DataTypeString),
			sIn("note", DataTypeString), sIn("due", DataTypeString), sIn("cutoff", DataTypeString), sIn("ratio", "")}},
	{"And Or Not nest", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"And":[
		{"Variable":"$.a","NumericEquals":1},{"Or":[{"Not":{"Variable":"$.b","StringMatches":"x*"}},{"Variable":"$.c","IsBoolean":true}]}],
		"Next":"S"}],"Default":"S"},"S":{"Type":"Succeed"}}}`,
		[]Parameter{sIn("a", DataTypeNumber), sIn("b", DataTypeString), sIn("c", DataTypeBoolean)}},
	{"IsPresent marks optional, a start read outside Choice makes it required", `{"StartAt":"C","States":{
		"C":{"Type":"Choice","Choices":[{"And":[{"Variable":"$.coupon","IsPresent":true},{"Variable":"$.coupon","StringEquals":"X"}],"Next":"T"},
			{"Variable":"$.tip","IsPresent":true,"Next":"T"}],"Default":"T"},
		"T":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:111122223333:function:f","Parameters":{"t.$":"$.tip"},"End":true}}}`,
		[]Parameter{sOpt("coupon", DataTypeString), sOpt("tip", "")}},
	{"IsPresent on what the start state reads anyway is required", `{"StartAt":"P","States":{
		"P":{"Type":"Pass","Parameters":{"x.$":"$.key"},"ResultPath":"$.copy","Next":"C"},
		"C":{"Type":"Choice","Choices":[{"Variable":"$.key","IsPresent":true,"Next":"S"}],"Default":"S"},"S":{"Type":"Succeed"}}}`,
		[]Parameter{sIn("key", ""), sOut("copy", DataTypeJSON)}},
	{"ItemsPath is an array; ItemSelector reads the input, the processor an item", `{"StartAt":"M","States":{"M":{"Type":"Map",
		"ItemsPath":"$.lines","ItemSelector":{"line.$":"$$.Map.Item.Value","currency.$":"$.currency"},
		"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","Parameters":{"sku.$":"$.sku"},"End":true}}},"End":true}}}`,
		[]Parameter{sIn("currency", ""), sIn("lines", DataTypeJSON)}},
	{"context Execution.Input anywhere, even after the input is replaced", `{"StartAt":"A","States":{
		"A":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:111122223333:function:f","Next":"B"},
		"B":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:111122223333:function:g",
			"Parameters":{"t.$":"$$.Execution.Input.tenant","r.$":"$.fromA","s.$":"States.Format('{}', $$.Execution.Input.batch.id)"},"End":true}}}`,
		[]Parameter{sIn("batch", DataTypeJSON), sIn("tenant", "")}},
	{"ResultPath keeps the input: later states read it, less what was written", `{"StartAt":"A","States":{
		"A":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:111122223333:function:f","Parameters":{"id.$":"$.orderId"},"ResultPath":"$.order","Next":"W"},
		"W":{"Type":"Wait","SecondsPath":"$.delay","Next":"C"},
		"C":{"Type":"Choice","Choices":[{"Variable":"$.order.paid","BooleanEquals":true,"Next":"T"}],"Default":"F"},
		"F":{"Type":"Fail","ErrorPath":"$.errorName"},
		"T":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:111122223333:function:g","TimeoutSecondsPath":"$.timeout","End":true}}}`,
		[]Parameter{sIn("orderId", ""), sIn("delay", DataTypeNumber), sIn("timeout", DataTypeNumber), sIn("errorName", DataTypeString)}},
	{"a state that replaces the input hides the rest", `{"StartAt":"A","States":{
		"A":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:111122223333:function:f","Parameters":{"id.$":"$.orderId"},"Next":"B"},
		"B":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:111122223333:function:g","Parameters":{"x.$":"$.fromA"},"End":true}}}`,
		[]Parameter{sIn("orderId", "")}},
	{"Parallel branches get the input", `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"ResultPath":"$.results","Branches":[
		{"StartAt":"B1","States":{"B1":{"Type":"Pass","Parameters":{"a.$":"$.left"},"End":true}}},
		{"StartAt":"B2","States":{"B2":{"Type":"Wait","TimestampPath":"$.at","End":true}}}]}}}`,
		[]Parameter{sIn("left", ""), sIn("at", DataTypeString), sOut("results", DataTypeJSON)}},
	{"Pass Result at the end gives typed outputs", `{"StartAt":"A","States":{
		"A":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:111122223333:function:f","Next":"Done"},
		"Done":{"Type":"Pass","Result":{"status":"ok","total":42,"paid":true,"items":[1],"meta":{"a":1}},"End":true}}}`,
		[]Parameter{sOut("items", DataTypeJSON), sOut("meta", DataTypeJSON), sOut("paid", DataTypeBoolean), sOut("status", DataTypeString),
			sOut("total", DataTypeNumber)}},
	{"ResultSelector and Parameters keys, through a Succeed", `{"StartAt":"A","States":{
		"A":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:111122223333:function:f","ResultSelector":{"invoice.$":"$.Payload.id","currency":"EUR"},"Next":"C"},
		"C":{"Type":"Choice","Choices":[{"Variable":"$.invoice","IsPresent":true,"Next":"Ok"}],"Default":"Ok"},
		"Ok":{"Type":"Succeed"}}}`,
		[]Parameter{sOut("currency", DataTypeString), sOut("invoice", "")}},
	{"an input written back by ResultPath is InputOutput", `{"StartAt":"A","States":{
		"A":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:111122223333:function:f","Parameters":{"o.$":"$.order"},"ResultPath":"$.order","End":true}}}`,
		[]Parameter{sInOut("order", "")}},
	{"JSONata input, context, exists, items and Output", `{"QueryLanguage":"JSONata","StartAt":"M","States":{
		"M":{"Type":"Map","Items":"{% $states.input.rows %}","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","Output":"{% $states.input.x %}","End":true}}},
			"Next":"C"},
		"C":{"Type":"Choice","Choices":[{"Condition":"{% $exists($states.context.Execution.Input.dryRun) %}","Next":"T"}],"Default":"T"},
		"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"p":"{% $states.context.Execution.Input.user.id & 'x' %}",
			"q":"{% '$states.input.inAString' %}"},"Output":{"result":"{% $states.result.Payload %}","version":2},"End":true}}}`,
		[]Parameter{sIn("rows", DataTypeJSON), sOpt("dryRun", ""), sIn("user", DataTypeJSON), sOut("result", ""), sOut("version", DataTypeNumber)}},
	{"JSONata states pass the input on; $exists alone is optional", `{"QueryLanguage":"JSONata","StartAt":"C","States":{
		"C":{"Type":"Choice","Choices":[{"Condition":"{% $exists($states.input.promo) and $states.input.total > 10 %}","Next":"P"}],"Default":"P"},
		"P":{"Type":"Pass","Output":{"code":"{% $states.input.promo %}","shipping":"{% $states.input.address.country %}"},"End":true}}}`,
		[]Parameter{sOpt("promo", ""), sIn("total", ""), sIn("address", DataTypeJSON), sOut("code", ""), sOut("shipping", "")}},
	{"a JSONata state in a JSONPath machine", `{"StartAt":"A","States":{"A":{"Type":"Pass","QueryLanguage":"JSONata",
		"Output":{"greeting":"{% 'hello ' & $states.input.name %}"},"End":true}}}`,
		[]Parameter{sIn("name", ""), sOut("greeting", "")}},
	{"names that differ only in case keep the first; variables and wildcards are not inputs", `{"StartAt":"A","States":{"A":{"Type":"Pass",
		"Parameters":{"a.$":"$.Region","b.$":"$.region","c.$":"$.*","d.$":"$..deep","e.$":"$myVariable.x","f.$":"$['spaced key']"},"End":true}}}`,
		[]Parameter{sIn("Region", ""), sIn("spaced key", ""), sOut("a", ""), sOut("b", ""), sOut("c", ""), sOut("d", ""), sOut("e", ""), sOut("f", "")}},
	{"Distributed Map, which the local parser refuses, is still read", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.files",
		"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket.$":"$.bucket","Key":"k"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"I","States":{"I":{"Type":"Succeed"}}},
		"MaxConcurrencyPath":"$.parallelism","End":true}}}`,
		[]Parameter{sIn("bucket", ""), sIn("files", DataTypeJSON), sIn("parallelism", DataTypeNumber)}},
	{"a loop settles", `{"StartAt":"A","States":{
		"A":{"Type":"Pass","Result":1,"ResultPath":"$.i","Next":"C"},
		"C":{"Type":"Choice","Choices":[{"Variable":"$.limit","NumericLessThanPath":"$.i","Next":"Done"}],"Default":"A"},
		"Done":{"Type":"Succeed"}}}`,
		[]Parameter{sIn("limit", DataTypeNumber), sOut("i", DataTypeNumber)}},
	{"a catcher with ResultPath keeps the input", `{"StartAt":"A","States":{
		"A":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:111122223333:function:f","Parameters":{"x.$":"$.x"},
			"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"H"}],"End":true},
		"H":{"Type":"Task","Resource":"arn:aws:lambda:eu-west-1:111122223333:function:h","Parameters":{"who.$":"$.owner","e.$":"$.error"},"End":true}}}`,
		[]Parameter{sIn("x", ""), sIn("owner", "")}},
}

func TestSuggestParametersTable(t *testing.T) {
	if len(suggestCases) < 15 {
		t.Fatalf("only %d cases; the rules need at least 15 definitions", len(suggestCases))
	}
	for _, tc := range suggestCases {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := suggestParameters(tc.definition)
			if err != nil {
				t.Fatalf("suggestParameters() error = %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("suggestParameters() =\n  %v\nwant\n  %v", got, tc.want)
			}
		})
	}
}

func TestSuggestParametersRefusesWhatIsNotADefinition(t *testing.T) {
	for _, def := range []string{"", "not json", "[1,2]", strings.Repeat("[", 2000) + strings.Repeat("]", 2000),
		`{"StartAt":"A","States":{}}` + strings.Repeat(" ", 1<<20)} {
		if got, _, err := suggestParameters(def); err == nil {
			t.Errorf("suggestParameters(%.20q...) = %v, want an error", def, got)
		}
	}
}

func TestSuggestParametersDescribesWithTheDefinition(t *testing.T) {
	const arn = "arn:aws:states:eu-west-1:111122223333:stateMachine:orders"
	f := &fakeClient{describeStateMachine: func(_ context.Context, in *sfn.DescribeStateMachineInput) (*sfn.DescribeStateMachineOutput, error) {
		if in.IncludedData == types.IncludedDataMetadataOnly || aws.ToString(in.StateMachineArn) != arn {
			t.Errorf("DescribeStateMachine(%s, %s), want the definition of %s", aws.ToString(in.StateMachineArn), in.IncludedData, arn)
		}
		return &sfn.DescribeStateMachineOutput{Definition: aws.String(suggestCases[0].definition)}, nil
	}}
	p := testProvider(t, f, Config{}, nil)
	got, err := p.SuggestParameters(context.Background(), Job{ID: arn})
	if err != nil || !reflect.DeepEqual(got, suggestCases[0].want) {
		t.Errorf("SuggestParameters() = %v, %v; want %v", got, err, suggestCases[0].want)
	}
}

func TestSuggestParametersAliasReadsTheHeavierVersion(t *testing.T) {
	const alias = "arn:aws:states:eu-west-1:111122223333:stateMachine:orders:prod"
	f := &fakeClient{
		describeAlias: func(_ context.Context, in *sfn.DescribeStateMachineAliasInput) (*sfn.DescribeStateMachineAliasOutput, error) {
			return &sfn.DescribeStateMachineAliasOutput{RoutingConfiguration: []types.RoutingConfigurationListItem{
				{StateMachineVersionArn: aws.String("arn:aws:states:eu-west-1:111122223333:stateMachine:orders:1"), Weight: 10},
				{StateMachineVersionArn: aws.String("arn:aws:states:eu-west-1:111122223333:stateMachine:orders:2"), Weight: 90}}}, nil
		},
		describeStateMachine: func(_ context.Context, in *sfn.DescribeStateMachineInput) (*sfn.DescribeStateMachineOutput, error) {
			def := `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"v1.$":"$.old"},"End":true}}}`
			if strings.HasSuffix(aws.ToString(in.StateMachineArn), ":2") {
				def = `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"v2.$":"$.new"},"End":true}}}`
			}
			return &sfn.DescribeStateMachineOutput{Definition: aws.String(def)}, nil
		},
	}
	p := testProvider(t, f, Config{}, nil)
	got, err := p.SuggestParameters(context.Background(), Job{ID: alias})
	want := []Parameter{sIn("new", ""), sOut("v2", "")}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("SuggestParameters(alias) = %v, %v; want %v", got, err, want)
	}
}

func TestSuggestParametersKMSNeedsDecrypt(t *testing.T) {
	f := &fakeClient{describeStateMachine: func(context.Context, *sfn.DescribeStateMachineInput) (*sfn.DescribeStateMachineOutput, error) {
		return nil, &types.KmsAccessDeniedException{Message: aws.String("denied")}
	}}
	p := testProvider(t, f, Config{}, nil)
	_, err := p.SuggestParameters(context.Background(), Job{ID: "arn:aws:states:eu-west-1:111122223333:stateMachine:secret"})
	var e *Error
	if !errors.Is(err, ErrAccessDenied) || !errors.As(err, &e) || !strings.Contains(e.Hint, "kms:Decrypt") {
		t.Errorf("SuggestParameters() error = %v, want ErrAccessDenied with a hint naming kms:Decrypt", err)
	}
}

func TestSuggestParametersRefusesABadJobID(t *testing.T) {
	p := testProvider(t, &fakeClient{}, Config{}, nil)
	for _, id := range []string{"orders", "arn:aws:states:us-east-1:111122223333:stateMachine:orders"} {
		if _, err := p.SuggestParameters(context.Background(), Job{ID: id}); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("SuggestParameters(%q) error = %v, want ErrInvalidInput", id, err)
		}
	}
}
