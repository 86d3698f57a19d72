package sfnlocal

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/polysync/stepfunctions/internal/sfnops"
)

// handler answers one API operation: it gets the call and returns the
// response value or an error.
type handler func(s *Server, ctx context.Context, c *call) (any, error)

// call is one API request being processed.
type call struct {
	op   string
	n    int // the call's number among calls of op, from 1
	body []byte
	// traceID is the X-Amzn-Trace-Id header, "" when not sent (see
	// traceHeaderTaker).
	traceID string
}

// operations maps each API operation the server implements to its handler.
// A new operation is a row here and a method of Server that takes its
// request and returns its response (see handle), in the file of its concern.
// Operations that only read or change stored state run wholly under the
// server's lock (see locked); the others take it themselves around their
// steps that need it.
var operations = map[string]handler{
	sfnops.CreateStateMachine:               handle((*Server).createStateMachine),
	sfnops.DescribeStateMachine:             handle(locked((*Server).describeStateMachine)),
	sfnops.UpdateStateMachine:               handle((*Server).updateStateMachine),
	sfnops.DeleteStateMachine:               handle(locked((*Server).deleteStateMachine)),
	sfnops.ListStateMachines:                handle(locked((*Server).listStateMachines)),
	sfnops.PublishStateMachineVersion:       handle(locked((*Server).publishStateMachineVersion)),
	sfnops.ListStateMachineVersions:         handle(locked((*Server).listStateMachineVersions)),
	sfnops.DeleteStateMachineVersion:        handle(locked((*Server).deleteStateMachineVersion)),
	sfnops.CreateStateMachineAlias:          handle(locked((*Server).createStateMachineAlias)),
	sfnops.DescribeStateMachineAlias:        handle(locked((*Server).describeStateMachineAlias)),
	sfnops.UpdateStateMachineAlias:          handle(locked((*Server).updateStateMachineAlias)),
	sfnops.DeleteStateMachineAlias:          handle(locked((*Server).deleteStateMachineAlias)),
	sfnops.ListStateMachineAliases:          handle(locked((*Server).listStateMachineAliases)),
	sfnops.StartExecution:                   handle((*Server).startExecution),
	sfnops.StartSyncExecution:               handle((*Server).startSyncExecution),
	sfnops.DescribeExecution:                handle(locked((*Server).describeExecution)),
	sfnops.StopExecution:                    handle((*Server).stopExecution),
	sfnops.ListExecutions:                   handle(locked((*Server).listExecutions)),
	sfnops.GetExecutionHistory:              handle((*Server).getExecutionHistory),
	sfnops.RedriveExecution:                 handle(locked((*Server).redriveExecution)),
	sfnops.TagResource:                      handle(locked((*Server).tagResource)),
	sfnops.UntagResource:                    handle(locked((*Server).untagResource)),
	sfnops.ListTagsForResource:              handle(locked((*Server).listTagsForResource)),
	sfnops.SendTaskSuccess:                  handle((*Server).sendTaskSuccess),
	sfnops.SendTaskFailure:                  handle((*Server).sendTaskFailure),
	sfnops.SendTaskHeartbeat:                handle((*Server).sendTaskHeartbeat),
	sfnops.CreateActivity:                   handle(locked((*Server).createActivity)),
	sfnops.DescribeActivity:                 handle(locked((*Server).describeActivity)),
	sfnops.DeleteActivity:                   handle(locked((*Server).deleteActivity)),
	sfnops.ListActivities:                   handle(locked((*Server).listActivities)),
	sfnops.GetActivityTask:                  handle((*Server).getActivityTask),
	sfnops.ValidateStateMachineDefinition:   handle((*Server).validateDefinition),
	sfnops.TestState:                        handle((*Server).testState),
	sfnops.DescribeStateMachineForExecution: handle(locked((*Server).describeStateMachineForExecution)),
	sfnops.DescribeMapRun:                   handle(locked((*Server).describeMapRun)),
	sfnops.UpdateMapRun:                     handle(locked((*Server).updateMapRun)),
	sfnops.ListMapRuns:                      handle(locked((*Server).listMapRuns)),
}

// Operations returns the names of the API operations the server implements,
// sorted.
func Operations() []string {
	ops := make([]string, 0, len(operations))
	for op := range operations {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	return ops
}

// validator is a request with checks of its own, which handle applies after
// the required members.
type validator interface {
	validate() error
}

// traceHeaderTaker is a request whose traceHeader member the X-Amzn-Trace-Id
// HTTP header gives when it is sent, in preference to the body's, as the API
// reference says of StartExecution and StartSyncExecution. handle applies it
// before the checks, so the header's value is checked as the member's.
type traceHeaderTaker interface {
	takeTraceHeader(value string)
}

// empty is the response of an operation that answers {}.
type empty struct{}

// handle adapts fn, which takes an operation's request and returns its
// response, to a handler. The handler decodes the request body (which
// readRequest has bounded to the service's 1 MB) into a new Req (an empty
// body counts as {}; unknown members are ignored, as the service does),
// gives it the X-Amzn-Trace-Id header if it takes one (traceHeaderTaker),
// checks the members Req's tags constrain (see requestMembers), answering
// the service's ValidationException for the first that fails (in field
// order), then applies Req's validate method if it has one, and only then
// calls fn. The *Resp fn returns is encoded with its json tags: AWS's member
// names, timestamps as epoch seconds (type epoch).
func handle[Req, Resp any](fn operation[Req, Resp]) handler {
	constrained := requestMembers(reflect.TypeFor[Req]())
	return func(s *Server, ctx context.Context, c *call) (any, error) {
		in := new(Req)
		if err := decodeJSON(c.body, in); err != nil {
			return nil, err
		}
		if t, ok := any(in).(traceHeaderTaker); ok && c.traceID != "" {
			t.takeTraceHeader(c.traceID)
		}
		if len(constrained) > 0 {
			v := reflect.ValueOf(in).Elem()
			for _, m := range constrained {
				if err := m.check(v.FieldByIndex(m.index)); err != nil {
					return nil, err
				}
			}
		}
		if v, ok := any(in).(validator); ok {
			if err := v.validate(); err != nil {
				return nil, err
			}
		}
		out, err := fn(s, ctx, in)
		if err != nil {
			return nil, err
		}
		return out, nil
	}
}

// operation is an API operation: it takes the decoded, checked request and
// returns the response.
type operation[Req, Resp any] func(s *Server, ctx context.Context, in *Req) (*Resp, error)

// locked returns fn run with s.mu held, for operations whose every step
// reads or changes stored state (their doc says they run under s.mu).
func locked[Req, Resp any](fn operation[Req, Resp]) operation[Req, Resp] {
	return func(s *Server, ctx context.Context, in *Req) (*Resp, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return fn(s, ctx, in)
	}
}

// member is a member of a request struct that its sfn tag constrains: its
// wire name, the index path of its field (see reflect.Value.FieldByIndex),
// whether it is required, and the fewest and most bytes it may hold (0: no
// limit).
type member struct {
	name     string
	index    []int
	required bool
	min, max int
}

// check answers the service's ValidationException when the member's value
// f breaks its constraints: unset ("" or null) when it is required, shorter
// than its minimum when it is set (min needs a *string, which tells "" from
// absent), or longer than its maximum.
func (m member) check(f reflect.Value) error {
	if m.required && f.IsZero() {
		return required(m.name)
	}
	if f.Kind() == reflect.Pointer {
		if f.IsNil() {
			return nil
		}
		f = f.Elem()
	}
	if f.Kind() != reflect.String {
		return nil
	}
	if f.Len() < m.min {
		return tooShort(m.name, m.min, f.String())
	}
	if m.max > 0 && f.Len() > m.max {
		return tooLong(m.name, m.max)
	}
	return nil
}

// requestMembers lists the fields of the struct type t with an sfn tag, in
// order, those of its embedded structs (such as pageInput) included. The
// tag holds comma-separated constraints from the API model: "required",
// "min=N" (a *string member that, when sent, holds at least N bytes) and
// "max=N" (a string or *string member of at most N bytes), as in
// `sfn:"required,max=2048"` or `sfn:"min=1"`. It panics on a tag it cannot
// read, a min on a member that cannot tell "" from absent, or a tagged field
// without a JSON name: mistakes in the request type that the package's
// tests would meet first.
func requestMembers(t reflect.Type) []member {
	var out []member
	for i := range t.NumField() {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("sfn")
		if !ok {
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				for _, m := range requestMembers(f.Type) {
					m.index = append([]int{i}, m.index...)
					out = append(out, m)
				}
			}
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			panic(fmt.Sprintf("sfnlocal: constrained field %s.%s has no JSON member name", t.Name(), f.Name))
		}
		m := member{name: name, index: []int{i}}
		for c := range strings.SplitSeq(tag, ",") {
			key, value, _ := strings.Cut(c, "=")
			n, err := strconv.Atoi(value)
			switch {
			case c == "required":
				m.required = true
			case key == "min" && err == nil && n > 0 && f.Type == reflect.TypeFor[*string]():
				m.min = n
			case key == "max" && err == nil && n > 0:
				m.max = n
			default:
				panic(fmt.Sprintf("sfnlocal: field %s.%s has the constraint %q, want required, max=N or (on a *string) min=N",
					t.Name(), f.Name, c))
			}
		}
		out = append(out, m)
	}
	return out
}
