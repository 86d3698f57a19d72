package sfnlocal

import (
	"context"

	"github.com/polysync/stepfunctions/internal/sfnarn"
)

// Map Runs. This endpoint refuses a Distributed Map when a state machine is
// created (see the package doc), so there is never a Map Run to describe,
// update or list: DescribeMapRun and UpdateMapRun
// answer ResourceNotFound for a well-formed Map Run ARN, and ListMapRuns an
// empty page for an execution that exists, with AWS's errors for the rest.

// lookupMapRun checks a Map Run ARN and finds its Map Run, of which there
// are none.
func lookupMapRun(arn string) error {
	a, err := sfnarn.ParseLocal(arn)
	if err != nil || a.Kind != sfnarn.MapRun {
		return invalidArn(arn)
	}
	return errf("ResourceNotFound", "Resource not found: '%s': this endpoint runs no Distributed Map, so it has no Map Run", arn)
}

type describeMapRunInput struct {
	MapRunArn string `json:"mapRunArn" sfn:"required"`
}

// describeMapRun answers DescribeMapRun.
func (s *Server) describeMapRun(_ context.Context, in *describeMapRunInput) (*empty, error) {
	return nil, lookupMapRun(in.MapRunArn)
}

type updateMapRunInput struct {
	MapRunArn                  string   `json:"mapRunArn" sfn:"required"`
	MaxConcurrency             *int32   `json:"maxConcurrency"`
	ToleratedFailureCount      *int64   `json:"toleratedFailureCount"`
	ToleratedFailurePercentage *float64 `json:"toleratedFailurePercentage"`
}

// validate checks the members' ranges, as the API model gives them.
func (in *updateMapRunInput) validate() error {
	const prefix = "1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: "
	switch {
	case in.MaxConcurrency != nil && *in.MaxConcurrency < 0:
		return validationf(prefix+"Member must have value greater than or equal to 0", *in.MaxConcurrency, "maxConcurrency")
	case in.ToleratedFailureCount != nil && *in.ToleratedFailureCount < 0:
		return validationf(prefix+"Member must have value greater than or equal to 0", *in.ToleratedFailureCount, "toleratedFailureCount")
	case in.ToleratedFailurePercentage != nil && *in.ToleratedFailurePercentage < 0:
		return validationf(prefix+"Member must have value greater than or equal to 0", *in.ToleratedFailurePercentage, "toleratedFailurePercentage")
	case in.ToleratedFailurePercentage != nil && *in.ToleratedFailurePercentage > 100:
		return validationf(prefix+"Member must have value less than or equal to 100", *in.ToleratedFailurePercentage, "toleratedFailurePercentage")
	}
	return nil
}

// updateMapRun answers UpdateMapRun.
func (s *Server) updateMapRun(_ context.Context, in *updateMapRunInput) (*empty, error) {
	return nil, lookupMapRun(in.MapRunArn)
}

type listMapRunsInput struct {
	ExecutionArn string `json:"executionArn" sfn:"required"`
	pageInput
}

// mapRunListItem is an item of ListMapRuns.
type mapRunListItem struct {
	ExecutionArn    string `json:"executionArn"`
	MapRunArn       string `json:"mapRunArn"`
	StateMachineArn string `json:"stateMachineArn"`
	StartDate       *epoch `json:"startDate,omitempty"`
	StopDate        *epoch `json:"stopDate,omitempty"`
}

// listMapRuns answers ListMapRuns: an empty page for an execution that
// exists. It runs under s.mu (see locked).
func (s *Server) listMapRuns(_ context.Context, in *listMapRunsInput) (*listOutput[mapRunListItem], error) {
	if _, err := s.lookupExecution(in.ExecutionArn); err != nil {
		return nil, err
	}
	var none []mapRunListItem
	return listPage(s, "mapRuns", "mapRuns "+in.ExecutionArn, none, func(mapRunListItem) string { return "" }, false, in.pageInput,
		func(m mapRunListItem) mapRunListItem { return m })
}
