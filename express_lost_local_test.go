package stepfunctions_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/expressstore"
	"github.com/polysync/stepfunctions/internal/testkit"
	"github.com/polysync/stepfunctions/sfnlocal"
)

// Delivery of sfnlocal's log events in these tests, and the allowance the Providers give it.
const (
	lostLogDelay     = 150 * time.Millisecond
	lostLogAllowance = 750 * time.Millisecond
)

// lostStartEnv serves sfnlocal with faults and a log delivery delay, and creates an Express state machine logging
// at level (none when empty) whose task answers {"total":42}.
func lostStartEnv(t *testing.T, level types.LogLevel, faults ...sfnlocal.Fault) (*localEnv, stepfunctions.Job, *taskLog) {
	t.Helper()
	opts := []sfnlocal.Option{sfnlocal.WithLogDeliveryDelay(lostLogDelay)}
	for _, f := range faults {
		opts = append(opts, sfnlocal.WithFault(f))
	}
	e := newLocalEnv(t, opts...)
	tasks := e.registerTasks(`{"total":42}`, nil)
	arn := e.create(machineSpec{name: "invoices", typ: types.StateMachineTypeExpress, logging: level})
	return e, stepfunctions.Job{ID: arn, Type: stepfunctions.TypeExpress}, tasks
}

// lostStartProvider is a Provider reading the env's logs with a short delivery allowance.
func (e *localEnv) lostStartProvider(cfg stepfunctions.Config) *stepfunctions.Provider {
	cfg.LogsEndpoint, cfg.LogDeliveryAllowance = e.url, lostLogAllowance
	return e.provider(cfg)
}

var lostParams = []stepfunctions.Parameter{
	{Name: "invoice", Value: "I-7"},
	{Name: "total", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeNumber},
}

// executeInvoice executes job with lostParams under the idempotency key of every test here.
func executeInvoice(ctx context.Context, p *stepfunctions.Provider, job stepfunctions.Job) (stepfunctions.PipelineRun, error) {
	return p.ExecutePipeline(ctx, job, lostParams, stepfunctions.WithIdempotencyKey("invoice-I-7"))
}

// Each fault sfnlocal injects into StartSyncExecution, against a state machine logging at level ALL: a dropped
// connection (the execution ran) is found in the logs and returned as the run; a 500 or 503 (sfnlocal answers
// them before anything runs) leaves no ExecutionStarted in the logs, so the execution is started once more. Either
// way it ran once, the host gets its result, and the key is bound to it.
func TestLocalExpressLostStartResolvedFromLogs(t *testing.T) {
	tests := []struct {
		name      string
		fault     sfnlocal.Fault
		wantCalls int // StartSyncExecution calls
	}{
		{"connection dropped after it ran", sfnlocal.Fault{DropConnection: true}, 1},
		{"500 before it ran", sfnlocal.Fault{Code: "InternalFailure"}, 2},
		{"503 before it ran", sfnlocal.Fault{Code: "ServiceUnavailable", Status: 503}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fault.Operation, tt.fault.Call = "StartSyncExecution", 1
			e, job, tasks := lostStartEnv(t, types.LogLevelAll, tt.fault)
			p := e.lostStartProvider(stepfunctions.Config{})
			ctx := context.Background()
			run, err := executeInvoice(ctx, p, job)
			if err != nil || run.Status == nil || run.Status.State != stepfunctions.RunStateSuccess ||
				paramValues(run.Status.Parameters)["total"] != "42" {
				t.Fatalf("ExecutePipeline() = %+v, %v; want Success with total 42", run, err)
			}
			if ran, calls := len(tasks.all()), e.calls("StartSyncExecution"); ran != 1 || calls != tt.wantCalls {
				t.Errorf("the task ran %d times with %d StartSyncExecution calls, want 1 and %d", ran, calls, tt.wantCalls)
			}
			again, err := executeInvoice(ctx, p, job)
			if err != nil || again.RunID != run.RunID || e.calls("StartSyncExecution") != tt.wantCalls {
				t.Errorf("ExecutePipeline(same key) = %+v, %v; want run %s without a new start", again, err, run.RunID)
			}
			st, err := p.GetPipelineRunStatus(ctx, run.RunID, lostParams)
			if err != nil || st.State != stepfunctions.RunStateSuccess || paramValues(st.Parameters)["total"] != "42" {
				t.Errorf("GetPipelineRunStatus() = %+v, %v; want Success with total 42", st, err)
			}
		})
	}
}

// Without logs that can tell, each fault stays ErrOutcomeUnknown (a 5xx too: what Step Functions guarantees for it
// is not documented), its hint saying what happened and why the logs could not tell, and the key is spent.
func TestLocalExpressLostStartWithoutLogs(t *testing.T) {
	tests := []struct {
		name  string
		level types.LogLevel
		fault sfnlocal.Fault
		want  []string // in the error
	}{
		{"dropped, logs off", "", sfnlocal.Fault{DropConnection: true}, []string{"its answer was lost", "level OFF"}},
		{"500, logs off", "", sfnlocal.Fault{Code: "InternalFailure"}, []string{"answered HTTP 500", "is not documented", "level OFF"}},
		{"503, level ERROR", types.LogLevelError, sfnlocal.Fault{Code: "ServiceUnavailable", Status: 503},
			[]string{"answered HTTP 503", "level ERROR, not ALL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fault.Operation, tt.fault.Call = "StartSyncExecution", 1
			e, job, _ := lostStartEnv(t, tt.level, tt.fault)
			p := e.lostStartProvider(stepfunctions.Config{})
			ctx := context.Background()
			_, err := executeInvoice(ctx, p, job)
			if !errors.Is(err, stepfunctions.ErrOutcomeUnknown) || stepfunctions.IsRetryable(err) {
				t.Fatalf("ExecutePipeline() error = %v; want ErrOutcomeUnknown, not retryable", err)
			}
			for _, s := range tt.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("ExecutePipeline() error = %v; want it to say %q", err, s)
				}
			}
			_, err = executeInvoice(ctx, p, job)
			if !errors.Is(err, stepfunctions.ErrOutcomeUnknown) || !strings.Contains(err.Error(), "new idempotency key") {
				t.Errorf("ExecutePipeline(same key) error = %v; want ErrOutcomeUnknown naming a new idempotency key", err)
			}
			if n := e.calls("StartSyncExecution"); n != 1 {
				t.Errorf("%d StartSyncExecution calls, want 1", n)
			}
			if n := e.calls("FilterLogEvents"); n != 0 {
				t.Errorf("%d FilterLogEvents calls for a state machine whose logs cannot tell, want 0", n)
			}
		})
	}
}

// A start that fails twice before running returns ErrNotStarted, which is retryable; the host's retry runs it once.
func TestLocalExpressLostStartNotStartedTwice(t *testing.T) {
	e, job, tasks := lostStartEnv(t, types.LogLevelAll,
		sfnlocal.Fault{Operation: "StartSyncExecution", Call: 1, Code: "InternalFailure"},
		sfnlocal.Fault{Operation: "StartSyncExecution", Call: 2, Code: "ServiceUnavailable", Status: 503})
	p := e.lostStartProvider(stepfunctions.Config{})
	ctx := context.Background()
	_, err := executeInvoice(ctx, p, job)
	if !errors.Is(err, stepfunctions.ErrNotStarted) || errors.Is(err, stepfunctions.ErrOutcomeUnknown) ||
		!stepfunctions.IsRetryable(err) || !strings.Contains(err.Error(), "did not run") {
		t.Fatalf("ExecutePipeline() error = %v; want ErrNotStarted, retryable, saying it did not run", err)
	}
	if ran := len(tasks.all()); ran != 0 {
		t.Fatalf("the task ran %d times, want 0", ran)
	}
	run, err := executeInvoice(ctx, p, job)
	if err != nil || run.Status == nil || run.Status.State != stepfunctions.RunStateSuccess {
		t.Fatalf("ExecutePipeline() again = %+v, %v; want Success", run, err)
	}
	if ran, calls := len(tasks.all()), e.calls("StartSyncExecution"); ran != 1 || calls != 3 {
		t.Errorf("the task ran %d times with %d StartSyncExecution calls, want 1 and 3", ran, calls)
	}
}

// A caller whose ctx ends before the logs could tell gets ErrOutcomeUnknown and the key is spent; the next start
// with the key asks the logs again, from the first start's time: it returns the run that did run, or starts the
// one that did not.
func TestLocalExpressLostStartSpentKeyAsksTheLogsAgain(t *testing.T) {
	tests := []struct {
		name      string
		fault     sfnlocal.Fault
		wantCalls int
	}{
		{"it ran", sfnlocal.Fault{DropConnection: true}, 1},
		{"it did not run", sfnlocal.Fault{Code: "InternalFailure"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fault.Operation, tt.fault.Call = "StartSyncExecution", 1
			e, job, tasks := lostStartEnv(t, types.LogLevelAll, tt.fault)
			// The caller gives up the moment the start's answer is lost, long before the logs can tell
			// (lostLogDelay); a fixed short timeout could end before the request was even sent on a loaded machine.
			short, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			p := e.lostStartProvider(stepfunctions.Config{Logger: slog.New(cancelOnLost{cancel})})
			_, err := executeInvoice(short, p, job)
			if !errors.Is(err, stepfunctions.ErrOutcomeUnknown) {
				t.Fatalf("ExecutePipeline(ctx ending before the logs can tell) error = %v; want ErrOutcomeUnknown", err)
			}
			run, err := executeInvoice(context.Background(), p, job)
			if err != nil || run.Status == nil || run.Status.State != stepfunctions.RunStateSuccess {
				t.Fatalf("ExecutePipeline(same key) = %+v, %v; want Success", run, err)
			}
			if ran, calls := len(tasks.all()), e.calls("StartSyncExecution"); ran != 1 || calls != tt.wantCalls {
				t.Errorf("the task ran %d times with %d StartSyncExecution calls, want 1 and %d", ran, calls, tt.wantCalls)
			}
		})
	}
}

// cancelOnLost is a slog.Handler that calls cancel when the Provider logs that it lost the answer of an Express
// start.
type cancelOnLost struct{ cancel context.CancelFunc }

func (h cancelOnLost) Enabled(context.Context, slog.Level) bool { return true }

func (h cancelOnLost) Handle(_ context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, "lost the answer of ") {
		h.cancel()
	}
	return nil
}

func (h cancelOnLost) WithAttrs([]slog.Attr) slog.Handler { return h }

func (h cancelOnLost) WithGroup(string) slog.Handler { return h }

// With ExpressAsync, a StartExecution whose connection dropped after the run started is found in the logs and
// returned (as it is when found: here it has ended by then), and its key is bound to it.
func TestLocalExpressLostAsyncStartResolvedFromLogs(t *testing.T) {
	e, job, tasks := lostStartEnv(t, types.LogLevelAll,
		sfnlocal.Fault{Operation: "StartExecution", Call: 1, DropConnection: true})
	p := e.lostStartProvider(stepfunctions.Config{ExpressMode: stepfunctions.ExpressAsync})
	ctx := context.Background()
	run, err := executeInvoice(ctx, p, job)
	if err != nil || !strings.Contains(run.RunID, ":express:invoices:") {
		t.Fatalf("ExecutePipeline(async) = %+v, %v; want the Express run", run, err)
	}
	again, err := executeInvoice(ctx, p, job)
	if err != nil || again.RunID != run.RunID {
		t.Errorf("ExecutePipeline(same key) = %+v, %v; want run %s", again, err, run.RunID)
	}
	st, err := p.WaitPipelineRun(ctx, run.RunID, lostParams, stepfunctions.WithPollInterval(20*time.Millisecond))
	if err != nil || st.State != stepfunctions.RunStateSuccess || paramValues(st.Parameters)["total"] != "42" {
		t.Errorf("WaitPipelineRun() = %+v, %v; want Success with total 42", st, err)
	}
	if ran, calls := len(tasks.all()), e.calls("StartExecution"); ran != 1 || calls != 1 {
		t.Errorf("the task ran %d times with %d StartExecution calls, want 1 and 1", ran, calls)
	}
}

// shortClaims is a result store whose claims expire after ttl, whatever the Provider asks for.
type shortClaims struct {
	expressstore.Store
	ttl time.Duration
}

func (s shortClaims) Claim(ctx context.Context, c expressstore.Result, _ time.Duration) (expressstore.Result, bool, error) {
	return s.Store.Claim(ctx, c, s.ttl)
}

// A start waiting out the logs for a lost start that did not run may outlive its claim of the name; another
// replica's start of the key that took the name over meanwhile is the run, and the first does not start it again.
func TestLocalExpressLostStartOutlivesItsClaim(t *testing.T) {
	// Events are delivered late, so the first replica does not find the second's run in the logs either: it
	// concludes that its own start did not run.
	e := newLocalEnv(t, sfnlocal.WithLogDeliveryDelay(time.Hour),
		sfnlocal.WithFault(sfnlocal.Fault{Operation: "StartSyncExecution", Call: 1, Code: "InternalFailure"}))
	tasks := e.registerTasks(`{"total":42}`, nil)
	job := stepfunctions.Job{ID: e.create(machineSpec{name: "invoices", typ: types.StateMachineTypeExpress,
		logging: types.LogLevelAll}), Type: stepfunctions.TypeExpress}
	store := shortClaims{Store: expressstore.NewMemory(), ttl: lostLogAllowance / 4}
	first := e.lostStartProvider(stepfunctions.Config{ExpressResults: store})
	second := e.lostStartProvider(stepfunctions.Config{ExpressResults: store})
	ctx := context.Background()
	type result struct {
		run stepfunctions.PipelineRun
		err error
	}
	done := make(chan result)
	go func() {
		run, err := executeInvoice(ctx, first, job)
		done <- result{run, err}
	}()
	time.Sleep(lostLogAllowance / 2) // the first start failed, its claim expired, and the logs cannot tell yet
	run, err := executeInvoice(ctx, second, job)
	if err != nil || run.Status == nil || run.Status.State != stepfunctions.RunStateSuccess {
		t.Fatalf("ExecutePipeline() on the second replica = %+v, %v; want Success", run, err)
	}
	got := <-done
	if got.err != nil || got.run.RunID != run.RunID {
		t.Errorf("ExecutePipeline() on the first replica = %+v, %v; want the second's run %s", got.run, got.err, run.RunID)
	}
	if ran, calls := len(tasks.all()), e.calls("StartSyncExecution"); ran != 1 || calls != 2 {
		t.Errorf("the task ran %d times with %d StartSyncExecution calls, want 1 and 2", ran, calls)
	}
}

// failingStarts is an HTTP client that reports no connection events (as a host's own client may not) and fails
// every StartSyncExecution with err, passing the other calls on.
type failingStarts struct{ err error }

func (f failingStarts) Do(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".StartSyncExecution") {
		return nil, f.err
	}
	return http.DefaultClient.Do(r)
}

// With an HTTP client that reports no connection events, an Express start that failed to dial cannot have run: it
// is an ordinary error, and the key stays free; any other transport failure may have come after the request went
// out, so it is ErrOutcomeUnknown and the key is spent.
func TestLocalExpressStartFailingWithoutConnectionEvents(t *testing.T) {
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	for _, tt := range []struct {
		name       string
		err        error
		mayHaveRun bool
	}{
		{"dial failed", dial, false},
		{"no such host", &net.DNSError{Err: "no such host", Name: "states.example", IsNotFound: true}, false},
		{"connection reset while reading", &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			testkit.IsolateAWSEnv(t) // a CA bundle would refuse a client that is not an *http.Client
			e, job, _ := lostStartEnv(t, "")
			p := e.lostStartProvider(stepfunctions.Config{HTTPClient: failingStarts{tt.err}})
			ctx := context.Background()
			_, err := executeInvoice(ctx, p, job)
			if err == nil || errors.Is(err, stepfunctions.ErrOutcomeUnknown) != tt.mayHaveRun {
				t.Fatalf("ExecutePipeline() error = %v; want ErrOutcomeUnknown %v", err, tt.mayHaveRun)
			}
			_, err = executeInvoice(ctx, p, job)
			if spent := err != nil && strings.Contains(err.Error(), "new idempotency key"); spent != tt.mayHaveRun {
				t.Errorf("ExecutePipeline(same key) error = %v; want the key spent %v", err, tt.mayHaveRun)
			}
			if n := e.calls("StartSyncExecution"); n != 0 {
				t.Errorf("%d StartSyncExecution calls reached the endpoint, want 0", n)
			}
		})
	}
}
