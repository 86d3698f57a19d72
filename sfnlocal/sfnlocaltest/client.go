package sfnlocaltest

import (
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/polysync/stepfunctions/internal/sdkhttp"
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
	return sdkhttp.ReadOnlyBodies(awshttp.NewBuildableClient())
}
