package sfnlocal

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseARN(t *testing.T) {
	tests := []struct {
		in      string
		ok      bool
		kind    arnKind
		machine string
		qual    string
		exec    string
	}{
		{"arn:aws:states:us-east-1:123456789012:stateMachine:m", true, kindStateMachine, "m", "", ""},
		{"arn:aws:states:us-east-1:123456789012:stateMachine:m:3", true, kindVersion, "m", "3", ""},
		{"arn:aws:states:us-east-1:123456789012:stateMachine:m:prod", true, kindAlias, "m", "prod", ""},
		{"arn:aws-cn:states:cn-north-1:123456789012:execution:m:e", true, kindExecution, "m", "", "e"},
		{"arn:aws:states:us-east-1:123456789012:express:m:e:u-u", true, kindExpress, "m", "u-u", "e"},
		{"arn:aws:states:us-east-1:123456789012:stateMachine:m:0", false, 0, "", "", ""},
		{"arn:aws:states:us-east-1:123456789012:stateMachine:", false, 0, "", "", ""},
		{"arn:aws:states:us-east-1:123456789012:activity:a", false, 0, "", "", ""},
		{"arn:aws:lambda:us-east-1:123456789012:function:f", false, 0, "", "", ""},
		{"arn:aws:states:us-east-1:123456789012:execution:m", false, 0, "", "", ""},
		{"arn:aws:states:::stateMachine:m", false, 0, "", "", ""},
		{"stateMachine:m", false, 0, "", "", ""},
		{"", false, 0, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, ok := parseARN(tt.in)
			if ok != tt.ok || ok && (p.kind != tt.kind || p.machine != tt.machine || p.qualifier != tt.qual || p.execution != tt.exec) {
				t.Errorf("parseARN(%q) = %+v, %v; want kind %d machine %q qualifier %q execution %q, %v", tt.in, p, ok, tt.kind, tt.machine, tt.qual, tt.exec, tt.ok)
			}
		})
	}
	if p, _ := parseARN("arn:aws:states:us-east-1:123456789012:stateMachine:m:prod"); p.base() != "arn:aws:states:us-east-1:123456789012:stateMachine:m" {
		t.Errorf("base() = %q", p.base())
	}
}

func TestCheckName(t *testing.T) {
	tests := []struct {
		name  string
		valid bool
	}{
		{"ok-name_1", true},
		{strings.Repeat("a", 80), true},
		{"ünïcode", true},
		{"", false},
		{strings.Repeat("a", 81), false},
		{"a b", false},
		{"a\tb", false},
		{"a\x01b", false},
		{"a\u0085b", false},
		{"a:b", false},
		{"a/b", false},
		{"a$b", false},
		{"a`b", false},
	}
	for _, tt := range tests {
		if got := checkName(tt.name) == ""; got != tt.valid {
			t.Errorf("checkName(%q) valid = %v, want %v (reason %q)", tt.name, got, tt.valid, checkName(tt.name))
		}
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "anything", true},
		{"abc", "abc", true},
		{"abc", "abcd", false},
		{"a*c", "abbbc", true},
		{"a*c", "abbbd", false},
		{"arn:*:stateMachine:x*", "arn:aws:states:r:a:stateMachine:xy", true},
		{"*:execution:*", "arn:aws:states:r:a:stateMachine:m", false},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXcYb", false},
		{"", "", true},
		{"", "a", false},
		{"**", "", true},
		{"a**", "a", true},
		{"*a", "bba", true},
		{"*a", "bab", false},
		{"*ab*ab", "xabyabab", true},
		// Many stars against a long non-match: a backtracking matcher takes exponential time here.
		{strings.Repeat("*a", 30) + "b", strings.Repeat("a", 5000), false},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestAccessKeyID(t *testing.T) {
	tests := []struct {
		header, want string
		ok           bool
	}{
		{testAuthz, "AKIDTEST", true},
		{"AWS4-HMAC-SHA256 Credential=ASIAX/20260101/eu-west-1/states/aws4_request,SignedHeaders=host,Signature=s", "ASIAX", true},
		{"AWS4-HMAC-SHA256 Credential=/x", "", false},
		{"Bearer token", "", false},
	}
	for _, tt := range tests {
		got, ok := accessKeyID(tt.header)
		if got != tt.want || ok != tt.ok {
			t.Errorf("accessKeyID(%q) = %q, %v; want %q, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

func TestLambdaFunctionName(t *testing.T) {
	tests := map[string]string{
		"greet":                       "greet",
		"greet:prod":                  "greet",
		"123456789012:function:greet": "greet",
		"arn:aws:lambda:us-east-1:123456789012:function:greet":         "greet",
		"arn:aws:lambda:us-east-1:123456789012:function:greet:$LATEST": "greet",
		"arn:aws:states:::my:task":                                     "",
	}
	for in, want := range tests {
		if got := lambdaFunctionName(in); got != want {
			t.Errorf("lambdaFunctionName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]bool{"arn:aws:states:::lambda:invoke": true, "arn:aws-cn:states:::lambda:invoke": true,
		"arn:aws:states:::lambda:invoke.waitForTaskToken": false, "arn:aws:states:::sqs:sendMessage": false} {
		if got := isLambdaInvoke(in); got != want {
			t.Errorf("isLambdaInvoke(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestEpochRoundTrip(t *testing.T) {
	for _, ts := range []time.Time{time.Unix(0, 0), time.Unix(1767323046, 500e6), time.Unix(1767323046, 1e6)} {
		b, err := json.Marshal(epoch(ts))
		if err != nil {
			t.Fatal(err)
		}
		var back epoch
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("Unmarshal(%s): %v", b, err)
		}
		if got := time.Time(back); got.Sub(ts).Abs() > time.Microsecond {
			t.Errorf("epoch round trip of %v via %s = %v", ts, b, got)
		}
	}
	var e epoch
	if err := json.Unmarshal([]byte(`"2026"`), &e); err == nil {
		t.Error(`Unmarshal("2026") = nil error, want one`)
	}
}

func TestPartitionOf(t *testing.T) {
	for region, want := range map[string]string{"us-east-1": "aws", "cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov"} {
		if got := partitionOf(region); got != want {
			t.Errorf("partitionOf(%q) = %q, want %q", region, got, want)
		}
	}
}

func TestScaledClock(t *testing.T) {
	clk := WithTimeScale(1000)
	var cfg config
	clk(&cfg)
	start := cfg.clock.Now()
	time.Sleep(5 * time.Millisecond)
	if elapsed := cfg.clock.Now().Sub(start); elapsed < 5*time.Second {
		t.Errorf("after 5ms of wall time the clock moved %v, want at least 5s", elapsed)
	}
	at := <-cfg.clock.After(10 * time.Second) // 10ms of wall time
	if at.Sub(start) < 10*time.Second {
		t.Errorf("After(10s) fired at +%v, want at least +10s", at.Sub(start))
	}
	before := cfg.clock
	WithTimeScale(0)(&cfg)
	if cfg.clock != before {
		t.Error("WithTimeScale(0) replaced the clock, want it ignored")
	}
}

func TestFaultDefaults(t *testing.T) {
	tests := []struct {
		fault      Fault
		wantStatus int
		wantCode   string
	}{
		{Fault{}, 500, "InternalFailure"},
		{Fault{Code: "InternalFailure"}, 500, "InternalFailure"},
		{Fault{Code: "ServiceUnavailable"}, 500, "ServiceUnavailable"},
		{Fault{Code: "KmsFault"}, 500, "KmsFault"},
		{Fault{Code: "SomeError"}, 500, "SomeError"},
		{Fault{Code: "ThrottlingException"}, 400, "ThrottlingException"},
		{Fault{Code: "ServiceUnavailable", Status: 503}, 503, "ServiceUnavailable"},
		{Fault{Status: 502}, 502, "InternalFailure"},
	}
	for _, tt := range tests {
		got := tt.fault.apiError()
		if got.Status != tt.wantStatus || got.Code != tt.wantCode || got.Message != "injected fault" {
			t.Errorf("%+v answers %d %s %q, want %d %s \"injected fault\"", tt.fault, got.Status, got.Code, got.Message, tt.wantStatus, tt.wantCode)
		}
	}
}
