package stepfunctions

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions/internal/sfnops"
)

// opKey is the context key of the Provider method on whose behalf calls to AWS are made.
type opKey struct{}

// withOp names the Provider method that the calls made with ctx serve; their errors carry it as Error.Op.
func withOp(ctx context.Context, op string) context.Context {
	return context.WithValue(ctx, opKey{}, op)
}

// opOf returns the Provider method named by withOp, or "" when none was.
func opOf(ctx context.Context) string {
	op, _ := ctx.Value(opKey{}).(string)
	return op
}

// callAPI is the one path from the Provider to Step Functions: it waits on api's client-side rate limiter,
// calls fn, and classifies fn's error once, as an *Error naming the Provider method (from ctx), the API and
// the resource. Retries happen inside fn, in the SDK, whose attempts feed the same limiter (see limits.go).
func callAPI[Out any](ctx context.Context, p *Provider, api, resource string, fn func(context.Context) (Out, error)) (Out, error) {
	var zero Out
	if err := p.wait(ctx, api, resource); err != nil {
		return zero, err
	}
	out, err := fn(ctx)
	if err != nil {
		return zero, p.classify(ctx, api, resource, err)
	}
	return out, nil
}

// paginator is the shape of the SDK's paginators (sfn.NewListExecutionsPaginator, ...).
type paginator[Out any] interface {
	HasMorePages() bool
	NextPage(ctx context.Context, optFns ...func(*sfn.Options)) (Out, error)
}

// callPage reads the next page of pages through callAPI: the paginated calls' one path.
func callPage[Out any](ctx context.Context, p *Provider, api, resource string, pages paginator[Out]) (Out, error) {
	return callAPI(ctx, p, api, resource, func(ctx context.Context) (Out, error) { return pages.NextPage(ctx) })
}

// describeStateMachine calls DescribeStateMachine on arn, a state machine or version ARN, with data: metadata only
// needs no kms:Decrypt on an encrypted definition.
func (p *Provider) describeStateMachine(ctx context.Context, arn string, data types.IncludedData) (*sfn.DescribeStateMachineOutput, error) {
	return callAPI(ctx, p, sfnops.DescribeStateMachine, arn, func(ctx context.Context) (*sfn.DescribeStateMachineOutput, error) {
		return p.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn), IncludedData: data})
	})
}

// describeExecution calls DescribeExecution on runID with data ("" for the service's default, all data).
func (p *Provider) describeExecution(ctx context.Context, runID string, data types.IncludedData) (*sfn.DescribeExecutionOutput, error) {
	return callAPI(ctx, p, sfnops.DescribeExecution, runID, func(ctx context.Context) (*sfn.DescribeExecutionOutput, error) {
		return p.client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(runID), IncludedData: data})
	})
}

// wait blocks until the rate limiter of api (for an Express start, see withExpressStart) allows a call, or ctx ends.
func (p *Provider) wait(ctx context.Context, api, resource string) error {
	key := limitKey(ctx, api)
	if err := p.limiters[key].Wait(ctx); err != nil {
		return &Error{Op: opOf(ctx), API: api, Resource: resource, Err: limitWaitError(ctx, key, err)}
	}
	return nil
}

// limitWaitError is the error of a failed wait on the rate limiter of api (a key of limiterSet) with ctx: ctx's own
// error, or one wrapping context.DeadlineExceeded when the limiter refused a wait that would outlast ctx's deadline.
func limitWaitError(ctx context.Context, api string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if _, ok := ctx.Deadline(); ok {
		// The limiter fails early when the wait would outlast the deadline.
		return fmt.Errorf("client-side rate limit of %s would exceed the context deadline: %w", api, context.DeadlineExceeded)
	}
	return err
}

// classify is the package-level classify with the Provider method from ctx and the Provider's region.
func (p *Provider) classify(ctx context.Context, api, resource string, err error) error {
	err = classify(api, resource, p.region, err)
	if e, ok := err.(*Error); ok && e.Op == "" {
		e.Op = opOf(ctx)
	}
	return err
}
