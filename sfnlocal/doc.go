// Package sfnlocal is an embedded AWS Step Functions endpoint: an in-memory
// server that speaks the service's AWS JSON 1.0 wire protocol and runs
// Amazon States Language definitions (JSONPath query language), so the real
// aws-sdk-go-v2 client and the AWS CLI can use it through a custom endpoint,
// without an AWS account.
//
//	srv := sfnlocal.New()
//	defer srv.Close()
//	endpoint, err := srv.Listen("") // http://127.0.0.1:<free port>
//	client := sfn.New(sfn.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint), ...})
//
// # Operations
//
// CreateStateMachine, DescribeStateMachine, UpdateStateMachine,
// DeleteStateMachine, ListStateMachines, PublishStateMachineVersion,
// ListStateMachineVersions, DeleteStateMachineVersion,
// CreateStateMachineAlias, DescribeStateMachineAlias,
// UpdateStateMachineAlias, DeleteStateMachineAlias,
// ListStateMachineAliases, StartExecution,
// StartSyncExecution, DescribeExecution, StopExecution, ListExecutions,
// GetExecutionHistory, RedriveExecution, TagResource, UntagResource,
// ListTagsForResource (of state machines and activities), SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat,
// CreateActivity, DescribeActivity, DeleteActivity, ListActivities,
// GetActivityTask, ValidateStateMachineDefinition (the parser's problems
// as ERROR diagnostics; no warnings), TestState,
// DescribeStateMachineForExecution (the definition, role, logging, tracing
// and revision the execution ran, which a later update does not change; the
// version ARN when it ran a version), and DescribeMapRun, UpdateMapRun and
// ListMapRuns (the Map Runs of Distributed Map states, see below). Every
// operation of the API model is served. All have the
// service's semantics and error codes: Standard
// StartExecution is idempotent on name and input while the execution runs,
// Express executions get unique ARNs and are not visible to
// DescribeExecution, StopExecution or GetExecutionHistory (InvalidArn),
// StartSyncExecution runs Express machines only, version and alias ARNs are
// accepted where AWS accepts them, and list operations paginate with
// maxResults and opaque, signed nextTokens that expire after 24 hours.
//
// # Execution logs
//
// A state machine's loggingConfiguration is validated as AWS validates it
// (InvalidLoggingConfiguration for ALL, ERROR or FATAL without a
// destination, for two destinations, for a log group ARN without the ":*"
// qualifier, and for a log group that does not exist), stored, and answered
// by DescribeStateMachine. Its executions, Standard and Express, started
// with StartExecution or StartSyncExecution, write their history events to
// the log group as Step Functions does: one JSON record per event, the
// events the level selects (ALL every event, ERROR the failures, FATAL only
// the execution's failure), with input and output only when
// includeExecutionData is set, in streams named
// "states/<machine>/<yyyy-mm-dd-HH-MM>/<id>" that the executions of a machine
// started in the same minute share. An execution uses the configuration its
// state machine had when it started.
//
// The log groups live in a CloudWatch Logs service that the same endpoint
// serves (awsJson1_1, X-Amz-Target "Logs_20140328.<Operation>"):
// CreateLogGroup, DescribeLogGroups, CreateLogStream, DescribeLogStreams,
// PutLogEvents, GetLogEvents and FilterLogEvents, so the cloudwatchlogs client
// or "aws logs --endpoint-url" reads them back. Create the group before the
// state machine that logs to it, over the wire or with Server.CreateLogGroup
// (Server.LogGroupARN gives the ARN to configure); creating the machine
// creates the stream AWS creates to check delivery. Those calls are counted
// and meet deny rules (action "logs:<Operation>"), latency and faults like
// the Step Functions ones. WithLogDeliveryDelay delays when events become
// visible, as CloudWatch Logs delivers them after a delay. Delivery is best
// effort, as on AWS: an event the service cannot take (its group is full)
// is dropped, and the execution runs on.
//
// # Connections
//
// Listen holds at most WithMaxConnections connections (default 1,024; more
// wait to be accepted), gives a client 10 seconds to send a request's header,
// 30 to send the whole request and 30 to read the response once it is ready,
// and closes keep-alive connections idle for 30 seconds. A call still runs as
// long as its operation does: a StartSyncExecution up to the 5-minute Express
// limit.
//
// # Wire protocol
//
// Requests are POST / with Content-Type application/x-amz-json-1.0 and
// X-Amz-Target AWSStepFunctions.<Operation>. They must carry a SigV4
// Authorization header; the access key id is read from it but the signature
// is not verified. Errors are answered as HTTP 400 (5xx for faults) with
// {"__type": ..., "message": ...} and an X-Amzn-ErrorType header, so the SDK
// returns its typed errors (*types.ExecutionDoesNotExist and so on). As on
// AWS, StartExecution and StartSyncExecution take the X-Ray trace header from
// the X-Amzn-Trace-Id HTTP header when one is sent, in preference to the
// traceHeader member.
//
// The SDK sends StartSyncExecution to the host "sync-<endpoint host>". Against
// a local endpoint, disable the host prefix with a middleware that calls
// smithyhttp.DisableEndpointHostPrefix (see the package example).
//
// A local endpoint answers so fast that the SDK (smithy-go) now and then
// closes a request's body while net/http is still checking it, which tears
// the connection down under a large response ("use of closed network
// connection"); sfnlocaltest.HTTPClient returns an HTTP client that avoids
// it.
//
// # Tasks
//
// Task states call Go functions registered with Server.RegisterTask by their
// Resource ARN. The optimised integration arn:aws:states:::lambda:invoke
// finds the function by the FunctionName parameter (a name or an ARN), passes
// Payload and wraps the result as Step Functions does ({"Payload": ...,
// "StatusCode": 200, ...}). A TaskFunc fails its task with a given ASL error
// name by returning a *TaskError, which Retry and Catch match.
//
// A Task whose Resource ends in .waitForTaskToken calls the function
// registered for the Resource (with or without the suffix), records
// TaskSubmitted with its answer, then waits for SendTaskSuccess or
// SendTaskFailure with the token that $$.Task.Token gave the Parameters.
// A Task whose Resource is an activity ARN queues the task for the workers
// of the activity (CreateActivity): GetActivityTask hands it out (waiting
// up to 60 seconds for one, and giving up when the client goes away) and
// records ActivityStarted with the workerName; an activity that does not
// exist fails the state with ActivityScheduleFailed. Both kinds fail with
// States.HeartbeatTimeout when HeartbeatSeconds pass without
// SendTaskHeartbeat, and with States.Timeout after TimeoutSeconds, on the
// server's Clock. Each attempt gets a new token; a token whose task ended
// answers TaskTimedOut, a token of a task that waits for none
// TaskDoesNotExist, one this server did not make InvalidToken.
//
// # Mocked service integrations
//
// WithMockConfig(path) loads a mock configuration file in the format of
// Step Functions Local (see MockConfig), so existing files work unchanged.
// StartExecution or StartSyncExecution of "<stateMachineArn>#<TestCase>"
// runs that test case: each Task state it names answers with its mocked
// response (Return, or Throw with Error and Cause) by invocation number
// (counted per state across the execution, retries and Map iterations
// included), callback and activity tasks included, without waiting for a
// token; the
// other Task states run as above. A Task that has neither a mock nor a
// registered function fails with States.TaskFailed, saying how to provide
// one. ConfigErr reports a file that could not be used.
//
// # TestState
//
// TestState runs one state once: a state's definition on its own, or a
// state machine's with stateName naming one of its top-level states. It
// takes input, variables, context (with a mock only: its Execution,
// StateMachine, State and Task members replace the defaults; a Map member or
// an unknown one is refused as AWS refuses it) and a mock (result, or
// errorOutput with error and cause) that answers for a Task, Map or Parallel
// state's work; Map, Parallel, activity, .sync and .waitForTaskToken states
// need one, Pass, Choice, Wait, Succeed and Fail states refuse one. A
// mocked result of a wrong type ("Mock result schema validation error:
// Field 'StatusCode' must be a number") or, in STRICT mode, without a
// required field is refused as AWS refuses it, for the AWS SDK integrations
// of 27 services and the optimized integrations whose result is an AWS API
// response (see the differences below). An
// unmocked Task state calls its registered function, and needs a roleArn.
// The answer has the state's output, error and cause, status (SUCCEEDED;
// FAILED; RETRIABLE when a retrier matches the error and
// stateConfiguration.retrierRetryCount is below its MaxAttempts; CAUGHT_ERROR
// when a catcher then matches, with the catcher's output) and nextState. At
// inspectionLevel DEBUG and TRACE it adds inspectionData: input,
// afterInputPath, afterParameters, result, afterResultSelector,
// afterResultPath (for a Pass state with a Result, only result and the
// result side, as AWS answers; for a JSONata state afterArguments and
// result), for a Map state afterItemsPath (JSONPath only, as on AWS),
// maxConcurrency and the toleratedFailureCount and
// toleratedFailurePercentage it declares, variables
// (those given, and those the state or its catcher assigned), and
// errorDetails (retryIndex with retryBackoffIntervalSeconds, or
// catchIndex).
//
// A mocked Map result must be an array and a mocked Parallel result an array
// with one result per branch, in AWS's words; revealSecrets with a mock is
// refused, as AWS refuses it. stateConfiguration takes, besides
// retrierRetryCount:
//   - mapIterationFailureCount (a mocked Map state only, at most its number
//     of items): beyond the ToleratedFailureCount or
//     ToleratedFailurePercentage the state declares, the state fails with
//     States.ExceedToleratedFailureThreshold ("The specified tolerated
//     failure threshold was exceeded"), which its Retry and Catch see. A Map
//     that declares neither succeeds whatever the count, and a mocked error
//     stays the Map's error, as recorded AWS answers show (LocalStack's
//     parity snapshots of real TestState calls, which also give the
//     messages quoted here).
//   - errorCausedByState (a Map or Parallel state with a mocked errorOutput):
//     must name a state of its ItemProcessor or branches, at any depth; the
//     state then fails with the mocked error, as on AWS.
//   - mapItemReaderData (a Map state with an ItemReader): the object "as
//     found in its original source", read as the state's ItemReader reads
//     it from S3 (a JSON array; the text of the file for a CSV or JSON Lines
//     reader, with the reader's headers, delimiter and MaxItems; a JSON
//     array of listed objects for listObjectsV2): its items are the Map's
//     iterations, and data the reader cannot read fails the state with
//     States.ItemReaderFailed. It is refused, naming the member, for a state
//     without an ItemReader. A Map with a ResultWriter needs an object mock
//     (AWS's "Mocked result must be a JSON object.").
//
// The messages for the rules AWS's answers were not recorded for
// (mapIterationFailureCount on a state that is not a Map, errorCausedByState
// on a state that is not a Map or Parallel, without a mocked error, or
// naming no state inside, mapItemReaderData without an ItemReader or not
// JSON) are this package's, in the form of AWS's ValidationException: "1
// validation error detected: Value at 'stateConfiguration.X' failed to
// satisfy constraint: ...".
//
// An HTTP Task (Resource arn:aws:states:::http:invoke) gets its request
// built from its Parameters or Arguments, per AWS's documented fields
// (what Differences from AWS marks UNCONFIRMED aside): ApiEndpoint,
// Method (GET, POST, PUT, DELETE, PATCH, OPTIONS or HEAD) and the
// connection, Authentication.ConnectionArn or InvocationConfig.ConnectionArn,
// are required; Headers and QueryParameters (strings, numbers or booleans)
// are added, then the parameters of the connection registered with
// WithHTTPConnection, whose values take precedence; RequestBody is sent as
// JSON, or with Transform's RequestBodyEncoding URL_ENCODED as a form, its
// arrays encoded as RequestEncodingOptions.ArrayFormat says (INDICES, the
// default, BRACKETS, REPEAT or COMMAS). As AWS documents, a header the task
// may not set (Authorization, Host, Cache-Control, If-Match and the rest of
// AWS's list, and any x-amz-, x-amzn- or x-forwarded- header) and a string
// RequestBody with a connection that has body parameters fail the state
// with States.Runtime, as do arguments that make no request; a connection
// ARN that WithHTTPConnection did not register fails it with
// Events.ConnectionResource.ResourceNotFound. No network call is ever made:
// the mock's result is the response ({"StatusCode", "StatusText",
// "Headers", "ResponseBody"}, checked as other integrations' mocks are),
// or without a mock the function registered for the resource with
// RegisterTask answers; with neither, TestState answers a
// ValidationException saying a mock is needed (an execution fails the
// state with States.TaskFailed naming both ways to provide one). The
// function gets the request as sent, an HTTPTaskRequest: the task's
// argument names with the connection's headers, query parameters and body
// parameters merged in and the headers Step Functions adds, so a fake
// endpoint sees the connection's Authorization or API key header. A
// response whose StatusCode is not 2xx, mocked (in TestState or a mock
// configuration file) or the function's, fails the state with
// States.Http.StatusCode.<code>, its cause the response's StatusText, so
// Retry and Catch match it. At TRACE, inspectionData adds request
// (protocol, method, url, headers, body) and, when there is a response
// (a non-2xx one too), response (protocol, statusCode, statusMessage,
// headers, body). What the connection adds (its headers, query parameters
// and body parameters) is left out of request unless revealSecrets is set,
// which AWS allows only without a mock, and so here only with a registered
// function; history events keep the task's arguments as written, without
// the connection's values. A mocked TestState sends nothing, so its
// connection need not be registered. The SDK sends TestState to
// "sync-<endpoint host>" too: disable the host prefix as for
// StartSyncExecution.
//
// # Time
//
// All timestamps, Wait states, timeouts and the throttling buckets read the
// server's Clock. WithClock supplies one; WithTimeScale makes time run
// faster, so a Wait of an hour or the 5-minute Express timeout take moments.
// For tests that step time themselves, WithClock(NewManualClock(start))
// gives a clock that moves only on ManualClock.Advance (see its example).
// ManualClock.Pending counts only the waits still under way: a wait that
// ends another way (an execution stopped in a Wait state, a task that
// answered before its TimeoutSeconds, a run that ended before its own)
// stops its timer. A Clock of your own gets the same by having
// ManualClock's AfterStop method.
//
// # Test knobs
//
// All off by default: WithThrottling (token buckets with the documented
// quotas of a region), WithLatency, WithFault (fail the Nth call of an
// operation or drop the connection after processing it),
// WithEventualConsistency (new executions briefly answer
// ExecutionDoesNotExist), WithAccessKeys and WithDeny (credential
// allow-list and IAM-like deny rules). Server.Calls and Server.CallCounts
// count the calls received per operation.
//
// # Memory
//
// Like AWS, which keeps closed Standard executions for 90 days, the server
// keeps every finished Standard execution and its history until Close, so
// memory grows with the number of executions. WithMaxFinishedExecutions caps
// how many are kept (the one that finished first is forgotten first).
// Express executions keep no history and are forgotten when they end.
//
// # Differences from AWS
//
// Where the server knowingly differs from Step Functions:
//
//   - DeleteStateMachine removes the machine at once (no DELETING phase) and
//     aborts its running executions, Standard and Express.
//   - ListStateMachines lists in name order (AWS does not document its order).
//   - Distributed Map runs over the state's inline items (ItemsPath or
//     Items) or the items its ItemReader reads, with ItemSelector,
//     ItemBatcher by MaxItemsPerBatch with a static BatchInput,
//     ToleratedFailureCount and ToleratedFailurePercentage (or their ...Path
//     forms, or JSONata expressions), Label, ExecutionType and a
//     ResultWriter. The S3 calls are served as Task states are: a Map
//     state's ItemReader calls the function registered (RegisterTask) for
//     arn:aws:states:::s3:getObject or arn:aws:states:::s3:listObjectsV2,
//     or the mocked response of its test case for the Map state, with the
//     ItemReader's Parameters (Arguments) as input; getObject must answer
//     {"Body": "<the object's text>"}, listObjectsV2 the ListObjectsV2
//     response. A ResultWriter writes SUCCEEDED_0.json, FAILED_0.json and
//     manifest.json under <Prefix>/<Map Run id>/ through
//     arn:aws:states:::s3:putObject ({"Bucket", "Key", "Body"}), formatted
//     by its WriterConfig (Transformation NONE, COMPACT or FLATTEN;
//     OutputType JSON or JSONL), and the state's result is {"MapRunArn",
//     "ResultWriterDetails"}; a WriterConfig alone transforms the state's
//     result instead. A test case that mocks the Map state answers its S3
//     calls in order, the ItemReader's first. DescribeMapRun
//     counts every child as resultsWritten once such a Map Run succeeded
//     (UNCONFIRMED: AWS counts them as it writes). InputType
//     MANIFEST and PARQUET, OutputType JSONL without a Resource and
//     ItemBatcher's byte limits are refused when a machine is created
//     (InvalidDefinition, saying so).
//     The Map Run of a Standard execution is recorded (an Express
//     execution's is not) until the execution is evicted: the parent's
//     history has MapRunStarted and MapRunSucceeded or MapRunFailed,
//     DescribeMapRun answers its counts, ListMapRuns and ListExecutions by
//     mapRunArn list it and its child workflows once they start (a child
//     not yet started counts as pending, one started as running, until it
//     ends; those never started count as aborted once the Map Run has
//     ended). The child
//     workflows run inside the parent's run (at most 40 at once) and are not
//     executions of their own: DescribeExecution and GetExecutionHistory
//     answer ExecutionDoesNotExist for them, they keep no history, and they
//     read the parent's variables. UpdateMapRun changes what DescribeMapRun
//     answers, not the run in progress. A redrive of the parent redrives
//     its Map Run, as on AWS: the same Map Run runs again only the child
//     workflows that failed, were aborted or never started, keeps the
//     results of the others, and records a MapRunRedriven event (where
//     MapRunStarted was); DescribeMapRun answers its redriveCount and
//     redriveDate, and ListExecutions by mapRunArn a redriven STANDARD
//     child's redriveCount (and filters by redriveFilter). A STANDARD child
//     resumes from the state it failed in and keeps its ARN; an EXPRESS
//     child starts again with a new ARN. Until it starts again a child
//     counts as pendingRedrive (not as failed), in both executionCounts and
//     itemCounts, and as aborted if the Map Run ends first;
//     failuresNotRedrivable is always 0 (UNCONFIRMED: how AWS moves the
//     counts during a redrive). A Map Run redriven 1,000 times is not
//     redriven again: the redrive fails the Map state with States.Runtime,
//     as AWS's hard limit does. A Map Run that AWS would not redrive
//     because it was still running its children when the parent stopped is
//     redriven all the same.
//   - JSONata and variables run, with the
//     bounds described in package internal/asl: an expression that runs
//     longer than 5 seconds fails its state with
//     States.QueryEvaluationError.
//   - A Task's work is a registered Go function or a mock; nothing calls AWS.
//     A .waitForTaskToken Task needs one of them to hand its token out.
//   - Mocks answer activity tasks too, which Step Functions Local refuses.
//     An invocation past the last key of a mocked response fails the
//     execution with States.Runtime (Step Functions Local documents that
//     the execution fails, not with which error).
//   - A missed heartbeat records the error States.HeartbeatTimeout, which
//     States.Timeout in Retry and Catch also matches (the States Language
//     specification's reading). The error name of ActivityScheduleFailed
//     (States.Runtime here) is not documented.
//   - An Express state machine with a .sync, .waitForTaskToken or activity
//     Task is refused with InvalidDefinition, as the developer guide says
//     Express workflows do not support them (UNCONFIRMED: AWS's wording).
//     DeleteActivity of an unknown activity answers {} (UNCONFIRMED).
//   - JSON objects keep their keys in the order AWS keeps them (an input's
//     and a task result's in document order, a template's in definition
//     order, a key that ResultPath adds last), except objects that a JSONata
//     expression builds itself, such as {% {'b': 1, 'a': 2} %} or the result
//     of $merge, and the context object ($$): their keys come out sorted
//     (the JSONata evaluator builds Go maps, which keep no order; AWS's
//     order there is UNCONFIRMED).
//   - HeartbeatSeconds applies to callback and activity tasks only; a
//     registered function runs in process and has no heartbeat.
//   - A redrive of a failed Parallel or inline Map state runs again only
//     the branches or iterations that failed, were aborted or never started,
//     as AWS does, each from the state it failed in (UNCONFIRMED: AWS may
//     start a branch or iteration again from its start); the iterations it
//     keeps record no iteration events in the redrive (UNCONFIRMED).
//   - Task states record the Task event family (TaskScheduled, ...) for every
//     Resource; AWS uses the LambdaFunction* family for a plain Lambda ARN.
//   - TestState validates a mocked result (fieldValidationMode STRICT, the
//     default, or PRESENT) against the response shapes of the AWS SDK for Go
//     v2's models (the service module versions are in
//     internal/asl/internal/genshapes/go.mod) for every operation of the
//     AWS SDK integrations of athena, batch, bedrockruntime, cloudwatch,
//     cloudwatchlogs, dynamodb, ec2, ecr, ecs, eks, eventbridge, firehose,
//     glue, iam, kinesis, kms, lambda, rds, s3, secretsmanager, ses, sesv2,
//     sfn, sns, sqs, ssm and sts (arn:aws:states:::aws-sdk:s3:getObject),
//     and for the request-response integrations lambda:invoke,
//     sqs:sendMessage, sns:publish, dynamodb:getItem, putItem, updateItem and
//     deleteItem, events:putEvents, glue:startJobRun, athena's
//     startQueryExecution, stopQueryExecution, getQueryExecution and
//     getQueryResults, states:startExecution, ecs:runTask, batch:submitJob,
//     codebuild's build and report calls, bedrock:invokeModel and
//     http:invoke. AWS validates every integration; here other services,
//     .sync and .waitForTaskToken patterns are not validated. Timestamps
//     pass as strings or numbers, blobs as strings, and Lambda's Payload and
//     Bedrock's Body as any JSON value (UNCONFIRMED which forms AWS
//     accepts). A Wait state is not waited for, and the state
//     machine in the context object is named TestStateMachine (both
//     UNCONFIRMED against AWS); TestState has no throttling bucket.
//   - The HTTP Task: the headers Step Functions adds (User-Agent:
//     Amazon|StepFunctions|HttpInvoke|<region>, Range: bytes=0-262144, a
//     Content-Type), that they replace a task's or connection's of the same
//     name, their order and the "[Name: value, ...]" text of inspection
//     headers, the form encoding of nested objects (key[sub]=value), the
//     error of bad arguments other than AWS's documented ones
//     (States.Runtime), the causes of States.Runtime and of
//     Events.ConnectionResource.ResourceNotFound, the cause of
//     States.Http.StatusCode.<code> (the response's StatusText; a user
//     reports AWS keeps no more of the response), refusing both
//     Authentication and InvocationConfig, and leaving the connection's
//     values out rather than masking them are UNCONFIRMED against AWS.
//     A task may set Content-Length (AWS's list lacks it), and an array or
//     scalar body takes no body parameters. A mocked TestState does not need its
//     connection (AWS may read it anyway). Forbidden headers fail the state
//     at run time, as AWS documents, not when the definition is created.
//   - An inline Map runs at most 40 iterations at once (AWS's documented
//     inline limit), and a definition nested deeper than 1,000 levels is
//     refused.
//
// # Performance
//
// BenchmarkExecutions, on 2 shared cores, for a four-state Pass/Choice
// machine: about 38,000 (Standard) to 53,000 (Express) executions per second
// in process (ServeHTTP without a network) and 4,300 to 5,200 per second
// through the SDK client over loopback from one caller (11,000 from four); a
// finished Standard execution keeps about 2.5 KB with its history. An inline
// Map over 1,000 items runs 1,900 to 2,200 times per second as an Express
// execution and 90 to 130 times per second as a Standard one, which records
// some 4,000 history events (about 725 KB). Logging every event to
// CloudWatch Logs with execution data brings the in-process Express figure
// to about 17,000 per second. The ranges span two runs on the
// shared machine; the README has the full table.
//
// # Security
//
// Listen binds to 127.0.0.1 unless the caller names another host. Nothing
// about a request's credentials is logged.
package sfnlocal
