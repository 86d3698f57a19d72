package sfnlocal

import (
	"strings"

	"github.com/polysync/stepfunctions/internal/asl"
)

// expressProblem returns what in prog, a definition the compiler has taken,
// an Express state machine cannot run, as a problem in the form of
// asl.DefinitionError's ("CODE: message at /location"), or "" when there is
// nothing. The developer guide says Express workflows support only Request
// Response integrations, not Run a Job (.sync) or Wait for Callback
// (.waitForTaskToken), nor activities: the first Task state, at any depth
// (see asl.StateMachine.Tasks for the order), whose Resource is one of
// these is the problem. The words follow what LocalStack answers ("Express
// state machine does not support '.sync' service integration", "... does
// not support Activity ARN"); UNCONFIRMED: AWS's own wording and whether it
// names the location.
func expressProblem(prog program) string {
	for _, task := range prog.Tasks() {
		if reason := expressResourceProblem(task.Resource); reason != "" {
			return "SCHEMA_VALIDATION_FAILED: " + reason + " at " + task.Location
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
