package sfnlocaltest

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// definitionCases are state machines without Task states, each with an
// input and the output (or failure) the Amazon States Language
// specification gives for it.
var definitionCases = []struct {
	name, definition, input, output string
	// failure, when set, is the "error: cause" the execution must FAIL with
	// instead of succeeding.
	failure string
	// jsonata marks a case that needs the JSONata capability.
	jsonata bool
}{
	{
		name: "ChoiceNumericAndString",
		definition: `{"StartAt":"Route","States":{
			"Route":{"Type":"Choice","Choices":[
				{"And":[{"Variable":"$.n","NumericGreaterThan":5},{"Not":{"Variable":"$.tag","StringEquals":"skip"}}],"Next":"Big"},
				{"Variable":"$.tag","StringMatches":"sm*","Next":"Small"}],
				"Default":"Other"},
			"Big":{"Type":"Pass","Result":"big","ResultPath":"$.size","End":true},
			"Small":{"Type":"Pass","Result":"small","ResultPath":"$.size","End":true},
			"Other":{"Type":"Pass","Result":"other","ResultPath":"$.size","End":true}}}`,
		input:  `{"n":7,"tag":"small"}`,
		output: `{"n":7,"tag":"small","size":"big"}`,
	},
	{
		name: "ChoiceDefault",
		definition: `{"StartAt":"Route","States":{
			"Route":{"Type":"Choice","Choices":[{"Variable":"$.missing","IsPresent":true,"Next":"Yes"}],"Default":"No"},
			"Yes":{"Type":"Pass","Result":true,"ResultPath":"$.present","End":true},
			"No":{"Type":"Pass","Result":false,"ResultPath":"$.present","End":true}}}`,
		input:  `{}`,
		output: `{"present":false}`,
	},
	{
		name: "IntrinsicFunctions",
		definition: `{"StartAt":"Fns","States":{"Fns":{"Type":"Pass","Parameters":{
			"greeting.$":"States.Format('Hello, {}!', $.name)",
			"parts.$":"States.StringSplit($.csv, ',')",
			"count.$":"States.ArrayLength($.items)",
			"sum.$":"States.MathAdd($.a, $.b)",
			"second.$":"States.ArrayGetItem($.items, 1)",
			"parsed.$":"States.StringToJson($.json)",
			"constant":"kept"},"End":true}}}`,
		input:  `{"name":"Ada","csv":"x,y","items":["p","q","r"],"a":2,"b":3,"json":"{\"k\":[1]}"}`,
		output: `{"greeting":"Hello, Ada!","parts":["x","y"],"count":3,"sum":5,"second":"q","parsed":{"k":[1]},"constant":"kept"}`,
	},
	{
		name: "PathsInputResultOutput",
		definition: `{"StartAt":"Shape","States":{"Shape":{"Type":"Pass",
			"InputPath":"$.order","Parameters":{"id.$":"$.id","qty.$":"$.lines[0].qty"},
			"ResultPath":"$.summary","OutputPath":"$.summary","End":true}}}`,
		input:  `{"order":{"id":"o-1","lines":[{"qty":4},{"qty":9}]},"noise":true}`,
		output: `{"id":"o-1","qty":4}`,
	},
	{
		name: "InlineMapWithContextObject",
		definition: `{"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items",
			"ItemSelector":{"value.$":"$$.Map.Item.Value","index.$":"$$.Map.Item.Index","unit.$":"$.unit"},
			"ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"Echo","States":{"Echo":{"Type":"Pass","End":true}}},
			"ResultPath":"$.mapped","End":true}}}`,
		input:  `{"items":["a","b"],"unit":"kg"}`,
		output: `{"items":["a","b"],"unit":"kg","mapped":[{"value":"a","index":0,"unit":"kg"},{"value":"b","index":1,"unit":"kg"}]}`,
	},
	{
		name: "ParallelWithResultSelector",
		definition: `{"StartAt":"Both","States":{"Both":{"Type":"Parallel","Branches":[
			{"StartAt":"L","States":{"L":{"Type":"Pass","Result":{"side":"left"},"End":true}}},
			{"StartAt":"R","States":{"R":{"Type":"Pass","Parameters":{"side":"right","in.$":"$.x"},"End":true}}}],
			"ResultSelector":{"first.$":"$[0].side","second.$":"$[1]"},"ResultPath":"$.both","End":true}}}`,
		input:  `{"x":1}`,
		output: `{"x":1,"both":{"first":"left","second":{"side":"right","in":1}}}`,
	},
	{
		name: "CatchFailInParallel",
		definition: `{"StartAt":"Try","States":{
			"Try":{"Type":"Parallel","Branches":[{"StartAt":"Boom","States":{"Boom":{"Type":"Fail","Error":"App.Broken","Cause":"on purpose"}}}],
				"Catch":[{"ErrorEquals":["App.Broken"],"ResultPath":"$.caught","Next":"Recovered"}],"End":true},
			"Recovered":{"Type":"Pass","Result":"yes","ResultPath":"$.recovered","End":true}}}`,
		input:  `{"k":1}`,
		output: `{"k":1,"caught":{"Error":"App.Broken","Cause":"on purpose"},"recovered":"yes"}`,
	},
	{
		name: "MoreIntrinsicFunctions",
		definition: `{"StartAt":"Fns","States":{"Fns":{"Type":"Pass","Parameters":{
			"array.$":"States.Array($.a, 'two', 3)",
			"range.$":"States.ArrayRange(1, 9, 4)",
			"contains.$":"States.ArrayContains($.items, 'q')",
			"unique.$":"States.ArrayUnique($.dups)",
			"partition.$":"States.ArrayPartition($.nums, 2)",
			"merged.$":"States.JsonMerge($.o1, $.o2, false)",
			"b64.$":"States.Base64Encode('hi')",
			"unb64.$":"States.Base64Decode('aGk=')",
			"hash.$":"States.Hash('abc', 'SHA-256')",
			"text.$":"States.JsonToString($.o1)"},"End":true}}}`,
		input: `{"a":1,"items":["p","q"],"dups":[1,2,2,3,1],"nums":[1,2,3],"o1":{"a":1,"b":{"c":1}},"o2":{"b":{"d":2}}}`,
		output: `{"array":[1,"two",3],"range":[1,5,9],"contains":true,"unique":[1,2,3],"partition":[[1,2],[3]],
			"merged":{"a":1,"b":{"d":2}},"b64":"aGk=","unb64":"hi",
			"hash":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad","text":"{\"a\":1,\"b\":{\"c\":1}}"}`,
	},
	{
		name: "ResultPathNullAndContextObject",
		definition: `{"StartAt":"Keep","States":{
			"Keep":{"Type":"Pass","Result":"discarded","ResultPath":null,"Next":"Ctx"},
			"Ctx":{"Type":"Pass","Parameters":{"state.$":"$$.State.Name","input.$":"$$.Execution.Input.k","v.$":"$.v"},"ResultPath":"$","End":true}}}`,
		input:  `{"k":"from-input","v":5}`,
		output: `{"state":"Ctx","input":"from-input","v":5}`,
	},
	{
		name: "LegacyMapIteratorAndParameters",
		definition: `{"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.xs","MaxConcurrency":1,
			"Parameters":{"x.$":"$$.Map.Item.Value"},
			"Iterator":{"StartAt":"Double","States":{"Double":{"Type":"Pass","Parameters":{"twice.$":"States.MathAdd($.x, $.x)"},"End":true}}},
			"End":true}}}`,
		input:  `{"xs":[1,2,3]}`,
		output: `[{"twice":2},{"twice":4},{"twice":6}]`,
	},
	{
		name: "ChoiceTimestampNullAndNumberTypes",
		definition: `{"StartAt":"Route","States":{
			"Route":{"Type":"Choice","Choices":[{"And":[
				{"Variable":"$.one","NumericEquals":1},
				{"Variable":"$.t","TimestampLessThan":"2030-01-01T00:00:00Z"},
				{"Variable":"$.nothing","IsNull":true},
				{"Variable":"$.flag","BooleanEquals":true},
				{"Variable":"$.one","IsString":false}]
				,"Next":"Match"}],"Default":"NoMatch"},
			"Match":{"Type":"Pass","Result":"match","ResultPath":"$.route","End":true},
			"NoMatch":{"Type":"Pass","Result":"no-match","ResultPath":"$.route","End":true}}}`,
		input:  `{"one":1.0,"t":"2026-01-02T03:04:05Z","nothing":null,"flag":true}`,
		output: `{"one":1.0,"t":"2026-01-02T03:04:05Z","nothing":null,"flag":true,"route":"match"}`,
	},
	{
		name:       "FailWithErrorPathAndCausePath",
		definition: `{"StartAt":"Stop","States":{"Stop":{"Type":"Fail","ErrorPath":"$.problem.code","CausePath":"$.problem.detail"}}}`,
		input:      `{"problem":{"code":"Order.Invalid","detail":"quantity must be positive"}}`,
		failure:    "Order.Invalid: quantity must be positive",
	},
	{
		name: "WaitZeroThenSucceed",
		definition: `{"StartAt":"Pause","States":{
			"Pause":{"Type":"Wait","SecondsPath":"$.delay","Next":"Done"},
			"Done":{"Type":"Succeed","OutputPath":"$.keep"}}}`,
		input:  `{"delay":0,"keep":{"ok":true}}`,
		output: `{"ok":true}`,
	},
	{
		name: "VariablesJSONPath",
		definition: `{"StartAt":"Init","States":{
			"Init":{"Type":"Pass","Result":{"limit":2},"ResultPath":null,"Assign":{"limit.$":"$.limit","tag":"t"},"Next":"Each"},
			"Each":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"Check","States":{
				"Check":{"Type":"Choice","Choices":[{"Variable":"$","NumericGreaterThanPath":"$limit","Next":"Big"}],"Default":"Small"},
				"Big":{"Type":"Pass","Parameters":{"v.$":"$","tag.$":"$tag","size":"big"},"End":true},
				"Small":{"Type":"Pass","Parameters":{"v.$":"$","size":"small"},"End":true}}},"Next":"Done"},
			"Done":{"Type":"Pass","Parameters":{"items.$":"$","limit.$":"$limit"},"End":true}}}`,
		input:  `{"items":[1,3]}`,
		output: `{"items":[{"v":1,"size":"small"},{"v":3,"tag":"t","size":"big"}],"limit":2}`,
	},
	{
		name:    "VariablesJSONata",
		jsonata: true,
		definition: `{"QueryLanguage":"JSONata","StartAt":"Init","States":{
			"Init":{"Type":"Pass","Assign":{"count":0,"seen":[]},"Next":"Add"},
			"Add":{"Type":"Pass","Assign":{"count":"{% $count + 1 %}","seen":"{% $append($seen, $count) %}"},"Next":"Loop"},
			"Loop":{"Type":"Choice","Choices":[{"Condition":"{% $count < 3 %}","Next":"Add"}],"Default":"Done",
				"Assign":{"final":"{% $count %}"}},
			"Done":{"Type":"Pass","Output":{"count":"{% $count %}","seen":"{% $seen %}","final":"{% $final %}"},"End":true}}}`,
		input:  `{}`,
		output: `{"count":3,"seen":[0,1,2],"final":3}`,
	},
	{
		name:    "JSONataPassChoiceMap",
		jsonata: true,
		definition: `{"QueryLanguage":"JSONata","StartAt":"Init","States":{
			"Init":{"Type":"Pass","Output":{"items":"{% $states.input.items %}","none":"{% $states.input.none %}","empty":[],
				"state":"{% $states.context.State.Name %}"},"Next":"Route"},
			"Route":{"Type":"Choice","Choices":[{"Condition":"{% $count($states.input.items) > 2 %}","Next":"Each"}],"Default":"Done"},
			"Each":{"Type":"Map","Items":"{% $states.input.items %}",
				"ItemSelector":{"v":"{% $states.context.Map.Item.Value %}","i":"{% $states.context.Map.Item.Index %}"},
				"ItemProcessor":{"StartAt":"Square","States":{"Square":{"Type":"Pass","Output":"{% $states.input.v * $states.input.v + $states.input.i %}","End":true}}},
				"Output":{"squares":"{% $states.result %}","none":"{% $states.input.none %}","empty":"{% $states.input.empty %}","state":"{% $states.input.state %}"},
				"Next":"Done"},
			"Done":{"Type":"Succeed"}}}`,
		input:  `{"items":[1,2,3],"none":null}`,
		output: `{"squares":[1,5,11],"none":null,"empty":[],"state":"Init"}`,
	},
	{
		name:    "JSONataStateInJSONPathMachine",
		jsonata: true,
		definition: `{"StartAt":"Add","States":{
			"Add":{"Type":"Pass","QueryLanguage":"JSONata","Output":{"sum":"{% $sum($states.input.xs) %}","xs":"{% $states.input.xs %}"},"Next":"Keep"},
			"Keep":{"Type":"Pass","Parameters":{"total.$":"$.sum"},"End":true}}}`,
		input:  `{"xs":[1,2,3.5]}`,
		output: `{"total":6.5}`,
	},
	{
		name:    "JSONataFailWithExpressions",
		jsonata: true,
		definition: `{"QueryLanguage":"JSONata","StartAt":"Stop","States":{
			"Stop":{"Type":"Fail","Error":"{% 'Order.' & $states.input.kind %}","Cause":"{% 'quantity ' & $string($states.input.qty) & ' is not positive' %}"}}}`,
		input:   `{"kind":"Invalid","qty":-1}`,
		failure: "Order.Invalid: quantity -1 is not positive",
	},
	{
		name:    "JSONataUndefinedOutput",
		jsonata: true,
		definition: `{"QueryLanguage":"JSONata","StartAt":"P","States":{
			"P":{"Type":"Pass","Output":{"result":"{% $states.input.missing %}"},"End":true}}}`,
		input: `{}`,
		failure: "States.QueryEvaluationError: An error occurred while executing the state 'P' (entered at the event id #2). " +
			"The JSONata expression '$states.input.missing' specified for the field 'Output/result' returned nothing (undefined).",
	},
}

// definitionScenarios returns one scenario per definitionCases entry: each
// runs its machine as a Standard execution and checks that it SUCCEEDED
// with the specified output.
func definitionScenarios() []scenario {
	scenarios := make([]scenario, 0, len(definitionCases))
	for _, tt := range definitionCases {
		needs := []capability{runsDefinitions}
		if tt.jsonata {
			needs = append(needs, jsonataQueries)
		}
		scenarios = append(scenarios, scenario{name: tt.name, needs: needs, run: func(t *testing.T, h *harness) {
			exArn := h.startNew(t, "asl", tt.definition, "run", tt.input)
			d := h.awaitClosed(t, exArn)
			if tt.failure != "" {
				if got := aws.ToString(d.Error) + ": " + aws.ToString(d.Cause); d.Status != types.ExecutionStatusFailed || got != tt.failure {
					t.Errorf("status %q with %q, want FAILED with %q", d.Status, got, tt.failure)
				}
				return
			}
			if d.Status != types.ExecutionStatusSucceeded {
				t.Fatalf("status = %q (error %q, cause %q), want SUCCEEDED", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
			}
			wantJSON(t, "output", d.Output, tt.output)
		}})
	}
	return scenarios
}
