// Package sfnarn parses and builds the ARNs of AWS Step Functions, and knows the AWS partitions and their regions.
// The provider, the command line and sfnlocal all read ARNs and regions through it, so that they accept and refuse
// the same ones.
//
// # ARNs
//
// An ARN is arn:<partition>:states:<region>:<account>:<type>:<...>, where the end depends on its Kind:
//
//	StateMachine  stateMachine:<name>
//	Version       stateMachine:<name>:<version number>
//	Alias         stateMachine:<name>:<alias>
//	Execution     execution:<stateMachine>:<name>
//	Express       express:<stateMachine>:<name>:<id>
//	MapRun        mapRun:<stateMachine>/<label>:<id>
//	Activity      activity:<name>
//
// The child executions a Distributed Map starts name their state machine <stateMachine>/<label>, as a map run
// does. Parse checks every part and says which one is wrong.
//
// # Regions and partitions
//
// The partitions (aws, aws-cn, aws-eusc, aws-us-gov, the aws-iso ones) with their region patterns, listed regions
// and DNS suffixes come from the AWS SDK's own partitions.json, copied into partitions_gen.go by go generate
// (internal/genpartitions) for the SDK version in go.mod; a test fails while the copy differs from that SDK. The
// table is plain Go, so packages that must not depend on the SDK at run time (sfnlocal) can use it.
package sfnarn

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Kind is what a Step Functions ARN names.
type Kind int

// The kinds of Step Functions ARNs.
const (
	StateMachine Kind = iota + 1 // a state machine: stateMachine:<name>
	Version                      // a state machine version: stateMachine:<name>:<number>
	Alias                        // a state machine alias: stateMachine:<name>:<alias>
	Execution                    // a Standard execution: execution:<stateMachine>[/<label>]:<name>
	Express                      // an Express execution: express:<stateMachine>[/<label>]:<name>:<id>
	MapRun                       // a Distributed Map run: mapRun:<stateMachine>/<label>:<id>
	Activity                     // an activity: activity:<name>
)

var kindNames = [...]string{
	StateMachine: "state machine",
	Version:      "state machine version",
	Alias:        "alias",
	Execution:    "execution",
	Express:      "Express execution",
	MapRun:       "map run",
	Activity:     "activity",
}

// String returns the kind in words, for messages: "state machine", "Express execution", ...
func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Indefinite returns the kind with its indefinite article, for messages: "a state machine", "an execution", ...
func (k Kind) Indefinite() string {
	switch k {
	case Execution, Express, Alias, Activity:
		return "an " + k.String()
	}
	return "a " + k.String()
}

// ARN is a Step Functions ARN split into its parts. Only the fields of its Kind are set.
type ARN struct {
	Partition string // aws, aws-cn, aws-eusc, ...
	Region    string
	Account   string // 12 digits
	Kind      Kind
	// StateMachine is the state machine's name: the machine itself, the machine of a version, alias or execution,
	// the machine whose Distributed Map made a map run.
	StateMachine string
	// Label is the Distributed Map's label, for a map run and for the child executions it started; "" otherwise.
	Label string
	// Version is a version's number (1 or more).
	Version int
	// Alias is an alias's name.
	Alias string
	// Name is the name of an execution or activity, or the ID of a map run.
	Name string
	// ExpressID is the unique ID at the end of an Express execution's ARN.
	ExpressID string
}

// MaxLen bounds the length of the ARNs Parse reads, in bytes: far above the longest Step Functions ARN (about 300
// bytes), low enough that an error quoting the ARN stays readable.
const MaxLen = 2048

// form is the shape of every Step Functions ARN, for messages.
const form = "arn:<partition>:states:<region>:<account>:<type>:<name>"

// types lists the resource types Parse reads, for messages.
const types = "stateMachine, execution, express, mapRun or activity"

// Parse parses s as a Step Functions ARN of any Kind. Its partition must be one the AWS SDK in go.mod knows, its
// region one of that partition (see CheckRegion), its account 12 digits, and its names valid (see CheckName and
// CheckAliasName). The error names the part that is wrong.
func Parse(s string) (ARN, error) {
	return parse(s, true)
}

// ParseLocal is Parse for ARNs that a local endpoint made: the partition, region and account need only be
// present, since such an endpoint may be configured with any of them; the resource part is checked as Parse does.
func ParseLocal(s string) (ARN, error) {
	return parse(s, false)
}

func parse(s string, strict bool) (ARN, error) {
	switch {
	case s == "":
		return ARN{}, errors.New("empty ARN")
	case len(s) > MaxLen:
		return ARN{}, fmt.Errorf("ARN of %d bytes: Step Functions ARNs are at most %d", len(s), MaxLen)
	}
	f := strings.Split(s, ":")
	if len(f) < 6 || f[0] != "arn" {
		return ARN{}, fmt.Errorf("%q is not an ARN (want %s)", s, form)
	}
	if f[2] != "states" {
		return ARN{}, fmt.Errorf("%q is not a Step Functions ARN (service %q, want states)", s, f[2])
	}
	a := ARN{Partition: f[1], Region: f[3], Account: f[4]}
	if err := a.checkLocation(strict); err != nil {
		return ARN{}, fmt.Errorf("ARN %q: %w", s, err)
	}
	if err := a.parseResource(f[5], f[6:]); err != nil {
		return ARN{}, fmt.Errorf("ARN %q: %w", s, err)
	}
	return a, nil
}

// checkLocation checks a's partition, region and account: that they are present, and when strict that they are
// an AWS partition, a region of it and an account ID.
func (a *ARN) checkLocation(strict bool) error {
	switch {
	case a.Partition == "":
		return errors.New("empty partition")
	case a.Region == "":
		return errors.New("empty region")
	case a.Account == "":
		return errors.New("empty account")
	case !strict:
		return nil
	case !KnownPartition(a.Partition):
		return fmt.Errorf("unknown partition %q (want one of %s)", a.Partition, partitionIDs())
	}
	if err := CheckRegion(a.Region); err != nil {
		return fmt.Errorf("region %q: %w", a.Region, err)
	}
	if p, _ := PartitionOf(a.Region); p != a.Partition {
		return fmt.Errorf("region %s is in partition %s, not %s", a.Region, p, a.Partition)
	}
	if len(a.Account) != 12 || !isDigits(a.Account) {
		return fmt.Errorf("account %q is not a 12-digit AWS account ID", a.Account)
	}
	return nil
}

// parseResource sets a's Kind and names from the resource type typ and the colon-separated parts after it.
func (a *ARN) parseResource(typ string, parts []string) error {
	switch typ {
	case "":
		return fmt.Errorf("empty resource type (want %s)", types)
	case "stateMachine":
		if len(parts) < 1 || len(parts) > 2 {
			return fmt.Errorf("a state machine ARN ends in stateMachine:<name>, or :<name>:<version or alias>; this one has %d parts after stateMachine", len(parts))
		}
		a.Kind, a.StateMachine = StateMachine, parts[0]
		if err := checkPart("state machine name", a.StateMachine, CheckName); err != nil {
			return err
		}
		if len(parts) == 2 {
			return a.parseQualifier(parts[1])
		}
		return nil
	case "execution", "express", "mapRun":
		return a.parseRun(typ, parts)
	case "activity":
		if len(parts) != 1 {
			return fmt.Errorf("an activity ARN ends in activity:<name>; this one has %d parts after activity", len(parts))
		}
		a.Kind, a.Name = Activity, parts[0]
		return checkPart("activity name", a.Name, CheckName)
	default:
		return fmt.Errorf("unknown resource type %q (want %s)", typ, types)
	}
}

// parseQualifier sets a's version number or alias name from q, the part after the state machine's name.
func (a *ARN) parseQualifier(q string) error {
	if !isDigits(q) {
		a.Kind, a.Alias = Alias, q
		return checkPart("alias name", q, CheckAliasName)
	}
	n, err := strconv.Atoi(q)
	switch {
	case err != nil:
		return fmt.Errorf("version number %q is too large", q)
	case n < 1 || q[0] == '0':
		return fmt.Errorf("version number %q: versions are numbered from 1, without leading zeros", q)
	}
	a.Kind, a.Version = Version, n
	return nil
}

// runShapes describes the resource types of runs: their Kind, the number of parts after the type, and the
// shape of their end for messages.
var runShapes = map[string]struct {
	kind  Kind
	parts int
	shape string
}{
	"execution": {Execution, 2, "an execution ARN ends in execution:<stateMachine>:<name>"},
	"express":   {Express, 3, "an Express execution ARN ends in express:<stateMachine>:<name>:<id>"},
	"mapRun":    {MapRun, 2, "a map run ARN ends in mapRun:<stateMachine>/<label>:<id>"},
}

// parseRun reads the parts after execution, express or mapRun (typ): <stateMachine>[/<label>]:<name>, and for
// Express :<id>.
func (a *ARN) parseRun(typ string, parts []string) error {
	rs := runShapes[typ]
	if len(parts) != rs.parts {
		return fmt.Errorf("%s; this one has %d parts after %s", rs.shape, len(parts), typ)
	}
	machine, label, labelled := strings.Cut(parts[0], "/")
	a.Kind, a.StateMachine, a.Label = rs.kind, machine, label
	if err := checkPart("state machine name", machine, CheckName); err != nil {
		return err
	}
	switch {
	case labelled:
		if err := checkPart("Distributed Map label", label, CheckName); err != nil {
			return err
		}
	case a.Kind == MapRun:
		return fmt.Errorf("%s; this one has no /<label>", rs.shape)
	}
	a.Name = parts[1]
	what := "execution name"
	if a.Kind == MapRun {
		what = "map run ID"
	}
	if err := checkPart(what, a.Name, CheckName); err != nil {
		return err
	}
	if a.Kind == Express {
		a.ExpressID = parts[2]
		return checkPart("Express execution ID", a.ExpressID, CheckName)
	}
	return nil
}

// checkPart checks value, the part of an ARN called what, with check.
func checkPart(what, value string, check func(string) error) error {
	if value == "" {
		return errors.New("empty " + what)
	}
	if err := check(value); err != nil {
		return fmt.Errorf("%s %q %w", what, value, err)
	}
	return nil
}

// String returns the ARN a names. It does not check a: Parse(a.String()) returns a for every a that Parse
// returned, and an ARN built by hand is as valid as its fields. A "*" in a name builds an IAM resource pattern.
func (a ARN) String() string {
	head := "arn:" + a.Partition + ":states:" + a.Region + ":" + a.Account + ":"
	machine := a.StateMachine
	if a.Label != "" {
		machine += "/" + a.Label
	}
	switch a.Kind {
	case StateMachine:
		return head + "stateMachine:" + machine
	case Version:
		return head + "stateMachine:" + machine + ":" + strconv.Itoa(a.Version)
	case Alias:
		return head + "stateMachine:" + machine + ":" + a.Alias
	case Execution:
		return head + "execution:" + machine + ":" + a.Name
	case Express:
		return head + "express:" + machine + ":" + a.Name + ":" + a.ExpressID
	case MapRun:
		return head + "mapRun:" + machine + ":" + a.Name
	case Activity:
		return head + "activity:" + a.Name
	}
	return head + a.Kind.String()
}

// Base returns the ARN of the unqualified state machine a belongs to: the machine of a version, alias, execution
// or map run (without the Distributed Map's label), or a itself for a state machine.
func (a ARN) Base() ARN {
	return ARN{Partition: a.Partition, Region: a.Region, Account: a.Account, Kind: StateMachine, StateMachine: a.StateMachine}
}

// Execution returns the ARN of the Standard execution called name of a's state machine.
func (a ARN) Execution(name string) ARN {
	e := a.Base()
	e.Kind, e.Name = Execution, name
	return e
}

// MapRunChild reports whether a names an execution that a Distributed Map's map run started: its state machine
// part is <stateMachine>/<label>.
func (a ARN) MapRunChild() bool {
	return (a.Kind == Execution || a.Kind == Express) && a.Label != ""
}

// Forms of the ARNs ParseStateMachine and ParseExecution read, for messages.
const (
	StateMachineForm = "arn:<partition>:states:<region>:<account>:stateMachine:<name>[:<version or alias>]"
	ExecutionForm    = "arn:<partition>:states:<region>:<account>:execution:<stateMachine>:<name>, " +
		"or :express:<stateMachine>:<name>:<id> for Express"
)

// KindError is the error of ParseStateMachine and ParseExecution for an ARN that parses but names another kind of
// resource than the one wanted.
type KindError struct {
	ARN  string // the ARN given
	Kind Kind   // what it names
	Want string // what was wanted, with its article: "a state machine ARN", "an execution ARN"
	Form string // the form of the ARN wanted
}

// Error implements error: `"<arn>" is not a state machine ARN (<form>): it names an execution`.
func (e *KindError) Error() string {
	return fmt.Sprintf("%q is not %s (%s): it names %s", e.ARN, e.Want, e.Form, e.Kind.Indefinite())
}

// ParseStateMachine is Parse for a reference to a state machine: the machine, one of its versions or one of its
// aliases. An ARN of another kind is a *KindError.
func ParseStateMachine(s string) (ARN, error) {
	return parseKind(s, "a state machine ARN", StateMachineForm, StateMachine, Version, Alias)
}

// ParseExecution is Parse for a Standard or Express execution ARN, the children of a Distributed Map included. An
// ARN of another kind is a *KindError.
func ParseExecution(s string) (ARN, error) {
	return parseKind(s, "an execution ARN", ExecutionForm, Execution, Express)
}

func parseKind(s, want, form string, kinds ...Kind) (ARN, error) {
	a, err := Parse(s)
	if err != nil {
		return ARN{}, err
	}
	for _, k := range kinds {
		if a.Kind == k {
			return a, nil
		}
	}
	return ARN{}, &KindError{ARN: s, Kind: a.Kind, Want: want, Form: form}
}

// Related returns the ARN of kind that belongs to a's state machine, with name where kind has one: an execution's
// name, a version's alias, a map run's label. A name of "*" builds an IAM resource pattern.
func (a ARN) Related(kind Kind, name string) ARN {
	r := a.Base()
	r.Kind = kind
	switch kind {
	case Execution, Express, Activity:
		r.Name = name
	case Alias:
		r.Alias = name
	case MapRun:
		r.Label = name
	}
	return r
}

// RegionOf returns the region an ARN of any service names (its fourth part), or "" if s is not an ARN of the
// form arn:<partition>:<service>:<region>:<account>:<resource>.
func RegionOf(s string) string {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ""
	}
	return parts[3]
}
