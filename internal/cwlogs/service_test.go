package cwlogs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"
)

// clock is a settable clock for Options.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// start serves svc on loopback and returns an SDK client for it.
func start(t *testing.T, svc *Service) *cloudwatchlogs.Client {
	t.Helper()
	srv := httptest.NewServer(svc)
	t.Cleanup(srv.Close)
	return cloudwatchlogs.New(cloudwatchlogs.Options{
		Region:           "eu-west-1",
		BaseEndpoint:     aws.String(srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		RetryMaxAttempts: 1,
	})
}

// startWithGroup makes a Service with opts, creates the log group group in it
// and serves it as start does; it returns the Service and its SDK client.
func startWithGroup(t *testing.T, opts Options, group string) (*Service, *cloudwatchlogs.Client) {
	t.Helper()
	svc := NewService(opts)
	c := start(t, svc)
	if err := svc.CreateLogGroup(group); err != nil {
		t.Fatalf("CreateLogGroup(%q): %v", group, err)
	}
	return svc, c
}

// wantAPIError fails t unless err is an API error with code and HTTP status.
func wantAPIError(t *testing.T, err error, code string, status int) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != code {
		t.Fatalf("error = %v, want API error %s", err, code)
	}
	var respErr *awshttp.ResponseError
	if !errors.As(err, &respErr) || respErr.HTTPStatusCode() != status {
		t.Fatalf("error = %v, want HTTP status %d", err, status)
	}
}

func TestLogGroupsOnTheWire(t *testing.T) {
	ctx := context.Background()
	c := start(t, NewService(Options{Region: "eu-west-1", Account: "111122223333"}))
	for _, name := range []string{"/aws/vendedlogs/states/b", "/aws/vendedlogs/states/a", "other", "/aws/vendedlogs/states/c"} {
		if _, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name)}); err != nil {
			t.Fatalf("CreateLogGroup(%q): %v", name, err)
		}
	}
	_, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("other")})
	var exists *types.ResourceAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Fatalf("CreateLogGroup of an existing group: error = %v, want ResourceAlreadyExistsException", err)
	}
	wantAPIError(t, err, "ResourceAlreadyExistsException", http.StatusBadRequest)
	_, err = c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("bad name")})
	wantAPIError(t, err, "InvalidParameterException", http.StatusBadRequest)

	var names []string
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(c, &cloudwatchlogs.DescribeLogGroupsInput{
		LogGroupNamePrefix: aws.String("/aws/vendedlogs/states/"), Limit: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, g := range out.LogGroups {
			names = append(names, aws.ToString(g.LogGroupName))
			want := "arn:aws:logs:eu-west-1:111122223333:log-group:" + aws.ToString(g.LogGroupName)
			if aws.ToString(g.LogGroupArn) != want || aws.ToString(g.Arn) != want+":*" {
				t.Errorf("group ARNs = %q, %q; want %q and the same with :*", aws.ToString(g.LogGroupArn), aws.ToString(g.Arn), want)
			}
		}
	}
	if got := strings.Join(names, ","); got != "/aws/vendedlogs/states/a,/aws/vendedlogs/states/b,/aws/vendedlogs/states/c" || pages != 2 {
		t.Errorf("DescribeLogGroups pages = %d, names = %s; want 2 pages of the three states groups in order", pages, got)
	}
	_, err = c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{Limit: aws.Int32(51)})
	wantAPIError(t, err, "InvalidParameterException", http.StatusBadRequest)
}

func TestLogStreamsOnTheWire(t *testing.T) {
	ctx := context.Background()
	svc := NewService(Options{})
	c := start(t, svc)
	_, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")})
	var notFound *types.ResourceNotFoundException
	if !errors.As(err, &notFound) {
		t.Fatalf("CreateLogStream in a missing group: error = %v, want ResourceNotFoundException", err)
	}
	if err := svc.CreateLogGroup("g"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"states/b", "states/a"} {
		if _, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String(s)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("states/a")})
	wantAPIError(t, err, "ResourceAlreadyExistsException", http.StatusBadRequest)
	_, err = c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("a:b")})
	wantAPIError(t, err, "InvalidParameterException", http.StatusBadRequest)

	t0 := time.Now().Add(-time.Minute)
	if err := svc.Append("g", "states/b", Event{Timestamp: t0, Message: "x"}); err != nil {
		t.Fatal(err)
	}
	out, err := c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupIdentifier: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:g")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.LogStreams) != 2 || aws.ToString(out.LogStreams[0].LogStreamName) != "states/a" ||
		aws.ToInt64(out.LogStreams[1].LastEventTimestamp) != t0.UnixMilli() || out.LogStreams[0].LastEventTimestamp != nil {
		t.Errorf("DescribeLogStreams = %+v, want states/a (no events) then states/b (last event at %d)", out.LogStreams, t0.UnixMilli())
	}
	_, err = c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("g"),
		OrderBy: types.OrderByLastEventTime, LogStreamNamePrefix: aws.String("states/")})
	wantAPIError(t, err, "InvalidParameterException", http.StatusBadRequest)
	_, err = c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("g"), LogGroupIdentifier: aws.String("g")})
	wantAPIError(t, err, "InvalidParameterException", http.StatusBadRequest)
}

// TestDescribeLogStreamsPages checks that DescribeLogStreams pages by limit:
// the SDK's paginator sees every stream once, in order (descending too), and
// a token that is not one of its own is refused.
func TestDescribeLogStreamsPages(t *testing.T) {
	ctx := context.Background()
	_, c := startWithGroup(t, Options{}, "g")
	var want []string
	for i := range 5 {
		name := fmt.Sprintf("s%d", i)
		want = append(want, name)
		if _, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, descending := range []bool{false, true} {
		p := cloudwatchlogs.NewDescribeLogStreamsPaginator(c, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("g"),
			Limit: aws.Int32(2), Descending: aws.Bool(descending)})
		var got []string
		pages := 0
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("DescribeLogStreams page %d: %v", pages+1, err)
			}
			pages++
			for _, st := range out.LogStreams {
				got = append(got, aws.ToString(st.LogStreamName))
			}
		}
		w := slices.Clone(want)
		if descending {
			slices.Reverse(w)
		}
		if !slices.Equal(got, w) || pages != 3 {
			t.Errorf("DescribeLogStreams (descending %v) in pages of 2 = %v in %d pages, want %v in 3", descending, got, pages, w)
		}
	}
	_, err := c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("g"), NextToken: aws.String("bm90LWEtdG9rZW4")})
	wantAPIError(t, err, "InvalidParameterException", http.StatusBadRequest)
}

// putEvents puts messages at consecutive milliseconds from t0 and fails t on error.
func putEvents(t *testing.T, c *cloudwatchlogs.Client, group, stream string, t0 time.Time, messages ...string) {
	t.Helper()
	var events []types.InputLogEvent
	for i, m := range messages {
		events = append(events, types.InputLogEvent{Timestamp: aws.Int64(t0.UnixMilli() + int64(i)), Message: aws.String(m)})
	}
	if _, err := c.PutLogEvents(context.Background(), &cloudwatchlogs.PutLogEventsInput{
		LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: events}); err != nil {
		t.Fatalf("PutLogEvents: %v", err)
	}
}

func TestPutAndGetLogEvents(t *testing.T) {
	ctx := context.Background()
	svc, c := startWithGroup(t, Options{}, "g")
	if err := svc.CreateLogStream("g", "s"); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().Add(-time.Hour)
	putEvents(t, c, "g", "s", t0, "m0", "m1", "m2", "m3", "m4")

	// Forward from the head, two at a time, until the token repeats (the SDK's paginator stops there).
	var got []string
	p := cloudwatchlogs.NewGetLogEventsPaginator(c, &cloudwatchlogs.GetLogEventsInput{
		LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true), Limit: aws.Int32(2)},
		func(o *cloudwatchlogs.GetLogEventsPaginatorOptions) { o.StopOnDuplicateToken = true })
	for pages := 0; p.HasMorePages(); pages++ {
		if pages > 10 {
			t.Fatal("GetLogEvents paging does not end")
		}
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range out.Events {
			got = append(got, aws.ToString(e.Message))
		}
	}
	if strings.Join(got, ",") != "m0,m1,m2,m3,m4" {
		t.Errorf("GetLogEvents forward = %v, want m0..m4", got)
	}

	// Without startFromHead, the newest events come first, and the backward token reaches the older ones.
	out, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), Limit: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 2 || aws.ToString(out.Events[0].Message) != "m3" || aws.ToString(out.Events[1].Message) != "m4" {
		t.Fatalf("GetLogEvents from the tail = %+v, want m3, m4", out.Events)
	}
	back, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"),
		Limit: aws.Int32(2), NextToken: out.NextBackwardToken})
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Events) != 2 || aws.ToString(back.Events[0].Message) != "m1" || aws.ToInt64(back.Events[0].Timestamp) != t0.UnixMilli()+1 {
		t.Errorf("GetLogEvents backward = %+v, want m1, m2", back.Events)
	}

	// A time window: GetLogEvents' endTime is exclusive ("Events with a timestamp equal to or later than this time
	// are not included", API reference), unlike FilterLogEvents'.
	win, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"),
		StartTime: aws.Int64(t0.UnixMilli() + 1), EndTime: aws.Int64(t0.UnixMilli() + 3), StartFromHead: aws.Bool(true)})
	if err != nil || len(win.Events) != 2 || aws.ToString(win.Events[0].Message) != "m1" || aws.ToString(win.Events[1].Message) != "m2" {
		t.Errorf("GetLogEvents in [t0+1ms, t0+3ms) = %d events, %v; want m1, m2", len(win.Events), err)
	}
	empty, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"),
		StartTime: aws.Int64(t0.UnixMilli() + 1), EndTime: aws.Int64(t0.UnixMilli() + 1), StartFromHead: aws.Bool(true)})
	if err != nil || len(empty.Events) != 0 {
		t.Errorf("GetLogEvents in [t0+1ms, t0+1ms) = %d events, %v; want none", len(empty.Events), err)
	}

	_, err = c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("missing")})
	wantAPIError(t, err, "ResourceNotFoundException", http.StatusBadRequest)
	_, err = c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), NextToken: aws.String("garbage")})
	wantAPIError(t, err, "InvalidParameterException", http.StatusBadRequest)
}

func TestPutLogEventsRefusesAndRejects(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	svc, c := startWithGroup(t, Options{Now: clk.Now}, "g")
	put := func(stream string, ts ...time.Time) (*cloudwatchlogs.PutLogEventsOutput, error) {
		var events []types.InputLogEvent
		for _, x := range ts {
			events = append(events, types.InputLogEvent{Timestamp: aws.Int64(x.UnixMilli()), Message: aws.String("m")})
		}
		return c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String(stream), LogEvents: events})
	}
	now := clk.Now()
	_, err := put("missing", now)
	wantAPIError(t, err, "ResourceNotFoundException", http.StatusBadRequest)
	if err := svc.CreateLogStream("g", "s"); err != nil {
		t.Fatal(err)
	}
	_, err = put("s", now, now.Add(-time.Second))
	wantAPIError(t, err, "InvalidParameterException", http.StatusBadRequest)
	_, err = put("s", now.Add(-25*time.Hour), now)
	wantAPIError(t, err, "InvalidParameterException", http.StatusBadRequest)

	out, err := put("s", now.Add(-15*24*time.Hour), now, now.Add(3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	info := out.RejectedLogEventsInfo
	if info == nil || aws.ToInt32(info.TooOldLogEventEndIndex) != 0 || aws.ToInt32(info.TooNewLogEventStartIndex) != 2 {
		t.Fatalf("RejectedLogEventsInfo = %+v, want too old up to 0 and too new from 2", info)
	}
	got, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")})
	if err != nil || len(got.Events) != 1 || aws.ToInt64(got.Events[0].Timestamp) != now.UnixMilli() {
		t.Errorf("stored events = %+v, %v; want only the one in range", got, err)
	}
}

// terminal returns a Step Functions-style record of the given type for execution arn.
func terminal(typ, arn string) string {
	return fmt.Sprintf(`{"id":"4","type":%q,"details":{},"previous_event_id":"3","event_timestamp":"1","execution_arn":%q,"redrive_count":"0"}`, typ, arn)
}

func TestFilterLogEventsOnTheWire(t *testing.T) {
	ctx := context.Background()
	svc, c := startWithGroup(t, Options{}, "sfn")
	t0 := time.Now().Add(-10 * time.Minute).Truncate(time.Millisecond)
	var events []Event
	for i := range 30 {
		typ := []string{"ExecutionStarted", "PassStateEntered", "ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut"}[i%5]
		events = append(events, Event{Timestamp: t0.Add(time.Duration(i) * time.Second), Message: terminal(typ, fmt.Sprintf("arn:x:%d", i))})
	}
	if err := svc.Append("sfn", "states/m/1", events[:15]...); err != nil {
		t.Fatal(err)
	}
	if err := svc.Append("sfn", "states/m/2", events[15:]...); err != nil {
		t.Fatal(err)
	}
	pattern := `{ ($.type = "ExecutionSucceeded") || ($.type = "ExecutionFailed") || ($.type = "ExecutionTimedOut") || ($.type = "ExecutionAborted") }`
	in := &cloudwatchlogs.FilterLogEventsInput{
		LogGroupIdentifier: aws.String("arn:aws:logs:us-east-1:123456789012:log-group:sfn:*"),
		FilterPattern:      aws.String(pattern),
		StartTime:          aws.Int64(t0.Add(5 * time.Second).UnixMilli()),
		EndTime:            aws.Int64(t0.Add(24 * time.Second).UnixMilli()),
		Limit:              aws.Int32(4),
	}
	var got []string
	pages := 0
	for p := cloudwatchlogs.NewFilterLogEventsPaginator(c, in); p.HasMorePages(); pages++ {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range out.Events {
			var rec struct {
				ExecutionARN string `json:"execution_arn"`
			}
			if err := json.Unmarshal([]byte(aws.ToString(e.Message)), &rec); err != nil {
				t.Fatal(err)
			}
			got = append(got, strings.TrimPrefix(rec.ExecutionARN, "arn:x:"))
			if aws.ToString(e.LogStreamName) == "" || aws.ToString(e.EventId) == "" || aws.ToInt64(e.IngestionTime) == 0 {
				t.Errorf("event %+v lacks its stream, id or ingestion time", e)
			}
		}
	}
	// Terminal events are i%5 in {2,3,4}; the window holds i = 5..24.
	want := "7,8,9,12,13,14,17,18,19,22,23,24"
	if strings.Join(got, ",") != want || pages != 3 {
		t.Errorf("FilterLogEvents = %v in %d pages, want %s in 3 pages", got, pages, want)
	}

	out, err := c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("sfn"),
		LogStreamNames: []string{"states/m/2"}, FilterPattern: aws.String(`"arn:x:16"`)})
	if err != nil || len(out.Events) != 1 {
		t.Errorf("FilterLogEvents of a term in one stream = %+v, %v; want one event", out, err)
	}
	for name, in := range map[string]*cloudwatchlogs.FilterLogEventsInput{
		"bad pattern":       {LogGroupName: aws.String("sfn"), FilterPattern: aws.String(`{ $.type = }`)},
		"limit too high":    {LogGroupName: aws.String("sfn"), Limit: aws.Int32(10001)},
		"names and prefix":  {LogGroupName: aws.String("sfn"), LogStreamNames: []string{"a"}, LogStreamNamePrefix: aws.String("a")},
		"window reversed":   {LogGroupName: aws.String("sfn"), StartTime: aws.Int64(2), EndTime: aws.Int64(1)},
		"token of nonsense": {LogGroupName: aws.String("sfn"), NextToken: aws.String("!!")},
	} {
		_, err := c.FilterLogEvents(ctx, in)
		t.Run(name, func(t *testing.T) { wantAPIError(t, err, "InvalidParameterException", http.StatusBadRequest) })
	}
	_, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("nope")})
	wantAPIError(t, err, "ResourceNotFoundException", http.StatusBadRequest)
}

func TestFilterLogEventsPagesAtOneMegabyte(t *testing.T) {
	ctx := context.Background()
	svc, c := startWithGroup(t, Options{}, "g")
	big := strings.Repeat("x", 300<<10)
	t0 := time.Now().Add(-time.Minute)
	for i := range 5 {
		if err := svc.Append("g", "s", Event{Timestamp: t0.Add(time.Duration(i) * time.Millisecond), Message: big}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("g")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Events) != 3 || out.NextToken == nil {
		t.Errorf("first page of 5 events of 300 KiB holds %d events (token %v), want 3 and a next token", len(out.Events), out.NextToken)
	}
}

func TestDeliveryDelay(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Now()}
	svc, c := startWithGroup(t, Options{Now: clk.Now, DeliveryDelay: 5 * time.Second}, "g")
	if err := svc.Append("g", "s", Event{Timestamp: clk.Now(), Message: "late"}); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		out, err := c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("g")})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.Events)
	}
	if n := count(); n != 0 {
		t.Fatalf("events visible before the delivery delay = %d, want 0", n)
	}
	clk.advance(5 * time.Second)
	if n := count(); n != 1 {
		t.Fatalf("events visible after the delivery delay = %d, want 1", n)
	}
	if err := svc.Append("missing", "s", Event{Timestamp: clk.Now(), Message: "x"}); err == nil {
		t.Error("Append to a missing group: error = nil, want ResourceNotFoundException")
	}
}

func TestGroupsAreBounded(t *testing.T) {
	svc, c := startWithGroup(t, Options{MaxEventsPerGroup: 3, MaxBytesPerGroup: 10, MaxGroups: 1, MaxStreamsPerGroup: 1}, "g")
	var apiErr *Error
	if err := svc.CreateLogGroup("h"); !errors.As(err, &apiErr) || apiErr.Code != CodeLimitExceeded {
		t.Errorf("a group beyond MaxGroups: error = %v, want LimitExceededException", err)
	}
	t0 := time.Now().Add(-time.Minute)
	for i := range 5 {
		if err := svc.Append("g", "s", Event{Timestamp: t0.Add(time.Duration(i) * time.Millisecond), Message: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.Append("g", "s2", Event{Timestamp: t0, Message: "x"}); !errors.As(err, &apiErr) || apiErr.Code != CodeLimitExceeded {
		t.Errorf("a stream beyond MaxStreamsPerGroup: error = %v, want LimitExceededException", err)
	}
	out, err := c.FilterLogEvents(context.Background(), &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("g")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range out.Events {
		got = append(got, aws.ToString(e.Message))
	}
	if strings.Join(got, ",") != "2,3,4" {
		t.Errorf("events kept = %v, want the newest 3", got)
	}
	if err := svc.Append("g", "s", Event{Timestamp: t0.Add(time.Second), Message: "0123456789ab"}); err != nil {
		t.Fatal(err)
	}
	out, _ = c.FilterLogEvents(context.Background(), &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("g")})
	if len(out.Events) != 1 {
		t.Errorf("after a 12-byte event in a 10-byte group, %d events kept, want only it", len(out.Events))
	}
}

func TestServeHTTPRefusesOtherRequests(t *testing.T) {
	svc := NewService(Options{})
	for _, tt := range []struct {
		method, target string
		want           string
	}{
		{http.MethodPost, "Logs_20140328.DeleteLogGroup", CodeUnknownOperation},
		{http.MethodPost, "AWSStepFunctions.ListStateMachines", CodeUnknownOperation},
		{http.MethodGet, "Logs_20140328.DescribeLogGroups", CodeSerialization},
	} {
		r := httptest.NewRequest(tt.method, "/", strings.NewReader("{}"))
		r.Header.Set("X-Amz-Target", tt.target)
		w := httptest.NewRecorder()
		svc.ServeHTTP(w, r)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"__type":"`+tt.want+`"`) {
			t.Errorf("%s %s: %d %s, want 400 %s", tt.method, tt.target, w.Code, w.Body, tt.want)
		}
		if IsLogsRequest(r) != strings.HasPrefix(tt.target, "Logs_") {
			t.Errorf("IsLogsRequest(%s) = %v", tt.target, IsLogsRequest(r))
		}
	}
}

// TestServeHTTPNamesTheMemberOfAnotherJSONType checks that a request whose
// member holds a value of the wrong JSON kind gets a SerializationException
// naming the member as it stands on the wire (limit sits in the embedded
// pageRequest; timestamp in an element of logEvents) and the kind it wants,
// not a Go type.
func TestServeHTTPNamesTheMemberOfAnotherJSONType(t *testing.T) {
	svc := NewService(Options{})
	for _, tt := range []struct {
		op, body, want string
	}{
		{"DescribeLogStreams", `{"logGroupName":"g","limit":"ten"}`, "member limit: cannot use a JSON string as a number"},
		{"PutLogEvents", `{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":"now","message":"m"}]}`,
			"member logEvents.timestamp: cannot use a JSON string as a number"},
		{"CreateLogGroup", `{"logGroupName":["g"]}`, "member logGroupName: cannot use a JSON array as a string"},
		{"CreateLogGroup", `{} {}`, "request body has data after the JSON object"},
		{"CreateLogGroup", `null`, "request body must be a JSON object, not null"},
	} {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
		r.Header.Set("X-Amz-Target", TargetPrefix+tt.op)
		w := httptest.NewRecorder()
		svc.ServeHTTP(w, r)
		var got struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != http.StatusBadRequest ||
			w.Header().Get("X-Amzn-ErrorType") != CodeSerialization || got.Type != CodeSerialization || got.Message != tt.want {
			t.Errorf("%s %s: %d %s, want 400 %s %q", tt.op, tt.body, w.Code, w.Body, CodeSerialization, tt.want)
		}
	}
}
