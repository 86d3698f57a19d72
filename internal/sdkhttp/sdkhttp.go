// Package sdkhttp holds what the AWS SDK clients of this module share at the HTTP level: a wrapper that makes their
// calls robust against a race between smithy-go and net/http (ReadOnlyBodies), a per-request time bound for
// credential requests (WithTimeout), the custom CA bundle applied to clients the SDK's config loader cannot change
// (WithCABundle), and the API option that keeps StartSyncExecution on a custom endpoint's host (DisableHostPrefix).
//
// smithy-go (the SDK's transport) closes a request's body as soon as the response headers arrive. net/http may at
// that moment still be checking that the body holds no bytes beyond its Content-Length, which it does with
// io.Copy. The SDK's body implements io.WriterTo, and once closed its WriteTo answers io.EOF, which io.Copy passes
// on as an error: net/http takes it for a failed write and closes the connection under the response being read,
// and the call fails with "use of closed network connection" (aws/aws-sdk-go-v2#1825, #2737). The SDK retries
// that error, so a call costs two requests against the account's quota; with retries off it fails. A fast
// endpoint, such as sfnlocal on loopback, answering large responses hits the window a few times in a hundred
// calls. A body that offers only Read ends the copy cleanly: io.Copy treats io.EOF from Read as the end.
package sdkhttp

import (
	"io"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// Client is the HTTP client of the AWS SDK (aws.HTTPClient, sfn.HTTPClient and the like).
type Client interface {
	Do(*http.Request) (*http.Response, error)
}

// ReadOnlyBodies returns a Client that sends each request through next with its body reduced to Read and Close;
// a nil next means the SDK's default client (as an aws.Config without an HTTPClient does). The caller's request is
// not modified.
func ReadOnlyBodies(next Client) Client {
	switch c := next.(type) {
	case nil:
		next = awshttp.NewBuildableClient()
	case *readOnlyBodies:
		return c
	}
	return &readOnlyBodies{next: next}
}

// readOnlyBodies is the Client ReadOnlyBodies returns.
type readOnlyBodies struct {
	next Client
}

// Do sends r through the wrapped client with its body reduced to Read and Close.
func (c *readOnlyBodies) Do(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return c.next.Do(r)
	}
	r = r.WithContext(r.Context()) // a shallow copy: the caller's request stays as it was
	r.Body = readCloser{r.Body}
	return c.next.Do(r)
}

// readCloser hides every method of a request body but Read and Close.
type readCloser struct {
	io.ReadCloser
}

// Unwrap returns the client under this package's wrappers: c itself when c is not one of them.
func Unwrap(c Client) Client {
	for {
		switch w := c.(type) {
		case *readOnlyBodies:
			c = w.next
		case *timeoutClient:
			c = w.next
		default:
			return c
		}
	}
}
