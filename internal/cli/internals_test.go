package cli

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sfn "github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/internal/jsonsyntax"
)

func TestErrorLine(t *testing.T) {
	const run = "arn:aws:states:eu-west-1:111122223333:execution:orders:r1"
	notFound := &sfn.Error{Op: "GetPipelineRunStatus", API: "DescribeExecution", Kind: sfn.ErrRunNotFound, Resource: run, Hint: "check the ARN",
		Err: &smithy.OperationError{ServiceID: "SFN", OperationName: "DescribeExecution",
			Err: &smithy.GenericAPIError{Code: "ExecutionDoesNotExist", Message: "Execution Does Not Exist: '" + run + "'"}}}
	throttled := &sfn.Error{Op: "ListJobs", API: "ListStateMachines", Kind: sfn.ErrThrottled, Resource: "*", Hint: "lower the rate",
		Err: &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}}
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1},
		Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
	unreachable := &sfn.Error{Op: "ListJobs", API: "ListStateMachines", Resource: "*", Err: &smithy.OperationError{ServiceID: "SFN",
		OperationName: "ListStateMachines", Err: &retry.MaxAttemptsError{Attempt: 8,
			Err: &smithyhttp.RequestSendError{Err: fmt.Errorf("post: %w", dialErr)}}}}
	local := &sfn.Error{Op: "ExecutePipeline", Kind: sfn.ErrInvalidInput, Err: errors.New("job ID: not an ARN")}
	const source = "web-identity(role=notarn, token=file:tok)"
	badRole := &sfn.Error{Op: "New", Kind: sfn.ErrInvalidInput, Resource: source,
		Err: errors.New("credentials: auth: " + source + `: role ARN "notarn" is not an IAM role ARN`)}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"the resource is named once, the service's message left out when it only repeats it", notFound,
			"DescribeExecution " + run + ": run not found (hint: check the ARN)"},
		{"the service's message when it adds something", throttled, "ListStateMachines: throttled: Rate exceeded (hint: lower the rate)"},
		{"the network failure, not the SDK's chain", unreachable,
			"ListStateMachines: no answer after 8 attempts: dial tcp 127.0.0.1:1: connect: connection refused " +
				"(hint: Step Functions could not be reached: check --region, --endpoint (or AWS_ENDPOINT_URL_SFN) and the network or proxy)"},
		{"a check before any call", local, "ExecutePipeline: invalid input: job ID: not an ARN"},
		{"what the message says after naming the resource", badRole,
			"New " + source + `: invalid input: role ARN "notarn" is not an IAM role ARN`},
		{"not the provider's", errors.New("--limit 2000: too many"), "--limit 2000: too many"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &app{getenv: func(string) string { return "" }}
			line := a.errorLine(tt.err)
			assert.Equal(t, tt.want, line)
			assert.NotContains(t, line, "\n")
		})
	}
	assert.Equal(t, "stepfunctions: ExecutePipeline: invalid input: job ID: not an ARN", errorDetail(local, "ExecutePipeline: invalid input: job ID: not an ARN"), "-v shows the chain")
}

func TestVersionText(t *testing.T) {
	info := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "95d94ba58d9024cea34f0415a526df2ee5ce8261"}, {Key: "vcs.time", Value: "2026-12-01T05:00:00Z"},
		{Key: "vcs.modified", Value: "true"}}}
	assert.Equal(t, "v1.4.0 (commit 95d94ba58d9024cea34f0415a526df2ee5ce8261, 2026-12-01T05:00:00Z, modified), go1.26.8",
		versionText(info, true))
	assert.Equal(t, "(devel), go1.26.8", versionText(&debug.BuildInfo{GoVersion: "go1.26.8"}, true))
	assert.Equal(t, "unknown (no build information)", versionText(nil, false))
}

func TestProgressOnATerminalSpinsAndElsewhereIsQuiet(t *testing.T) {
	var tty bytes.Buffer
	p := &progress{w: &tty, tty: true, label: "orders", start: time.Unix(0, 0), nowFunc: func() time.Time { return time.Unix(2, 0) }}
	p.spin("Running")
	// The spinner redraws every 100ms on its own goroutine; wait until it has, however loaded the machine.
	redraws := func() int {
		p.mu.Lock()
		defer p.mu.Unlock()
		return strings.Count(tty.String(), "\r\033[K")
	}
	for deadline := time.Now().Add(10 * time.Second); redraws() < 3 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	assert.GreaterOrEqual(t, redraws(), 3, "the line is redrawn while waiting")
	p.done("Success")
	out := tty.String()
	assert.Contains(t, out, "orders  Running  2s")
	assert.True(t, strings.HasSuffix(out, "\r\033[Korders  Success  2s\n"), out)

	tty.Reset()
	p.spin("starting")
	p.erase()
	assert.True(t, strings.HasSuffix(tty.String(), "\r\033[K"), "erase leaves the line empty: %q", tty.String())

	var pipe bytes.Buffer
	q := newProgress(&pipe, "orders")
	q.spin("Running")
	q.set("Success")
	q.done("Success")
	assert.Empty(t, pipe.String(), "quiet when not on a terminal")

	var narrated bytes.Buffer
	n := newNarratedProgress(&narrated, "orders")
	n.spin("Running")
	n.set("Running")
	n.done("Success")
	assert.Regexp(t, `^orders: Running \(\S+\)\norders: Success \(\S+\)\n$`, narrated.String(), "the demo narrates each change")
}

func TestCallObserverCountsAndPassesOn(t *testing.T) {
	var ops []string
	var logged bytes.Buffer
	log := slog.New(callObserver{next: slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelInfo}),
		onCall: func(op string) { ops = append(ops, op) }})
	log.Debug(sfn.APICallMessage, "op", "DescribeStateMachine", "resource", "arn")
	log.With("k", "v").Debug(sfn.APICallMessage, "op", "ListStateMachines")
	log.WithGroup("sfn").Debug(sfn.APICallMessage, "op", "StartExecution")
	log.Info("discovered state machines")
	log.WithGroup("g").Info("grouped", "n", 1)
	assert.Equal(t, []string{"DescribeStateMachine", "ListStateMachines", "StartExecution"}, ops)
	assert.NotContains(t, logged.String(), "api call", "Debug records stay below the handler's level")
	assert.Contains(t, logged.String(), "discovered state machines")
	assert.Contains(t, logged.String(), "g.n=1", "a group reaches the next handler")
}

func TestObjectParams(t *testing.T) {
	params, err := objectParams([]byte(`{"b": {"x": [1, 2]}, "a": "s", "n": 1.50}`))
	require.NoError(t, err)
	assert.Equal(t, []sfn.Parameter{
		{Name: "b", Direction: sfn.DirectionInput, DataType: sfn.DataTypeJSON, Value: `{"x": [1, 2]}`},
		{Name: "a", Direction: sfn.DirectionInput, DataType: sfn.DataTypeJSON, Value: `"s"`},
		{Name: "n", Direction: sfn.DirectionInput, DataType: sfn.DataTypeJSON, Value: `1.50`},
	}, params, "in order, each value as written")
	input, err := sfn.BuildInput(params)
	require.NoError(t, err)
	assert.Equal(t, `{"b":{"x":[1,2]},"a":"s","n":1.50}`, input)

	for in, want := range map[string]string{
		`[1]`:                      "want a JSON object",
		`{"secret": "hunter2", x}`: "not JSON: syntax error at line 1, column 23 (byte 22)",
		`{"secret": "hunter2",, }`: "not JSON: syntax error at line 1, column 22 (byte 21)",
		"\n {\"a\": 1, bad}":       "not JSON: syntax error at line 2, column 11 (byte 11)",
		`{"a": 1} {"b": 2}`:        "more than one JSON value",
		`{"a": `:                   "not JSON",
		``:                         "not JSON: the JSON text ends before its value does",
	} {
		_, err := objectParams([]byte(in))
		if assert.Error(t, err, in) {
			assert.Contains(t, err.Error(), want, in)
			assert.NotContains(t, err.Error(), "hunter2")
		}
	}
}

// TestObjectParamsTooDeep: JSON nested deeper than encoding/json reads is
// valid JSON, and is reported as too deep, with the limit, not as a syntax
// error at a place where nothing is wrong.
func TestObjectParamsTooDeep(t *testing.T) {
	nested := func(levels int) string { return strings.Repeat("[", levels) + strings.Repeat("]", levels) }
	params, err := objectParams([]byte(`{"a": ` + nested(jsonsyntax.MaxDepth-1) + `}`))
	require.NoError(t, err, "the object and its value nest %d deep", jsonsyntax.MaxDepth)
	require.Len(t, params, 1)

	_, err = objectParams([]byte(`{"a": ` + nested(jsonsyntax.MaxDepth+1) + `}`))
	require.Error(t, err)
	assert.Equal(t, `property "a": nested more than 10000 arrays and objects deep at line 1, column 10006 (byte 10005)`, err.Error())
}

func TestMergeInput(t *testing.T) {
	fromFile := []sfn.Parameter{{Name: "total", Direction: sfn.DirectionInput, DataType: sfn.DataTypeJSON, Value: "1"}}
	merged, err := mergeInput(fromFile, []sfn.Parameter{{Name: "Total", Direction: sfn.DirectionOutput, DataType: "number"},
		{Name: "rush", Direction: sfn.DirectionInput, DataType: "boolean", Value: "true"}})
	require.NoError(t, err)
	assert.Equal(t, []sfn.Parameter{{Name: "total", Direction: sfn.DirectionInputOutput, DataType: sfn.DataTypeJSON, Value: "1"},
		{Name: "rush", Direction: sfn.DirectionInput, DataType: "boolean", Value: "true"}}, merged)
	_, err = mergeInput(fromFile, []sfn.Parameter{{Name: "TOTAL", Direction: sfn.DirectionInput, Value: "2"}})
	requireUsageError(t, err, `--param TOTAL: "total" is also a property of --input`)
}

func TestCarriedFlags(t *testing.T) {
	f := &app{getenv: func(string) string { return "" }}
	var opts awsOptions
	var outs []string
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	cmd.Flags().StringArrayVar(&outs, "out", nil, "")
	opts.register(cmd, f)
	require.NoError(t, cmd.ParseFlags([]string{"--endpoint", "http://127.0.0.1:8083", "--out", "total:number",
		"--out", "note's:string", "--external-id", "a b", "--json"}))
	assert.Equal(t, ` --endpoint http://127.0.0.1:8083 --external-id 'a b' --out total:number --out 'note'\''s:string' --json`,
		opts.carriedFlags("out", "json"))
	assert.Equal(t, ` --endpoint http://127.0.0.1:8083 --external-id 'a b'`, opts.carriedFlags())
}

func TestHistoryNamesTheStateThatFailed(t *testing.T) {
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	events := []sfn.HistoryEvent{
		{ID: 1, Type: "ExecutionStarted", Timestamp: at},
		{ID: 2, PreviousID: 1, Type: "TaskStateEntered", State: "Charge", Timestamp: at},
		{ID: 3, PreviousID: 2, Type: "TaskScheduled", Resource: "lambda:invoke", Timestamp: at},
		{ID: 4, PreviousID: 3, Type: "TaskFailed", Error: "Payment.Declined", Cause: "card expired", Timestamp: at},
		{ID: 5, PreviousID: 4, Type: "ExecutionFailed", Error: "Payment.Declined", Cause: "card expired", Timestamp: at},
	}
	var out bytes.Buffer
	h := &historyPrinter{w: &out, text: true, states: map[int64]string{}}
	h.add(events)
	assert.Regexp(t, `(?m)^  3\s+08:00:00.000\s+TaskScheduled\s+Charge\s+lambda:invoke$`, out.String(), "a task event belongs to its state")
	assert.Regexp(t, `(?m)^! 4\s+08:00:00.000\s+TaskFailed\s+Charge\s+Payment.Declined: card expired$`, out.String())
	failed := h.failure()
	assert.Equal(t, "Charge", failed.State)
	assert.Equal(t, "TaskFailed", failed.Type)
	assert.True(t, h.ended())

	// After a redrive, the earlier failure no longer counts; a cancel is named as such.
	h.add([]sfn.HistoryEvent{{ID: 6, PreviousID: 5, Type: "ExecutionRedriven", Timestamp: at},
		{ID: 7, PreviousID: 6, Type: "TaskStateEntered", State: "Charge", Timestamp: at},
		{ID: 8, PreviousID: 7, Type: "ExecutionAborted", Error: "PolysyncCancellation", Timestamp: at}})
	failed = h.failure()
	assert.Equal(t, "ExecutionAborted", failed.Type)
	assert.Equal(t, "Charge", failed.State)
	assert.Equal(t, "Cancelled", endVerb(failed.Type))
	assert.Equal(t, "Timed out", endVerb("ExecutionTimedOut"))
}

// TestTextOutputEscapesControlCharacters: an error or cause is whatever a
// task or a Fail state made of it (a Lambda function's exception message, a
// line of the input); printed as it is to a terminal, its escape sequences
// would set the window title, hide text or, with a carriage return,
// overwrite a line ("State Success"). Text output shows control characters
// escaped, one row per field; --json keeps them as they are.
func TestTextOutputEscapesControlCharacters(t *testing.T) {
	const hostile = "Err\x1b[2J\x1b]0;title\a\rState    Success\nline2\ttab\u009b31m"
	visible := func(t *testing.T, out string, rows int) {
		t.Helper()
		for _, r := range out {
			if r != '\n' && unicode.IsControl(r) {
				t.Errorf("output holds control character %U:\n%q", r, out)
				break
			}
		}
		assert.Equal(t, rows, strings.Count(out, "\n"), "rows of:\n%s", out)
		assert.Contains(t, out, `Err\x1b[2J\x1b]0;title\a\rState    Success\nline2\ttab\u009b31m`)
	}
	at := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	var out bytes.Buffer
	printStatus(&out, "", sfn.RunStatus{RunID: "r", State: sfn.RunStateFailed, Error: hostile, Cause: "c", StartedAt: at,
		Parameters: []sfn.Parameter{{Name: "o", Direction: sfn.DirectionOutput, DataType: "string", Value: hostile}}})
	visible(t, out.String(), 7) // Run, State, Started, Error, Cause, the heading of the output parameters, one of them
	out.Reset()
	h := &historyPrinter{w: &out, text: true, states: map[int64]string{}}
	h.add([]sfn.HistoryEvent{{ID: 1, Type: "ExecutionFailed", Error: hostile, Timestamp: at}})
	visible(t, out.String(), 1)
	out.Reset()
	printDescription(&out, sfn.JobDescription{Job: sfn.Job{Name: "m", Description: hostile}})
	assert.NotContains(t, out.String(), "\x1b")
}

// TestDefinitionTextEscapesControlCharacters: describe --definition prints
// the definition as Step Functions keeps it, and a JSON string may hold a
// C1 control character (U+009B, a terminal's CSI) or DEL as it is. The text
// output shows them as JSON escapes, so that it is still the same JSON; a
// definition that is not JSON is shown escaped as the rest of the text output.
func TestDefinitionTextEscapesControlCharacters(t *testing.T) {
	noControls := func(t *testing.T, out string) {
		t.Helper()
		for _, r := range out {
			if r != '\n' && unicode.IsControl(r) {
				t.Errorf("output holds control character %U:\n%q", r, out)
				break
			}
		}
	}
	const def = `{"Comment":"x` + "\u009b2J\u009d0;title\u009c\u0085\x7f" + `y","StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`
	var out bytes.Buffer
	printDescription(&out, sfn.JobDescription{Definition: def})
	noControls(t, out.String())
	_, shown, ok := strings.Cut(out.String(), "Definition:\n")
	require.True(t, ok, out.String())
	assert.JSONEq(t, def, shown, "the definition shown is the same JSON")
	assert.Contains(t, shown, `"Comment": "x\u009b2J\u009d0;title\u009c\u0085\u007fy"`)

	out.Reset()
	printDescription(&out, sfn.JobDescription{Definition: "StartAt: P\n\x1b]0;title\a\rStates: {}\n"})
	noControls(t, out.String())
	assert.Contains(t, out.String(), "Definition:\nStartAt: P\n\\x1b]0;title\\a\\rStates: {}\n")
}
