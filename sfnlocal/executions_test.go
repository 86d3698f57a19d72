package sfnlocal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/polysync/stepfunctions/internal/asl"
)

var blockDef = fakeDef(fakeDefinition{Fake: "block"})

func describe(t *testing.T, c *sfn.Client, arn string) *sfn.DescribeExecutionOutput {
	t.Helper()
	out, err := c.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: &arn})
	if err != nil {
		t.Fatalf("DescribeExecution(%s): %v", arn, err)
	}
	return out
}

// startAndWait starts the execution in asks for and waits for its end.
func startAndWait(t *testing.T, c *sfn.Client, in *sfn.StartExecutionInput) *sfn.DescribeExecutionOutput {
	t.Helper()
	out, err := c.StartExecution(context.Background(), in)
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	return waitDone(t, c, aws.ToString(out.ExecutionArn))
}

// waitDone waits until the execution is no longer RUNNING.
func waitDone(t *testing.T, c *sfn.Client, arn string) *sfn.DescribeExecutionOutput {
	t.Helper()
	var out *sfn.DescribeExecutionOutput
	waitFor(t, "execution "+arn+" to finish", func() bool {
		out = describe(t, c, arn)
		return out.Status != types.ExecutionStatusRunning
	})
	return out
}

func TestStartAndDescribeExecution(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testStart)
	_, c := startServer(t, withCompiler(fakeCompiler), WithClock(clk))
	arn := createMachine(t, c, "echo", echoDef, "")
	start, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn, Name: aws.String("run-1"),
		Input: aws.String(`{"n":1}`), TraceHeader: aws.String("Root=1-abc")})
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	want := "arn:aws:states:us-east-1:123456789012:execution:echo:run-1"
	if got := aws.ToString(start.ExecutionArn); got != want {
		t.Errorf("executionArn = %q, want %q", got, want)
	}
	if !start.StartDate.Equal(clk.Now()) {
		t.Errorf("startDate = %v, want %v", start.StartDate, clk.Now())
	}
	d := waitDone(t, c, want)
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `{"n":1}` || aws.ToString(d.Input) != `{"n":1}` ||
		aws.ToString(d.Name) != "run-1" || aws.ToString(d.StateMachineArn) != arn || aws.ToString(d.TraceHeader) != "Root=1-abc" ||
		d.StopDate == nil || d.RedriveStatus != types.ExecutionRedriveStatusNotRedrivable || aws.ToInt32(d.RedriveCount) != 0 {
		t.Errorf("DescribeExecution = %+v", d)
	}

	t.Run("generated name", func(t *testing.T) {
		out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn})
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(aws.ToString(out.ExecutionArn), strings.Replace(arn, "stateMachine", "execution", 1)+":")
		if len(name) != 36 {
			t.Errorf("generated name %q is not a UUID", name)
		}
	})

	big := `"` + strings.Repeat("x", maxPayloadBytes) + `"`
	tests := []struct {
		name  string
		in    sfn.StartExecutionInput
		typed func(error) bool
	}{
		{"input not JSON", sfn.StartExecutionInput{StateMachineArn: &arn, Input: aws.String("{oops")}, errAs[*types.InvalidExecutionInput]},
		{"input too large", sfn.StartExecutionInput{StateMachineArn: &arn, Input: &big}, errAs[*types.InvalidExecutionInput]},
		{"bad name", sfn.StartExecutionInput{StateMachineArn: &arn, Name: aws.String("a/b")}, errAs[*types.InvalidName]},
		{"trace header too long", sfn.StartExecutionInput{StateMachineArn: &arn, TraceHeader: aws.String(strings.Repeat("t", 257))}, errAs[*types.ValidationException]},
		{"trace header not ASCII", sfn.StartExecutionInput{StateMachineArn: &arn, TraceHeader: aws.String("Root=é")}, errAs[*types.ValidationException]},
		{"unknown machine", sfn.StartExecutionInput{StateMachineArn: aws.String(arn + "x")}, errAs[*types.StateMachineDoesNotExist]},
		{"bad arn", sfn.StartExecutionInput{StateMachineArn: aws.String("arn:aws:states:us-east-1:1:activity:x")}, errAs[*types.InvalidArn]},
		{"unknown version", sfn.StartExecutionInput{StateMachineArn: aws.String(arn + ":7")}, errAs[*types.StateMachineDoesNotExist]},
		{"unknown alias", sfn.StartExecutionInput{StateMachineArn: aws.String(arn + ":nope")}, errAs[*types.StateMachineDoesNotExist]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.StartExecution(ctx, &tt.in)
			if !tt.typed(err) {
				t.Errorf("StartExecution error = %T %v, want the typed error", err, err)
			}
		})
	}
	t.Run("describe errors", func(t *testing.T) {
		_, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(want + "-missing")})
		if !errAs[*types.ExecutionDoesNotExist](err) {
			t.Errorf("DescribeExecution(missing) error = %v, want ExecutionDoesNotExist", err)
		}
		_, err = c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String("nope")})
		if !errWith[*types.InvalidArn](err, "nope") {
			t.Errorf("DescribeExecution(bad arn) error = %v, want InvalidArn naming it", err)
		}
	})
}

func TestStandardIdempotency(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t, withCompiler(fakeCompiler))
	arn := createMachine(t, c, "slow", blockDef, "")
	first, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn, Name: aws.String("once"), Input: aws.String(`{"a":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn, Name: aws.String("once"), Input: aws.String(`{"a":1}`)})
	if err != nil {
		t.Fatalf("StartExecution(same name and input while running): %v", err)
	}
	if aws.ToString(again.ExecutionArn) != aws.ToString(first.ExecutionArn) || !again.StartDate.Equal(*first.StartDate) {
		t.Errorf("retry = %v %v, want the original %v %v", aws.ToString(again.ExecutionArn), again.StartDate, aws.ToString(first.ExecutionArn), first.StartDate)
	}
	_, err = c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn, Name: aws.String("once"), Input: aws.String(`{"a":2}`)})
	if !errAs[*types.ExecutionAlreadyExists](err) {
		t.Errorf("StartExecution(same name, other input) error = %v, want ExecutionAlreadyExists", err)
	}
	if _, err := c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: first.ExecutionArn}); err != nil {
		t.Fatal(err)
	}
	_, err = c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn, Name: aws.String("once"), Input: aws.String(`{"a":1}`)})
	if !errAs[*types.ExecutionAlreadyExists](err) {
		t.Errorf("StartExecution(same name after close) error = %v, want ExecutionAlreadyExists", err)
	}
}

func TestExpressExecutions(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t, withCompiler(fakeCompiler))
	arn := createMachine(t, c, "fast", echoDef, types.StateMachineTypeExpress)
	failArn := createMachine(t, c, "fails", fakeDef(fakeDefinition{Fake: "fail", Error: "Bad.Thing", Cause: "it broke"}), types.StateMachineTypeExpress)
	std := createMachine(t, c, "std", echoDef, "")

	seen := map[string]bool{}
	for range 3 {
		out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn, Name: aws.String("same")})
		if err != nil {
			t.Fatalf("StartExecution(express): %v", err)
		}
		a := aws.ToString(out.ExecutionArn)
		if !strings.HasPrefix(a, "arn:aws:states:us-east-1:123456789012:express:fast:same:") || seen[a] {
			t.Errorf("express executionArn %q is not a new express ARN", a)
		}
		seen[a] = true
		_, err = c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &a})
		var ia *types.InvalidArn
		if !errors.As(err, &ia) || ia.ErrorMessage() != "Invalid Arn: 'Resource type not valid in this context: express'" {
			t.Errorf("DescribeExecution(express) error = %v, want AWS's InvalidArn", err)
		}
		for name, call := range map[string]func() error{
			"StopExecution": func() error {
				return errOf(c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: &a}))
			},
			"GetExecutionHistory": func() error {
				return errOf(c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: &a}))
			},
		} {
			if err := call(); !errors.As(err, &ia) {
				t.Errorf("%s(express) error = %v, want InvalidArn", name, err)
			}
		}
	}
	_, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &arn})
	if !errAs[*types.StateMachineTypeNotSupported](err) {
		t.Errorf("ListExecutions(express machine) error = %v, want StateMachineTypeNotSupported", err)
	}

	tests := []struct {
		name               string
		arn                string
		status             types.SyncExecutionStatus
		output, errName    string
		cause              string
		includedData       types.IncludedData
		wantInputIncluded  bool
		wantOutputIncluded bool
	}{
		{name: "succeeds", arn: arn, status: types.SyncExecutionStatusSucceeded, output: `{"x":1}`, wantInputIncluded: true, wantOutputIncluded: true},
		{name: "fails", arn: failArn, status: types.SyncExecutionStatusFailed, errName: "Bad.Thing", cause: "it broke", wantInputIncluded: true},
		{name: "metadata only", arn: arn, status: types.SyncExecutionStatusSucceeded, includedData: types.IncludedDataMetadataOnly},
	}
	for _, tt := range tests {
		t.Run("StartSyncExecution "+tt.name, func(t *testing.T) {
			out, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &tt.arn, Input: aws.String(`{"x":1}`), IncludedData: tt.includedData})
			if err != nil {
				t.Fatalf("StartSyncExecution: %v", err)
			}
			if out.Status != tt.status || aws.ToString(out.Output) != tt.output || aws.ToString(out.Error) != tt.errName || aws.ToString(out.Cause) != tt.cause {
				t.Errorf("StartSyncExecution = status %s output %q error %q cause %q; want %s %q %q %q", out.Status,
					aws.ToString(out.Output), aws.ToString(out.Error), aws.ToString(out.Cause), tt.status, tt.output, tt.errName, tt.cause)
			}
			if (aws.ToString(out.Input) != "") != tt.wantInputIncluded {
				t.Errorf("input included = %v, want %v", aws.ToString(out.Input) != "", tt.wantInputIncluded)
			}
			if out.BillingDetails == nil || out.BillingDetails.BilledDurationInMilliseconds < 100 || out.StartDate == nil || out.StopDate == nil ||
				!strings.Contains(aws.ToString(out.ExecutionArn), ":express:") {
				t.Errorf("StartSyncExecution = %+v lacks billing, dates or an express ARN", out)
			}
		})
	}
	_, err = c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &std})
	if !errAs[*types.StateMachineTypeNotSupported](err) {
		t.Errorf("StartSyncExecution(standard) error = %v, want StateMachineTypeNotSupported", err)
	}
}

func TestExpressTimeout(t *testing.T) {
	clk := NewManualClock(testStart)
	_, c := startServer(t, withCompiler(fakeCompiler), WithClock(clk))
	arn := createMachine(t, c, "forever", blockDef, types.StateMachineTypeExpress)
	type result struct {
		out *sfn.StartSyncExecutionOutput
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := c.StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{StateMachineArn: &arn})
		done <- result{out, err}
	}()
	waitFor(t, "the run to arm its timeout", func() bool {
		for _, d := range clk.Waits() {
			if d == 5*time.Minute {
				return true
			}
		}
		return false
	})
	clk.Advance(5 * time.Minute)
	r := <-done
	if r.err != nil || r.out.Status != types.SyncExecutionStatusTimedOut {
		t.Fatalf("StartSyncExecution = %+v, %v; want TIMED_OUT after 5 minutes", r.out, r.err)
	}
}

func TestStopExecution(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t, withCompiler(fakeCompiler))
	arn := createMachine(t, c, "stoppable", blockDef, "")
	start, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn})
	if err != nil {
		t.Fatal(err)
	}
	stop, err := c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: start.ExecutionArn, Error: aws.String("Ops.Cancelled"), Cause: aws.String("by hand")})
	if err != nil {
		t.Fatalf("StopExecution: %v", err)
	}
	d := describe(t, c, aws.ToString(start.ExecutionArn))
	if d.Status != types.ExecutionStatusAborted || aws.ToString(d.Error) != "Ops.Cancelled" || aws.ToString(d.Cause) != "by hand" ||
		!d.StopDate.Equal(*stop.StopDate) || d.RedriveStatus != types.ExecutionRedriveStatusRedrivable {
		t.Errorf("after stop: %+v", d)
	}
	hist, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: start.ExecutionArn, ReverseOrder: true, MaxResults: 1})
	if err != nil {
		t.Fatal(err)
	}
	last := hist.Events[0]
	if last.Type != types.HistoryEventTypeExecutionAborted || last.ExecutionAbortedEventDetails == nil ||
		aws.ToString(last.ExecutionAbortedEventDetails.Error) != "Ops.Cancelled" {
		t.Errorf("last event = %+v, want ExecutionAborted with the error", last)
	}
	again, err := c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: start.ExecutionArn})
	if err != nil || !again.StopDate.Equal(*stop.StopDate) {
		t.Errorf("StopExecution(closed) = %v, %v; want the original stopDate %v", again.StopDate, err, stop.StopDate)
	}
	_, err = c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: start.ExecutionArn, Error: aws.String(strings.Repeat("e", 257))})
	if !errAs[*types.ValidationException](err) {
		t.Errorf("StopExecution(error too long) error = %v, want ValidationException", err)
	}
}

func TestListExecutions(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testStart)
	_, c := startServer(t, withCompiler(fakeCompiler), WithClock(clk))
	arn := createMachine(t, c, "mixed", blockDef, "")
	var names []string
	for i := range 5 {
		name := fmt.Sprintf("e%d", i)
		names = append([]string{name}, names...) // newest first
		if _, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn, Name: &name}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Second)
	}
	stopArn := strings.Replace(arn, "stateMachine", "execution", 1) + ":e1"
	if _, err := c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: &stopArn}); err != nil {
		t.Fatal(err)
	}
	var got []string
	p := sfn.NewListExecutionsPaginator(c, &sfn.ListExecutionsInput{StateMachineArn: &arn, MaxResults: 2})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListExecutions: %v", err)
		}
		for _, e := range page.Executions {
			got = append(got, aws.ToString(e.Name))
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(names) {
		t.Errorf("ListExecutions = %v, want %v", got, names)
	}
	aborted, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &arn, StatusFilter: types.ExecutionStatusAborted})
	if err != nil || len(aborted.Executions) != 1 || aws.ToString(aborted.Executions[0].Name) != "e1" || aborted.Executions[0].StopDate == nil {
		t.Errorf("ListExecutions(ABORTED) = %+v, %v; want e1 with a stopDate", aborted, err)
	}
	tests := []struct {
		name string
		in   sfn.ListExecutionsInput
		code string
	}{
		{"no arn", sfn.ListExecutionsInput{}, "ValidationException"},
		{"bad status", sfn.ListExecutionsInput{StateMachineArn: &arn, StatusFilter: "DONE"}, "ValidationException"},
		{"unknown machine", sfn.ListExecutionsInput{StateMachineArn: aws.String(arn + "x")}, "StateMachineDoesNotExist"},
		{"bad token", sfn.ListExecutionsInput{StateMachineArn: &arn, NextToken: aws.String("x.y")}, "InvalidToken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := c.ListExecutions(ctx, &tt.in); errorCode(err) != tt.code {
				t.Errorf("ListExecutions error = %v, want %s", err, tt.code)
			}
		})
	}
}

func TestVersionAndAliasExecutions(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t, withCompiler(fakeCompiler))
	arn, v1 := createPublished(t, c, "ver")
	aliasArn := createAlias(t, c, "live", types.RoutingConfigurationListItem{StateMachineVersionArn: &v1, Weight: 100})
	tests := []struct {
		name, target, wantVersion, wantAlias string
	}{
		{"unqualified", arn, "", ""},
		{"version", v1, v1, ""},
		{"alias", aliasArn, v1, aliasArn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &tt.target, Name: aws.String(tt.name)})
			if err != nil {
				t.Fatalf("StartExecution(%s): %v", tt.target, err)
			}
			d := waitDone(t, c, aws.ToString(out.ExecutionArn))
			if aws.ToString(d.StateMachineVersionArn) != tt.wantVersion || aws.ToString(d.StateMachineAliasArn) != tt.wantAlias || aws.ToString(d.StateMachineArn) != arn {
				t.Errorf("DescribeExecution = version %q alias %q machine %q; want %q %q %q", aws.ToString(d.StateMachineVersionArn),
					aws.ToString(d.StateMachineAliasArn), aws.ToString(d.StateMachineArn), tt.wantVersion, tt.wantAlias, arn)
			}
			list, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &tt.target})
			if err != nil {
				t.Fatal(err)
			}
			// Each subtest adds one execution, the first one that the
			// version or alias filter selects.
			if len(list.Executions) != 1 || aws.ToString(list.Executions[0].Name) != tt.name {
				t.Errorf("ListExecutions(%s) = %d executions, want just %q", tt.target, len(list.Executions), tt.name)
			}
		})
	}
}

func TestGetExecutionHistory(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t, withCompiler(fakeCompiler))
	arn := createMachine(t, c, "hist", echoDef, "")
	run := startWith(t, c, arn, `{"secret":"x"}`)
	waitDone(t, c, run)
	var events []types.HistoryEvent
	p := sfn.NewGetExecutionHistoryPaginator(c, &sfn.GetExecutionHistoryInput{ExecutionArn: &run, MaxResults: 1})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, page.Events...)
	}
	wantTypes := []types.HistoryEventType{types.HistoryEventTypeExecutionStarted, types.HistoryEventTypePassStateEntered,
		types.HistoryEventTypePassStateExited, types.HistoryEventTypeExecutionSucceeded}
	if len(events) != len(wantTypes) {
		t.Fatalf("history has %d events, want %d", len(events), len(wantTypes))
	}
	wantPrev := []int64{0, 0, 2, 3} // the first state event follows no event, as on AWS
	for i, e := range events {
		if e.Type != wantTypes[i] || e.Id != int64(i+1) || e.PreviousEventId != wantPrev[i] || e.Timestamp == nil {
			t.Errorf("event %d = type %s id %d previous %d, want %s %d %d", i, e.Type, e.Id, e.PreviousEventId, wantTypes[i], i+1, wantPrev[i])
		}
	}
	started := events[0].ExecutionStartedEventDetails
	if started == nil || aws.ToString(started.Input) != `{"secret":"x"}` || aws.ToString(started.RoleArn) != testRole {
		t.Errorf("ExecutionStarted details = %+v", started)
	}
	if s := events[3].ExecutionSucceededEventDetails; s == nil || aws.ToString(s.Output) != `{"secret":"x"}` {
		t.Errorf("ExecutionSucceeded details = %+v", s)
	}

	rev, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: &run, ReverseOrder: true, IncludeExecutionData: aws.Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	if rev.Events[0].Id != 4 || rev.Events[3].Id != 1 {
		t.Errorf("reverse order ids = %d..%d, want 4..1", rev.Events[0].Id, rev.Events[3].Id)
	}
	if in := rev.Events[3].ExecutionStartedEventDetails; in == nil || in.Input != nil || aws.ToString(in.RoleArn) != testRole {
		t.Errorf("includeExecutionData=false ExecutionStarted details = %+v, want no input", in)
	}
}

func TestRedriveExecution(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testStart)
	_, c := startServer(t, withCompiler(fakeCompiler), WithClock(clk))
	arn := createMachine(t, c, "flaky", fakeDef(fakeDefinition{Fake: "fail", Error: "Flaky", Cause: "first time"}), "")
	echo := createMachine(t, c, "fine", echoDef, "")
	exArn := startWith(t, c, arn, `{"try":1}`)
	d := waitDone(t, c, exArn)
	if d.Status != types.ExecutionStatusFailed || d.RedriveStatus != types.ExecutionRedriveStatusRedrivable || aws.ToString(d.Error) != "Flaky" {
		t.Fatalf("before redrive: %+v", d)
	}
	clk.Advance(time.Hour)
	r1, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &exArn, ClientToken: aws.String("tok-1")})
	if err != nil {
		t.Fatalf("RedriveExecution: %v", err)
	}
	d = waitDone(t, c, exArn)
	if d.Status != types.ExecutionStatusSucceeded || aws.ToInt32(d.RedriveCount) != 1 || !d.RedriveDate.Equal(*r1.RedriveDate) ||
		aws.ToString(d.Output) != `{"try":1}` || d.Error != nil {
		t.Errorf("after redrive: %+v", d)
	}
	r2, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &exArn, ClientToken: aws.String("tok-1")})
	if err != nil || !r2.RedriveDate.Equal(*r1.RedriveDate) {
		t.Errorf("RedriveExecution(same token) = %v, %v; want the first redriveDate", r2, err)
	}
	hist, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: &exArn})
	if err != nil {
		t.Fatal(err)
	}
	var types_ []string
	for _, e := range hist.Events {
		types_ = append(types_, string(e.Type))
		if e.Type == types.HistoryEventTypeExecutionRedriven && e.ExecutionRedrivenEventDetails.RedriveCount == nil {
			t.Errorf("ExecutionRedriven without redriveCount")
		}
	}
	want := "[ExecutionStarted PassStateEntered ExecutionFailed ExecutionRedriven PassStateEntered PassStateExited ExecutionSucceeded]"
	if fmt.Sprint(types_) != want {
		t.Errorf("history = %v, want %s", types_, want)
	}
	redriven, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &arn, RedriveFilter: types.ExecutionRedriveFilterRedriven})
	if err != nil || len(redriven.Executions) != 1 {
		t.Errorf("ListExecutions(REDRIVEN) = %v, %v", redriven, err)
	}

	ok, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &echo})
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, c, aws.ToString(ok.ExecutionArn))
	for name, target := range map[string]string{"succeeded execution": aws.ToString(ok.ExecutionArn), "redriven and succeeded": exArn} {
		_, err := c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &target})
		if !errAs[*types.ExecutionNotRedrivable](err) {
			t.Errorf("RedriveExecution(%s) error = %v, want ExecutionNotRedrivable", name, err)
		}
	}

	t.Run("after 14 days", func(t *testing.T) {
		out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn})
		if err != nil {
			t.Fatal(err)
		}
		waitDone(t, c, aws.ToString(out.ExecutionArn))
		clk.Advance(15 * 24 * time.Hour)
		_, err = c.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: out.ExecutionArn})
		if !errWith[*types.ExecutionNotRedrivable](err, "14 days") {
			t.Errorf("RedriveExecution(old) error = %v, want ExecutionNotRedrivable about 14 days", err)
		}
	})
}

func TestTaskInvocation(t *testing.T) {
	ctx := context.Background()
	srv, c := startServer(t, withCompiler(fakeCompiler))
	srv.RegisterTask("arn:aws:states:::my:double", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		var n int
		if err := json.Unmarshal(in, &n); err != nil {
			return nil, &TaskError{Name: "Input.NotANumber", Cause: err.Error()}
		}
		return json.Marshal(2 * n)
	})
	srv.RegisterTask("arn:aws:lambda:us-east-1:123456789012:function:greet", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		return json.RawMessage(`{"hello":` + string(in) + `}`), nil
	})
	tests := []struct {
		name, resource, input string
		status                types.SyncExecutionStatus
		output, errName       string
	}{
		{"registered", "arn:aws:states:::my:double", "21", types.SyncExecutionStatusSucceeded, "42", ""},
		{"task error", "arn:aws:states:::my:double", `"x"`, types.SyncExecutionStatusFailed, "", "Input.NotANumber"},
		{"unregistered", "arn:aws:states:::nobody", "1", types.SyncExecutionStatusFailed, "", "States.TaskFailed"},
		{"lambda by name", "arn:aws:states:::lambda:invoke", `{"FunctionName":"greet","Payload":"bob"}`, types.SyncExecutionStatusSucceeded, `"bob"`, ""},
		{"lambda by qualified ARN", "arn:aws:states:::lambda:invoke", `{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:greet:$LATEST","Payload":1}`, types.SyncExecutionStatusSucceeded, `1`, ""},
		{"lambda missing", "arn:aws:states:::lambda:invoke", `{"FunctionName":"nope"}`, types.SyncExecutionStatusFailed, "", "Lambda.ResourceNotFoundException"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arn := createMachine(t, c, fmt.Sprintf("task%d", i), fakeDef(fakeDefinition{Fake: "task", Resource: tt.resource}), types.StateMachineTypeExpress)
			out, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &arn, Input: &tt.input})
			if err != nil {
				t.Fatal(err)
			}
			if out.Status != tt.status || aws.ToString(out.Error) != tt.errName {
				t.Fatalf("status %s error %q cause %q, want %s %q", out.Status, aws.ToString(out.Error), aws.ToString(out.Cause), tt.status, tt.errName)
			}
			if tt.output == "" {
				return
			}
			got := aws.ToString(out.Output)
			if tt.resource == "arn:aws:states:::lambda:invoke" {
				var wrapped struct {
					Payload         struct{ Hello json.RawMessage }
					StatusCode      int
					ExecutedVersion string
					//lint:ignore ST1003 the Lambda Invoke response's own member names
					SdkHttpMetadata struct{ HttpStatusCode int }
				}
				if err := json.Unmarshal([]byte(got), &wrapped); err != nil {
					t.Fatal(err)
				}
				if wrapped.StatusCode != 200 || wrapped.ExecutedVersion != "$LATEST" || wrapped.SdkHttpMetadata.HttpStatusCode != 200 {
					t.Errorf("lambda:invoke result %s is not wrapped as AWS does", got)
				}
				got = string(wrapped.Payload.Hello)
			}
			if got != tt.output {
				t.Errorf("output = %s, want %s", got, tt.output)
			}
		})
	}
}

func TestCloseAbortsRunningExecutions(t *testing.T) {
	ctx := context.Background()
	goroutines := runtime.NumGoroutine()
	srv := New(withCompiler(fakeCompiler))
	endpoint, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	transport := &http.Transport{}
	c := sfn.New(newClient(endpoint, "AKIDTEST").Options(), func(o *sfn.Options) { o.HTTPClient = &http.Client{Transport: transport} })
	cancelled := make(chan struct{}, 10)
	srv.RegisterTask("arn:aws:states:::wait:forever", func(ctx context.Context, _ json.RawMessage) (json.RawMessage, error) {
		<-ctx.Done()
		cancelled <- struct{}{}
		return nil, ctx.Err()
	})
	arn := createMachine(t, c, "forever", fakeDef(fakeDefinition{Fake: "task", Resource: "arn:aws:states:::wait:forever"}), "")
	var arns []string
	for range 3 {
		out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, aws.ToString(out.ExecutionArn))
	}
	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if len(cancelled) != 3 {
		t.Errorf("%d tasks saw their context cancelled, want 3", len(cancelled))
	}
	srv.mu.Lock()
	for _, a := range arns {
		if st := srv.execs[a].status; st != "ABORTED" {
			t.Errorf("execution %s status %s after Close, want ABORTED", a, st)
		}
	}
	srv.mu.Unlock()
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	rec := httptestPost(srv, "ListStateMachines", "{}")
	if rec.Code != 503 {
		t.Errorf("call after Close answered %d, want 503", rec.Code)
	}
	transport.CloseIdleConnections()
	waitFor(t, fmt.Sprintf("goroutines to return to %d after Close (now %d)", goroutines, runtime.NumGoroutine()), func() bool {
		return runtime.NumGoroutine() <= goroutines
	})
}

func TestMaxFinishedExecutions(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t, withCompiler(fakeCompiler), WithMaxFinishedExecutions(2))
	arn := createMachine(t, c, "capped", echoDef, "")
	var arns []string
	for i := range 5 {
		out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn, Name: aws.String(fmt.Sprint(i))})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, aws.ToString(out.ExecutionArn))
		waitDone(t, c, arns[i])
	}
	for i, a := range arns {
		_, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &a})
		var dne *types.ExecutionDoesNotExist
		if evicted := errors.As(err, &dne); evicted != (i < 3) {
			t.Errorf("execution %d evicted = %v (err %v), want %v", i, evicted, err, i < 3)
		}
	}
	list, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &arn})
	if err != nil || len(list.Executions) != 2 || aws.ToString(list.Executions[0].Name) != "4" || aws.ToString(list.Executions[1].Name) != "3" {
		t.Errorf("ListExecutions = %v, %v; want the 2 newest kept", list, err)
	}
	// An evicted name can be used again.
	if _, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn, Name: aws.String("0")}); err != nil {
		t.Errorf("StartExecution(evicted name): %v", err)
	}
}

func TestAliasRoutesByWeight(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t, withCompiler(fakeCompiler))
	arn, v1 := createPublished(t, c, "canary")
	v2 := publishUpdate(t, c, arn, fakeDef(fakeDefinition{Fake: "sleep"}))
	aliasArn := createAlias(t, c, "split", types.RoutingConfigurationListItem{StateMachineVersionArn: &v1, Weight: 50},
		types.RoutingConfigurationListItem{StateMachineVersionArn: &v2, Weight: 50})
	seen := map[string]int{}
	for range 200 { // both versions unused in 200 fair draws: probability 2^-199
		out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &aliasArn})
		if err != nil {
			t.Fatal(err)
		}
		d := describe(t, c, aws.ToString(out.ExecutionArn))
		seen[aws.ToString(d.StateMachineVersionArn)]++
	}
	if len(seen) != 2 || seen[v1] == 0 || seen[v2] == 0 {
		t.Errorf("alias routed to %v, want both %s and %s", seen, v1, v2)
	}
}

// hookClock is the real clock, but its next Now after arm runs a function
// first: a test uses it to act at a given point of an operation.
type hookClock struct {
	asl.RealClock
	hook atomic.Pointer[func()]
}

// arm makes the next call of Now run fn first.
func (c *hookClock) arm(fn func()) { c.hook.Store(&fn) }

func (c *hookClock) Now() time.Time {
	if fn := c.hook.Swap(nil); fn != nil {
		(*fn)()
	}
	return c.RealClock.Now()
}

// TestStartExecutionRacingDeleteStateMachine deletes a state machine while
// a StartExecution of it is between finding the machine and recording the
// execution (StartExecution reads the clock there, outside the server's
// lock). The start must not record an execution of the deleted machine:
// DeleteStateMachine aborts the machine's running executions, and one that
// slipped past it would run on, for ever here.
func TestStartExecutionRacingDeleteStateMachine(t *testing.T) {
	ctx := context.Background()
	for _, typ := range []types.StateMachineType{types.StateMachineTypeStandard, types.StateMachineTypeExpress} {
		t.Run(string(typ), func(t *testing.T) {
			clk := &hookClock{}
			srv, c := startServer(t, withCompiler(fakeCompiler), WithClock(clk))
			arn := createMachine(t, c, "doomed", blockDef, typ)
			deleted := make(chan error, 1)
			clk.arm(func() {
				_, err := c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: &arn})
				deleted <- err
			})
			out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn, Name: aws.String("late")})
			if err := <-deleted; err != nil {
				t.Fatalf("DeleteStateMachine: %v", err)
			}
			if err == nil {
				srv.mu.Lock()
				running := len(srv.running)
				srv.mu.Unlock()
				t.Fatalf("StartExecution of a machine deleted meanwhile = %s, %d executions left running; want StateMachineDoesNotExist",
					aws.ToString(out.ExecutionArn), running)
			}
			assertAPIError(t, err, "StateMachineDoesNotExist", arn)
		})
	}
}

// withTraceIDHeader returns a client option that sends the X-Amzn-Trace-Id
// header with every request, as an X-Ray instrumented client does.
func withTraceIDHeader(value string) func(*sfn.Options) {
	return func(o *sfn.Options) {
		o.APIOptions = append(o.APIOptions, smithyhttp.AddHeaderValue("X-Amzn-Trace-Id", value))
	}
}

// TestTraceHeaderFromHTTPHeader checks what the API reference says of
// StartExecution's and StartSyncExecution's traceHeader: X-Ray traces come
// in the X-Amzn-Trace-Id HTTP header, and when the body's traceHeader is
// given too, the header's value is the one used.
func TestTraceHeaderFromHTTPHeader(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t, withCompiler(fakeCompiler))
	std := createMachine(t, c, "traced", echoDef, "")
	express := createMachine(t, c, "traced-express", echoDef, types.StateMachineTypeExpress)
	for _, tt := range []struct {
		name, body string
	}{{"header only", ""}, {"header and body", "Root=1-body"}} {
		t.Run(tt.name, func(t *testing.T) {
			const header = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"
			var body *string
			if tt.body != "" {
				body = aws.String(tt.body)
			}
			out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &std, TraceHeader: body}, withTraceIDHeader(header))
			if err != nil {
				t.Fatal(err)
			}
			if got := aws.ToString(waitDone(t, c, aws.ToString(out.ExecutionArn)).TraceHeader); got != header {
				t.Errorf("DescribeExecution traceHeader = %q, want the X-Amzn-Trace-Id header %q", got, header)
			}
			sync, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &express, TraceHeader: body}, withTraceIDHeader(header))
			if err != nil {
				t.Fatal(err)
			}
			if got := aws.ToString(sync.TraceHeader); got != header {
				t.Errorf("StartSyncExecution traceHeader = %q, want the X-Amzn-Trace-Id header %q", got, header)
			}
		})
	}
}

// TestStartSyncExecutionClipsErrorAndCause checks that StartSyncExecution,
// like DescribeExecution, answers an error of at most 256 bytes and a cause
// of at most 32,768, the API model's bounds, when a task fails with longer
// ones.
func TestStartSyncExecutionClipsErrorAndCause(t *testing.T) {
	ctx := context.Background()
	srv, c := startServer(t, withCompiler(fakeCompiler))
	const resource = "arn:aws:states:::long:failure"
	srv.RegisterTask(resource, func(context.Context, json.RawMessage) (json.RawMessage, error) {
		return nil, &TaskError{Name: strings.Repeat("E", 300), Cause: strings.Repeat("c", 40000)}
	})
	arn := createMachine(t, c, "verbose", fakeDef(fakeDefinition{Fake: "task", Resource: resource}), types.StateMachineTypeExpress)
	out, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &arn})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != types.SyncExecutionStatusFailed || len(aws.ToString(out.Error)) != 256 || len(aws.ToString(out.Cause)) != 32768 {
		t.Errorf("StartSyncExecution = %s with error of %d bytes and cause of %d; want FAILED, 256 and 32768",
			out.Status, len(aws.ToString(out.Error)), len(aws.ToString(out.Cause)))
	}
}

// TestListExecutionsTokenLength checks the nextToken bounds of the API
// model: ListExecutions takes tokens of up to 3,096 characters (its
// ListExecutionsPageToken), the other List operations up to 1,024. A token
// within the bound that this server did not issue is InvalidToken; past it,
// a ValidationException naming the bound.
func TestListExecutionsTokenLength(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t, withCompiler(fakeCompiler))
	arn := createMachine(t, c, "listed", echoDef, "")
	checkErrorCodes(t, []errorCase{
		{"ListExecutions, 2000 characters", func() error {
			return errOf(c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &arn, NextToken: aws.String(strings.Repeat("x", 2000))}))
		}, "InvalidToken"},
		{"ListExecutions, 3097 characters", func() error {
			_, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &arn, NextToken: aws.String(strings.Repeat("x", 3097))})
			if !strings.Contains(errorMessage(err), "3096") {
				return fmt.Errorf("error %v does not name 3096", err)
			}
			return err
		}, "ValidationException"},
		{"ListStateMachines, 1025 characters", func() error {
			return errOf(c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{NextToken: aws.String(strings.Repeat("x", 1025))}))
		}, "ValidationException"},
	})
}
