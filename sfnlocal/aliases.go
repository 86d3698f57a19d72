package sfnlocal

import (
	"context"
	"reflect"
	"time"
)

// maxAliases is the most aliases a state machine can have.
const maxAliases = 100

// route is the wire form of a RoutingConfigurationListItem.
type route struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
	Weight                 int32  `json:"weight"`
}

// alias is an alias of a state machine, routing to one or two versions.
type alias struct {
	arn, name, description string
	seq                    int64
	created, updated       time.Time
	routes                 []route
	machine                *stateMachine
}

// aliasRef is the wire form of a StateMachineAliasListItem, which
// CreateStateMachineAlias answers too.
type aliasRef struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn"`
	CreationDate         *epoch `json:"creationDate,omitempty"`
}

// ref returns the list item of a.
func (a *alias) ref() aliasRef {
	return aliasRef{StateMachineAliasArn: a.arn, CreationDate: ep(a.created)}
}

// deleteAlias deletes an alias. The caller holds s.mu.
func (s *Server) deleteAlias(a *alias) {
	m := a.machine
	for i, x := range m.aliases {
		if x == a {
			m.aliases = append(m.aliases[:i:i], m.aliases[i+1:]...)
			return
		}
	}
}

// checkRoutes validates a routingConfiguration: 1-2 distinct versions with
// weights 0-100 summing to 100.
func checkRoutes(routes []route) error {
	if n := len(routes); n < 1 || n > 2 {
		return validationf("1 validation error detected: Value at 'routingConfiguration' failed to satisfy constraint: Member must have length between 1 and 2")
	}
	var sum int32
	for i, rt := range routes {
		if rt.Weight < 0 || rt.Weight > 100 {
			return validationf("1 validation error detected: Value '%d' at 'routingConfiguration.%d.member.weight' failed to satisfy constraint: Member must have value between 0 and 100", rt.Weight, i+1)
		}
		sum += rt.Weight
	}
	if sum != 100 {
		return validationf("Sum of routing configuration weights must equal 100, got %d", sum)
	}
	if len(routes) == 2 && routes[0].StateMachineVersionArn == routes[1].StateMachineVersionArn {
		return validationf("Routing configuration must contain distinct state machine version ARNs")
	}
	return nil
}

// routedMachine returns the state machine whose versions routes name. The
// caller holds s.mu.
func (s *Server) routedMachine(routes []route) (*stateMachine, error) {
	var m *stateMachine
	for _, rt := range routes {
		p, ok := parseARN(rt.StateMachineVersionArn)
		if !ok || p.kind != kindVersion {
			return nil, invalidArn(rt.StateMachineVersionArn)
		}
		r, err := s.resolveMachine(rt.StateMachineVersionArn, kindVersion)
		if err != nil {
			return nil, errf("ResourceNotFound", "Resource not found: '%s'", rt.StateMachineVersionArn)
		}
		if m != nil && r.machine != m {
			return nil, validationf("Routing configuration versions must belong to the same state machine")
		}
		m = r.machine
	}
	return m, nil
}

type createStateMachineAliasInput struct {
	Name                 string  `json:"name" sfn:"required"`
	Description          string  `json:"description" sfn:"max=256"`
	RoutingConfiguration []route `json:"routingConfiguration"`
}

func (in *createStateMachineAliasInput) validate() error {
	if err := invalidName(in.Name, checkAliasName); err != nil {
		return err
	}
	return checkRoutes(in.RoutingConfiguration)
}

// createStateMachineAlias answers CreateStateMachineAlias. It runs under s.mu (see locked).
func (s *Server) createStateMachineAlias(_ context.Context, in *createStateMachineAliasInput) (*aliasRef, error) {
	m, err := s.routedMachine(in.RoutingConfiguration)
	if err != nil {
		return nil, err
	}
	if len(m.aliases) >= maxAliases {
		return nil, errf("ServiceQuotaExceededException", "Maximum number of aliases (%d) reached for state machine '%s'", maxAliases, m.arn)
	}
	arn := m.arn + ":" + in.Name
	for _, a := range m.aliases {
		if a.name == in.Name {
			if a.description == in.Description && reflect.DeepEqual(a.routes, in.RoutingConfiguration) {
				ref := a.ref()
				return &ref, nil
			}
			return nil, errf("ConflictException", "Failed to create alias because an alias with the same name and a different routing configuration already exists: '%s'", arn)
		}
	}
	now := s.cfg.clock.Now()
	a := &alias{arn: arn, name: in.Name, description: in.Description, seq: s.nextSeq(), created: now, updated: now,
		routes: in.RoutingConfiguration, machine: m}
	m.aliases = append(m.aliases, a)
	ref := a.ref()
	return &ref, nil
}

// aliasInput is the request of the operations that address one alias.
type aliasInput struct {
	StateMachineAliasArn string `json:"stateMachineAliasArn" sfn:"required"`
}

type describeStateMachineAliasOutput struct {
	StateMachineAliasArn string  `json:"stateMachineAliasArn"`
	Name                 string  `json:"name"`
	Description          string  `json:"description,omitempty"`
	RoutingConfiguration []route `json:"routingConfiguration"`
	CreationDate         *epoch  `json:"creationDate,omitempty"`
	UpdateDate           *epoch  `json:"updateDate,omitempty"`
}

// describeStateMachineAlias answers DescribeStateMachineAlias. It runs under s.mu (see locked).
func (s *Server) describeStateMachineAlias(_ context.Context, in *aliasInput) (*describeStateMachineAliasOutput, error) {
	r, err := s.resolveMachine(in.StateMachineAliasArn, kindAlias) // ResourceNotFound when the machine or alias is missing
	if err != nil {
		return nil, err
	}
	a := r.alias
	return &describeStateMachineAliasOutput{StateMachineAliasArn: a.arn, Name: a.name, Description: a.description,
		RoutingConfiguration: a.routes, CreationDate: ep(a.created), UpdateDate: ep(a.updated)}, nil
}

type updateStateMachineAliasInput struct {
	StateMachineAliasArn string  `json:"stateMachineAliasArn" sfn:"required"`
	Description          *string `json:"description" sfn:"max=256"`
	RoutingConfiguration []route `json:"routingConfiguration"`
}

func (in *updateStateMachineAliasInput) validate() error {
	if in.Description == nil && in.RoutingConfiguration == nil {
		return validationf("Either the description or the routingConfiguration must be specified")
	}
	if in.RoutingConfiguration != nil {
		return checkRoutes(in.RoutingConfiguration)
	}
	return nil
}

type updateStateMachineAliasOutput struct {
	UpdateDate *epoch `json:"updateDate,omitempty"`
}

// updateStateMachineAlias answers UpdateStateMachineAlias. It runs under s.mu (see locked).
func (s *Server) updateStateMachineAlias(_ context.Context, in *updateStateMachineAliasInput) (*updateStateMachineAliasOutput, error) {
	r, err := s.resolveMachine(in.StateMachineAliasArn, kindAlias) // ResourceNotFound when the machine or alias is missing
	if err != nil {
		return nil, err
	}
	if in.RoutingConfiguration != nil {
		m, err := s.routedMachine(in.RoutingConfiguration)
		if err != nil {
			return nil, err
		}
		if m != r.alias.machine {
			return nil, validationf("Routing configuration versions must belong to the alias's state machine '%s'", r.alias.machine.arn)
		}
		r.alias.routes = in.RoutingConfiguration
	}
	if in.Description != nil {
		r.alias.description = *in.Description
	}
	r.alias.updated = s.cfg.clock.Now()
	return &updateStateMachineAliasOutput{UpdateDate: ep(r.alias.updated)}, nil
}

// deleteStateMachineAlias answers DeleteStateMachineAlias. It runs under s.mu (see locked).
func (s *Server) deleteStateMachineAlias(_ context.Context, in *aliasInput) (*empty, error) {
	r, err := s.resolveMachine(in.StateMachineAliasArn, kindAlias) // ResourceNotFound when the machine or alias is missing
	if err != nil {
		return nil, err
	}
	s.deleteAlias(r.alias)
	return &empty{}, nil
}

type listStateMachineAliasesInput struct {
	StateMachineArn string `json:"stateMachineArn" sfn:"required"`
	pageInput
}

// listStateMachineAliases answers ListStateMachineAliases. It runs under s.mu (see locked).
func (s *Server) listStateMachineAliases(_ context.Context, in *listStateMachineAliasesInput) (*listOutput[aliasRef], error) {
	r, err := s.resolveMachine(in.StateMachineArn, kindStateMachine, kindVersion)
	if err != nil {
		return nil, err
	}
	aliases := r.machine.aliases
	if v := r.version; v != nil { // only the aliases routing to that version
		aliases = nil
		for _, a := range r.machine.aliases {
			for _, rt := range a.routes {
				if rt.StateMachineVersionArn == v.arn {
					aliases = append(aliases, a)
					break
				}
			}
		}
	}
	return listPage(s, "stateMachineAliases", "ListStateMachineAliases:"+in.StateMachineArn, aliases, func(a *alias) string { return seqKey(a.seq) }, false,
		in.pageInput, (*alias).ref)
}
