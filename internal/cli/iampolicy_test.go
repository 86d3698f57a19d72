package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/polysync/stepfunctions/internal/sfnops"
)

// TestPermissionsPolicyFollowsTheOperationsTable checks that the policy
// grants every operation the provider calls (internal/sfnops), no other, each
// on the resources of its scope.
func TestPermissionsPolicyFollowsTheOperationsTable(t *testing.T) {
	doc, err := permissionsPolicy([]string{"arn:aws:states:eu-west-1:111122223333:stateMachine:orders"})
	if err != nil {
		t.Fatal(err)
	}
	granted := map[string]sfnops.Scope{} // action -> scope of the statement's resources
	for _, st := range doc.Statement {
		var scope sfnops.Scope
		resources, _ := st.Resource.([]string)
		for _, r := range resources {
			switch {
			case strings.Contains(r, ":stateMachine:"):
				scope |= sfnops.ScopeStateMachine
			case strings.Contains(r, ":execution:"):
				scope |= sfnops.ScopeExecution
			case strings.Contains(r, ":express:"):
				scope |= sfnops.ScopeExpressExecution
			default:
				t.Errorf("statement %s: unexpected resource %q", st.Sid, r)
			}
		}
		if st.Resource != "*" && len(resources) == 0 {
			t.Errorf("statement %s: resource %v, want \"*\" or ARNs", st.Sid, st.Resource)
		}
		actions, _ := st.Action.([]string)
		if !slices.IsSorted(actions) {
			t.Errorf("statement %s: actions %v are not sorted", st.Sid, actions)
		}
		for _, a := range actions {
			if _, dup := granted[a]; dup {
				t.Errorf("%s is granted twice", a)
			}
			granted[a] = scope
		}
	}
	for _, op := range sfnops.All() {
		scope, ok := granted[op.Action()]
		delete(granted, op.Action())
		switch {
		case ok != op.Provider:
			t.Errorf("policy grants %s: %v, want %v", op.Action(), ok, op.Provider)
		case ok && scope != op.Scope:
			t.Errorf("%s is granted on %v, the table says %v", op.Action(), scope, op.Scope)
		}
	}
	for a := range granted {
		t.Errorf("policy grants %s, which is not in the operations table", a)
	}
}
