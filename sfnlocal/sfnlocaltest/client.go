package sfnlocaltest

import (
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/polysync/stepfunctions/internal/sdkhttp"
)

// HTTPClient returns the SDK's default HTTP client, changed to read
// responses from a local endpoint reliably; pass it as
// sfn.Options.HTTPClient. NewClient uses it. It sends request bodies that
// offer only Read and Close, so that net/http never sees the SDK's closed
// body fail (which tears down the connection under a fast, large answer:
// "use of closed network connection"); the provider's client does the same.
func HTTPClient() sfn.HTTPClient {
	return sdkhttp.ReadOnlyBodies(awshttp.NewBuildableClient())
}
