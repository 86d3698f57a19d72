//go:build aslready

package sfnlocal

import (
	"github.com/polysync/stepfunctions/sfnlocal/internal/asl"
)

// defaultCompiler parses and validates an ASL definition with the interpreter
// in internal/asl. A bad definition returns *asl.DefinitionError, whose text
// is the reason reported in InvalidDefinition.
func defaultCompiler(definition string) (program, error) {
	sm, err := asl.Parse(definition)
	if err != nil {
		return nil, err
	}
	return sm, nil
}
