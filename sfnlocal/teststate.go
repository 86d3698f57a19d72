package sfnlocal

import (
	"context"
	"encoding/json"
	"errors"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/polysync/stepfunctions/internal/asl"
)

// testStateMachineName is the state machine name in the context object of
// a TestState run. UNCONFIRMED: what AWS puts there.
const testStateMachineName = "TestStateMachine"

// testStateInput is the TestState request.
type testStateInput struct {
	Definition         string              `json:"definition" sfn:"required"`
	StateName          *string             `json:"stateName" sfn:"min=1"`
	RoleArn            *string             `json:"roleArn" sfn:"min=1"`
	Input              *string             `json:"input"`
	Variables          *string             `json:"variables"`
	Context            *string             `json:"context"`
	InspectionLevel    string              `json:"inspectionLevel"`
	RevealSecrets      bool                `json:"revealSecrets"`
	Mock               *testStateMock      `json:"mock"`
	StateConfiguration *testStateConfigure `json:"stateConfiguration"`
}

// testStateMock is the request's mock.
type testStateMock struct {
	Result      *string `json:"result"`
	ErrorOutput *struct {
		Error string `json:"error"`
		Cause string `json:"cause"`
	} `json:"errorOutput"`
	FieldValidationMode string `json:"fieldValidationMode"`
}

// testStateConfigure is the request's stateConfiguration.
type testStateConfigure struct {
	RetrierRetryCount        *int    `json:"retrierRetryCount"`
	ErrorCausedByState       *string `json:"errorCausedByState"`
	MapIterationFailureCount *int    `json:"mapIterationFailureCount"`
	MapItemReaderData        *string `json:"mapItemReaderData"`
}

func (in *testStateInput) validate() error {
	if len(in.Definition) > maxDefinitionBytes {
		return tooLong("definition", maxDefinitionBytes)
	}
	switch in.InspectionLevel {
	case "", "INFO", "DEBUG", "TRACE":
	default:
		return validationf("1 validation error detected: Value '%s' at 'inspectionLevel' failed to satisfy constraint: "+
			"Member must satisfy enum value set: [INFO, DEBUG, TRACE]", in.InspectionLevel)
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"input", in.Input}, {"variables", in.Variables}, {"context", in.Context}} {
		if f.v != nil && len(*f.v) > maxPayloadBytes {
			return tooLong(f.name, maxPayloadBytes)
		}
	}
	if len(orEmpty(in.StateName)) > maxStateNameLength {
		return tooLong("stateName", maxStateNameLength)
	}
	if m := in.Mock; m != nil {
		switch m.FieldValidationMode {
		case "", "STRICT", "PRESENT", "NONE":
		default:
			return validationf("1 validation error detected: Value '%s' at 'mock.fieldValidationMode' failed to satisfy "+
				"constraint: Member must satisfy enum value set: [STRICT, PRESENT, NONE]", m.FieldValidationMode)
		}
		switch {
		case (m.Result == nil) == (m.ErrorOutput == nil):
			return validationf("A mock must specify exactly one of 'result' and 'errorOutput'")
		case m.ErrorOutput != nil && m.ErrorOutput.Error == "":
			return required("mock.errorOutput.error")
		case m.Result != nil && len(*m.Result) > maxPayloadBytes:
			return tooLong("mock.result", maxPayloadBytes)
		}
	}
	if in.RevealSecrets && in.Mock != nil { // AWS's message, recorded
		return validationf("TestState does not support RevealSecrets when a mock is specified.")
	}
	if c := in.StateConfiguration; c != nil {
		return c.validate()
	}
	return nil
}

// validate checks the stateConfiguration members against the API model's
// constraints, in the service's words. The rules that depend on the state
// are the interpreter's (asl.RunTestState).
func (c *testStateConfigure) validate() error {
	const prefix = "1 validation error detected: Value '%d' at 'stateConfiguration.%s' failed to satisfy constraint: "
	for _, f := range []struct {
		name string
		n    *int
	}{{"retrierRetryCount", c.RetrierRetryCount}, {"mapIterationFailureCount", c.MapIterationFailureCount}} {
		if f.n != nil && *f.n < 0 {
			return validationf(prefix+"Member must have value greater than or equal to 0", *f.n, f.name)
		}
	}
	if s := c.ErrorCausedByState; s != nil {
		switch n := utf8.RuneCountInString(*s); {
		case n == 0:
			return validationf("1 validation error detected: Value at 'stateConfiguration.errorCausedByState' " +
				"failed to satisfy constraint: Member must have length greater than or equal to 1")
		case n > maxStateNameLength:
			return tooLong("stateConfiguration.errorCausedByState", maxStateNameLength)
		}
	}
	if s := c.MapItemReaderData; s != nil && len(*s) > maxPayloadBytes {
		return tooLong("stateConfiguration.mapItemReaderData", maxPayloadBytes)
	}
	return nil
}

// maxStateNameLength is the longest state name TestState's members take
// (stateName, stateConfiguration.errorCausedByState).
const maxStateNameLength = 80

// testStateOutput is the TestState response.
type testStateOutput struct {
	Output         *string         `json:"output,omitempty"`
	Error          string          `json:"error,omitempty"`
	Cause          string          `json:"cause,omitempty"`
	NextState      string          `json:"nextState,omitempty"`
	Status         string          `json:"status"`
	InspectionData *inspectionData `json:"inspectionData,omitempty"`
}

// inspectionData is the wire form of asl.Inspection: each value as JSON
// text in a string.
type inspectionData struct {
	Input               *string                 `json:"input,omitempty"`
	AfterInputPath      *string                 `json:"afterInputPath,omitempty"`
	AfterParameters     *string                 `json:"afterParameters,omitempty"`
	AfterArguments      *string                 `json:"afterArguments,omitempty"`
	AfterItemsPath      *string                 `json:"afterItemsPath,omitempty"`
	Result              *string                 `json:"result,omitempty"`
	AfterResultSelector *string                 `json:"afterResultSelector,omitempty"`
	AfterResultPath     *string                 `json:"afterResultPath,omitempty"`
	Variables           *string                 `json:"variables,omitempty"`
	MaxConcurrency      *int                    `json:"maxConcurrency,omitempty"`
	ErrorDetails        *inspectionErrorDetails `json:"errorDetails,omitempty"`
	// ToleratedFailureCount and ToleratedFailurePercentage are a Map
	// state's, when it declares them.
	ToleratedFailureCount      *int64   `json:"toleratedFailureCount,omitempty"`
	ToleratedFailurePercentage *float64 `json:"toleratedFailurePercentage,omitempty"`
	// Request and Response are an HTTP Task's, at TRACE.
	Request  *inspectionHTTPRequest  `json:"request,omitempty"`
	Response *inspectionHTTPResponse `json:"response,omitempty"`
}

type inspectionErrorDetails struct {
	CatchIndex                  *int `json:"catchIndex,omitempty"`
	RetryBackoffIntervalSeconds *int `json:"retryBackoffIntervalSeconds,omitempty"`
	RetryIndex                  *int `json:"retryIndex,omitempty"`
}

// testState runs one state once (the TestState operation). An unmocked
// Task state calls what an execution's would: the registered function. An
// HTTP Task's request is built from its arguments and the connection it
// names (WithHTTPConnection), and shown at TRACE; no network call is made.
func (s *Server) testState(ctx context.Context, in *testStateInput) (*testStateOutput, error) {
	req := asl.TestStateInput{
		Definition: in.Definition,
		StateName:  orEmpty(in.StateName),
		Inspect:    in.InspectionLevel == "DEBUG" || in.InspectionLevel == "TRACE",
	}
	if in.Input != nil {
		req.Input = json.RawMessage(*in.Input)
	}
	if in.Variables != nil {
		req.Variables = json.RawMessage(*in.Variables)
	}
	if in.Context != nil {
		req.Context = json.RawMessage(*in.Context)
	}
	if m := in.Mock; m != nil {
		req.Mock = &asl.TestStateMock{FieldValidationMode: m.FieldValidationMode}
		if m.ErrorOutput != nil {
			req.Mock.ErrorName, req.Mock.Cause = m.ErrorOutput.Error, m.ErrorOutput.Cause
		} else {
			req.Mock.Result = json.RawMessage(*m.Result)
		}
	}
	if c := in.StateConfiguration; c != nil {
		if c.RetrierRetryCount != nil {
			req.RetrierRetryCount = *c.RetrierRetryCount
		}
		if c.ErrorCausedByState != nil {
			req.ErrorCausedByState = *c.ErrorCausedByState
		}
		req.MapIterationFailureCount, req.MapItemReaderData = c.MapIterationFailureCount, c.MapItemReaderData
	}
	now := s.cfg.clock.Now()
	name := uuid.NewString()
	h := &testHTTPTask{s: s}
	req.MockedTask = h.mocked
	req.Options = asl.Options{
		Clock:     s.cfg.clock,
		Invoke:    h.invoke,
		TaskToken: s.callbacks.newToken,
		Context: asl.ExecutionContext{ID: s.expressARN(testStateMachineName, name), Name: name, RoleARN: orEmpty(in.RoleArn),
			StartTime: now, StateMachineID: s.machineARN(testStateMachineName), StateMachineName: testStateMachineName},
	}
	res, err := asl.RunTestState(ctx, req)
	var tse *asl.TestStateError
	var defErr *asl.DefinitionError
	switch {
	case errors.As(err, &tse):
		return nil, errf(tse.Code, "%s", tse.Message)
	case errors.As(err, &defErr):
		return nil, errf("InvalidDefinition", "Invalid State Machine Definition: '%s'", defErr.Error())
	case err != nil:
		return nil, err
	}
	httpReq, httpResp, needsMock := h.result()
	if needsMock != "" {
		return nil, errHTTPTaskNeedsMock(needsMock)
	}
	out := wireTestState(res)
	if d := out.InspectionData; d != nil && httpReq != nil && in.InspectionLevel == "TRACE" {
		d.Request = httpReq.inspection(in.RevealSecrets)
		if httpResp != nil { // a non-2xx response too, which failed the state
			d.Response = httpResponseInspection(httpReq.protocol, httpResp)
		}
	}
	return out, nil
}

// wireTestState converts the interpreter's answer to the wire form.
func wireTestState(res *asl.TestStateOutput) *testStateOutput {
	out := &testStateOutput{Status: res.Status, Error: res.Error, Cause: res.Cause, NextState: res.NextState,
		Output: rawString(res.Output)}
	if i := res.Inspection; i != nil {
		out.InspectionData = &inspectionData{
			Input: rawString(i.Input), AfterInputPath: rawString(i.AfterInputPath),
			AfterParameters: rawString(i.AfterParameters), AfterArguments: rawString(i.AfterArguments),
			AfterItemsPath: rawString(i.AfterItemsPath),
			Result:         rawString(i.Result), AfterResultSelector: rawString(i.AfterResultSelector),
			AfterResultPath: rawString(i.AfterResultPath), Variables: rawString(i.Variables),
			MaxConcurrency: i.MaxConcurrency, ToleratedFailureCount: i.ToleratedFailureCount,
			ToleratedFailurePercentage: i.ToleratedFailurePercentage,
		}
		if d := i.ErrorDetails; d != nil {
			out.InspectionData.ErrorDetails = &inspectionErrorDetails{CatchIndex: d.CatchIndex,
				RetryBackoffIntervalSeconds: d.RetryBackoffIntervalSeconds, RetryIndex: d.RetryIndex}
		}
	}
	return out
}

// rawString is b as a string, nil when b is.
func rawString(b json.RawMessage) *string {
	if b == nil {
		return nil
	}
	s := string(b)
	return &s
}
