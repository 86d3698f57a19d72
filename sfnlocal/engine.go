package sfnlocal

import (
	"context"
	"encoding/json"
	"time"

	"github.com/polysync/stepfunctions/internal/asl"
)

// expressTimeout is how long an Express execution may run.
const expressTimeout = 5 * time.Minute

// program is a parsed, validated state machine definition: the narrow view
// of the interpreter that the rest of the server needs. *asl.StateMachine
// implements it; tests of the server alone substitute their own.
type program interface {
	TimeoutSeconds() int
	Run(ctx context.Context, input json.RawMessage, opts asl.Options) asl.Result
	// Tasks returns the definition's Task states, at any depth.
	Tasks() []asl.TaskRef
}

var _ program = (*asl.StateMachine)(nil)

// compiler parses and validates a definition.
type compiler func(definition string) (program, error)

// defaultCompiler parses and validates an ASL definition with the interpreter
// in internal/asl. A bad definition returns *asl.DefinitionError, whose text
// is the reason reported in InvalidDefinition.
func defaultCompiler(definition string) (program, error) {
	sm, err := asl.Parse(definition)
	if err != nil {
		return nil, err
	}
	return sm, nil
}

// runOptions returns the interpreter options of an execution.
func (s *Server) runOptions(ex *execution, resume *asl.Checkpoint) asl.Options {
	smID := ex.smArn
	if ex.versionArn != "" {
		smID = ex.versionArn
	}
	opts := asl.Options{
		Clock:     s.cfg.clock,
		Invoke:    s.invoke,
		Task:      s.taskRunner(ex),
		TaskToken: s.callbacks.newToken,
		Context: asl.ExecutionContext{ID: ex.arn, Name: ex.name, RoleARN: ex.roleArn, StartTime: ex.start,
			RedriveCount: ex.redriveCount, StateMachineID: smID, StateMachineName: ex.machine.name},
		ResumeFrom: resume,
	}
	if !ex.express {
		// Express executions are kept nowhere, so neither are their Map
		// Runs; a Standard execution's go when it is evicted.
		opts.MapRuns = runMapRuns{s: s, ex: ex}
	}
	if ex.express {
		// An Express execution keeps no history, so it has no history limit;
		// its events go only to its log group, when it has one.
		opts.Timeout, opts.NoHistoryLimit = expressTimeout, true
	}
	if ex.recorded() {
		opts.Emit = ex.emit
		if resume != nil {
			// A redrive's first state event follows ExecutionRedriven; a
			// first run's follows no event (previousEventId 0), as on AWS.
			ex.histMu.Lock()
			opts.PreviousEventID = ex.events
			ex.histMu.Unlock()
		}
	}
	return opts
}

// launch runs ex in a goroutine. The caller holds s.mu and has checked that
// the server is not closed.
func (s *Server) launch(ex *execution, resume *asl.Checkpoint) {
	ctx, cancel := context.WithCancel(context.Background())
	s.running[ex] = cancel
	ex.done = make(chan struct{})
	opts := s.runOptions(ex, resume)
	input := ex.input
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(ex.done)
		defer cancel()
		res := s.runSafely(ctx, ex, input, opts)
		s.finish(ex, res)
	}()
}

// runSafely runs the program, turning a panic inside it into a failed
// execution.
func (s *Server) runSafely(ctx context.Context, ex *execution, input json.RawMessage, opts asl.Options) (res asl.Result) {
	defer func() {
		if v := recover(); v != nil {
			s.logger().Error("sfnlocal: interpreter panic", "execution", ex.arn, "panic", v)
			res = asl.Result{Status: asl.StatusFailed, Error: "States.Runtime", Cause: "internal error in the interpreter"}
		}
	}()
	return ex.prog.Run(ctx, input, opts)
}

// finish records how an execution ended.
func (s *Server) finish(ex *execution, res asl.Result) {
	now := s.cfg.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.running, ex)
	ex.resume = res.Resume
	if ex.stopReq == nil {
		ex.status, ex.stop = res.Status, now
		ex.errName, ex.cause = res.Error, res.Cause
		switch res.Status {
		case asl.StatusSucceeded:
			ex.output = res.Output
		case asl.StatusFailed, asl.StatusTimedOut:
		default:
			ex.status = asl.StatusAborted
		}
	}
	ex.emitEnd(res, now)
	if ex.express || ex.evicted {
		return
	}
	s.finished = append(s.finished, ex)
	for s.cfg.maxFinished > 0 && len(s.finished) > s.cfg.maxFinished {
		s.evict(s.finished[0])
		s.finished[0] = nil
		s.finished = s.finished[1:]
	}
}

// evict forgets a finished execution. The caller holds s.mu.
func (s *Server) evict(ex *execution) {
	if s.execs[ex.arn] == ex {
		delete(s.execs, ex.arn)
	}
	ex.evicted = true
	for _, mr := range ex.mapRuns {
		delete(s.mapRuns, mr.arn)
	}
	ex.mapRuns = nil
	ex.histMu.Lock()
	ex.hist = nil
	ex.histMu.Unlock()
	m := ex.machine
	m.evicted++
	if m.evicted > len(m.execs)/2 {
		kept := m.execs[:0]
		for _, e := range m.execs {
			if !e.evicted {
				kept = append(kept, e)
			}
		}
		clear(m.execs[len(kept):])
		m.execs, m.evicted = kept, 0
	}
}
