package cwlogs

import (
	"cmp"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Defaults of [Options].
const (
	DefaultMaxGroups          = 1000
	DefaultMaxStreamsPerGroup = 10000
	DefaultMaxEventsPerGroup  = 100000
	DefaultMaxBytesPerGroup   = 64 << 20
)

// Limits of CloudWatch Logs (PutLogEvents in the CloudWatch Logs API
// reference): a batch holds at most 10,000 events and 1,048,576 bytes,
// counting each event's UTF-8 message plus 26 bytes.
const (
	maxBatchEvents   = 10000
	maxBatchBytes    = 1048576
	eventOverhead    = 26
	maxNameLength    = 512
	maxFutureSkew    = 2 * time.Hour
	maxPastAge       = 14 * 24 * time.Hour
	maxBatchTimeSpan = 24 * time.Hour
)

// Options bound a [Service] and set its delivery delay. Zero values take the
// defaults named on each field.
type Options struct {
	// MaxGroups is how many log groups may exist; CreateLogGroup beyond it
	// answers LimitExceededException. Default DefaultMaxGroups.
	MaxGroups int
	// MaxStreamsPerGroup is how many streams a group may hold; more answer
	// LimitExceededException. Default DefaultMaxStreamsPerGroup.
	MaxStreamsPerGroup int
	// MaxEventsPerGroup is how many events a group keeps; the oldest (by
	// timestamp) are dropped first. Default DefaultMaxEventsPerGroup.
	MaxEventsPerGroup int
	// MaxBytesPerGroup bounds the message bytes a group keeps, the oldest
	// events dropped first. Default DefaultMaxBytesPerGroup.
	MaxBytesPerGroup int
	// DeliveryDelay is how long after it is written an event becomes
	// visible to GetLogEvents and FilterLogEvents, as CloudWatch Logs
	// delivers vended logs after a delay. Default 0: at once.
	DeliveryDelay time.Duration
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Partition, Region and Account make the ARNs of log groups and
	// streams. Defaults "aws", "us-east-1" and "123456789012".
	Partition, Region, Account string
}

// Service is an in-memory CloudWatch Logs. It is safe for concurrent use.
type Service struct {
	opts   Options
	mu     sync.Mutex
	groups map[string]*group
	seq    int64 // orders events written in the same millisecond
}

// group is one log group.
type group struct {
	name    string
	created time.Time
	streams map[string]*stream
	events  []event // sorted by (timestamp, seq)
	bytes   int
}

// stream is one log stream's metadata; its events live in its group.
type stream struct {
	name            string
	created         time.Time
	first, last     int64 // event timestamps, epoch ms; 0 when none
	lastIngestion   int64
	storedBytes     int64
	hasEvents       bool
	uploadSeqNumber int64
}

// event is one stored log event.
type event struct {
	stream    string
	timestamp int64 // epoch ms
	ingestion int64 // epoch ms, when it becomes visible
	seq       int64
	message   string
}

// Event is a log event written through [Service.Append].
type Event struct {
	// Timestamp is the event's time (CloudWatch Logs keeps milliseconds).
	Timestamp time.Time
	// Message is the event's text, for Step Functions one JSON object.
	Message string
}

// NewService returns an empty Service.
func NewService(opts Options) *Service {
	if opts.MaxGroups <= 0 {
		opts.MaxGroups = DefaultMaxGroups
	}
	if opts.MaxStreamsPerGroup <= 0 {
		opts.MaxStreamsPerGroup = DefaultMaxStreamsPerGroup
	}
	if opts.MaxEventsPerGroup <= 0 {
		opts.MaxEventsPerGroup = DefaultMaxEventsPerGroup
	}
	if opts.MaxBytesPerGroup <= 0 {
		opts.MaxBytesPerGroup = DefaultMaxBytesPerGroup
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.Partition = cmp.Or(opts.Partition, "aws")
	opts.Region = cmp.Or(opts.Region, "us-east-1")
	opts.Account = cmp.Or(opts.Account, "123456789012")
	return &Service{opts: opts, groups: map[string]*group{}}
}

// CreateLogGroup creates an empty log group. It fails with an *Error of code
// ResourceAlreadyExistsException when the group exists.
func (s *Service) CreateLogGroup(name string) error {
	if err := checkGroupName(name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.groups[name]; ok {
		return &Error{Code: CodeAlreadyExists, Message: "The specified log group already exists"}
	}
	if len(s.groups) >= s.opts.MaxGroups {
		return &Error{Code: CodeLimitExceeded, Message: fmt.Sprintf("Resource limit exceeded: at most %d log groups", s.opts.MaxGroups)}
	}
	s.groups[name] = &group{name: name, created: s.opts.Now(), streams: map[string]*stream{}}
	return nil
}

// CreateLogStream creates an empty stream in an existing group.
func (s *Service) CreateLogStream(groupName, name string) error {
	g, unlock, err := s.lockStreamGroup(groupName, name)
	if err != nil {
		return err
	}
	defer unlock()
	if _, ok := g.streams[name]; ok {
		return &Error{Code: CodeAlreadyExists, Message: "The specified log stream already exists"}
	}
	return s.addStream(g, name)
}

// addStream adds a stream to g; s.mu is held.
func (s *Service) addStream(g *group, name string) error {
	if len(g.streams) >= s.opts.MaxStreamsPerGroup {
		return &Error{Code: CodeLimitExceeded, Message: fmt.Sprintf("Resource limit exceeded: at most %d log streams in a log group", s.opts.MaxStreamsPerGroup)}
	}
	g.streams[name] = &stream{name: name, created: s.opts.Now()}
	return nil
}

// Append writes events to a stream of an existing group as Step Functions
// delivers them: the stream is created when missing, and the events become
// visible after Options.DeliveryDelay. It fails with ResourceNotFoundException
// when the group does not exist (Step Functions then drops the events).
func (s *Service) Append(groupName, streamName string, events ...Event) error {
	g, unlock, err := s.lockStreamGroup(groupName, streamName)
	if err != nil {
		return err
	}
	defer unlock()
	if _, ok := g.streams[streamName]; !ok {
		if err := s.addStream(g, streamName); err != nil {
			return err
		}
	}
	visible := s.opts.Now().Add(s.opts.DeliveryDelay).UnixMilli()
	for _, e := range events {
		s.store(g, streamName, e.Timestamp.UnixMilli(), visible, e.Message)
	}
	return nil
}

// lockStreamGroup checks a stream name, locks s.mu and returns the stream's
// group and the function that unlocks; on error s.mu is not held.
func (s *Service) lockStreamGroup(groupName, streamName string) (*group, func(), error) {
	if err := checkStreamName(streamName); err != nil {
		return nil, nil, err
	}
	s.mu.Lock()
	g, err := s.group(groupName)
	if err != nil {
		s.mu.Unlock()
		return nil, nil, err
	}
	return g, s.mu.Unlock, nil
}

// group returns the named group; s.mu is held.
func (s *Service) group(name string) (*group, error) {
	g, ok := s.groups[name]
	if !ok {
		return nil, &Error{Code: CodeNotFound, Message: "The specified log group does not exist."}
	}
	return g, nil
}

// store adds one event to g, keeping g.events sorted and within bounds;
// s.mu is held and the stream exists.
func (s *Service) store(g *group, streamName string, ts, ingestion int64, msg string) {
	s.seq++
	e := event{stream: streamName, timestamp: ts, ingestion: ingestion, seq: s.seq, message: msg}
	i := sort.Search(len(g.events), func(i int) bool { return g.events[i].timestamp > ts })
	g.events = append(g.events, event{})
	copy(g.events[i+1:], g.events[i:])
	g.events[i] = e
	g.bytes += len(msg)
	st := g.streams[streamName]
	if !st.hasEvents || ts < st.first {
		st.first = ts
	}
	if !st.hasEvents || ts > st.last {
		st.last = ts
	}
	st.hasEvents = true
	st.lastIngestion = max(st.lastIngestion, ingestion)
	st.storedBytes += int64(len(msg))
	st.uploadSeqNumber++
	for len(g.events) > s.opts.MaxEventsPerGroup || (g.bytes > s.opts.MaxBytesPerGroup && len(g.events) > 1) {
		old := g.events[0]
		g.events[0] = event{}
		g.events = g.events[1:]
		g.bytes -= len(old.message)
		if st := g.streams[old.stream]; st != nil {
			st.storedBytes -= int64(len(old.message))
		}
	}
}

// visible returns g's events visible at now (epoch ms), in (timestamp, seq)
// order; s.mu is held.
func visibleEvents(g *group, now int64, keep func(*event) bool) []*event {
	var out []*event
	for i := range g.events {
		e := &g.events[i]
		if e.ingestion <= now && keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// checkGroupName applies CreateLogGroup's constraints: 1-512 characters of
// [.\-_/#A-Za-z0-9].
func checkGroupName(name string) error {
	if name == "" || len(name) > maxNameLength {
		return invalidParam("log group name must be 1 to 512 characters long")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-/#", r)) {
			return invalidParam("log group name may only contain a-z, A-Z, 0-9, '_', '-', '/', '.' and '#'")
		}
	}
	return nil
}

// checkStreamName applies CreateLogStream's constraints: 1-512 characters,
// no ':' or '*'.
func checkStreamName(name string) error {
	if name == "" || len(name) > maxNameLength || !utf8.ValidString(name) {
		return invalidParam("log stream name must be 1 to 512 characters long")
	}
	if strings.ContainsAny(name, ":*") {
		return invalidParam("log stream name must not contain ':' or '*'")
	}
	return nil
}
