package stepfunctions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/polysync/stepfunctions/auth"
)

// wireRequest is one request the wire server received.
type wireRequest struct {
	op   string
	host string
	auth string
	body map[string]any
}

// wireServer answers the Step Functions JSON 1.0 protocol with scripted handlers, so tests go through the
// real SDK client: serialisation, signing, endpoint resolution, error deserialisation and retries.
type wireServer struct {
	t        *testing.T
	srv      *httptest.Server
	mu       sync.Mutex
	handlers map[string]func(body map[string]any) (int, any)
	requests []wireRequest
}

func newWireServer(t *testing.T) *wireServer {
	w := &wireServer{t: t, handlers: map[string]func(map[string]any) (int, any){}}
	w.srv = httptest.NewServer(http.HandlerFunc(w.serve)) // binds 127.0.0.1
	t.Cleanup(w.srv.Close)
	return w
}

func (w *wireServer) handle(op string, h func(body map[string]any) (int, any)) { w.handlers[op] = h }

func (w *wireServer) serve(rw http.ResponseWriter, r *http.Request) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AWSStepFunctions.")
	if r.Method != http.MethodPost || r.URL.Path != "/" || !ok || r.Header.Get("Content-Type") != "application/x-amz-json-1.0" {
		w.t.Errorf("unexpected request %s %s target %q content type %q", r.Method, r.URL.Path, r.Header.Get("X-Amz-Target"), r.Header.Get("Content-Type"))
		http.Error(rw, "bad request", http.StatusBadRequest)
		return
	}
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		w.t.Errorf("%s: request body is not JSON: %v", op, err)
	}
	w.mu.Lock()
	w.requests = append(w.requests, wireRequest{op: op, host: r.Host, auth: r.Header.Get("Authorization"), body: body})
	h := w.handlers[op]
	w.mu.Unlock()
	if h == nil {
		w.t.Errorf("unexpected operation %s", op)
		http.Error(rw, "no handler", http.StatusInternalServerError)
		return
	}
	status, resp := h(body)
	rw.Header().Set("Content-Type", "application/x-amz-json-1.0")
	rw.WriteHeader(status)
	_ = json.NewEncoder(rw).Encode(resp)
}

// calls returns the requests received for op.
func (w *wireServer) calls(op string) []wireRequest {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []wireRequest
	for _, r := range w.requests {
		if r.op == op {
			out = append(out, r)
		}
	}
	return out
}

// apiError is a JSON 1.0 error body; the SDK strips the namespace before '#'.
func apiError(code, msg string) (int, any) {
	return http.StatusBadRequest, map[string]string{"__type": "com.amazonaws.swf.service.v2.model#" + code, "message": msg}
}

// provider returns a Provider that talks to the server through the real SDK client.
func (w *wireServer) provider(cfg Config) *Provider {
	w.t.Helper()
	cfg.Region = "eu-west-1"
	cfg.Endpoint = w.srv.URL
	cfg.Credentials = auth.Static("AKIDEXAMPLE12345678", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")
	if cfg.MaxBackoff == 0 {
		cfg.MaxBackoff = 5 * time.Millisecond
	}
	if cfg.RateLimits == nil {
		cfg.RateLimits = unlimited()
	}
	p, err := New(context.Background(), cfg)
	if err != nil {
		w.t.Fatalf("New() error = %v", err)
	}
	return p
}

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func TestWireListJobsPaginates(t *testing.T) {
	w := newWireServer(t)
	w.handle("ListStateMachines", func(body map[string]any) (int, any) {
		if body["maxResults"] != float64(1000) {
			t.Errorf("ListStateMachines maxResults = %v, want 1000", body["maxResults"])
		}
		if body["nextToken"] == nil {
			return 200, map[string]any{"stateMachines": []any{
				map[string]any{"stateMachineArn": machineARN(0), "name": "sm-0000", "type": "STANDARD", "creationDate": epoch(t0)},
				map[string]any{"stateMachineArn": machineARN(1), "name": "sm-0001", "type": "EXPRESS", "creationDate": epoch(t0)},
			}, "nextToken": "token-2"}
		}
		if body["nextToken"] != "token-2" {
			t.Errorf("nextToken = %v, want token-2", body["nextToken"])
		}
		return 200, map[string]any{"stateMachines": []any{
			map[string]any{"stateMachineArn": machineARN(2), "name": "sm-0002", "type": "STANDARD", "creationDate": epoch(t0)},
		}}
	})
	w.handle("DescribeStateMachine", func(body map[string]any) (int, any) {
		arn, _ := body["stateMachineArn"].(string)
		if body["includedData"] != "METADATA_ONLY" {
			t.Errorf("DescribeStateMachine includedData = %v, want METADATA_ONLY", body["includedData"])
		}
		if arn == machineARN(1) {
			return apiError("StateMachineDoesNotExist", "State Machine Does Not Exist: '"+arn+"'")
		}
		return 200, map[string]any{"stateMachineArn": arn, "name": arn[strings.LastIndex(arn, ":")+1:], "status": "ACTIVE",
			"definition": "{}", "roleArn": "arn:aws:iam::123456789012:role/r", "type": "STANDARD", "creationDate": epoch(t0),
			"description": "d", "loggingConfiguration": map[string]any{"level": "ERROR"}}
	})
	p := w.provider(Config{})
	jobs, err := p.ListJobs(context.Background())
	if err != nil {
		t.Fatalf("ListJobs() error = %v", err)
	}
	if len(jobs) != 2 || jobs[0].ID != machineARN(0) || jobs[1].ID != machineARN(2) {
		t.Fatalf("ListJobs() = %+v, want sm-0000 and sm-0002", jobs)
	}
	if j := jobs[0]; j.RoleARN != "arn:aws:iam::123456789012:role/r" || !j.CreatedAt.Equal(t0) || j.LoggingLevel != "ERROR" || j.Type != TypeStandard {
		t.Errorf("job = %+v", j)
	}
	if n := len(w.calls("ListStateMachines")); n != 2 {
		t.Errorf("ListStateMachines calls = %d, want 2", n)
	}
	for _, r := range w.calls("DescribeStateMachine") {
		if !strings.Contains(r.auth, "Credential=AKIDEXAMPLE12345678/") || !strings.Contains(r.auth, "/eu-west-1/states/aws4_request") {
			t.Errorf("Authorization = %q, want SigV4 for states in eu-west-1 with the static key", r.auth)
		}
	}
}

func TestWireErrorKinds(t *testing.T) {
	const run = "arn:aws:states:eu-west-1:123456789012:execution:orders:run-1"
	tests := []struct {
		code string
		kind error
		hint string
	}{
		{"StateMachineDoesNotExist", ErrStateMachineNotFound, "states:DescribeStateMachine"},
		{"AccessDeniedException", ErrAccessDenied, "states:StartExecution on the state machine ARN " + testMachine},
		{"ExecutionLimitExceeded", ErrExecutionLimitExceeded, "1,000,000"},
		{"InvalidExecutionInput", ErrInvalidInput, "json"},
		{"StateMachineDeleting", ErrStateMachineNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			w := newWireServer(t)
			w.handle("StartExecution", func(map[string]any) (int, any) { return apiError(tt.code, "message for "+tt.code) })
			p := w.provider(Config{})
			_, err := p.ExecutePipeline(context.Background(), Job{ID: testMachine, Type: TypeStandard}, nil)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("ExecutePipeline() error = %v, want %v", err, tt.kind)
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != tt.code || ae.ErrorMessage() != "message for "+tt.code {
				t.Errorf("errors.As(smithy.APIError) = %v, want code %s", ae, tt.code)
			}
			if !strings.Contains(err.Error(), tt.hint) {
				t.Errorf("error %q does not contain hint %q", err, tt.hint)
			}
		})
	}
	t.Run("ExecutionDoesNotExist", func(t *testing.T) {
		w := newWireServer(t)
		w.handle("DescribeExecution", func(map[string]any) (int, any) { return apiError("ExecutionDoesNotExist", "Execution Does Not Exist") })
		w.handle("StopExecution", func(map[string]any) (int, any) { return apiError("ExecutionDoesNotExist", "Execution Does Not Exist") })
		p := w.provider(Config{})
		if _, err := p.GetPipelineRunStatus(context.Background(), run, nil); !errors.Is(err, ErrRunNotFound) {
			t.Errorf("GetPipelineRunStatus() error = %v, want ErrRunNotFound", err)
		}
		if err := p.CancelPipelineRun(context.Background(), run); !errors.Is(err, ErrRunNotFound) {
			t.Errorf("CancelPipelineRun() error = %v, want ErrRunNotFound", err)
		}
	})
}

func TestWireThrottlingIsRetried(t *testing.T) {
	const run = "arn:aws:states:eu-west-1:123456789012:execution:orders:run-1"
	tests := []struct {
		name        string
		code        string
		throttles   int
		maxAttempts int
		wantErr     error
		wantCalls   int
	}{
		{"succeeds after throttles", "ThrottlingException", 3, 0, nil, 4},
		{"gives up", "ThrottlingException", 10, 3, ErrThrottled, 3},
		// The SDK's standard retryer does not know KMS throttling; Step Functions answers it for state machines
		// encrypted with a customer managed key.
		{"succeeds after KMS throttles", "KmsThrottlingException", 2, 0, nil, 3},
		{"gives up on KMS throttles", "KmsThrottlingException", 10, 3, ErrThrottled, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWireServer(t)
			var n int
			w.handle("DescribeExecution", func(map[string]any) (int, any) {
				n++
				if n <= tt.throttles {
					return apiError(tt.code, "Rate exceeded")
				}
				return 200, map[string]any{"executionArn": run, "stateMachineArn": testMachine, "status": "RUNNING", "startDate": epoch(t0)}
			})
			p := w.provider(Config{MaxAttempts: tt.maxAttempts})
			st, err := p.GetPipelineRunStatus(context.Background(), run, nil)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("GetPipelineRunStatus() = %+v, %v; want error %v", st, err, tt.wantErr)
			}
			if tt.wantErr == nil && (st.State != RunStateRunning || !st.StartedAt.Equal(t0)) {
				t.Errorf("GetPipelineRunStatus() = %+v, want Running since %v", st, t0)
			}
			if got := len(w.calls("DescribeExecution")); got != tt.wantCalls {
				t.Errorf("DescribeExecution attempts = %d, want %d", got, tt.wantCalls)
			}
		})
	}
}

func TestWireExpressStartSyncExecution(t *testing.T) {
	w := newWireServer(t)
	var runARN string
	w.handle("StartSyncExecution", func(body map[string]any) (int, any) {
		runARN = fmt.Sprintf("arn:aws:states:eu-west-1:123456789012:express:fast:%s:5c2a4f6e-1b7d-4e1c-9a4b-2f6d8e0c1a3b", body["name"])
		return 200, map[string]any{"executionArn": runARN, "stateMachineArn": testExpress, "name": body["name"],
			"status": "SUCCEEDED", "startDate": epoch(t0), "stopDate": epoch(t0.Add(time.Second)),
			"input": body["input"], "output": `{"result":{"rows":7}}`, "billingDetails": map[string]any{"billedDurationInMilliseconds": 100}}
	})
	w.handle("DescribeStateMachine", func(body map[string]any) (int, any) {
		return 200, map[string]any{"stateMachineArn": body["stateMachineArn"], "name": "fast", "type": "EXPRESS", "status": "ACTIVE",
			"definition": "{}", "roleArn": "arn:aws:iam::123456789012:role/r", "creationDate": epoch(t0)}
	})
	p := w.provider(Config{TraceHeader: "Root=1-5759e988-bd862e3fe1be46a994272793"})
	run, err := p.ExecutePipeline(context.Background(), Job{ID: testExpress}, standardParams)
	if err != nil {
		t.Fatalf("ExecutePipeline() error = %v", err)
	}
	calls := w.calls("StartSyncExecution")
	if len(calls) != 1 {
		t.Fatalf("StartSyncExecution calls = %d, want 1", len(calls))
	}
	u, _ := url.Parse(w.srv.URL)
	if calls[0].host != u.Host {
		t.Errorf("StartSyncExecution sent to host %q, want %q (no sync- prefix for a custom endpoint)", calls[0].host, u.Host)
	}
	if b := calls[0].body; b["input"] != `{"count":3}` || b["stateMachineArn"] != testExpress || b["traceHeader"] != "Root=1-5759e988-bd862e3fe1be46a994272793" {
		t.Errorf("StartSyncExecution body = %v", b)
	}
	if run.RunID != runARN || run.Status == nil || run.Status.State != RunStateSuccess || run.Status.Parameters[1].Value != `{"rows":7}` {
		t.Errorf("ExecutePipeline() = %+v (status %+v)", run, run.Status)
	}
	if !run.Status.StoppedAt.Equal(t0.Add(time.Second)) {
		t.Errorf("StoppedAt = %v, want %v", run.Status.StoppedAt, t0.Add(time.Second))
	}
}

func TestWireIdempotentStartAdopts(t *testing.T) {
	w := newWireServer(t)
	w.handle("StartExecution", func(body map[string]any) (int, any) {
		return apiError("ExecutionAlreadyExists", "Execution Already Exists: '"+fmt.Sprint(body["name"])+"'")
	})
	w.handle("DescribeExecution", func(body map[string]any) (int, any) {
		return 200, map[string]any{"executionArn": body["executionArn"], "stateMachineArn": testMachine, "status": "SUCCEEDED",
			"startDate": epoch(t0), "stopDate": epoch(t0.Add(time.Minute)), "input": `{"count": 3}`, "output": "{}"}
	})
	p := w.provider(Config{})
	run, err := p.ExecutePipeline(context.Background(), Job{ID: testMachine + ":7", Type: TypeStandard}, standardParams, WithIdempotencyKey("retry-me"))
	if err != nil {
		t.Fatalf("ExecutePipeline() error = %v", err)
	}
	want := "arn:aws:states:eu-west-1:123456789012:execution:orders:" + idempotentName(testMachine, "retry-me")
	if run.RunID != want || !run.StartedAt.Equal(t0) {
		t.Errorf("ExecutePipeline() = %+v, want adopted run %s started %v", run, want, t0)
	}
	if got := w.calls("DescribeExecution")[0].body["executionArn"]; got != want {
		t.Errorf("DescribeExecution(%v), want %s", got, want)
	}
	_, err = p.ExecutePipeline(context.Background(), Job{ID: testMachine, Type: TypeStandard}, []Parameter{in("count", DataTypeNumber, "4")}, WithIdempotencyKey("retry-me"))
	if !errors.Is(err, ErrIdempotencyConflict) {
		t.Errorf("ExecutePipeline(different input) error = %v, want ErrIdempotencyConflict", err)
	}
}

// nilSource is an auth.Source whose methods need a non-nil receiver.
type nilSource struct{ roleARN string }

func (s *nilSource) Credentials(context.Context, aws.Config) (aws.CredentialsProvider, error) {
	return nil, errors.New("role " + s.roleARN)
}
func (s *nilSource) String() string { return "nilSource(" + s.roleARN + ")" }

func TestNewValidation(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"endpoint with password", Config{Region: "eu-west-1", Endpoint: "http://admin:s3cr3t-PASS@127.0.0.1:8083"}, "Config.Endpoint must not carry user information"},
		{"bad endpoint with password", Config{Region: "eu-west-1", Endpoint: "ftp://admin:s3cr3t-PASS@127.0.0.1"}, "Config.Endpoint"},
		{"unparsable endpoint with password", Config{Region: "eu-west-1", Endpoint: "http://admin:s3cr3t-PASS@127.0.0.1:port"}, "Config.Endpoint is not a URL"},
		{"no region", Config{}, "Config.Region is required"},
		{"bad region", Config{Region: "Europe"}, `Config.Region "Europe"`},
		{"bad endpoint", Config{Region: "eu-west-1", Endpoint: "127.0.0.1:8083"}, "Config.Endpoint"},
		{"logs endpoint with password", Config{Region: "eu-west-1", LogsEndpoint: "http://admin:s3cr3t-PASS@127.0.0.1:8083"}, "Config.LogsEndpoint must not carry user information"},
		{"bad logs endpoint", Config{Region: "eu-west-1", LogsEndpoint: "127.0.0.1:8083"}, "Config.LogsEndpoint"},
		{"unknown Express mode", Config{Region: "eu-west-1", ExpressMode: 7}, "Config.ExpressMode 7"},
		{"bad trace header", Config{Region: "eu-west-1", TraceHeader: "a\nb"}, "Config.TraceHeader"},
		{"unknown rate limit", Config{Region: "eu-west-1", RateLimits: map[string]RateLimit{"ListActivities": {}}}, `unknown API "ListActivities"`},
		{"negative attempts", Config{Region: "eu-west-1", MaxAttempts: -1}, "MaxAttempts"},
		{"negative attempt timeout", Config{Region: "eu-west-1", AttemptTimeout: -time.Second}, "Config.AttemptTimeout -1s is negative"},
		{"negative Express bytes", Config{Region: "eu-west-1", ExpressResultBytes: -1}, "Config.ExpressResultBytes -1 is negative"},
		{"negative log delivery allowance", Config{Region: "eu-west-1", LogDeliveryAllowance: -time.Second}, "Config.LogDeliveryAllowance -1s is negative"},
		{"nil pointer credentials", Config{Region: "eu-west-1", Credentials: (*nilSource)(nil)}, "Config.Credentials is a nil *stepfunctions.nilSource"},
		{"nil pointer HTTP client", Config{Region: "eu-west-1", HTTPClient: (*http.Client)(nil)}, "Config.HTTPClient is a nil *http.Client"},
		{"HTTP client timeout shorter than an Express run", Config{Region: "eu-west-1", HTTPClient: &http.Client{Timeout: 30 * time.Second}},
			"Config.HTTPClient has a Timeout of 30s, shorter than a StartSyncExecution call may take"},
		{"response header timeout shorter than an Express run", Config{Region: "eu-west-1",
			HTTPClient: &http.Client{Timeout: time.Hour, Transport: &http.Transport{ResponseHeaderTimeout: time.Minute}}},
			"Config.HTTPClient has a transport's ResponseHeaderTimeout of 1m0s"},
		{"SDK client timeout shorter than an Express run", Config{Region: "eu-west-1", HTTPClient: awshttp.NewBuildableClient().WithTimeout(5 * time.Minute)},
			"Config.HTTPClient has a Timeout of 5m0s"},
		{"SDK read timeout shorter than an Express run", Config{Region: "eu-west-1", HTTPClient: awshttp.NewBuildableClient().WithReadTimeout(2 * time.Minute)},
			"Config.HTTPClient has a read timeout of 2m0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(context.Background(), tt.cfg)
			if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New() error = %v, want ErrInvalidInput containing %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "s3cr3t-PASS") {
				t.Errorf("New() error = %v reveals the endpoint's password", err)
			}
		})
	}
}

func TestNewAcceptsHTTPClientsThatWaitForExpressRuns(t *testing.T) {
	t.Setenv("AWS_CA_BUNDLE", "") // the SDK adds a CA bundle to its own client only; these are plain ones
	for _, c := range []aws.HTTPClient{&http.Client{}, &http.Client{Timeout: 6 * time.Minute},
		awshttp.NewBuildableClient().WithTimeout(10 * time.Minute).WithReadTimeout(15 * time.Minute), doFunc(http.DefaultClient.Do)} {
		if _, err := New(context.Background(), Config{Region: "eu-west-1", HTTPClient: c,
			Credentials: auth.Static("AKIDEXAMPLE12345678", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")}); err != nil {
			t.Errorf("New(HTTPClient %T) error = %v", c, err)
		}
	}
}

// doFunc is an aws.HTTPClient made of a function, whose timeouts New cannot see.
type doFunc func(*http.Request) (*http.Response, error)

func (f doFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// An Express start whose answer is lost after the request went out is ErrOutcomeUnknown, and a start that Step
// Functions refused, or that never reached it, is not.
func TestWireStartSyncExecutionOutcomeUnknown(t *testing.T) {
	tests := []struct {
		name    string
		answer  func() (int, any)
		client  aws.HTTPClient
		ctx     time.Duration // a deadline for the call, or 0
		closed  bool          // the endpoint accepts no connection
		unknown bool
		kind    error // the kind when the outcome is known
	}{
		{"server error", func() (int, any) {
			return http.StatusInternalServerError, map[string]string{"__type": "InternalFailure", "message": "boom"}
		}, nil, 0, false, true, nil},
		{"answer after the HTTP client's timeout", slowAnswer, doFunc((&http.Client{Timeout: 50 * time.Millisecond}).Do), 0, false, true, nil},
		{"answer after the caller's deadline", slowAnswer, nil, 50 * time.Millisecond, false, true, nil},
		{"refused", func() (int, any) { return apiError("StateMachineDoesNotExist", "State Machine Does Not Exist") }, nil, 0, false, false, ErrStateMachineNotFound},
		{"throttled on every attempt", func() (int, any) { return apiError("ThrottlingException", "Rate exceeded") }, nil, 0, false, false, ErrThrottled},
		{"endpoint unreachable", nil, nil, 0, true, false, nil},
	}
	t.Setenv("AWS_CA_BUNDLE", "") // the SDK adds a CA bundle to its own client only; one case has its own
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWireServer(t)
			w.handle("StartSyncExecution", func(map[string]any) (int, any) { return tt.answer() })
			w.handle("DescribeStateMachine", unloggedExpress) // the logs cannot tell whether it ran
			p := w.provider(Config{HTTPClient: tt.client, MaxAttempts: 2})
			if tt.closed {
				w.srv.Close()
			}
			ctx := context.Background()
			if tt.ctx > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctx)
				defer cancel()
			}
			job := Job{ID: testExpress, Type: TypeExpress}
			_, err := p.ExecutePipeline(ctx, job, standardParams, WithIdempotencyKey("order-7"))
			if got := errors.Is(err, ErrOutcomeUnknown); got != tt.unknown {
				t.Fatalf("ExecutePipeline() error = %v; ErrOutcomeUnknown: %v, want %v", err, got, tt.unknown)
			}
			if !tt.unknown {
				if tt.kind != nil && !errors.Is(err, tt.kind) {
					t.Errorf("ExecutePipeline() error = %v, want %v", err, tt.kind)
				}
				return
			}
			if !strings.Contains(err.Error(), "may have run") || IsRetryable(err) {
				t.Errorf("ExecutePipeline() error = %v (retryable %v), want one that says the execution may have run and is not retryable", err, IsRetryable(err))
			}
			if tt.ctx > 0 && !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("ExecutePipeline() error = %v, want it to match context.DeadlineExceeded too", err)
			}
			// The same key again does not run the execution a second time.
			_, err = p.ExecutePipeline(context.Background(), job, standardParams, WithIdempotencyKey("order-7"))
			if !errors.Is(err, ErrOutcomeUnknown) || !strings.Contains(err.Error(), "new idempotency key") {
				t.Errorf("ExecutePipeline() again error = %v, want ErrOutcomeUnknown naming a new idempotency key", err)
			}
			if got := len(w.calls("StartSyncExecution")); got != 1 {
				t.Errorf("StartSyncExecution calls = %d, want 1", got)
			}
		})
	}
}

// unloggedExpress answers DescribeStateMachine for testExpress, which does not log to CloudWatch Logs.
func unloggedExpress(map[string]any) (int, any) {
	return 200, map[string]any{"stateMachineArn": testExpress, "name": "fast", "type": "EXPRESS", "status": "ACTIVE",
		"definition": "{}", "roleArn": "arn:aws:iam::123456789012:role/r", "creationDate": epoch(t0)}
}

// slowAnswer answers a StartSyncExecution after the clients of TestWireStartSyncExecutionOutcomeUnknown gave up.
func slowAnswer() (int, any) {
	time.Sleep(300 * time.Millisecond)
	return 200, map[string]any{"executionArn": "arn:aws:states:eu-west-1:123456789012:express:fast:x:5c2a4f6e-1b7d-4e1c-9a4b-2f6d8e0c1a3b",
		"status": "SUCCEEDED", "startDate": epoch(t0), "stopDate": epoch(t0), "output": "{}"}
}

func TestWireStartSyncExecutionRetriesOnlyThrottles(t *testing.T) {
	tests := []struct {
		name      string
		fail      func() (int, any)
		wantCalls int
	}{
		{"server error is not retried", func() (int, any) {
			return http.StatusInternalServerError, map[string]string{"__type": "InternalFailure", "message": "boom"}
		}, 1},
		{"throttle is retried", func() (int, any) { return apiError("ThrottlingException", "Rate exceeded") }, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWireServer(t)
			n := 0
			w.handle("StartSyncExecution", func(body map[string]any) (int, any) {
				n++
				if n == 1 {
					return tt.fail()
				}
				return 200, map[string]any{"executionArn": "arn:aws:states:eu-west-1:123456789012:express:fast:x:5c2a4f6e-1b7d-4e1c-9a4b-2f6d8e0c1a3b",
					"status": "SUCCEEDED", "startDate": epoch(t0), "stopDate": epoch(t0), "output": "{}"}
			})
			w.handle("DescribeStateMachine", unloggedExpress)
			p := w.provider(Config{})
			_, _ = p.ExecutePipeline(context.Background(), Job{ID: testExpress, Type: TypeExpress}, nil)
			if got := len(w.calls("StartSyncExecution")); got != tt.wantCalls {
				t.Errorf("StartSyncExecution attempts = %d, want %d", got, tt.wantCalls)
			}
		})
	}
}

// failingSource is an auth.Source whose credentials fail with an STS API error, as a web identity exchange does
// when STS rejects the token.
type failingSource struct{ code string }

func (s failingSource) Credentials(context.Context, aws.Config) (aws.CredentialsProvider, error) {
	return aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRoleWithWebIdentity",
			Err: &smithy.GenericAPIError{Code: s.code, Message: "rejected by test"}}
	})), nil
}

func (s failingSource) String() string { return "failing test source" }

func TestWireCredentialErrors(t *testing.T) {
	tests := []struct {
		name     string
		source   auth.Source
		respond  func(map[string]any) (int, any)
		kind     error
		hint     string
		wantCall bool
	}{
		{"invalid identity token", failingSource{"InvalidIdentityToken"}, nil, ErrInvalidIdentityToken, "sts.amazonaws.com", false},
		{"rejected claim", failingSource{"IDPRejectedClaim"}, nil, ErrInvalidIdentityToken, "trust policy", false},
		{"STS region disabled", failingSource{"RegionDisabledException"}, nil, ErrCredentials, "STS is not activated for the account", false},
		{"STS throttling", failingSource{"Throttling"}, nil, ErrThrottled, "STS kept throttling the requests for the credentials", false},
		{"unrecognized client", nil, func(map[string]any) (int, any) {
			return apiError("UnrecognizedClientException", "The security token included in the request is invalid.")
		}, ErrCredentials, "access key", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWireServer(t)
			if tt.respond != nil {
				w.handle("ListStateMachines", tt.respond)
			}
			cfg := Config{Region: "eu-west-1", Endpoint: w.srv.URL, MaxBackoff: time.Millisecond, RateLimits: unlimited(),
				Credentials: auth.Static("AKIDEXAMPLE12345678", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")}
			if tt.source != nil {
				cfg.Credentials = tt.source
			}
			p, err := New(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.ListJobs(context.Background())
			if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.hint) {
				t.Fatalf("ListJobs() error = %v, want %v with hint containing %q", err, tt.kind, tt.hint)
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) {
				t.Errorf("errors.As(smithy.APIError) failed for %v", err)
			}
			if got := len(w.calls("ListStateMachines")) > 0; got != tt.wantCall {
				t.Errorf("request reached the server = %v, want %v", got, tt.wantCall)
			}
			if strings.Contains(err.Error(), "wJalrXUtnFEMI") {
				t.Errorf("error reveals the secret key: %v", err)
			}
		})
	}
}

func TestWireEndpointFromEnvironment(t *testing.T) {
	w := newWireServer(t)
	w.handle("StartSyncExecution", func(body map[string]any) (int, any) {
		return 200, map[string]any{"executionArn": "arn:aws:states:eu-west-1:123456789012:express:fast:x:5c2a4f6e-1b7d-4e1c-9a4b-2f6d8e0c1a3b",
			"status": "SUCCEEDED", "startDate": epoch(t0), "stopDate": epoch(t0), "output": "{}"}
	})
	t.Setenv("AWS_ENDPOINT_URL_SFN", w.srv.URL)
	p, err := New(context.Background(), Config{Region: "eu-west-1", RateLimits: unlimited(),
		Credentials: auth.Static("AKIDEXAMPLE12345678", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.ExecutePipeline(context.Background(), Job{ID: testExpress, Type: TypeExpress}, nil); err != nil {
		t.Fatalf("ExecutePipeline() through AWS_ENDPOINT_URL_SFN error = %v", err)
	}
	u, _ := url.Parse(w.srv.URL)
	if c := w.calls("StartSyncExecution"); len(c) != 1 || c[0].host != u.Host {
		t.Errorf("StartSyncExecution calls = %+v, want one to %s", c, u.Host)
	}
}

// A Standard start named Polysync-<UUIDv7> whose request may have been processed (a server error, a lost answer)
// and whose run cannot be found is ErrOutcomeUnknown naming that run, not a retryable error whose repetition would
// start a second run under a new name; a start that was refused or never sent, or whose name repeats (an
// idempotency key), stays retryable.
func TestWireStandardStartOutcomeUnknown(t *testing.T) {
	serverError := func(map[string]any) (int, any) {
		return http.StatusInternalServerError, map[string]string{"__type": "InternalFailure", "message": "boom"}
	}
	tests := []struct {
		name    string
		start   func(map[string]any) (int, any)
		closed  bool // the endpoint accepts no connection
		opts    []ExecuteOption
		unknown bool
	}{
		{"server error", serverError, false, nil, true},
		{"server error with an idempotency key", serverError, false, []ExecuteOption{WithIdempotencyKey("k")}, false},
		{"server error with a chosen name", serverError, false, []ExecuteOption{WithName("nightly-7")}, false},
		{"throttled on every attempt", func(map[string]any) (int, any) { return apiError("ThrottlingException", "Rate exceeded") }, false, nil, false},
		{"endpoint unreachable", nil, true, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWireServer(t)
			w.handle("StartExecution", tt.start)
			w.handle("DescribeExecution", func(body map[string]any) (int, any) {
				return apiError("ExecutionDoesNotExist", "Execution Does Not Exist: '"+fmt.Sprint(body["executionArn"])+"'")
			})
			p := w.provider(Config{MaxAttempts: 2})
			if tt.closed {
				w.srv.Close()
			}
			_, err := p.ExecutePipeline(context.Background(), Job{ID: testMachine, Type: TypeStandard}, standardParams, tt.opts...)
			if err == nil {
				t.Fatal("ExecutePipeline() error = nil, want an error")
			}
			if got := errors.Is(err, ErrOutcomeUnknown); got != tt.unknown {
				t.Fatalf("ExecutePipeline() error = %v; ErrOutcomeUnknown: %v, want %v", err, got, tt.unknown)
			}
			if IsRetryable(err) == tt.unknown {
				t.Errorf("ExecutePipeline() error = %v, retryable %v; want %v", err, IsRetryable(err), !tt.unknown)
			}
			if !tt.unknown {
				return
			}
			starts := w.calls("StartExecution")
			runID := "arn:aws:states:eu-west-1:123456789012:execution:orders:" + fmt.Sprint(starts[len(starts)-1].body["name"])
			var e *Error
			if !errors.As(err, &e) || e.Resource != runID || !strings.Contains(err.Error(), "GetPipelineRunStatus") {
				t.Errorf("ExecutePipeline() error = %v, want it to name the run %s and how to check it", err, runID)
			}
			if got := w.calls("DescribeExecution"); len(got) != 1 || got[0].body["executionArn"] != runID {
				t.Errorf("DescribeExecution calls = %+v, want one for %s", got, runID)
			}
		})
	}
}
