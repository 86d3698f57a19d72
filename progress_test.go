package stepfunctions

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// TestRunProgress checks that RunProgress pages through ListMapRuns, describes each Map Run and returns its status,
// times and item counts, in the listed order.
func TestRunProgress(t *testing.T) {
	const run = "arn:aws:states:eu-west-1:123456789012:execution:orders:run-1"
	mapRun := func(id string) string { return "arn:aws:states:eu-west-1:123456789012:mapRun:orders/items:" + id }
	started := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	stopped := started.Add(time.Minute)
	f := &fakeClient{
		listMapRuns: func(_ context.Context, in *sfn.ListMapRunsInput) (*sfn.ListMapRunsOutput, error) {
			if aws.ToString(in.ExecutionArn) != run || in.MaxResults != mapRunPageSize {
				t.Errorf("ListMapRuns(%s, max %d), want %s, max %d", aws.ToString(in.ExecutionArn), in.MaxResults, run, mapRunPageSize)
			}
			if in.NextToken == nil {
				return &sfn.ListMapRunsOutput{MapRuns: []types.MapRunListItem{{MapRunArn: aws.String(mapRun("a"))}},
					NextToken: aws.String("page-2")}, nil
			}
			if aws.ToString(in.NextToken) != "page-2" {
				t.Errorf("ListMapRuns next token = %q, want page-2", aws.ToString(in.NextToken))
			}
			return &sfn.ListMapRunsOutput{MapRuns: []types.MapRunListItem{{MapRunArn: aws.String(mapRun("b"))}}}, nil
		},
		describeMapRun: func(_ context.Context, in *sfn.DescribeMapRunInput) (*sfn.DescribeMapRunOutput, error) {
			switch aws.ToString(in.MapRunArn) {
			case mapRun("a"):
				return &sfn.DescribeMapRunOutput{MapRunArn: in.MapRunArn, Status: types.MapRunStatusSucceeded,
					StartDate: &started, StopDate: &stopped,
					ItemCounts: &types.MapRunItemCounts{Succeeded: 2, Failed: 1, Total: 3, ResultsWritten: 3}}, nil
			case mapRun("b"):
				return &sfn.DescribeMapRunOutput{MapRunArn: in.MapRunArn, Status: types.MapRunStatusRunning, StartDate: &stopped,
					ItemCounts: &types.MapRunItemCounts{Pending: 4, Running: 2, Succeeded: 1, TimedOut: 1, Aborted: 1, Total: 9}}, nil
			}
			return nil, genericErr("ResourceNotFound")
		},
	}
	p := testProvider(t, f, Config{}, nil)
	got, err := p.RunProgress(context.Background(), run)
	if err != nil {
		t.Fatalf("RunProgress() error = %v", err)
	}
	want := []MapRunProgress{
		{MapRunARN: mapRun("a"), Status: "SUCCEEDED", StartedAt: started, StoppedAt: stopped,
			Items: MapRunItemCounts{Succeeded: 2, Failed: 1, Total: 3, ResultsWritten: 3}},
		{MapRunARN: mapRun("b"), Status: "RUNNING", StartedAt: stopped,
			Items: MapRunItemCounts{Pending: 4, Running: 2, Succeeded: 1, TimedOut: 1, Aborted: 1, Total: 9}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RunProgress() = %+v, want %+v", got, want)
	}
	if n, m := f.count("ListMapRuns"), f.count("DescribeMapRun"); n != 2 || m != 2 {
		t.Errorf("calls: %d ListMapRuns, %d DescribeMapRun; want 2 and 2", n, m)
	}
}

// TestRunProgressWithoutDistributedMap checks that a run without Map Runs has no progress and no error, and costs
// one call.
func TestRunProgressWithoutDistributedMap(t *testing.T) {
	f := &fakeClient{listMapRuns: func(context.Context, *sfn.ListMapRunsInput) (*sfn.ListMapRunsOutput, error) {
		return &sfn.ListMapRunsOutput{}, nil
	}}
	got, err := testProvider(t, f, Config{}, nil).RunProgress(context.Background(),
		"arn:aws:states:eu-west-1:123456789012:execution:orders:run-1")
	if err != nil || len(got) != 0 {
		t.Errorf("RunProgress() = %+v, %v; want none, nil", got, err)
	}
}

// TestRunProgressErrors checks the errors of RunProgress: refused inputs call nothing, and the service's errors
// name the operation, the API and the resource.
func TestRunProgressErrors(t *testing.T) {
	const run = "arn:aws:states:eu-west-1:123456789012:execution:orders:run-1"
	const mapRun = "arn:aws:states:eu-west-1:123456789012:mapRun:orders/items:a"
	listed := func(context.Context, *sfn.ListMapRunsInput) (*sfn.ListMapRunsOutput, error) {
		return &sfn.ListMapRunsOutput{MapRuns: []types.MapRunListItem{{MapRunArn: aws.String(mapRun)}}}, nil
	}
	for _, tt := range []struct {
		name     string
		runID    string
		f        *fakeClient
		kind     error
		api      string
		resource string
	}{
		{name: "express run", runID: "arn:aws:states:eu-west-1:123456789012:express:orders:run-1:4f1c",
			f: &fakeClient{}, kind: ErrNotSupported, resource: "arn:aws:states:eu-west-1:123456789012:express:orders:run-1:4f1c"},
		{name: "not a run", runID: "orders", f: &fakeClient{}, kind: ErrInvalidInput},
		{name: "other region", runID: "arn:aws:states:us-east-1:123456789012:execution:orders:run-1", f: &fakeClient{},
			kind: ErrInvalidInput},
		{name: "unknown run", runID: run, kind: ErrRunNotFound, api: "ListMapRuns", resource: run,
			f: &fakeClient{listMapRuns: func(context.Context, *sfn.ListMapRunsInput) (*sfn.ListMapRunsOutput, error) {
				return nil, genericErr("ExecutionDoesNotExist")
			}}},
		{name: "list denied", runID: run, kind: ErrAccessDenied, api: "ListMapRuns", resource: run,
			f: &fakeClient{listMapRuns: func(context.Context, *sfn.ListMapRunsInput) (*sfn.ListMapRunsOutput, error) {
				return nil, genericErr("AccessDeniedException")
			}}},
		{name: "describe denied", runID: run, kind: ErrAccessDenied, api: "DescribeMapRun", resource: mapRun,
			f: &fakeClient{listMapRuns: listed,
				describeMapRun: func(context.Context, *sfn.DescribeMapRunInput) (*sfn.DescribeMapRunOutput, error) {
					return nil, genericErr("AccessDeniedException")
				}}},
		{name: "map run gone", runID: run, kind: ErrRunNotFound, api: "DescribeMapRun", resource: mapRun,
			f: &fakeClient{listMapRuns: listed,
				describeMapRun: func(context.Context, *sfn.DescribeMapRunInput) (*sfn.DescribeMapRunOutput, error) {
					return nil, genericErr("ResourceNotFound")
				}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := testProvider(t, tt.f, Config{}, nil).RunProgress(context.Background(), tt.runID)
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, tt.kind) || got != nil {
				t.Fatalf("RunProgress(%q) = %v, %v; want nil, %v", tt.runID, got, err, tt.kind)
			}
			if e.Op != "RunProgress" || e.API != tt.api || (tt.resource != "" && e.Resource != tt.resource) {
				t.Errorf("error op %q, API %q, resource %q; want RunProgress, %q, %q", e.Op, e.API, e.Resource, tt.api, tt.resource)
			}
		})
	}
}
