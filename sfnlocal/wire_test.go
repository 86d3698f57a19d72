package sfnlocal

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions/internal/testkit"
)

const testAuthz = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=abc"

// httptestPost sends a well-formed request for op with body to h in process.
func httptestPost(h http.Handler, op, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Amz-Target", targetPrefix+op)
	req.Header.Set("Authorization", testAuthz)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestMalformedRequests(t *testing.T) {
	srv := New(withCompiler(fakeCompiler))
	defer srv.Close()
	good := func(r *http.Request) {
		r.Header.Set("Content-Type", contentType)
		r.Header.Set("X-Amz-Target", targetPrefix+"ListStateMachines")
		r.Header.Set("Authorization", testAuthz)
	}
	tests := []struct {
		name        string
		method      string
		path        string
		body        string
		edit        func(*http.Request)
		wantStatus  int
		wantCode    string
		wantMessage string
	}{
		{name: "GET", method: "GET", path: "/", edit: good, wantStatus: 405, wantCode: "UnknownOperationException", wantMessage: "GET"},
		{name: "wrong path", method: "POST", path: "/x", body: "{}", edit: good, wantStatus: 404, wantCode: "UnknownOperationException", wantMessage: "/x"},
		{name: "no target", method: "POST", path: "/", body: "{}", edit: func(r *http.Request) { good(r); r.Header.Del("X-Amz-Target") }, wantStatus: 400, wantCode: "UnknownOperationException", wantMessage: "X-Amz-Target"},
		{name: "unknown operation", method: "POST", path: "/", body: "{}", edit: func(r *http.Request) { good(r); r.Header.Set("X-Amz-Target", "AWSStepFunctions.Explode") }, wantStatus: 400, wantCode: "UnknownOperationException", wantMessage: "Explode"},
		{name: "other service", method: "POST", path: "/", body: "{}", edit: func(r *http.Request) { good(r); r.Header.Set("X-Amz-Target", "DynamoDB_20120810.ListTables") }, wantStatus: 400, wantCode: "UnknownOperationException", wantMessage: "DynamoDB"},
		{name: "wrong content type", method: "POST", path: "/", body: "{}", edit: func(r *http.Request) { good(r); r.Header.Set("Content-Type", "text/plain") }, wantStatus: 415, wantCode: "SerializationException", wantMessage: "text/plain"},
		{name: "unsigned", method: "POST", path: "/", body: "{}", edit: func(r *http.Request) { good(r); r.Header.Del("Authorization") }, wantStatus: 403, wantCode: "MissingAuthenticationTokenException", wantMessage: "Signature Version 4"},
		{name: "no credential", method: "POST", path: "/", body: "{}", edit: func(r *http.Request) { good(r); r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Signature=x") }, wantStatus: 403, wantCode: "IncompleteSignatureException", wantMessage: "Credential"},
		{name: "not JSON", method: "POST", path: "/", body: "{nope", edit: good, wantStatus: 400, wantCode: "SerializationException", wantMessage: "not a valid JSON"},
		{name: "array body", method: "POST", path: "/", body: "[1]", edit: good, wantStatus: 400, wantCode: "SerializationException", wantMessage: "request body must be a JSON object, not array"},
		{name: "null body", method: "POST", path: "/", body: "null", edit: good, wantStatus: 400, wantCode: "SerializationException", wantMessage: "request body must be a JSON object, not null"},
		{name: "member of another JSON type", method: "POST", path: "/", body: `{"nextToken":[1]}`, edit: good, wantStatus: 400, wantCode: "SerializationException", wantMessage: "member nextToken: cannot use a JSON array as a string"},
		{name: "trailing data", method: "POST", path: "/", body: "{} {}", edit: good, wantStatus: 400, wantCode: "SerializationException", wantMessage: "after the JSON"},
		{name: "wrong member type", method: "POST", path: "/", body: `{"maxResults":"ten"}`, edit: good, wantStatus: 400, wantCode: "SerializationException", wantMessage: "maxResults"},
		{name: "too large", method: "POST", path: "/", body: `{"nextToken":"` + strings.Repeat("a", maxRequestBytes) + `"}`, edit: good, wantStatus: 413, wantCode: "RequestEntityTooLargeException", wantMessage: "limit"},
		{name: "missing member", method: "POST", path: "/", body: `{}`, edit: func(r *http.Request) { good(r); r.Header.Set("X-Amz-Target", targetPrefix+"DescribeExecution") }, wantStatus: 400, wantCode: "ValidationException", wantMessage: "'executionArn'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			tt.edit(req)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			var body struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("error body %q is not JSON: %v", rec.Body.String(), err)
			}
			if rec.Code != tt.wantStatus || rec.Header().Get("X-Amzn-ErrorType") != tt.wantCode ||
				body.Type != errorNamespace+tt.wantCode || !strings.Contains(body.Message, tt.wantMessage) {
				t.Errorf("%s %s = %d %s %+v, want %d %s mentioning %q", tt.method, tt.path, rec.Code,
					rec.Header().Get("X-Amzn-ErrorType"), body, tt.wantStatus, tt.wantCode, tt.wantMessage)
			}
		})
	}
	t.Run("empty body is an empty object", func(t *testing.T) {
		if rec := httptestPost(srv, "ListStateMachines", ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"stateMachines":[]`) {
			t.Errorf("ListStateMachines(empty body) = %d %s", rec.Code, rec.Body.String())
		}
	})
}

func TestTimestampsAreEpochSeconds(t *testing.T) {
	clk := NewManualClock(testStart)
	srv := New(withCompiler(fakeCompiler), WithClock(clk))
	defer srv.Close()
	clk.Advance(1500 * time.Millisecond)
	rec := httptestPost(srv, "CreateStateMachine", `{"name":"t","definition":`+jsonString(echoDef)+`,"roleArn":"`+testRole+`"}`)
	var out map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if want := "1767323046.5"; string(out["creationDate"]) != want {
		t.Errorf("creationDate = %s, want %s (epoch seconds)", out["creationDate"], want)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestThrottling(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testStart)
	tests := []struct {
		region string
		burst  int
		refill int // DescribeStateMachine tokens per second
	}{
		{"us-east-1", 200, 20},
		{"ap-south-1", 200, 20},
	}
	for _, tt := range tests {
		t.Run(tt.region, func(t *testing.T) {
			srv, c := startServer(t, withCompiler(fakeCompiler), WithClock(clk), WithThrottling(tt.region))
			arn := createMachine(t, c, "m", echoDef, "")
			describeN := func(n int) (ok, throttled int) {
				for range n {
					_, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &arn})
					switch {
					case err == nil:
						ok++
					case errorCode(err) == "ThrottlingException" && errorMessage(err) == "Rate exceeded":
						throttled++
					default:
						t.Fatalf("DescribeStateMachine: %v", err)
					}
				}
				return ok, throttled
			}
			if ok, thr := describeN(tt.burst + 5); ok != tt.burst || thr != 5 {
				t.Errorf("burst: %d ok, %d throttled; want %d, 5", ok, thr, tt.burst)
			}
			clk.Advance(time.Second)
			if ok, thr := describeN(tt.refill + 1); ok != tt.refill || thr != 1 {
				t.Errorf("after 1s: %d ok, %d throttled; want %d, 1", ok, thr, tt.refill)
			}
			if got := srv.Calls("DescribeStateMachine"); got != tt.burst+tt.refill+6 {
				t.Errorf("Calls(DescribeStateMachine) = %d, want %d", got, tt.burst+tt.refill+6)
			}
		})
	}
	t.Run("bursts by region and bucket", func(t *testing.T) {
		bursts := []struct {
			region, bucket string
			want           int
		}{
			{"eu-west-1", "ListExecutions", 200},
			{"eu-central-1", "ListExecutions", 100},
			{"us-west-2", bucketStartStandard, 1300},
			{"ap-northeast-1", bucketStartStandard, 800},
			{"ap-northeast-1", bucketStartExpress, 6000},
			{"us-east-1", "ListStateMachineVersions", 100},
			{"us-east-1", "StartSyncExecution", -1}, // no published quota: never throttled
		}
		for _, tt := range bursts {
			srv := New(withCompiler(fakeCompiler), WithClock(clk), WithThrottling(tt.region))
			n := 0
			for srv.take(tt.bucket) == nil && n < 10000 {
				n++
			}
			srv.Close()
			if tt.want < 0 && n != 10000 || tt.want >= 0 && n != tt.want {
				t.Errorf("%s %s burst = %d, want %d", tt.region, tt.bucket, n, tt.want)
			}
		}
	})
}

func TestFaultInjection(t *testing.T) {
	ctx := context.Background()
	srv, c := startServer(t, withCompiler(fakeCompiler),
		WithFault(Fault{Operation: "ListStateMachines", Call: 2, Code: "ServiceUnavailable", Status: 503}),
		WithFault(Fault{Operation: "DescribeStateMachine", Call: 1, Code: "StateMachineDoesNotExist"}),
		WithFault(Fault{Operation: "StartExecution", Call: 1, DropConnection: true}),
	)
	arn := createMachine(t, c, "m", echoDef, "")
	for i, want := range []string{"", "ServiceUnavailable", ""} {
		_, err := c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{})
		if errorCode(err) != want {
			t.Errorf("ListStateMachines call %d error = %v, want %q", i+1, err, want)
		}
	}
	_, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &arn})
	if !errAs[*types.StateMachineDoesNotExist](err) {
		t.Errorf("DescribeStateMachine error = %v, want injected StateMachineDoesNotExist", err)
	}
	_, err = c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn, Name: aws.String("ambiguous")})
	if err == nil {
		t.Fatal("StartExecution with a dropped connection succeeded")
	}
	// The request was processed: the execution exists.
	exArn := strings.Replace(arn, "stateMachine", "execution", 1) + ":ambiguous"
	waitDone(t, c, exArn)
	if n := srv.Calls("StartExecution"); n != 1 {
		t.Errorf("Calls(StartExecution) = %d, want 1", n)
	}
	counts := srv.CallCounts()
	if counts["ListStateMachines"] != 3 || counts["CreateStateMachine"] != 1 {
		t.Errorf("CallCounts = %v", counts)
	}
}

func TestLatency(t *testing.T) {
	clk := NewManualClock(testStart)
	srv := New(withCompiler(fakeCompiler), WithClock(clk), WithLatency("ListStateMachines", 3*time.Second))
	defer srv.Close()
	done := make(chan int)
	go func() { done <- httptestPost(srv, "ListStateMachines", "{}").Code }()
	waitFor(t, "the call to wait on the clock", func() bool { return len(clk.Waits()) == 1 })
	select {
	case code := <-done:
		t.Fatalf("call answered %d before its latency elapsed", code)
	default:
	}
	clk.Advance(3 * time.Second)
	if code := <-done; code != 200 {
		t.Errorf("call answered %d, want 200", code)
	}
	if rec := httptestPost(srv, "CreateStateMachine", "{}"); rec.Code != 400 || len(clk.Waits()) != 1 {
		t.Errorf("other operation: %d, %d clock waits; want an immediate answer", rec.Code, len(clk.Waits()))
	}
}

func TestEventualConsistency(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testStart)
	_, c := startServer(t, withCompiler(fakeCompiler), WithClock(clk), WithEventualConsistency(2*time.Second))
	arn := createMachine(t, c, "m", blockDef, "")
	out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: out.ExecutionArn})
	if !errAs[*types.ExecutionDoesNotExist](err) {
		t.Errorf("DescribeExecution right after start error = %v, want ExecutionDoesNotExist", err)
	}
	clk.Advance(2 * time.Second)
	if d := describe(t, c, aws.ToString(out.ExecutionArn)); d.Status != types.ExecutionStatusRunning {
		t.Errorf("status = %s, want RUNNING", d.Status)
	}
}

func TestCredentials(t *testing.T) {
	ctx := context.Background()
	srv := New(withCompiler(fakeCompiler), WithAccessKeys("AKIDGOOD"),
		WithDeny(DenyRule{Action: "states:StartExecution", Resource: "arn:aws:states:*:stateMachine:secret*"}))
	defer srv.Close()
	endpoint, err := srv.Listen("")
	if err != nil {
		t.Fatal(err)
	}
	good, bad := newClient(endpoint, "AKIDGOOD"), newClient(endpoint, "AKIDBAD")
	_, err = bad.ListStateMachines(ctx, &sfn.ListStateMachinesInput{})
	if errorCode(err) != "UnrecognizedClientException" || errorMessage(err) != "The security token included in the request is invalid." {
		t.Errorf("unknown key error = %v, want UnrecognizedClientException", err)
	}
	if strings.Contains(err.Error(), "not-a-secret") {
		t.Errorf("error %q leaks the secret key", err)
	}
	secret := createMachine(t, good, "secret-plans", echoDef, "")
	open := createMachine(t, good, "open", echoDef, "")
	_, err = good.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &secret})
	want := "User: arn:aws:iam::123456789012:user/sfnlocal is not authorized to perform: states:StartExecution on resource: " + secret +
		" because no identity-based policy allows the states:StartExecution action"
	if errorCode(err) != "AccessDeniedException" || errorMessage(err) != want {
		t.Errorf("denied StartExecution error = %v, want AccessDeniedException %q", err, want)
	}
	if _, err := good.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &open}); err != nil {
		t.Errorf("StartExecution(open): %v", err)
	}
	if _, err := good.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &secret}); err != nil {
		t.Errorf("DescribeStateMachine(secret) is not denied but failed: %v", err)
	}
}

func TestListenAndServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- ListenAndServe(ctx, "127.0.0.1:0", withCompiler(fakeCompiler)) }()
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("ListenAndServe = %v, want nil after cancel", err)
	}
	if err := ListenAndServe(context.Background(), "256.0.0.1:bad"); err == nil {
		t.Error("ListenAndServe(bad addr) = nil, want an error")
	}
}

func TestListenAddresses(t *testing.T) {
	srv := New()
	defer srv.Close()
	for _, addr := range []string{"", ":0", "127.0.0.1:0"} {
		endpoint, err := srv.Listen(addr)
		if err != nil || !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
			t.Errorf("Listen(%q) = %q, %v; want a loopback endpoint", addr, endpoint, err)
		}
	}
	if _, err := srv.Listen("no-port"); err == nil {
		t.Error(`Listen("no-port") = nil error`)
	}
}

// FuzzServeHTTP checks that no request body makes any operation panic, hang
// or answer anything but JSON.
func FuzzServeHTTP(f *testing.F) {
	for _, seed := range []string{`{}`, `{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:m"}`,
		`{"maxResults":-1}`, `{"nextToken":"a.b"}`, `[]`, `null`, `{"executionArn":"arn:aws:states:x:y:express:a:b:c"}`,
		`{"name":"m","definition":"{\"Fake\":\"echo\"}","roleArn":"arn:aws:iam::1:role/r"}`} {
		for _, op := range Operations() {
			f.Add(op, seed)
		}
	}
	srv := New(withCompiler(fakeCompiler))
	defer srv.Close()
	f.Fuzz(func(t *testing.T, op, body string) {
		if _, ok := operations[op]; !ok {
			op = "ListStateMachines"
		}
		if op == "StartSyncExecution" || op == "StopExecution" {
			op = "DescribeExecution" // may block on a fake program by design
		}
		rec := httptestPost(srv, op, body)
		if rec.Code >= 500 {
			t.Errorf("%s(%q) answered %d: %s", op, body, rec.Code, rec.Body.String())
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Errorf("%s(%q) answered non-JSON %q", op, body, rec.Body.String())
		}
	})
}

func TestRegionAccountAndLogger(t *testing.T) {
	var logs testkit.LockedBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := New(withCompiler(fakeCompiler), WithRegion("cn-north-1"), WithAccountID("210987654321"), WithLogger(logger))
	endpoint, err := srv.Listen("")
	if err != nil {
		t.Fatal(err)
	}
	c := sfn.New(newClient(endpoint, "AKIDLOGGED").Options(), func(o *sfn.Options) { o.Region = "cn-north-1" })
	arn := createMachine(t, c, "china", echoDef, "")
	if want := "arn:aws-cn:states:cn-north-1:210987654321:stateMachine:china"; arn != want {
		t.Errorf("stateMachineArn = %q, want %q", arn, want)
	}
	out, err := c.StartExecution(context.Background(), &sfn.StartExecutionInput{StateMachineArn: &arn, Name: aws.String("e")})
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws-cn:states:cn-north-1:210987654321:execution:china:e"; aws.ToString(out.ExecutionArn) != want {
		t.Errorf("executionArn = %q, want %q", aws.ToString(out.ExecutionArn), want)
	}
	_, _ = c.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	got := logs.String()
	for _, want := range []string{endpoint, "operation=CreateStateMachine", "code=InvalidArn"} {
		if !strings.Contains(got, want) {
			t.Errorf("logs lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "not-a-secret") || strings.Contains(got, "Signature") {
		t.Errorf("logs leak credentials:\n%s", got)
	}
}
