package sfnlocal

import (
	"context"
	"fmt"
	"reflect"
	"sort"
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
