package sfnlocaltest

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// definitionCases are state machines without Task states, each with an
// input and the output the Amazon States Language specification gives for
// it.
var definitionCases = []struct {
	name, definition, input, output string
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
		name: "WaitZeroThenSucceed",
		definition: `{"StartAt":"Pause","States":{
			"Pause":{"Type":"Wait","SecondsPath":"$.delay","Next":"Done"},
			"Done":{"Type":"Succeed","OutputPath":"$.keep"}}}`,
		input:  `{"delay":0,"keep":{"ok":true}}`,
		output: `{"ok":true}`,
	},
}

// definitionScenarios returns one scenario per definitionCases entry: each
// runs its machine as a Standard execution and checks that it SUCCEEDED
// with the specified output.
func definitionScenarios() []scenario {
	scenarios := make([]scenario, 0, len(definitionCases))
	for _, tt := range definitionCases {
		scenarios = append(scenarios, scenario{name: tt.name, needs: []capability{runsDefinitions}, run: func(t *testing.T, h *harness) {
			smArn := aws.ToString(h.createMachine(t, h.name("asl"), tt.definition, machineOptions{}).StateMachineArn)
			exArn := aws.ToString(h.start(t, smArn, h.name("run"), tt.input).ExecutionArn)
			d := h.awaitClosed(t, exArn)
			if d.Status != types.ExecutionStatusSucceeded {
				t.Fatalf("status = %q (error %q, cause %q), want SUCCEEDED", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
			}
			wantJSON(t, "output", d.Output, tt.output)
		}})
	}
	return scenarios
}
