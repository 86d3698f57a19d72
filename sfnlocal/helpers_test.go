package sfnlocal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/polysync/stepfunctions/internal/asl"
	"github.com/polysync/stepfunctions/internal/sdkhttp"
	"github.com/polysync/stepfunctions/sfnlocal/sfnlocaltest"
)

const testRole = "arn:aws:iam::123456789012:role/test"

// newClient returns a real SDK client for endpoint that never retries.
func newClient(endpoint, accessKey string) *sfn.Client {
	return sfn.New(sfn.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider(accessKey, "not-a-secret", ""),
		RetryMaxAttempts: 1,
		APIOptions:       []func(*middleware.Stack) error{sdkhttp.DisableHostPrefix}, // StartSyncExecution stays on 127.0.0.1
		HTTPClient:       sfnlocaltest.HTTPClient(),                                  // reads large responses reliably
	})
}

// startServer starts a Server on loopback and returns it with a client.
func startServer(t testing.TB, opts ...Option) (*Server, *sfn.Client) {
	t.Helper()
	srv := New(opts...)
	endpoint, err := srv.Listen("")
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return srv, newClient(endpoint, "AKIDTEST")
}

// errAs reports whether err is (or wraps) the SDK's typed error T.
func errAs[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

// errWith reports whether err is (or wraps) the SDK's typed error T whose
// message contains part.
func errWith[T interface {
	error
	ErrorMessage() string
}](err error, part string) bool {
	var target T
	return errors.As(err, &target) && strings.Contains(target.ErrorMessage(), part)
}

// errorCode returns the API error code of err ("" if none).
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// errorMessage returns the API error message of err ("" if none).
func errorMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return ""
}

// isAPIError reports whether err is an API error with code whose message
// contains part.
func isAPIError(err error, code, part string) bool {
	return errorCode(err) == code && strings.Contains(errorMessage(err), part)
}

// assertAPIError asserts that err is the API error code with a message
// containing contains.
func assertAPIError(t *testing.T, err error, code, contains string) {
	t.Helper()
	if !isAPIError(err, code, contains) {
		t.Fatalf("err = %v, want %s mentioning %q", err, code, contains)
	}
}

// apiCode returns the error code of an API error, the text of another
// error, "" for nil.
func apiCode(err error) string {
	if err == nil || errAs[smithy.APIError](err) {
		return errorCode(err)
	}
	return err.Error()
}

// errOf returns the error of a call whose answer the test does not need,
// so that an error case's call is one expression:
// func() error { return errOf(c.DescribeMapRun(ctx, in)) }.
func errOf[Out any](_ Out, err error) error { return err }

// errorCase is an API call and the error code it must fail with ("" when it
// must succeed).
type errorCase struct {
	name string
	call func() error
	want string
}

// checkErrorCodes makes each case's call, in order, and checks its error
// code (apiCode).
func checkErrorCodes(t *testing.T, cases []errorCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			if got := apiCode(tt.call()); got != tt.want {
				t.Errorf("%s: error %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

// testStart is where the tests' ManualClocks start.
var testStart = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fakeDefinition is the definition language of fakeCompiler, which stands in
// for the ASL interpreter in tests of the server itself:
//
//	{"Fake":"echo"}                      succeed with the input as output
//	{"Fake":"fail","Error":"E","Cause":"C"}  fail (a redrive then succeeds)
//	{"Fake":"block"}                     run until cancelled
//	{"Fake":"task","Resource":"arn"}     call the Invoker once
//	{"Fake":"sleep","Seconds":n}         wait n seconds on the clock
type fakeDefinition struct {
	Fake     string
	Error    string
	Cause    string
	Resource string
	Seconds  int
}

type fakeProgram struct{ def fakeDefinition }

func fakeCompiler(definition string) (program, error) {
	var d fakeDefinition
	if err := json.Unmarshal([]byte(definition), &d); err != nil {
		return nil, fmt.Errorf("fake definition is not JSON: %w", err)
	}
	switch d.Fake {
	case "echo", "fail", "block", "task", "sleep":
		return fakeProgram{d}, nil
	}
	return nil, fmt.Errorf("unknown fake program %q", d.Fake)
}

func (fakeProgram) TimeoutSeconds() int { return 0 }

func (fakeProgram) Tasks() []asl.TaskRef { return nil }

func (p fakeProgram) Run(ctx context.Context, input json.RawMessage, opts asl.Options) asl.Result {
	prev := opts.PreviousEventID
	emit := func(typ, key string, details map[string]any) {
		if opts.Emit != nil {
			prev = opts.Emit(asl.Event{Type: typ, PreviousEventID: prev, Timestamp: opts.Clock.Now(), DetailsKey: key, Details: details})
		}
	}
	state := "Only"
	if opts.ResumeFrom != nil {
		state, input = opts.ResumeFrom.State, opts.ResumeFrom.Input
	}
	emit("PassStateEntered", "stateEnteredEventDetails", map[string]any{"name": state, "input": string(input)})
	checkpoint := &asl.Checkpoint{State: state, Input: input}
	aborted := asl.Result{Status: asl.StatusAborted, Resume: checkpoint}
	var timeout <-chan time.Time
	if opts.Timeout > 0 {
		timeout = opts.Clock.After(opts.Timeout)
	}
	switch p.def.Fake {
	case "fail":
		if opts.ResumeFrom == nil {
			return asl.Result{Status: asl.StatusFailed, Error: p.def.Error, Cause: p.def.Cause, Resume: checkpoint}
		}
	case "block", "sleep":
		var wake <-chan time.Time // never, for block
		if p.def.Fake == "sleep" {
			wake = opts.Clock.After(time.Duration(p.def.Seconds) * time.Second)
		}
		select {
		case <-ctx.Done():
			return aborted
		case <-timeout:
			return asl.Result{Status: asl.StatusTimedOut, Error: "States.Timeout", Resume: checkpoint}
		case <-wake:
		}
	case "task":
		out, err := opts.Invoke(ctx, p.def.Resource, input)
		if ctx.Err() != nil {
			return aborted
		}
		if err != nil {
			name, cause := "States.TaskFailed", err.Error()
			var en asl.ErrorNamer
			if errors.As(err, &en) {
				name, cause = en.ASLError()
			}
			return asl.Result{Status: asl.StatusFailed, Error: name, Cause: cause, Resume: checkpoint}
		}
		input = out
	}
	emit("PassStateExited", "stateExitedEventDetails", map[string]any{"name": state, "output": string(input)})
	return asl.Result{Status: asl.StatusSucceeded, Output: input}
}

// fakeDef returns a fake definition string.
func fakeDef(d fakeDefinition) string {
	b, _ := json.Marshal(d)
	return string(b)
}

// hangGuard is how long a test waits for the server's goroutines before it
// fails as hung. It guards against hanging, not against slowness: under
// -race, on two cores shared with other packages' tests, work that takes a
// second alone (a 25,000-event runaway execution) took over 9 s, so the
// guard is far above any run that is merely slow; a real hang still fails
// well within go test's 10-minute timeout, naming what it waited for.
const hangGuard = 2 * time.Minute

// waitFor polls cond (a condition on server state reached by goroutines)
// until it holds, failing the test after hangGuard. The interval between
// polls grows from 1 ms to 20 ms, so that a long wait does not take the CPU
// from the goroutines it waits for.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(hangGuard)
	for pause := time.Millisecond; !cond(); pause = min(2*pause, 20*time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", hangGuard, what)
		}
		time.Sleep(pause)
	}
}

// waitEnded blocks until the goroutine running the execution arn (its
// latest run, after a redrive) has returned, with no polling: it waits on
// the channel the server closes then. It fails the test if the server has
// no such execution or after hangGuard.
func waitEnded(t testing.TB, srv *Server, arn string) {
	t.Helper()
	srv.mu.Lock()
	var done chan struct{}
	if ex := srv.execs[arn]; ex != nil {
		done = ex.done
	}
	srv.mu.Unlock()
	if done == nil {
		t.Fatalf("no running or finished execution %s", arn)
	}
	select {
	case <-done:
	case <-time.After(hangGuard):
		t.Fatalf("timed out after %v waiting for execution %s to end", hangGuard, arn)
	}
}
