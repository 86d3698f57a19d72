package sdkhttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// WithTimeout returns a Client that gives each request through next at most d, from sending it to the end of
// reading or closing its answer's body; a nil next means the SDK's default client. Applied to the client of
// credential requests (STS, SSO, the container endpoint, IMDS) it is what ends a stalled request: the SDK's
// credential cache refreshes under a context that is never cancelled, and the SDK's default client has no time
// limit. The SDK's retryer retries a request that ran out of time like any failed connection.
//
// Wrapping a Client that WithTimeout returned replaces its bound rather than adding a second one.
func WithTimeout(next Client, d time.Duration) Client {
	switch c := next.(type) {
	case nil:
		next = awshttp.NewBuildableClient()
	case *timeoutClient:
		next = c.next
	}
	return &timeoutClient{next: next, timeout: d}
}

// RequestTimeout returns the bound WithTimeout gave c, and false when c did not come from WithTimeout.
func RequestTimeout(c Client) (time.Duration, bool) {
	if t, ok := c.(*timeoutClient); ok {
		return t.timeout, true
	}
	return 0, false
}

// timeoutClient is the Client WithTimeout returns.
type timeoutClient struct {
	next    Client
	timeout time.Duration
}

// Do sends r through the wrapped client under the time bound, which stays in force until the answer's body is
// closed.
func (c *timeoutClient) Do(r *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(r.Context(), c.timeout)
	resp, err := c.next.Do(r.WithContext(ctx))
	if err != nil {
		cancel()
		if errors.Is(err, context.DeadlineExceeded) && r.Context().Err() == nil {
			err = fmt.Errorf("no answer within %v: %w", c.timeout, err)
		}
		return resp, err
	}
	if resp.Body == nil {
		cancel()
		return resp, nil
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose releases a request's time bound when its answer's body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

// Close closes the body and releases the time bound.
func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
