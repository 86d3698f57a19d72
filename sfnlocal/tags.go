package sfnlocal

import "context"

// taggable finds the state machine a tagging call addresses. The caller
// holds s.mu.
func (s *Server) taggable(arn string) (*stateMachine, error) {
	if arn == "" {
		return nil, required("resourceArn")
	}
	p, ok := parseARN(arn)
	if !ok || p.kind != kindStateMachine {
		return nil, invalidArn(arn)
	}
	m := s.machines[arn]
	if m == nil {
		return nil, errf("ResourceNotFound", "Resource not found: '%s'", arn)
	}
	return m, nil
}

func (s *Server) tagResource(_ context.Context, c *call) (any, error) {
	var in struct {
		ResourceArn string `json:"resourceArn"`
		Tags        []tag  `json:"tags"`
	}
	if err := decodeBody(c.body, &in, mustSet{"tags", &in.Tags}); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.taggable(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	merged := mergeTags(append([]tag(nil), m.tags...), in.Tags)
	if len(merged) > maxTags {
		return nil, errf("TooManyTags", "Too many tags on resource '%s': at most %d are allowed", in.ResourceArn, maxTags)
	}
	m.tags = merged
	return struct{}{}, nil
}

func (s *Server) untagResource(_ context.Context, c *call) (any, error) {
	var in struct {
		ResourceArn string   `json:"resourceArn"`
		TagKeys     []string `json:"tagKeys"`
	}
	if err := decodeBody(c.body, &in, mustSet{"tagKeys", &in.TagKeys}); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.taggable(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	drop := make(map[string]bool, len(in.TagKeys))
	for _, k := range in.TagKeys {
		drop[k] = true
	}
	kept := m.tags[:0:0]
	for _, t := range m.tags {
		if !drop[t.Key] {
			kept = append(kept, t)
		}
	}
	m.tags = kept
	return struct{}{}, nil
}

func (s *Server) listTagsForResource(_ context.Context, c *call) (any, error) {
	var in struct {
		ResourceArn string `json:"resourceArn"`
	}
	if err := decodeBody(c.body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.taggable(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	tags := append([]tag{}, m.tags...)
	return map[string]any{"tags": tags}, nil
}
