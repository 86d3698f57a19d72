package sfnlocal

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go/middleware"

	"github.com/polysync/stepfunctions/internal/sfnops"
)

// TestEveryModelOperationAnswers calls every operation of the API model (the
// methods of *sfn.Client) on the wire with an empty request, the SDK's own
// check of required members removed, and checks that none answers
// UnknownOperationException: each is served and reaches its handler.
func TestEveryModelOperationAnswers(t *testing.T) {
	_, c := startServer(t, withCompiler(fakeCompiler))
	skipValidation := func(o *sfn.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			_, _ = s.Initialize.Remove("OperationInputValidation") // absent where no member is required
			return nil
		})
	}
	ctxType := reflect.TypeFor[context.Context]()
	errType := reflect.TypeFor[error]()
	client := reflect.ValueOf(c)
	var called []string
	for i := range client.NumMethod() {
		m := client.Type().Method(i)
		mt := m.Type // the receiver is argument 0
		if mt.NumIn() != 4 || mt.In(1) != ctxType || mt.NumOut() != 2 || mt.Out(1) != errType ||
			mt.In(2).Kind() != reflect.Pointer || mt.In(2).Elem().Name() != m.Name+"Input" {
			continue // Options, not an operation
		}
		called = append(called, m.Name)
		t.Run(m.Name, func(t *testing.T) {
			if !slices.Contains(Operations(), m.Name) {
				t.Errorf("Operations() lacks %s", m.Name)
			}
			in := reflect.New(mt.In(2).Elem())
			out := client.Method(i).Call([]reflect.Value{reflect.ValueOf(context.Background()), in,
				reflect.ValueOf(skipValidation)})
			err, _ := out[1].Interface().(error)
			if code := errorCode(err); strings.HasPrefix(code, "UnknownOperation") {
				t.Errorf("%s({}) = %v, want the operation served", m.Name, err)
			} else if err != nil && code == "" {
				t.Errorf("%s({}) = %v, want an API error or none", m.Name, err)
			}
		})
	}
	if len(called) < 37 {
		t.Errorf("found %d operations on *sfn.Client (%v), want the model's 37 or more", len(called), called)
	}
}

// TestOperationsTableIsComplete: the operations the server serves are
// exactly those of the one operations table (internal/sfnops), so that its
// IAM scopes and quotas cover each of them.
func TestOperationsTableIsComplete(t *testing.T) {
	var table []string
	for _, op := range sfnops.All() {
		table = append(table, op.Name)
	}
	slices.Sort(table)
	if served := Operations(); !slices.Equal(served, table) {
		t.Errorf("served operations %v, want the sfnops table's %v", served, table)
	}
}
