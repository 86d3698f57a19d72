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

	"github.com/polysync/stepfunctions/internal/sfnarn"
	"github.com/polysync/stepfunctions/internal/sfnops"
)

// historyPageSize is the largest GetExecutionHistory page.
const historyPageSize = 1000

// HistoryEvent is one event of a run's execution history, without the inputs, outputs and parameters the
// events carry (they may hold secrets).
type HistoryEvent struct {
	// ID numbers the event from 1 in the order it happened; PreviousID is the event it follows (0 for none).
	ID, PreviousID int64
	// Type is Step Functions' event type, such as "ExecutionStarted", "TaskStateEntered" or "TaskFailed".
	Type string
	// Timestamp is when the event happened.
	Timestamp time.Time
	// State is the state the event names: set for state entered and exited events, evaluation failures and
	// Map iterations; empty for the others, which belong to the state of the event they follow.
	State string
	// Resource is the task's resource type and resource ("lambda:invoke") of a scheduled task, or the
	// function or activity ARN of a scheduled Lambda function or activity.
	Resource string
	// Error and Cause are the error name and cause of a failed, timed-out or aborted event.
	Error, Cause string
	// RedriveCount is the run's redrive count after an ExecutionRedriven event.
	RedriveCount int
}

// Failed reports whether the event records a failure: it has an error name or cause, or its type ends in
// Failed, TimedOut or Aborted.
func (e HistoryEvent) Failed() bool {
	if e.Error != "" || e.Cause != "" {
		return true
	}
	for _, suffix := range []string{"Failed", "TimedOut", "Aborted"} {
		if strings.HasSuffix(e.Type, suffix) {
			return true
		}
	}
	return false
}

// RunHistory returns the events of a Standard run whose ID is greater than afterID, oldest first, with
// GetExecutionHistory: the whole history for afterID 0, else only the newer events, read newest first until
// afterID is reached (so following a run costs one call per look while it adds fewer than 1000 events).
// Inputs, outputs and parameters are not requested (includeExecutionData false), so reading the history of a
// run encrypted with a customer managed KMS key needs no kms:Decrypt.
//
// Step Functions keeps no history of Express runs (ErrNotSupported), except for the Express children of a
// Distributed Map. An unknown run is ErrRunNotFound.
func (p *Provider) RunHistory(ctx context.Context, runID string, afterID int64) ([]HistoryEvent, error) {
	const op = "RunHistory"
	a, err := p.parseRunID(op, runID)
	if err != nil {
		return nil, err
	}
	if a.Kind == sfnarn.Express && !a.MapRunChild() {
		return nil, &Error{Op: op, Kind: ErrNotSupported, Resource: runID,
			Err:  errors.New("an Express run has no execution history in Step Functions"),
			Hint: "an Express run's events are in its state machine's CloudWatch Logs (logging level ALL)"}
	}
	ctx = withOp(ctx, op)
	in := &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(runID), IncludeExecutionData: aws.Bool(false),
		ReverseOrder: afterID > 0}
	pages := sfn.NewGetExecutionHistoryPaginator(p.client, in, func(o *sfn.GetExecutionHistoryPaginatorOptions) {
		o.Limit = historyPageSize
	})
	var events []HistoryEvent
	for pages.HasMorePages() {
		out, err := callPage(ctx, p, sfnops.GetExecutionHistory, runID, pages)
		if err != nil {
			return nil, err
		}
		for _, e := range out.Events {
			if e.Id <= afterID {
				if afterID > 0 {
					slices.Reverse(events)
					return events, nil
				}
				continue
			}
			events = append(events, historyEvent(e))
		}
	}
	if afterID > 0 {
		slices.Reverse(events)
	}
	return events, nil
}

// historyEvent converts an event, keeping what names and explains it.
func historyEvent(e types.HistoryEvent) HistoryEvent {
	h := HistoryEvent{ID: e.Id, PreviousID: e.PreviousEventId, Type: string(e.Type), Timestamp: aws.ToTime(e.Timestamp)}
	switch {
	case e.StateEnteredEventDetails != nil:
		h.State = aws.ToString(e.StateEnteredEventDetails.Name)
	case e.StateExitedEventDetails != nil:
		h.State = aws.ToString(e.StateExitedEventDetails.Name)
	case e.EvaluationFailedEventDetails != nil:
		d := e.EvaluationFailedEventDetails
		h.State, h.Error, h.Cause = aws.ToString(d.State), aws.ToString(d.Error), aws.ToString(d.Cause)
	case e.TaskScheduledEventDetails != nil:
		h.Resource = aws.ToString(e.TaskScheduledEventDetails.ResourceType) + ":" + aws.ToString(e.TaskScheduledEventDetails.Resource)
	case e.LambdaFunctionScheduledEventDetails != nil:
		h.Resource = aws.ToString(e.LambdaFunctionScheduledEventDetails.Resource)
	case e.ActivityScheduledEventDetails != nil:
		h.Resource = aws.ToString(e.ActivityScheduledEventDetails.Resource)
	case e.ExecutionRedrivenEventDetails != nil:
		h.RedriveCount = int(aws.ToInt32(e.ExecutionRedrivenEventDetails.RedriveCount))
	}
	for _, it := range []*types.MapIterationEventDetails{e.MapIterationStartedEventDetails, e.MapIterationSucceededEventDetails,
		e.MapIterationFailedEventDetails, e.MapIterationAbortedEventDetails} {
		if it != nil {
			h.State = aws.ToString(it.Name)
		}
	}
	if errName, cause, ok := eventFailure(e); ok {
		h.Error, h.Cause = errName, cause
	}
	return h
}

// eventFailure returns the error name and cause of a failure event.
func eventFailure(e types.HistoryEvent) (errName, cause string, ok bool) {
	failure := func(errName, cause *string) (string, string, bool) {
		return aws.ToString(errName), aws.ToString(cause), true
	}
	switch {
	case e.ExecutionFailedEventDetails != nil:
		return failure(e.ExecutionFailedEventDetails.Error, e.ExecutionFailedEventDetails.Cause)
	case e.ExecutionAbortedEventDetails != nil:
		return failure(e.ExecutionAbortedEventDetails.Error, e.ExecutionAbortedEventDetails.Cause)
	case e.ExecutionTimedOutEventDetails != nil:
		return failure(e.ExecutionTimedOutEventDetails.Error, e.ExecutionTimedOutEventDetails.Cause)
	case e.TaskFailedEventDetails != nil:
		return failure(e.TaskFailedEventDetails.Error, e.TaskFailedEventDetails.Cause)
	case e.TaskStartFailedEventDetails != nil:
		return failure(e.TaskStartFailedEventDetails.Error, e.TaskStartFailedEventDetails.Cause)
	case e.TaskSubmitFailedEventDetails != nil:
		return failure(e.TaskSubmitFailedEventDetails.Error, e.TaskSubmitFailedEventDetails.Cause)
	case e.TaskTimedOutEventDetails != nil:
		return failure(e.TaskTimedOutEventDetails.Error, e.TaskTimedOutEventDetails.Cause)
	case e.LambdaFunctionFailedEventDetails != nil:
		return failure(e.LambdaFunctionFailedEventDetails.Error, e.LambdaFunctionFailedEventDetails.Cause)
	case e.LambdaFunctionScheduleFailedEventDetails != nil:
		return failure(e.LambdaFunctionScheduleFailedEventDetails.Error, e.LambdaFunctionScheduleFailedEventDetails.Cause)
	case e.LambdaFunctionStartFailedEventDetails != nil:
		return failure(e.LambdaFunctionStartFailedEventDetails.Error, e.LambdaFunctionStartFailedEventDetails.Cause)
	case e.LambdaFunctionTimedOutEventDetails != nil:
		return failure(e.LambdaFunctionTimedOutEventDetails.Error, e.LambdaFunctionTimedOutEventDetails.Cause)
	case e.ActivityFailedEventDetails != nil:
		return failure(e.ActivityFailedEventDetails.Error, e.ActivityFailedEventDetails.Cause)
	case e.ActivityScheduleFailedEventDetails != nil:
		return failure(e.ActivityScheduleFailedEventDetails.Error, e.ActivityScheduleFailedEventDetails.Cause)
	case e.ActivityTimedOutEventDetails != nil:
		return failure(e.ActivityTimedOutEventDetails.Error, e.ActivityTimedOutEventDetails.Cause)
	case e.MapRunFailedEventDetails != nil:
		return failure(e.MapRunFailedEventDetails.Error, e.MapRunFailedEventDetails.Cause)
	}
	return "", "", false
}
