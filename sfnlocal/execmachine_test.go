package sfnlocal

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// describeForExecution calls DescribeStateMachineForExecution, failing the
// test on an error.
func describeForExecution(t *testing.T, c *sfn.Client, execArn string, data types.IncludedData) *sfn.DescribeStateMachineForExecutionOutput {
	t.Helper()
	out, err := c.DescribeStateMachineForExecution(context.Background(),
		&sfn.DescribeStateMachineForExecutionInput{ExecutionArn: &execArn, IncludedData: data})
	if err != nil {
		t.Fatalf("DescribeStateMachineForExecution(%s): %v", execArn, err)
	}
	return out
}

// TestDescribeStateMachineForExecutionKeepsTheRevisionRun checks that the
// answer is the definition, role, tracing and revision the execution ran,
// not the state machine's current ones.
func TestDescribeStateMachineForExecutionKeepsTheRevisionRun(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testStart)
	_, c := startServer(t, withCompiler(fakeCompiler), WithClock(clk))
	created, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("orders"),
		Definition: aws.String(echoDef), RoleArn: aws.String(testRole),
		TracingConfiguration: &types.TracingConfiguration{Enabled: true}})
	if err != nil {
		t.Fatalf("CreateStateMachine: %v", err)
	}
	arn := aws.ToString(created.StateMachineArn)
	before, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &arn})
	if err != nil {
		t.Fatalf("DescribeStateMachine: %v", err)
	}
	first := start(t, c, arn)
	waitDone(t, c, first)

	clk.Advance(time.Minute)
	sleepDef := fakeDef(fakeDefinition{Fake: "sleep", Seconds: 5})
	const role2 = "arn:aws:iam::123456789012:role/second"
	updated, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: &arn,
		Definition: aws.String(sleepDef), RoleArn: aws.String(role2),
		TracingConfiguration: &types.TracingConfiguration{Enabled: false}})
	if err != nil {
		t.Fatalf("UpdateStateMachine: %v", err)
	}
	second := start(t, c, arn)

	got := describeForExecution(t, c, first, "")
	if aws.ToString(got.Definition) != echoDef || aws.ToString(got.RoleArn) != testRole ||
		aws.ToString(got.RevisionId) != aws.ToString(before.RevisionId) || aws.ToString(got.Name) != "orders" ||
		aws.ToString(got.StateMachineArn) != arn || got.TracingConfiguration == nil || !got.TracingConfiguration.Enabled ||
		got.LoggingConfiguration == nil || got.LoggingConfiguration.Level != types.LogLevelOff ||
		!aws.ToTime(got.UpdateDate).Equal(testStart) || got.MapRunArn != nil || got.Label != nil {
		t.Errorf("for the first execution: definition %q, role %q, revision %q, name %q, arn %q, tracing %+v, "+
			"logging %+v, updateDate %v, mapRunArn %v, label %v; want the revision before the update "+
			"(%q, %q, %q, orders, %s, enabled, OFF, %v, none, none)",
			aws.ToString(got.Definition), aws.ToString(got.RoleArn), aws.ToString(got.RevisionId), aws.ToString(got.Name),
			aws.ToString(got.StateMachineArn), got.TracingConfiguration, got.LoggingConfiguration, got.UpdateDate,
			got.MapRunArn, got.Label, echoDef, testRole, aws.ToString(before.RevisionId), arn, testStart)
	}

	got = describeForExecution(t, c, second, types.IncludedDataAllData)
	if aws.ToString(got.Definition) != sleepDef || aws.ToString(got.RoleArn) != role2 ||
		aws.ToString(got.RevisionId) != aws.ToString(updated.RevisionId) ||
		got.TracingConfiguration == nil || got.TracingConfiguration.Enabled ||
		!aws.ToTime(got.UpdateDate).Equal(aws.ToTime(updated.UpdateDate)) {
		t.Errorf("for the second execution: definition %q, role %q, revision %q, tracing %+v, updateDate %v; "+
			"want the updated revision (%q, %q, %q, disabled, %v)", aws.ToString(got.Definition), aws.ToString(got.RoleArn),
			aws.ToString(got.RevisionId), got.TracingConfiguration, got.UpdateDate, sleepDef, role2,
			aws.ToString(updated.RevisionId), updated.UpdateDate)
	}

	if got := describeForExecution(t, c, second, types.IncludedDataMetadataOnly); got.Definition != nil ||
		aws.ToString(got.RevisionId) != aws.ToString(updated.RevisionId) {
		t.Errorf("METADATA_ONLY: definition %v, revision %q; want no definition, revision %q",
			got.Definition, aws.ToString(got.RevisionId), aws.ToString(updated.RevisionId))
	}

	if _, err := c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: &arn}); err != nil {
		t.Fatalf("DeleteStateMachine: %v", err)
	}
	if got := describeForExecution(t, c, first, ""); aws.ToString(got.Definition) != echoDef {
		t.Errorf("after DeleteStateMachine: definition %q, want %q", aws.ToString(got.Definition), echoDef)
	}
}

// TestDescribeStateMachineForExecutionOfAVersion checks that an execution
// started through a version or an alias names the version it ran, with the
// version's revision and creation date.
func TestDescribeStateMachineForExecutionOfAVersion(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testStart)
	_, c := startServer(t, withCompiler(fakeCompiler), WithClock(clk))
	arn, v1 := createPublished(t, c, "orders")
	v1Desc, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &v1})
	if err != nil {
		t.Fatalf("DescribeStateMachine(v1): %v", err)
	}
	alias, err := c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{Name: aws.String("live"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: &v1, Weight: 100}}})
	if err != nil {
		t.Fatalf("CreateStateMachineAlias: %v", err)
	}
	clk.Advance(time.Hour)
	otherDef := fakeDef(fakeDefinition{Fake: "sleep", Seconds: 1})
	if _, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: &arn, Definition: &otherDef}); err != nil {
		t.Fatalf("UpdateStateMachine: %v", err)
	}
	for _, through := range []string{v1, aws.ToString(alias.StateMachineAliasArn)} {
		got := describeForExecution(t, c, start(t, c, through), "")
		if aws.ToString(got.StateMachineArn) != v1 || aws.ToString(got.Definition) != echoDef ||
			aws.ToString(got.RevisionId) != aws.ToString(v1Desc.RevisionId) || !aws.ToTime(got.UpdateDate).Equal(testStart) {
			t.Errorf("started with %s: arn %q, definition %q, revision %q, updateDate %v; want %q, %q, %q, %v", through,
				aws.ToString(got.StateMachineArn), aws.ToString(got.Definition), aws.ToString(got.RevisionId), got.UpdateDate,
				v1, echoDef, aws.ToString(v1Desc.RevisionId), testStart)
		}
	}
}

func TestDescribeStateMachineForExecutionErrors(t *testing.T) {
	_, c := startServer(t, withCompiler(fakeCompiler))
	arn := createMachine(t, c, "orders", echoDef, types.StateMachineTypeStandard)
	express := createMachine(t, c, "fast", echoDef, types.StateMachineTypeExpress)
	run, err := c.StartExecution(context.Background(), &sfn.StartExecutionInput{StateMachineArn: &express})
	if err != nil {
		t.Fatalf("StartExecution(express): %v", err)
	}
	const prefix = "arn:aws:states:us-east-1:123456789012:"
	for _, tt := range []struct {
		name, arn, data, want string
	}{
		{"unknown execution", prefix + "execution:orders:nope", "", "ExecutionDoesNotExist"},
		{"state machine ARN", arn, "", "InvalidArn"},
		{"not an ARN", "orders", "", "InvalidArn"},
		{"express execution", aws.ToString(run.ExecutionArn), "", "InvalidArn"},
		{"missing", "", "", "ValidationException"},
		{"bad includedData", prefix + "execution:orders:nope", "SOME", "ValidationException"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.DescribeStateMachineForExecution(context.Background(), &sfn.DescribeStateMachineForExecutionInput{
				ExecutionArn: aws.String(tt.arn), IncludedData: types.IncludedData(tt.data)})
			if got := errorCode(err); got != tt.want {
				t.Errorf("DescribeStateMachineForExecution(%q) = %v, want %s", tt.arn, err, tt.want)
			}
		})
	}
}
