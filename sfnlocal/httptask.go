package sfnlocal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/polysync/stepfunctions/internal/asl"
)

// HTTPConnection stands for an EventBridge connection: what it adds to the
// request of every HTTP Task (Resource arn:aws:states:::http:invoke) whose
// Authentication.ConnectionArn or InvocationConfig.ConnectionArn names it.
// The function registered for the resource with Server.RegisterTask gets
// the request with these values merged in (an HTTPTaskRequest). They are
// secrets (an Authorization header, an API key): TestState's TRACE
// inspection data leaves them out unless the request sets revealSecrets,
// history events and failure causes never hold them, and logging an
// HTTPConnection prints its names only.
type HTTPConnection struct {
	// Headers are added to the request's headers. A header the task sets
	// too is replaced: the connection's values take precedence, as
	// EventBridge documents for API destinations. An authorization scheme
	// (Basic, API key, OAuth's bearer token) is one of these headers.
	Headers map[string]string
	// QueryParameters are added to the URL's query, replacing a task's
	// parameter of the same name.
	QueryParameters map[string]string
	// BodyParameters are added to the request body when it is a JSON
	// object (or URL-encoded from one), or make up the body when the task
	// sets none, replacing a task's field of the same name.
	BodyParameters map[string]string
}

// LogValue prints the connection's parameter names, never their values.
func (c HTTPConnection) LogValue() slog.Value {
	names := func(m map[string]string) slog.Value {
		return slog.AnyValue(slices.Sorted(maps.Keys(m)))
	}
	return slog.GroupValue(slog.Any("headers", names(c.Headers)), slog.Any("queryParameters", names(c.QueryParameters)),
		slog.Any("bodyParameters", names(c.BodyParameters)))
}

// WithHTTPConnection registers the connection arn
// (arn:aws:events:<region>:<account>:connection/<name>/<id>) for the HTTP
// Tasks that name it, in executions and TestState: its parameters merge
// into their requests. By default no connection is registered, and an HTTP
// Task that sends a request (an execution's, or an unmocked TestState's)
// fails with Events.ConnectionResource.ResourceNotFound, as on AWS when the
// connection does not exist; a mocked TestState sends nothing and builds
// its request from the definition alone. The server keeps a copy of c.
func WithHTTPConnection(arn string, c HTTPConnection) Option {
	c = HTTPConnection{Headers: maps.Clone(c.Headers), QueryParameters: maps.Clone(c.QueryParameters),
		BodyParameters: maps.Clone(c.BodyParameters)}
	return func(cfg *config) {
		if cfg.httpConns == nil {
			cfg.httpConns = map[string]HTTPConnection{}
		}
		cfg.httpConns[arn] = c
	}
}

// isHTTPInvoke reports whether resource is the HTTP Task's, in any
// partition.
func isHTTPInvoke(resource string) bool {
	integration, _ := asl.Integration(resource)
	return integration == "http:invoke"
}

// httpMethods are the methods an HTTP Task may use.
var httpMethods = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"}

// arrayFormats are Transform.RequestEncodingOptions.ArrayFormat's values;
// INDICES is the default.
var arrayFormats = []string{"BRACKETS", "COMMAS", "INDICES", "REPEAT"}

// httpTaskArgs are an HTTP Task's arguments (Parameters or Arguments).
type httpTaskArgs struct {
	APIEndpoint      *string            `json:"ApiEndpoint"`
	Method           *string            `json:"Method"`
	Authentication   *httpConnectionRef `json:"Authentication"`
	InvocationConfig *httpConnectionRef `json:"InvocationConfig"`
	Headers          map[string]any     `json:"Headers"`
	QueryParameters  map[string]any     `json:"QueryParameters"`
	RequestBody      json.RawMessage    `json:"RequestBody"`
	Transform        *struct {
		RequestBodyEncoding    string `json:"RequestBodyEncoding"`
		RequestEncodingOptions *struct {
			ArrayFormat string `json:"ArrayFormat"`
		} `json:"RequestEncodingOptions"`
	} `json:"Transform"`
}

// httpConnectionRef is an HTTP Task's Authentication or InvocationConfig.
type httpConnectionRef struct {
	ConnectionArn *string `json:"ConnectionArn"`
}

// httpRequest is the request an HTTP Task sends: each part as sent, and as
// TestState shows it without the connection's secrets.
type httpRequest struct {
	protocol, method string
	url, shownURL    string
	headers, shown   [][2]string // in order: the task's, then the connection's, then Step Functions'
	body, shownBody  string
	// sent is what the function registered for the resource gets.
	sent HTTPTaskRequest
	// connection is the ARN of the connection the task names; known is
	// whether the server has it.
	connection string
	known      bool
}

// httpTaskFailure is the error of an HTTP Task whose arguments make no
// request: States.Runtime, as AWS documents for a forbidden header and for
// a string RequestBody with a connection's body parameters. UNCONFIRMED:
// the error AWS raises at run time for the other arguments it cannot use
// (it refuses most when the definition is created), and the wording of
// every cause.
func httpTaskFailure(format string, args ...any) error {
	return &TaskError{Name: "States.Runtime", Cause: "The HTTP Task's arguments are not valid: " + fmt.Sprintf(format, args...)}
}

// errConnectionNotFound names AWS's error for an HTTP Task whose connection
// does not exist, one of the Events.ConnectionResource errors the developer
// guide lists ("Call HTTPS APIs in Step Functions workflows", Connection
// errors). UNCONFIRMED: the cause AWS gives with it.
const errConnectionNotFound = "Events.ConnectionResource.ResourceNotFound"

// connectionErr is the failure of sending req: nil when the server has the
// connection the task names (WithHTTPConnection).
func (req *httpRequest) connectionErr() error {
	if req.known {
		return nil
	}
	return &TaskError{Name: errConnectionNotFound, Cause: fmt.Sprintf(
		"Connection '%s' does not exist (sfnlocal: register it with WithHTTPConnection)", req.connection)}
}

// sentJSON is the JSON the function registered for the resource gets.
func (req *httpRequest) sentJSON() json.RawMessage {
	b, err := json.Marshal(req.sent)
	if err != nil { // cannot happen: strings, maps of strings and valid JSON
		panic("sfnlocal: HTTPTaskRequest: " + err.Error())
	}
	return b
}

// forbiddenHeaders are the headers AWS does not let an HTTP Task's Headers
// set (lower case), and forbiddenHeaderPrefixes the prefixes of more
// ("Call HTTPS APIs in Step Functions workflows", HTTP Task fields,
// Headers): the task fails with States.Runtime.
var (
	forbiddenHeaders = []string{"a-im", "accept-charset", "accept-datetime", "accept-encoding", "authorization",
		"cache-control", "connection", "content-encoding", "content-md5", "date", "expect", "forwarded", "from", "host",
		"http2-settings", "if-match", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since",
		"max-forwards", "origin", "pragma", "proxy-authorization", "referer", "server", "te", "trailer",
		"transfer-encoding", "upgrade", "via", "warning"}
	forbiddenHeaderPrefixes = []string{"x-forwarded-", "x-amz-", "x-amzn-"}
)

// isForbiddenHeader reports whether an HTTP Task may not set the header
// name, compared without case. AWS's list lacks Content-Length, so a task
// may set it here too (UNCONFIRMED: what AWS sends then).
func isForbiddenHeader(name string) bool {
	n := strings.ToLower(name)
	return slices.Contains(forbiddenHeaders, n) ||
		slices.ContainsFunc(forbiddenHeaderPrefixes, func(p string) bool { return strings.HasPrefix(n, p) })
}

// buildHTTPRequest builds the request of an HTTP Task from its arguments,
// merging in the connection it names when the server has one (conns); the
// request's connectionErr says when it does not. The headers Step
// Functions sets (User-Agent, Range, and Content-Type when the request has
// a body and no Content-Type) replace a task's or connection's of the same
// name. UNCONFIRMED against AWS: the values of those headers, their order,
// and the encoding of nested objects in a URL-encoded body (key[sub]=value).
func buildHTTPRequest(raw json.RawMessage, conns map[string]HTTPConnection, region string) (*httpRequest, error) {
	var a httpTaskArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return nil, httpTaskFailure("%s must not be a JSON %s", typeErr.Field, typeErr.Value)
		}
		return nil, httpTaskFailure("they must be a JSON object with ApiEndpoint, Method and Authentication or InvocationConfig")
	}
	ref, field := a.Authentication, "Authentication"
	if a.InvocationConfig != nil {
		ref, field = a.InvocationConfig, "InvocationConfig"
	}
	switch {
	case a.APIEndpoint == nil:
		return nil, httpTaskFailure("ApiEndpoint is required")
	case a.Method == nil:
		return nil, httpTaskFailure("Method is required")
	case a.Authentication != nil && a.InvocationConfig != nil:
		return nil, httpTaskFailure("set Authentication or InvocationConfig, not both")
	case ref == nil:
		return nil, httpTaskFailure("InvocationConfig.ConnectionArn or Authentication.ConnectionArn is required")
	case ref.ConnectionArn == nil:
		return nil, httpTaskFailure("%s.ConnectionArn is required", field)
	case !slices.Contains(httpMethods, *a.Method):
		return nil, httpTaskFailure("Method '%s' is not one of %s", *a.Method, strings.Join(httpMethods, ", "))
	}
	u, err := url.Parse(*a.APIEndpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, httpTaskFailure("ApiEndpoint '%s' is not an http or https URL", *a.APIEndpoint)
	}
	conn, known := conns[*ref.ConnectionArn]
	req := &httpRequest{protocol: u.Scheme, method: *a.Method, connection: *ref.ConnectionArn, known: known}
	req.sent = HTTPTaskRequest{APIEndpoint: *a.APIEndpoint, Method: *a.Method, Headers: map[string]string{}}
	connRef := &HTTPConnectionRef{ConnectionArn: *ref.ConnectionArn}
	if a.InvocationConfig != nil {
		req.sent.InvocationConfig = connRef
	} else {
		req.sent.Authentication = connRef
	}

	query, shownQuery := u.Query(), u.Query()
	sentQuery := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(a.QueryParameters)) {
		v, err := scalarText(a.QueryParameters[k])
		if err != nil {
			return nil, httpTaskFailure("QueryParameters.%s %v", k, err)
		}
		query.Set(k, v)
		shownQuery.Set(k, v)
		sentQuery[k] = v
	}
	for _, k := range slices.Sorted(maps.Keys(conn.QueryParameters)) {
		query.Set(k, conn.QueryParameters[k])
		shownQuery.Del(k)
		sentQuery[k] = conn.QueryParameters[k]
	}
	u.RawQuery = query.Encode()
	req.url = u.String()
	u.RawQuery = shownQuery.Encode()
	req.shownURL = u.String()
	if len(sentQuery) > 0 {
		req.sent.QueryParameters = sentQuery
	}

	format := "INDICES"
	encoded := false
	if tr := a.Transform; tr != nil {
		switch tr.RequestBodyEncoding {
		case "", "NONE":
		case "URL_ENCODED":
			encoded = true
		default:
			return nil, httpTaskFailure("Transform.RequestBodyEncoding '%s' is not NONE or URL_ENCODED", tr.RequestBodyEncoding)
		}
		if o := tr.RequestEncodingOptions; o != nil && o.ArrayFormat != "" {
			if !slices.Contains(arrayFormats, o.ArrayFormat) {
				return nil, httpTaskFailure("Transform.RequestEncodingOptions.ArrayFormat '%s' is not one of %s",
					o.ArrayFormat, strings.Join(arrayFormats, ", "))
			}
			format = o.ArrayFormat
		}
		if req.sent.Transform, err = json.Marshal(tr); err != nil {
			return nil, err
		}
	}
	body, err := httpBody(a.RequestBody, conn.BodyParameters, encoded, format)
	if err != nil {
		return nil, err
	}
	req.body, req.shownBody, req.sent.RequestBody = body.sent, body.shown, body.merged

	sfnHeaders := [][2]string{{"User-Agent", "Amazon|StepFunctions|HttpInvoke|" + region}, {"Range", "bytes=0-262144"}}
	var connHeaders [][2]string
	for _, k := range slices.Sorted(maps.Keys(conn.Headers)) {
		if !hasHeader(k, sfnHeaders) { // Step Functions' value wins
			connHeaders = append(connHeaders, [2]string{k, conn.Headers[k]})
		}
	}
	var taskHeaders [][2]string
	for _, k := range slices.Sorted(maps.Keys(a.Headers)) {
		if isForbiddenHeader(k) {
			return nil, httpTaskFailure("Headers: an HTTP Task cannot set the header '%s'", k)
		}
		v, err := scalarText(a.Headers[k])
		if err != nil {
			return nil, httpTaskFailure("Headers.%s %v", k, err)
		}
		if !hasHeader(k, connHeaders, sfnHeaders) { // the connection's value wins
			taskHeaders = append(taskHeaders, [2]string{k, v})
		}
	}
	if req.body != "" && !hasHeader("Content-Type", taskHeaders, connHeaders) {
		ct := "application/json; charset=UTF-8"
		if encoded {
			ct = "application/x-www-form-urlencoded"
		}
		sfnHeaders = append(sfnHeaders, [2]string{"Content-Type", ct})
	}
	req.headers = slices.Concat(taskHeaders, connHeaders, sfnHeaders)
	req.shown = slices.Concat(taskHeaders, sfnHeaders)
	for _, h := range req.headers {
		req.sent.Headers[h[0]] = h[1]
	}
	return req, nil
}

// hasHeader reports whether any of the lists has the header name.
func hasHeader(name string, lists ...[][2]string) bool {
	for _, l := range lists {
		if slices.ContainsFunc(l, func(h [2]string) bool { return strings.EqualFold(h[0], name) }) {
			return true
		}
	}
	return false
}

// scalarText is a header's or query parameter's value as text: a string, a
// number or a boolean.
func scalarText(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	}
	return "", fmt.Errorf("must be a string, a number or a boolean")
}

// requestBody is an HTTP Task's request body: the text sent, the text
// TestState shows without the connection's body parameters, and the merged
// JSON value (nil when there is no body).
type requestBody struct {
	sent, shown string
	merged      json.RawMessage
}

// httpBody is the request body, the connection's body parameters merged
// into a JSON object body (or making up the body when the task sets none).
// A string body with body parameters fails, as AWS documents; an array or
// scalar body takes no body parameters (UNCONFIRMED: what AWS does then).
func httpBody(raw json.RawMessage, params map[string]string, encoded bool, format string) (requestBody, error) {
	var body any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &body); err != nil {
			return requestBody{}, httpTaskFailure("RequestBody: %v", err)
		}
	}
	if _, isString := body.(string); isString && len(params) > 0 {
		return requestBody{}, httpTaskFailure("RequestBody is a string, so the connection's body parameters cannot be merged into it")
	}
	obj, isObject := body.(map[string]any)
	if body == nil && len(params) > 0 {
		obj, isObject = map[string]any{}, true
	}
	render := func(v any) (string, error) {
		if v == nil {
			return "", nil
		}
		if !encoded {
			b, err := json.Marshal(v)
			return string(b), err
		}
		o, ok := v.(map[string]any)
		if !ok {
			return "", httpTaskFailure("a URL_ENCODED RequestBody must be a JSON object")
		}
		return urlEncode(o, format), nil
	}
	if !isObject {
		s, err := render(body)
		return requestBody{sent: s, shown: s, merged: compactJSON(raw)}, err
	}
	withParams := maps.Clone(obj)
	for k, v := range params {
		withParams[k] = v
	}
	var b requestBody
	var err error
	if b.sent, err = render(withParams); err != nil {
		return requestBody{}, err
	}
	if len(params) == 0 {
		b.merged = compactJSON(raw) // as written, in its key order
	} else if b.merged, err = json.Marshal(withParams); err != nil {
		return requestBody{}, err
	}
	for k := range params {
		delete(obj, k)
	}
	if len(obj) == 0 && body == nil {
		return b, nil
	}
	b.shown, err = render(obj)
	return b, err
}

// compactJSON is raw without insignificant space; nil when raw is empty or
// null.
func compactJSON(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil || b.String() == "null" {
		return nil
	}
	return b.Bytes()
}

// urlEncode encodes obj as a form, its keys sorted, arrays as format says:
// INDICES a[0]=x&a[1]=y, BRACKETS a[]=x&a[]=y, REPEAT a=x&a=y, COMMAS a=x,y.
func urlEncode(obj map[string]any, format string) string {
	var pairs []string
	add := func(k, v string) { pairs = append(pairs, url.QueryEscape(k)+"="+url.QueryEscape(v)) }
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(x)) {
				walk(key+"["+k+"]", x[k])
			}
		case []any:
			if format == "COMMAS" {
				texts := make([]string, len(x))
				for i, e := range x {
					texts[i] = formText(e)
				}
				add(key, strings.Join(texts, ","))
				return
			}
			for i, e := range x {
				switch format {
				case "BRACKETS":
					walk(key+"[]", e)
				case "REPEAT":
					walk(key, e)
				default:
					walk(key+"["+strconv.Itoa(i)+"]", e)
				}
			}
		default:
			add(key, formText(x))
		}
	}
	keys := slices.Sorted(maps.Keys(obj))
	for _, k := range keys {
		walk(k, obj[k])
	}
	return strings.Join(pairs, "&")
}

// formText is a scalar as a form value.
func formText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// headerList renders headers as TestState's inspection data shows them:
// "[Name: value, Name: value]". UNCONFIRMED: AWS's exact rendering.
func headerList(headers [][2]string) string {
	parts := make([]string, len(headers))
	for i, h := range headers {
		parts[i] = h[0] + ": " + h[1]
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// inspection is inspectionData.request for req: without the
// connection's headers, query parameters and body parameters unless reveal.
func (req *httpRequest) inspection(reveal bool) *inspectionHTTPRequest {
	out := &inspectionHTTPRequest{Protocol: req.protocol, Method: req.method, URL: req.shownURL,
		Headers: headerList(req.shown), Body: req.shownBody}
	if reveal {
		out.URL, out.Headers, out.Body = req.url, headerList(req.headers), req.body
	}
	return out
}

// httpResponseInspection is inspectionData.response for an HTTP Task's
// result (the mocked one, or what the registered function answered):
// {"StatusCode": 200, "StatusText": "OK", "Headers": {...},
// "ResponseBody": ...}. A header's value may be a list of values, as the
// HTTP Task's result has them. nil when the result is no such object.
func httpResponseInspection(protocol string, result json.RawMessage) *inspectionHTTPResponse {
	var r struct {
		StatusCode   json.Number     `json:"StatusCode"`
		StatusText   string          `json:"StatusText"`
		Headers      map[string]any  `json:"Headers"`
		ResponseBody json.RawMessage `json:"ResponseBody"`
	}
	if json.Unmarshal(result, &r) != nil {
		return nil
	}
	var headers [][2]string
	for _, k := range slices.Sorted(maps.Keys(r.Headers)) {
		switch v := r.Headers[k].(type) {
		case []any:
			for _, e := range v {
				headers = append(headers, [2]string{k, formText(e)})
			}
		default:
			headers = append(headers, [2]string{k, formText(v)})
		}
	}
	body := string(r.ResponseBody)
	var s string
	if json.Unmarshal(r.ResponseBody, &s) == nil {
		body = s // a text body, as received
	}
	return &inspectionHTTPResponse{Protocol: protocol, StatusCode: r.StatusCode.String(), StatusMessage: r.StatusText,
		Headers: headerList(headers), Body: body}
}

// inspectionHTTPRequest is inspectionData.request.
type inspectionHTTPRequest struct {
	Protocol string `json:"protocol"`
	Method   string `json:"method"`
	URL      string `json:"url"`
	Headers  string `json:"headers"`
	Body     string `json:"body"`
}

// inspectionHTTPResponse is inspectionData.response.
type inspectionHTTPResponse struct {
	Protocol      string `json:"protocol"`
	StatusCode    string `json:"statusCode"`
	StatusMessage string `json:"statusMessage"`
	Headers       string `json:"headers"`
	Body          string `json:"body"`
}
