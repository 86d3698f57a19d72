package sfnlocal

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// handler answers one API operation: it gets the call and returns the
// response value or an error.
type handler func(s *Server, ctx context.Context, c *call) (any, error)

// call is one API request being processed.
type call struct {
	op   string
	n    int // the call's number among calls of op, from 1
	body []byte
}

// operations maps each API operation the server implements to its handler.
// A new operation is a row here and a method of Server that takes its
// request and returns its response (see handle), in the file of its concern.
// Operations that only read or change stored state run wholly under the
// server's lock (see locked); the others take it themselves around their
// steps that need it.
var operations = map[string]handler{
	"CreateStateMachine":               handle((*Server).createStateMachine),
	"DescribeStateMachine":             handle(locked((*Server).describeStateMachine)),
	"UpdateStateMachine":               handle((*Server).updateStateMachine),
	"DeleteStateMachine":               handle(locked((*Server).deleteStateMachine)),
	"ListStateMachines":                handle(locked((*Server).listStateMachines)),
	"PublishStateMachineVersion":       handle(locked((*Server).publishStateMachineVersion)),
	"ListStateMachineVersions":         handle(locked((*Server).listStateMachineVersions)),
	"DeleteStateMachineVersion":        handle(locked((*Server).deleteStateMachineVersion)),
	"CreateStateMachineAlias":          handle(locked((*Server).createStateMachineAlias)),
	"DescribeStateMachineAlias":        handle(locked((*Server).describeStateMachineAlias)),
	"UpdateStateMachineAlias":          handle(locked((*Server).updateStateMachineAlias)),
	"DeleteStateMachineAlias":          handle(locked((*Server).deleteStateMachineAlias)),
	"ListStateMachineAliases":          handle(locked((*Server).listStateMachineAliases)),
	"StartExecution":                   handle((*Server).startExecution),
	"StartSyncExecution":               handle((*Server).startSyncExecution),
	"DescribeExecution":                handle(locked((*Server).describeExecution)),
	"StopExecution":                    handle((*Server).stopExecution),
	"ListExecutions":                   handle(locked((*Server).listExecutions)),
	"GetExecutionHistory":              handle((*Server).getExecutionHistory),
	"RedriveExecution":                 handle(locked((*Server).redriveExecution)),
	"TagResource":                      handle(locked((*Server).tagResource)),
	"UntagResource":                    handle(locked((*Server).untagResource)),
	"ListTagsForResource":              handle(locked((*Server).listTagsForResource)),
	"SendTaskSuccess":                  handle((*Server).sendTaskSuccess),
	"SendTaskFailure":                  handle((*Server).sendTaskFailure),
	"SendTaskHeartbeat":                handle((*Server).sendTaskHeartbeat),
	"CreateActivity":                   handle(locked((*Server).createActivity)),
	"DescribeActivity":                 handle(locked((*Server).describeActivity)),
	"DeleteActivity":                   handle(locked((*Server).deleteActivity)),
	"ListActivities":                   handle(locked((*Server).listActivities)),
	"GetActivityTask":                  handle((*Server).getActivityTask),
	"ValidateStateMachineDefinition":   handle((*Server).validateDefinition),
	"TestState":                        handle((*Server).testState),
	"DescribeStateMachineForExecution": handle(locked((*Server).describeStateMachineForExecution)),
	"DescribeMapRun":                   handle(locked((*Server).describeMapRun)),
	"UpdateMapRun":                     handle(locked((*Server).updateMapRun)),
	"ListMapRuns":                      handle(locked((*Server).listMapRuns)),
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

// empty is the response of an operation that answers {}.
type empty struct{}

// handle adapts fn, which takes an operation's request and returns its
// response, to a handler. The handler decodes the request body (which
// readRequest has bounded to the service's 1 MB) into a new Req (an empty
// body counts as {}; unknown members are ignored, as the service does),
// answers the service's ValidationException for the first
// member tagged `sfn:"required"` that is unset ("" or null; in field order),
// then applies Req's validate method if it has one, and only then calls fn.
// The *Resp fn returns is encoded with its json tags: AWS's member names,
// timestamps as epoch seconds (type epoch).
func handle[Req, Resp any](fn operation[Req, Resp]) handler {
	mandatory := requiredMembers(reflect.TypeFor[Req]())
	return func(s *Server, ctx context.Context, c *call) (any, error) {
		in := new(Req)
		if err := decodeJSON(c.body, in); err != nil {
			return nil, err
		}
		if len(mandatory) > 0 {
			v := reflect.ValueOf(in).Elem()
			for _, m := range mandatory {
				if v.Field(m.index).IsZero() {
					return nil, required(m.name)
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

// member is a required member of a request struct: its wire name and the
// index of its field.
type member struct {
	name  string
	index int
}

// requiredMembers lists the fields of the struct type t tagged
// `sfn:"required"`, in order. It panics when such a field has no JSON name,
// a mistake in the request type that the package's tests would meet first.
func requiredMembers(t reflect.Type) []member {
	var out []member
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Tag.Get("sfn") != "required" {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			panic(fmt.Sprintf("sfnlocal: required field %s.%s has no JSON member name", t.Name(), f.Name))
		}
		out = append(out, member{name: name, index: i})
	}
	return out
}
