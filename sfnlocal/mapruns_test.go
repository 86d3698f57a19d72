package sfnlocal

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

func TestMapRunOperations(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t, withCompiler(fakeCompiler))
	arn := createMachine(t, c, "orders", echoDef, types.StateMachineTypeStandard)
	run := start(t, c, arn)
	waitDone(t, c, run)
	const mapRun = "arn:aws:states:us-east-1:123456789012:mapRun:orders/items:7d3e"

	list, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: &run})
	if err != nil || len(list.MapRuns) != 0 || list.NextToken != nil {
		t.Errorf("ListMapRuns(an execution without a Distributed Map) = %+v, %v; want no Map Runs", list, err)
	}
	for _, tt := range []struct {
		name string
		call func() error
		want string
	}{
		{"DescribeMapRun unknown", func() error {
			_, err := c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: aws.String(mapRun)})
			return err
		}, "ResourceNotFound"},
		{"DescribeMapRun execution ARN", func() error {
			_, err := c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: &run})
			return err
		}, "InvalidArn"},
		{"UpdateMapRun unknown", func() error {
			_, err := c.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: aws.String(mapRun), MaxConcurrency: aws.Int32(4)})
			return err
		}, "ResourceNotFound"},
		{"UpdateMapRun not an ARN", func() error {
			_, err := c.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: aws.String("items")})
			return err
		}, "InvalidArn"},
		{"UpdateMapRun percentage over 100", func() error {
			_, err := c.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: aws.String(mapRun), ToleratedFailurePercentage: aws.Float32(101)})
			return err
		}, "ValidationException"},
		{"UpdateMapRun negative count", func() error {
			_, err := c.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: aws.String(mapRun), ToleratedFailureCount: aws.Int64(-1)})
			return err
		}, "ValidationException"},
		{"ListMapRuns unknown execution", func() error {
			_, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: aws.String(run + "x")})
			return err
		}, "ExecutionDoesNotExist"},
		{"ListMapRuns state machine ARN", func() error {
			_, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: &arn})
			return err
		}, "InvalidArn"},
		{"ListMapRuns maxResults", func() error {
			_, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: &run, MaxResults: 1001})
			return err
		}, "ValidationException"},
		{"ListMapRuns foreign token", func() error {
			_, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: &run, NextToken: aws.String("forged")})
			return err
		}, "InvalidToken"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := errorCode(tt.call()); got != tt.want {
				t.Errorf("%s: error code %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}
