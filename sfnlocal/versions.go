package sfnlocal

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// maxVersions is the most versions a state machine can have.
const maxVersions = 1000

// initialRevision is the revisionId that names a state machine's first
// revision in PublishStateMachineVersion.
const initialRevision = "INITIAL"

// version is a published version of a state machine.
type version struct {
	arn         string
	number      int
	seq         int64
	created     time.Time
	description string
	rev         *revision
	machine     *stateMachine
}

// publish publishes the current revision of m as a version, or returns the
// version that already holds it. The caller holds s.mu.
func (s *Server) publish(m *stateMachine, revisionID, description string) (*version, error) {
	// "INITIAL" names the revision the machine was created with, which on
	// AWS has no revision ID yet (here it has one, which names it too).
	if revisionID != "" && revisionID != m.rev.id && (revisionID != initialRevision || !m.rev.initial) {
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

// publishRequested publishes the current revision of m when publish is set,
// as CreateStateMachine and UpdateStateMachine may, and returns the
// version's ARN ("" when publish is not set). The caller holds s.mu.
func (s *Server) publishRequested(m *stateMachine, publish bool, description string) (string, error) {
	if !publish {
		return "", nil
	}
	v, err := s.publish(m, "", description)
	if err != nil {
		return "", err
	}
	return v.arn, nil
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

type publishStateMachineVersionInput struct {
	StateMachineArn string `json:"stateMachineArn" sfn:"required"`
	RevisionID      string `json:"revisionId"`
	Description     string `json:"description" sfn:"max=256"`
}

// versionRef is the wire form of a StateMachineVersionListItem, which
// PublishStateMachineVersion answers too.
type versionRef struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn"`
	CreationDate           *epoch `json:"creationDate,omitempty"`
}

// publishStateMachineVersion answers PublishStateMachineVersion. It runs under s.mu (see locked).
func (s *Server) publishStateMachineVersion(_ context.Context, in *publishStateMachineVersionInput) (*versionRef, error) {
	r, err := s.resolveMachine(in.StateMachineArn, kindStateMachine)
	if err != nil {
		return nil, err
	}
	v, err := s.publish(r.machine, in.RevisionID, in.Description)
	if err != nil {
		return nil, err
	}
	return &versionRef{StateMachineVersionArn: v.arn, CreationDate: ep(v.created)}, nil
}

type listStateMachineVersionsInput struct {
	StateMachineArn string `json:"stateMachineArn" sfn:"required"`
	pageInput
}

// listStateMachineVersions answers ListStateMachineVersions. It runs under s.mu (see locked).
func (s *Server) listStateMachineVersions(_ context.Context, in *listStateMachineVersionsInput) (*listOutput[versionRef], error) {
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
		in.pageInput, func(v *version) versionRef {
			return versionRef{StateMachineVersionArn: v.arn, CreationDate: ep(v.created)}
		})
}

type deleteStateMachineVersionInput struct {
	StateMachineVersionArn string `json:"stateMachineVersionArn" sfn:"required"`
}

// deleteStateMachineVersion answers DeleteStateMachineVersion. It runs under s.mu (see locked).
func (s *Server) deleteStateMachineVersion(_ context.Context, in *deleteStateMachineVersionInput) (*empty, error) {
	r, err := s.resolveMachine(in.StateMachineVersionArn, kindVersion)
	var ae *apiError
	if errors.As(err, &ae) && ae.Code == "StateMachineDoesNotExist" {
		return &empty{}, nil // deleting what is gone succeeds
	}
	if err != nil {
		return nil, err
	}
	if err := s.deleteVersion(r.version); err != nil {
		return nil, err
	}
	return &empty{}, nil
}
