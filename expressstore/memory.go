package expressstore

import (
	"container/list"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// The memory store's bounds when its options leave them zero.
const (
	DefaultCapacity = 1000
	DefaultMaxBytes = 64 << 20
)

// MemoryOptions configures NewMemory.
type MemoryOptions struct {
	// Capacity is how many records the store keeps, runs and pending claims
	// together; beyond it the least recently used are evicted. Zero or less
	// means DefaultCapacity.
	Capacity int
	// MaxBytes bounds the total Size of the records: the least recently used
	// are evicted while the total is over it, except the record put last.
	// Zero or less means DefaultMaxBytes.
	MaxBytes int
	// Now returns the current time, which claims expire by. Nil means
	// time.Now.
	Now func() time.Time
}

// Memory is a Store that keeps records in the memory of one process,
// bounded in count and in bytes. Records evicted by those bounds are gone:
// Get answers ErrNotFound for them, and an evicted name can be claimed
// again, even a pending claim's (so Capacity should stay well above the
// number of starts in flight). It is safe for concurrent use.
type Memory struct {
	capacity, maxBytes int
	now                func() time.Time

	mu    sync.Mutex
	bytes int                      // the total Size of the records
	order *list.List               // of *memEntry; front = most recently used
	runs  map[string]*list.Element // run records by run ID
	names map[string]*list.Element // runs and pending claims by execution name
}

// memEntry is one record of a Memory store.
type memEntry struct {
	rec  Result
	size int
	// names are the keys under which names holds this entry: a pending
	// claim's name, or every name a run was bound to by Put.
	names []string
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty in-memory Store.
func NewMemory(optFns ...func(*MemoryOptions)) *Memory {
	var o MemoryOptions
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Capacity <= 0 {
		o.Capacity = DefaultCapacity
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Memory{capacity: o.Capacity, maxBytes: o.MaxBytes, now: o.Now, order: list.New(),
		runs: make(map[string]*list.Element), names: make(map[string]*list.Element)}
}

// Get implements Store.
func (m *Memory) Get(ctx context.Context, runID string) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.runs[runID]
	if !ok {
		return Result{}, fmt.Errorf("%w: run %s", ErrNotFound, runID)
	}
	m.order.MoveToFront(e)
	return entryOf(e).rec, nil
}

// GetByName implements Store.
func (m *Memory) GetByName(ctx context.Context, name string) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.liveName(name)
	if e == nil {
		return Result{}, fmt.Errorf("%w: execution name %s", ErrNotFound, name)
	}
	m.order.MoveToFront(e)
	return entryOf(e).rec, nil
}

// Put implements Store.
func (m *Memory) Put(ctx context.Context, r Result) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := ValidateRun(r); err != nil {
		return err
	}
	r.ClaimExpires = time.Time{}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.runs[r.RunID]
	if ok {
		old := entryOf(e)
		if old.rec.Terminal() {
			return nil
		}
		m.bytes += r.Size() - old.size
		old.rec, old.size = r, r.Size()
		m.order.MoveToFront(e)
	} else {
		e = m.push(r)
		m.runs[r.RunID] = e
	}
	if ent := entryOf(e); r.Name != "" && !slices.Contains(ent.names, r.Name) {
		// A run recorded again under another name is bound to that name too,
		// and stays bound to those it had.
		if bound, ok := m.names[r.Name]; !ok || entryOf(bound).rec.Pending() {
			if ok {
				m.remove(bound)
			}
			m.names[r.Name] = e
			ent.names = append(ent.names, r.Name)
		}
	}
	m.evict()
	return nil
}

// Claim implements Store.
func (m *Memory) Claim(ctx context.Context, c Result, ttl time.Duration) (Result, bool, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, false, err
	}
	if err := ValidateClaim(c, ttl); err != nil {
		return Result{}, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if e := m.liveName(c.Name); e != nil {
		m.order.MoveToFront(e)
		return entryOf(e).rec, false, nil
	}
	rec := Result{Name: c.Name, JobID: c.JobID, StateMachineARN: c.StateMachineARN, InputDigest: c.InputDigest,
		Owner: c.Owner, ClaimExpires: m.now().Add(ttl)}
	e := m.push(rec)
	m.names[c.Name] = e
	entryOf(e).names = []string{c.Name}
	m.evict()
	return rec, true, nil
}

// Release implements Store.
func (m *Memory) Release(ctx context.Context, name, owner string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.names[name]; ok {
		if rec := entryOf(e).rec; rec.Pending() && rec.Owner == owner {
			m.remove(e)
		}
	}
	return nil
}

// Len returns the number of records held, runs and pending claims (expired
// claims included until they are next looked at or evicted).
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.order.Len()
}

// Bytes returns the total Size of the records held.
func (m *Memory) Bytes() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.bytes
}

// liveName returns the element of the run or unexpired claim that name
// refers to, or nil, removing an expired claim. m.mu must be held.
func (m *Memory) liveName(name string) *list.Element {
	e, ok := m.names[name]
	if !ok {
		return nil
	}
	if rec := entryOf(e).rec; rec.Pending() && !m.now().Before(rec.ClaimExpires) {
		m.remove(e)
		return nil
	}
	return e
}

// push adds rec as the most recently used record. m.mu must be held.
func (m *Memory) push(rec Result) *list.Element {
	size := rec.Size()
	m.bytes += size
	return m.order.PushFront(&memEntry{rec: rec, size: size})
}

// remove drops the record of e from the store. m.mu must be held.
func (m *Memory) remove(e *list.Element) {
	ent := entryOf(e)
	m.order.Remove(e)
	m.bytes -= ent.size
	if !ent.rec.Pending() && m.runs[ent.rec.RunID] == e {
		delete(m.runs, ent.rec.RunID)
	}
	for _, name := range ent.names {
		if m.names[name] == e {
			delete(m.names, name)
		}
	}
}

// evict removes the least recently used records while the store is over
// its bounds, keeping the most recent one. m.mu must be held.
func (m *Memory) evict() {
	for m.order.Len() > m.capacity || (m.bytes > m.maxBytes && m.order.Len() > 1) {
		m.remove(m.order.Back())
	}
}

// entryOf returns the record an element of Memory.order holds.
func entryOf(e *list.Element) *memEntry { return e.Value.(*memEntry) }
