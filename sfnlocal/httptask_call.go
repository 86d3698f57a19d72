package sfnlocal

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

// HTTPTaskRequest is the JSON that the function registered with
// Server.RegisterTask for arn:aws:states:::http:invoke gets: the request
// the HTTP Task sends, in the field names of the task's arguments, with
// the connection the task names (WithHTTPConnection) merged in. Unmarshal
// the function's input into it. Headers, QueryParameters and RequestBody
// hold secrets when the connection does: logging an HTTPTaskRequest prints
// its method, endpoint and header names only.
type HTTPTaskRequest struct {
	// APIEndpoint is the task's ApiEndpoint as written (JSON
	// "ApiEndpoint"); URL adds the query parameters.
	APIEndpoint string `json:"ApiEndpoint"`
	// Method is the task's Method: GET, POST, PUT, DELETE, PATCH, OPTIONS
	// or HEAD.
	Method string `json:"Method"`
	// Authentication or InvocationConfig, as the task sets it, names the
	// connection.
	Authentication   *HTTPConnectionRef `json:"Authentication,omitempty"`
	InvocationConfig *HTTPConnectionRef `json:"InvocationConfig,omitempty"`
	// Headers are the headers sent: the task's, the connection's (which
	// replace the task's of the same name, compared without case), and
	// those Step Functions sets: User-Agent
	// (Amazon|StepFunctions|HttpInvoke|<region>), Range (bytes=0-262144)
	// and, for a request with a body and no Content-Type,
	// Content-Type (application/json; charset=UTF-8, or
	// application/x-www-form-urlencoded for a URL_ENCODED body). Numbers
	// and booleans the task sets are text here.
	Headers map[string]string `json:"Headers"`
	// QueryParameters are the task's query parameters with the
	// connection's (which replace the task's of the same name), as text;
	// absent when there are none.
	QueryParameters map[string]string `json:"QueryParameters,omitempty"`
	// RequestBody is the task's RequestBody with the connection's body
	// parameters merged into it (a JSON object), before any URL encoding;
	// absent when the request has no body.
	RequestBody json.RawMessage `json:"RequestBody,omitempty"`
	// Transform is the task's Transform (RequestBodyEncoding,
	// RequestEncodingOptions.ArrayFormat) when it sets one.
	Transform json.RawMessage `json:"Transform,omitempty"`
}

// HTTPConnectionRef is an HTTP Task's Authentication or InvocationConfig.
type HTTPConnectionRef struct {
	// ConnectionArn is the EventBridge connection's ARN.
	ConnectionArn string `json:"ConnectionArn"`
}

// URL returns the URL the request is sent to: APIEndpoint with
// QueryParameters added to its query, replacing a parameter of the same
// name, the query's names sorted. It returns APIEndpoint unchanged when
// that is not a URL.
func (r HTTPTaskRequest) URL() string {
	u, err := url.Parse(r.APIEndpoint)
	if err != nil {
		return r.APIEndpoint
	}
	q := u.Query()
	for k, v := range r.QueryParameters {
		q.Set(k, v)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// LogValue prints the request's method, endpoint (without its query) and
// header names, never their values.
func (r HTTPTaskRequest) LogValue() slog.Value {
	endpoint := r.APIEndpoint
	if u, err := url.Parse(endpoint); err == nil {
		u.RawQuery, u.User = "", nil
		endpoint = u.String()
	}
	return slog.GroupValue(slog.String("method", r.Method), slog.String("endpoint", endpoint),
		slog.Any("headers", slices.Sorted(maps.Keys(r.Headers))))
}

// callHTTPTask has fn answer for the endpoint of req: fn gets req as an
// HTTPTaskRequest, and its answer is the HTTP Task's result unless it is a
// response whose status is not 2xx (statusCodeErr). resp is fn's answer
// whenever it gave one, with that error too, for TestState's inspection
// data.
func callHTTPTask(ctx context.Context, fn TaskFunc, req *httpRequest) (resp json.RawMessage, err error) {
	out, err := fn(ctx, req.sentJSON())
	if err != nil {
		return nil, err
	}
	return out, statusCodeErr(out)
}

// statusCodeErr is the failure of an HTTP Task whose response (its
// result: {"StatusCode", "StatusText", "Headers", "ResponseBody"}) has a
// StatusCode that is not 2xx: the error States.Http.StatusCode.<code>, as
// AWS documents for Retry and Catch. nil for a 2xx response and for a
// result without a numeric StatusCode. The cause is the response's
// StatusText, else the status's reason phrase (UNCONFIRMED: one user
// reports AWS's cause is the status text, "Bad Request", and that the
// response body is not kept; TestState shows the response at TRACE).
func statusCodeErr(result json.RawMessage) error {
	var r struct {
		StatusCode json.Number `json:"StatusCode"`
		StatusText string      `json:"StatusText"`
	}
	if json.Unmarshal(result, &r) != nil {
		return nil
	}
	code, err := strconv.Atoi(r.StatusCode.String())
	if err != nil || (code >= 200 && code <= 299) {
		return nil
	}
	cause := r.StatusText
	if cause == "" {
		cause = http.StatusText(code)
	}
	return &TaskError{Name: fmt.Sprintf("States.Http.StatusCode.%d", code), Cause: cause}
}
