package sfnlocal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/polysync/stepfunctions/internal/jsonsyntax"
)

// MaxMockConfigBytes is the largest mock configuration file ParseMockConfig
// and LoadMockConfig read.
const MaxMockConfigBytes = 16 << 20

// MockConfig is a mock configuration file in the format Step Functions Local
// defined (and LocalStack reads):
//
//	{
//	  "StateMachines": {
//	    "<state machine name>": {
//	      "TestCases": {
//	        "<test case>": {"<state name>": "<mocked response name>", ...}
//	      }
//	    }
//	  },
//	  "MockedResponses": {
//	    "<mocked response name>": {
//	      "0":   {"Return": <the task's result>},
//	      "1-2": {"Throw": {"Error": "<error name>", "Cause": "<cause>"}}
//	    }
//	  }
//	}
//
// An execution started with the ARN "<stateMachineArn>#<test case>" runs
// the test case: each Task state it names answers with its mocked response
// instead of calling anything, the others run as without the test case (a
// function registered with Server.RegisterTask). The keys of a mocked
// response count the state's invocations in the execution from 0 (a retry is
// an invocation, and so is each iteration of a Map); "1-2" is the second and
// third. As in Step Functions Local, every invocation needs a response: one
// past the last key fails the execution (States.Runtime, naming the state,
// test case and invocation). A MockConfig is read-only once parsed and safe
// for concurrent use.
type MockConfig struct {
	machines  map[string]map[string]map[string]string // machine -> test case -> state -> response
	responses map[string]*mockedResponse
}

// mockedResponse is one entry of MockedResponses: its answers by
// invocation, as consecutive ranges from invocation 0.
type mockedResponse struct {
	ranges []mockRange // sorted, consecutive from 0
}

// mockRange is one key of a mocked response ("0" or "1-2") and its answer.
type mockRange struct {
	first, last int
	ret         json.RawMessage // the Return value, or nil
	throw       *TaskError      // the Throw value, or nil
}

// LoadMockConfig reads and validates the mock configuration file at path.
func LoadMockConfig(path string) (*MockConfig, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mock configuration: %w", err)
	}
	defer f.Close()
	cfg, err := ParseMockConfig(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// ParseMockConfig reads and validates a mock configuration (see MockConfig)
// of at most MaxMockConfigBytes. Its errors name the part that is wrong, for
// example `MockedResponses."LambdaRetry"."1-2": want exactly one of Return
// and Throw`.
func ParseMockConfig(r io.Reader) (*MockConfig, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxMockConfigBytes+1))
	if err != nil {
		return nil, fmt.Errorf("mock configuration: %w", err)
	}
	if len(data) > MaxMockConfigBytes {
		return nil, fmt.Errorf("mock configuration: larger than %d bytes", MaxMockConfigBytes)
	}
	var raw struct {
		StateMachines   map[string]json.RawMessage `json:"StateMachines"`
		MockedResponses map[string]json.RawMessage `json:"MockedResponses"`
	}
	if err := strictDecode(data, &raw); err != nil {
		return nil, fmt.Errorf("mock configuration: %w", jsonsyntax.Locate(data, err))
	}
	cfg := &MockConfig{machines: map[string]map[string]map[string]string{}, responses: map[string]*mockedResponse{}}
	for _, name := range slices.Sorted(maps.Keys(raw.MockedResponses)) {
		resp, err := parseMockedResponse(raw.MockedResponses[name])
		if err != nil {
			return nil, fmt.Errorf("mock configuration: MockedResponses.%q%w", name, err)
		}
		cfg.responses[name] = resp
	}
	for _, name := range slices.Sorted(maps.Keys(raw.StateMachines)) {
		where := fmt.Sprintf("StateMachines.%q", name)
		var m struct {
			TestCases map[string]map[string]string `json:"TestCases"`
		}
		if err := strictDecode(raw.StateMachines[name], &m); err != nil {
			return nil, fmt.Errorf("mock configuration: %s: %w", where, err)
		}
		if m.TestCases == nil {
			return nil, fmt.Errorf("mock configuration: %s: TestCases is missing", where)
		}
		for _, tc := range slices.Sorted(maps.Keys(m.TestCases)) {
			for _, st := range slices.Sorted(maps.Keys(m.TestCases[tc])) {
				if resp := m.TestCases[tc][st]; cfg.responses[resp] == nil {
					return nil, fmt.Errorf("mock configuration: %s.TestCases.%q.%q: mocked response %q is not in MockedResponses", where, tc, st, resp)
				}
			}
		}
		cfg.machines[name] = m.TestCases
	}
	return cfg, nil
}

// parseMockedResponse reads one entry of MockedResponses. Its errors start
// with the key that is wrong, for the caller to prefix.
func parseMockedResponse(data json.RawMessage) (*mockedResponse, error) {
	var byKey map[string]json.RawMessage
	if err := strictDecode(data, &byKey); err != nil {
		return nil, fmt.Errorf(": %w", err)
	}
	if len(byKey) == 0 {
		return nil, errors.New(": has no invocations (want keys such as \"0\" or \"1-2\")")
	}
	resp := &mockedResponse{}
	for key, v := range byKey {
		first, last, ok := parseInvocations(key)
		if !ok {
			return nil, fmt.Errorf(".%q: want an invocation number such as \"0\" or a range such as \"1-2\"", key)
		}
		var answer struct {
			Return json.RawMessage `json:"Return"`
			Throw  *struct {
				Error string `json:"Error"`
				Cause string `json:"Cause"`
			} `json:"Throw"`
		}
		if err := strictDecode(v, &answer); err != nil {
			return nil, fmt.Errorf(".%q: %w", key, err)
		}
		if (answer.Return == nil) == (answer.Throw == nil) {
			return nil, fmt.Errorf(".%q: want exactly one of Return and Throw", key)
		}
		rg := mockRange{first: first, last: last, ret: answer.Return}
		if t := answer.Throw; t != nil {
			switch {
			case t.Error == "":
				return nil, fmt.Errorf(".%q.Throw.Error: must not be empty", key)
			case len(t.Error) > 256:
				return nil, fmt.Errorf(".%q.Throw.Error: longer than 256 bytes", key)
			case len(t.Cause) > 32768:
				return nil, fmt.Errorf(".%q.Throw.Cause: longer than 32768 bytes", key)
			}
			rg.throw = &TaskError{Name: t.Error, Cause: t.Cause}
		} else if len(answer.Return) > maxPayloadBytes {
			return nil, fmt.Errorf(".%q.Return: larger than the %d bytes a task may return", key, maxPayloadBytes)
		}
		resp.ranges = append(resp.ranges, rg)
	}
	sort.Slice(resp.ranges, func(i, j int) bool { return resp.ranges[i].first < resp.ranges[j].first })
	next := 0
	for _, rg := range resp.ranges {
		if rg.first != next {
			return nil, fmt.Errorf(": invocation %d has no response (keys must cover 0, 1, 2, ... without gaps or overlaps)", next)
		}
		next = rg.last + 1
	}
	return resp, nil
}

// parseInvocations reads a key of a mocked response: "N" or "N-M" with
// 0 <= N <= M.
func parseInvocations(key string) (first, last int, ok bool) {
	a, b, isRange := strings.Cut(key, "-")
	first, err := strconv.Atoi(a)
	if err != nil || first < 0 || a != strconv.Itoa(first) {
		return 0, 0, false
	}
	if !isRange {
		return first, first, true
	}
	last, err = strconv.Atoi(b)
	if err != nil || last < first || b != strconv.Itoa(last) || last == int(^uint(0)>>1) {
		return 0, 0, false
	}
	return first, last, true
}

// strictDecode decodes data, one JSON object, into v, refusing unknown
// members so that a misspelt field is reported instead of ignored. It is not
// awsjson.Decode, whose requests count an empty body as {} and ignore
// unknown members, as AWS does: a configuration file that is empty, cut
// short or null is refused, with jsonsyntax's words for the first two. A
// syntax error is left for the caller to locate (jsonsyntax.Locate).
func strictDecode(data []byte, v any) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return errors.New("must be a JSON object, not null")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return jsonsyntax.ErrEndsEarly
		case errors.As(err, &te) && te.Field != "":
			return fmt.Errorf("%s: cannot be a JSON %s", te.Field, te.Value)
		case errors.As(err, &te):
			return fmt.Errorf("cannot be a JSON %s", te.Value)
		}
		if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return fmt.Errorf("unknown field %s", field)
		}
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("has data after the JSON value")
	}
	return nil
}

// answer returns the response of the n-th invocation (from 0), and false
// past the last range.
func (r *mockedResponse) answer(n int) (json.RawMessage, bool, error) {
	i := slices.IndexFunc(r.ranges, func(c mockRange) bool { return n <= c.last })
	if i < 0 {
		return nil, false, nil
	}
	rg := r.ranges[i]
	if rg.throw != nil {
		e := *rg.throw
		return nil, true, &e
	}
	return append(json.RawMessage(nil), rg.ret...), true, nil
}

// testCase is the test case an execution runs: its mocked states and how
// many times each was invoked.
type testCase struct {
	name   string
	states map[string]*mockedResponse

	mu    sync.Mutex
	calls map[string]int
}

// testCase returns the test case name of the state machine called machine,
// or an error naming what is missing.
func (c *MockConfig) testCase(machine, name string) (*testCase, error) {
	if c == nil {
		return nil, validationf("Invalid test case '%s': the server has no mock configuration (sfnlocal.WithMockConfig, or --mock-config)", name)
	}
	cases, ok := c.machines[machine]
	if !ok {
		return nil, validationf("Invalid test case '%s': the mock configuration has no state machine '%s'", name, machine)
	}
	states, ok := cases[name]
	if !ok {
		return nil, validationf("Invalid test case '%s': the mock configuration has no such test case for state machine '%s'", name, machine)
	}
	tc := &testCase{name: name, states: make(map[string]*mockedResponse, len(states)), calls: map[string]int{}}
	for st, resp := range states {
		tc.states[st] = c.responses[resp]
	}
	return tc, nil
}

// mocked answers an invocation of the Task state called state, when the test
// case mocks it.
func (tc *testCase) mocked(state string) (out json.RawMessage, ok bool, err error) {
	if tc == nil {
		return nil, false, nil
	}
	resp := tc.states[state]
	if resp == nil {
		return nil, false, nil
	}
	tc.mu.Lock()
	n := tc.calls[state]
	tc.calls[state]++
	tc.mu.Unlock()
	out, ok, err = resp.answer(n)
	if !ok {
		return nil, true, &TaskError{Name: "States.Runtime", Cause: fmt.Sprintf(
			"the mock configuration's test case '%s' has no response for invocation %d of state '%s' (invocations count from 0)",
			tc.name, n, state)}
	}
	return out, true, err
}

// splitTestCase splits "<stateMachineArn>#<test case>" into the ARN and the
// test case ("" when there is none).
func splitTestCase(arn string) (string, string) {
	base, tc, _ := strings.Cut(arn, "#")
	return base, tc
}

// ConfigErr returns why an option given to New could not be applied (a
// mock configuration file that cannot be read or is not valid), or nil.
func (s *Server) ConfigErr() error {
	if s.mocksErr != nil {
		return fmt.Errorf("sfnlocal: %w", s.mocksErr)
	}
	return nil
}
