package sfnlocal

import (
	"context"
	"encoding/json"
	"sync"
)

// testHTTPTask follows the HTTP Task of one TestState run: the request it
// built, the response it got, and whether it had nothing to answer for it.
// TestState makes no network call: a mock, or a function registered for
// the resource with Server.RegisterTask, answers for the endpoint.
type testHTTPTask struct {
	s         *Server
	mu        sync.Mutex
	req       *httpRequest
	resp      json.RawMessage // the response, mocked or the function's
	needsMock string          // the resource of an HTTP Task nothing answered for
}

// mocked is asl.TestStateInput.MockedTask: it builds a mocked HTTP Task's
// request, failing the state when its arguments make none, and fails it
// with States.Http.StatusCode.<code> when the mocked response is not 2xx.
// The request is not sent, so the connection need not exist
// (UNCONFIRMED: whether AWS reads the connection for a mocked TestState).
func (h *testHTTPTask) mocked(resource string, args, result json.RawMessage) error {
	if !isHTTPInvoke(resource) {
		return nil
	}
	if _, err := h.build(args); err != nil {
		return err
	}
	if result == nil { // a mocked error
		return nil
	}
	h.keep(result)
	return statusCodeErr(result)
}

// build builds the request from the task's arguments and keeps it.
func (h *testHTTPTask) build(args json.RawMessage) (*httpRequest, error) {
	req, err := buildHTTPRequest(args, h.s.cfg.httpConns, h.s.cfg.region)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.req = req
	return req, nil
}

// keep keeps the response for TRACE's inspection data.
func (h *testHTTPTask) keep(resp json.RawMessage) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.resp = compactJSON(resp)
}

// invoke is the run's asl.Invoker: an unmocked HTTP Task builds its request
// and calls the function registered for its resource, as an execution
// does; without one the request is refused (testState answers a
// ValidationException).
func (h *testHTTPTask) invoke(ctx context.Context, resource string, input json.RawMessage) (json.RawMessage, error) {
	if !isHTTPInvoke(resource) {
		return h.s.invoke(ctx, resource, input)
	}
	req, err := h.build(input)
	if err != nil {
		return nil, err
	}
	fn := h.s.lookupTask(resource)
	if fn == nil {
		h.mu.Lock()
		h.needsMock = resource
		h.mu.Unlock()
		return nil, &TaskError{Name: "States.Runtime", Cause: "no mock"} // replaced by testState
	}
	if err := req.connectionErr(); err != nil {
		return nil, err
	}
	resp, err := callHTTPTask(ctx, fn, req)
	if resp != nil { // a response that failed the state too
		h.keep(resp)
	}
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// result returns the request built, the response, and, when nothing
// answered for an HTTP Task, its resource.
func (h *testHTTPTask) result() (*httpRequest, json.RawMessage, string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.req, h.resp, h.needsMock
}

// errHTTPTaskNeedsMock is the answer to TestState of an unmocked HTTP Task
// that nothing answers for.
func errHTTPTaskNeedsMock(resource string) error {
	return validationf("TestState of an HTTP Task (%s) needs a mock here: sfnlocal makes no network calls. "+
		"Give a mock, or register a function for the resource with Server.RegisterTask", resource)
}
