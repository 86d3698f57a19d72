package cwlogs

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// Sources of the facts below, named in each comment:
//
//   - [levels]: "Log levels" in the Step Functions developer guide
//     (docs.aws.amazon.com/step-functions/latest/dg/cloudwatch-log-level.html,
//     awsdocs/aws-step-functions-developer-guide doc_source/cloudwatch-log-level.md).
//   - [payloads]: "CloudWatch Logs payloads" in the developer guide's "Logging
//     in CloudWatch Logs" (dg/cw-logs.html): "If escaped input or escaped
//     output sent to CloudWatch Logs exceeds 248KB, it will be truncated",
//     shown by inputDetails/outputDetails.truncated.
//   - [truncated]: HistoryEventExecutionDataDetails in the API reference:
//     "In CloudWatch logs, the value will be true if the data is truncated due
//     to size limits."
//   - [recorded]: log events recorded from real AWS (June 2024) in LocalStack's
//     tests/aws/services/stepfunctions/v2/logs/test_logs.snapshot.json, for
//     levels ALL, ERROR and FATAL with and without includeExecutionData, and
//     the example events quoted in linz/geostore pull request 2300.
//   - [datadog]: a log stream name recorded in the Datadog forwarder's tests
//     ("states/logs-to-traces-sequential/2022-11-10-15-50/7851b2d9").
//
// UNCONFIRMED marks what none of them states.

// Level is a state machine's logging level (LoggingConfiguration.level).
type Level string

// The levels of LoggingConfiguration.
const (
	LevelAll   Level = "ALL"
	LevelError Level = "ERROR"
	LevelFatal Level = "FATAL"
	LevelOff   Level = "OFF"
)

// errorEvents are the event types a state machine logging at ERROR writes
// ([levels]). MapRunAborted and MapRunFailed are not in the archived table;
// they are in LocalStack's and moto's copies of the current one (UNCONFIRMED).
var errorEvents = map[string]bool{
	"ExecutionAborted": true, "ExecutionFailed": true, "ExecutionTimedOut": true,
	"FailStateEntered":     true,
	"LambdaFunctionFailed": true, "LambdaFunctionScheduleFailed": true, "LambdaFunctionStartFailed": true,
	"LambdaFunctionTimedOut": true,
	"MapIterationAborted":    true, "MapIterationFailed": true, "MapStateAborted": true, "MapStateFailed": true,
	"MapRunAborted": true, "MapRunFailed": true,
	"ParallelStateAborted": true, "ParallelStateFailed": true,
	"TaskFailed": true, "TaskStartFailed": true, "TaskStateAborted": true, "TaskSubmitFailed": true,
	"TaskTimedOut": true, "WaitStateAborted": true,
}

// fatalEvents are the event types FATAL writes ([levels], and [recorded]:
// at FATAL a failed execution logs only ExecutionFailed).
var fatalEvents = map[string]bool{"ExecutionAborted": true, "ExecutionFailed": true, "ExecutionTimedOut": true}

// Logs reports whether a state machine logging at level l writes events of
// type eventType: ALL writes every type, OFF none ([levels]).
func (l Level) Logs(eventType string) bool {
	switch l {
	case LevelAll:
		return true
	case LevelError:
		return errorEvents[eventType]
	case LevelFatal:
		return fatalEvents[eventType]
	}
	return false
}

// TerminalEventTypes are the types of the event that ends an execution; one
// of them is the last event of every execution ([recorded]).
var TerminalEventTypes = []string{"ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"}

// MaxPayloadBytes is the size beyond which Step Functions truncates an
// escaped input or output in a log event: 248 KB ([payloads]). Whether KB
// means 1,000 or 1,024 bytes is UNCONFIRMED; 1,024 is used.
const MaxPayloadBytes = 248 * 1024

// ExecutionEvent is one execution history event as Step Functions writes it to
// CloudWatch Logs.
type ExecutionEvent struct {
	// ID is the event's id in the execution's history (1 for ExecutionStarted).
	ID int64
	// PreviousEventID is the id of the event before it (0 for none).
	PreviousEventID int64
	// Type is the history event type, such as "ExecutionSucceeded".
	Type string
	// Timestamp is when the event happened.
	Timestamp time.Time
	// ExecutionARN is the execution's ARN (for Express runs the
	// ":express:" ARN).
	ExecutionARN string
	// RedriveCount is how often the execution was redriven (0 for Express).
	RedriveCount int
	// Details is the wire form of the history event's details object, as in
	// GetExecutionHistory (for ExecutionSucceeded {"output": "<json text>",
	// "outputDetails": {...}}; for failures {"error", "cause"}). Input and
	// output are JSON text in strings. Nil for an event without details.
	Details map[string]any
}

// record is the JSON object of one log event, its members in the order AWS
// writes them ([recorded]): every member is a string but details;
// event_timestamp is epoch milliseconds.
type record struct {
	ID              string         `json:"id"`
	Type            string         `json:"type"`
	Details         map[string]any `json:"details"`
	PreviousEventID string         `json:"previous_event_id"`
	EventTimestamp  string         `json:"event_timestamp"`
	ExecutionARN    string         `json:"execution_arn"`
	RedriveCount    string         `json:"redrive_count"`
}

// payloadMembers pairs each execution-data member of details with the member
// that says whether it was truncated.
var payloadMembers = map[string]string{"input": "inputDetails", "output": "outputDetails"}

// Encode returns the log event's message. Without includeExecutionData,
// details lose input, inputDetails, output and outputDetails and keep the rest
// (name, roleArn, error, cause...): ExecutionSucceeded logs "details": {}
// ([recorded]). With it, input and output stay JSON text in strings
// ([payloads]: "escaped input") and each gets its *Details member with
// "truncated", true when the escaped text passed MaxPayloadBytes and was cut
// ([payloads], [truncated]). Details is always an object ([recorded]:
// "details": {} for an event without any).
func (e ExecutionEvent) Encode(includeExecutionData bool) ([]byte, error) {
	details := map[string]any{}
	for k, v := range e.Details {
		details[k] = v
	}
	for data, meta := range payloadMembers {
		v, ok := details[data]
		if !includeExecutionData {
			delete(details, data)
			delete(details, meta)
			continue
		}
		if !ok {
			continue
		}
		text, isString := v.(string)
		if !isString {
			return nil, fmt.Errorf("details.%s of %s event %d is a %T, want JSON text in a string", data, e.Type, e.ID, v)
		}
		cut, truncated := truncateEscaped(text, MaxPayloadBytes)
		details[data] = cut
		details[meta] = map[string]any{"truncated": truncated}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // UNCONFIRMED: AWS's records are not known to escape <, > and &
	err := enc.Encode(record{
		ID:              strconv.FormatInt(e.ID, 10),
		Type:            e.Type,
		Details:         details,
		PreviousEventID: strconv.FormatInt(e.PreviousEventID, 10),
		EventTimestamp:  strconv.FormatInt(e.Timestamp.UnixMilli(), 10),
		ExecutionARN:    e.ExecutionARN,
		RedriveCount:    strconv.Itoa(e.RedriveCount),
	})
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), err
}

// truncateEscaped returns the longest prefix of s (cut at a character
// boundary) whose JSON-escaped form is at most limit bytes, and whether it cut.
func truncateEscaped(s string, limit int) (string, bool) {
	size := 0
	for i, r := range s {
		n := escapedLen(r)
		if size+n > limit {
			return s[:i], true
		}
		size += n
	}
	return s, false
}

// escapedLen is the length of r inside a JSON string as Encode writes it.
func escapedLen(r rune) int {
	switch {
	case r == '"' || r == '\\' || r == '\n' || r == '\r' || r == '\t':
		return 2
	case r < 0x20 || r == 0x2028 || r == 0x2029:
		return 6
	case r == utf8.RuneError:
		return 6
	}
	return utf8.RuneLen(r)
}

// ValidationLogStreamName is the stream Step Functions creates in a log group
// when a state machine's logging is configured, to check that it may deliver
// there (LocalStack's VALIDATION_LOG_STREAM_NAME, and [recorded]: a group
// holds two streams after one run; UNCONFIRMED by AWS's documentation).
const ValidationLogStreamName = "log_stream_created_by_aws_to_validate_log_delivery_subscriptions"

// LogStreamName returns a stream name in the form Step Functions uses:
// "states/<state machine name>/<UTC yyyy-mm-dd-HH-MM>/<8 hex digits>"
// ([datadog]; that every stream starts with "states/" is also stated in
// DataDog/datadog-serverless-functions pull request 866). How AWS picks the
// suffix and how many executions share a stream are UNCONFIRMED ([recorded]:
// three runs of one machine shared one stream); id supplies the suffix's
// bytes (its first 4 are used, zero-padded).
func LogStreamName(stateMachineName string, t time.Time, id []byte) string {
	var suffix [4]byte
	copy(suffix[:], id)
	return "states/" + stateMachineName + "/" + t.UTC().Format("2006-01-02-15-04") + "/" + hex.EncodeToString(suffix[:])
}
