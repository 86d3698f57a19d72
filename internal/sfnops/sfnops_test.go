package sfnops

import (
	"go/build"
	"slices"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	seen := map[string]bool{}
	for _, op := range All() {
		if seen[op.Name] {
			t.Errorf("operation %s is in the table twice", op.Name)
		}
		seen[op.Name] = true
		got, ok := Lookup(op.Name)
		if !ok || got != op {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v, true", op.Name, got, ok, op)
		}
		if want := "states:" + op.Name; op.Action() != want {
			t.Errorf("%s.Action() = %q, want %q", op.Name, op.Action(), want)
		}
	}
	if got, ok := Lookup("CreateWidget"); ok {
		t.Errorf("Lookup(CreateWidget) = %+v, true; want false", got)
	}
}

func TestAllReturnsACopy(t *testing.T) {
	ops := All()
	ops[0].Name = "Changed"
	if All()[0].Name == "Changed" {
		t.Error("changing the slice All returned changed the table")
	}
}

func TestQuotaIn(t *testing.T) {
	q := Quota{High: Bucket{300, 15}, Other: Bucket{250, 10}}
	for _, tt := range []struct {
		region string
		want   Bucket
	}{
		{"us-east-1", q.High},
		{"us-west-2", q.High},
		{"eu-west-1", q.High},
		{"eu-central-1", q.Other},
		{"us-east-2", q.Other},
		{"cn-north-1", q.Other},
		{"", q.Other},
	} {
		if got := q.In(tt.region); got != tt.want {
			t.Errorf("In(%q) = %v, want %v", tt.region, got, tt.want)
		}
	}
	if (Quota{}).Published() || !q.Published() {
		t.Error("Published() must be false for the zero Quota only")
	}
}

// TestEveryOperationHasAQuota checks that only StartSyncExecution and
// TestState, for which the service publishes none, and the operations that
// manage state machines and tags, which only sfnlocal serves and no source
// of this module gives a bucket for, lack a bucket, and that the bucket
// classes are complete.
func TestEveryOperationHasAQuota(t *testing.T) {
	unpublished := []string{StartSyncExecution, TestState, CreateStateMachine, UpdateStateMachine, DeleteStateMachine,
		PublishStateMachineVersion, DeleteStateMachineVersion, CreateStateMachineAlias, UpdateStateMachineAlias,
		DeleteStateMachineAlias, TagResource, UntagResource, ListTagsForResource}
	for _, op := range All() {
		for _, q := range []Quota{op.Quota, op.ExpressQuota} {
			if q.Published() && (q.High.Burst < 1 || q.High.Refill <= 0 || q.Other.Burst < 1 || q.Other.Refill <= 0) {
				t.Errorf("%s has an incomplete quota %+v", op.Name, q)
			}
		}
		if !op.Quota.Published() && !slices.Contains(unpublished, op.Name) {
			t.Errorf("%s has no quota", op.Name)
		}
	}
}

// TestStandardLibraryOnly keeps the package free of the AWS SDK, so that
// sfnlocal can import it.
func TestStandardLibraryOnly(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range pkg.Imports {
		if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
			t.Errorf("package sfnops imports %s; it must import the standard library only", path)
		}
	}
}

func TestScopeString(t *testing.T) {
	for _, tt := range []struct {
		s    Scope
		want string
	}{
		{ScopeAll, "*"},
		{ScopeStateMachine, "state machine"},
		{ScopeExecution | ScopeExpressExecution, "execution|express execution"},
		{ScopeMapRun, "map run"},
	} {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("Scope(%d).String() = %q, want %q", tt.s, got, tt.want)
		}
	}
}
