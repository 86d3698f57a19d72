package sfnlocal

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/polysync/stepfunctions/internal/asl"
)

// maxDiagnostics is ValidateStateMachineDefinition's default and largest
// maxResults.
const maxDiagnostics = 100

type validateDefinitionInput struct {
	Definition string `json:"definition" sfn:"required"`
	Type       string `json:"type"`
	Severity   string `json:"severity"`
	MaxResults int    `json:"maxResults"`
}

func (in *validateDefinitionInput) validate() error {
	switch {
	case len(in.Definition) > maxDefinitionBytes:
		return tooLong("definition", maxDefinitionBytes)
	case in.Type != "" && in.Type != "STANDARD" && in.Type != "EXPRESS":
		return validationf("1 validation error detected: Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]", in.Type)
	case in.Severity != "" && in.Severity != "ERROR" && in.Severity != "WARNING":
		return validationf("1 validation error detected: Value '%s' at 'severity' failed to satisfy constraint: Member must satisfy enum value set: [ERROR, WARNING]", in.Severity)
	case in.MaxResults < 0 || in.MaxResults > maxDiagnostics:
		return validationf("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and %d", in.MaxResults, maxDiagnostics)
	}
	return nil
}

type diagnostic struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Location string `json:"location,omitempty"`
}

type validateDefinitionOutput struct {
	Result      string       `json:"result"`
	Diagnostics []diagnostic `json:"diagnostics"`
	Truncated   bool         `json:"truncated"`
}

// problemForm is a problem of asl.DefinitionError: "CODE: message at
// /location".
var problemForm = regexp.MustCompile(`^([A-Z][A-Z_]*): (.*?)(?: at (/\S*))?$`)

// validateDefinition answers ValidateStateMachineDefinition with the
// problems the interpreter's parser finds (and, for type EXPRESS, a Task an
// Express state machine cannot run: see expressProblem), as ERROR
// diagnostics with AWS's codes (SCHEMA_VALIDATION_FAILED,
// MISSING_TRANSITION_TARGET, INVALID_JSON_DESCRIPTION, ...). The parser
// knows no warnings, so severity WARNING adds none; result is FAIL when
// there is an error, OK otherwise.
func (s *Server) validateDefinition(_ context.Context, in *validateDefinitionInput) (*validateDefinitionOutput, error) {
	out := &validateDefinitionOutput{Result: "OK", Diagnostics: []diagnostic{}}
	prog, err := s.cfg.compile(in.Definition)
	var problems []string
	var de *asl.DefinitionError
	switch {
	case errors.As(err, &de):
		problems = de.Problems
	case err != nil:
		problems = []string{err.Error()}
	case in.Type == typeExpress:
		if problem := expressProblem(prog); problem != "" {
			problems = []string{problem}
		}
	}
	if len(problems) == 0 {
		return out, nil
	}
	limit := in.MaxResults
	if limit == 0 {
		limit = maxDiagnostics
	}
	out.Result = "FAIL"
	for _, p := range problems {
		if len(out.Diagnostics) == limit {
			out.Truncated = true
			break
		}
		d := diagnostic{Severity: "ERROR", Code: "SCHEMA_VALIDATION_FAILED", Message: strings.TrimSpace(p)}
		if m := problemForm.FindStringSubmatch(p); m != nil {
			d.Code, d.Message, d.Location = m[1], m[2], m[3]
		}
		out.Diagnostics = append(out.Diagnostics, d)
	}
	return out, nil
}
