package stepfunctions_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/sfnlocal"
)

// startLimitEnv is an sfnlocal server with a Standard and a logged Express state machine, whose StartExecution
// calls numbered throttled are answered ThrottlingException, and a Provider starting Express runs with
// ExpressAsync under limits (every limit not given is off).
func startLimitEnv(t *testing.T, limits map[string]stepfunctions.RateLimit, maxAttempts int, throttled ...int) (
	e *localEnv, p *stepfunctions.Provider, standard, express stepfunctions.Job) {
	t.Helper()
	var opts []sfnlocal.Option
	for _, n := range throttled {
		opts = append(opts, sfnlocal.WithFault(sfnlocal.Fault{Operation: "StartExecution", Call: n,
			Code: "ThrottlingException", Message: "Rate exceeded"}))
	}
	e = newLocalEnv(t, opts...)
	e.registerTasks(`{"total":42}`, nil)
	standard = stepfunctions.Job{ID: e.create(machineSpec{name: "standard"}), Type: stepfunctions.TypeStandard}
	express = stepfunctions.Job{ID: e.create(machineSpec{name: "express", typ: types.StateMachineTypeExpress,
		logging: types.LogLevelAll}), Type: stepfunctions.TypeExpress}
	all := noRateLimits()
	for k, l := range limits {
		all[k] = l
	}
	p = e.provider(stepfunctions.Config{LogsEndpoint: e.url, ExpressMode: stepfunctions.ExpressAsync, RateLimits: all,
		MaxAttempts: maxAttempts})
	return e, p, standard, express
}

// held is a limit whose one token, once taken, comes back after 100 s: a start waiting on it with a minute left
// fails at once, naming the limit, without a call.
var held = stepfunctions.RateLimit{PerSecond: 0.01, Burst: 1}

// TestLocalExpressStartsHaveTheirOwnRateLimit checks on the wire that StartExecution calls of Express runs
// (ExpressAsync) wait on and feed the limiter of Step Functions' Express bucket (6,000 refilled at 6,000 per
// second), and Standard starts that of the Standard bucket: a throttle of one, or a limit spent, does not hold the
// other. Before, both waited on the "StartExecution" limiter, and a throttle of either cut it for both.
func TestLocalExpressStartsHaveTheirOwnRateLimit(t *testing.T) {
	express := stepfunctions.DefaultRateLimits(localRegion)[stepfunctions.ExpressStartRateLimit]
	// A minute is far more than any start here takes, and far less than a held limit's next token.
	minute := func(t *testing.T) context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		t.Cleanup(cancel)
		return ctx
	}
	heldBy := func(err error, key string) bool {
		return errors.Is(err, context.DeadlineExceeded) && strings.Contains(fmt.Sprint(err), "client-side rate limit of "+key+" ")
	}

	t.Run("a throttled Standard start does not hold Express starts", func(t *testing.T) {
		e, p, standard, expressJob := startLimitEnv(t, map[string]stepfunctions.RateLimit{
			"StartExecution": held, stepfunctions.ExpressStartRateLimit: express}, 1, 1)
		ctx := minute(t)
		if _, err := p.ExecutePipeline(ctx, standard, nil); !errors.Is(err, stepfunctions.ErrThrottled) {
			t.Fatalf("Standard ExecutePipeline() answered ThrottlingException: error = %v, want ErrThrottled", err)
		}
		if _, err := p.ExecutePipeline(ctx, standard, nil); !heldBy(err, "StartExecution") {
			t.Fatalf("second Standard ExecutePipeline() error = %v, want the Standard limit's wait past the deadline", err)
		}
		for i := range 3 {
			if run, err := p.ExecutePipeline(ctx, expressJob, nil); err != nil || !strings.Contains(run.RunID, ":express:") {
				t.Fatalf("Express ExecutePipeline() #%d after the Standard throttle = %+v, %v; want a started Express run", i+1, run, err)
			}
		}
		if n := e.calls("StartExecution"); n != 4 {
			t.Errorf("server received %d StartExecution calls, want 4 (the throttled Standard one, three Express ones)", n)
		}
		if throttles, rate := stepfunctions.RateLimiterStats(p, stepfunctions.ExpressStartRateLimit); throttles != 0 || rate != express.PerSecond {
			t.Errorf("Express start limiter: %d throttles, %v/s; want 0 throttles and its quota's %v/s", throttles, rate, express.PerSecond)
		}
		if throttles, _ := stepfunctions.RateLimiterStats(p, "StartExecution"); throttles != 1 {
			t.Errorf("Standard start limiter: %d throttles, want 1", throttles)
		}
	})

	t.Run("throttled Express starts do not cut the Standard limit and retry on their own", func(t *testing.T) {
		// The Standard start is call 1 and spends the Standard limit; the Express start's first two attempts are
		// throttled, and its retries wait on the Express limiter: on the Standard one they would fail at once.
		e, p, standard, expressJob := startLimitEnv(t, map[string]stepfunctions.RateLimit{
			"StartExecution": held, stepfunctions.ExpressStartRateLimit: express}, 8, 2, 3)
		ctx := minute(t)
		if _, err := p.ExecutePipeline(ctx, standard, nil); err != nil {
			t.Fatalf("Standard ExecutePipeline() error = %v", err)
		}
		if run, err := p.ExecutePipeline(ctx, expressJob, nil); err != nil || !strings.Contains(run.RunID, ":express:") {
			t.Fatalf("Express ExecutePipeline() throttled twice = %+v, %v; want a started Express run after two retries", run, err)
		}
		if n := e.calls("StartExecution"); n != 4 {
			t.Errorf("server received %d StartExecution calls, want 4 (one Standard, three attempts of the Express one)", n)
		}
		if throttles, rate := stepfunctions.RateLimiterStats(p, "StartExecution"); throttles != 0 || rate != held.PerSecond {
			t.Errorf("Standard start limiter: %d throttles, %v/s; want 0 throttles and %v/s", throttles, rate, held.PerSecond)
		}
		// The rate the throttles cut is not compared: at 6,000 per second it grows back to the quota within a
		// sixth of a second of successful calls.
		if throttles, _ := stepfunctions.RateLimiterStats(p, stepfunctions.ExpressStartRateLimit); throttles != 2 {
			t.Errorf("Express start limiter: %d throttles, want 2", throttles)
		}
	})

	t.Run("Config.RateLimits sets the Express limit", func(t *testing.T) {
		e, p, standard, expressJob := startLimitEnv(t, map[string]stepfunctions.RateLimit{
			stepfunctions.ExpressStartRateLimit: held}, 8)
		ctx := minute(t)
		if _, err := p.ExecutePipeline(ctx, expressJob, nil); err != nil {
			t.Fatalf("first Express ExecutePipeline() error = %v", err)
		}
		_, err := p.ExecutePipeline(ctx, expressJob, nil)
		if !heldBy(err, stepfunctions.ExpressStartRateLimit) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("second Express ExecutePipeline() error = %v, want the wait on the client-side rate limit of %s "+
				"past the deadline", err, stepfunctions.ExpressStartRateLimit)
		}
		if _, err := p.ExecutePipeline(ctx, standard, nil); err != nil {
			t.Errorf("Standard ExecutePipeline() with the Express limit spent: error = %v, want none", err)
		}
		if n := e.calls("StartExecution"); n != 2 {
			t.Errorf("server received %d StartExecution calls, want 2 (the held Express start sends none)", n)
		}
	})
}
