package sfnlocaltest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go/middleware"

	"github.com/polysync/stepfunctions/internal/sdkhttp"
	"github.com/polysync/stepfunctions/internal/sfnarn"
)

// Default values for the fields of Target left empty.
const (
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "123456789012"
)

// Target says how to reach the endpoint under test and what it implements.
type Target struct {
	// Name names the endpoint in skip messages, for example "moto 5.2.1".
	// Default "target".
	Name string

	// Endpoint is the endpoint's base URL, for example
	// "http://127.0.0.1:8083". Required.
	Endpoint string

	// Region is the region the client signs requests for, which the
	// endpoint is expected to put in its ARNs. Default DefaultRegion.
	Region string

	// AccountID is the account the endpoint is expected to put in its ARNs.
	// Default DefaultAccountID.
	AccountID string

	// Capabilities says which behaviour the endpoint implements. A scenario
	// that needs a capability the target lacks is skipped with the reason.
	Capabilities Capabilities

	// Deviations lists scenarios (by their subtest path below Run, for
	// example "History/PassMachine") that are known to fail on this target,
	// each with the reason, usually a bug report. Such a scenario is
	// skipped with its reason, so that the deviation stays visible in
	// `go test -v` output until it is fixed and its entry removed. Default:
	// none.
	Deviations map[string]string
}

// Capabilities says which parts of the Step Functions API a target
// implements. Real AWS implements all of them (see AllCapabilities); each
// field's comment says why a peer may lack it.
type Capabilities struct {
	// RunsDefinitions: executions run their Amazon States Language
	// definition, so a Pass machine ends SUCCEEDED with the Pass state's
	// output, a Fail machine ends FAILED with its error and cause, and the
	// execution history lists the states that ran. moto (without its
	// optional parser) keeps every execution RUNNING until it is stopped
	// and answers every GetExecutionHistory with the same canned events.
	RunsDefinitions bool

	// ValidatesDefinitions: CreateStateMachine and UpdateStateMachine
	// reject a definition that is not JSON or whose StartAt names no state
	// with InvalidDefinition. moto stores any string as the definition.
	ValidatesDefinitions bool

	// RejectsConflictingCreate: CreateStateMachine with the name of an
	// existing state machine but a different definition answers
	// StateMachineAlreadyExists (an identical request answers the existing
	// ARN). moto answers the existing state machine's ARN whatever the
	// request holds, and keeps the old definition.
	RejectsConflictingCreate bool

	// ExpressMachines: state machines created with type EXPRESS are Express
	// workflows: their executions get unique
	// "arn:aws:states:...:express:<machine>:<name>:<uuid>" ARNs even when a
	// name repeats, DescribeExecution, StopExecution and GetExecutionHistory
	// answer InvalidArn for them, and ListExecutions on the machine answers
	// StateMachineTypeNotSupported. moto ignores the type and makes every
	// machine STANDARD.
	ExpressMachines bool

	// ExpressSync: StartSyncExecution runs an Express execution to its end
	// and answers its status and output, and answers
	// StateMachineTypeNotSupported for a Standard machine. moto does not
	// implement StartSyncExecution (HTTP 500, NotImplementedError).
	ExpressSync bool

	// VersionsAndAliases: PublishStateMachineVersion,
	// ListStateMachineVersions, CreateStateMachineAlias,
	// DescribeStateMachineAlias and ListStateMachineAliases work, and
	// StartExecution accepts version and alias ARNs, recording them in
	// DescribeExecution. moto does not implement PublishStateMachineVersion
	// or ListStateMachineVersions (HTTP 500).
	VersionsAndAliases bool

	// Redrive: RedriveExecution restarts a FAILED, ABORTED or TIMED_OUT
	// Standard execution and answers ExecutionNotRedrivable for a
	// SUCCEEDED one. moto does not implement RedriveExecution (HTTP 500).
	Redrive bool

	// InputSizeLimit: StartExecution rejects an input of more than 262,144
	// bytes (counted in UTF-8) with InvalidExecutionInput. moto accepts
	// inputs of any size.
	InputSizeLimit bool

	// ValidatesParameters: requests that break the service model's
	// constraints (maxResults above 1000, a value outside an enum, a
	// traceHeader over 256 characters) answer ValidationException, as AWS's
	// request validation does. moto accepts them: it pages with any
	// maxResults, filters by any status and creates machines of any type.
	ValidatesParameters bool

	// TagsNeedResource: TagResource on an ARN that names no resource answers
	// ResourceNotFound. moto stores the tags for any ARN.
	TagsNeedResource bool

	// JSONata: the JSONata query language (QueryLanguage "JSONata", at
	// the top level and per state) runs, with $states and AWS's
	// runtime error causes. moto 5.2.1's interpreter fails every JSONata
	// state with States.Runtime ("'NoneType' object is not callable").
	JSONata bool
}

// AllCapabilities returns the capabilities of real AWS Step Functions: all
// of them. Endpoints meant to behave like AWS, such as sfnlocal, use it.
func AllCapabilities() Capabilities {
	var caps Capabilities
	fields := reflect.ValueOf(&caps).Elem()
	for i := range fields.NumField() {
		fields.Field(i).SetBool(true)
	}
	return caps
}

// MotoCapabilities returns the capabilities of moto_server 5.2.1 in its
// default mode: state machine CRUD, tags, pagination, Standard executions
// that stay RUNNING until stopped, and the name-idempotency rules. See the
// package documentation for moto's gaps.
func MotoCapabilities() Capabilities {
	return Capabilities{}
}

// capability names one field of Capabilities, for scenarios to declare what
// they need. Its value is the field's name: a new capability is a field of
// Capabilities and a row here, nothing more.
type capability string

// The capabilities scenarios can need.
const (
	runsDefinitions          capability = "RunsDefinitions"
	validatesDefinitions     capability = "ValidatesDefinitions"
	rejectsConflictingCreate capability = "RejectsConflictingCreate"
	expressMachines          capability = "ExpressMachines"
	expressSync              capability = "ExpressSync"
	versionsAndAliases       capability = "VersionsAndAliases"
	redrive                  capability = "Redrive"
	inputSizeLimit           capability = "InputSizeLimit"
	validatesParameters      capability = "ValidatesParameters"
	tagsNeedResource         capability = "TagsNeedResource"
	jsonataQueries           capability = "JSONata"
)

// String returns the Capabilities field name of c.
func (c capability) String() string { return string(c) }

// has reports whether caps includes c. It panics when c names no field of
// Capabilities, which TestCapabilitiesWiring rules out for every capability
// a scenario needs.
func (caps Capabilities) has(c capability) bool {
	f := reflect.ValueOf(caps).FieldByName(string(c))
	if !f.IsValid() {
		panic(fmt.Sprintf("sfnlocaltest: capability %q is no field of Capabilities", string(c)))
	}
	return f.Bool()
}

// scenarioTimeout bounds every scenario, so that an endpoint that hangs
// fails the test instead of stalling it.
const scenarioTimeout = 60 * time.Second

// Run runs every scenario of the suite against target, each as a subtest of
// t. Scenarios create their own uniquely named state machines and delete
// them when they end, so Run may be pointed at an endpoint that holds other
// state.
func Run(t *testing.T, target Target) {
	t.Helper()
	h, err := newHarness(target)
	if err != nil {
		t.Fatalf("sfnlocaltest: %v", err)
	}
	for path := range target.Deviations {
		if !scenarioExists(path) {
			t.Errorf("sfnlocaltest: Target.Deviations names %q, which is no scenario (want \"Group/Scenario\")", path)
		}
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, sc := range g.scenarios {
				t.Run(sc.name, func(t *testing.T) {
					h.run(t, g.name+"/"+sc.name, sc)
				})
			}
		})
	}
}

// scenarioExists reports whether path ("Group/Scenario") names a scenario.
func scenarioExists(path string) bool {
	for _, g := range groups {
		for _, sc := range g.scenarios {
			if g.name+"/"+sc.name == path {
				return true
			}
		}
	}
	return false
}

// group is a set of related scenarios, run as one subtest.
type group struct {
	name      string
	scenarios []scenario
}

// scenario is one behaviour the suite checks.
type scenario struct {
	name  string
	needs []capability
	run   func(t *testing.T, h *harness)
}

// harness holds what scenarios share: the client and the target's identity.
type harness struct {
	target Target
	client *sfn.Client
	runID  string
	seq    atomic.Int64
}

// newHarness validates target, fills in its defaults and builds the client.
func newHarness(target Target) (*harness, error) {
	if target.Endpoint == "" {
		return nil, fmt.Errorf("target %q has no Endpoint", target.Name)
	}
	u, err := url.Parse(target.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("target %q: Endpoint %q is not an http(s) URL", target.Name, target.Endpoint)
	}
	if target.Name == "" {
		target.Name = "target"
	}
	if target.Region == "" {
		target.Region = DefaultRegion
	}
	if target.AccountID == "" {
		target.AccountID = DefaultAccountID
	}
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("make run id: %w", err)
	}
	return &harness{target: target, client: NewClient(target.Endpoint, target.Region), runID: hex.EncodeToString(b[:])}, nil
}

// run runs sc unless the target lacks a capability it needs or lists it as
// a known deviation.
func (h *harness) run(t *testing.T, path string, sc scenario) {
	t.Helper()
	for _, c := range sc.needs {
		if !h.target.Capabilities.has(c) {
			t.Skipf("%s lacks capability %s (see Capabilities.%s)", h.target.Name, c, c)
		}
	}
	if reason, ok := h.target.Deviations[path]; ok {
		t.Skipf("known deviation of %s: %s", h.target.Name, reason)
	}
	sc.run(t, h)
}

// NewClient returns a real aws-sdk-go-v2 Step Functions client for endpoint:
// static placeholder credentials, no retries (so that every error reaches
// the caller as the endpoint answered it), the "sync-" host prefix of
// StartSyncExecution disabled, since "sync-127.0.0.1" does not resolve, and
// the HTTP client of HTTPClient.
func NewClient(endpoint, region string) *sfn.Client {
	return sfn.New(sfn.Options{
		Region:           region,
		BaseEndpoint:     aws.String(endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDSFNLOCALTEST", "sfnlocaltest-placeholder", ""),
		RetryMaxAttempts: 1,
		APIOptions:       []func(*middleware.Stack) error{sdkhttp.DisableHostPrefix},
		HTTPClient:       HTTPClient(),
	})
}

// ctx returns a context for one scenario, bounded by scenarioTimeout.
func (h *harness) ctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), scenarioTimeout)
	t.Cleanup(cancel)
	return ctx
}

// name returns a state machine or execution name unique to this run:
// "<base>-<run id>-<n>". Names stay within the 80-character limit for bases
// of up to 60 characters.
func (h *harness) name(base string) string {
	return fmt.Sprintf("%s-%s-%d", base, h.runID, h.seq.Add(1))
}

// roleArn is the execution role given to every state machine.
func (h *harness) roleArn() string {
	return "arn:aws:iam::" + h.target.AccountID + ":role/sfnlocaltest"
}

// partition returns the ARN partition of the target's region, from the AWS
// SDK's partition data; a region no partition claims is taken to be in aws,
// as the SDK does.
func (h *harness) partition() string {
	p, _ := sfnarn.PartitionOf(h.target.Region)
	return p
}

// arn returns "arn:<partition>:states:<region>:<account>:<resource>".
func (h *harness) arn(resource string) string {
	return fmt.Sprintf("arn:%s:states:%s:%s:%s", h.partition(), h.target.Region, h.target.AccountID, resource)
}
