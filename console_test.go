package stepfunctions

import (
	"errors"
	"testing"
	"time"
)

func TestConsoleURL(t *testing.T) {
	tests := []struct {
		arn  string
		want string
	}{
		{"arn:aws:states:eu-west-1:123456789012:execution:orders:run-1",
			"https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:123456789012:execution:orders:run-1"},
		{"arn:aws:states:us-east-1:123456789012:stateMachine:orders",
			"https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/statemachines/view/arn:aws:states:us-east-1:123456789012:stateMachine:orders"},
		{"arn:aws:states:us-east-1:123456789012:stateMachine:orders:prod",
			"https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/statemachines/view/arn:aws:states:us-east-1:123456789012:stateMachine:orders:prod"},
		{"arn:aws-cn:states:cn-north-1:123456789012:execution:orders:run-1",
			"https://cn-north-1.console.amazonaws.cn/states/home?region=cn-north-1#/v2/executions/details/arn:aws-cn:states:cn-north-1:123456789012:execution:orders:run-1"},
		{"arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:orders:run-1",
			"https://us-gov-west-1.console.amazonaws-us-gov.com/states/home?region=us-gov-west-1#/v2/executions/details/arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:orders:run-1"},
		{"arn:aws:states:eu-central-1:123456789012:express:fast:run-2:0b4fd7c1-61b2-4c3a-a0a9-b4d5c53e56a2",
			"https://eu-central-1.console.aws.amazon.com/states/home?region=eu-central-1#/express-executions/details/arn:aws:states:eu-central-1:123456789012:express:fast:run-2:0b4fd7c1-61b2-4c3a-a0a9-b4d5c53e56a2"},
		{"arn:aws-eusc:states:eusc-de-east-1:123456789012:execution:orders:run-1",
			"https://console.amazonaws-eusc.eu/states/home?region=eusc-de-east-1#/v2/executions/details/arn:aws-eusc:states:eusc-de-east-1:123456789012:execution:orders:run-1"},
		{"arn:aws-eusc:states:eusc-de-east-1:123456789012:stateMachine:orders.v2:7",
			"https://console.amazonaws-eusc.eu/states/home?region=eusc-de-east-1#/statemachines/view/arn:aws-eusc:states:eusc-de-east-1:123456789012:stateMachine:orders.v2:7"},
		{"arn:aws:states:eu-west-1:123456789012:execution:orders/map-label:child-1",
			"https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:123456789012:execution:orders/map-label:child-1"},
	}
	for _, tt := range tests {
		t.Run(tt.arn, func(t *testing.T) {
			got, err := ConsoleURL(tt.arn)
			if err != nil || got != tt.want {
				t.Errorf("ConsoleURL(%q) = %q, %v; want %q", tt.arn, got, err, tt.want)
			}
		})
	}
}

func TestConsoleURLExpressStartDate(t *testing.T) {
	arn := "arn:aws:states:eu-west-1:123456789012:express:fast:run-2:0b4fd7c1-61b2-4c3a-a0a9-b4d5c53e56a2"
	got, err := consoleURL(arn, time.UnixMilli(1700000000123))
	want := "https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/express-executions/details/" + arn + "?startDate=1700000000123"
	if err != nil || got != want {
		t.Errorf("consoleURL(%q, start) = %q, %v; want %q", arn, got, err, want)
	}
}

func TestConsoleURLWithStart(t *testing.T) {
	express := "arn:aws:states:eu-west-1:123456789012:express:fast:run-2:0b4fd7c1-61b2-4c3a-a0a9-b4d5c53e56a2"
	start := time.UnixMilli(1700000000123)
	got, err := ConsoleURLWithStart(express, start)
	want := "https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/express-executions/details/" + express + "?startDate=1700000000123"
	if err != nil || got != want {
		t.Errorf("ConsoleURLWithStart(%q, start) = %q, %v; want %q", express, got, err, want)
	}
	for _, arn := range []string{express, "arn:aws:states:eu-west-1:123456789012:execution:orders:run-1",
		"arn:aws:states:eu-west-1:123456789012:stateMachine:orders"} {
		wantPlain, _ := ConsoleURL(arn)
		if got, err := ConsoleURLWithStart(arn, time.Time{}); err != nil || got != wantPlain {
			t.Errorf("ConsoleURLWithStart(%q, zero) = %q, %v; want %q", arn, got, err, wantPlain)
		}
		if arn == express {
			continue
		}
		if got, err := ConsoleURLWithStart(arn, start); err != nil || got != wantPlain {
			t.Errorf("ConsoleURLWithStart(%q, start) = %q, %v; want %q (the start is for Express runs)", arn, got, err, wantPlain)
		}
	}
}

func TestConsoleURLErrors(t *testing.T) {
	tests := []struct {
		arn  string
		kind error
	}{
		{"", ErrInvalidInput},
		{"not-an-arn", ErrInvalidInput},
		{"arn:aws:s3:::bucket/key", ErrInvalidInput},
		{"arn:aws:lambda:eu-west-1:123456789012:function:f", ErrInvalidInput},
		{"arn:aws:states:eu-west-1:123456789012:execution:orders", ErrInvalidInput},
		{"arn:aws:states:EU-WEST-1:123456789012:execution:orders:x", ErrInvalidInput},
		{"arn:aws:states:eu-west-1:12345:execution:orders:x", ErrInvalidInput},
		{"arn:aws:states:eu-west-1:123456789012:stateMachine:bad name", ErrInvalidInput},
		{"arn:aws:states:eu-west-1:123456789012:activity:worker", ErrNotSupported},
		{"arn:aws:states:eu-west-1:123456789012:mapRun:orders/items:1", ErrNotSupported},
		{"arn:aws-iso:states:us-iso-east-1:123456789012:execution:orders:x", ErrNotSupported},
		{"arn:aws-iso-e:states:eu-isoe-west-1:123456789012:execution:orders:x", ErrNotSupported},
		// An empty resource type is a malformed ARN, not an unsupported kind (issue 15).
		{"arn:aws:states:aa-a-0:000000000000::0", ErrInvalidInput},
		{"arn:aws:states:us-east-1:000000000000::0", ErrInvalidInput},
		{"arn:aws:states:us-east-1:000000000000:foo:0", ErrInvalidInput},
		// The partition must be the region's.
		{"arn:aws:states:eusc-de-east-1:123456789012:execution:orders:x", ErrInvalidInput},
		{"arn:aws-xx:states:eu-west-1:123456789012:execution:orders:x", ErrInvalidInput},
	}
	for _, tt := range tests {
		t.Run(tt.arn, func(t *testing.T) {
			got, err := ConsoleURL(tt.arn)
			if !errors.Is(err, tt.kind) {
				t.Errorf("ConsoleURL(%q) = %q, %v; want error %v", tt.arn, got, err, tt.kind)
			}
		})
	}
}
