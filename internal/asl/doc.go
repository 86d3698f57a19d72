// Package asl parses, validates and runs Amazon States Language definitions
// (JSONPath query language) for the embedded Step Functions endpoint.
//
// The server in package sfnlocal owns everything that is per API call (ARNs,
// stores, history ids, execution-level events); this package owns everything
// that happens inside one execution.
//
// # Data
//
// Parse compiles everything once: paths, payload templates, intrinsic
// function calls and Choice rules. A StateMachine is immutable; any number of
// Runs may share it. JSON values flow between states as parsed Go values and
// are copied, never modified in place, when ResultPath writes into them.
// Output objects are written with their keys sorted.
//
// Paths follow Jayway JsonPath, which AWS uses: a definite path (keys and
// indexes only, including negative indexes) yields its value and is a
// States.Runtime error when it matches nothing; an indefinite path
// (wildcards, slices, unions, filters, ..) always yields an array of the
// matches. Indefinite paths are evaluated by github.com/ohler55/ojg.
//
// # Errors
//
// Data-flow errors carry AWS's cause text, for example "An error occurred
// while executing the state 'X' (entered at the event id #2). The JSONPath
// '$.a' specified for the field 'b.$' could not be found in the input '{}'".
// States.ALL matches every error except States.Runtime. A failed Parallel
// branch or Map iteration fails its state with the branch's own error name
// and cancels the other branches or iterations.
//
// # Differences from AWS
//
//   - Only the JSONPath query language; QueryLanguage "JSONata", variables
//     (Assign) and Distributed Map (ItemReader, ItemBatcher, ResultWriter,
//     ToleratedFailure*, Mode DISTRIBUTED) are rejected by Parse with a
//     problem that says so.
//   - An inline Map runs at most 40 iterations at once (AWS's documented
//     inline limit); MaxConcurrency 0 means 40.
//   - A redrive (Options.ResumeFrom) re-runs a failed Parallel or Map state
//     whole; AWS re-runs only the branches or iterations that failed.
//   - Task functions run in-process, so there are no heartbeats: HeartbeatSeconds
//     is accepted and reported in TaskScheduled but never fires.
//   - History events use the Task event family (TaskScheduled, TaskStarted,
//     TaskSucceeded, ...) for every Resource, where AWS uses the
//     LambdaFunction* family for a plain Lambda ARN. The resourceType and
//     resource members follow AWS for optimised integrations
//     (arn:aws:states:::lambda:invoke -> "lambda", "invoke"); a Lambda ARN
//     gives "lambda" and the function name, an activity ARN "activity" and
//     its name, and a Resource that is not an ARN gives "task" and the
//     Resource as written.
//   - The 25,000-event history limit (MaxHistoryEvents) applies when Emit
//     is set; the error name States.Runtime is an assumption, AWS documents
//     only the cause text.
package asl
