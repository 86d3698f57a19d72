// Package cwlogs is an in-memory CloudWatch Logs service for the embedded Step
// Functions endpoint, and the record Step Functions writes there for each
// execution history event.
//
// # The service
//
// [Service] keeps log groups, log streams and their events in memory, bounded
// by [Options], and serves the part of the CloudWatch Logs API (protocol
// awsJson1_1, X-Amz-Target "Logs_20140328.<Operation>") that the provider and
// a user need: CreateLogGroup, DescribeLogGroups, CreateLogStream,
// DescribeLogStreams, PutLogEvents, GetLogEvents and FilterLogEvents, with
// AWS's error codes. The endpoint that embeds it tells its requests from Step
// Functions' ones by [IsLogsRequest]. [Service.Append] writes events as Step
// Functions would, visible only after [Options.DeliveryDelay].
//
// # The execution log record
//
// [ExecutionEvent] and [ExecutionEvent.Encode] write one history event as
// Step Functions logs it; [Level.Logs] says which events a log level writes,
// [LogStreamName] names a stream as AWS does. Each fact names its source.
package cwlogs
