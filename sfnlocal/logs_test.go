package sfnlocal

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions/sfnlocal/sfnlocaltest"
)

// Definitions of the logging tests, run by the real interpreter.
const (
	passPassDef = `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"x":1},"Next":"B"},"B":{"Type":"Pass","End":true}}}`
	failDef     = `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"F"},"F":{"Type":"Fail","Error":"Boom","Cause":"it broke"}}}`
	loopDef     = `{"StartAt":"L","States":{"L":{"Type":"Pass","Next":"C"},"C":{"Type":"Choice",` +
		`"Choices":[{"Variable":"$.stop","IsPresent":true,"Next":"E"}],"Default":"L"},"E":{"Type":"Succeed"}}}`
)

// logged is a test's server with its Step Functions and CloudWatch Logs
// clients, both on the server's one listener.
type logged struct {
	srv  *Server
	sfn  *sfn.Client
	logs *cloudwatchlogs.Client
}

func startLogged(t *testing.T, opts ...Option) logged {
	t.Helper()
	srv, addr := listen(t, opts...)
	endpoint := "http://" + addr
	logs := cloudwatchlogs.New(cloudwatchlogs.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDTEST", "not-a-secret", ""),
		RetryMaxAttempts: 1, HTTPClient: sfnlocaltest.HTTPClient()})
	return logged{srv: srv, sfn: newClient(endpoint, "AKIDTEST"), logs: logs}
}

// logConfig returns a LoggingConfiguration to the log group name.
func (l logged) logConfig(name string, level types.LogLevel, withData bool) *types.LoggingConfiguration {
	return &types.LoggingConfiguration{Level: level, IncludeExecutionData: withData, Destinations: []types.LogDestination{
		{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{LogGroupArn: aws.String(l.srv.LogGroupARN(name))}}}}
}

// createLoggingMachine creates a log group (over the wire) and a state
// machine logging to it, and returns the machine's ARN.
func (l logged) createLoggingMachine(t *testing.T, group, name, def string, typ types.StateMachineType, level types.LogLevel, withData bool) string {
	t.Helper()
	ctx := context.Background()
	if _, err := l.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatalf("CreateLogGroup(%q): %v", group, err)
	}
	out, err := l.sfn.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(name), Definition: aws.String(def),
		RoleArn: aws.String(testRole), Type: typ, LoggingConfiguration: l.logConfig(group, level, withData)})
	if err != nil {
		t.Fatalf("CreateStateMachine(%q): %v", name, err)
	}
	return aws.ToString(out.StateMachineArn)
}

// logRecord is one execution log event's message, decoded here apart from
// the encoder in internal/cwlogs so that the tests check the wire.
type logRecord struct {
	ID              string         `json:"id"`
	Type            string         `json:"type"`
	Details         map[string]any `json:"details"`
	PreviousEventID string         `json:"previous_event_id"`
	EventTimestamp  string         `json:"event_timestamp"`
	ExecutionARN    string         `json:"execution_arn"`
	RedriveCount    string         `json:"redrive_count"`

	stream string
}

// records reads every event of group (FilterLogEvents, all pages) written
// for execution arn ("" for all), in order.
func (l logged) records(t *testing.T, group, arn string) []logRecord {
	t.Helper()
	var out []logRecord
	p := cloudwatchlogs.NewFilterLogEventsPaginator(l.logs, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("FilterLogEvents(%q): %v", group, err)
		}
		for _, e := range page.Events {
			var r logRecord
			if err := json.Unmarshal([]byte(aws.ToString(e.Message)), &r); err != nil {
				t.Fatalf("log event %q is not a JSON object: %v", aws.ToString(e.Message), err)
			}
			r.stream = aws.ToString(e.LogStreamName)
			if arn == "" || r.ExecutionARN == arn {
				out = append(out, r)
			}
		}
	}
	return out
}

// recordsUntilEnd polls records until the execution's terminal event is
// there.
func (l logged) recordsUntilEnd(t *testing.T, group, arn string) []logRecord {
	t.Helper()
	var recs []logRecord
	waitFor(t, "the terminal event of "+arn, func() bool {
		recs = l.records(t, group, arn)
		return len(recs) > 0 && strings.HasPrefix(recs[len(recs)-1].Type, "Execution") && recs[len(recs)-1].Type != "ExecutionStarted"
	})
	return recs
}

func types_(recs []logRecord) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.Type
	}
	return out
}

// TestStandardExecutionLogsItsHistory checks that a Standard execution of a
// machine logging ALL with execution data writes its whole history, in order,
// with the ids, links, ARN and details GetExecutionHistory answers, to one
// stream named as AWS names it.
func TestStandardExecutionLogsItsHistory(t *testing.T) {
	ctx := context.Background()
	l := startLogged(t)
	arn := l.createLoggingMachine(t, "/aws/vendedlogs/states/std", "std", passPassDef, types.StateMachineTypeStandard, types.LogLevelAll, true)
	exArn := startWith(t, l.sfn, arn, `{"in":true}`)
	recs := l.recordsUntilEnd(t, "/aws/vendedlogs/states/std", exArn)
	hist, err := l.sfn.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: &exArn})
	if err != nil {
		t.Fatalf("GetExecutionHistory: %v", err)
	}
	if len(recs) != len(hist.Events) {
		t.Fatalf("logged %d events %v, history has %d", len(recs), types_(recs), len(hist.Events))
	}
	for i, h := range hist.Events {
		r := recs[i]
		if r.Type != string(h.Type) || r.ID != itoa(h.Id) || r.PreviousEventID != itoa(h.PreviousEventId) ||
			r.EventTimestamp != itoa(h.Timestamp.UnixMilli()) || r.ExecutionARN != exArn || r.RedriveCount != "0" {
			t.Errorf("log event %d = %+v, want history event %s id %d prev %d", i, r, h.Type, h.Id, h.PreviousEventId)
		}
		if !strings.HasPrefix(r.stream, "states/std/") || r.stream != recs[0].stream {
			t.Errorf("log event %d in stream %q, want one stream states/std/<date>/<id>", i, r.stream)
		}
	}
	first, last := recs[0], recs[len(recs)-1]
	if first.Type != "ExecutionStarted" || first.Details["input"] != `{"in":true}` || first.Details["roleArn"] != testRole {
		t.Errorf("ExecutionStarted details = %v, want the input and roleArn", first.Details)
	}
	if last.Type != "ExecutionSucceeded" || last.Details["output"] != `{"x":1}` ||
		!reflectEqual(last.Details["outputDetails"], map[string]any{"truncated": false}) {
		t.Errorf("last event %s details = %v, want ExecutionSucceeded with output {\"x\":1}", last.Type, last.Details)
	}
	// GetLogEvents reads the same events from the stream.
	got, err := l.logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/aws/vendedlogs/states/std"),
		LogStreamName: aws.String(first.stream), StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatalf("GetLogEvents: %v", err)
	}
	if len(got.Events) != len(recs) {
		t.Errorf("GetLogEvents answered %d events, want %d", len(got.Events), len(recs))
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func reflectEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TestExpressExecutionsLog checks that Express executions, started either
// way, log their events, and that without includeExecutionData the input
// and output are left out.
func TestExpressExecutionsLog(t *testing.T) {
	ctx := context.Background()
	l := startLogged(t)
	const group = "express-logs"
	arn := l.createLoggingMachine(t, group, "exp", passPassDef, types.StateMachineTypeExpress, types.LogLevelAll, false)
	sync, err := l.sfn.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &arn, Input: aws.String(`{"secret":"s"}`)})
	if err != nil || sync.Status != types.SyncExecutionStatusSucceeded {
		t.Fatalf("StartSyncExecution = %v, %v; want SUCCEEDED", sync, err)
	}
	async := startWith(t, l.sfn, arn, `{"secret":"s"}`)
	want := []string{"ExecutionStarted", "PassStateEntered", "PassStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"}
	for _, exArn := range []string{aws.ToString(sync.ExecutionArn), async} {
		recs := l.recordsUntilEnd(t, group, exArn)
		if got := types_(recs); !slices.Equal(got, want) {
			t.Errorf("%s logged %v, want %v", exArn, got, want)
		}
		for i, r := range recs {
			if r.ID != itoa(int64(i+1)) {
				t.Errorf("%s event %d has id %s, want %d", exArn, i, r.ID, i+1)
			}
			for _, member := range []string{"input", "output", "inputDetails", "outputDetails"} {
				if _, ok := r.Details[member]; ok {
					t.Errorf("%s event %s has details.%s without includeExecutionData", exArn, r.Type, member)
				}
			}
		}
	}
}

// TestLogLevelsWriteOnlyFailures checks that ERROR logs the failed state and
// the failure, FATAL only the failure, and neither a success.
func TestLogLevelsWriteOnlyFailures(t *testing.T) {
	ctx := context.Background()
	l := startLogged(t)
	for _, tt := range []struct {
		level types.LogLevel
		want  []string
	}{
		{types.LogLevelError, []string{"FailStateEntered", "ExecutionFailed"}},
		{types.LogLevelFatal, []string{"ExecutionFailed"}},
	} {
		t.Run(string(tt.level), func(t *testing.T) {
			group := "level-" + string(tt.level)
			fail := l.createLoggingMachine(t, group, "fail-"+string(tt.level), failDef, types.StateMachineTypeExpress, tt.level, true)
			out, err := l.sfn.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &fail})
			if err != nil || out.Status != types.SyncExecutionStatusFailed {
				t.Fatalf("StartSyncExecution = %v, %v; want FAILED", out, err)
			}
			okArn, err := l.sfn.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("ok-" + string(tt.level)),
				Definition: aws.String(passPassDef), RoleArn: aws.String(testRole), Type: types.StateMachineTypeExpress,
				LoggingConfiguration: l.logConfig(group, tt.level, true)})
			if err != nil {
				t.Fatalf("CreateStateMachine: %v", err)
			}
			if _, err := l.sfn.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: okArn.StateMachineArn}); err != nil {
				t.Fatalf("StartSyncExecution: %v", err)
			}
			recs := l.records(t, group, "")
			if got := types_(recs); !slices.Equal(got, tt.want) {
				t.Fatalf("logged %v, want %v (the success logs nothing)", got, tt.want)
			}
			last := recs[len(recs)-1]
			if last.Details["error"] != "Boom" || last.Details["cause"] != "it broke" {
				t.Errorf("ExecutionFailed details = %v, want error Boom and cause", last.Details)
			}
			if last.ID != "5" { // ExecutionStarted, PassStateEntered, PassStateExited, FailStateEntered, ExecutionFailed
				t.Errorf("ExecutionFailed id = %s, want 5, its id in the whole history", last.ID)
			}
		})
	}
}

// TestLoggingConfigurationValidation checks what CreateStateMachine and
// UpdateStateMachine refuse, accept, store and describe.
func TestLoggingConfigurationValidation(t *testing.T) {
	ctx := context.Background()
	l := startLogged(t)
	if err := l.srv.CreateLogGroup("g"); err != nil {
		t.Fatal(err)
	}
	dest := func(arn string) types.LogDestination {
		return types.LogDestination{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{LogGroupArn: aws.String(arn)}}
	}
	good := l.srv.LogGroupARN("g")
	for _, tt := range []struct {
		name    string
		cfg     types.LoggingConfiguration
		message string // "" when accepted
	}{
		{"ALL without destination", types.LoggingConfiguration{Level: types.LogLevelAll}, "Must specify exactly one Log Destination"},
		{"ERROR without destination", types.LoggingConfiguration{Level: types.LogLevelError, Destinations: []types.LogDestination{}}, "exactly one"},
		{"two destinations", types.LoggingConfiguration{Level: types.LogLevelAll, Destinations: []types.LogDestination{dest(good), dest(good)}}, "exactly one"},
		{"two destinations at OFF", types.LoggingConfiguration{Level: types.LogLevelOff, Destinations: []types.LogDestination{dest(good), dest(good)}}, "exactly one"},
		{"not a log group ARN", types.LoggingConfiguration{Level: types.LogLevelAll, Destinations: []types.LogDestination{dest("arn:aws:s3:::bucket")}}, "not a CloudWatch Logs log group ARN"},
		{"no qualifier", types.LoggingConfiguration{Level: types.LogLevelAll, Destinations: []types.LogDestination{dest(strings.TrimSuffix(good, ":*"))}}, "'*' qualifier"},
		{"missing group", types.LoggingConfiguration{Level: types.LogLevelFatal, Destinations: []types.LogDestination{dest(l.srv.LogGroupARN("nope"))}}, "Log Destination not found"},
		{"OFF with destination", types.LoggingConfiguration{Level: types.LogLevelOff, Destinations: []types.LogDestination{dest(good)}}, ""},
		{"empty", types.LoggingConfiguration{}, ""},
		{"ALL", types.LoggingConfiguration{Level: types.LogLevelAll, IncludeExecutionData: true, Destinations: []types.LogDestination{dest(good)}}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			name := strings.ReplaceAll(tt.name, " ", "-")
			cfg := tt.cfg
			out, err := l.sfn.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: &name, Definition: aws.String(passPassDef),
				RoleArn: aws.String(testRole), LoggingConfiguration: &cfg})
			var ilc *types.InvalidLoggingConfiguration
			if tt.message != "" {
				if !errors.As(err, &ilc) || !strings.Contains(err.Error(), tt.message) {
					t.Fatalf("CreateStateMachine error = %v, want InvalidLoggingConfiguration saying %q", err, tt.message)
				}
				// UpdateStateMachine refuses it too.
				arn := createMachine(t, l.sfn, name, passPassDef, types.StateMachineTypeStandard)
				_, err = l.sfn.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: &arn, LoggingConfiguration: &cfg})
				if !errors.As(err, &ilc) || !strings.Contains(err.Error(), tt.message) {
					t.Fatalf("UpdateStateMachine error = %v, want InvalidLoggingConfiguration saying %q", err, tt.message)
				}
				return
			}
			if err != nil {
				t.Fatalf("CreateStateMachine: %v", err)
			}
			desc, err := l.sfn.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: out.StateMachineArn})
			if err != nil {
				t.Fatalf("DescribeStateMachine: %v", err)
			}
			wantLevel := cfg.Level
			if wantLevel == "" {
				wantLevel = types.LogLevelOff
			}
			got := desc.LoggingConfiguration
			if got == nil || got.Level != wantLevel || got.IncludeExecutionData != cfg.IncludeExecutionData ||
				len(got.Destinations) != len(cfg.Destinations) ||
				len(cfg.Destinations) == 1 && aws.ToString(got.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn) != good {
				t.Errorf("described loggingConfiguration = %+v, want level %s as given", got, wantLevel)
			}
		})
	}

	// An update turns logging on, and the next execution logs.
	arn := createMachine(t, l.sfn, "updated", passPassDef, types.StateMachineTypeExpress)
	if _, err := l.sfn.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: &arn,
		LoggingConfiguration: l.logConfig("g", types.LogLevelFatal, false)}); err != nil {
		t.Fatalf("UpdateStateMachine: %v", err)
	}
	desc, err := l.sfn.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &arn})
	if err != nil || desc.LoggingConfiguration.Level != types.LogLevelFatal {
		t.Fatalf("DescribeStateMachine after update = %v, %v; want level FATAL", desc, err)
	}
	streams, err := l.logs.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("g")})
	if err != nil || len(streams.LogStreams) != 1 ||
		aws.ToString(streams.LogStreams[0].LogStreamName) != "log_stream_created_by_aws_to_validate_log_delivery_subscriptions" {
		t.Errorf("DescribeLogStreams = %v, %v; want only the stream AWS creates to validate delivery", streams, err)
	}
}

// TestLogDeliveryDelay checks that logged events become visible only after
// the delivery delay, on the server's clock.
func TestLogDeliveryDelay(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testStart)
	l := startLogged(t, WithClock(clk), WithLogDeliveryDelay(10*time.Second))
	arn := l.createLoggingMachine(t, "delayed", "delayed", passPassDef, types.StateMachineTypeExpress, types.LogLevelAll, true)
	if _, err := l.sfn.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &arn}); err != nil {
		t.Fatalf("StartSyncExecution: %v", err)
	}
	if recs := l.records(t, "delayed", ""); len(recs) != 0 {
		t.Fatalf("%d events visible at once, want none before the delivery delay", len(recs))
	}
	clk.Advance(9 * time.Second)
	if recs := l.records(t, "delayed", ""); len(recs) != 0 {
		t.Fatalf("%d events visible after 9s, want none before the 10s delay", len(recs))
	}
	clk.Advance(time.Second)
	if recs := l.records(t, "delayed", ""); len(recs) != 6 {
		t.Fatalf("%d events visible after the delay, want 6", len(recs))
	}
}

// TestDeleteStateMachineStopsExpressExecutions checks that deleting a state
// machine stops its running asynchronous Express executions (an endless loop
// here), which end ABORTED in the log.
func TestDeleteStateMachineStopsExpressExecutions(t *testing.T) {
	ctx := context.Background()
	l := startLogged(t)
	arn := l.createLoggingMachine(t, "loops", "loop", loopDef, types.StateMachineTypeExpress, types.LogLevelFatal, false)
	out, err := l.sfn.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn})
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	running := func() int {
		l.srv.mu.Lock()
		defer l.srv.mu.Unlock()
		return len(l.srv.running)
	}
	if running() != 1 {
		t.Fatalf("%d executions running, want the loop", running())
	}
	if _, err := l.sfn.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: &arn}); err != nil {
		t.Fatalf("DeleteStateMachine: %v", err)
	}
	waitFor(t, "the loop to stop", func() bool { return running() == 0 })
	recs := l.recordsUntilEnd(t, "loops", aws.ToString(out.ExecutionArn))
	if got := types_(recs); !slices.Equal(got, []string{"ExecutionAborted"}) {
		t.Errorf("logged %v, want [ExecutionAborted]", got)
	}
}

// TestLogsCallsMeetTheServersRules checks that CloudWatch Logs calls are
// counted, and meet the deny rules and injected faults as Step Functions
// calls do.
func TestLogsCallsMeetTheServersRules(t *testing.T) {
	ctx := context.Background()
	l := startLogged(t,
		WithDeny(DenyRule{Action: "logs:FilterLogEvents", Resource: "*:log-group:private:*"}),
		WithFault(Fault{Operation: "GetLogEvents", Call: 1, Code: "ServiceUnavailableException"}),
		WithFault(Fault{Operation: "CreateLogGroup", Call: 1, DropConnection: true}))
	// The first CreateLogGroup is processed, then its connection dropped:
	// the caller sees an error, and the group exists all the same.
	if _, err := l.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("dropped")}); err == nil {
		t.Error("CreateLogGroup with a dropped connection succeeded")
	}
	_, err := l.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("dropped")})
	if errorCode(err) != "ResourceAlreadyExistsException" {
		t.Errorf("CreateLogGroup again error = %v, want ResourceAlreadyExistsException: the dropped call created the group", err)
	}
	for _, g := range []string{"private", "public"} {
		if err := l.srv.CreateLogGroup(g); err != nil {
			t.Fatal(err)
		}
	}
	_, err = l.logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("private")})
	if !isAPIError(err, "AccessDeniedException", "logs:FilterLogEvents") {
		t.Errorf("FilterLogEvents(private) error = %v, want AccessDeniedException naming logs:FilterLogEvents", err)
	}
	if _, err := l.logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("public")}); err != nil {
		t.Errorf("FilterLogEvents(public): %v", err)
	}
	in := &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("public"), LogStreamName: aws.String("s")}
	if _, err := l.logs.GetLogEvents(ctx, in); errorCode(err) != "ServiceUnavailableException" {
		t.Errorf("first GetLogEvents error = %v, want the injected ServiceUnavailableException", err)
	}
	if _, err := l.logs.GetLogEvents(ctx, in); errorCode(err) != "ResourceNotFoundException" {
		t.Errorf("second GetLogEvents error = %v, want ResourceNotFoundException from the service (no stream s)", err)
	}
	if n := l.srv.Calls("FilterLogEvents"); n != 2 {
		t.Errorf("Calls(FilterLogEvents) = %d, want 2", n)
	}
}

// TestRedriveLogsItsCount checks that a redriven execution logs
// ExecutionRedriven and its later events with the redrive count, in the same
// stream, its ids following the first run's.
func TestRedriveLogsItsCount(t *testing.T) {
	ctx := context.Background()
	l := startLogged(t, withCompiler(fakeCompiler))
	arn := l.createLoggingMachine(t, "redrives", "redriven", fakeDef(fakeDefinition{Fake: "fail", Error: "E", Cause: "C"}),
		types.StateMachineTypeStandard, types.LogLevelAll, true)
	out, err := l.sfn.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn})
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	exArn := aws.ToString(out.ExecutionArn)
	l.recordsUntilEnd(t, "redrives", exArn)
	if _, err := l.sfn.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &exArn}); err != nil {
		t.Fatalf("RedriveExecution: %v", err)
	}
	var recs []logRecord
	waitFor(t, "the redrive's end", func() bool {
		recs = l.records(t, "redrives", exArn)
		return len(recs) > 0 && recs[len(recs)-1].Type == "ExecutionSucceeded"
	})
	redriven := slices.Index(types_(recs), "ExecutionRedriven")
	if redriven < 0 || !slices.Contains(types_(recs[:redriven]), "ExecutionFailed") {
		t.Fatalf("logged %v, want ExecutionFailed, then ExecutionRedriven", types_(recs))
	}
	for i, r := range recs {
		count := "0"
		if i >= redriven {
			count = "1"
		}
		if r.ID != itoa(int64(i+1)) || r.RedriveCount != count || r.stream != recs[0].stream {
			t.Errorf("event %d (%s) has id %s, redrive_count %s, stream %s; want id %d, redrive_count %s, stream %s",
				i, r.Type, r.ID, r.RedriveCount, r.stream, i+1, count, recs[0].stream)
		}
	}
}
