package stepfunctions_test

// Wire tests of the operator's calls (ListRuns, RunHistory, DescribeJob, WithName, IdempotentRunID and the
// log of every call) through the real SDK client against sfnlocal.

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions"
)

func TestLocalListRuns(t *testing.T) {
	e := newLocalEnv(t)
	e.registerTasks(`{"ok":true}`, nil)
	ctx := context.Background()
	ok := e.create(machineSpec{name: "runs"})
	p := e.provider(stepfunctions.Config{})
	var ids []string
	for range 3 {
		run, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: ok}, nil)
		if err != nil {
			t.Fatalf("ExecutePipeline() error = %v", err)
		}
		waitEnded(t, p, run.RunID, nil)
		ids = append(ids, run.RunID)
		time.Sleep(5 * time.Millisecond) // distinct start dates
	}

	all, err := p.ListRuns(ctx, ok, stepfunctions.RunFilter{})
	if err != nil {
		t.Fatalf("ListRuns() error = %v", err)
	}
	if len(all.Runs) != 3 || all.NextToken != "" || all.Runs[0].RunID != ids[2] || all.Runs[2].RunID != ids[0] {
		t.Fatalf("ListRuns() = %+v, want the 3 runs newest first and no token", all)
	}
	if r := all.Runs[0]; r.Status != "SUCCEEDED" || r.State != stepfunctions.RunStateSuccess || r.StoppedAt.IsZero() {
		t.Errorf("ListRuns().Runs[0] = %+v, want SUCCEEDED with a stop date", r)
	}

	// Paging: two, then the rest through the token.
	first, err := p.ListRuns(ctx, ok, stepfunctions.RunFilter{Limit: 2})
	if err != nil || len(first.Runs) != 2 || first.NextToken == "" {
		t.Fatalf("ListRuns(Limit 2) = %+v, %v; want 2 runs and a token", first, err)
	}
	rest, err := p.ListRuns(ctx, ok, stepfunctions.RunFilter{Limit: 2, NextToken: first.NextToken})
	if err != nil || len(rest.Runs) != 1 || rest.Runs[0].RunID != ids[0] {
		t.Fatalf("ListRuns(next page) = %+v, %v; want the oldest run", rest, err)
	}

	// Since: only the runs started at or after the newest one's start.
	since, err := p.ListRuns(ctx, ok, stepfunctions.RunFilter{Since: all.Runs[0].StartedAt})
	if err != nil || len(since.Runs) != 1 || since.Runs[0].RunID != ids[2] {
		t.Errorf("ListRuns(Since newest) = %+v, %v; want the newest run only", since, err)
	}

	// A status filter goes to Step Functions.
	running, err := p.ListRuns(ctx, ok, stepfunctions.RunFilter{Status: "running"})
	if err != nil || len(running.Runs) != 0 {
		t.Errorf("ListRuns(Status running) = %+v, %v; want none", running, err)
	}
	if _, err := p.ListRuns(ctx, ok, stepfunctions.RunFilter{Status: "DONE"}); !errors.Is(err, stepfunctions.ErrInvalidInput) {
		t.Errorf("ListRuns(Status DONE) error = %v, want ErrInvalidInput", err)
	}

	// An Express state machine: Step Functions does not list its runs, and the hint says where they are.
	express := e.create(machineSpec{name: "quick", typ: types.StateMachineTypeExpress})
	_, err = p.ListRuns(ctx, express, stepfunctions.RunFilter{})
	var perr *stepfunctions.Error
	if !errors.Is(err, stepfunctions.ErrNotSupported) || !errors.As(err, &perr) || !strings.Contains(perr.Hint, "CloudWatch Logs") {
		t.Errorf("ListRuns(Express) error = %v, want ErrNotSupported with a CloudWatch Logs hint", err)
	}
}

func TestLocalRunHistory(t *testing.T) {
	e := newLocalEnv(t)
	e.registerTasks(`{}`, nil)
	ctx := context.Background()
	machine := e.create(machineSpec{name: "pay", definition: taskDefinition(failTask)})
	p := e.provider(stepfunctions.Config{})
	run, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: machine},
		[]stepfunctions.Parameter{{Name: "card", Value: "4111-secret"}})
	if err != nil {
		t.Fatalf("ExecutePipeline() error = %v", err)
	}
	waitEnded(t, p, run.RunID, nil)

	events, err := p.RunHistory(ctx, run.RunID, 0)
	if err != nil {
		t.Fatalf("RunHistory() error = %v", err)
	}
	var typesSeen []string
	var failed *stepfunctions.HistoryEvent
	for i, ev := range events {
		if ev.ID != int64(i+1) {
			t.Errorf("event %d has ID %d, want oldest first from 1", i, ev.ID)
		}
		typesSeen = append(typesSeen, ev.Type)
		if ev.Type == "TaskFailed" {
			failed = &events[i]
		}
	}
	if len(events) == 0 || events[0].Type != "ExecutionStarted" || events[len(events)-1].Type != "ExecutionFailed" {
		t.Fatalf("RunHistory() types = %v, want ExecutionStarted ... ExecutionFailed", typesSeen)
	}
	if failed == nil || failed.Error != "Payment.Declined" || failed.Cause != "card expired" || !failed.Failed() {
		t.Errorf("TaskFailed event = %+v, want error Payment.Declined and its cause", failed)
	}
	if events[1].State != "Work" {
		t.Errorf("event 2 = %+v, want the Work state entered", events[1])
	}
	if strings.Contains(strings.Join(typesSeen, " "), "4111") {
		t.Error("history events carry no input")
	}

	// Only the newer events, still oldest first.
	tail, err := p.RunHistory(ctx, run.RunID, events[len(events)-3].ID)
	if err != nil || len(tail) != 2 || tail[0].ID != events[len(events)-2].ID || tail[1].Type != "ExecutionFailed" {
		t.Errorf("RunHistory(after %d) = %+v, %v; want the last two events", events[len(events)-3].ID, tail, err)
	}
	none, err := p.RunHistory(ctx, run.RunID, events[len(events)-1].ID)
	if err != nil || len(none) != 0 {
		t.Errorf("RunHistory(after the last) = %+v, %v; want none", none, err)
	}

	express := "arn:aws:states:eu-west-1:123456789012:express:pay:x:5c2a4f6e-1b7d-4e1c-9a4b-2f6d8e0c1a3b"
	if _, err := p.RunHistory(ctx, express, 0); !errors.Is(err, stepfunctions.ErrNotSupported) {
		t.Errorf("RunHistory(Express) error = %v, want ErrNotSupported", err)
	}
	if _, err := p.RunHistory(ctx, "arn:aws:states:eu-west-1:123456789012:execution:pay:nope", 0); !errors.Is(err, stepfunctions.ErrRunNotFound) {
		t.Errorf("RunHistory(unknown) error = %v, want ErrRunNotFound", err)
	}
}

func TestLocalDescribeJob(t *testing.T) {
	e := newLocalEnv(t)
	ctx := context.Background()
	def := taskDefinition(echoTask)
	arn := e.create(machineSpec{name: "deploy", definition: def, logging: types.LogLevelAll})
	v1 := e.publish(arn, "")
	e.createAlias("prod", route(v1, 100))
	p := e.provider(stepfunctions.Config{})

	d, err := p.DescribeJob(ctx, arn, stepfunctions.DescribeJobOptions{})
	if err != nil {
		t.Fatalf("DescribeJob() error = %v", err)
	}
	if d.Type != stepfunctions.TypeStandard || d.RoleARN != localRole || d.LoggingLevel != "ALL" || d.LogGroupARN != localLogARN ||
		!d.IncludeExecutionData || d.Definition != "" {
		t.Errorf("DescribeJob() = %+v, want STANDARD, the role, logging ALL to the log group, no definition", d)
	}
	if len(d.Versions) != 1 || d.Versions[0].Version != 1 || d.Versions[0].ARN != v1 {
		t.Errorf("DescribeJob().Versions = %+v, want version 1", d.Versions)
	}
	if len(d.Aliases) != 1 || d.Aliases[0].Name != "prod" || d.Aliases[0].ARN != arn+":prod" {
		t.Errorf("DescribeJob().Aliases = %+v, want prod", d.Aliases)
	}

	// By alias, with the definition: the state machine's.
	d, err = p.DescribeJob(ctx, arn+":prod", stepfunctions.DescribeJobOptions{Definition: true})
	if err != nil || !sameJSONText(t, d.Definition, def) || d.ID != arn+":prod" || len(d.Aliases) != 1 {
		t.Errorf("DescribeJob(alias, Definition) = %+v, %v; want the definition", d, err)
	}
	if _, err := p.DescribeJob(ctx, e.admin.Options().Region, stepfunctions.DescribeJobOptions{}); !errors.Is(err, stepfunctions.ErrInvalidInput) {
		t.Errorf("DescribeJob(not an ARN) error = %v, want ErrInvalidInput", err)
	}
	if _, err := p.DescribeJob(ctx, strings.Replace(arn, "deploy", "gone", 1), stepfunctions.DescribeJobOptions{}); !errors.Is(err, stepfunctions.ErrStateMachineNotFound) {
		t.Errorf("DescribeJob(unknown) error = %v, want ErrStateMachineNotFound", err)
	}
}

func TestLocalWithNameAndIdempotentRunID(t *testing.T) {
	e := newLocalEnv(t)
	e.registerTasks(`{}`, nil)
	ctx := context.Background()
	machine := e.create(machineSpec{name: "orders"})
	p := e.provider(stepfunctions.Config{})

	run, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: machine}, nil, stepfunctions.WithName("nightly-2026-12-01"))
	if err != nil || run.RunID != "arn:aws:states:eu-west-1:123456789012:execution:orders:nightly-2026-12-01" {
		t.Fatalf("ExecutePipeline(WithName) = %+v, %v; want the run so named", run, err)
	}

	id, err := stepfunctions.IdempotentRunID(machine, "batch-7")
	if err != nil {
		t.Fatalf("IdempotentRunID() error = %v", err)
	}
	if _, err := p.GetPipelineRunStatus(ctx, id, nil); !errors.Is(err, stepfunctions.ErrRunNotFound) {
		t.Errorf("status of the key's run before any start: %v, want ErrRunNotFound", err)
	}
	keyed, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: machine}, nil, stepfunctions.WithIdempotencyKey("batch-7"))
	if err != nil || keyed.RunID != id {
		t.Errorf("ExecutePipeline(WithIdempotencyKey) = %+v, %v; want run %s", keyed, err, id)
	}
	if _, err := stepfunctions.IdempotentRunID(machine, ""); !errors.Is(err, stepfunctions.ErrInvalidInput) {
		t.Errorf("IdempotentRunID(empty key) error = %v, want ErrInvalidInput", err)
	}
}

func TestLocalEveryCallIsLogged(t *testing.T) {
	e := newLocalEnv(t)
	e.registerTasks(`{}`, nil)
	machine := e.create(machineSpec{name: "logged"})
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p := e.provider(stepfunctions.Config{Logger: logger})
	ctx := context.Background()
	run, err := p.ExecutePipeline(ctx, stepfunctions.Job{ID: machine, Type: stepfunctions.TypeStandard},
		[]stepfunctions.Parameter{{Name: "password", Value: "hunter2-value"}})
	if err != nil {
		t.Fatalf("ExecutePipeline() error = %v", err)
	}
	if _, err := p.GetPipelineRunStatus(ctx, "arn:aws:states:eu-west-1:123456789012:execution:logged:nope", nil); err == nil {
		t.Fatal("status of an unknown run: no error")
	}
	out := buf.String()
	for _, want := range []string{
		`msg="api call" op=StartExecution resource=` + machine + ` status=200 duration=`,
		`op=DescribeExecution resource=arn:aws:states:eu-west-1:123456789012:execution:logged:nope status=400 error=ExecutionDoesNotExist duration=`,
		"attempts=1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{"hunter2", localSecret, providerKey} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds %q:\n%s", secret, out)
		}
	}
	_ = run
}
