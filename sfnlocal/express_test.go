package sfnlocal

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// TestExpressRefusesTokenTasks checks that an Express state machine is
// refused, at CreateStateMachine and UpdateStateMachine, when a Task state
// at any depth uses .sync, .sync:2 or .waitForTaskToken, or runs an
// activity, which the developer guide says Express workflows do not
// support: InvalidDefinition naming the state's Resource by its path. A
// Standard machine takes the same definitions, and an Express machine a
// Request Response task.
func TestExpressRefusesTokenTasks(t *testing.T) {
	_, c := startServer(t)
	ctx := context.Background()
	task := func(resource string) string {
		return `{"Type":"Task","Resource":"` + resource + `","End":true}`
	}
	tests := []struct {
		name, definition, want string
	}{
		{"callback", `{"StartAt":"Ask","States":{"Ask":` + task("arn:aws:states:::sqs:sendMessage.waitForTaskToken") + `}}`,
			"'.waitForTaskToken' service integration at /States/Ask/Resource"},
		{"sync-in-branch", `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"Run","States":{"Run":` +
			task("arn:aws:states:::ecs:runTask.sync") + `}}]}}}`,
			"'.sync' service integration at /States/P/Branches/0/States/Run/Resource"},
		{"sync2-in-map", `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"Child","States":{"Child":` +
			task("arn:aws:states:::states:startExecution.sync:2") + `}}}}}`,
			"'.sync:2' service integration at /States/M/ItemProcessor/States/Child/Resource"},
		{"activity", `{"StartAt":"Work","States":{"Work":` + task("arn:aws:states:us-east-1:123456789012:activity:worker") + `}}`,
			"Activity ARN at /States/Work/Resource"},
		{"callback-in-iterator", `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"Iterator":{"StartAt":"Child","States":{"Child":` +
			task("arn:aws:states:::lambda:invoke.waitForTaskToken") + `}}}}}`,
			"'.waitForTaskToken' service integration at /States/M/Iterator/States/Child/Resource"},
		{"activity-in-map-in-branch", `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[` +
			`{"StartAt":"Fine","States":{"Fine":` + task("arn:aws:states:::lambda:invoke") + `}},` +
			`{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"Work","States":{"Work":` +
			task("arn:aws:states:eu-west-1:123456789012:activity:worker") + `}}}}}]}}}`,
			"Activity ARN at /States/P/Branches/1/States/M/ItemProcessor/States/Work/Resource"},
		{"sync-in-distributed-map", `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{` +
			`"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"Child","States":{"Child":` +
			task("arn:aws:states:::glue:startJobRun.sync") + `}}}}}`,
			"'.sync' service integration at /States/M/ItemProcessor/States/Child/Resource"},
		{"first-in-name-order", `{"StartAt":"B","States":{"B":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Next":"A"},` +
			`"A":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"Run","States":{"Run":` + task("arn:aws:states:::ecs:runTask.sync") + `}}]}}}`,
			"'.sync' service integration at /States/A/Branches/0/States/Run/Resource"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("x-" + tt.name), RoleArn: aws.String(testRole),
				Definition: aws.String(tt.definition), Type: types.StateMachineTypeExpress})
			want := "SCHEMA_VALIDATION_FAILED: Express state machine does not support " + tt.want
			if errorCode(err) != "InvalidDefinition" || !strings.Contains(err.Error(), want) {
				t.Errorf("CreateStateMachine(EXPRESS) error = %v, want InvalidDefinition containing %q", err, want)
			}
			if _, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("s-" + tt.name), RoleArn: aws.String(testRole),
				Definition: aws.String(tt.definition)}); err != nil {
				t.Errorf("CreateStateMachine(STANDARD) error = %v, want success", err)
			}
			out, err := c.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(tt.definition),
				Type: types.StateMachineTypeExpress})
			if err != nil || out.Result != types.ValidateStateMachineDefinitionResultCodeFail || len(out.Diagnostics) != 1 ||
				!strings.Contains(tt.want, aws.ToString(out.Diagnostics[0].Location)) ||
				!strings.HasPrefix(want, "SCHEMA_VALIDATION_FAILED: "+aws.ToString(out.Diagnostics[0].Message)+" at ") {
				t.Errorf("ValidateStateMachineDefinition(EXPRESS) = %+v, %v; want FAIL with one diagnostic at the Resource", out, err)
			}
		})
	}

	created, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("express"), RoleArn: aws.String(testRole),
		Definition: aws.String(`{"StartAt":"Call","States":{"Call":` + task("arn:aws:states:::lambda:invoke") + `}}`),
		Type:       types.StateMachineTypeExpress})
	if err != nil {
		t.Fatalf("CreateStateMachine(EXPRESS, Request Response) error = %v, want success", err)
	}
	_, err = c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: created.StateMachineArn, Definition: aws.String(tests[0].definition)})
	if errorCode(err) != "InvalidDefinition" || !strings.Contains(err.Error(), tests[0].want) {
		t.Errorf("UpdateStateMachine(EXPRESS) error = %v, want InvalidDefinition containing %q", err, tests[0].want)
	}
}
