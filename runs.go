package stepfunctions

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions/internal/sfnops"
)

// MaxRunsPerPage is the largest RunFilter.Limit: the largest page ListExecutions returns.
const MaxRunsPerPage = 1000

// RunFilter selects the runs ListRuns returns.
type RunFilter struct {
	// Status keeps the runs in one Step Functions status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED
	// (case-insensitive). Empty keeps every status. PENDING_REDRIVE is ErrInvalidInput: ListExecutions filters on it
	// only for a Map Run's child workflows, never for a state machine's runs.
	Status string
	// Since keeps the runs started at or after it. Step Functions lists the newest runs first, so listing stops
	// at the first older run. The zero time keeps every run.
	Since time.Time
	// Limit bounds how many runs one call returns, at most MaxRunsPerPage; RunPage.NextToken continues the
	// listing. Zero returns every run (that Since keeps) with no token.
	Limit int
	// NextToken continues the listing where an earlier call's RunPage.NextToken left it (valid 24 hours).
	NextToken string
}

// RunSummary is one run as ListExecutions lists it: no input, output, error or cause (GetPipelineRunStatus
// has those).
type RunSummary struct {
	// RunID is the execution ARN and Name its name.
	RunID, Name string
	// Status is Step Functions' status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE), and
	// State what MapStatus makes of it.
	Status string
	State  RunState
	// StartedAt and StoppedAt bound the run; StoppedAt is zero while it runs.
	StartedAt, StoppedAt time.Time
	// Details has the version and alias the run was started through, its redrive count and date, and its Map
	// Run; the redrive status is left empty (only DescribeExecution has it).
	Details RunDetails
}

// RunPage is what ListRuns returns: runs newest first, and the token that continues the listing ("" when
// there is nothing more).
type RunPage struct {
	Runs      []RunSummary
	NextToken string
}

// runStatuses are the statuses ListExecutions filters a state machine's runs on. PENDING_REDRIVE is not one:
// ListExecutions takes it only with a mapRunArn, and answers a ValidationException with a stateMachineArn.
var runStatuses = []types.ExecutionStatus{types.ExecutionStatusRunning, types.ExecutionStatusSucceeded,
	types.ExecutionStatusFailed, types.ExecutionStatusTimedOut, types.ExecutionStatusAborted}

// ListRuns lists the runs of a job with ListExecutions, newest first. jobID is a state machine ARN in the
// Provider's region, or a version or alias ARN (which lists the runs started through it). Step Functions
// lists Standard runs only: an Express state machine is ErrNotSupported, and its runs are in its CloudWatch
// Logs. The listing is eventually consistent: a run started a moment ago may be missing.
//
// Each page costs one ListExecutions call, under the rate limits (the documented bucket refills at 2 to 5
// calls per second).
func (p *Provider) ListRuns(ctx context.Context, jobID string, filter RunFilter) (RunPage, error) {
	const op = "ListRuns"
	if _, err := p.parseJobID(op, jobID); err != nil {
		return RunPage{}, err
	}
	ctx = withOp(ctx, op)
	in := &sfn.ListExecutionsInput{StateMachineArn: aws.String(jobID), NextToken: optional(filter.NextToken)}
	if filter.Status != "" {
		status := types.ExecutionStatus(strings.ToUpper(strings.TrimSpace(filter.Status)))
		if status == types.ExecutionStatusPendingRedrive {
			return RunPage{}, invalid(op, "status %q: Step Functions filters on PENDING_REDRIVE only for the child "+
				"workflows of a Map Run, not for the runs of a state machine; want one of %s", filter.Status,
				statusNames(runStatuses))
		}
		if !slices.Contains(runStatuses, status) {
			return RunPage{}, invalid(op, "status %q: want one of %s", filter.Status, statusNames(runStatuses))
		}
		in.StatusFilter = status
	}
	pageSize := int32(MaxRunsPerPage)
	switch {
	case filter.Limit < 0 || filter.Limit > MaxRunsPerPage:
		return RunPage{}, invalid(op, "limit %d: want 0 (every run) to %d", filter.Limit, MaxRunsPerPage)
	case filter.Limit > 0:
		pageSize = int32(filter.Limit)
	}
	pages := sfn.NewListExecutionsPaginator(p.client, in, func(o *sfn.ListExecutionsPaginatorOptions) {
		o.Limit = pageSize
	})
	var page RunPage
	for pages.HasMorePages() {
		out, err := callPage(ctx, p, sfnops.ListExecutions, jobID, pages)
		if err != nil {
			return RunPage{}, withListHint(err)
		}
		for _, item := range out.Executions {
			started := aws.ToTime(item.StartDate)
			if !filter.Since.IsZero() && started.Before(filter.Since) {
				return page, nil
			}
			page.Runs = append(page.Runs, runSummary(item))
		}
		if filter.Limit > 0 {
			page.NextToken = aws.ToString(out.NextToken)
			return page, nil
		}
	}
	return page, nil
}

// withListHint gives the ErrNotSupported of listing an Express state machine's runs a hint that fits.
func withListHint(err error) error {
	var e *Error
	if errors.As(err, &e) && errors.Is(err, ErrNotSupported) {
		e.Hint = "Step Functions lists the runs of Standard state machines only; an Express state machine's runs are in its " +
			"CloudWatch Logs"
	}
	return err
}

// runSummary converts a ListExecutions item.
func runSummary(item types.ExecutionListItem) RunSummary {
	return RunSummary{
		RunID:     aws.ToString(item.ExecutionArn),
		Name:      aws.ToString(item.Name),
		Status:    string(item.Status),
		State:     MapStatus(string(item.Status)),
		StartedAt: aws.ToTime(item.StartDate),
		StoppedAt: aws.ToTime(item.StopDate),
		Details:   listItemDetails(item),
	}
}

// listItemDetails returns what a ListExecutions item says of a run beyond its state: all of RunDetails but the
// redrive status.
func listItemDetails(item types.ExecutionListItem) RunDetails {
	return RunDetails{StateMachineVersionARN: aws.ToString(item.StateMachineVersionArn),
		StateMachineAliasARN: aws.ToString(item.StateMachineAliasArn), RedriveCount: int(aws.ToInt32(item.RedriveCount)),
		RedrivenAt: aws.ToTime(item.RedriveDate), MapRunARN: aws.ToString(item.MapRunArn)}
}

func statusNames(list []types.ExecutionStatus) string {
	names := make([]string, len(list))
	for i, s := range list {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}
