package sfnlocal

import (
	"context"
	"encoding/json"
	"sync"
)

// testHTTPTask follows the HTTP Task of one TestState run: the request it
// built, and whether it had nothing to answer for it. TestState makes no
// network call: a mock, or a function registered for the resource with
// Server.RegisterTask, answers for the endpoint.
type testHTTPTask struct {
	s         *Server
	mu        sync.Mutex
	req       *httpRequest
	needsMock string // the resource of an HTTP Task nothing answered for
}

// mocked is asl.TestStateInput.MockedTask: it builds a mocked HTTP Task's
// request, failing the state when its arguments make none.
func (h *testHTTPTask) mocked(resource string, args json.RawMessage) error {
	if !isHTTPInvoke(resource) {
		return nil
	}
	return h.build(args)
}

// build builds the request from the task's arguments and keeps it.
func (h *testHTTPTask) build(args json.RawMessage) error {
	req, err := buildHTTPRequest(args, h.s.cfg.httpConns, h.s.cfg.region)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.req = req
	return nil
}

// invoke is the run's asl.Invoker: an unmocked HTTP Task builds its request
// and calls the function registered for its resource; without one the
// request is refused (testState answers a ValidationException).
func (h *testHTTPTask) invoke(ctx context.Context, resource string, input json.RawMessage) (json.RawMessage, error) {
	if !isHTTPInvoke(resource) {
		return h.s.invoke(ctx, resource, input)
	}
	if err := h.build(input); err != nil {
		return nil, err
	}
	fn := h.s.lookupTask(resource)
	if fn == nil {
		h.mu.Lock()
		h.needsMock = resource
		h.mu.Unlock()
		return nil, &TaskError{Name: "States.Runtime", Cause: "no mock"} // replaced by testState
	}
	return fn(ctx, input) // the request is built: Server.invoke would build it again
}

// result returns the request built and, when nothing answered for an HTTP
// Task, its resource.
func (h *testHTTPTask) result() (*httpRequest, string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.req, h.needsMock
}

// errHTTPTaskNeedsMock is the answer to TestState of an unmocked HTTP Task
// that nothing answers for.
func errHTTPTaskNeedsMock(resource string) error {
	return validationf("TestState of an HTTP Task (%s) needs a mock here: sfnlocal makes no network calls. "+
		"Give a mock, or register a function for the resource with Server.RegisterTask", resource)
}
