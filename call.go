package stepfunctions

import (
	"context"
	"fmt"
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

// wait blocks until the rate limiter of api allows a call, or ctx ends.
func (p *Provider) wait(ctx context.Context, api, resource string) error {
	if err := p.limiters[api].Wait(ctx); err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		} else if _, ok := ctx.Deadline(); ok {
			// The limiter fails early when the wait would outlast the deadline.
			err = fmt.Errorf("client-side rate limit of %s would exceed the context deadline: %w", api, context.DeadlineExceeded)
		}
		return &Error{Op: opOf(ctx), API: api, Resource: resource, Err: err}
	}
	return nil
}

// classify is the package-level classify with the Provider method from ctx and the Provider's region.
func (p *Provider) classify(ctx context.Context, api, resource string, err error) error {
	err = classify(api, resource, p.region, err)
	if e, ok := err.(*Error); ok && e.Op == "" {
		e.Op = opOf(ctx)
	}
	return err
}
