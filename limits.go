package stepfunctions

import (
	"context"
	"sync/atomic"

	"github.com/aws/smithy-go/middleware"

	"github.com/polysync/stepfunctions/internal/ratelimit"
)

// limiterSet holds the adaptive client-side rate limiter of each Step Functions API, by API name.
type limiterSet map[string]*ratelimit.Limiter

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

// addMiddleware makes every attempt of a Step Functions (or CloudWatch Logs) call feed its limiter: a throttled answer cuts the
// API's rate and an accepted one lets it grow back (see package internal/ratelimit). A retry also waits on
// the limiter, as the first attempt did in Provider.wait, so retries never burst past the quota.
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
			lim := set[middleware.GetOperationName(ctx)]
			if lim == nil { // an operation without a limiter (the logs client's others): nothing to feed
				return next.HandleFinalize(ctx, in)
			}
			if n, ok := ctx.Value(attemptsKey{}).(*atomic.Int32); ok && n.Add(1) > 1 {
				if err := lim.Wait(ctx); err != nil {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, limitWaitError(ctx, middleware.GetOperationName(ctx), err)
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
