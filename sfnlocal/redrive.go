package sfnlocal

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/polysync/stepfunctions/internal/asl"
)

const (
	redriveWindow     = 14 * 24 * time.Hour
	redriveRedrivable = "REDRIVABLE"
	redriveNot        = "NOT_REDRIVABLE"
	// maxRedriveEvents is how many history events make an execution
	// unredrivable.
	maxRedriveEvents = asl.MaxHistoryEvents - 1
)

// redrivable returns the redrive status of ex and, when not redrivable, the
// reason. The caller holds s.mu.
func (s *Server) redrivable(ex *execution, now time.Time) (string, string) {
	switch {
	case ex.status == statusRunning:
		return redriveNot, "Execution is RUNNING and cannot be redriven"
	case ex.status == asl.StatusSucceeded:
		return redriveNot, "Execution is SUCCEEDED and cannot be redriven"
	case s.running[ex] != nil:
		// Stopped (ABORTED at once), its run has yet to unwind: a redrive
		// now would run beside it, and the run's end would be recorded over
		// the redrive's.
		return redriveNot, "Execution is still stopping"
	case now.Sub(ex.stop) > redriveWindow:
		return redriveNot, "Execution can only be redriven within 14 days of its stop date"
	case s.machines[ex.smArn] != ex.machine:
		return redriveNot, "The state machine of the execution was deleted"
	case ex.resume == nil:
		return redriveNot, "Execution has no failed state to resume from"
	}
	// The API reference's condition: the history must hold fewer than
	// 24,999 events, so that ExecutionRedriven and one more event fit under
	// the 25,000-event limit. UNCONFIRMED: AWS's wording of the reason.
	ex.histMu.Lock()
	events := ex.events
	ex.histMu.Unlock()
	if events >= maxRedriveEvents {
		return redriveNot, fmt.Sprintf("Execution has %d history events, and can only be redriven with fewer than %d", events, maxRedriveEvents)
	}
	return redriveRedrivable, ""
}

// How RedriveExecution's clientToken makes it idempotent, as the API
// reference says: a repeat of one of the last redriveTokensKept tokens that
// redrove the execution answers that redrive, for redriveTokenLifetime from
// the token's first use.
const (
	redriveTokensKept    = 10
	redriveTokenLifetime = 15 * time.Minute
)

// redriveToken is the clientToken of a redrive and the redrive's date.
type redriveToken struct {
	token string
	date  time.Time
}

// redrivenWith returns the date of the redrive that token made, when a
// repeat with it at now answers that redrive. The caller holds s.mu.
func (ex *execution) redrivenWith(token string, now time.Time) (time.Time, bool) {
	if token == "" {
		return time.Time{}, false
	}
	for i := len(ex.redriveTokens) - 1; i >= 0; i-- {
		if t := ex.redriveTokens[i]; t.token == token {
			return t.date, now.Sub(t.date) <= redriveTokenLifetime
		}
	}
	return time.Time{}, false
}

type redriveExecutionInput struct {
	ExecutionArn string  `json:"executionArn" sfn:"required"`
	ClientToken  *string `json:"clientToken" sfn:"min=1,max=64"`
}

// validate checks the clientToken against the API model's pattern, [!-~]+:
// printable ASCII without the space.
func (in *redriveExecutionInput) validate() error {
	if in.ClientToken == nil {
		return nil
	}
	for _, c := range []byte(*in.ClientToken) {
		if c < '!' || c > '~' {
			return validationf("1 validation error detected: Value '%s' at 'clientToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [!-~]+", *in.ClientToken)
		}
	}
	return nil
}

type redriveExecutionOutput struct {
	RedriveDate *epoch `json:"redriveDate,omitempty"`
}

// redriveExecution restarts a failed, aborted or timed-out Standard execution
// from the state it failed in. It runs under s.mu (see locked).
func (s *Server) redriveExecution(_ context.Context, in *redriveExecutionInput) (*redriveExecutionOutput, error) {
	now := s.cfg.clock.Now()
	ex, err := s.lookupExecution(in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	if date, ok := ex.redrivenWith(orEmpty(in.ClientToken), now); ok {
		return &redriveExecutionOutput{RedriveDate: ep(date)}, nil
	}
	if status, reason := s.redrivable(ex, now); status != redriveRedrivable {
		return nil, errf("ExecutionNotRedrivable", "Execution with the execution ARN '%s' cannot be redriven: %s", ex.arn, reason)
	}
	if s.closed {
		return nil, errClosed()
	}
	if in.ClientToken != nil {
		ex.redriveTokens = append(ex.redriveTokens, redriveToken{token: *in.ClientToken, date: now})
		if n := len(ex.redriveTokens); n > redriveTokensKept {
			ex.redriveTokens = slices.Delete(ex.redriveTokens, 0, n-redriveTokensKept)
		}
	}
	for i := len(s.finished) - 1; i >= 0; i-- {
		if s.finished[i] == ex {
			s.finished = append(s.finished[:i], s.finished[i+1:]...)
			break
		}
	}
	ex.redriveCount++
	ex.redriveDate = now
	ex.status, ex.stop, ex.output, ex.errName, ex.cause, ex.stopReq = statusRunning, time.Time{}, nil, "", "", nil
	if ex.log != nil {
		ex.histMu.Lock()
		ex.log.redriveCount = ex.redriveCount
		ex.histMu.Unlock()
	}
	ex.emitExec("ExecutionRedriven", "executionRedrivenEventDetails", now, map[string]any{"redriveCount": ex.redriveCount})
	s.launch(ex, ex.resume)
	return &redriveExecutionOutput{RedriveDate: ep(now)}, nil
}
