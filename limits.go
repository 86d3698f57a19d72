package stepfunctions

import (
	"context"
	"sync/atomic"

	"github.com/aws/smithy-go/middleware"

	"github.com/polysync/stepfunctions/internal/ratelimit"
	"github.com/polysync/stepfunctions/internal/sfnops"
)

// ExpressStartRateLimit is the key of Config.RateLimits and DefaultRateLimits for StartExecution calls that start
// Express executions (Config.ExpressMode ExpressAsync): Step Functions gives them a token bucket of their own, 6,000
// calls refilled at 6,000 per second in every region, apart from the StartExecution bucket of Standard state machines,
// which the key "StartExecution" sets. Each has its own adaptive limiter, so a throttle of one never slows the other.
const ExpressStartRateLimit = "StartExecution.Express"

// limiterSet holds the adaptive client-side rate limiter of each Step Functions API, by API name, and that of the
// Express StartExecution bucket by ExpressStartRateLimit.
type limiterSet map[string]*ratelimit.Limiter

// expressStartKey is the context key that marks the StartExecution calls made with a context as starts of Express
// executions.
type expressStartKey struct{}

// withExpressStart marks the StartExecution calls made with ctx as starts of Express executions: their first attempt
// and their retries wait on the limiter of ExpressStartRateLimit, and their throttles cut it, not the Standard one.
func withExpressStart(ctx context.Context) context.Context {
	return context.WithValue(ctx, expressStartKey{}, true)
}

// limitKey returns the key of the limiter that a call of api made with ctx waits on: ExpressStartRateLimit for a
// StartExecution marked by withExpressStart, else api.
func limitKey(ctx context.Context, api string) string {
	if express, _ := ctx.Value(expressStartKey{}).(bool); express && api == sfnops.StartExecution {
		return ExpressStartRateLimit
	}
	return api
}

// newLimiters returns the limiters of cfg: DefaultRateLimits(cfg.Region) with cfg.RateLimits over them.
func newLimiters(cfg Config) limiterSet {
	set := make(limiterSet)
	for name, l := range DefaultRateLimits(cfg.Region) {
		if o, ok := cfg.RateLimits[name]; ok {
			l = o
		}
		set[name] = ratelimit.New(l.PerSecond, l.Burst)
	}
	return set
}

// attemptsKey is the context key of an operation's attempt counter.
type attemptsKey struct{}

// addMiddleware makes every attempt of a Step Functions (or CloudWatch Logs) call feed its limiter (see limitKey): a
// throttled answer cuts the API's rate and an accepted one lets it grow back (see package internal/ratelimit). A
// retry also waits on the limiter, as the first attempt did in Provider.wait, so retries never burst past the quota.
func (set limiterSet) addMiddleware(stack *middleware.Stack) error {
	err := stack.Initialize.Add(middleware.InitializeMiddlewareFunc("PolysyncAttempts",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(context.WithValue(ctx, attemptsKey{}, new(atomic.Int32)), in)
		}), middleware.Before)
	if err != nil {
		return err
	}
	return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("PolysyncAdaptiveRateLimit",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			key := limitKey(ctx, middleware.GetOperationName(ctx))
			lim := set[key]
			if lim == nil { // an operation without a limiter (the logs client's others): nothing to feed
				return next.HandleFinalize(ctx, in)
			}
			if n, ok := ctx.Value(attemptsKey{}).(*atomic.Int32); ok && n.Add(1) > 1 {
				if err := lim.Wait(ctx); err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, limitWaitError(ctx, key, err)
				}
			}
			sent := lim.Sent()
			out, md, err := next.HandleFinalize(ctx, in)
			switch code := apiErrorCode(err); {
			case err == nil:
				lim.Succeeded()
			case isThrottleCode(code):
				lim.ThrottledSent(sent)
			case code != "":
				lim.Succeeded() // the service answered: the call was within the quota
			}
			return out, md, err
		}), "Retry", middleware.After)
}
