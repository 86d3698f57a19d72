package sfnlocal

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// connLimiter is a listener that holds at most max connections at once.
// When a new connection arrives and every slot is taken, it closes the one
// furthest past its grace (see idleGrace) in keeping the server waiting
// without work (it has not sent a whole request header yet, sits idle
// between requests, or is still sending a request body) to make room; only
// when none is does the newcomer wait for a slot. So idle keep-alives and
// slow clients cannot lock others out for the length of a timeout.
type connLimiter struct {
	net.Listener
	max int

	mu    sync.Mutex
	open  map[*limitedConn]struct{}
	freed chan struct{} // a slot was freed (buffered 1)
	done  chan struct{} // the listener is closed
	once  sync.Once
}

func newConnLimiter(ln net.Listener, max int) *connLimiter {
	return &connLimiter{Listener: ln, max: max, open: map[*limitedConn]struct{}{},
		freed: make(chan struct{}, 1), done: make(chan struct{})}
}

// Accept waits for a connection and for a slot to hold it.
func (l *connLimiter) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	lc := &limitedConn{Conn: c, l: l, state: http.StateNew, since: time.Now()}
	for {
		l.mu.Lock()
		if len(l.open) < l.max {
			l.open[lc] = struct{}{}
			l.mu.Unlock()
			return lc, nil
		}
		victim, wait := l.idlest(time.Now())
		l.mu.Unlock()
		if victim != nil {
			_ = victim.Close()
			continue
		}
		var aged <-chan time.Time // a connection becomes evictable
		if wait > 0 {
			aged = time.After(wait)
		}
		select {
		case <-l.freed:
		case <-aged:
		case <-l.done:
			_ = c.Close()
			return nil, net.ErrClosed
		}
	}
}

// How long a connection must have kept the server waiting without work
// before it may be closed to make room: an idle keep-alive has had its
// answers, so half a second; a new connection, or one sending its body, may
// belong to a client that is merely slow to write (its process busy), so a
// second, still far shorter than the timeouts that close it anyway.
const (
	idleGrace = 500 * time.Millisecond
	busyGrace = time.Second
)

// grace is how long c must keep the server waiting before it may be closed.
// The caller holds l.mu.
func (c *limitedConn) grace() time.Duration {
	if c.state == http.StateIdle {
		return idleGrace
	}
	return busyGrace
}

// idlest returns the connection that is furthest past its grace in keeping
// the server waiting without work; when none is past it yet, how long until
// the first is. The caller holds l.mu.
func (l *connLimiter) idlest(now time.Time) (victim *limitedConn, wait time.Duration) {
	var over time.Duration // how far victim is past its grace
	for c := range l.open {
		if !c.evictable() {
			continue
		}
		switch d := now.Sub(c.since) - c.grace(); {
		case d >= 0 && (victim == nil || d > over):
			victim, over = c, d
		case d < 0 && (wait == 0 || -d < wait):
			wait = -d
		}
	}
	if victim != nil {
		return victim, 0
	}
	return nil, wait
}

// Close closes the listener and wakes an Accept waiting for a slot.
func (l *connLimiter) Close() error {
	l.once.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// release frees c's slot.
func (l *connLimiter) release(c *limitedConn) {
	l.mu.Lock()
	delete(l.open, c)
	l.mu.Unlock()
	select {
	case l.freed <- struct{}{}:
	default:
	}
}

// trackState is the http.Server's ConnState hook: it records what each
// connection is doing.
func (l *connLimiter) trackState(c net.Conn, st http.ConnState) {
	if lc, ok := c.(*limitedConn); ok {
		l.mu.Lock()
		lc.state, lc.since = st, time.Now()
		l.mu.Unlock()
	}
}

// limitedConn is a connection held by a connLimiter. The limiter's mutex
// guards state, reading and since.
type limitedConn struct {
	net.Conn
	l       *connLimiter
	state   http.ConnState
	reading bool      // the server is reading a request body from it
	since   time.Time // when state or reading last changed
	once    sync.Once
	waiting atomic.Int32 // how many reads of the server wait on it
}

// Read reads from the connection, counting the server as waiting on it
// while the read blocks.
func (c *limitedConn) Read(b []byte) (int, error) {
	c.waiting.Add(1)
	defer c.waiting.Add(-1)
	return c.Conn.Read(b)
}

// evictable reports whether the connection may be closed to make room: the
// server is waiting to read from it, and it has not sent a whole request
// header yet, sits idle between requests, or is still sending a request
// body. A connection whose request the server has not started reading (its
// goroutine has not run yet) is not: its request may already be there.
func (c *limitedConn) evictable() bool {
	return c.waiting.Load() > 0 &&
		(c.state == http.StateNew || c.state == http.StateIdle || c.state == http.StateActive && c.reading)
}

// Close closes the connection and frees its slot.
func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c) })
	return err
}

// connKey is the context key of the *limitedConn a request came on.
type connKey struct{}

// withConn is the http.Server's ConnContext hook: it puts the connection
// in the context of its requests.
func withConn(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// readingBody marks the connection of ctx as sending a request body (or
// done sending it), which makes it evictable while it lasts.
func readingBody(ctx context.Context, reading bool) {
	if c, ok := ctx.Value(connKey{}).(*limitedConn); ok {
		c.l.mu.Lock()
		c.reading, c.since = reading, time.Now()
		c.l.mu.Unlock()
	}
}
