package sfnlocaltest

import (
	"io"
	"net/http"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
)

// HTTPClient returns the SDK's default HTTP client, changed to read
// responses from a local endpoint reliably; pass it as
// sfn.Options.HTTPClient. NewClient uses it.
//
// The SDK closes a request's body as soon as the response headers arrive.
// net/http may at that moment still be copying the rest of that body to
// check its length; smithy-go's closed body then answers io.EOF from
// WriteTo, which net/http takes for a failed write: it closes the
// connection under the response being read, and the call fails with "use
// of closed network connection". A local endpoint answers fast enough to
// hit that window now and then on large responses. A body that offers only
// Read ends the copy cleanly.
func HTTPClient() sfn.HTTPClient {
	return readOnlyBodies{next: awshttp.NewBuildableClient()}
}

// readOnlyBodies sends requests through next with their bodies reduced to
// Read and Close.
type readOnlyBodies struct {
	next sfn.HTTPClient
}

func (c readOnlyBodies) Do(r *http.Request) (*http.Response, error) {
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
