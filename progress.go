package stepfunctions

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/polysync/stepfunctions/internal/sfnops"
)

// mapRunPageSize is the most Map Runs ListMapRuns returns per call.
const mapRunPageSize = 1000

// MapRunProgress is the progress of one Map Run: a Distributed Map state's pass over its items, as DescribeMapRun
// reports it.
type MapRunProgress struct {
	// MapRunARN identifies the Map Run: arn:<partition>:states:<region>:<account>:mapRun:<stateMachine>/<label>:<id>.
	MapRunARN string
	// Status is the Map Run's status as Step Functions names it: RUNNING, SUCCEEDED, FAILED or ABORTED.
	Status string
	// StartedAt is when the Map Run started; StoppedAt when it ended, zero while it runs.
	StartedAt, StoppedAt time.Time
	// Items counts the Map Run's items by the state of the child workflows processing them.
	Items MapRunItemCounts
}

// MapRunItemCounts counts a Map Run's items by the state of the child workflow executions processing them.
// Total is the number of items the Map Run has; Pending, Running, Succeeded, Failed, TimedOut and Aborted add up
// to it.
type MapRunItemCounts struct {
	// Pending items wait for a child workflow to start; Running ones are in a child workflow that runs.
	Pending, Running int64
	// Succeeded, Failed, TimedOut and Aborted items were in a child workflow that ended so (Aborted: stopped by a
	// user, or by Step Functions because the Map Run failed).
	Succeeded, Failed, TimedOut, Aborted int64
	// Total is the number of items of the Map Run.
	Total int64
	// ResultsWritten is the number of items whose results the Map state's ResultWriter has written.
	ResultsWritten int64
}

// RunProgress returns the progress of a Standard run's Distributed Maps: one MapRunProgress per Map Run the run
// started, in the order ListMapRuns lists them, with each Map Run's status and item counts from DescribeMapRun.
// A run with no Distributed Map (or one that has not reached it yet) has none: the result is empty and the error
// nil. It is opt-in and not part of GetPipelineRunStatus because it costs one ListMapRuns call per 1,000 Map Runs
// and one DescribeMapRun call per Map Run (the documented buckets refill at 1 call per second).
//
// An unknown run is ErrRunNotFound. An Express run is ErrNotSupported: Step Functions does not describe Express
// executions, nor list their Map Runs.
func (p *Provider) RunProgress(ctx context.Context, runID string) (progress []MapRunProgress, err error) {
	const op = "RunProgress"
	ctx, span := p.beginOp(ctx, op, attrRun.String(runID))
	defer span.end(&err, nil)
	if _, err := p.parseStandardRunID(op, runID,
		errors.New("the Map Runs of an Express execution cannot be listed: Step Functions lists those of Standard executions only"),
		"a Distributed Map's progress is available for Standard runs"); err != nil {
		return nil, err
	}
	pages := sfn.NewListMapRunsPaginator(p.client, &sfn.ListMapRunsInput{ExecutionArn: aws.String(runID)},
		func(o *sfn.ListMapRunsPaginatorOptions) { o.Limit = mapRunPageSize })
	for pages.HasMorePages() {
		out, err := callPage(ctx, p, sfnops.ListMapRuns, runID, pages)
		if err != nil {
			return nil, err
		}
		for _, item := range out.MapRuns {
			m, err := p.describeMapRun(ctx, aws.ToString(item.MapRunArn))
			if err != nil {
				return nil, err
			}
			progress = append(progress, m)
		}
	}
	return progress, nil
}

// describeMapRun reads one Map Run's progress with DescribeMapRun.
func (p *Provider) describeMapRun(ctx context.Context, mapRunARN string) (MapRunProgress, error) {
	d, err := callAPI(ctx, p, sfnops.DescribeMapRun, mapRunARN, func(ctx context.Context) (*sfn.DescribeMapRunOutput, error) {
		return p.client.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: aws.String(mapRunARN)})
	})
	if err != nil {
		var e *Error
		if apiErrorCode(err) == "ResourceNotFound" && errors.As(err, &e) {
			// classify reads ResourceNotFound as a missing version or alias; here the Map Run is unknown.
			e.Kind, e.Hint = ErrRunNotFound, "Step Functions no longer knows the run's Map Run; list the run's Map Runs again"
		}
		return MapRunProgress{}, err
	}
	m := MapRunProgress{MapRunARN: mapRunARN, Status: string(d.Status), StartedAt: aws.ToTime(d.StartDate),
		StoppedAt: aws.ToTime(d.StopDate)}
	if c := d.ItemCounts; c != nil {
		m.Items = MapRunItemCounts{Pending: c.Pending, Running: c.Running, Succeeded: c.Succeeded, Failed: c.Failed,
			TimedOut: c.TimedOut, Aborted: c.Aborted, Total: c.Total, ResultsWritten: c.ResultsWritten}
	}
	return m, nil
}
