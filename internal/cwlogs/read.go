package cwlogs

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// maxStreamNames bounds FilterLogEvents' logStreamNames (API reference: 1-100).
const maxStreamNames = 100

// position is where a page ends: events are ordered by (timestamp, seq).
type position struct{ ts, seq int64 }

// after reports whether e comes after p.
func (p position) after(e *event) bool {
	return e.timestamp > p.ts || e.timestamp == p.ts && e.seq > p.seq
}

// positionOf returns e's position.
func positionOf(e *event) position { return position{e.timestamp, e.seq} }

// window is a request's optional startTime and endTime. The start is
// inclusive; the end is inclusive for FilterLogEvents ("Events with a
// timestamp later than this time are not returned") and exclusive for
// GetLogEvents ("Events with a timestamp equal to or later than this time are
// not included"), as the API reference says of each.
type window struct {
	StartTime *int64 `json:"startTime"`
	EndTime   *int64 `json:"endTime"`
}

// contains reports whether ts lies in the window, its end included.
func (w window) contains(ts int64) bool {
	return (w.StartTime == nil || ts >= *w.StartTime) && (w.EndTime == nil || ts <= *w.EndTime)
}

// containsBeforeEnd reports whether ts lies in the window, its end excluded.
func (w window) containsBeforeEnd(ts int64) bool {
	return w.contains(ts) && (w.EndTime == nil || ts < *w.EndTime)
}

// check refuses a window that ends before it starts.
func (w window) check() error {
	if w.StartTime != nil && w.EndTime != nil && *w.EndTime < *w.StartTime {
		return invalidParam("endTime must not be earlier than startTime")
	}
	return nil
}

// outputEvent is the OutputLogEvent shape.
type outputEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

// output returns e in the OutputLogEvent shape.
func (e *event) output() outputEvent {
	return outputEvent{Timestamp: e.timestamp, Message: e.message, IngestionTime: e.ingestion}
}

func (s *Service) serveGetLogEvents(body []byte) (any, error) {
	var in struct {
		groupRef
		window
		pageRequest
		LogStreamName string `json:"logStreamName"`
		StartFromHead bool   `json:"startFromHead"`
	}
	groupName, err := decodeNamingGroup(body, &in)
	if err != nil {
		return nil, err
	}
	if in.LogStreamName == "" {
		return nil, invalidParam("logStreamName is required")
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	n, tok, err := readPage(in.pageRequest, maxEventsLimit, decodeStreamToken)
	if err != nil {
		return nil, err
	}
	forward, pos, hasToken := in.StartFromHead, tok.position, in.NextToken != ""
	if hasToken {
		forward = tok.forward
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.group(groupName)
	if err != nil {
		return nil, err
	}
	if _, ok := g.streams[in.LogStreamName]; !ok {
		return nil, &Error{Code: CodeNotFound, Message: "The specified log stream does not exist."}
	}
	now := s.opts.Now().UnixMilli()
	events := visibleEvents(g, now, func(e *event) bool {
		if e.stream != in.LogStreamName || !in.containsBeforeEnd(e.timestamp) {
			return false
		}
		switch {
		case !hasToken:
			return true
		case forward:
			return pos.after(e)
		default:
			return e.timestamp < pos.ts || e.timestamp == pos.ts && e.seq < pos.seq
		}
	})
	var page []*event
	if forward {
		page = headPage(events, n)
	} else {
		page = tailPage(events, n)
	}
	// At either end of the stream the token given is answered again, as AWS
	// does, so that a reader knows it has reached the end.
	fwd, bwd := pos, pos
	switch {
	case len(page) > 0:
		fwd, bwd = positionOf(page[len(page)-1]), positionOf(page[0])
	case !hasToken:
		// Nothing visible yet: reading forward from the start will see
		// events that arrive later.
		fwd, bwd = position{math.MinInt64, math.MinInt64}, position{math.MinInt64, math.MinInt64}
	}
	out := struct {
		Events            []outputEvent `json:"events"`
		NextForwardToken  string        `json:"nextForwardToken"`
		NextBackwardToken string        `json:"nextBackwardToken"`
	}{Events: []outputEvent{}, NextForwardToken: encodeStreamToken(true, fwd), NextBackwardToken: encodeStreamToken(false, bwd)}
	for _, e := range page {
		out.Events = append(out.Events, e.output())
	}
	return out, nil
}

// headPage returns the first events that fit in n events and maxPageBytes.
func headPage(events []*event, n int) []*event {
	size := 0
	for i, e := range events {
		size += len(e.message) + eventOverhead
		if i == n || (size > maxPageBytes && i > 0) {
			return events[:i]
		}
	}
	return events
}

// tailPage returns the last events that fit in n events and maxPageBytes.
func tailPage(events []*event, n int) []*event {
	size := 0
	for i := len(events) - 1; i >= 0; i-- {
		size += len(events[i].message) + eventOverhead
		if len(events)-1-i == n || (size > maxPageBytes && i < len(events)-1) {
			return events[i+1:]
		}
	}
	return events
}

// filteredEvent is the FilteredLogEvent shape: an OutputLogEvent with its stream and ID.
type filteredEvent struct {
	LogStreamName string `json:"logStreamName"`
	outputEvent
	EventID string `json:"eventId"`
}

func (s *Service) serveFilterLogEvents(body []byte) (any, error) {
	var in struct {
		groupRef
		window
		LogStreamNames      []string `json:"logStreamNames"`
		LogStreamNamePrefix string   `json:"logStreamNamePrefix"`
		FilterPattern       string   `json:"filterPattern"`
		pageRequest
	}
	groupName, err := decodeNamingGroup(body, &in)
	if err != nil {
		return nil, err
	}
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != "" {
		return nil, invalidParam("logStreamNames and logStreamNamePrefix are mutually exclusive: give one")
	}
	if len(in.LogStreamNames) > maxStreamNames {
		return nil, invalidParam("logStreamNames holds %d names, at most %d are allowed", len(in.LogStreamNames), maxStreamNames)
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	n, pos, err := readPage(in.pageRequest, maxEventsLimit, decodeFilterToken)
	if err != nil {
		return nil, err
	}
	match, err := parseFilterPattern(in.FilterPattern)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, name := range in.LogStreamNames {
		names[name] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.group(groupName)
	if err != nil {
		return nil, err
	}
	for name := range names {
		if g.streams[name] == nil {
			return nil, &Error{Code: CodeNotFound, Message: "The specified log stream does not exist."}
		}
	}
	now := s.opts.Now().UnixMilli()
	events := visibleEvents(g, now, func(e *event) bool {
		return (in.NextToken == "" || pos.after(e)) && in.contains(e.timestamp) &&
			(len(names) == 0 || names[e.stream]) && strings.HasPrefix(e.stream, in.LogStreamNamePrefix) &&
			match(e.message)
	})
	page := headPage(events, n)
	out := struct {
		Events    []filteredEvent `json:"events"`
		NextToken string          `json:"nextToken,omitempty"`
	}{Events: []filteredEvent{}}
	if len(page) < len(events) {
		out.NextToken = encodeFilterToken(positionOf(page[len(page)-1]))
	}
	for _, e := range page {
		out.Events = append(out.Events, filteredEvent{
			LogStreamName: e.stream, outputEvent: e.output(), EventID: fmt.Sprintf("%020d%020d", e.timestamp, e.seq),
		})
	}
	return out, nil
}

// encodeStreamToken returns a GetLogEvents token: "f/" or "b/" and the
// position, as AWS's tokens start with the direction.
func encodeStreamToken(forward bool, p position) string {
	dir := "b/"
	if forward {
		dir = "f/"
	}
	return dir + strconv.FormatInt(p.ts, 10) + "/" + strconv.FormatInt(p.seq, 10)
}

// streamToken is what a GetLogEvents token holds: the direction of reading
// and the position reached.
type streamToken struct {
	forward bool
	position
}

// decodeStreamToken reads a token of encodeStreamToken.
func decodeStreamToken(tok string) (streamToken, error) {
	parts := strings.Split(tok, "/")
	if len(parts) != 3 || (parts[0] != "f" && parts[0] != "b") {
		return streamToken{}, invalidParam("The specified nextToken is invalid.")
	}
	ts, err1 := strconv.ParseInt(parts[1], 10, 64)
	seq, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil {
		return streamToken{}, invalidParam("The specified nextToken is invalid.")
	}
	return streamToken{parts[0] == "f", position{ts, seq}}, nil
}

// encodeFilterToken returns an opaque FilterLogEvents token.
func encodeFilterToken(p position) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("filter/%d/%d", p.ts, p.seq)))
}

// decodeFilterToken reads a token of encodeFilterToken.
func decodeFilterToken(tok string) (position, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	var p position
	if err != nil {
		return p, invalidParam("The specified nextToken is invalid.")
	}
	if _, err := fmt.Sscanf(string(b), "filter/%d/%d", &p.ts, &p.seq); err != nil {
		return p, invalidParam("The specified nextToken is invalid.")
	}
	return p, nil
}
