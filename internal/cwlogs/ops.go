package cwlogs

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Page sizes of the CloudWatch Logs API reference: Describe* answer at most
// 50 items (default 50); GetLogEvents and FilterLogEvents at most 10,000
// events and 1 MB (default: as many as fit).
const (
	maxDescribeLimit = 50
	maxEventsLimit   = 10000
	maxPageBytes     = 1 << 20
)

// groupRef is the pair of members that name a log group in most requests.
type groupRef struct {
	LogGroupName       string `json:"logGroupName"`
	LogGroupIdentifier string `json:"logGroupIdentifier"`
}

// name returns the group's name: exactly one of the two members must be set;
// an identifier may be a name or an ARN ("...:log-group:<name>", with or
// without the trailing ":*").
func (r groupRef) name() (string, error) {
	switch {
	case r.LogGroupName != "" && r.LogGroupIdentifier != "":
		return "", invalidParam("LogGroupName and LogGroupIdentifier are mutually exclusive: give one")
	case r.LogGroupName != "":
		return r.LogGroupName, nil
	case r.LogGroupIdentifier == "":
		return "", invalidParam("either logGroupName or logGroupIdentifier is required")
	}
	id := r.LogGroupIdentifier
	if !strings.HasPrefix(id, "arn:") {
		return id, nil
	}
	_, rest, ok := strings.Cut(id, ":log-group:")
	if !ok || rest == "" {
		return "", invalidParam("logGroupIdentifier is neither a log group name nor a log group ARN")
	}
	return strings.TrimSuffix(rest, ":*"), nil
}

// decodeNamingGroup decodes a request that names a log group by groupRef into
// in and returns the group's name.
func decodeNamingGroup(body []byte, in interface{ name() (string, error) }) (string, error) {
	if err := decode(body, in); err != nil {
		return "", err
	}
	return in.name()
}

// limit checks an optional page size against 1..maxLimit and returns it, or
// def when it is absent.
func limit(v *int, maxLimit, def int) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < 1 || *v > maxLimit {
		return 0, invalidParam("limit %d is outside 1 to %d", *v, maxLimit)
	}
	return *v, nil
}

// pageRequest holds the paging members of the Describe*, GetLogEvents and
// FilterLogEvents requests.
type pageRequest struct {
	NextToken string `json:"nextToken"`
	Limit     *int   `json:"limit"`
}

// readPage checks r's page size against 1..maxLimit (absent: maxLimit) and
// decodes its token with decode, called only when a token is given. It
// returns the page size and the token's position (the zero P without one).
func readPage[P any](r pageRequest, maxLimit int, decode func(string) (P, error)) (n int, pos P, err error) {
	if n, err = limit(r.Limit, maxLimit, maxLimit); err != nil {
		return 0, pos, err
	}
	if r.NextToken != "" {
		pos, err = decode(r.NextToken)
	}
	return n, pos, err
}

// groupARN returns a group's ARN (without the ":*" suffix).
func (s *Service) groupARN(name string) string {
	o := s.opts
	return fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", o.Partition, o.Region, o.Account, name)
}

func (s *Service) serveCreateLogGroup(body []byte) (any, error) {
	var in struct {
		LogGroupName string `json:"logGroupName"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	return struct{}{}, s.CreateLogGroup(in.LogGroupName)
}

func (s *Service) serveCreateLogStream(body []byte) (any, error) {
	var in struct {
		LogGroupName  string `json:"logGroupName"`
		LogStreamName string `json:"logStreamName"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	return struct{}{}, s.CreateLogStream(in.LogGroupName, in.LogStreamName)
}

// logGroupOut is the LogGroup shape.
type logGroupOut struct {
	LogGroupName      string `json:"logGroupName"`
	CreationTime      int64  `json:"creationTime"`
	MetricFilterCount int    `json:"metricFilterCount"`
	Arn               string `json:"arn"`
	LogGroupArn       string `json:"logGroupArn"`
	StoredBytes       int64  `json:"storedBytes"`
	LogGroupClass     string `json:"logGroupClass"`
}

func (s *Service) serveDescribeLogGroups(body []byte) (any, error) {
	var in struct {
		LogGroupNamePrefix  string   `json:"logGroupNamePrefix"`
		LogGroupNamePattern string   `json:"logGroupNamePattern"`
		LogGroupIdentifiers []string `json:"logGroupIdentifiers"`
		pageRequest
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.LogGroupNamePrefix != "" && in.LogGroupNamePattern != "" {
		return nil, invalidParam("LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive: give one")
	}
	n, after, err := readPage(in.pageRequest, maxDescribeLimit, decodeNameToken)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, id := range in.LogGroupIdentifiers {
		name, err := groupRef{LogGroupIdentifier: id}.name()
		if err != nil {
			return nil, err
		}
		ids[name] = true
	}
	pattern := strings.ToLower(in.LogGroupNamePattern)
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for name := range s.groups {
		if name > after && strings.HasPrefix(name, in.LogGroupNamePrefix) &&
			strings.Contains(strings.ToLower(name), pattern) && (len(ids) == 0 || ids[name]) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	out := struct {
		LogGroups []logGroupOut `json:"logGroups"`
		NextToken string        `json:"nextToken,omitempty"`
	}{LogGroups: []logGroupOut{}}
	if len(names) > n {
		names = names[:n]
		out.NextToken = encodeNameToken(names[n-1])
	}
	for _, name := range names {
		g := s.groups[name]
		arn := s.groupARN(name)
		out.LogGroups = append(out.LogGroups, logGroupOut{
			LogGroupName: name, CreationTime: g.created.UnixMilli(), Arn: arn + ":*", LogGroupArn: arn,
			StoredBytes: int64(g.bytes), LogGroupClass: "STANDARD",
		})
	}
	return out, nil
}

// logStreamOut is the LogStream shape.
type logStreamOut struct {
	LogStreamName       string `json:"logStreamName"`
	CreationTime        int64  `json:"creationTime"`
	FirstEventTimestamp *int64 `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  *int64 `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   *int64 `json:"lastIngestionTime,omitempty"`
	UploadSequenceToken string `json:"uploadSequenceToken,omitempty"`
	Arn                 string `json:"arn"`
	StoredBytes         int64  `json:"storedBytes"`
}

func (s *Service) serveDescribeLogStreams(body []byte) (any, error) {
	var in struct {
		groupRef
		LogStreamNamePrefix string `json:"logStreamNamePrefix"`
		OrderBy             string `json:"orderBy"`
		Descending          bool   `json:"descending"`
		pageRequest
	}
	groupName, err := decodeNamingGroup(body, &in)
	if err != nil {
		return nil, err
	}
	switch in.OrderBy {
	case "", "LogStreamName":
	case "LastEventTime":
		if in.LogStreamNamePrefix != "" {
			return nil, invalidParam("Cannot order by LastEventTime with a logStreamNamePrefix.")
		}
	default:
		return nil, invalidParam("orderBy %q is not LogStreamName or LastEventTime", in.OrderBy)
	}
	n, offset, err := readPage(in.pageRequest, maxDescribeLimit, decodeOffsetToken)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.group(groupName)
	if err != nil {
		return nil, err
	}
	var streams []*stream
	for _, st := range g.streams {
		if strings.HasPrefix(st.name, in.LogStreamNamePrefix) {
			streams = append(streams, st)
		}
	}
	sort.Slice(streams, func(i, j int) bool {
		a, b := streams[i], streams[j]
		if in.Descending {
			a, b = b, a
		}
		if in.OrderBy == "LastEventTime" && a.last != b.last {
			return a.last < b.last
		}
		return a.name < b.name
	})
	out := struct {
		LogStreams []logStreamOut `json:"logStreams"`
		NextToken  string         `json:"nextToken,omitempty"`
	}{LogStreams: []logStreamOut{}}
	streams = streams[min(offset, len(streams)):]
	if len(streams) > n {
		streams = streams[:n]
		out.NextToken = encodeOffsetToken(offset + n)
	}
	for _, st := range streams {
		o := logStreamOut{
			LogStreamName: st.name, CreationTime: st.created.UnixMilli(),
			Arn:         s.groupARN(groupName) + ":log-stream:" + st.name,
			StoredBytes: st.storedBytes, UploadSequenceToken: strconv.FormatInt(st.uploadSeqNumber, 10),
		}
		if st.hasEvents {
			first, last, ing := st.first, st.last, st.lastIngestion
			o.FirstEventTimestamp, o.LastEventTimestamp, o.LastIngestionTime = &first, &last, &ing
		}
		out.LogStreams = append(out.LogStreams, o)
	}
	return out, nil
}

func (s *Service) servePutLogEvents(body []byte) (any, error) {
	var in struct {
		LogGroupName  string `json:"logGroupName"`
		LogStreamName string `json:"logStreamName"`
		LogEvents     []struct {
			Timestamp *int64 `json:"timestamp"`
			Message   string `json:"message"`
		} `json:"logEvents"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if len(in.LogEvents) == 0 || len(in.LogEvents) > maxBatchEvents {
		return nil, invalidParam("logEvents must hold 1 to %d events, not %d", maxBatchEvents, len(in.LogEvents))
	}
	size := 0
	for i, e := range in.LogEvents {
		switch {
		case e.Timestamp == nil:
			return nil, invalidParam("logEvents[%d].timestamp is required", i)
		case e.Message == "" || !utf8.ValidString(e.Message):
			return nil, invalidParam("logEvents[%d].message must be non-empty UTF-8", i)
		case i > 0 && *e.Timestamp < *in.LogEvents[i-1].Timestamp:
			return nil, invalidParam("Log events in a single PutLogEvents request must be in chronological order.")
		}
		size += len(e.Message) + eventOverhead
	}
	if size > maxBatchBytes {
		return nil, invalidParam("Log events in a single PutLogEvents request exceed %d bytes", maxBatchBytes)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.group(in.LogGroupName)
	if err != nil {
		return nil, err
	}
	if _, ok := g.streams[in.LogStreamName]; !ok {
		return nil, &Error{Code: CodeNotFound, Message: "The specified log stream does not exist."}
	}
	now := s.opts.Now()
	nowMs, tooNewAt, tooOldAt := now.UnixMilli(), now.Add(maxFutureSkew).UnixMilli(), now.Add(-maxPastAge).UnixMilli()
	var rejected struct {
		TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
		TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
	}
	first, last := -1, -1
	for i, e := range in.LogEvents {
		switch ts := *e.Timestamp; {
		case ts > tooNewAt:
			if rejected.TooNewLogEventStartIndex == nil {
				rejected.TooNewLogEventStartIndex = &i
			}
		case ts < tooOldAt:
			rejected.TooOldLogEventEndIndex = &i
		default:
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first >= 0 && *in.LogEvents[last].Timestamp-*in.LogEvents[first].Timestamp > maxBatchTimeSpan.Milliseconds() {
		return nil, invalidParam("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}
	visible := nowMs + s.opts.DeliveryDelay.Milliseconds()
	for i := first; first >= 0 && i <= last; i++ {
		s.store(g, in.LogStreamName, *in.LogEvents[i].Timestamp, visible, in.LogEvents[i].Message)
	}
	out := map[string]any{"nextSequenceToken": strconv.FormatInt(s.seq, 10)}
	if rejected.TooNewLogEventStartIndex != nil || rejected.TooOldLogEventEndIndex != nil {
		out["rejectedLogEventsInfo"] = rejected
	}
	return out, nil
}

// nameToken and offsetToken encode the Describe* page positions.
func encodeNameToken(name string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("n:" + name))
}

func decodeNameToken(tok string) (string, error) {
	if tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	name, ok := strings.CutPrefix(string(b), "n:")
	if err != nil || !ok {
		return "", invalidParam("The specified nextToken is invalid.")
	}
	return name, nil
}

func encodeOffsetToken(offset int) string {
	return encodeNameToken(strconv.Itoa(offset))
}

func decodeOffsetToken(tok string) (int, error) {
	s, err := decodeNameToken(tok)
	if err != nil || s == "" {
		return 0, err
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, invalidParam("The specified nextToken is invalid.")
	}
	return n, nil
}
