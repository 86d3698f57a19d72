package sdkhttp

import (
	"context"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// DisableHostPrefix is an API option (for the APIOptions of an SDK client's Options) that keeps every operation
// on the configured endpoint's host. Without it the SDK sends StartSyncExecution to "sync-<host>", which does not
// resolve for a custom endpoint such as http://127.0.0.1:8083.
func DisableHostPrefix(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("PolysyncDisableHostPrefix",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
			middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
		}), middleware.Before)
}
