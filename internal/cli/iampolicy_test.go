package cli

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/polysync/stepfunctions/internal/sfnarn"
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
			case strings.Contains(r, ":mapRun:"):
				scope |= sfnops.ScopeMapRun
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

// TestIAMPolicyLogGroup checks that --log-group grants logs:FilterLogEvents
// on the log group (with and without ":*") and refuses what is no log group.
func TestIAMPolicyLogGroup(t *testing.T) {
	const orders = "arn:aws:states:eu-west-1:111122223333:stateMachine:orders"
	code, stdout, stderr := runCLI(t, nil, "iam-policy", "--json", "--state-machine", orders,
		"--log-group", "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/vendedlogs/states/orders:*")
	if code != ExitOK {
		t.Fatalf("iam-policy --log-group: exit %d, %s", code, stderr)
	}
	var got map[string]policyDocument
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	sts := got["PermissionsPolicy"].Statement
	last := sts[len(sts)-1]
	want := []any{"arn:aws:logs:eu-west-1:111122223333:log-group:/aws/vendedlogs/states/orders",
		"arn:aws:logs:eu-west-1:111122223333:log-group:/aws/vendedlogs/states/orders:*"}
	if last.Sid != "PolysyncReadExpressResults" || !reflect.DeepEqual(last.Action, []any{"logs:FilterLogEvents"}) ||
		!reflect.DeepEqual(last.Resource, want) {
		t.Errorf("last statement = %+v, want logs:FilterLogEvents on %v", last, want)
	}
	code, _, stderr = runCLI(t, nil, "iam-policy", "--state-machine", orders, "--log-group", orders)
	if code != ExitUsage || !strings.Contains(stderr, "want a log group ARN") {
		t.Errorf("iam-policy --log-group <state machine ARN>: exit %d, %s; want a usage error", code, stderr)
	}
}

// TestPermissionsPolicyAcceptsWhatTheProviderAccepts checks that iam-policy
// reads state machine ARNs as the provider does (sfnarn): a name with a dot,
// such as orders.v2, is valid, and so are its versions and aliases.
func TestPermissionsPolicyAcceptsWhatTheProviderAccepts(t *testing.T) {
	const machine = "arn:aws:states:eu-west-1:111122223333:stateMachine:orders.v2"
	for _, in := range []string{machine, machine + ":3", machine + ":prod"} {
		if _, err := sfnarn.ParseStateMachine(in); err != nil {
			t.Fatalf("sfnarn.ParseStateMachine(%q) = %v, want no error", in, err)
		}
		doc, err := permissionsPolicy([]string{in})
		if err != nil {
			t.Errorf("permissionsPolicy(%q) = %v, want no error", in, err)
			continue
		}
		got, _ := json.Marshal(doc)
		for _, want := range []string{
			`"` + machine + `"`,
			`"` + machine + `:*"`,
			`"arn:aws:states:eu-west-1:111122223333:execution:orders.v2:*"`,
			`"arn:aws:states:eu-west-1:111122223333:express:orders.v2:*"`,
			`"arn:aws:states:eu-west-1:111122223333:mapRun:orders.v2/*"`,
		} {
			if !strings.Contains(string(got), want) {
				t.Errorf("permissionsPolicy(%q) = %s, want it to contain %s", in, got, want)
			}
		}
	}
}
