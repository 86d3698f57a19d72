package thing

type DeleteThingOutput struct {
	ResultMetadata middleware.Metadata

	noSmithyDocumentSerde
}
