package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/polysync/stepfunctions/internal/sfnarn"
	"github.com/polysync/stepfunctions/internal/sfnops"
)

// policyDocument is an IAM policy document. Field order follows the IAM
// documentation's examples so the printed JSON reads naturally.
type policyDocument struct {
	Version   string            `json:"Version"`
	Statement []policyStatement `json:"Statement"`
}

type policyStatement struct {
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Principal map[string]any `json:"Principal,omitempty"`
	Action    any            `json:"Action"`
	Resource  any            `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

var tenantRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// parseStateMachineARN accepts a state machine, version or alias ARN and
// returns the base state machine it belongs to. It accepts and refuses what
// the provider does (sfnarn.ParseStateMachine).
func parseStateMachineARN(s string) (sfnarn.ARN, error) {
	a, err := sfnarn.ParseStateMachine(s)
	var kind *sfnarn.KindError
	switch {
	case errors.As(err, &kind):
		return sfnarn.ARN{}, fmt.Errorf("state machine ARN %q names %s: want %s", s, kind.Kind.Indefinite(), sfnarn.StateMachineForm)
	case err != nil:
		return sfnarn.ARN{}, fmt.Errorf("state machine %w", err)
	}
	return a.Base(), nil
}

// permissionsPolicy returns the least-privilege identity policy that lets
// Polysync discover, run, track and cancel the given state machines.
//
// ListStateMachines cannot be scoped to a resource, so it is granted on "*".
// Starting is granted on each state machine and on its versions and aliases
// (name:*); tracking and cancelling on that machine's executions, Standard
// and Express alike; describing the Map Runs of its Distributed Maps on
// mapRun:<name>/*.
func permissionsPolicy(stateMachineARNs []string) (policyDocument, error) {
	if len(stateMachineARNs) == 0 {
		return policyDocument{}, fmt.Errorf("at least one --state-machine ARN is required")
	}
	var machines, executions, mapRuns []string
	seen := map[string]bool{}
	for _, s := range stateMachineARNs {
		ref, err := parseStateMachineARN(s)
		if err != nil {
			return policyDocument{}, err
		}
		base := ref.String()
		if seen[base] {
			continue
		}
		seen[base] = true
		machines = append(machines, base, ref.Related(sfnarn.Alias, "*").String())
		// An Express ARN ends in <name>:<id>; "*" matches across the colon.
		executions = append(executions, ref.Related(sfnarn.Execution, "*").String(), strings.TrimSuffix(ref.Related(sfnarn.Express, "*").String(), ":"))
		// A Map Run ARN is mapRun:<name>/<label>:<id>; "*" matches the label, the colon and the ID.
		mapRuns = append(mapRuns, strings.TrimSuffix(ref.Related(sfnarn.MapRun, "*").String(), ":"))
	}
	sort.Strings(machines)
	sort.Strings(executions)
	sort.Strings(mapRuns)
	return policyDocument{
		Version: "2012-10-17",
		Statement: []policyStatement{
			{Sid: "PolysyncDiscoverStateMachines", Effect: "Allow", Action: providerActions(sfnops.ScopeAll), Resource: "*"},
			{Sid: "PolysyncDescribeAndStart", Effect: "Allow", Action: providerActions(sfnops.ScopeStateMachine), Resource: machines},
			{Sid: "PolysyncTrackAndCancel", Effect: "Allow", Action: providerActions(executionScope), Resource: executions},
			{Sid: "PolysyncReadMapRuns", Effect: "Allow", Action: providerActions(sfnops.ScopeMapRun), Resource: mapRuns},
		},
	}, nil
}

// logsStatement grants what reading the ends of Express runs from their state
// machines' CloudWatch Logs needs: logs:FilterLogEvents on each log group,
// given as a state machine's loggingConfiguration names it
// (arn:<partition>:logs:<region>:<account>:log-group:<name>:*). The grant
// covers the log group ARN with and without the ":*" that IAM matches log
// streams with.
func logsStatement(logGroupARNs []string) (policyStatement, error) {
	var resources []string
	seen := map[string]bool{}
	for _, arn := range logGroupARNs {
		parts := strings.SplitN(arn, ":", 7)
		if len(parts) != 7 || parts[0] != "arn" || parts[2] != "logs" || parts[3] == "" || parts[4] == "" ||
			parts[5] != "log-group" || strings.TrimSuffix(parts[6], ":*") == "" {
			return policyStatement{}, fmt.Errorf("--log-group %q: want a log group ARN such as "+
				"arn:aws:logs:eu-west-1:111122223333:log-group:/aws/vendedlogs/states/orders:*", arn)
		}
		group := strings.Join(parts[:6], ":") + ":" + strings.TrimSuffix(parts[6], ":*")
		if !seen[group] {
			seen[group] = true
			resources = append(resources, group, group+":*")
		}
	}
	sort.Strings(resources)
	return policyStatement{Sid: "PolysyncReadExpressResults", Effect: "Allow", Action: []string{"logs:FilterLogEvents"},
		Resource: resources}, nil
}

// executionScope is what the execution ARN patterns of permissionsPolicy
// cover: Standard and Express executions.
const executionScope = sfnops.ScopeExecution | sfnops.ScopeExpressExecution

// providerActions returns, sorted, the IAM actions of the operations the
// provider calls whose scope is scope (internal/sfnops's table).
func providerActions(scope sfnops.Scope) []string {
	var actions []string
	for _, op := range sfnops.All() {
		if op.Provider && op.Scope == scope {
			actions = append(actions, op.Action())
		}
	}
	sort.Strings(actions)
	return actions
}

// trustPolicy returns the role trust policy for web identity federation with
// a Microsoft Entra ID tenant: the IAM OIDC provider for the tenant's v2.0
// issuer may assume the role for tokens with the given audience and subject
// (the object ID of the workload's managed identity or service principal).
func trustPolicy(account, partition, tenant, subject, audience string) (policyDocument, error) {
	if !tenantRE.MatchString(tenant) {
		return policyDocument{}, fmt.Errorf("--entra-tenant %q: want the directory (tenant) ID, a GUID", tenant)
	}
	if strings.TrimSpace(subject) == "" {
		return policyDocument{}, fmt.Errorf("--subject is required with --entra-tenant: the object ID (oid) of the managed identity or service principal")
	}
	if strings.TrimSpace(audience) == "" {
		return policyDocument{}, fmt.Errorf("--audience must not be empty")
	}
	issuer := "login.microsoftonline.com/" + strings.ToLower(tenant) + "/v2.0"
	return policyDocument{
		Version: "2012-10-17",
		Statement: []policyStatement{{
			Sid:       "PolysyncEntraWebIdentity",
			Effect:    "Allow",
			Principal: map[string]any{"Federated": fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", partition, account, issuer)},
			Action:    "sts:AssumeRoleWithWebIdentity",
			Condition: map[string]any{"StringEquals": map[string]string{
				issuer + ":aud": audience,
				issuer + ":sub": subject,
			}},
		}},
	}, nil
}

func marshalPolicy(p policyDocument) (string, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return "", err
	}
	return string(b), nil
}
