package sfnlocal

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/polysync/stepfunctions/internal/asl"
)

const (
	// maxClosedTokens is how many tokens of ended tasks the server
	// remembers, to answer TaskTimedOut rather than TaskDoesNotExist.
	maxClosedTokens = 100_000
	// waitForTaskToken is the suffix of a callback task's resource.
	waitForTaskToken = ".waitForTaskToken"
)

// callbacks keeps the task tokens of the callback and activity tasks that
// wait for SendTaskSuccess, SendTaskFailure or SendTaskHeartbeat. Tokens are
// signed with the server's key, so a token this server never made answers
// InvalidToken.
type callbacks struct {
	key []byte

	mu          sync.Mutex
	open        map[string]*pendingTask
	closed      map[string]bool
	closedOrder []string // oldest first, at most maxClosedTokens
}

// pendingTask is a callback or activity task waiting for its outcome.
type pendingTask struct {
	token     string
	input     json.RawMessage // activity tasks: what GetActivityTask hands out
	heartbeat time.Duration   // 0: none
	onStart   func(worker string)

	result  chan taskOutcome // buffered: the first outcome sent wins
	started chan struct{}    // closed when the task starts (at once for callbacks)
	ended   <-chan struct{}  // closed when the state stops waiting (timeout, stop)

	// callbacks.mu guards these.
	lastBeat time.Time
	isClosed bool
}

// taskOutcome is how a pending task ended.
type taskOutcome struct {
	out json.RawMessage
	err error
}

func newCallbacks(key []byte) *callbacks {
	return &callbacks{key: key, open: map[string]*pendingTask{}, closed: map[string]bool{}}
}

// tokenVersion is a task token's first byte. Its top six bits are zero, so
// every token begins with 'A' (as AWS's do) and never with '-', which a
// command line such as the AWS CLI's would read as an option.
const tokenVersion = 1

// newToken makes a task token: a version byte, 24 random bytes and a
// signature of both.
func (c *callbacks) newToken() string {
	b := make([]byte, 25, 25+16)
	b[0] = tokenVersion
	_, _ = rand.Read(b[1:])
	return base64.RawURLEncoding.EncodeToString(append(b, c.sign(b)...))
}

// sign returns a task token's signature: a MAC of b cut to 16 bytes.
func (c *callbacks) sign(b []byte) []byte { return mac(c.key, b)[:16] }

// authentic reports whether token is one this server made.
func (c *callbacks) authentic(token string) bool {
	b, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil && len(b) == 41 && b[0] == tokenVersion && hmac.Equal(b[25:], c.sign(b[:25]))
}

// add registers a task waiting on token until ended is closed, started now
// unless it is an activity task (onStart non-nil), which starts when a
// worker takes it.
func (c *callbacks) add(token string, ended <-chan struct{}, heartbeat time.Duration, now time.Time, input json.RawMessage, onStart func(string)) *pendingTask {
	p := &pendingTask{token: token, input: input, heartbeat: heartbeat, onStart: onStart,
		result: make(chan taskOutcome, 1), started: make(chan struct{}), ended: ended, lastBeat: now}
	if onStart == nil {
		close(p.started)
	}
	c.mu.Lock()
	c.open[token] = p
	c.mu.Unlock()
	return p
}

// remove forgets p's token, remembering that its task ended.
func (c *callbacks) remove(p *pendingTask) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeLocked(p)
}

func (c *callbacks) closeLocked(p *pendingTask) {
	if p.isClosed {
		return
	}
	p.isClosed = true
	delete(c.open, p.token)
	c.closed[p.token] = true
	c.closedOrder = append(c.closedOrder, p.token)
	if len(c.closedOrder) > maxClosedTokens {
		delete(c.closed, c.closedOrder[0])
		c.closedOrder[0] = ""
		c.closedOrder = c.closedOrder[1:]
	}
}

// lookup finds the open task of token, or answers the error AWS gives. The
// caller holds c.mu.
func (c *callbacks) lookup(token string) (*pendingTask, error) {
	if p := c.open[token]; p != nil {
		select {
		case <-p.ended: // the state gave up; its goroutine has yet to remove it
			c.closeLocked(p)
		default:
			return p, nil
		}
	}
	if !c.authentic(token) {
		return nil, errf("InvalidToken", "Invalid Token: 'Invalid token'")
	}
	if c.closed[token] {
		return nil, errf("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")
	}
	return nil, errf("TaskDoesNotExist", "Task Does Not Exist: 'Provided task does not exist'")
}

// finish ends the task of token with o.
func (c *callbacks) finish(token string, o taskOutcome) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, err := c.lookup(token)
	if err != nil {
		return err
	}
	p.result <- o
	c.closeLocked(p)
	return nil
}

// beat records a heartbeat of the task of token.
func (c *callbacks) beat(token string, now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, err := c.lookup(token)
	if err != nil {
		return err
	}
	p.lastBeat = now
	return nil
}

// start marks an activity task taken by worker; false when it has ended.
func (c *callbacks) start(p *pendingTask, worker string, now time.Time) bool {
	c.mu.Lock()
	select {
	case <-p.ended:
		c.closeLocked(p)
	default:
	}
	if p.isClosed {
		c.mu.Unlock()
		return false
	}
	p.lastBeat = now
	close(p.started)
	c.mu.Unlock()
	p.onStart(worker)
	return true
}

// await waits for the outcome of p: SendTaskSuccess or SendTaskFailure, a
// missed heartbeat (on clk), or the end of ctx (the state timed out, the
// execution stopped).
func (c *callbacks) await(ctx context.Context, clk Clock, p *pendingTask) (json.RawMessage, error) {
	started := p.started
	var beat <-chan time.Time
	stopBeat := func() {}
	defer func() { stopBeat() }()
	for {
		if beat == nil && started == nil && p.heartbeat > 0 {
			c.mu.Lock()
			deadline := p.lastBeat.Add(p.heartbeat)
			c.mu.Unlock()
			beat, stopBeat = asl.AfterStop(clk, deadline.Sub(clk.Now()))
		}
		select {
		case o := <-p.result:
			return o.out, o.err
		case <-started:
			started = nil
		case <-beat:
			beat = nil
			c.mu.Lock()
			missed := !clk.Now().Before(p.lastBeat.Add(p.heartbeat))
			if missed {
				c.closeLocked(p)
			}
			c.mu.Unlock()
			if missed {
				select {
				case o := <-p.result: // the outcome came first
					return o.out, o.err
				default:
				}
				return nil, &TaskError{Name: asl.ErrHeartbeatTimeout,
					Cause: fmt.Sprintf("The task sent no heartbeat within its heartbeat interval of %d seconds.", int64(p.heartbeat/time.Second))}
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// runCallback runs a .waitForTaskToken task: it calls the integration (the
// function registered for its Resource, else for base, the Resource without
// the suffix) and waits for the task token to come back.
func (s *Server) runCallback(ctx context.Context, call *asl.TaskCall, base string) (json.RawMessage, error) {
	p := s.callbacks.add(call.Token, ctx.Done(), call.Heartbeat, s.cfg.clock.Now(), nil, nil)
	defer s.callbacks.remove(p)
	var (
		out json.RawMessage
		err error
	)
	if fn := s.lookupTask(call.Resource); fn != nil {
		out, err = fn(ctx, call.Input)
	} else {
		out, err = s.invoke(ctx, base, call.Input)
	}
	if err != nil {
		return nil, err
	}
	call.Submitted(out)
	return s.callbacks.await(ctx, s.cfg.clock, p)
}

// taskTokenInput is the token member of SendTaskSuccess, SendTaskFailure and
// SendTaskHeartbeat.
type taskTokenInput struct {
	TaskToken string `json:"taskToken" sfn:"required,max=2048"`
}

type sendTaskSuccessInput struct {
	TaskToken string `json:"taskToken" sfn:"required,max=2048"`
	Output    string `json:"output" sfn:"required,max=262144"`
}

func (in *sendTaskSuccessInput) validate() error {
	if !json.Valid([]byte(in.Output)) {
		return errf("InvalidOutput", "Invalid Output: 'the output is not valid JSON'")
	}
	return nil
}

// sendTaskSuccess answers SendTaskSuccess: the task succeeds with output.
func (s *Server) sendTaskSuccess(_ context.Context, in *sendTaskSuccessInput) (*empty, error) {
	return &empty{}, s.callbacks.finish(in.TaskToken, taskOutcome{out: json.RawMessage(in.Output)})
}

type sendTaskFailureInput struct {
	TaskToken string `json:"taskToken" sfn:"required,max=2048"`
	Error     string `json:"error" sfn:"max=256"`
	Cause     string `json:"cause" sfn:"max=32768"`
}

// sendTaskFailure answers SendTaskFailure: the task fails with error and
// cause (States.TaskFailed when error is empty).
func (s *Server) sendTaskFailure(_ context.Context, in *sendTaskFailureInput) (*empty, error) {
	return &empty{}, s.callbacks.finish(in.TaskToken, taskOutcome{err: &TaskError{Name: in.Error, Cause: in.Cause}})
}

// sendTaskHeartbeat answers SendTaskHeartbeat: the task's heartbeat
// interval starts again.
func (s *Server) sendTaskHeartbeat(_ context.Context, in *taskTokenInput) (*empty, error) {
	return &empty{}, s.callbacks.beat(in.TaskToken, s.cfg.clock.Now())
}

// cutWaitForTaskToken returns resource without the .waitForTaskToken suffix,
// and whether it had it.
func cutWaitForTaskToken(resource string) (string, bool) {
	return strings.CutSuffix(resource, waitForTaskToken)
}
