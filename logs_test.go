package stepfunctions

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions/internal/cwlogs"
	"github.com/polysync/stepfunctions/internal/sdkhttp"
	"github.com/polysync/stepfunctions/sfnlocal/sfnlocaltest"
)

const testLogGroupARN = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/vendedlogs/states/orders:*"

// testLogsConfig is an aws.Config for a local CloudWatch Logs endpoint.
func testLogsConfig() aws.Config {
	return aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		RetryMaxAttempts: 1}
}

// countingLogs counts the FilterLogEvents calls made through it.
type countingLogs struct {
	logsAPI
	calls atomic.Int32
}

func (c *countingLogs) FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput,
	optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	c.calls.Add(1)
	return c.logsAPI.FilterLogEvents(ctx, in, optFns...)
}

// runLog is the history of one run as Step Functions logs it.
type runLog struct {
	arn     string
	started time.Time
	end     string         // terminal event type; "" for a run still going
	details map[string]any // the terminal event's details
}

// messages returns the run's log records: ExecutionStarted, a state, and its end.
func (r runLog) messages(t *testing.T, includeData bool) []cwlogs.Event {
	t.Helper()
	events := []cwlogs.ExecutionEvent{
		{ID: 1, Type: "ExecutionStarted", Details: map[string]any{"input": `{"orderId":"A-1"}`, "roleArn": "arn:aws:iam::111122223333:role/sfn"}},
		{ID: 2, Type: "PassStateEntered", Details: map[string]any{"name": "P", "input": `{"orderId":"A-1"}`}},
	}
	if r.end != "" {
		events = append(events, cwlogs.ExecutionEvent{ID: 3, PreviousEventID: 2, Type: r.end, Details: r.details})
	}
	var out []cwlogs.Event
	for i, e := range events {
		e.ExecutionARN, e.Timestamp = r.arn, r.started.Add(time.Duration(i)*time.Second)
		msg, err := e.Encode(includeData)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, cwlogs.Event{Timestamp: e.Timestamp, Message: string(msg)})
	}
	return out
}

// expressARN returns the ARN of an Express run of the orders machine.
func expressARN(name string) string {
	return "arn:aws:states:eu-west-1:111122223333:express:orders:" + name + ":0b7e4f1c-1111-2222-3333-444455556666"
}

// startLocalLogs serves a cwlogs.Service with the orders log group and returns it and its URL.
func startLocalLogs(t *testing.T, opts cwlogs.Options) (*cwlogs.Service, string) {
	t.Helper()
	svc := cwlogs.NewService(opts)
	if err := svc.CreateLogGroup("/aws/vendedlogs/states/orders"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	return svc, srv.URL
}

func TestFindLoggedEndsOnTheWire(t *testing.T) {
	now := time.Now()
	svc, url := startLocalLogs(t, cwlogs.Options{})
	runs := []runLog{
		{arn: expressARN("ok"), started: now.Add(-3 * time.Minute), end: "ExecutionSucceeded",
			details: map[string]any{"output": `{"total":42,"note":"<é>"}`}},
		{arn: expressARN("failed"), started: now.Add(-2 * time.Minute), end: "ExecutionFailed",
			details: map[string]any{"error": "States.TaskFailed", "cause": "boom"}},
		{arn: expressARN("timedout"), started: now.Add(-2 * time.Minute), end: "ExecutionTimedOut",
			details: map[string]any{"error": "States.Timeout"}},
		{arn: expressARN("aborted"), started: now.Add(-time.Minute), end: "ExecutionAborted"},
		{arn: expressARN("running"), started: now.Add(-time.Minute)},
		{arn: expressARN("other"), started: now.Add(-time.Minute), end: "ExecutionSucceeded", details: map[string]any{"output": "{}"}},
	}
	for i, r := range runs {
		if err := svc.Append("/aws/vendedlogs/states/orders", fmt.Sprintf("states/orders/x/%d", i%2), r.messages(t, true)...); err != nil {
			t.Fatal(err)
		}
	}
	sought := map[string]time.Time{}
	for _, r := range runs[:5] {
		sought[r.arn] = r.started
	}
	sought[expressARN("lost")] = now.Add(-time.Hour) // nothing logged, long ago
	client := &countingLogs{logsAPI: newLogsClient(testLogsConfig(), url)}

	res, err := findLoggedEnds(context.Background(), client, logSearchQuery{LogGroupARN: testLogGroupARN, Runs: sought, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if n := client.calls.Load(); n != 1 || res.Pages != 1 {
		t.Errorf("FilterLogEvents calls = %d (pages %d), want 1", n, res.Pages)
	}
	want := map[string]loggedEnd{
		expressARN("ok"):       {Status: types.ExecutionStatusSucceeded, Output: `{"total":42,"note":"<é>"}`, OutputIncluded: true},
		expressARN("failed"):   {Status: types.ExecutionStatusFailed, Error: "States.TaskFailed", Cause: "boom"},
		expressARN("timedout"): {Status: types.ExecutionStatusTimedOut, Error: "States.Timeout"},
		expressARN("aborted"):  {Status: types.ExecutionStatusAborted},
	}
	if len(res.Found) != len(want) {
		t.Errorf("found %d runs, want %d: %+v", len(res.Found), len(want), res.Found)
	}
	for arn, w := range want {
		got := res.Found[arn]
		w.ExecutionARN, w.Stopped = arn, got.Stopped
		if got != w {
			t.Errorf("run %s = %+v, want %+v", arn, got, w)
		}
		if got.Stopped.Before(sought[arn]) || got.Stopped.After(now) {
			t.Errorf("run %s stopped at %v, want after its start %v", arn, got.Stopped, sought[arn])
		}
	}
	if !slices.Equal(res.Pending, []string{expressARN("running")}) || !slices.Equal(res.Missing, []string{expressARN("lost")}) {
		t.Errorf("pending %v, missing %v; want the running run pending and the old one missing", res.Pending, res.Missing)
	}
}

func TestFindLoggedEndsWithoutExecutionData(t *testing.T) {
	now := time.Now()
	svc, url := startLocalLogs(t, cwlogs.Options{})
	r := runLog{arn: expressARN("ok"), started: now.Add(-time.Minute), end: "ExecutionSucceeded", details: map[string]any{"output": `{"total":1}`}}
	if err := svc.Append("/aws/vendedlogs/states/orders", "s", r.messages(t, false)...); err != nil {
		t.Fatal(err)
	}
	res, err := findLoggedEnds(context.Background(), newLogsClient(testLogsConfig(), url),
		logSearchQuery{LogGroupARN: testLogGroupARN, Runs: map[string]time.Time{r.arn: r.started}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Found[r.arn]; got.Status != types.ExecutionStatusSucceeded || got.OutputIncluded || got.Output != "" {
		t.Errorf("run logged without execution data = %+v, want SUCCEEDED without output", got)
	}
}

func TestFindLoggedEndsPagesAndBoundsLargeEvents(t *testing.T) {
	now := time.Now()
	svc, url := startLocalLogs(t, cwlogs.Options{})
	sought := map[string]time.Time{}
	big := `{"s":"` + strings.Repeat("x", 240<<10) + `"}`
	for i := range 6 {
		r := runLog{arn: expressARN(fmt.Sprint("big", i)), started: now.Add(-4*time.Minute + time.Duration(i)*time.Second),
			end: "ExecutionSucceeded", details: map[string]any{"output": big}}
		sought[r.arn] = r.started
		if err := svc.Append("/aws/vendedlogs/states/orders", "s", r.messages(t, true)...); err != nil {
			t.Fatal(err)
		}
	}
	// An output Step Functions had to cut is flagged, and a record too large to parse is named by its ARN.
	cut := runLog{arn: expressARN("cut"), started: now.Add(-time.Minute), end: "ExecutionSucceeded",
		details: map[string]any{"output": `"` + strings.Repeat("y", cwlogs.MaxPayloadBytes) + `"`}}
	sought[cut.arn] = cut.started
	if err := svc.Append("/aws/vendedlogs/states/orders", "s", cut.messages(t, true)...); err != nil {
		t.Fatal(err)
	}
	huge := fmt.Sprintf(`{"id":"3","type":"ExecutionSucceeded","details":{"output":%q},"previous_event_id":"2","event_timestamp":"%d","execution_arn":%q,"redrive_count":"0"}`,
		strings.Repeat("z", maxLogMessageBytes), now.Add(-time.Minute).UnixMilli(), expressARN("huge"))
	sought[expressARN("huge")] = now.Add(-2 * time.Minute)
	if err := svc.Append("/aws/vendedlogs/states/orders", "s", cwlogs.Event{Timestamp: now.Add(-time.Minute), Message: huge}); err != nil {
		t.Fatal(err)
	}

	client := &countingLogs{logsAPI: newLogsClient(testLogsConfig(), url)}
	res, err := findLoggedEnds(context.Background(), client, logSearchQuery{LogGroupARN: testLogGroupARN, Runs: sought, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if res.Pages < 3 || int(client.calls.Load()) != res.Pages {
		t.Errorf("pages = %d (calls %d), want at least 3 pages of 1 MB for 6 outputs of 240 KiB and one of 1 MiB", res.Pages, client.calls.Load())
	}
	if len(res.Found) != len(sought) {
		t.Fatalf("found %d of %d runs; pending %v, missing %v", len(res.Found), len(sought), res.Pending, res.Missing)
	}
	if got := res.Found[expressARN("big5")]; got.Output != big || got.OutputTruncated {
		t.Errorf("a 240 KiB output was read as %d bytes, truncated %v", len(got.Output), got.OutputTruncated)
	}
	if got := res.Found[cut.arn]; !got.OutputTruncated {
		t.Errorf("an output cut by Step Functions: OutputTruncated = false")
	}
	if got := res.Found[expressARN("huge")]; !strings.Contains(got.Unreadable, "larger than") {
		t.Errorf("a record over %d bytes: Unreadable = %q", maxLogMessageBytes, got.Unreadable)
	}

	// Once every run sought is found, the search reads no further page.
	client.calls.Store(0)
	first := map[string]time.Time{expressARN("big0"): sought[expressARN("big0")]}
	res, err = findLoggedEnds(context.Background(), client, logSearchQuery{LogGroupARN: testLogGroupARN, Runs: first, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Found) != 1 || res.Pages != 1 || client.calls.Load() != 1 {
		t.Errorf("a run on the first page: found %d, %d pages, %d calls; want 1, 1, 1", len(res.Found), res.Pages, client.calls.Load())
	}
}

func TestFindLoggedEndsWindow(t *testing.T) {
	now := time.Now()
	svc, url := startLocalLogs(t, cwlogs.Options{})
	// A terminal event logged before the run's start (less the clock skew) is another run's that reused the ARN's
	// name long ago; it is outside the window.
	early := runLog{arn: expressARN("early"), started: now.Add(-30 * time.Minute), end: "ExecutionSucceeded", details: map[string]any{"output": "{}"}}
	if err := svc.Append("/aws/vendedlogs/states/orders", "s", early.messages(t, true)...); err != nil {
		t.Fatal(err)
	}
	var seen *cloudwatchlogs.FilterLogEventsInput
	client := logsFunc(func(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
		seen = in
		return newLogsClient(testLogsConfig(), url).FilterLogEvents(ctx, in, optFns...)
	})
	started := now.Add(-10 * time.Minute)
	res, err := findLoggedEnds(context.Background(), client, logSearchQuery{LogGroupARN: testLogGroupARN,
		Runs: map[string]time.Time{early.arn: started}, Now: now, DeliveryAllowance: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Found) != 0 || !slices.Equal(res.Missing, []string{early.arn}) {
		t.Errorf("found %v, missing %v; want the run missing", res.Found, res.Missing)
	}
	wantStart, wantEnd := started.Add(-logClockSkew).UnixMilli(), started.Add(maxExpressDuration+logClockSkew).UnixMilli()
	if aws.ToInt64(seen.StartTime) != wantStart || aws.ToInt64(seen.EndTime) != wantEnd ||
		aws.ToString(seen.LogGroupName) != "/aws/vendedlogs/states/orders" || aws.ToString(seen.FilterPattern) != terminalEventsPattern {
		t.Errorf("query = group %q, [%d, %d], pattern %q; want the orders group, [%d, %d] and the terminal pattern",
			aws.ToString(seen.LogGroupName), aws.ToInt64(seen.StartTime), aws.ToInt64(seen.EndTime), aws.ToString(seen.FilterPattern), wantStart, wantEnd)
	}
	if _, err := findLoggedEnds(context.Background(), client, logSearchQuery{LogGroupARN: "arn:aws:states:eu-west-1:1:stateMachine:x"}); err == nil {
		t.Error("findLoggedEnds with a state machine ARN as log group: error = nil")
	}
}

// logsFunc adapts a function to logsAPI.
type logsFunc func(context.Context, *cloudwatchlogs.FilterLogEventsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error)

func (f logsFunc) FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput,
	optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	return f(ctx, in, optFns...)
}

func TestFindLoggedEndsPrefersTheLatestRedrive(t *testing.T) {
	runs := map[string]time.Time{expressARN("r"): time.Now()}
	first, _ := parseLoggedEnd(fmt.Sprintf(`{"type":"ExecutionFailed","execution_arn":%q,"event_timestamp":"2000","redrive_count":"0","details":{"error":"E"}}`, expressARN("r")), 0, runs)
	second, _ := parseLoggedEnd(fmt.Sprintf(`{"type":"ExecutionSucceeded","execution_arn":%q,"event_timestamp":"1000","redrive_count":"1","details":{"output":{"a":1}}}`, expressARN("r")), 0, runs)
	if !preferLoggedEnd(second, first) || preferLoggedEnd(first, second) || !preferLoggedEnd(first, loggedEnd{}) {
		t.Errorf("preferLoggedEnd does not prefer the later redrive")
	}
	if second.Output != `{"a":1}` || !second.OutputIncluded {
		t.Errorf("an output logged as a JSON value = %q, want its text", second.Output)
	}
}

func TestNewLogsClientEndpoints(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		cwlogs.NewService(cwlogs.Options{}).ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", srv.URL)
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1") // the service-specific variable wins
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("eu-west-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")), config.WithRetryMaxAttempts(1))
	if err != nil {
		t.Fatal(err)
	}
	c := newLogsClient(cfg, "")
	if _, err := c.DescribeLogGroups(context.Background(), &cloudwatchlogs.DescribeLogGroupsInput{}); err != nil || hits.Load() != 1 {
		t.Fatalf("with AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: error %v, %d requests to it; want 1", err, hits.Load())
	}
	if h := c.Options().HTTPClient; sdkhttp.ReadOnlyBodies(h) != h {
		t.Errorf("the logs client's HTTP client %T is not wrapped by sdkhttp.ReadOnlyBodies", h)
	}

	// An explicit endpoint (Config.LogsEndpoint) wins over the environment.
	other := httptest.NewServer(cwlogs.NewService(cwlogs.Options{}))
	t.Cleanup(other.Close)
	_, err = newLogsClient(cfg, other.URL).CreateLogGroup(context.Background(), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("g")})
	if err != nil || hits.Load() != 1 {
		t.Errorf("with an explicit endpoint: error %v, requests to the environment's endpoint %d; want none", err, hits.Load()-1)
	}
}

func TestCheckEndpointURL(t *testing.T) {
	for _, tt := range []struct {
		value, want string
	}{
		{"http://127.0.0.1:4566", ""},
		{"https://logs.eu-west-1.amazonaws.com", ""},
		{"127.0.0.1:4566", "not a URL"},
		{"ftp://127.0.0.1", "not an http or https URL"},
		{"http://user:hunter2@127.0.0.1", "must not carry user information"},
		{"://", "not a URL"},
		{"admin:hunter2@logs.example:443", "not an http or https URL"}, // no scheme: url.Parse reads "admin" as one
		{"http:user:hunter2@logs.example", "not an http or https URL"},
	} {
		err := checkEndpointURL("Config.LogsEndpoint", tt.value)
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("checkEndpointURL(%q) = %v, want %q", tt.value, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("checkEndpointURL(%q) echoes the password: %v", tt.value, err)
		}
	}
}

func TestParseLogGroupARN(t *testing.T) {
	for _, tt := range []struct {
		arn  string
		want logGroup
		ok   bool
	}{
		{testLogGroupARN, logGroup{"eu-west-1", "111122223333", "/aws/vendedlogs/states/orders"}, true},
		{"arn:aws-cn:logs:cn-north-1:111122223333:log-group:g", logGroup{"cn-north-1", "111122223333", "g"}, true},
		{"arn:aws:logs:eu-west-1:111122223333:log-group:", logGroup{}, false},
		{"arn:aws:logs:eu-west-1:111122223333:log-group:g:log-stream:s", logGroup{}, false},
		{"arn:aws:states:eu-west-1:111122223333:stateMachine:x", logGroup{}, false},
		{"log-group:g", logGroup{}, false},
	} {
		got, err := parseLogGroupARN(tt.arn)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseLogGroupARN(%q) = %+v, %v; want %+v (ok %v)", tt.arn, got, err, tt.want, tt.ok)
		}
	}
}

// TestFindLoggedEndsAgainstMoto checks the reader against a CloudWatch Logs nobody here wrote: AWS-format records put
// with PutLogEvents into moto_server are read back.
func TestFindLoggedEndsAgainstMoto(t *testing.T) {
	endpoint := sfnlocaltest.StartMoto(t)
	ctx := context.Background()
	c := newLogsClient(testLogsConfig(), endpoint)
	group, stream := "/aws/vendedlogs/states/orders", "states/orders/2026-01-01-00-00/7851b2d9"
	if _, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	runs := []runLog{
		{arn: expressARN("ok"), started: now.Add(-2 * time.Minute), end: "ExecutionSucceeded", details: map[string]any{"output": `{"total":42}`}},
		{arn: expressARN("failed"), started: now.Add(-time.Minute), end: "ExecutionFailed", details: map[string]any{"error": "E", "cause": "C"}},
	}
	var events []cwtypes.InputLogEvent
	for _, r := range runs {
		for _, e := range r.messages(t, true) {
			events = append(events, cwtypes.InputLogEvent{Timestamp: aws.Int64(e.Timestamp.UnixMilli()), Message: aws.String(e.Message)})
		}
	}
	slices.SortFunc(events, func(a, b cwtypes.InputLogEvent) int { return int(aws.ToInt64(a.Timestamp) - aws.ToInt64(b.Timestamp)) })
	if _, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: events}); err != nil {
		t.Fatal(err)
	}
	sought := map[string]time.Time{runs[0].arn: runs[0].started, runs[1].arn: runs[1].started, expressARN("running"): now}
	res, err := findLoggedEnds(ctx, c, logSearchQuery{LogGroupARN: "arn:aws:logs:eu-west-1:123456789012:log-group:" + group + ":*", Runs: sought, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Found[runs[0].arn]; got.Status != types.ExecutionStatusSucceeded || got.Output != `{"total":42}` {
		t.Errorf("succeeded run read from moto = %+v", got)
	}
	if got := res.Found[runs[1].arn]; got.Status != types.ExecutionStatusFailed || got.Error != "E" || got.Cause != "C" {
		t.Errorf("failed run read from moto = %+v", got)
	}
	if len(res.Found) != 2 || !slices.Equal(res.Pending, []string{expressARN("running")}) {
		t.Errorf("found %d runs, pending %v; want 2 and the running one", len(res.Found), res.Pending)
	}
}

func FuzzParseLoggedEnd(f *testing.F) {
	arn := expressARN("f")
	f.Add(fmt.Sprintf(`{"type":"ExecutionSucceeded","execution_arn":%q,"event_timestamp":"5","redrive_count":"0","details":{"output":"{\"a\":1}"}}`, arn))
	f.Add(fmt.Sprintf(`{"type":"ExecutionFailed","execution_arn":%q,"details":{"error":"E","cause":"C"}}`, arn))
	f.Fuzz(func(t *testing.T, msg string) {
		end, ok := parseLoggedEnd(msg, 1, map[string]time.Time{arn: time.Now()})
		if !ok {
			return
		}
		known := slices.Contains(slices.Collect(maps.Values(terminalEventStatus)), end.Status)
		if end.ExecutionARN != arn || len(end.Output) > maxLogOutputBytes || (end.Unreadable == "" && !known) {
			t.Errorf("parseLoggedEnd(%q) = %+v", msg, end)
		}
	})
}
