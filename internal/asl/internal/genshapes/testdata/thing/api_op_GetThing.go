// A fixture in the form of an AWS SDK for Go v2 service package, for genshapes' tests.

package thing

import (
	"io"
	"time"

	"example.com/thing/document"
	"example.com/thing/types"
	"github.com/aws/smithy-go/middleware"
)

type GetThingInput struct {
	Name *string
}

type GetThingOutput struct {

	// The thing's name.
	//
	// This member is required.
	Name *string

	Size *int64

	Ratio float64

	Enabled *bool

	Created *time.Time

	Status types.Status

	Body io.ReadCloser

	Digest []byte

	Settings document.Interface

	Tags map[string]string

	Parts []types.Part

	Value types.Value

	// Metadata pertaining to the operation's result.
	ResultMetadata middleware.Metadata

	eventStream *int

	noSmithyDocumentSerde
}
