package sfnlocal

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
)

// A server in the European Sovereign Cloud makes aws-eusc ARNs and accepts
// them back, for state machines, versions and executions alike.
func TestRegionOfTheEuropeanSovereignCloud(t *testing.T) {
	_, c := startServer(t, withCompiler(fakeCompiler), WithRegion("eusc-de-east-1"))
	ctx := context.Background()
	arn := createMachine(t, c, "orders.v2", echoDef, "")
	if want := "arn:aws-eusc:states:eusc-de-east-1:123456789012:stateMachine:orders.v2"; arn != want {
		t.Fatalf("stateMachineArn = %q, want %q", arn, want)
	}
	pub, err := c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: &arn})
	if err != nil {
		t.Fatalf("PublishStateMachineVersion(%s) error = %v", arn, err)
	}
	version := aws.ToString(pub.StateMachineVersionArn)
	if want := arn + ":1"; version != want {
		t.Errorf("stateMachineVersionArn = %q, want %q", version, want)
	}
	out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &version, Name: aws.String("run-1")})
	if err != nil {
		t.Fatalf("StartExecution(%s) error = %v", version, err)
	}
	exec := aws.ToString(out.ExecutionArn)
	if want := "arn:aws-eusc:states:eusc-de-east-1:123456789012:execution:orders.v2:run-1"; exec != want {
		t.Errorf("executionArn = %q, want %q", exec, want)
	}
	d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &exec})
	if err != nil || aws.ToString(d.StateMachineArn) != arn {
		t.Errorf("DescribeExecution(%s) = %v, %v; want the execution of %s", exec, d, err, arn)
	}
}
