package cwlogs

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

func TestLogGroupNameFromARN(t *testing.T) {
	for _, tt := range []struct{ arn, want string }{
		{"arn:aws:logs:eu-west-1:111122223333:log-group:/aws/vendedlogs/states/orders:*", "/aws/vendedlogs/states/orders"},
		{"arn:aws-us-gov:logs:us-gov-west-1:111122223333:log-group:g", "g"},
		{"arn:aws:logs:eu-west-1:111122223333:log-group:", ""},
		{"arn:aws:logs:eu-west-1:111122223333:log-group:g:log-stream:s", ""},
		{"arn:aws:states:eu-west-1:111122223333:stateMachine:m", ""},
	} {
		got, err := LogGroupNameFromARN(tt.arn)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("LogGroupNameFromARN(%q) = %q, %v; want %q", tt.arn, got, err, tt.want)
		}
	}
}

// TestLogExecutionEventByLevel writes a failed run's events at each level and
// reads back what each level keeps.
func TestLogExecutionEventByLevel(t *testing.T) {
	svc := NewService(Options{})
	c := start(t, svc)
	t0 := time.Now().Add(-time.Minute)
	history := []ExecutionEvent{
		{ID: 1, Type: "ExecutionStarted", Details: map[string]any{"input": "{}"}},
		{ID: 2, Type: "FailStateEntered", Details: map[string]any{"name": "F", "input": "{}"}},
		{ID: 3, PreviousEventID: 2, Type: "ExecutionFailed", Details: map[string]any{"error": "E", "cause": "C"}},
	}
	want := map[Level]string{LevelAll: "ExecutionStarted,FailStateEntered,ExecutionFailed",
		LevelError: "FailStateEntered,ExecutionFailed", LevelFatal: "ExecutionFailed", LevelOff: ""}
	for level, types := range want {
		group := "g-" + string(level)
		if err := svc.CreateLogGroup(group); err != nil {
			t.Fatal(err)
		}
		if !svc.HasLogGroup(group) {
			t.Fatalf("HasLogGroup(%q) = false after CreateLogGroup", group)
		}
		for i, e := range history {
			e.ExecutionARN, e.Timestamp = "arn:aws:states:us-east-1:123456789012:express:m:n:u", t0.Add(time.Duration(i)*time.Millisecond)
			if err := svc.LogExecutionEvent(group, "states/m/x/00000000", level, false, e); err != nil {
				t.Fatal(err)
			}
		}
		out, err := c.FilterLogEvents(context.Background(), &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group)})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range out.Events {
			typ := strings.SplitN(strings.SplitN(aws.ToString(e.Message), `"type":"`, 2)[1], `"`, 2)[0]
			got = append(got, typ)
		}
		if strings.Join(got, ",") != types {
			t.Errorf("level %s logged %v, want %s", level, got, types)
		}
	}
	if svc.HasLogGroup("missing") {
		t.Error("HasLogGroup(missing) = true")
	}
}
