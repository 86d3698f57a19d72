package sfnlocal

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/polysync/stepfunctions/internal/asl"
)

// expressProblem returns what in definition, a definition the compiler has
// taken, an Express state machine cannot run, as a problem in the form of
// asl.DefinitionError's ("CODE: message at /location"), or "" when there is
// nothing. The developer guide says Express workflows support only Request
// Response integrations, not Run a Job (.sync) or Wait for Callback
// (.waitForTaskToken), nor activities: the first Task state, at any depth,
// whose Resource is one of these is the problem. The words follow what
// LocalStack answers ("Express state machine does not support '.sync'
// service integration", "... does not support Activity ARN"); UNCONFIRMED:
// AWS's own wording and whether it names the location.
func expressProblem(definition string) string {
	var root map[string]any
	if json.Unmarshal([]byte(definition), &root) != nil {
		return "" // not a definition the compiler would have taken
	}
	return expressMachineProblem(root, "")
}

// expressMachineProblem is expressProblem for the (sub) state machine m at
// the JSON pointer where: its states in name order, each Parallel branch
// and Map ItemProcessor (or Iterator) within.
func expressMachineProblem(m map[string]any, where string) string {
	states, _ := m["States"].(map[string]any)
	for _, name := range slices.Sorted(maps.Keys(states)) {
		st, _ := states[name].(map[string]any)
		at := where + "/States/" + name
		var problem string
		switch st["Type"] {
		case "Task":
			resource, _ := st["Resource"].(string)
			if reason := expressResourceProblem(resource); reason != "" {
				return "SCHEMA_VALIDATION_FAILED: " + reason + " at " + at + "/Resource"
			}
		case "Parallel":
			branches, _ := st["Branches"].([]any)
			for i, b := range branches {
				if branch, ok := b.(map[string]any); ok && problem == "" {
					problem = expressMachineProblem(branch, fmt.Sprintf("%s/Branches/%d", at, i))
				}
			}
		case "Map":
			for _, key := range []string{"ItemProcessor", "Iterator"} {
				if processor, ok := st[key].(map[string]any); ok && problem == "" {
					problem = expressMachineProblem(processor, at+"/"+key)
				}
			}
		}
		if problem != "" {
			return problem
		}
	}
	return ""
}

// expressResourceProblem says why an Express state machine cannot run a
// Task with the resource: an activity, or an integration pattern other than
// Request Response; "" when it can.
func expressResourceProblem(resource string) string {
	if integration, ok := asl.Integration(resource); ok {
		if _, pattern, found := strings.Cut(integration, "."); found {
			return "Express state machine does not support '." + pattern + "' service integration"
		}
		return ""
	}
	if isActivityARN(resource) {
		return "Express state machine does not support Activity ARN"
	}
	return ""
}
