package sfnlocal

import (
	"strconv"

	"github.com/polysync/stepfunctions/internal/sfnarn"
)

// partitionOf returns the ARN partition of region, from the AWS SDK's
// partition data (aws-cn for cn-*, aws-eusc for eusc-*, aws-us-gov for
// us-gov-*, ...). A region no partition claims is taken to be in aws, as the
// SDK does.
func partitionOf(region string) string {
	p, _ := sfnarn.PartitionOf(region)
	return p
}

// arnKind is what an ARN names.
type arnKind int

const (
	kindStateMachine arnKind = iota + 1
	kindVersion
	kindAlias
	kindExecution
	kindExpress
)

// kinds maps the kinds of ARNs sfnlocal serves to its own.
var kinds = map[sfnarn.Kind]arnKind{
	sfnarn.StateMachine: kindStateMachine,
	sfnarn.Version:      kindVersion,
	sfnarn.Alias:        kindAlias,
	sfnarn.Execution:    kindExecution,
	sfnarn.Express:      kindExpress,
}

// parsedARN is a Step Functions ARN split into its parts.
type parsedARN struct {
	raw       string
	partition string
	region    string
	account   string
	kind      arnKind
	machine   string // state machine name
	qualifier string // version number or alias name, or an Express execution's id
	version   int
	execution string // execution name
}

// base returns the ARN of the unqualified state machine the ARN belongs to.
func (p parsedARN) base() string {
	return "arn:" + p.partition + ":states:" + p.region + ":" + p.account + ":stateMachine:" + p.machine
}

// parseARN splits a Step Functions ARN of a state machine, version, alias or
// execution. ok is false when s is not one. The partition, region and account
// are taken as they are (the server's own come from its options); the rest
// is checked as AWS does (sfnarn.ParseLocal).
func parseARN(s string) (parsedARN, bool) {
	a, err := sfnarn.ParseLocal(s)
	kind, ok := kinds[a.Kind]
	if err != nil || !ok {
		return parsedARN{}, false
	}
	p := parsedARN{raw: s, partition: a.Partition, region: a.Region, account: a.Account, kind: kind,
		machine: a.StateMachine, version: a.Version, execution: a.Name}
	if a.Label != "" {
		p.machine += "/" + a.Label
	}
	switch a.Kind {
	case sfnarn.Version:
		p.qualifier = strconv.Itoa(a.Version)
	case sfnarn.Alias:
		p.qualifier = a.Alias
	case sfnarn.Express:
		p.qualifier = a.ExpressID
	}
	return p, true
}

// checkName validates a state machine or execution name: 1-80 characters, no
// whitespace, no control characters, none of < > { } [ ] ? * " # % \ ^ | ~ `
// $ & , ; : /. It returns the reason, or "" when the name is valid.
func checkName(name string) string {
	return reason(sfnarn.CheckName(name))
}

// checkAliasName validates an alias name: 1-80 characters of [A-Za-z0-9_.-],
// with at least one that is not a digit (so it cannot be read as a version).
func checkAliasName(name string) string {
	return reason(sfnarn.CheckAliasName(name))
}

// invalidName answers the service's InvalidName when check (checkName or
// checkAliasName) finds name invalid, and nil when it is valid.
func invalidName(name string, check func(string) string) error {
	if reason := check(name); reason != "" {
		return errf("InvalidName", "Invalid Name: '%s' (%s)", name, reason)
	}
	return nil
}

// reason returns err's message, or "" for nil.
func reason(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// globMatch reports whether s matches pattern, where '*' matches any run of
// characters (including ':' and '/') and every other byte matches itself.
// It backtracks only to the last '*', so it takes at most
// len(pattern)*len(s) steps whatever the pattern.
func globMatch(pattern, s string) bool {
	p, i := 0, 0
	star, resume := -1, 0 // the last '*' seen in pattern, and where in s its run ends
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, resume = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			// Let the last '*' take one more byte and retry from there.
			resume++
			p, i = star+1, resume
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
