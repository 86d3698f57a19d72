package sfnlocal

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
)

const (
	typeStandard = "STANDARD"
	typeExpress  = "EXPRESS"

	maxDefinitionBytes = 1 << 20
	maxVersions        = 1000
	maxAliases         = 100
	maxTags            = 50
	// maxDescription is the longest description of a version or an alias.
	maxDescription = 256
)

// loggingConfig is the wire form of LoggingConfiguration.
type loggingConfig struct {
	Level                string           `json:"level,omitempty"`
	IncludeExecutionData bool             `json:"includeExecutionData"`
	Destinations         []logDestination `json:"destinations,omitempty"`
}

type logDestination struct {
	CloudWatchLogsLogGroup *struct {
		LogGroupArn string `json:"logGroupArn,omitempty"`
	} `json:"cloudWatchLogsLogGroup,omitempty"`
}

// tracingConfig is the wire form of TracingConfiguration.
type tracingConfig struct {
	Enabled bool `json:"enabled"`
}

// tag is the wire form of a Tag.
type tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// route is the wire form of a RoutingConfigurationListItem.
type route struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
	Weight                 int32  `json:"weight"`
}

// revision is the part of a state machine that a version freezes.
type revision struct {
	id         string
	definition string
	roleArn    string
	logging    loggingConfig
	tracing    tracingConfig
	prog       program
}

// stateMachine is a stored state machine with its versions, aliases, tags
// and Standard executions. The server's mutex guards it.
type stateMachine struct {
	arn, name, typ string
	seq            int64
	created        time.Time
	updated        time.Time
	rev            *revision
	versions       []*version // ascending by number
	nextVersion    int
	aliases        []*alias // by creation
	tags           []tag
	execs          []*execution // Standard executions by start
	evicted        int          // how many of execs were evicted
}

type version struct {
	arn         string
	number      int
	seq         int64
	created     time.Time
	description string
	rev         *revision
	machine     *stateMachine
}

type alias struct {
	arn, name, description string
	seq                    int64
	created, updated       time.Time
	routes                 []route
	machine                *stateMachine
}

func (s *Server) nextSeq() int64 {
	s.seq++
	return s.seq
}

func (s *Server) machineARN(name string) string {
	return "arn:" + partitionOf(s.cfg.region) + ":states:" + s.cfg.region + ":" + s.cfg.accountID + ":stateMachine:" + name
}

// resolved is what a state machine ARN (unqualified, version or alias)
// refers to.
type resolved struct {
	machine *stateMachine
	version *version // nil for the unqualified ARN and for aliases
	alias   *alias
}

// resolveMachine finds the state machine an ARN names. kinds restricts the
// accepted ARN kinds. The caller holds s.mu.
func (s *Server) resolveMachine(arn string, kinds ...arnKind) (resolved, error) {
	p, ok := parseARN(arn)
	if !ok || !containsKind(kinds, p.kind) {
		return resolved{}, invalidArn(arn)
	}
	m := s.machines[p.base()]
	if m == nil {
		if p.kind == kindAlias {
			return resolved{}, errf("ResourceNotFound", "Resource not found: '%s'", arn)
		}
		return resolved{}, errf("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn)
	}
	switch p.kind {
	case kindVersion:
		for _, v := range m.versions {
			if v.number == p.version {
				return resolved{machine: m, version: v}, nil
			}
		}
		return resolved{}, errf("StateMachineDoesNotExist", "State Machine Does Not Exist: '%s'", arn)
	case kindAlias:
		for _, a := range m.aliases {
			if a.name == p.qualifier {
				return resolved{machine: m, alias: a}, nil
			}
		}
		return resolved{}, errf("ResourceNotFound", "Resource not found: '%s'", arn)
	}
	return resolved{machine: m}, nil
}

func containsKind(kinds []arnKind, k arnKind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// checkRoleArn validates an IAM role ARN.
func checkRoleArn(arn string) error {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return errf("InvalidArn", "Invalid Arn: 'Resource type not valid in this context: %s'", arn)
	}
	return nil
}

// checkLogging validates a LoggingConfiguration.
func checkLogging(l *loggingConfig) error {
	if l == nil {
		return nil
	}
	switch l.Level {
	case "", "OFF":
		return nil
	case "ALL", "ERROR", "FATAL":
	default:
		return validationf("1 validation error detected: Value '%s' at 'loggingConfiguration.level' failed to satisfy constraint: Member must satisfy enum value set: [ALL, ERROR, FATAL, OFF]", l.Level)
	}
	if len(l.Destinations) != 1 || l.Destinations[0].CloudWatchLogsLogGroup == nil || l.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn == "" {
		return errf("InvalidLoggingConfiguration", "Invalid Logging Configuration: Exactly one destination (a CloudWatch Logs log group ARN) is required for logging level %s.", l.Level)
	}
	if !strings.HasPrefix(l.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn, "arn:") {
		return errf("InvalidLoggingConfiguration", "Invalid Logging Configuration: Log group ARN '%s' is not an ARN.", l.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn)
	}
	return nil
}

// compileDefinition validates and parses a definition.
func (s *Server) compileDefinition(def string) (program, error) {
	if len(def) > maxDefinitionBytes {
		return nil, tooLong("definition", maxDefinitionBytes)
	}
	prog, err := s.cfg.compile(def)
	if err != nil {
		return nil, errf("InvalidDefinition", "Invalid State Machine Definition: '%s'", err.Error())
	}
	return prog, nil
}

func checkTags(tags []tag) error {
	if len(tags) > maxTags {
		return errf("TooManyTags", "Too many tags: a resource can have at most %d tags", maxTags)
	}
	for i, t := range tags {
		if n := len([]rune(t.Key)); n < 1 || n > 128 {
			return validationf("1 validation error detected: Value '%s' at 'tags.%d.member.key' failed to satisfy constraint: Member must have length between 1 and 128", t.Key, i+1)
		}
		if len([]rune(t.Value)) > 256 {
			return validationf("1 validation error detected: Value at 'tags.%d.member.value' failed to satisfy constraint: Member must have length less than or equal to 256", i+1)
		}
	}
	return nil
}

// mergeTags adds or replaces tags.
func mergeTags(have, add []tag) []tag {
	for _, t := range add {
		replaced := false
		for i := range have {
			if have[i].Key == t.Key {
				have[i].Value, replaced = t.Value, true
				break
			}
		}
		if !replaced {
			have = append(have, t)
		}
	}
	return have
}

type createStateMachineInput struct {
	Name                 string         `json:"name"`
	Definition           string         `json:"definition"`
	RoleArn              string         `json:"roleArn"`
	Type                 string         `json:"type"`
	LoggingConfiguration *loggingConfig `json:"loggingConfiguration"`
	TracingConfiguration *tracingConfig `json:"tracingConfiguration"`
	Tags                 []tag          `json:"tags"`
	Publish              bool           `json:"publish"`
	VersionDescription   string         `json:"versionDescription"`
}

func (s *Server) createStateMachine(_ context.Context, c *call) (any, error) {
	var in createStateMachineInput
	if err := decodeBody(c.body, &in, mustSet{"name", &in.Name}, mustSet{"definition", &in.Definition},
		mustSet{"roleArn", &in.RoleArn}); err != nil {
		return nil, err
	}
	if reason := checkName(in.Name); reason != "" {
		return nil, errf("InvalidName", "Invalid Name: '%s' (%s)", in.Name, reason)
	}
	if in.Type == "" {
		in.Type = typeStandard
	}
	if in.Type != typeStandard && in.Type != typeExpress {
		return nil, validationf("1 validation error detected: Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]", in.Type)
	}
	if err := checkRoleArn(in.RoleArn); err != nil {
		return nil, err
	}
	if err := checkLogging(in.LoggingConfiguration); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if len(in.VersionDescription) > maxDescription {
		return nil, tooLong("versionDescription", maxDescription)
	}
	if in.VersionDescription != "" && !in.Publish {
		return nil, validationf("Version description can only be set when publish is true")
	}
	prog, err := s.compileDefinition(in.Definition)
	if err != nil {
		return nil, err
	}
	rev := &revision{id: uuid.NewString(), definition: in.Definition, roleArn: in.RoleArn, prog: prog}
	if in.LoggingConfiguration != nil {
		rev.logging = *in.LoggingConfiguration
	}
	if rev.logging.Level == "" {
		rev.logging.Level = "OFF"
	}
	if in.TracingConfiguration != nil {
		rev.tracing = *in.TracingConfiguration
	}
	arn := s.machineARN(in.Name)

	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.machines[arn]; m != nil {
		// As on AWS, a different roleArn or tags do not count: the repeat is
		// idempotent and updates neither.
		same := m.typ == in.Type && m.rev.definition == rev.definition &&
			reflect.DeepEqual(m.rev.logging, rev.logging) && m.rev.tracing == rev.tracing
		if !same {
			return nil, errf("StateMachineAlreadyExists", "State Machine Already Exists: '%s'", arn)
		}
		out := map[string]any{"stateMachineArn": arn, "creationDate": ep(m.created)}
		if in.Publish {
			v, err := s.publish(m, "", in.VersionDescription)
			if err != nil {
				return nil, err
			}
			out["stateMachineVersionArn"] = v.arn
		}
		return out, nil
	}
	now := s.cfg.clock.Now()
	m := &stateMachine{arn: arn, name: in.Name, typ: in.Type, seq: s.nextSeq(), created: now, rev: rev,
		nextVersion: 1, tags: mergeTags(nil, in.Tags)}
	s.machines[arn] = m
	out := map[string]any{"stateMachineArn": arn, "creationDate": ep(now)}
	if in.Publish {
		v, err := s.publish(m, "", in.VersionDescription)
		if err != nil {
			return nil, err
		}
		out["stateMachineVersionArn"] = v.arn
	}
	s.logger().Debug("sfnlocal: created state machine", "arn", arn)
	return out, nil
}

// publish publishes the current revision of m as a version, or returns the
// version that already holds it. The caller holds s.mu.
func (s *Server) publish(m *stateMachine, revisionID, description string) (*version, error) {
	if revisionID != "" && revisionID != m.rev.id {
		return nil, errf("ConflictException", "Failed to publish the State Machine version for revision %s. The current State Machine revision is %s.", revisionID, m.rev.id)
	}
	if n := len(m.versions); n > 0 && m.versions[n-1].rev == m.rev {
		return m.versions[n-1], nil
	}
	if len(m.versions) >= maxVersions {
		return nil, errf("ServiceQuotaExceededException", "Maximum number of versions (%d) reached for state machine '%s'", maxVersions, m.arn)
	}
	v := &version{arn: fmt.Sprintf("%s:%d", m.arn, m.nextVersion), number: m.nextVersion, seq: s.nextSeq(),
		created: s.cfg.clock.Now(), description: description, rev: m.rev, machine: m}
	m.nextVersion++
	m.versions = append(m.versions, v)
	return v, nil
}

type arnInput struct {
	StateMachineArn string `json:"stateMachineArn"`
}

func (s *Server) describeStateMachine(_ context.Context, c *call) (any, error) {
	var in struct {
		StateMachineArn string `json:"stateMachineArn"`
		IncludedData    string `json:"includedData"`
	}
	if err := decodeBody(c.body, &in, mustSet{"stateMachineArn", &in.StateMachineArn}); err != nil {
		return nil, err
	}
	if err := checkIncludedData(in.IncludedData); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.resolveMachine(in.StateMachineArn, kindStateMachine, kindVersion)
	if err != nil {
		return nil, err
	}
	m := r.machine
	out := map[string]any{
		"stateMachineArn": m.arn,
		"name":            m.name,
		"status":          "ACTIVE",
		"type":            m.typ,
	}
	rev, created := m.rev, m.created
	if v := r.version; v != nil {
		rev, created = v.rev, v.created
		out["stateMachineArn"] = v.arn
		if v.description != "" {
			out["description"] = v.description
		}
	}
	if in.IncludedData != "METADATA_ONLY" {
		out["definition"] = rev.definition
	}
	out["roleArn"] = rev.roleArn
	out["creationDate"] = ep(created)
	out["loggingConfiguration"] = rev.logging
	out["tracingConfiguration"] = rev.tracing
	out["revisionId"] = rev.id
	return out, nil
}

func (s *Server) updateStateMachine(_ context.Context, c *call) (any, error) {
	var in struct {
		StateMachineArn      string         `json:"stateMachineArn"`
		Definition           *string        `json:"definition"`
		RoleArn              *string        `json:"roleArn"`
		LoggingConfiguration *loggingConfig `json:"loggingConfiguration"`
		TracingConfiguration *tracingConfig `json:"tracingConfiguration"`
		Publish              bool           `json:"publish"`
		VersionDescription   string         `json:"versionDescription"`
	}
	if err := decodeBody(c.body, &in, mustSet{"stateMachineArn", &in.StateMachineArn}); err != nil {
		return nil, err
	}
	if in.Definition == nil && in.RoleArn == nil && in.LoggingConfiguration == nil && in.TracingConfiguration == nil {
		return nil, errf("MissingRequiredParameter", "Either the definition, the roleArn, the loggingConfiguration or the tracingConfiguration must be specified")
	}
	if in.VersionDescription != "" && !in.Publish {
		return nil, validationf("Version description can only be set when publish is true")
	}
	if in.RoleArn != nil {
		if err := checkRoleArn(*in.RoleArn); err != nil {
			return nil, err
		}
	}
	if err := checkLogging(in.LoggingConfiguration); err != nil {
		return nil, err
	}
	var prog program
	if in.Definition != nil {
		var err error
		if prog, err = s.compileDefinition(*in.Definition); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.resolveMachine(in.StateMachineArn, kindStateMachine, kindVersion, kindAlias)
	if err != nil {
		return nil, err
	}
	if r.version != nil || r.alias != nil {
		return nil, validationf("Invalid Arn: '%s': UpdateStateMachine takes an unqualified state machine ARN", in.StateMachineArn)
	}
	m := r.machine
	rev := *m.rev
	if in.Definition != nil {
		rev.definition, rev.prog = *in.Definition, prog
	}
	if in.RoleArn != nil {
		rev.roleArn = *in.RoleArn
	}
	if in.LoggingConfiguration != nil {
		rev.logging = *in.LoggingConfiguration
		if rev.logging.Level == "" {
			rev.logging.Level = "OFF"
		}
	}
	if in.TracingConfiguration != nil {
		rev.tracing = *in.TracingConfiguration
	}
	changed := rev.definition != m.rev.definition || rev.roleArn != m.rev.roleArn ||
		!reflect.DeepEqual(rev.logging, m.rev.logging) || rev.tracing != m.rev.tracing
	if changed {
		rev.id = uuid.NewString()
		m.rev = &rev
	}
	m.updated = s.cfg.clock.Now()
	out := map[string]any{"updateDate": ep(m.updated), "revisionId": m.rev.id}
	if in.Publish {
		v, err := s.publish(m, "", in.VersionDescription)
		if err != nil {
			return nil, err
		}
		out["stateMachineVersionArn"] = v.arn
	}
	return out, nil
}

func (s *Server) deleteStateMachine(_ context.Context, c *call) (any, error) {
	var in arnInput
	if err := decodeBody(c.body, &in, mustSet{"stateMachineArn", &in.StateMachineArn}); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.resolveMachine(in.StateMachineArn, kindStateMachine, kindVersion, kindAlias)
	var ae *apiError
	if errors.As(err, &ae) && (ae.Code == "StateMachineDoesNotExist" || ae.Code == "ResourceNotFound") {
		return struct{}{}, nil // deleting what is gone succeeds, as on AWS
	}
	if err != nil {
		return nil, err
	}
	// UNCONFIRMED: a version or alias ARN deletes just that version or
	// alias here, as DeleteStateMachineVersion and DeleteStateMachineAlias do.
	switch {
	case r.version != nil:
		return struct{}{}, s.deleteVersion(r.version)
	case r.alias != nil:
		s.deleteAlias(r.alias)
		return struct{}{}, nil
	}
	// AWS passes through DELETING and terminates the running executions at
	// their next state transition; here the machine, its versions and
	// aliases are gone at once and its running executions are aborted. The
	// executions stay describable.
	delete(s.machines, r.machine.arn)
	for _, ex := range r.machine.execs {
		if ex.status == statusRunning {
			if cancel := s.running[ex]; cancel != nil {
				cancel()
			}
		}
	}
	return struct{}{}, nil
}

// deleteVersion deletes a version that no alias routes to. The caller holds
// s.mu.
func (s *Server) deleteVersion(v *version) error {
	m := v.machine
	for _, a := range m.aliases {
		for _, rt := range a.routes {
			if rt.StateMachineVersionArn == v.arn {
				return errf("ConflictException", "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [%s]", a.arn)
			}
		}
	}
	for i, x := range m.versions {
		if x == v {
			m.versions = append(m.versions[:i:i], m.versions[i+1:]...)
			break
		}
	}
	return nil
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

func (s *Server) deleteStateMachineVersion(_ context.Context, c *call) (any, error) {
	var in struct {
		StateMachineVersionArn string `json:"stateMachineVersionArn"`
	}
	if err := decodeBody(c.body, &in, mustSet{"stateMachineVersionArn", &in.StateMachineVersionArn}); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.resolveMachine(in.StateMachineVersionArn, kindVersion)
	var ae *apiError
	if errors.As(err, &ae) && ae.Code == "StateMachineDoesNotExist" {
		return struct{}{}, nil // deleting what is gone succeeds
	}
	if err != nil {
		return nil, err
	}
	return struct{}{}, s.deleteVersion(r.version)
}

func (s *Server) deleteStateMachineAlias(_ context.Context, c *call) (any, error) {
	var in struct {
		StateMachineAliasArn string `json:"stateMachineAliasArn"`
	}
	if err := decodeBody(c.body, &in, mustSet{"stateMachineAliasArn", &in.StateMachineAliasArn}); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.resolveMachine(in.StateMachineAliasArn, kindAlias) // ResourceNotFound when the machine or alias is missing
	if err != nil {
		return nil, err
	}
	s.deleteAlias(r.alias)
	return struct{}{}, nil
}

func (s *Server) updateStateMachineAlias(_ context.Context, c *call) (any, error) {
	var in struct {
		StateMachineAliasArn string  `json:"stateMachineAliasArn"`
		Description          *string `json:"description"`
		RoutingConfiguration []route `json:"routingConfiguration"`
	}
	if err := decodeBody(c.body, &in, mustSet{"stateMachineAliasArn", &in.StateMachineAliasArn}); err != nil {
		return nil, err
	}
	if in.Description == nil && in.RoutingConfiguration == nil {
		return nil, validationf("Either the description or the routingConfiguration must be specified")
	}
	if in.Description != nil && len(*in.Description) > maxDescription {
		return nil, tooLong("description", maxDescription)
	}
	if in.RoutingConfiguration != nil {
		if err := checkRoutes(in.RoutingConfiguration); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
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
	return map[string]any{"updateDate": ep(r.alias.updated)}, nil
}

func (s *Server) listStateMachines(_ context.Context, c *call) (any, error) {
	var in struct{ pageInput }
	if err := decodeBody(c.body, &in, &in.pageInput); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	all := make([]*stateMachine, 0, len(s.machines))
	for _, m := range s.machines {
		all = append(all, m)
	}
	// Sorted by name. UNCONFIRMED: LocalStack, whose parity tests are
	// recorded against AWS, lists in name order; one other emulator claims
	// newest first.
	byName := func(m *stateMachine) string { return m.name }
	sort.Slice(all, func(i, j int) bool { return all[i].name < all[j].name })
	return listPage(s, "stateMachines", "ListStateMachines", all, byName, false, in.pageInput, func(m *stateMachine) map[string]any {
		return map[string]any{"stateMachineArn": m.arn, "name": m.name, "type": m.typ, "creationDate": ep(m.created)}
	})
}

func (s *Server) publishStateMachineVersion(_ context.Context, c *call) (any, error) {
	var in struct {
		StateMachineArn string `json:"stateMachineArn"`
		RevisionID      string `json:"revisionId"`
		Description     string `json:"description"`
	}
	if err := decodeBody(c.body, &in, mustSet{"stateMachineArn", &in.StateMachineArn}); err != nil {
		return nil, err
	}
	if len(in.Description) > maxDescription {
		return nil, tooLong("description", maxDescription)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.resolveMachine(in.StateMachineArn, kindStateMachine)
	if err != nil {
		return nil, err
	}
	v, err := s.publish(r.machine, in.RevisionID, in.Description)
	if err != nil {
		return nil, err
	}
	return map[string]any{"stateMachineVersionArn": v.arn, "creationDate": ep(v.created)}, nil
}

func (s *Server) listStateMachineVersions(_ context.Context, c *call) (any, error) {
	var in struct {
		StateMachineArn string `json:"stateMachineArn"`
		pageInput
	}
	if err := decodeBody(c.body, &in, mustSet{"stateMachineArn", &in.StateMachineArn}, &in.pageInput); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.resolveMachine(in.StateMachineArn, kindStateMachine)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.Code == "StateMachineDoesNotExist" {
			return nil, validationf("State Machine Does Not Exist: '%s'", in.StateMachineArn)
		}
		return nil, err
	}
	desc := make([]*version, len(r.machine.versions))
	for i, v := range r.machine.versions {
		desc[len(desc)-1-i] = v
	}
	return listPage(s, "stateMachineVersions", "ListStateMachineVersions:"+r.machine.arn, desc, func(v *version) string { return seqKey(v.seq) }, true,
		in.pageInput, func(v *version) map[string]any {
			return map[string]any{"stateMachineVersionArn": v.arn, "creationDate": ep(v.created)}
		})
}

func (s *Server) createStateMachineAlias(_ context.Context, c *call) (any, error) {
	var in struct {
		Name                 string  `json:"name"`
		Description          string  `json:"description"`
		RoutingConfiguration []route `json:"routingConfiguration"`
	}
	if err := decodeBody(c.body, &in, mustSet{"name", &in.Name}); err != nil {
		return nil, err
	}
	if reason := checkAliasName(in.Name); reason != "" {
		return nil, errf("InvalidName", "Invalid Name: '%s' (%s)", in.Name, reason)
	}
	if len(in.Description) > maxDescription {
		return nil, tooLong("description", maxDescription)
	}
	if err := checkRoutes(in.RoutingConfiguration); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
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
				return map[string]any{"stateMachineAliasArn": a.arn, "creationDate": ep(a.created)}, nil
			}
			return nil, errf("ConflictException", "Failed to create alias because an alias with the same name and a different routing configuration already exists: '%s'", arn)
		}
	}
	now := s.cfg.clock.Now()
	a := &alias{arn: arn, name: in.Name, description: in.Description, seq: s.nextSeq(), created: now, updated: now,
		routes: in.RoutingConfiguration, machine: m}
	m.aliases = append(m.aliases, a)
	return map[string]any{"stateMachineAliasArn": a.arn, "creationDate": ep(a.created)}, nil
}

func (s *Server) describeStateMachineAlias(_ context.Context, c *call) (any, error) {
	var in struct {
		StateMachineAliasArn string `json:"stateMachineAliasArn"`
	}
	if err := decodeBody(c.body, &in, mustSet{"stateMachineAliasArn", &in.StateMachineAliasArn}); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.resolveMachine(in.StateMachineAliasArn, kindAlias) // ResourceNotFound when the machine or alias is missing
	if err != nil {
		return nil, err
	}
	a := r.alias
	out := map[string]any{
		"stateMachineAliasArn": a.arn,
		"name":                 a.name,
		"routingConfiguration": a.routes,
		"creationDate":         ep(a.created),
		"updateDate":           ep(a.updated),
	}
	if a.description != "" {
		out["description"] = a.description
	}
	return out, nil
}

func (s *Server) listStateMachineAliases(_ context.Context, c *call) (any, error) {
	var in struct {
		StateMachineArn string `json:"stateMachineArn"`
		pageInput
	}
	if err := decodeBody(c.body, &in, mustSet{"stateMachineArn", &in.StateMachineArn}, &in.pageInput); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
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
		in.pageInput, func(a *alias) map[string]any {
			return map[string]any{"stateMachineAliasArn": a.arn, "creationDate": ep(a.created)}
		})
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
