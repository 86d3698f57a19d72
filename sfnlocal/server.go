package sfnlocal

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/polysync/stepfunctions/internal/asl"
	"github.com/polysync/stepfunctions/internal/cwlogs"
)

// Server is an in-memory Step Functions endpoint. It is an http.Handler that
// speaks the AWS JSON 1.0 protocol of the real service, so the aws-sdk-go-v2
// client and the AWS CLI can use it through a custom endpoint. Its methods are
// safe for concurrent use.
type Server struct {
	cfg config
	key []byte // signs pagination tokens

	mu       sync.Mutex
	closed   bool
	seq      int64
	machines map[string]*stateMachine // by unqualified ARN
	execs    map[string]*execution    // Standard executions by ARN
	finished []*execution             // finished Standard executions, oldest first
	running  map[*execution]context.CancelFunc
	calls    map[string]int
	buckets  map[string]*bucket
	servers  []*http.Server
	wg       sync.WaitGroup

	taskMu sync.RWMutex
	tasks  map[string]TaskFunc

	mocks    *MockConfig // nil without WithMockConfig
	mocksErr error       // why WithMockConfig's file could not be used

	callbacks  *callbacks           // task tokens of running callback and activity tasks
	activities map[string]*activity // by ARN; s.mu guards it
	mapRuns    map[string]*mapRun   // by ARN; s.mu guards it
	closing    chan struct{}        // closed by Close, ends long polls

	logs *cwlogs.Service // the CloudWatch Logs API served beside Step Functions
}

// New returns a Server with no state machines. Call Close when done with it.
func New(opts ...Option) *Server {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.clock == nil {
		cfg.clock = asl.RealClock{}
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	s := &Server{
		cfg:      cfg,
		key:      key,
		machines: map[string]*stateMachine{},
		execs:    map[string]*execution{},
		mapRuns:  map[string]*mapRun{},
		running:  map[*execution]context.CancelFunc{},
		calls:    map[string]int{},
		tasks:    map[string]TaskFunc{},

		callbacks:  newCallbacks(key),
		activities: map[string]*activity{},
		closing:    make(chan struct{}),
	}
	s.mocks, s.mocksErr = cfg.mocks, cfg.mocksErr
	if cfg.mocksPath != "" {
		s.mocks, s.mocksErr = LoadMockConfig(cfg.mocksPath)
	}
	if s.mocksErr != nil {
		cfg.logger.Error("sfnlocal: the mock configuration cannot be used: test cases will not start", "error", s.mocksErr)
	}
	s.logs = cwlogs.NewService(cwlogs.Options{DeliveryDelay: cfg.logDelay, Now: cfg.clock.Now,
		Partition: partitionOf(cfg.region), Region: cfg.region, Account: cfg.accountID})
	if cfg.throttle {
		s.buckets = newBuckets(cfg.throttleReg, cfg.region, cfg.clock.Now())
	}
	return s
}

// Listen serves the API on addr in the background and returns the endpoint
// URL, for example "http://127.0.0.1:49152". An empty addr or ":0" means
// 127.0.0.1 on a free port; a host-less addr such as ":8083" also binds to
// 127.0.0.1. Any other host is the caller's explicit choice and is used as
// given (a non-loopback address exposes the endpoint to the network). Close
// stops every listener.
//
// The listener holds at most WithMaxConnections connections at once. When
// a new connection finds them all taken, one that has kept the server
// waiting without work is closed to make room: idle between requests for
// half a second, or for a second without a whole request header or still
// sending its body. Only when there is none does the newcomer wait to
// be accepted. A client has 10 seconds to send a request's header
// and 30 to send all of it, and 30 to read the response once it is ready; a
// request may run as long as its operation does (a StartSyncExecution up to
// the 5-minute Express limit). An idle keep-alive connection is closed after
// 30 seconds.
func (s *Server) Listen(addr string) (string, error) {
	if addr == "" {
		addr = ":0"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("listen on %q: %w", addr, err)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return "", fmt.Errorf("listen on %q: %w", addr, err)
	}
	limited := newConnLimiter(ln, s.cfg.maxConns)
	t := s.cfg.timeouts
	// ReadTimeout bounds reading the request: net/http lifts the read
	// deadline once the body is read, so a long operation is not cut short.
	// WriteTimeout runs from the end of the request's header to the end of
	// the response, so it must outlast the longest operation; ServeHTTP
	// narrows the write deadline once the response is ready.
	hs := &http.Server{Handler: s, ReadHeaderTimeout: t.header, ReadTimeout: t.read,
		WriteTimeout: expressTimeout + t.write + time.Minute, IdleTimeout: t.idle,
		ConnState: limited.trackState, ConnContext: withConn}
	ln = limited
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ln.Close()
		return "", errors.New("listen: server is closed")
	}
	s.servers = append(s.servers, hs)
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.cfg.logger.Error("sfnlocal: serve", "addr", ln.Addr().String(), "error", err)
		}
	}()
	endpoint := "http://" + ln.Addr().String()
	s.cfg.logger.Info("sfnlocal: serving the Step Functions API", "endpoint", endpoint)
	return endpoint, nil
}

// Close stops every listener, aborts running executions (they end ABORTED)
// and waits for all of the server's goroutines. Later API calls answer 503.
// Close is idempotent.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.wg.Wait()
		return nil
	}
	s.closed = true
	close(s.closing)
	servers := s.servers
	for _, cancel := range s.running {
		cancel()
	}
	s.mu.Unlock()
	var errs []error
	for _, hs := range servers {
		if err := hs.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	s.wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	return nil
}

// ListenAndServe serves a new Server made with opts on addr (see
// Server.Listen for how addr is read) until ctx is done, logs the endpoint,
// then closes the server.
func ListenAndServe(ctx context.Context, addr string, opts ...Option) error {
	s := New(opts...)
	if err := s.ConfigErr(); err != nil {
		_ = s.Close()
		return err
	}
	if _, err := s.Listen(addr); err != nil { // Listen logs the endpoint
		_ = s.Close()
		return err
	}
	<-ctx.Done()
	return s.Close()
}

// Calls returns how many calls of operation (for example "StartExecution")
// the server has received, including those that failed.
func (s *Server) Calls(operation string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[operation]
}

// CallCounts returns a snapshot of the number of calls received per
// operation.
func (s *Server) CallCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// ServeHTTP implements http.Handler: it answers one AWS JSON 1.0 request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.cfg.logger.Error("sfnlocal: panic while serving a request", "panic", fmt.Sprint(v))
			writeError(w, errors.New("panic"))
		}
	}()
	w.Header().Set("X-Amzn-RequestId", uuid.NewString())
	if cwlogs.IsLogsRequest(r) {
		s.serveLogs(w, r)
		return
	}
	c, err := s.readRequest(w, r)
	if err != nil {
		writeError(w, err)
		return
	}
	op := c.op
	drop, err := s.admit(r.Context(), c)
	if err != nil {
		writeError(w, err)
		return
	}
	resp, err := operations[op](s, r.Context(), c)
	respondWithin(w, s.cfg.timeouts.write)
	if drop {
		s.cfg.logger.Debug("sfnlocal: dropping the connection (injected fault)", "operation", op)
		dropConnection(w)
		return
	}
	if err != nil {
		var ae *apiError
		switch {
		case errors.As(err, &ae):
			s.cfg.logger.Debug("sfnlocal: call failed", "operation", op, "code", ae.Code, "message", ae.Message)
		case r.Context().Err() != nil:
			// The client went away (a worker gave up its long poll, say)
			// or the server closed: nobody reads an answer.
			s.cfg.logger.Debug("sfnlocal: the client went away before the answer", "operation", op, "error", err)
			return
		default:
			s.cfg.logger.Error("sfnlocal: internal failure", "operation", op, "error", err)
		}
		writeError(w, err)
		return
	}
	s.cfg.logger.Debug("sfnlocal: call", "operation", op)
	writeJSON(w, resp)
}

// respondWithin gives the client d to take the response, which is ready.
func respondWithin(w http.ResponseWriter, d time.Duration) {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d))
}

// readRequest validates the transport-level parts of a request and returns
// the call.
func (s *Server) readRequest(w http.ResponseWriter, r *http.Request) (*call, error) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return nil, &apiError{Status: http.StatusMethodNotAllowed, Code: "UnknownOperationException",
			Message: fmt.Sprintf("method %s is not supported: the Step Functions API takes POST /", r.Method)}
	}
	if r.URL.Path != "/" {
		return nil, &apiError{Status: http.StatusNotFound, Code: "UnknownOperationException",
			Message: fmt.Sprintf("path %q is not supported: the Step Functions API takes POST /", r.URL.Path)}
	}
	target := r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, targetPrefix)
	if target == "" {
		return nil, errf("UnknownOperationException", "missing X-Amz-Target header: want %s<Operation>", targetPrefix)
	}
	if _, known := operations[op]; !ok || !known {
		return nil, errf("UnknownOperationException", "unknown operation %q", target)
	}
	s.mu.Lock()
	s.calls[op]++
	n := s.calls[op]
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, errClosed()
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, _ := strings.Cut(ct, ";")
		if mt = strings.TrimSpace(strings.ToLower(mt)); mt != contentType && mt != "application/json" {
			return nil, &apiError{Status: http.StatusUnsupportedMediaType, Code: "SerializationException",
				Message: fmt.Sprintf("content type %q is not supported: want %s", ct, contentType)}
		}
	}
	if err := s.checkCaller(r); err != nil {
		return nil, err
	}
	tooLarge := &apiError{Status: http.StatusRequestEntityTooLarge, Code: "RequestEntityTooLargeException",
		Message: fmt.Sprintf("request body exceeds the limit of %d bytes", maxRequestBytes)}
	if r.ContentLength > maxRequestBytes { // refused unread
		return nil, tooLarge
	}
	readingBody(r.Context(), true)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBytes+1))
	readingBody(r.Context(), false)
	if err != nil {
		return nil, errf("SerializationException", "read request body: %v", err)
	}
	if len(body) > maxRequestBytes {
		return nil, tooLarge
	}
	if err := s.checkDeny(op, body); err != nil {
		return nil, err
	}
	return &call{op: op, n: n, body: body, traceID: r.Header.Get("X-Amzn-Trace-Id")}, nil
}

// checkCaller checks that a request is signed, by an accepted access key.
func (s *Server) checkCaller(r *http.Request) error {
	authz := r.Header.Get("Authorization")
	if authz == "" {
		return &apiError{Status: http.StatusForbidden, Code: "MissingAuthenticationTokenException",
			Message: "Missing Authentication Token: requests must be signed with AWS Signature Version 4"}
	}
	akid, ok := accessKeyID(authz)
	if !ok {
		return &apiError{Status: http.StatusForbidden, Code: "IncompleteSignatureException",
			Message: "Authorization header requires a Credential=<access key id>/... parameter"}
	}
	if s.cfg.accessKeys != nil && !s.cfg.accessKeys[akid] {
		return errf("UnrecognizedClientException", "The security token included in the request is invalid.")
	}
	return nil
}

// checkDeny applies the deny rules to op on the resource the body addresses.
func (s *Server) checkDeny(op string, body []byte) error {
	if len(s.cfg.deny) == 0 {
		return nil
	}
	var target struct {
		StateMachineArn string `json:"stateMachineArn"`
		ExecutionArn    string `json:"executionArn"`
		ResourceArn     string `json:"resourceArn"`
		AliasArn        string `json:"stateMachineAliasArn"`
		VersionArn      string `json:"stateMachineVersionArn"`
	}
	_ = json.Unmarshal(body, &target) // malformed bodies are reported later
	resource := cmp.Or(target.ExecutionArn, target.StateMachineArn, target.AliasArn, target.VersionArn, target.ResourceArn)
	if resource == "" {
		resource = "*"
	}
	return s.denied("states", op, resource)
}

// denied returns AccessDeniedException when a deny rule matches the action
// service:op on resource, nil otherwise.
func (s *Server) denied(service, op, resource string) error {
	for _, rule := range s.cfg.deny {
		action := strings.TrimPrefix(rule.Action, service+":")
		if action != "*" && action != op {
			continue
		}
		if rule.Resource != "" && !globMatch(rule.Resource, resource) {
			continue
		}
		return errf("AccessDeniedException",
			"User: arn:%s:iam::%s:user/sfnlocal is not authorized to perform: %s:%s on resource: %s because no identity-based policy allows the %s:%s action",
			partitionOf(s.cfg.region), s.cfg.accountID, service, op, resource, service, op)
	}
	return nil
}

// admit applies latency, fault injection and throttling to a call of op.
// drop reports that the connection must be dropped after processing.
func (s *Server) admit(ctx context.Context, c *call) (drop bool, err error) {
	op := c.op
	if d := s.latencyFor(op); d > 0 {
		timer, stop := asl.AfterStop(s.cfg.clock, d)
		defer stop()
		select {
		case <-timer:
		case <-ctx.Done():
			return false, fmt.Errorf("wait latency: %w", ctx.Err())
		}
	}
	for _, f := range s.cfg.faults {
		if f.Operation != op && f.Operation != "*" || f.Call != 0 && f.Call != c.n {
			continue
		}
		if f.DropConnection {
			drop = true
			continue
		}
		return false, f.apiError()
	}
	if op != "StartExecution" { // its bucket depends on the state machine type
		if err := s.take(op); err != nil {
			return false, err
		}
	}
	return drop, nil
}

func (s *Server) latencyFor(op string) time.Duration {
	if d, ok := s.cfg.latency[op]; ok {
		return d
	}
	return s.cfg.latency["*"]
}

func (f Fault) apiError() *apiError {
	code, msg, status := f.Code, f.Message, f.Status
	if code == "" {
		code = "InternalFailure"
	}
	if msg == "" {
		msg = "injected fault"
	}
	if status == 0 {
		status = http.StatusBadRequest
		if f.Code == "" || strings.HasSuffix(code, "Fault") || strings.HasSuffix(code, "Unavailable") ||
			strings.HasSuffix(code, "Error") || code == "InternalFailure" {
			status = http.StatusInternalServerError
		}
	}
	return &apiError{Status: status, Code: code, Message: msg}
}

// dropConnection closes the client connection without a response.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// logger returns the server's logger.
func (s *Server) logger() *slog.Logger { return s.cfg.logger }
