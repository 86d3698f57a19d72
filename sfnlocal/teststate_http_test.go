package sfnlocal

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testConnection = "arn:aws:events:us-east-1:123456789012:connection/orders/0f7c"

// ordersConnection holds secrets in each of the three places a connection
// adds to a request, one of each overriding what the task sets.
var ordersConnection = HTTPConnection{
	Headers:         map[string]string{"Authorization": "Basic c2VjcmV0", "X-Trace": "from-connection"},
	QueryParameters: map[string]string{"api_key": "k-secret", "page": "9"},
	BodyParameters:  map[string]string{"client_secret": "s-secret", "note": "from-connection"},
}

// httpTask is a JSONPath HTTP Task with every request field.
const httpTask = `{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
	"Parameters":{"ApiEndpoint":"https://api.example.com/orders","Method":"POST",
		"Authentication":{"ConnectionArn":"` + testConnection + `"},
		"Headers":{"X-Trace":"from-task","X-Order.$":"$.id"},
		"QueryParameters":{"page":1,"sort":"asc"},
		"RequestBody":{"id.$":"$.id","note":"from-task"}},
	"ResultSelector":{"status.$":"$.StatusCode","body.$":"$.ResponseBody"},
	"Retry":[{"ErrorEquals":["States.Http.StatusCode.503"],"MaxAttempts":2}],
	"Next":"Done"}`

const httpResult = `{"StatusCode":201,"StatusText":"Created","Headers":{"Content-Type":["application/json"],"X-Request-Id":"r-1"},
	"ResponseBody":{"orderId":"o-7"}}`

func TestTestStateHTTPTaskTrace(t *testing.T) {
	_, c := startServer(t, WithHTTPConnection(testConnection, ordersConnection))
	ctx := context.Background()
	out, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(httpTask), Input: aws.String(`{"id":"o-7"}`),
		Mock: &types.MockInput{Result: aws.String(httpResult)}, InspectionLevel: types.InspectionLevelTrace})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusSucceeded, out.Status)
	assert.Equal(t, "Done", aws.ToString(out.NextState))
	jsonEq(t, `{"status":201,"body":{"orderId":"o-7"}}`, out.Output, "output: the mock is the response")

	req := out.InspectionData.Request
	require.NotNil(t, req, "TRACE shows the request")
	assert.Equal(t, "https", aws.ToString(req.Protocol))
	assert.Equal(t, "POST", aws.ToString(req.Method))
	// Without revealSecrets, nothing the connection adds is shown: not its
	// api_key, not its page (which the request sends instead of the task's).
	assert.Equal(t, "https://api.example.com/orders?sort=asc", aws.ToString(req.Url))
	assert.Equal(t, "[X-Order: o-7, User-Agent: Amazon|StepFunctions|HttpInvoke|us-east-1, Range: bytes=0-262144, "+
		"Content-Type: application/json; charset=UTF-8]", aws.ToString(req.Headers))
	assert.JSONEq(t, `{"id":"o-7"}`, aws.ToString(req.Body))
	for _, secret := range []string{"c2VjcmV0", "k-secret", "s-secret", "from-connection", "Authorization", "api_key"} {
		assert.NotContains(t, aws.ToString(req.Url)+aws.ToString(req.Headers)+aws.ToString(req.Body), secret)
	}

	resp := out.InspectionData.Response
	require.NotNil(t, resp, "TRACE shows the response")
	assert.Equal(t, "https", aws.ToString(resp.Protocol))
	assert.Equal(t, "201", aws.ToString(resp.StatusCode))
	assert.Equal(t, "Created", aws.ToString(resp.StatusMessage))
	assert.Equal(t, "[Content-Type: application/json, X-Request-Id: r-1]", aws.ToString(resp.Headers))
	assert.JSONEq(t, `{"orderId":"o-7"}`, aws.ToString(resp.Body))

	// DEBUG has no request or response.
	out, err = c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(httpTask), Input: aws.String(`{"id":"o-7"}`),
		Mock: &types.MockInput{Result: aws.String(httpResult)}, InspectionLevel: types.InspectionLevelDebug})
	require.NoError(t, err)
	assert.Nil(t, out.InspectionData.Request)
	assert.Nil(t, out.InspectionData.Response)

	// A mocked error: the request was built, there is no response.
	out, err = c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(httpTask), Input: aws.String(`{"id":"o-7"}`),
		Mock:            &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("States.Http.StatusCode.503")}},
		InspectionLevel: types.InspectionLevelTrace})
	require.NoError(t, err)
	assert.Equal(t, types.TestExecutionStatusRetriable, out.Status)
	assert.NotNil(t, out.InspectionData.Request)
	assert.Nil(t, out.InspectionData.Response)
}

func TestTestStateHTTPTaskRevealSecrets(t *testing.T) {
	srv, c := startServer(t, WithHTTPConnection(testConnection, ordersConnection))
	var got json.RawMessage
	srv.RegisterTask("arn:aws:states:::http:invoke", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		got = in
		return json.RawMessage(httpResult), nil
	})
	ctx := context.Background()
	for _, reveal := range []bool{false, true} {
		out, err := c.TestState(ctx, &sfn.TestStateInput{Definition: aws.String(httpTask), Input: aws.String(`{"id":"o-7"}`),
			RoleArn: aws.String(testRole), RevealSecrets: reveal, InspectionLevel: types.InspectionLevelTrace})
		require.NoError(t, err, "reveal=%v", reveal)
		assert.Equal(t, types.TestExecutionStatusSucceeded, out.Status)
		// The function answers for the endpoint: it gets the request as
		// sent, secrets included, whatever revealSecrets says.
		assert.JSONEq(t, `{"ApiEndpoint":"https://api.example.com/orders","Method":"POST",
			"Authentication":{"ConnectionArn":"`+testConnection+`"},
			"Headers":{"X-Order":"o-7","Authorization":"Basic c2VjcmV0","X-Trace":"from-connection",
				"User-Agent":"Amazon|StepFunctions|HttpInvoke|us-east-1","Range":"bytes=0-262144",
				"Content-Type":"application/json; charset=UTF-8"},
			"QueryParameters":{"api_key":"k-secret","page":"9","sort":"asc"},
			"RequestBody":{"id":"o-7","note":"from-connection","client_secret":"s-secret"}}`, string(got),
			"the registered function gets the request with the connection merged in")
		req := out.InspectionData.Request
		require.NotNil(t, req)
		if !reveal {
			assert.NotContains(t, aws.ToString(req.Headers), "Basic c2VjcmV0")
			continue
		}
		// The request as sent: the connection's values win over the task's.
		assert.Equal(t, "https://api.example.com/orders?api_key=k-secret&page=9&sort=asc", aws.ToString(req.Url))
		assert.Equal(t, "[X-Order: o-7, Authorization: Basic c2VjcmV0, X-Trace: from-connection, "+
			"User-Agent: Amazon|StepFunctions|HttpInvoke|us-east-1, Range: bytes=0-262144, "+
			"Content-Type: application/json; charset=UTF-8]", aws.ToString(req.Headers))
		assert.JSONEq(t, `{"id":"o-7","note":"from-connection","client_secret":"s-secret"}`, aws.ToString(req.Body))
		assert.Equal(t, "201", aws.ToString(out.InspectionData.Response.StatusCode))
	}
}

func TestTestStateHTTPTaskURLEncoded(t *testing.T) {
	_, c := startServer(t, WithRegion("eu-west-1"))
	task := func(format string) string {
		transform := `"Transform":{"RequestBodyEncoding":"URL_ENCODED"`
		if format != "" {
			transform += `,"RequestEncodingOptions":{"ArrayFormat":"` + format + `"}`
		}
		return `{"Type":"Task","Resource":"arn:aws:states:::http:invoke","QueryLanguage":"JSONata","End":true,
			"Arguments":{"ApiEndpoint":"https://api.example.com/form","Method":"PUT",
				"Authentication":{"ConnectionArn":"arn:aws:events:eu-west-1:123456789012:connection/none/1"},
				"RequestBody":{"tags":["a","b"],"name":"{% $states.input.name %}","dims":{"w":2}},` + transform + `}}}`
	}
	for _, tt := range []struct{ format, body string }{
		{"", "dims%5Bw%5D=2&name=tea+pot&tags%5B0%5D=a&tags%5B1%5D=b"}, // INDICES is the default
		{"INDICES", "dims%5Bw%5D=2&name=tea+pot&tags%5B0%5D=a&tags%5B1%5D=b"},
		{"BRACKETS", "dims%5Bw%5D=2&name=tea+pot&tags%5B%5D=a&tags%5B%5D=b"},
		{"REPEAT", "dims%5Bw%5D=2&name=tea+pot&tags=a&tags=b"},
		{"COMMAS", "dims%5Bw%5D=2&name=tea+pot&tags=a%2Cb"},
	} {
		out, err := c.TestState(context.Background(), &sfn.TestStateInput{Definition: aws.String(task(tt.format)),
			Input: aws.String(`{"name":"tea pot"}`), Mock: &types.MockInput{Result: aws.String(`{"StatusCode":200}`)},
			InspectionLevel: types.InspectionLevelTrace})
		require.NoError(t, err, tt.format)
		req := out.InspectionData.Request
		assert.Equal(t, tt.body, aws.ToString(req.Body), tt.format)
		assert.Equal(t, "PUT", aws.ToString(req.Method))
		assert.Equal(t, "[User-Agent: Amazon|StepFunctions|HttpInvoke|eu-west-1, Range: bytes=0-262144, "+
			"Content-Type: application/x-www-form-urlencoded]", aws.ToString(req.Headers), tt.format)
	}
}

func TestTestStateHTTPTaskRefusals(t *testing.T) {
	_, c := startServer(t)
	ctx := context.Background()
	task := func(args string) *string {
		return aws.String(`{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Parameters":` + args + `,"End":true}`)
	}
	const auth = `"Authentication":{"ConnectionArn":"` + testConnection + `"}`
	mock := &types.MockInput{Result: aws.String(`{"StatusCode":200}`)}

	// No mock and nothing registered: no network call, a clear refusal.
	_, err := c.TestState(ctx, &sfn.TestStateInput{RoleArn: aws.String(testRole),
		Definition: task(`{"ApiEndpoint":"https://api.example.com","Method":"GET",` + auth + `}`)})
	assertAPIError(t, err, "ValidationException", "needs a mock here: sfnlocal makes no network calls")

	for _, tt := range []struct{ name, args, cause string }{
		{"no endpoint", `{"Method":"GET",` + auth + `}`, "ApiEndpoint is required"},
		{"no method", `{"ApiEndpoint":"https://a.example.com",` + auth + `}`, "Method is required"},
		{"no connection", `{"ApiEndpoint":"https://a.example.com","Method":"GET"}`,
			"InvocationConfig.ConnectionArn or Authentication.ConnectionArn is required"},
		{"no connection ARN", `{"ApiEndpoint":"https://a.example.com","Method":"GET","InvocationConfig":{}}`,
			"InvocationConfig.ConnectionArn is required"},
		{"two connections", `{"ApiEndpoint":"https://a.example.com","Method":"GET",` + auth +
			`,"InvocationConfig":{"ConnectionArn":"x"}}`, "set Authentication or InvocationConfig, not both"},
		{"bad method", `{"ApiEndpoint":"https://a.example.com","Method":"FETCH",` + auth + `}`, "Method 'FETCH' is not one of"},
		{"bad URL", `{"ApiEndpoint":"ftp://a.example.com","Method":"GET",` + auth + `}`, "is not an http or https URL"},
		{"bad encoding", `{"ApiEndpoint":"https://a.example.com","Method":"POST",` + auth +
			`,"RequestBody":[1],"Transform":{"RequestBodyEncoding":"URL_ENCODED"}}`, "a URL_ENCODED RequestBody must be a JSON object"},
		{"bad array format", `{"ApiEndpoint":"https://a.example.com","Method":"POST",` + auth +
			`,"Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"PIPES"}}}`, "ArrayFormat 'PIPES'"},
		{"endpoint not a string", `{"ApiEndpoint":7,"Method":"GET",` + auth + `}`, "ApiEndpoint must not be a JSON number"},
		{"headers not an object", `{"ApiEndpoint":"https://a.example.com","Method":"GET",` + auth + `,"Headers":[1]}`,
			"Headers must not be a JSON array"},
		{"header not a scalar", `{"ApiEndpoint":"https://a.example.com","Method":"GET",` + auth + `,"Headers":{"X":{}}}`,
			"Headers.X must be a string, a number or a boolean"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.TestState(ctx, &sfn.TestStateInput{Definition: task(tt.args), Mock: mock})
			require.NoError(t, err)
			assert.Equal(t, types.TestExecutionStatusFailed, out.Status)
			assert.Equal(t, "States.Runtime", aws.ToString(out.Error))
			assert.Contains(t, aws.ToString(out.Cause), tt.cause)
		})
	}

	// A mocked result of the wrong shape is refused, as for other integrations.
	_, err = c.TestState(ctx, &sfn.TestStateInput{Mock: &types.MockInput{Result: aws.String(`{"StatusCode":"200"}`)},
		Definition: task(`{"ApiEndpoint":"https://a.example.com","Method":"GET",` + auth + `}`)})
	assertAPIError(t, err, "ValidationException", "Field 'StatusCode' must be a number")
}

func TestHTTPConnectionLogValueHidesSecrets(t *testing.T) {
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("connection", "conn", ordersConnection)
	for _, secret := range []string{"c2VjcmV0", "k-secret", "s-secret", "from-connection"} {
		assert.NotContains(t, b.String(), secret)
	}
	assert.Contains(t, b.String(), "Authorization")
	assert.Contains(t, b.String(), "api_key")
}

// TestHTTPTaskRequestLogValueHidesSecrets: an HTTPTaskRequest logs its
// method, its endpoint without query or user information, and its header
// names, never a header value, query parameter or body.
func TestHTTPTaskRequestLogValueHidesSecrets(t *testing.T) {
	req := HTTPTaskRequest{APIEndpoint: "https://user:pw-secret@api.example.com/orders?token=q-secret", Method: "POST",
		Headers:         map[string]string{"Authorization": "Basic h-secret", "X-Trace": "t-1"},
		QueryParameters: map[string]string{"api_key": "k-secret"},
		RequestBody:     json.RawMessage(`{"client_secret":"b-secret"}`)}
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("call", "req", req)
	for _, secret := range []string{"pw-secret", "q-secret", "h-secret", "t-1", "k-secret", "b-secret", "api_key", "client_secret"} {
		assert.NotContains(t, b.String(), secret)
	}
	assert.Contains(t, b.String(), `"req":{"method":"POST","endpoint":"https://api.example.com/orders","headers":["Authorization","X-Trace"]}`)
}

// TestHTTPTaskInExecution: an execution's HTTP Task has its arguments
// checked as TestState checks them (a missing Method fails the state with
// States.Runtime naming it), and the function registered for the resource
// answers a valid one. The connection is registered: an execution's HTTP
// Task fails without it, as on AWS (TestHTTPTaskUnknownConnection).
func TestHTTPTaskInExecution(t *testing.T) {
	const connARN = "arn:aws:events:us-east-1:123456789012:connection/c/1"
	srv, c := startServer(t, WithHTTPConnection(connARN, HTTPConnection{}))
	var calls atomic.Int32
	srv.RegisterTask("arn:aws:states:::http:invoke", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		calls.Add(1)
		return json.RawMessage(`{"StatusCode":200,"StatusText":"OK","ResponseBody":{"ok":true}}`), nil
	})
	def := func(args string) string {
		return `{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
			"Parameters":` + args + `,"OutputPath":"$.ResponseBody","End":true}}}`
	}
	const conn = `"Authentication":{"ConnectionArn":"` + connARN + `"}`
	good := createMachine(t, c, "http-good", def(`{"ApiEndpoint":"https://api.example.com/x","Method":"GET",`+conn+`}`),
		types.StateMachineTypeExpress)
	out, err := c.StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{StateMachineArn: &good})
	require.NoError(t, err)
	assert.Equal(t, types.SyncExecutionStatusSucceeded, out.Status, aws.ToString(out.Cause))
	assert.JSONEq(t, `{"ok":true}`, aws.ToString(out.Output))

	bad := createMachine(t, c, "http-bad", def(`{"ApiEndpoint":"https://api.example.com/x",`+conn+`}`),
		types.StateMachineTypeExpress)
	out, err = c.StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{StateMachineArn: &bad})
	require.NoError(t, err)
	assert.Equal(t, types.SyncExecutionStatusFailed, out.Status)
	assert.Equal(t, "States.Runtime", aws.ToString(out.Error))
	assert.Contains(t, aws.ToString(out.Cause), "Method is required")
	assert.Equal(t, int32(1), calls.Load(), "the function answers the valid request only")
}
