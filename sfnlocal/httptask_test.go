package sfnlocal

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// httpMachine is a state machine whose one state is the HTTP Task task
// (a state definition without Next or End), ending the execution.
func httpMachine(task string) string {
	return `{"StartAt":"Call","States":{"Call":` + strings.Replace(task, `"Next":"Done"`, `"End":true`, 1) + `}}`
}

// secrets are the values of ordersConnection that must not leave the
// registered function: not in history, output, errors or TestState.
var secrets = []string{"c2VjcmV0", "k-secret", "s-secret"}

// TestHTTPTaskFunctionGetsMergedRequest: in an execution, the function
// registered for http:invoke gets the request as Step Functions sends it
// (the connection's headers, query parameters and body parameters merged
// in, its values winning), while the history keeps the arguments as
// written, without the connection's secrets.
func TestHTTPTaskFunctionGetsMergedRequest(t *testing.T) {
	srv, c := startServer(t, WithHTTPConnection(testConnection, ordersConnection), WithClock(newInstantClock()))
	var mu sync.Mutex
	var got json.RawMessage
	srv.RegisterTask("arn:aws:states:::http:invoke", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		mu.Lock()
		defer mu.Unlock()
		got = in
		return json.RawMessage(httpResult), nil
	})
	arn := createMachine(t, c, "http-merged", httpMachine(httpTask), types.StateMachineTypeStandard)
	run := startWith(t, c, arn, `{"id":"o-7"}`)
	d := waitDone(t, c, run)
	require.Equal(t, types.ExecutionStatusSucceeded, d.Status, aws.ToString(d.Cause))
	jsonEq(t, `{"status":201,"body":{"orderId":"o-7"}}`, d.Output, "output")

	mu.Lock()
	defer mu.Unlock()
	assert.JSONEq(t, `{"ApiEndpoint":"https://api.example.com/orders","Method":"POST",
		"Authentication":{"ConnectionArn":"`+testConnection+`"},
		"Headers":{"X-Order":"o-7","Authorization":"Basic c2VjcmV0","X-Trace":"from-connection",
			"User-Agent":"Amazon|StepFunctions|HttpInvoke|us-east-1","Range":"bytes=0-262144",
			"Content-Type":"application/json; charset=UTF-8"},
		"QueryParameters":{"api_key":"k-secret","page":"9","sort":"asc"},
		"RequestBody":{"id":"o-7","note":"from-connection","client_secret":"s-secret"}}`, string(got),
		"the registered function gets the request with the connection merged in")
	var req HTTPTaskRequest
	require.NoError(t, json.Unmarshal(got, &req))
	assert.Equal(t, "Basic c2VjcmV0", req.Headers["Authorization"], "HTTPTaskRequest reads what the function gets")
	assert.Equal(t, "https://api.example.com/orders?api_key=k-secret&page=9&sort=asc", req.URL())

	events := history(t, c, run)
	b, err := json.Marshal(events)
	require.NoError(t, err)
	for _, s := range secrets {
		assert.NotContains(t, string(b), s, "history")
	}
	assert.Contains(t, string(b), "from-task", "TaskScheduled keeps the arguments as written")
}

// TestHTTPTaskUnknownConnection: an HTTP Task whose ConnectionArn names no
// connection registered with WithHTTPConnection fails with AWS's
// Events.ConnectionResource.ResourceNotFound, in an execution and in an
// unmocked TestState; Catch matches it. A mocked TestState makes no call
// and so needs no connection.
func TestHTTPTaskUnknownConnection(t *testing.T) {
	srv, c := startServer(t, WithClock(newInstantClock()))
	var calls atomic.Int32
	srv.RegisterTask("arn:aws:states:::http:invoke", func(context.Context, json.RawMessage) (json.RawMessage, error) {
		calls.Add(1)
		return json.RawMessage(`{"StatusCode":200}`), nil
	})
	const task = `{"Type":"Task","Resource":"arn:aws:states:::http:invoke","End":true,
		"Parameters":{"ApiEndpoint":"https://api.example.com/x","Method":"GET",
			"Authentication":{"ConnectionArn":"` + testConnection + `"}}}`
	ctx := context.Background()

	arn := createMachine(t, c, "http-noconn", httpMachine(task), types.StateMachineTypeExpress)
	out, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &arn})
	require.NoError(t, err)
	assert.Equal(t, types.SyncExecutionStatusFailed, out.Status)
	assert.Equal(t, "Events.ConnectionResource.ResourceNotFound", aws.ToString(out.Error))
	assert.Contains(t, aws.ToString(out.Cause), testConnection)
	assert.Contains(t, aws.ToString(out.Cause), "WithHTTPConnection")

	caught := strings.Replace(task, `"End":true`, `"Catch":[{"ErrorEquals":["Events.ConnectionResource.ResourceNotFound"],
		"ResultPath":"$.error","Next":"Handled"}],"End":true`, 1)
	arn = createMachine(t, c, "http-noconn-caught", `{"StartAt":"Call","States":{"Call":`+caught+`,
		"Handled":{"Type":"Pass","OutputPath":"$.error.Error","End":true}}}`, types.StateMachineTypeExpress)
	out, err = c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &arn})
	require.NoError(t, err)
	assert.Equal(t, types.SyncExecutionStatusSucceeded, out.Status, aws.ToString(out.Cause))
	assert.Equal(t, `"Events.ConnectionResource.ResourceNotFound"`, aws.ToString(out.Output))

	ts, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(task), RoleArn: aws.String(testRole)})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusFailed, ts.Status)
	assert.Equal(t, "Events.ConnectionResource.ResourceNotFound", aws.ToString(ts.Error))
	assert.Equal(t, int32(0), calls.Load(), "no request is sent without its connection")

	ts, err = c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(task),
		Mock: &types.MockInput{Result: aws.String(`{"StatusCode":200}`)}})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusSucceeded, ts.Status, aws.ToString(ts.Cause))
}

// TestHTTPTaskForbiddenHeaders: the headers AWS does not let an HTTP Task
// set fail it with States.Runtime naming the header, whatever its case; the
// same names from the connection (an Authorization header) are its to set.
func TestHTTPTaskForbiddenHeaders(t *testing.T) {
	srv, c := startServer(t, WithClock(newInstantClock()), WithHTTPConnection(testConnection, ordersConnection))
	var calls atomic.Int32
	srv.RegisterTask("arn:aws:states:::http:invoke", func(context.Context, json.RawMessage) (json.RawMessage, error) {
		calls.Add(1)
		return json.RawMessage(`{"StatusCode":200}`), nil
	})
	task := func(header string) string {
		return `{"Type":"Task","Resource":"arn:aws:states:::http:invoke","End":true,
			"Parameters":{"ApiEndpoint":"https://api.example.com/x","Method":"GET",
				"Authentication":{"ConnectionArn":"` + testConnection + `"},"Headers":{"` + header + `":"v"}}}`
	}
	ctx := context.Background()
	mock := &types.MockInput{Result: aws.String(`{"StatusCode":200}`)}
	for _, h := range []string{"Host", "authorization", "Transfer-Encoding", "If-Match", "Cache-Control",
		"X-Amz-Date", "x-amzn-trace-id", "X-Forwarded-For", "Proxy-Authorization", "HTTP2-Settings"} {
		out, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(task(h)), Mock: mock})
		require.NoError(t, err, h)
		assert.Equal(t, types.TestExecutionStatusFailed, out.Status, h)
		assert.Equal(t, "States.Runtime", aws.ToString(out.Error), h)
		assert.Contains(t, aws.ToString(out.Cause), "'"+h+"'", h)
	}
	// Not on AWS's list: Content-Length, and names that only look alike.
	for _, h := range []string{"Content-Type", "Content-Length", "X-Request-Id", "X-Amzfoo", "Accept", "Forwarded-For"} {
		out, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(task(h)), Mock: mock})
		require.NoError(t, err, h)
		assert.Equal(t, types.TestExecutionStatusSucceeded, out.Status, "%s: %s", h, aws.ToString(out.Cause))
	}

	arn := createMachine(t, c, "http-host", httpMachine(task("Host")), types.StateMachineTypeExpress)
	out, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &arn})
	require.NoError(t, err)
	assert.Equal(t, types.SyncExecutionStatusFailed, out.Status)
	assert.Equal(t, "States.Runtime", aws.ToString(out.Error))
	assert.Contains(t, aws.ToString(out.Cause), "'Host'")
	assert.Equal(t, int32(0), calls.Load(), "a refused request is not sent")
}

// TestHTTPTaskStringBodyWithConnectionBody: a string RequestBody cannot
// take the connection's body parameters: AWS fails the task with
// States.Runtime. Without body parameters a string body is sent as is.
func TestHTTPTaskStringBodyWithConnectionBody(t *testing.T) {
	const other = "arn:aws:events:us-east-1:123456789012:connection/plain/1"
	_, c := startServer(t, WithHTTPConnection(testConnection, ordersConnection),
		WithHTTPConnection(other, HTTPConnection{Headers: map[string]string{"X-Api-Key": "k"}}))
	task := func(conn string) *string {
		return aws.String(`{"Type":"Task","Resource":"arn:aws:states:::http:invoke","End":true,
			"Parameters":{"ApiEndpoint":"https://api.example.com/x","Method":"POST",
				"Authentication":{"ConnectionArn":"` + conn + `"},"RequestBody":"plain text"}}`)
	}
	mock := &types.MockInput{Result: aws.String(`{"StatusCode":200}`)}
	out, err := c.TestState(context.Background(), &sfn.TestStateInput{Definition: task(testConnection), Mock: mock})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusFailed, out.Status)
	assert.Equal(t, "States.Runtime", aws.ToString(out.Error))
	assert.Contains(t, aws.ToString(out.Cause), "RequestBody")
	for _, s := range secrets {
		assert.NotContains(t, aws.ToString(out.Cause), s)
	}

	out, err = c.TestState(context.Background(), &sfn.TestStateInput{Definition: task(other), Mock: mock,
		InspectionLevel: types.InspectionLevelTrace})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusSucceeded, out.Status, aws.ToString(out.Cause))
	assert.Equal(t, `"plain text"`, aws.ToString(out.InspectionData.Request.Body))
}

// TestHTTPTaskInvocationConfig: InvocationConfig.ConnectionArn names the
// connection as Authentication.ConnectionArn does (AWS recommends it). The
// headers Step Functions sets replace the task's of the same name.
func TestHTTPTaskInvocationConfig(t *testing.T) {
	srv, c := startServer(t, WithHTTPConnection(testConnection, ordersConnection))
	var got atomic.Value
	srv.RegisterTask("arn:aws:states:::http:invoke", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		got.Store(string(in))
		return json.RawMessage(`{"StatusCode":200}`), nil
	})
	out, err := c.TestState(context.Background(), &sfn.TestStateInput{RoleArn: aws.String(testRole),
		Definition: aws.String(`{"Type":"Task","Resource":"arn:aws:states:::http:invoke","End":true,
			"Parameters":{"ApiEndpoint":"https://api.example.com/x","Method":"GET",
				"InvocationConfig":{"ConnectionArn":"` + testConnection + `"},
				"Headers":{"user-agent":"mine","Range":"bytes=0-1"}}}`)})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusSucceeded, out.Status, aws.ToString(out.Cause))
	var req HTTPTaskRequest
	require.NoError(t, json.Unmarshal([]byte(got.Load().(string)), &req))
	assert.Equal(t, testConnection, req.InvocationConfig.ConnectionArn)
	assert.Nil(t, req.Authentication)
	assert.Equal(t, "Basic c2VjcmV0", req.Headers["Authorization"])
	assert.NotContains(t, req.Headers, "user-agent")
	assert.Equal(t, "Amazon|StepFunctions|HttpInvoke|us-east-1", req.Headers["User-Agent"])
	assert.Equal(t, "bytes=0-262144", req.Headers["Range"])
}

// TestHTTPTaskStatusCodeError: a response whose StatusCode is not 2xx fails
// the task with States.Http.StatusCode.<code>, whether the registered
// function answered it in an execution or a mock in TestState, so Retry and
// Catch match it.
func TestHTTPTaskStatusCodeError(t *testing.T) {
	srv, c := startServer(t, WithClock(newInstantClock()), WithHTTPConnection(testConnection, ordersConnection))
	var calls atomic.Int32
	srv.RegisterTask("arn:aws:states:::http:invoke", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		var req HTTPTaskRequest
		if err := json.Unmarshal(in, &req); err != nil {
			return nil, err
		}
		n := calls.Add(1)
		switch {
		case strings.HasSuffix(req.APIEndpoint, "/missing"):
			return json.RawMessage(`{"StatusCode":404,"StatusText":"Not Found","ResponseBody":{"message":"no such order"}}`), nil
		case strings.HasSuffix(req.APIEndpoint, "/busy") && n == 1:
			return json.RawMessage(`{"StatusCode":503,"ResponseBody":"try later"}`), nil
		}
		return json.RawMessage(`{"StatusCode":200,"StatusText":"OK","ResponseBody":{"ok":true}}`), nil
	})
	task := func(path, handlers string) string {
		return `{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
			"Parameters":{"ApiEndpoint":"https://api.example.com` + path + `","Method":"GET",
				"Authentication":{"ConnectionArn":"` + testConnection + `"}},` + handlers + `"End":true}`
	}
	const retry = `"Retry":[{"ErrorEquals":["States.Http.StatusCode.503"],"IntervalSeconds":1,"MaxAttempts":2}],`
	const catch = `"Catch":[{"ErrorEquals":["States.Http.StatusCode.404"],"ResultPath":"$.error","Next":"NotFound"}],`
	ctx := context.Background()
	run := func(name, def string) *sfn.StartSyncExecutionOutput {
		t.Helper()
		arn := createMachine(t, c, name, def, types.StateMachineTypeExpress)
		out, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &arn})
		require.NoError(t, err)
		return out
	}

	out := run("http-404", httpMachine(task("/missing", "")))
	assert.Equal(t, types.SyncExecutionStatusFailed, out.Status)
	assert.Equal(t, "States.Http.StatusCode.404", aws.ToString(out.Error))
	assert.Equal(t, "Not Found", aws.ToString(out.Cause))

	out = run("http-404-caught", `{"StartAt":"Call","States":{"Call":`+
		strings.Replace(task("/missing", catch), `"End":true`, `"Next":"Done"`, 1)+`,
		"Done":{"Type":"Succeed"},"NotFound":{"Type":"Pass","OutputPath":"$.error","End":true}}}`)
	assert.Equal(t, types.SyncExecutionStatusSucceeded, out.Status, aws.ToString(out.Cause))
	jsonEq(t, `{"Error":"States.Http.StatusCode.404","Cause":"Not Found"}`, out.Output, "caught")

	calls.Store(0)
	out = run("http-503-retried", httpMachine(task("/busy", retry)))
	assert.Equal(t, types.SyncExecutionStatusSucceeded, out.Status, aws.ToString(out.Cause))
	assert.Equal(t, int32(2), calls.Load(), "the 503 is retried once")

	// TestState: a mocked 404 fails the state, a Retry makes it RETRIABLE,
	// a Catch CAUGHT_ERROR; TRACE still shows the response.
	mock404 := &types.MockInput{Result: aws.String(`{"StatusCode":404,"StatusText":"Not Found","ResponseBody":{"message":"no"}}`)}
	for _, tt := range []struct {
		handlers string
		status   types.TestExecutionStatus
	}{
		{"", types.TestExecutionStatusFailed},
		{`"Retry":[{"ErrorEquals":["States.Http.StatusCode.404"]}],`, types.TestExecutionStatusRetriable},
		{catch, types.TestExecutionStatusCaughtError},
	} {
		ts, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(task("/x", tt.handlers)), Mock: mock404,
			InspectionLevel: types.InspectionLevelTrace})
		require.NoError(t, err)
		assert.Equal(t, tt.status, ts.Status, tt.handlers)
		assert.Equal(t, "States.Http.StatusCode.404", aws.ToString(ts.Error), tt.handlers)
		assert.Equal(t, "Not Found", aws.ToString(ts.Cause), tt.handlers)
		require.NotNil(t, ts.InspectionData.Response, tt.handlers)
		assert.Equal(t, "404", aws.ToString(ts.InspectionData.Response.StatusCode))
		assert.JSONEq(t, `{"message":"no"}`, aws.ToString(ts.InspectionData.Response.Body))
	}
	if ts, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(task("/x", catch)), Mock: mock404}); assert.NoError(t, err) {
		assert.Equal(t, "NotFound", aws.ToString(ts.NextState))
		jsonEq(t, `{"error":{"Error":"States.Http.StatusCode.404","Cause":"Not Found"}}`, ts.Output, "caught output")
	}

	// Without StatusText, the cause is the status's reason phrase; an
	// unmocked TestState fails on the function's 404 as well.
	ts, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(task("/x", "")),
		Mock: &types.MockInput{Result: aws.String(`{"StatusCode":500}`)}})
	require.NoError(t, err)
	assert.Equal(t, "States.Http.StatusCode.500", aws.ToString(ts.Error))
	assert.Equal(t, "Internal Server Error", aws.ToString(ts.Cause))
	ts, err = c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(task("/missing", "")), RoleArn: aws.String(testRole),
		InspectionLevel: types.InspectionLevelTrace})
	require.NoError(t, err)
	assert.Equal(t, "States.Http.StatusCode.404", aws.ToString(ts.Error))
	require.NotNil(t, ts.InspectionData.Response)
	assert.Equal(t, "404", aws.ToString(ts.InspectionData.Response.StatusCode))
}

// TestHTTPTaskMockedStatusCodeError: a mock configuration's Return for an
// HTTP Task is the endpoint's response, so a non-2xx one fails the task as
// the response would.
func TestHTTPTaskMockedStatusCodeError(t *testing.T) {
	cfg, err := ParseMockConfig(strings.NewReader(`{
		"StateMachines":{"http-mocked":{"TestCases":{"Gone":{"Call":"Gone"}}}},
		"MockedResponses":{"Gone":{"0":{"Return":{"StatusCode":410,"StatusText":"Gone"}}}}}`))
	require.NoError(t, err)
	_, c := startServer(t, WithClock(newInstantClock()), WithMocks(cfg))
	arn := createMachine(t, c, "http-mocked", httpMachine(`{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
		"Parameters":{"ApiEndpoint":"https://api.example.com/x","Method":"GET",
			"Authentication":{"ConnectionArn":"`+testConnection+`"}},"End":true}`), types.StateMachineTypeStandard)
	d, _ := runCase(t, c, arn, "Gone")
	assert.Equal(t, types.ExecutionStatusFailed, d.Status)
	assert.Equal(t, "States.Http.StatusCode.410", aws.ToString(d.Error))
	assert.Equal(t, "Gone", aws.ToString(d.Cause))
}
