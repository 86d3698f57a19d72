package sfnlocal

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/polysync/stepfunctions/internal/asl"
)

// TaskFunc does the work of a Task state. input is the state's effective
// input (for lambda:invoke tasks, the Payload parameter); the returned JSON
// is the task's result. Returning a *TaskError fails the task with that
// error name and cause, which Retry and Catch match; any other error fails it
// with States.TaskFailed and the error text as cause. ctx is cancelled when
// the execution is stopped, times out or the server closes.
type TaskFunc func(ctx context.Context, input json.RawMessage) (json.RawMessage, error)

// TaskError is an error with an ASL error name and cause, returned by a
// TaskFunc to fail its task so that Retry and Catch can match Name.
type TaskError struct {
	// Name is the ASL error name, for example "MyApp.Conflict".
	Name string
	// Cause is a human-readable cause.
	Cause string
}

// Error returns the name and cause.
func (e *TaskError) Error() string { return asl.ErrorText(e.Name, e.Cause) }

// ASLError returns the error name and cause (asl.ErrorNamer).
func (e *TaskError) ASLError() (name, cause string) { return e.Name, e.Cause }

var _ asl.ErrorNamer = (*TaskError)(nil)

// RegisterTask binds fn to the Task resource ARN resource (for example
// "arn:aws:lambda:us-east-1:123456789012:function:charge" or
// "arn:aws:states:::my:task"). Tasks using the optimised Lambda integration
// "arn:aws:states:::lambda:invoke" find fn by their FunctionName parameter,
// which may be the function's name or ARN: register either. A function
// registered for the HTTP Task, "arn:aws:states:::http:invoke", answers for
// every HTTP Task's endpoint: it gets the request as Step Functions sends it,
// the connection named by the task merged in (an HTTPTaskRequest as JSON,
// secrets included), and returns the response ({"StatusCode", "StatusText",
// "Headers", "ResponseBody"}); a StatusCode that is not 2xx fails the task
// with States.Http.StatusCode.<code>. A later call for the same resource
// replaces fn. RegisterTask panics if resource is empty or
// fn is nil, like http.HandleFunc.
func (s *Server) RegisterTask(resource string, fn TaskFunc) {
	if resource == "" {
		panic("sfnlocal: RegisterTask: empty resource")
	}
	if fn == nil {
		panic("sfnlocal: RegisterTask: nil TaskFunc for " + resource)
	}
	s.taskMu.Lock()
	defer s.taskMu.Unlock()
	s.tasks[resource] = fn
}

// lookupTask finds the TaskFunc registered for key, directly or, for Lambda
// function names and ARNs, by function name.
func (s *Server) lookupTask(key string) TaskFunc {
	s.taskMu.RLock()
	defer s.taskMu.RUnlock()
	if fn := s.tasks[key]; fn != nil {
		return fn
	}
	name := lambdaFunctionName(key)
	if name == "" {
		return nil
	}
	for k, fn := range s.tasks {
		if lambdaFunctionName(k) == name {
			return fn
		}
	}
	return nil
}

// lambdaFunctionName returns the function name of a Lambda function name,
// partial ARN ("123456789012:function:name") or ARN, without qualifier; ""
// when ref is none of these.
func lambdaFunctionName(ref string) string {
	parts := strings.Split(ref, ":")
	switch {
	case len(parts) >= 7 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function":
		return parts[6]
	case len(parts) >= 3 && parts[1] == "function":
		return parts[2]
	case len(parts) == 1 && ref != "" && !strings.Contains(ref, "/"):
		return ref
	case len(parts) == 2 && !strings.Contains(ref, "/"): // name:qualifier
		return parts[0]
	}
	return ""
}

// isLambdaInvoke reports whether resource is the optimised Lambda integration.
func isLambdaInvoke(resource string) bool {
	integration, _ := asl.Integration(resource)
	return integration == "lambda:invoke"
}

// taskRunner returns how the Task states of ex run (asl.TaskRunner): with
// the mocked response of its test case when it has one for the state, else
// as an activity task, a callback task (.waitForTaskToken) or a call of a
// registered function.
func (s *Server) taskRunner(ex *execution) asl.TaskRunner {
	return func(ctx context.Context, call *asl.TaskCall) (json.RawMessage, error) {
		if out, ok, err := ex.testCase.mocked(call.State); ok {
			if err == nil && isHTTPInvoke(call.Resource) {
				err = statusCodeErr(out) // the mocked response, as the endpoint's
			}
			if err != nil {
				return nil, err
			}
			return out, nil
		}
		if isActivityARN(call.Resource) {
			return s.runActivity(ctx, call)
		}
		if base, ok := cutWaitForTaskToken(call.Resource); ok {
			return s.runCallback(ctx, call, base)
		}
		return s.invoke(ctx, call.Resource, call.Input)
	}
}

// notProvided is the cause of a Task failure for want of a function or a
// mock: it names both ways to provide one.
const notProvided = "register a function for it with Server.RegisterTask, or mock the state in a mock configuration " +
	"file (WithMockConfig, --mock-config) and start the test case as <stateMachineArn>#<TestCase>"

// invoke runs the Task resource for an execution (asl.Invoker).
func (s *Server) invoke(ctx context.Context, resource string, input json.RawMessage) (json.RawMessage, error) {
	if isLambdaInvoke(resource) {
		return s.invokeLambda(ctx, input)
	}
	fn := s.lookupTask(resource)
	if isHTTPInvoke(resource) {
		// The request is built as TestState builds it, with the connection
		// the task names; the function registered for the resource then
		// answers for the endpoint.
		req, err := buildHTTPRequest(input, s.cfg.httpConns, s.cfg.region)
		if err != nil {
			return nil, err
		}
		if err := req.connectionErr(); err != nil {
			return nil, err
		}
		if fn == nil {
			return nil, errNotProvided(resource)
		}
		resp, err := callHTTPTask(ctx, fn, req)
		if err != nil {
			return nil, err
		}
		return resp, nil
	}
	if fn == nil {
		return nil, errNotProvided(resource)
	}
	return fn(ctx, input)
}

// errNotProvided is the failure of a Task whose resource nothing answers.
func errNotProvided(resource string) error {
	return &TaskError{Name: "States.TaskFailed",
		Cause: fmt.Sprintf("sfnlocal: nothing answers the resource %q: %s", resource, notProvided)}
}

// invokeLambda runs an arn:aws:states:::lambda:invoke task: it calls the
// function named by FunctionName with Payload and wraps the result as the
// Lambda Invoke response Step Functions returns.
func (s *Server) invokeLambda(ctx context.Context, input json.RawMessage) (json.RawMessage, error) {
	var params struct {
		FunctionName string          `json:"FunctionName"`
		Payload      json.RawMessage `json:"Payload"`
	}
	if err := json.Unmarshal(input, &params); err != nil {
		return nil, &TaskError{Name: "States.Runtime", Cause: fmt.Sprintf("lambda:invoke parameters are not a JSON object: %v", err)}
	}
	if params.FunctionName == "" {
		return nil, &TaskError{Name: "States.Runtime", Cause: "lambda:invoke requires the FunctionName parameter"}
	}
	fn := s.lookupTask(params.FunctionName)
	if fn == nil {
		return nil, &TaskError{Name: "Lambda.ResourceNotFoundException",
			Cause: fmt.Sprintf("Function not found: %s (sfnlocal: %s)", params.FunctionName, notProvided)}
	}
	payload := params.Payload
	if len(payload) == 0 {
		payload = json.RawMessage("{}")
	}
	out, err := fn(ctx, payload)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		out = json.RawMessage("null")
	}
	if !json.Valid(out) {
		return nil, &TaskError{Name: "States.Runtime", Cause: fmt.Sprintf("function %s returned a payload that is not JSON", params.FunctionName)}
	}
	reqID := uuid.NewString()
	headers := map[string]string{
		"Connection":                     "keep-alive",
		"Content-Type":                   "application/json",
		"X-Amz-Executed-Version":         "$LATEST",
		"x-amzn-Remapped-Content-Length": "0",
		"x-amzn-RequestId":               reqID,
	}
	return json.Marshal(map[string]any{
		"ExecutedVersion": "$LATEST",
		"Payload":         out,
		"SdkHttpMetadata": map[string]any{
			"AllHttpHeaders": func() map[string][]string {
				all := make(map[string][]string, len(headers))
				for k, v := range headers {
					all[k] = []string{v}
				}
				return all
			}(),
			"HttpHeaders":    headers,
			"HttpStatusCode": 200,
		},
		"SdkResponseMetadata": map[string]any{"RequestId": reqID},
		"StatusCode":          200,
	})
}
