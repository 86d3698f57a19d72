// Package sfnops is the one table of the AWS Step Functions operations this
// module knows: for each, its IAM action, the resources that action is
// granted on, and the token bucket that the service documents for it in each
// class of region ("Service quotas" in the Step Functions developer guide).
//
// The provider's client-side rate limits (DefaultRateLimits) and its
// access-denied hints, the iam-policy command and sfnlocal's throttling all
// read this table; the operations marked Provider are exactly the methods of
// internal/sfnapi's Client, which a test checks.
//
// The package imports nothing but the standard library, so that sfnlocal can
// read the quotas without pulling in the AWS SDK.
package sfnops

import (
	"slices"
	"strings"
)

// Operation names: the Step Functions API names, which after "states:" are
// also the IAM actions.
const (
	ListStateMachines        = "ListStateMachines"
	DescribeStateMachine     = "DescribeStateMachine"
	StartExecution           = "StartExecution"
	StartSyncExecution       = "StartSyncExecution"
	DescribeExecution        = "DescribeExecution"
	StopExecution            = "StopExecution"
	GetExecutionHistory      = "GetExecutionHistory"
	RedriveExecution         = "RedriveExecution"
	ListExecutions           = "ListExecutions"
	ListStateMachineVersions = "ListStateMachineVersions"
	ListStateMachineAliases  = "ListStateMachineAliases"
	SendTaskSuccess          = "SendTaskSuccess"
	SendTaskFailure          = "SendTaskFailure"
	SendTaskHeartbeat        = "SendTaskHeartbeat"
	CreateActivity           = "CreateActivity"
	DescribeActivity         = "DescribeActivity"
	DeleteActivity           = "DeleteActivity"
	ListActivities           = "ListActivities"
	GetActivityTask          = "GetActivityTask"
	// DescribeStateMachineAlias and ValidateStateMachineDefinition serve
	// the provider's job insight (suggested parameters, job health).
	DescribeStateMachineAlias      = "DescribeStateMachineAlias"
	ValidateStateMachineDefinition = "ValidateStateMachineDefinition"
	// TestState serves sfnlocal only.
	TestState = "TestState"
	// DescribeStateMachineForExecution and UpdateMapRun serve sfnlocal
	// only; ListMapRuns and DescribeMapRun also the provider's progress of
	// a run's Distributed Maps.
	DescribeStateMachineForExecution = "DescribeStateMachineForExecution"
	DescribeMapRun                   = "DescribeMapRun"
	ListMapRuns                      = "ListMapRuns"
	UpdateMapRun                     = "UpdateMapRun"
	// The operations that manage state machines, their versions and
	// aliases, and tags serve sfnlocal only.
	CreateStateMachine         = "CreateStateMachine"
	UpdateStateMachine         = "UpdateStateMachine"
	DeleteStateMachine         = "DeleteStateMachine"
	PublishStateMachineVersion = "PublishStateMachineVersion"
	DeleteStateMachineVersion  = "DeleteStateMachineVersion"
	CreateStateMachineAlias    = "CreateStateMachineAlias"
	UpdateStateMachineAlias    = "UpdateStateMachineAlias"
	DeleteStateMachineAlias    = "DeleteStateMachineAlias"
	TagResource                = "TagResource"
	UntagResource              = "UntagResource"
	ListTagsForResource        = "ListTagsForResource"
)

// Scope is the set of resource types an operation's IAM action is granted
// on. The empty set, ScopeAll, means the action cannot be scoped to a
// resource and is granted on "*".
type Scope uint8

// Resource types of IAM policies for Step Functions.
const (
	// ScopeStateMachine is a state machine ARN, or one of its version or
	// alias ARNs (stateMachine:<name>[:<version or alias>]).
	ScopeStateMachine Scope = 1 << iota
	// ScopeExecution is a Standard execution ARN
	// (execution:<stateMachineName>:<executionName>).
	ScopeExecution
	// ScopeExpressExecution is an Express execution ARN
	// (express:<stateMachineName>:<executionName>:<id>).
	ScopeExpressExecution
	// ScopeMapRun is a Distributed Map's Map Run ARN
	// (mapRun:<stateMachineName>/<label>:<id>).
	ScopeMapRun
)

// ScopeAll is the empty set: the action is granted on resource "*".
const ScopeAll Scope = 0

// String returns the scope's resource types joined by "|", such as
// "execution|express execution", or "*" for ScopeAll.
func (s Scope) String() string {
	if s == ScopeAll {
		return "*"
	}
	var names []string
	for _, t := range []struct {
		bit  Scope
		name string
	}{{ScopeStateMachine, "state machine"}, {ScopeExecution, "execution"}, {ScopeExpressExecution, "express execution"},
		{ScopeMapRun, "map run"}} {
		if s&t.bit != 0 {
			names = append(names, t.name)
		}
	}
	return strings.Join(names, "|")
}

// Bucket is a token bucket: Burst calls at once, refilled at Refill calls per
// second.
type Bucket struct {
	Burst, Refill float64
}

// Quota is an operation's documented token bucket per account and region, by
// class of region. The zero Quota means that no bucket is published.
type Quota struct {
	// High is the bucket of us-east-1, us-west-2 and eu-west-1.
	High Bucket
	// Other is the bucket of every other region.
	Other Bucket
}

// Published reports whether the service documents a bucket.
func (q Quota) Published() bool { return q != Quota{} }

// In returns the bucket of region.
func (q Quota) In(region string) Bucket {
	switch region {
	case "us-east-1", "us-west-2", "eu-west-1":
		return q.High
	default:
		return q.Other
	}
}

// uniform is the Quota of an operation whose bucket is the same in every
// region.
func uniform(burst, refill float64) Quota {
	return Quota{High: Bucket{burst, refill}, Other: Bucket{burst, refill}}
}

// Operation is one Step Functions API operation.
type Operation struct {
	// Name is the API name, such as "StartExecution".
	Name string
	// Scope is what the IAM action is granted on.
	Scope Scope
	// Quota is the operation's documented token bucket; zero when none is
	// published (StartSyncExecution, TestState). For StartExecution it is the bucket of
	// Standard state machines.
	Quota Quota
	// ExpressQuota is the separate bucket of calls on Express state machines,
	// where the service documents one (StartExecution); zero otherwise.
	ExpressQuota Quota
	// Provider reports whether the provider calls the operation, that is
	// whether internal/sfnapi's Client has it.
	Provider bool
}

// Action returns the operation's IAM action, such as "states:StartExecution".
func (o Operation) Action() string { return "states:" + o.Name }

// executions is the scope of the operations on an execution. It includes
// Express execution ARNs: DescribeExecution and GetExecutionHistory answer
// for the Express executions a Distributed Map dispatched, and the other
// execution operations share the grant so that a policy needs one statement
// for a machine's executions.
const executions = ScopeExecution | ScopeExpressExecution

// table is the list of operations, in the order of the provider's calls
// (discover, start, track, cancel, redrive), then those that list a state
// machine's versions and aliases (DescribeJob).
var table = []Operation{
	{Name: ListStateMachines, Scope: ScopeAll, Provider: true,
		Quota: uniform(100, 5)},
	{Name: DescribeStateMachine, Scope: ScopeStateMachine, Provider: true,
		Quota: uniform(200, 20)},
	{Name: StartExecution, Scope: ScopeStateMachine, Provider: true,
		Quota:        Quota{High: Bucket{1300, 300}, Other: Bucket{800, 150}},
		ExpressQuota: uniform(6000, 6000)},
	{Name: StartSyncExecution, Scope: ScopeStateMachine, Provider: true},
	{Name: DescribeExecution, Scope: executions, Provider: true,
		Quota: Quota{High: Bucket{300, 15}, Other: Bucket{250, 10}}},
	{Name: ListExecutions, Scope: ScopeStateMachine, Provider: true,
		Quota: Quota{High: Bucket{200, 5}, Other: Bucket{100, 2}}},
	{Name: GetExecutionHistory, Scope: executions, Provider: true,
		Quota: uniform(400, 20)},
	{Name: StopExecution, Scope: executions, Provider: true,
		Quota: Quota{High: Bucket{1000, 200}, Other: Bucket{500, 25}}},
	{Name: RedriveExecution, Scope: executions, Provider: true,
		Quota: Quota{High: Bucket{1300, 300}, Other: Bucket{800, 150}}},
	// UNCONFIRMED: the quotas page gives no bucket for the next two; the
	// table assumes the one of the version and alias reads below, the
	// smallest documented, so that a provider cannot exceed the real one
	// by much.
	{Name: DescribeStateMachineAlias, Scope: ScopeStateMachine, Provider: true,
		Quota: uniform(100, 1)},
	{Name: ValidateStateMachineDefinition, Scope: ScopeAll, Provider: true,
		Quota: uniform(100, 1)},
	{Name: ListStateMachineVersions, Scope: ScopeStateMachine, Provider: true,
		Quota: uniform(100, 1)},
	{Name: ListStateMachineAliases, Scope: ScopeStateMachine, Provider: true,
		Quota: uniform(100, 1)},
	// Callbacks and activities. The activity actions may be granted on
	// activity ARNs too; this module grants none of them, so they keep
	// ScopeAll.
	{Name: SendTaskSuccess, Scope: ScopeAll,
		Quota: Quota{High: Bucket{3000, 500}, Other: Bucket{1500, 300}}},
	{Name: SendTaskFailure, Scope: ScopeAll,
		Quota: Quota{High: Bucket{3000, 500}, Other: Bucket{1500, 300}}},
	{Name: SendTaskHeartbeat, Scope: ScopeAll,
		Quota: Quota{High: Bucket{3000, 500}, Other: Bucket{1500, 300}}},
	{Name: CreateActivity, Scope: ScopeAll,
		Quota: uniform(100, 1)},
	{Name: DescribeActivity, Scope: ScopeAll,
		Quota: uniform(200, 1)},
	{Name: DeleteActivity, Scope: ScopeAll,
		Quota: uniform(100, 1)},
	{Name: ListActivities, Scope: ScopeAll,
		Quota: Quota{High: Bucket{100, 10}, Other: Bucket{100, 5}}},
	{Name: GetActivityTask, Scope: ScopeAll,
		Quota: Quota{High: Bucket{3000, 500}, Other: Bucket{1500, 300}}},
	// TestState runs a definition given in the request, on no stored
	// resource. UNCONFIRMED: the developer guide's quota table gives it no
	// bucket that this module has found, so sfnlocal does not throttle it.
	{Name: TestState, Scope: ScopeAll},
	// UNCONFIRMED: the buckets below are those the developer guide's API
	// action throttling table gave when this was written, read from
	// memory of it rather than a stored copy: 200 at 1 per second for the
	// two Describe calls, 100 at 1 for the others, in every region.
	// ListMapRuns is granted on the parent execution, DescribeMapRun and
	// UpdateMapRun on the Map Run.
	{Name: DescribeStateMachineForExecution, Scope: executions,
		Quota: uniform(200, 1)},
	{Name: DescribeMapRun, Scope: ScopeMapRun, Provider: true,
		Quota: uniform(200, 1)},
	{Name: ListMapRuns, Scope: executions, Provider: true,
		Quota: uniform(100, 1)},
	{Name: UpdateMapRun, Scope: ScopeMapRun,
		Quota: uniform(100, 1)},
	// UNCONFIRMED: no bucket of this module's sources for the operations
	// below, so sfnlocal does not throttle them. Tags may be granted on
	// state machines and activities; this module grants none of them, so
	// they keep ScopeAll, as the activity actions do.
	{Name: CreateStateMachine, Scope: ScopeStateMachine},
	{Name: UpdateStateMachine, Scope: ScopeStateMachine},
	{Name: DeleteStateMachine, Scope: ScopeStateMachine},
	{Name: PublishStateMachineVersion, Scope: ScopeStateMachine},
	{Name: DeleteStateMachineVersion, Scope: ScopeStateMachine},
	{Name: CreateStateMachineAlias, Scope: ScopeStateMachine},
	{Name: UpdateStateMachineAlias, Scope: ScopeStateMachine},
	{Name: DeleteStateMachineAlias, Scope: ScopeStateMachine},
	{Name: TagResource, Scope: ScopeAll},
	{Name: UntagResource, Scope: ScopeAll},
	{Name: ListTagsForResource, Scope: ScopeAll},
}

// All returns every operation of the table, in a new slice.
func All() []Operation { return slices.Clone(table) }

// Lookup returns the operation called name, and whether there is one.
func Lookup(name string) (Operation, bool) {
	i := slices.IndexFunc(table, func(o Operation) bool { return o.Name == name })
	if i < 0 {
		return Operation{}, false
	}
	return table[i], true
}
