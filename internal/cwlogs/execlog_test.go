package cwlogs

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

const testExecARN = "arn:aws:states:eu-west-1:111122223333:express:orders:run-1:0b7e4f1c-1111-2222-3333-444455556666"

// The records below follow those recorded from real AWS in LocalStack's
// test_logs.snapshot.json (pass_result and raise_failure, ALL, with and
// without execution data), with concrete values in place of its placeholders.
func TestEncodeMatchesRecordedAWSEvents(t *testing.T) {
	ts := time.UnixMilli(1717615626123)
	tests := []struct {
		name     string
		event    ExecutionEvent
		withData bool
		want     string
	}{{
		name: "ExecutionStarted without data",
		event: ExecutionEvent{ID: 1, Type: "ExecutionStarted", Timestamp: ts, ExecutionARN: testExecARN,
			Details: map[string]any{"input": "{}", "roleArn": "arn:aws:iam::111122223333:role/sfn"}},
		want: `{"id":"1","type":"ExecutionStarted","details":{"roleArn":"arn:aws:iam::111122223333:role/sfn"},"previous_event_id":"0","event_timestamp":"1717615626123","execution_arn":"` + testExecARN + `","redrive_count":"0"}`,
	}, {
		name: "ExecutionStarted with data",
		event: ExecutionEvent{ID: 1, Type: "ExecutionStarted", Timestamp: ts, ExecutionARN: testExecARN,
			Details: map[string]any{"input": "{}", "inputDetails": map[string]any{"truncated": false}, "roleArn": "arn:aws:iam::111122223333:role/sfn"}},
		withData: true,
		want:     `{"id":"1","type":"ExecutionStarted","details":{"input":"{}","inputDetails":{"truncated":false},"roleArn":"arn:aws:iam::111122223333:role/sfn"},"previous_event_id":"0","event_timestamp":"1717615626123","execution_arn":"` + testExecARN + `","redrive_count":"0"}`,
	}, {
		name: "ExecutionSucceeded without data",
		event: ExecutionEvent{ID: 4, PreviousEventID: 3, Type: "ExecutionSucceeded", Timestamp: ts, ExecutionARN: testExecARN,
			Details: map[string]any{"output": `{"Arg1":"argument1"}`, "outputDetails": map[string]any{"truncated": false}}},
		want: `{"id":"4","type":"ExecutionSucceeded","details":{},"previous_event_id":"3","event_timestamp":"1717615626123","execution_arn":"` + testExecARN + `","redrive_count":"0"}`,
	}, {
		name: "ExecutionSucceeded with data",
		event: ExecutionEvent{ID: 4, PreviousEventID: 3, Type: "ExecutionSucceeded", Timestamp: ts, ExecutionARN: testExecARN,
			Details: map[string]any{"output": `{"Arg1":"argument1"}`}},
		withData: true,
		want:     `{"id":"4","type":"ExecutionSucceeded","details":{"output":"{\"Arg1\":\"argument1\"}","outputDetails":{"truncated":false}},"previous_event_id":"3","event_timestamp":"1717615626123","execution_arn":"` + testExecARN + `","redrive_count":"0"}`,
	}, {
		name: "ExecutionFailed keeps error and cause without data",
		event: ExecutionEvent{ID: 3, PreviousEventID: 2, Type: "ExecutionFailed", Timestamp: ts, ExecutionARN: testExecARN, RedriveCount: 1,
			Details: map[string]any{"error": "SomeFailure", "cause": "This state machines raises a 'SomeFailure' failure."}},
		want: `{"id":"3","type":"ExecutionFailed","details":{"cause":"This state machines raises a 'SomeFailure' failure.","error":"SomeFailure"},"previous_event_id":"2","event_timestamp":"1717615626123","execution_arn":"` + testExecARN + `","redrive_count":"1"}`,
	}, {
		name:  "an event without details",
		event: ExecutionEvent{ID: 4, PreviousEventID: 3, Type: "LambdaFunctionStarted", Timestamp: ts, ExecutionARN: testExecARN},
		want:  `{"id":"4","type":"LambdaFunctionStarted","details":{},"previous_event_id":"3","event_timestamp":"1717615626123","execution_arn":"` + testExecARN + `","redrive_count":"0"}`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.event.Encode(tt.withData)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Encode(%v) =\n%s\nwant\n%s", tt.withData, got, tt.want)
			}
		})
	}
}

func TestEncodeTruncatesLargePayloads(t *testing.T) {
	big := `{"s":"` + strings.Repeat(`"é`, MaxPayloadBytes/3) + `"}`
	msg, err := ExecutionEvent{ID: 9, Type: "ExecutionSucceeded", ExecutionARN: testExecARN,
		Details: map[string]any{"output": big}}.Encode(true)
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Details struct {
			Output        string `json:"output"`
			OutputDetails struct {
				Truncated bool `json:"truncated"`
			} `json:"outputDetails"`
		} `json:"details"`
	}
	if err := json.Unmarshal(msg, &rec); err != nil {
		t.Fatal(err)
	}
	escaped, _ := json.Marshal(rec.Details.Output)
	if !rec.Details.OutputDetails.Truncated || len(escaped)-2 > MaxPayloadBytes || !strings.HasPrefix(big, rec.Details.Output) {
		t.Errorf("output of %d bytes: truncated = %v, escaped length %d; want a truncated prefix of at most %d bytes escaped",
			len(big), rec.Details.OutputDetails.Truncated, len(escaped)-2, MaxPayloadBytes)
	}
	if len(escaped)-2 < MaxPayloadBytes-8 {
		t.Errorf("escaped output is %d bytes, want it cut close to %d", len(escaped)-2, MaxPayloadBytes)
	}
	if _, err := (ExecutionEvent{Type: "ExecutionSucceeded", Details: map[string]any{"output": map[string]any{}}}).Encode(true); err == nil {
		t.Error("Encode of an output that is not JSON text: error = nil")
	}
}

func TestLevelLogs(t *testing.T) {
	tests := []struct {
		event                   string
		all, errors, fatal, off bool
	}{
		{"ExecutionStarted", true, false, false, false},
		{"ExecutionSucceeded", true, false, false, false},
		{"ExecutionFailed", true, true, true, false},
		{"ExecutionTimedOut", true, true, true, false},
		{"ExecutionAborted", true, true, true, false},
		{"FailStateEntered", true, true, false, false},
		{"TaskFailed", true, true, false, false},
		{"PassStateEntered", true, false, false, false},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			level Level
			want  bool
		}{{LevelAll, tt.all}, {LevelError, tt.errors}, {LevelFatal, tt.fatal}, {LevelOff, tt.off}} {
			if got := c.level.Logs(tt.event); got != c.want {
				t.Errorf("Level(%s).Logs(%s) = %v, want %v", c.level, tt.event, got, c.want)
			}
		}
	}
}

func TestLogStreamName(t *testing.T) {
	got := LogStreamName("logs-to-traces-sequential", time.Date(2022, 11, 10, 15, 50, 12, 0, time.UTC), []byte{0x78, 0x51, 0xb2, 0xd9, 0xff})
	if want := "states/logs-to-traces-sequential/2022-11-10-15-50/7851b2d9"; got != want {
		t.Errorf("LogStreamName = %q, want %q", got, want)
	}
	if err := checkStreamName(got); err != nil {
		t.Errorf("LogStreamName gives a name CreateLogStream refuses: %v", err)
	}
}
