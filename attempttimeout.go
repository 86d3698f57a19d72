package stepfunctions

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/smithy-go/middleware"

	"github.com/polysync/stepfunctions/internal/sfnops"
)

// boundAttempts returns the middleware that gives each attempt of a Step Functions or CloudWatch Logs call at most
// d (Config.AttemptTimeout), from sending its request to reading its answer, for every API but StartSyncExecution,
// whose answer comes when the Express execution ends. It sits first in the Deserialize step, so the bound covers
// the request and the decoding of its answer, and neither the wait on the rate limiter nor signing. An attempt that
// runs out of time fails with an attemptTimeoutError, which the SDK's retryer retries (unless the call retries
// throttles only, as an Express start does).
func boundAttempts(d time.Duration) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("PolysyncAttemptTimeout",
			func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				api := middleware.GetOperationName(ctx)
				if api == sfnops.StartSyncExecution {
					return next.HandleDeserialize(ctx, in)
				}
				attemptCtx, cancel := context.WithTimeoutCause(ctx, d, errAttemptTimedOut)
				defer cancel()
				out, md, err := next.HandleDeserialize(attemptCtx, in)
				if err != nil && ctx.Err() == nil && errors.Is(context.Cause(attemptCtx), errAttemptTimedOut) {
					// The SDK reports the attempt's end as a cancellation (smithy.CanceledError), which its retryer
					// never retries: the caller's ctx is still live, so this is a timeout to retry.
					err = &attemptTimeoutError{api: api, timeout: d}
				}
				return out, md, err
			}), middleware.Before)
	}
}

// errAttemptTimedOut is the cause of an attempt's context that ran out of Config.AttemptTimeout.
var errAttemptTimedOut = errors.New("attempt timed out")

// attemptTimeoutError is the error of an attempt that got no whole answer within Config.AttemptTimeout. The SDK's
// retryer retries it (RetryableError), and IsRetryable holds for a call that failed with it (Timeout). It does not
// match context.DeadlineExceeded: no caller's deadline passed.
type attemptTimeoutError struct {
	api     string
	timeout time.Duration
}

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("no answer to %s within %v (Config.AttemptTimeout)", e.api, e.timeout)
}

// RetryableError tells the SDK's retryer to retry the attempt.
func (e *attemptTimeoutError) RetryableError() bool { return true }

// Timeout reports that the attempt ran out of time.
func (e *attemptTimeoutError) Timeout() bool { return true }
