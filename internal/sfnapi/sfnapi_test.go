package sfnapi

import (
	"reflect"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/polysync/stepfunctions/internal/sfnops"
)

// TestClientMatchesOperationsTable checks that the operations internal/sfnops
// marks Provider are exactly Client's methods, and that every operation of
// the table is one the SDK's client has.
func TestClientMatchesOperationsTable(t *testing.T) {
	var methods []string
	for m := range reflect.TypeFor[Client]().Methods() {
		methods = append(methods, m.Name)
	}
	var provider []string
	sdk := reflect.TypeFor[*sfn.Client]()
	for _, op := range sfnops.All() {
		if op.Provider {
			provider = append(provider, op.Name)
		}
		if _, ok := sdk.MethodByName(op.Name); !ok {
			t.Errorf("operation %s of the table is not a method of *sfn.Client", op.Name)
		}
	}
	slices.Sort(methods)
	slices.Sort(provider)
	if !slices.Equal(methods, provider) {
		t.Errorf("Client's methods = %v, the table's Provider operations = %v; they must be the same", methods, provider)
	}
}
