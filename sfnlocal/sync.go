package sfnlocal

import (
	"context"

	"github.com/polysync/stepfunctions/internal/asl"
)

// billingDetails is the wire form of BillingDetails.
type billingDetails struct {
	BilledMemoryUsedInMB         int64 `json:"billedMemoryUsedInMB"`
	BilledDurationInMilliseconds int64 `json:"billedDurationInMilliseconds"`
}

type startSyncExecutionOutput struct {
	executionHead
	BillingDetails billingDetails `json:"billingDetails"`
	executionData
	Error       string  `json:"error,omitempty"`
	Cause       string  `json:"cause,omitempty"`
	TraceHeader *string `json:"traceHeader,omitempty"`
}

// startSyncExecution runs an Express execution in the caller's request and
// answers how it ended. The run is cut short when the client goes away or
// the server closes.
func (s *Server) startSyncExecution(ctx context.Context, in *startInput) (*startSyncExecutionOutput, error) {
	if err := in.IncludedData.check(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	t, err := s.target(in.StateMachineArn)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	m := t.machine
	if m.typ != typeExpress {
		s.mu.Unlock()
		return nil, errf("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine")
	}
	if s.closed {
		s.mu.Unlock()
		return nil, errClosed()
	}
	now := s.cfg.clock.Now()
	ex := t.newExecution(in.executionName(), in.doc, now)
	ex.arn, ex.express = s.expressARN(m.name, ex.name), true
	ex.log = s.newExecLog(m, t.rev.logging, now)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.running[ex] = cancel
	s.wg.Add(1)
	opts := s.runOptions(ex, nil)
	s.mu.Unlock()

	ex.emitStarted()
	res := s.runSafely(runCtx, ex, in.doc, opts)
	stop := s.cfg.clock.Now()
	ex.emitEnd(res, stop)
	s.mu.Lock()
	delete(s.running, ex)
	s.mu.Unlock()
	s.wg.Done()

	status := res.Status
	if status == asl.StatusAborted { // not a SyncExecutionStatus: the run was cut short by Close or the client
		status = asl.StatusFailed
	}
	billed := stop.Sub(now).Milliseconds()
	billed = max(100, (billed+99)/100*100)
	return &startSyncExecutionOutput{
		executionHead: executionHead{ExecutionArn: ex.arn, StateMachineArn: m.arn, Name: ex.name,
			Status: status, StartDate: ep(now), StopDate: ep(stop)},
		BillingDetails: billingDetails{BilledMemoryUsedInMB: 64, BilledDurationInMilliseconds: billed},
		executionData:  newExecutionData(in.doc, res.Output, res.Status == asl.StatusSucceeded, in.IncludedData),
		Error:          asl.Clip(res.Error, maxErrorBytes),
		Cause:          asl.Clip(res.Cause, maxCauseBytes),
		TraceHeader:    in.TraceHeader,
	}, nil
}
