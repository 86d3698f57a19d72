package sfnlocaltest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/polysync/stepfunctions/sfnlocal"
	"github.com/polysync/stepfunctions/sfnlocal/sfnlocaltest"
)

// TestNewClientReadsLargeResponses checks that a client from NewClient
// reads large responses from a fast local endpoint reliably. The SDK closes
// a request's body as soon as the response headers arrive; net/http may
// still be checking that body for trailing bytes, and smithy-go's closed
// body then fails that check, which tears the connection down under the
// response being read ("use of closed network connection"). Against
// sfnlocal that hit a few DescribeExecution calls in a hundred.
func TestNewClientReadsLargeResponses(t *testing.T) {
	ctx := context.Background()
	srv := sfnlocal.New()
	t.Cleanup(func() { _ = srv.Close() })
	endpoint, err := srv.Listen("")
	if err != nil {
		t.Fatal(err)
	}
	c := sfnlocaltest.NewClient(endpoint, sfnlocaltest.DefaultRegion)
	sm, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("large"),
		Definition: aws.String(`{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`),
		RoleArn:    aws.String("arn:aws:iam::123456789012:role/test")})
	if err != nil {
		t.Fatal(err)
	}
	input := `"` + strings.Repeat("a", 262142) + `"` // the largest input allowed
	ex, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: sm.StateMachineArn, Input: aws.String(input)})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		out, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: ex.ExecutionArn})
		if err != nil {
			t.Fatalf("DescribeExecution number %d: %v", i+1, err)
		}
		if got := len(aws.ToString(out.Input)); got != len(input) {
			t.Fatalf("DescribeExecution number %d: input of %d bytes, want %d", i+1, got, len(input))
		}
	}
}
