package types

// A part, which may hold parts.
type Part struct {

	// This member is required.
	PartId *string

	Level Level

	Children []Part

	Labels map[string][]string

	noSmithyDocumentSerde
}

// Not referred to by any output: left out.
type Unused struct {
	X *string
}

// A union.
//
// The following types satisfy this interface:
//
//	ValueMemberN
//	ValueMemberL
type Value interface {
	isValue()
}

type ValueMemberN struct {
	Value string

	noSmithyDocumentSerde
}

type ValueMemberL struct {
	Value []Value

	noSmithyDocumentSerde
}
