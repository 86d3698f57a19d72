// Package asl parses, validates and runs Amazon States Language definitions
// (JSONPath and JSONata query languages) for the embedded Step Functions
// endpoint, and reads definitions for the provider.
//
// The server in package sfnlocal owns everything that is per API call (ARNs,
// stores, history ids, execution-level events); this package owns everything
// that happens inside one execution.
//
// # Layout
//
// Each concern has one file, holding both its decoding (checker.decodeX,
// from Parse) and its running (stateRun.runX, from Run):
//
//   - api.go, doc.go: the exported types and this documentation.
//   - parse.go: Parse, the (sub) state machine and the fields every state
//     has; state.go: the compiled state, one field group per state type.
//   - run.go: Run and the state machine loop; history.go: history events;
//     context.go: the context object; errors.go: error names and causes.
//   - retry.go (Retry and Catch), task.go, fanout.go (Parallel, Map and the
//     worker pool they share), choice.go, wait.go, fail.go.
//   - query.go: the query-language interface (below); jsonpath.go and
//     jsonpath_choice.go: JSONPath behind it, with paths.go, template.go,
//     intrinsics.go, intrinsic_funcs.go and intrinsic_bounds.go (what each
//     intrinsic function may return, measured before it is built);
//     jsonata.go: JSONata behind it, with jsonata_eval.go (the evaluator,
//     behind exprCompiler), jsonata_values.go (its value conversions),
//     jsonata_fast.go (common shapes evaluated without the library) and
//     jsonata_funcs.go (AWS's added functions).
//   - value.go: JSON values (parsing, writing, sizes, comparisons);
//     budget.go: the execution's memory budget.
//
// # Data
//
// Parse compiles everything once: paths, payload templates, intrinsic
// function calls and Choice rules. A StateMachine is immutable; any number of
// Runs may share it. JSON values flow between states as parsed Go values and
// are copied, never modified in place, when ResultPath writes into them.
//
// Objects keep their keys in the order AWS keeps them (object.go): an
// input's or a task result's in document order, a template's (Parameters,
// ResultSelector, ItemSelector, Result, Arguments, Output, Assign) in
// definition order, and a key that ResultPath adds comes last while one it
// replaces keeps its place. The definition is read by the checker as Go
// maps, with each map's key order beside it (deforder.go). Objects that a
// JSONata expression builds itself come out with their keys sorted, as do
// the context object ($$) and the event details: the JSONata evaluator
// builds Go maps, which keep no order (an object it passes through from its
// input keeps the input's order).
//
// Paths follow Jayway JsonPath, which AWS uses: a definite path (keys and
// indexes only, including negative indexes) yields its value and is a
// States.Runtime error when it matches nothing; an indefinite path
// (wildcards, slices, unions, filters, ..) always yields an array of the
// matches. Indefinite paths are evaluated by github.com/ohler55/ojg. A
// quoted key in brackets is the literal text between its quotes, backslashes
// included ($['a\\b'] names the key a\\b), as on AWS; a backslash only keeps
// the quote after it from closing the key.
//
// # Query languages
//
// A state's fields are written in a query language (ASL's QueryLanguage).
// Parse compiles every field that the languages write differently through
// the state's queryLanguage (query.go) into a small interface, and the state
// code calls only those; it never looks at a path, a template or an
// expression. The languages are registered in the languages map by their
// QueryLanguage value. What a state needs from its language, and how each
// language provides it:
//
//   - dataFlow.input, the input-side transform: the effective input (against
//     which the state's other fields are evaluated) and the arguments (a
//     Task's payload, every Parallel branch's input, a Pass state's result).
//     JSONPath: InputPath, then Parameters (a Pass state's Result wins).
//     JSONata: the input itself ($states.input), and Arguments.
//   - dataFlow.output, the result-side transform, from the raw input and the
//     result. JSONPath: ResultSelector, ResultPath, OutputPath. JSONata:
//     Output over $states.input and $states.result (default: the result).
//     Choice, Wait and Succeed states pass their effective input as result.
//   - errorFlow.output, a catcher's output. JSONPath: ResultPath. JSONata:
//     Output over $states.errorOutput (default: the error output).
//   - condition.eval, a Choice rule. JSONPath: Variable with a comparison,
//     or And, Or, Not. JSONata: Condition. Next is read by the Choice state.
//   - taskTimeouts: TimeoutSeconds and HeartbeatSeconds (JSONPath: or their
//     ...Path forms; JSONata: a number or an expression).
//   - waitTime.duration: Seconds or Timestamp (JSONPath: or ...Path).
//   - failReason.errorAndCause: Error and Cause (JSONPath: or ...Path,
//     which may also be an intrinsic function call).
//   - mapItems: the items (JSONPath: ItemsPath; JSONata: Items) and the
//     ItemSelector applied to each; concurrency: MaxConcurrency (JSONPath:
//     or MaxConcurrencyPath).
//
// Each compiled value reports whether it reads the context object (states
// that do not run without building it), and is handed the state entry's
// context source (contextSource) at run time: $$ in JSONPath,
// $states.context in JSONata. Errors are *stateError values with AWS's
// names and causes; the state adds where it happened (stateRun.fail).
//
// The tracing language in query_test.go is the smallest implementation: it
// wraps JSONPath's compiled values in its own types, and its test
// (TestQueryLanguageSeam) fails if a state reads a field around the
// interface.
//
// JSONata (jsonata.go) is registered in languages beside JSONPath. A
// state's own QueryLanguage is read in checker.state, which compiles that
// state with the state's language (JSONPath states are refused under a
// JSONata machine); nested states start again from the machine's. The
// fields each language accepts come from stateFields and catcherFields, so
// JSONPath-only fields in a JSONata state (and the reverse) are refused as
// unknown.
//
// A JSONata Choice rule may also have an Output, which replaces the
// state's when the rule matches (condition.output).
//
// Variables (variables.go): a state, a catcher and a Choice rule may have
// an Assign, compiled by compileAssign into an assignment evaluated with
// the same inputs as the output (statesVars); what it assigns is applied
// when the state ends well, after its other fields were evaluated. The
// values live with the thread (varScope), where a Map iteration or
// Parallel branch gets a scope that reads the outer variables and assigns
// only its own; contextSource.variable reads them, so that JSONPath's
// $name paths and JSONata's $name read them through the cx every query
// already receives. StateMachine.VariableReferences lists what each state
// reads.
//
// # Errors
//
// Data-flow errors carry AWS's cause text, for example "An error occurred
// while executing the state 'X' (entered at the event id #2). The JSONPath
// '$.a' specified for the field 'b.$' could not be found in the input '{}'".
// States.ALL matches every error except States.Runtime; States.TaskFailed
// matches every error name a task raises (outside States.). A failed Parallel
// branch or Map iteration fails its state with the branch's own error name
// and cancels the other branches or iterations.
//
// # JSONata
//
// Every {% %} string is compiled once, by Parse, through exprCompiler
// (jsonata_eval.go), the only code that knows the library
// (github.com/xiatechs/jsonata-go v1.8.8); $states (input, result,
// errorOutput, context) is bound per evaluation. Paths, literals,
// comparisons and and/or of those are evaluated without the library
// (jsonata_fast.go), which costs microseconds per evaluation. A failed
// evaluation is States.QueryEvaluationError with AWS's causes ("... returned
// nothing (undefined).", "... returned an unexpected result type. Expected
// 'array', but was 'number' for value: 1").
//
// The library's hazards, and how they are contained:
//
//   - A self-recursive function overflows the Go stack, which kills the
//     process: every user-defined function's body is wrapped at compile
//     time in a call that counts the calls in progress, and evaluation
//     fails past 500 (maxLambdaDepth). Brackets may nest 200 deep
//     (maxExprNesting), bounding the parser's recursion.
//   - $formatNumber(0, '0e0') loops forever: $formatNumber is replaced by
//     one that refuses zero (and infinity) with an exponent picture.
//   - An expression that defines functions or builds ranges is evaluated
//     in its own goroutine with a deadline (5 s, jsonataTimeout); past it
//     the state fails with States.QueryEvaluationError. A goroutine cannot
//     be stopped: the evaluation runs on to its end, so a loop the bounds
//     above miss costs a core until then. While two such evaluations run
//     on past their deadline (maxRunaway), further evaluations of such
//     expressions fail at once rather than add more.
//   - The library mutates its tree when evaluating "x ~> $f(y)"; the tree
//     is rewritten once at compile time, so evaluations may run
//     concurrently. Its non-standard functions ($eval, $objmerge, ...) are
//     replaced by ones that fail, as AWS does not have them.
//   - Its functions keep the context of their last call in the shared
//     function value and read it unlocked (x.$string() could read another
//     evaluation's x): every evaluation calls private copies of the
//     functions its expression names (privateCopy).
//   - It represents JSON null as a typed nil pointer and drops a plain nil
//     as undefined: values are converted on the way in and out, so null
//     and empty arrays round-trip.
//   - It binds $now and $millis to the wall clock: they are bound again
//     to the execution's Clock (bindTime), as $states.context's times
//     are, so that waits computed from them agree with the clock.
//   - It lacks JSONata 2.0's $assert, $formatInteger and $parseInteger,
//     added here (jsonata_integer.go), and requires the function of
//     $single, optional here as in JSONata.
//   - $pad builds its padding whole ($pad('x', 1e9, 'xxxxxxxxxx') took
//     ten gigabytes, inline, with no deadline): it is replaced by one that
//     pads to at most 1 MiB characters (maxPadWidth).
//   - Expression evaluation is not otherwise bounded in memory (a
//     function mapped over a long range can build much before its
//     deadline: the memory budget below counts values only once a state
//     produces them); the reflection into the library's unexported Expr
//     fields is checked at first use and fails compilation if the layout
//     changes.
//
// # Differences from AWS
//
//   - Distributed Map (ProcessorConfig Mode DISTRIBUTED) makes no S3 call
//     of its own: an ItemReader's getObject or listObjectsV2 call and a
//     ResultWriter's putObject calls go to Options.Task (or Options.Invoke)
//     as Task work would, named by the Map state and the integration's
//     Resource, with the ItemReader's or ResultWriter's Parameters
//     (Arguments) as input; getObject must answer {"Body": text}. JSON,
//     JSONL and CSV objects are read (CSV as RFC 4180 says, without AWS's
//     backslash escapes); InputType MANIFEST and PARQUET, ReaderConfig's
//     ManifestType, WriterConfig's OutputType JSONL without a Resource,
//     ItemsPath or Items beside an ItemReader, and ItemBatcher's byte and
//     path limits are rejected by Parse with a problem that says so. The
//     result files' entries leave out AWS's redrive fields and are written
//     only when the Map Run succeeded (see itemreader.go and resultwriter.go
//     for what is UNCONFIRMED). The child workflows run inside the execution, at most
//     40 at once, without histories of their own (Options.MapRuns is told
//     how each ended), and they read the parent's variables; without a
//     ResultWriter a failed child's slot in the output holds its Error and
//     Cause. See distributed.go.
//   - A state inside a Map iteration or Parallel branch that assigns a
//     variable of the outer scope assigns its own copy, which the outer
//     scope never sees (AWS does not let a branch assign an outer
//     variable); the variable size limits are the documented ones, with
//     States.Runtime (an assumption) as the error.
//   - A JSONPath with more than one descent ("..") that would select more
//     than four payloads' worth of values (counted before it runs, see
//     jsonpath_bounds.go) fails with States.Runtime instead of running for
//     as long as its input's depth to the power of its descents demands.
//   - An inline Map runs at most 40 iterations at once (AWS's documented
//     inline limit); MaxConcurrency 0 means 40.
//   - A redrive (Options.ResumeFrom) of a failed Parallel or Map state runs
//     again only the branches, iterations or child workflows that failed,
//     were aborted or never started, and keeps the outputs of the others,
//     as AWS does; a Distributed Map redrives the same Map Run
//     (MapRuns.Redrive, a MapRunRedriven event). A branch, an iteration and
//     a STANDARD child resume from the state they failed in, an EXPRESS
//     child from its start (UNCONFIRMED for branches and iterations: AWS
//     may start them again from their start); the iterations that are not
//     run again record no iteration events (UNCONFIRMED). See redrive.go.
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
//
// # TestState's mock validation
//
// TestState checks a Task's mocked result against the response shape of the
// integration (teststate_shapes.go), in the mock's fieldValidationMode:
// STRICT (the default) refuses a field of the wrong type and a missing
// required one, PRESENT only the former, NONE nothing; a field the shape does
// not have is accepted, as on AWS. The shapes are the AWS API models' output
// shapes, as the AWS SDK for Go v2 has them: responseshapes.json.gz
// (responseshapes.go), written by internal/genshapes from the SDK's service
// modules at the versions its go.mod requires (each service's entry records
// its module and version; go generate ./internal/asl regenerates it). They
// cover:
//
//   - every operation of the AWS SDK integrations
//     (arn:aws:states:::aws-sdk:<service>:<apiAction>) of athena, batch,
//     bedrockruntime, cloudwatch, cloudwatchlogs, dynamodb, ec2, ecr, ecs,
//     eks, eventbridge, firehose, glue, iam, kinesis, kms, lambda, rds, s3,
//     secretsmanager, ses, sesv2, sfn, sns, sqs, ssm and sts;
//   - the optimized request-response integrations whose result is the API's
//     response (optimizedIntegrations): lambda:invoke, sqs:sendMessage,
//     sns:publish, dynamodb getItem, putItem, updateItem and deleteItem,
//     glue:startJobRun, athena start, stop and getQueryExecution and
//     getQueryResults, events:putEvents, states:startExecution, ecs:runTask,
//     batch:submitJob, codebuild's build and report calls and
//     bedrock:invokeModel.
//
// Exceptions written by hand: Lambda's Payload and Bedrock's Body may be any
// JSON value (Step Functions parses them; the model says blob), and the HTTP
// Task's result has its own shape. Other integrations, .sync and
// .waitForTaskToken patterns, Lambda function and activity ARNs are not
// validated. Field names are the SDK's (the model's member names with the
// first letter in upper case), which is how Step Functions names a result's
// fields. A timestamp may be a string or a number and a blob or streaming
// body a string (UNCONFIRMED: which form AWS gives); an enum is a string; a
// union is an object; a recursive shape is checked to maxShapeDepth levels.
//
// # Bounds
//
// No definition and input may make one execution exhaust the process:
//
//   - The 256 KiB payload quota (MaxPayloadSize) is checked where AWS
//     documents it (a state's input when it is entered or a task is
//     scheduled, after Parameters; its result and output), always on the
//     measured size (jsonSize) before anything is serialised.
//   - Every intrinsic function measures its result from its arguments before
//     building it and fails with States.DataLimitExceeded when it would be
//     over the quota; the calls of one field may return 1 MiB together
//     (intrinsic_bounds.go). AWS documents no limit inside an evaluation.
//   - Each execution has a memory budget (Options.MemoryBudget, default
//     DefaultMemoryBudget): its history strings, each thread's current
//     output, fan-out results until joined, running branches and workflow
//     variables. Past it
//     the execution ends FAILED with States.DataLimitExceeded, which Catch
//     cannot catch. AWS has no such budget.
//   - An execution runs at most MaxExecutionTime (AWS's one year for a
//     Standard execution), then ends TIMED_OUT with States.Timeout; waits,
//     retry intervals and task timeouts that would pass it end there.
package asl
