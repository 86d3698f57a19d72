package sfnlocal

import (
	"context"

	"github.com/polysync/stepfunctions/internal/sfnarn"
)

// maxTags is the most tags a resource can have.
const maxTags = 50

// tag is the wire form of a Tag.
type tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
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

// taggable finds the tags of the state machine or activity a tagging call
// addresses. The caller holds s.mu.
func (s *Server) taggable(arn string) (*[]tag, error) {
	if arn == "" {
		return nil, required("resourceArn")
	}
	if a, err := sfnarn.ParseLocal(arn); err == nil && a.Kind == sfnarn.Activity {
		if act := s.activities[arn]; act != nil {
			return &act.tags, nil
		}
		return nil, errf("ResourceNotFound", "Resource not found: '%s'", arn)
	}
	p, ok := parseARN(arn)
	if !ok || p.kind != kindStateMachine {
		return nil, invalidArn(arn)
	}
	m := s.machines[arn]
	if m == nil {
		return nil, errf("ResourceNotFound", "Resource not found: '%s'", arn)
	}
	return &m.tags, nil
}

type tagResourceInput struct {
	ResourceArn string `json:"resourceArn"` // required: taggable checks it after tags
	Tags        []tag  `json:"tags" sfn:"required"`
}

func (in *tagResourceInput) validate() error { return checkTags(in.Tags) }

// tagResource answers TagResource. It runs under s.mu (see locked).
func (s *Server) tagResource(_ context.Context, in *tagResourceInput) (*empty, error) {
	tags, err := s.taggable(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	merged := mergeTags(append([]tag(nil), *tags...), in.Tags)
	if len(merged) > maxTags {
		return nil, errf("TooManyTags", "Too many tags on resource '%s': at most %d are allowed", in.ResourceArn, maxTags)
	}
	*tags = merged
	return &empty{}, nil
}

type untagResourceInput struct {
	ResourceArn string   `json:"resourceArn"` // required: taggable checks it after tagKeys
	TagKeys     []string `json:"tagKeys" sfn:"required"`
}

// validate checks each tag key against the API model's TagKey, 1 to 128
// characters, as checkTags does the keys TagResource adds, in its message
// form (UNCONFIRMED: the service's wording for a member of tagKeys).
func (in *untagResourceInput) validate() error {
	for i, k := range in.TagKeys {
		if n := len([]rune(k)); n < 1 || n > 128 {
			return validationf("1 validation error detected: Value '%s' at 'tagKeys.%d.member' failed to satisfy constraint: Member must have length between 1 and 128", k, i+1)
		}
	}
	return nil
}

// untagResource answers UntagResource. It runs under s.mu (see locked).
func (s *Server) untagResource(_ context.Context, in *untagResourceInput) (*empty, error) {
	tags, err := s.taggable(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	drop := make(map[string]bool, len(in.TagKeys))
	for _, k := range in.TagKeys {
		drop[k] = true
	}
	kept := (*tags)[:0:0]
	for _, t := range *tags {
		if !drop[t.Key] {
			kept = append(kept, t)
		}
	}
	*tags = kept
	return &empty{}, nil
}

type listTagsForResourceInput struct {
	ResourceArn string `json:"resourceArn"` // required: taggable checks it
}

type listTagsForResourceOutput struct {
	Tags []tag `json:"tags"`
}

// listTagsForResource answers ListTagsForResource. It runs under s.mu (see locked).
func (s *Server) listTagsForResource(_ context.Context, in *listTagsForResourceInput) (*listTagsForResourceOutput, error) {
	tags, err := s.taggable(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return &listTagsForResourceOutput{Tags: append([]tag{}, *tags...)}, nil
}
