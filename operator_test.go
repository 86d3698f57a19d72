package stepfunctions

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

const opsMachine = "arn:aws:states:eu-west-1:123456789012:stateMachine:orders"

// pagedExecutions serves ListExecutions from n executions, newest first, one a minute apart from base.
func pagedExecutions(n int, base time.Time) func(context.Context, *sfn.ListExecutionsInput) (*sfn.ListExecutionsOutput, error) {
	return func(_ context.Context, in *sfn.ListExecutionsInput) (*sfn.ListExecutionsOutput, error) {
		start := 0
		if in.NextToken != nil {
			fmt.Sscan(*in.NextToken, &start)
		}
		end := min(start+int(in.MaxResults), n)
		out := &sfn.ListExecutionsOutput{}
		for i := start; i < end; i++ {
			out.Executions = append(out.Executions, types.ExecutionListItem{
				ExecutionArn: aws.String(fmt.Sprintf("arn:aws:states:eu-west-1:123456789012:execution:orders:r%d", i)),
				Status:       types.ExecutionStatusSucceeded, StartDate: aws.Time(base.Add(-time.Duration(i) * time.Minute)),
			})
		}
		if end < n {
			out.NextToken = aws.String(fmt.Sprint(end))
		}
		return out, nil
	}
}

func TestListRunsPagesAndStops(t *testing.T) {
	base := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		filter    RunFilter
		wantRuns  int
		wantToken string
		wantCalls int
	}{
		{"all runs in pages of 1000", RunFilter{}, 2500, "", 3},
		{"a limit is one page with its token", RunFilter{Limit: 7}, 7, "7", 1},
		{"the token continues", RunFilter{Limit: 7, NextToken: "2495"}, 5, "", 1},
		{"since stops at the first older run", RunFilter{Since: base.Add(-1500 * time.Minute)}, 1501, "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeClient{listExecutions: pagedExecutions(2500, base)}
			p := testProvider(t, f, Config{}, nil)
			page, err := p.ListRuns(context.Background(), opsMachine, tt.filter)
			if err != nil {
				t.Fatalf("ListRuns(%+v) error = %v", tt.filter, err)
			}
			if len(page.Runs) != tt.wantRuns || page.NextToken != tt.wantToken || f.count("ListExecutions") != tt.wantCalls {
				t.Errorf("ListRuns(%+v) = %d runs, token %q after %d calls; want %d, %q, %d", tt.filter,
					len(page.Runs), page.NextToken, f.count("ListExecutions"), tt.wantRuns, tt.wantToken, tt.wantCalls)
			}
		})
	}
}

func TestListRunsRefusesBadFilters(t *testing.T) {
	p := testProvider(t, &fakeClient{}, Config{}, nil)
	for _, f := range []RunFilter{{Limit: -1}, {Limit: MaxRunsPerPage + 1}, {Status: "DONE"}} {
		if _, err := p.ListRuns(context.Background(), opsMachine, f); err == nil {
			t.Errorf("ListRuns(%+v) error = nil, want ErrInvalidInput", f)
		}
	}
	if _, err := p.ListRuns(context.Background(), "arn:aws:states:us-east-1:123456789012:stateMachine:orders", RunFilter{}); err == nil {
		t.Error("ListRuns(other region) error = nil, want ErrInvalidInput")
	}
}

// TestListRunsRefusesPendingRedrive: ListExecutions takes statusFilter PENDING_REDRIVE only with a mapRunArn, and
// ListRuns lists by state machine ARN, so Step Functions would answer a ValidationException; ListRuns refuses it
// before any call, naming the filter and why.
func TestListRunsRefusesPendingRedrive(t *testing.T) {
	f := &fakeClient{listExecutions: pagedExecutions(1, time.Now())}
	p := testProvider(t, f, Config{}, nil)
	for _, status := range []string{"PENDING_REDRIVE", "pending_redrive"} {
		_, err := p.ListRuns(context.Background(), opsMachine, RunFilter{Status: status})
		if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), status) ||
			!strings.Contains(err.Error(), "Map Run") {
			t.Errorf("ListRuns(Status %s) error = %v, want ErrInvalidInput naming the filter and the Map Run", status, err)
		}
	}
	if n := f.count("ListExecutions"); n != 0 {
		t.Errorf("ListRuns(Status PENDING_REDRIVE) made %d ListExecutions calls, want 0", n)
	}
}

func TestRunHistoryAfterReadsNewestFirstUntilSeen(t *testing.T) {
	const run = "arn:aws:states:eu-west-1:123456789012:execution:orders:r1"
	const n = 2500
	f := &fakeClient{getExecutionHistory: func(_ context.Context, in *sfn.GetExecutionHistoryInput) (*sfn.GetExecutionHistoryOutput, error) {
		if !in.ReverseOrder || aws.ToBool(in.IncludeExecutionData) {
			t.Errorf("GetExecutionHistory(%+v): want newest first, without execution data", in)
		}
		start := 0
		if in.NextToken != nil {
			fmt.Sscan(*in.NextToken, &start)
		}
		out := &sfn.GetExecutionHistoryOutput{}
		for i := start; i < min(start+int(in.MaxResults), n); i++ {
			out.Events = append(out.Events, types.HistoryEvent{Id: int64(n - i), Type: types.HistoryEventTypePassStateEntered})
		}
		if start+int(in.MaxResults) < n {
			out.NextToken = aws.String(fmt.Sprint(start + int(in.MaxResults)))
		}
		return out, nil
	}}
	p := testProvider(t, f, Config{}, nil)
	events, err := p.RunHistory(context.Background(), run, n-3)
	if err != nil {
		t.Fatalf("RunHistory() error = %v", err)
	}
	if len(events) != 3 || events[0].ID != n-2 || events[2].ID != n || f.count("GetExecutionHistory") != 1 {
		t.Errorf("RunHistory(after %d) = %+v after %d calls, want events %d..%d oldest first after 1 call",
			n-3, events, f.count("GetExecutionHistory"), n-2, n)
	}
}

func TestDescribeJobFollowsTokens(t *testing.T) {
	f := &fakeClient{
		describeStateMachine: func(_ context.Context, in *sfn.DescribeStateMachineInput) (*sfn.DescribeStateMachineOutput, error) {
			if in.IncludedData != types.IncludedDataMetadataOnly {
				t.Errorf("DescribeStateMachine(%v): want metadata only without Definition", in.IncludedData)
			}
			return &sfn.DescribeStateMachineOutput{Name: aws.String("orders"), Type: types.StateMachineTypeExpress,
				Definition: aws.String("{}")}, nil
		},
		listVersions: func(_ context.Context, in *sfn.ListStateMachineVersionsInput) (*sfn.ListStateMachineVersionsOutput, error) {
			if in.NextToken == nil {
				return &sfn.ListStateMachineVersionsOutput{NextToken: aws.String("p2"), StateMachineVersions: []types.StateMachineVersionListItem{
					{StateMachineVersionArn: aws.String(opsMachine + ":2")}}}, nil
			}
			return &sfn.ListStateMachineVersionsOutput{StateMachineVersions: []types.StateMachineVersionListItem{
				{StateMachineVersionArn: aws.String(opsMachine + ":1")}}}, nil
		},
		listAliases: func(context.Context, *sfn.ListStateMachineAliasesInput) (*sfn.ListStateMachineAliasesOutput, error) {
			return &sfn.ListStateMachineAliasesOutput{}, nil
		},
	}
	p := testProvider(t, f, Config{}, nil)
	d, err := p.DescribeJob(context.Background(), opsMachine+":2", DescribeJobOptions{})
	if err != nil {
		t.Fatalf("DescribeJob() error = %v", err)
	}
	if d.Type != TypeExpress || d.Definition != "" || len(d.Versions) != 2 || d.Versions[1].Version != 1 || len(d.Aliases) != 0 {
		t.Errorf("DescribeJob() = %+v, want an Express job with versions 2 and 1 and no definition", d)
	}
}
