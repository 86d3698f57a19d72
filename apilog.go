package stepfunctions

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// APICallMessage is the message of the Debug record logged to Config.Logger for every call a Provider made with
// New sends to Step Functions, to CloudWatch Logs (Express results) and to STS (credentials), after the call's last
// attempt. Its attributes are "op" (the API name), "resource" (what the call is about: the ARN, "*" for
// ListStateMachines, the log group for FilterLogEvents, the role for STS), "status" (the last HTTP status, 0 when
// no answer came), "error" (the service's error code, or "no answer"), "duration" (all attempts together) and
// "attempts". Inputs, parameters, tokens and credentials are never logged.
const APICallMessage = "api call"

// logCalls returns the middleware that logs every call to logger (see APICallMessage); none for a nil logger. New
// adds it to the configuration every client is made from, so that the STS clients of package auth log too.
func logCalls(logger *slog.Logger) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		if logger == nil {
			return nil
		}
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("PolysyncLogCalls",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				if !logger.Enabled(ctx, slog.LevelDebug) {
					return next.HandleInitialize(ctx, in)
				}
				start := time.Now()
				out, md, err := next.HandleInitialize(ctx, in)
				attrs := []slog.Attr{
					slog.String("op", middleware.GetOperationName(ctx)),
					slog.String("resource", callResource(in.Parameters)),
					slog.Int("status", callStatus(md, err)),
				}
				switch code := apiErrorCode(err); {
				case code != "":
					attrs = append(attrs, slog.String("error", code))
				case err != nil:
					attrs = append(attrs, slog.String("error", "no answer"))
				}
				attempts := 1
				if r, ok := retry.GetAttemptResults(md); ok && len(r.Results) > 0 {
					attempts = len(r.Results)
				}
				attrs = append(attrs, slog.Duration("duration", time.Since(start)), slog.Int("attempts", attempts))
				logger.LogAttrs(ctx, slog.LevelDebug, APICallMessage, attrs...)
				return out, md, err
			}), middleware.After)
	}
}

// callStatus returns the HTTP status of a call's last answer, or 0.
func callStatus(md middleware.Metadata, err error) int {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	if resp, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response); ok && resp != nil {
		return resp.StatusCode
	}
	return 0
}

// callResource returns the ARN a call's input names: never a value the caller passed as data.
func callResource(params any) string {
	switch in := params.(type) {
	case *sfn.ListStateMachinesInput:
		return "*"
	case *sfn.DescribeStateMachineInput:
		return aws.ToString(in.StateMachineArn)
	case *sfn.StartExecutionInput:
		return aws.ToString(in.StateMachineArn)
	case *sfn.StartSyncExecutionInput:
		return aws.ToString(in.StateMachineArn)
	case *sfn.DescribeExecutionInput:
		return aws.ToString(in.ExecutionArn)
	case *sfn.StopExecutionInput:
		return aws.ToString(in.ExecutionArn)
	case *sfn.RedriveExecutionInput:
		return aws.ToString(in.ExecutionArn)
	case *sfn.GetExecutionHistoryInput:
		return aws.ToString(in.ExecutionArn)
	case *sfn.ListExecutionsInput:
		if in.MapRunArn != nil {
			return aws.ToString(in.MapRunArn)
		}
		return aws.ToString(in.StateMachineArn)
	case *sfn.ListStateMachineVersionsInput:
		return aws.ToString(in.StateMachineArn)
	case *sfn.ListStateMachineAliasesInput:
		return aws.ToString(in.StateMachineArn)
	case *cloudwatchlogs.FilterLogEventsInput:
		return aws.ToString(in.LogGroupIdentifier) + aws.ToString(in.LogGroupName)
	case *sts.AssumeRoleWithWebIdentityInput:
		return aws.ToString(in.RoleArn)
	case *sts.AssumeRoleInput:
		return aws.ToString(in.RoleArn)
	}
	return ""
}
