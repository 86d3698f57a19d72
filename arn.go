package stepfunctions

import (
	"fmt"
	"regexp"
	"strings"
)

// Resource types of Step Functions ARNs this package understands.
const (
	resStateMachine = "stateMachine"
	resExecution    = "execution"
	resExpress      = "express"
)

var (
	partitionRE = regexp.MustCompile(`^aws(-[a-z]+)*$`)
	regionRE    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
	accountRE   = regexp.MustCompile(`^[0-9]{12}$`)
	// nameRE accepts the characters Step Functions allows in state machine, version/alias and execution
	// names: no whitespace, control characters or < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /.
	// The "/" is allowed in a state machine name position only for Distributed Map children (sm/label).
	nameRE = regexp.MustCompile("^[^\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/\\x00-\\x1f\\x7f-\\x9f]{1,80}$")
)

// sfnARN is a parsed Step Functions ARN.
type sfnARN struct {
	raw       string
	partition string
	region    string
	account   string
	resource  string   // stateMachine, execution, express, or another Step Functions resource type
	parts     []string // the colon-separated parts after the resource type
}

// parseARN parses s as a Step Functions ARN: arn:<partition>:states:<region>:<account>:<type>:<...>.
func parseARN(s string) (sfnARN, error) {
	if s == "" {
		return sfnARN{}, fmt.Errorf("empty ARN")
	}
	f := strings.Split(s, ":")
	switch {
	case len(f) < 6 || f[0] != "arn":
		return sfnARN{}, fmt.Errorf("%q is not an ARN of the form arn:<partition>:states:<region>:<account>:<type>:<name>", s)
	case f[2] != "states":
		return sfnARN{}, fmt.Errorf("%q is not a Step Functions ARN (service %q, want states)", s, f[2])
	case len(f) < 7:
		return sfnARN{}, fmt.Errorf("%q is not a Step Functions ARN of the form arn:<partition>:states:<region>:<account>:<type>:<name>", s)
	}
	a := sfnARN{raw: s, partition: f[1], region: f[3], account: f[4], resource: f[5], parts: f[6:]}
	switch {
	case !partitionRE.MatchString(a.partition):
		return sfnARN{}, fmt.Errorf("ARN %q: invalid partition %q", s, a.partition)
	case !regionRE.MatchString(a.region):
		return sfnARN{}, fmt.Errorf("ARN %q: invalid region %q", s, a.region)
	case !accountRE.MatchString(a.account):
		return sfnARN{}, fmt.Errorf("ARN %q: invalid account ID %q (want 12 digits)", s, a.account)
	}
	for i, p := range a.parts {
		if p == "" {
			return sfnARN{}, fmt.Errorf("ARN %q: empty name in part %d", s, 7+i)
		}
	}
	return a, nil
}

// parseStateMachineARN parses s as a state machine ARN, optionally qualified with a version number or alias
// name.
func parseStateMachineARN(s string) (sfnARN, error) {
	a, err := parseARN(s)
	if err != nil {
		return a, err
	}
	if a.resource != resStateMachine || len(a.parts) > 2 {
		return sfnARN{}, fmt.Errorf("%q is not a state machine ARN (arn:<partition>:states:<region>:<account>:stateMachine:<name>[:<version or alias>])", s)
	}
	for _, p := range a.parts {
		if !nameRE.MatchString(p) {
			return sfnARN{}, fmt.Errorf("state machine ARN %q: invalid name %q", s, p)
		}
	}
	return a, nil
}

// parseExecutionARN parses s as a Standard (execution) or Express (express) execution ARN.
func parseExecutionARN(s string) (sfnARN, error) {
	a, err := parseARN(s)
	if err != nil {
		return a, err
	}
	switch {
	case a.resource == resExecution && len(a.parts) == 2:
	case a.resource == resExpress && len(a.parts) == 3:
	default:
		return sfnARN{}, fmt.Errorf("%q is not an execution ARN (arn:<partition>:states:<region>:<account>:execution:<stateMachine>:<name>, "+
			"or :express:<stateMachine>:<name>:<id> for Express)", s)
	}
	machine, _, _ := strings.Cut(a.parts[0], "/") // Distributed Map children: <sm>/<label>
	if !nameRE.MatchString(machine) {
		return sfnARN{}, fmt.Errorf("execution ARN %q: invalid state machine name %q", s, a.parts[0])
	}
	for _, p := range a.parts[1:] {
		if !nameRE.MatchString(p) {
			return sfnARN{}, fmt.Errorf("execution ARN %q: invalid name %q", s, p)
		}
	}
	return a, nil
}

// mapRunChild reports whether execution ARN a names a child execution that a Distributed Map's Map Run
// dispatched: its state machine part is <stateMachine>/<label>.
func (a sfnARN) mapRunChild() bool {
	return len(a.parts) > 0 && strings.Contains(a.parts[0], "/")
}

// baseMachineARN returns the unqualified state machine ARN of a (possibly version or alias) state machine ARN.
func (a sfnARN) baseMachineARN() string {
	return fmt.Sprintf("arn:%s:states:%s:%s:stateMachine:%s", a.partition, a.region, a.account, a.parts[0])
}

// executionARN returns the Standard execution ARN for the execution called name of state machine a.
func (a sfnARN) executionARN(name string) string {
	return fmt.Sprintf("arn:%s:states:%s:%s:execution:%s:%s", a.partition, a.region, a.account, a.parts[0], name)
}
