package sfnlocal

import (
	"context"
	"encoding/json"

	"github.com/polysync/stepfunctions/internal/asl"
)

// program is a parsed, validated state machine definition: the narrow view
// of the interpreter that the rest of the server needs. *asl.StateMachine
// implements it; tests of the server alone substitute their own.
type program interface {
	TimeoutSeconds() int
	Run(ctx context.Context, input json.RawMessage, opts asl.Options) asl.Result
}

var _ program = (*asl.StateMachine)(nil)

// compiler parses and validates a definition.
type compiler func(definition string) (program, error)

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
