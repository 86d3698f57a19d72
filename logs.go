package stepfunctions

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions/internal/sdkhttp"
)

// This file reads the end of Express runs from the CloudWatch Logs log group a state machine logs to. Step Functions
// writes each history event as one JSON object ("Logging in CloudWatch Logs" in the developer guide; the record is
// described and written by internal/cwlogs): string members id, type, previous_event_id, event_timestamp (epoch
// milliseconds), execution_arn, redrive_count, and an object details, which for ExecutionSucceeded holds output (JSON
// text in a string; only with includeExecutionData) and outputDetails.truncated, and for the failures error and cause.

// logsAPI is the CloudWatch Logs operation the provider calls, with the SDK's signature; *cloudwatchlogs.Client is one.
type logsAPI interface {
	FilterLogEvents(ctx context.Context, params *cloudwatchlogs.FilterLogEventsInput,
		optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error)
}

var _ logsAPI = (*cloudwatchlogs.Client)(nil)

// Bounds of a log search.
const (
	// maxExpressDuration is how long an Express execution may run.
	maxExpressDuration = 5 * time.Minute
	// logClockSkew widens the window for the difference between this host's clock (which dates a run's start) and
	// AWS's (which dates its events).
	logClockSkew = time.Minute
	// maxLogPages bounds the FilterLogEvents pages one search reads (each at most 10,000 events or 1 MB).
	maxLogPages = 100
	// maxLogMessageBytes bounds a log event that is parsed: CloudWatch Logs events are at most 1 MB.
	maxLogMessageBytes = 1 << 20
	// maxLogOutputBytes bounds an execution output, as Step Functions does (262,144 bytes).
	maxLogOutputBytes = 262144
)

// terminalEventStatus maps the type of the event that ends an execution to the execution's status.
var terminalEventStatus = map[string]types.ExecutionStatus{
	"ExecutionSucceeded": types.ExecutionStatusSucceeded,
	"ExecutionFailed":    types.ExecutionStatusFailed,
	"ExecutionTimedOut":  types.ExecutionStatusTimedOut,
	"ExecutionAborted":   types.ExecutionStatusAborted,
}

// terminalEventsPattern is the filterPattern that selects the events ending an execution.
const terminalEventsPattern = `{ ($.type = "ExecutionSucceeded") || ($.type = "ExecutionFailed") || ` +
	`($.type = "ExecutionTimedOut") || ($.type = "ExecutionAborted") }`

// newLogsClient returns the CloudWatch Logs client of a provider built from awsCfg. A non-empty endpoint
// (Config.LogsEndpoint) is used as the client's base endpoint; otherwise the SDK resolves one as for any client:
// AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, then AWS_ENDPOINT_URL and the shared config's endpoint_url (read only when awsCfg
// came from config.LoadDefaultConfig), then AWS's endpoint for the region. The HTTP client is wrapped as the Step
// Functions client's is (see internal/sdkhttp); wrapping twice is a no-op. optFns apply after the endpoint.
func newLogsClient(awsCfg aws.Config, endpoint string, optFns ...func(*cloudwatchlogs.Options)) *cloudwatchlogs.Client {
	awsCfg.HTTPClient = sdkhttp.ReadOnlyBodies(awsCfg.HTTPClient)
	return cloudwatchlogs.NewFromConfig(awsCfg, append([]func(*cloudwatchlogs.Options){func(o *cloudwatchlogs.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	}}, optFns...)...)
}

// checkEndpointURL checks an endpoint setting (such as Config.LogsEndpoint, named by field) is an http or https URL
// without user information. The value is quoted only once it is known to hold none, as that could be a password
// (nor an @, which in a value without "//" may follow one).
func checkEndpointURL(field, value string) error {
	u, err := url.Parse(value)
	switch {
	case err != nil:
		return fmt.Errorf("%s is not a URL such as http://127.0.0.1:8083", field)
	case u.User != nil:
		return fmt.Errorf("%s must not carry user information (host %q)", field, u.Host)
	case ((u.Scheme != "http" && u.Scheme != "https") || u.Host == "") && strings.Contains(value, "@"):
		// Without "//" url.Parse finds no user information, but "user:password@host" may still hold a password.
		return fmt.Errorf("%s is not an http or https URL such as http://127.0.0.1:8083 (not quoted: it holds an "+
			"@, which may follow a password)", field)
	case (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("%s %q is not an http or https URL", field, value)
	}
	return nil
}

// logGroup is a log group named by its ARN.
type logGroup struct {
	Region, Account, Name string
}

// parseLogGroupARN reads a log group ARN as loggingConfiguration holds it,
// "arn:<partition>:logs:<region>:<account>:log-group:<name>:*" (the ":*" is optional).
func parseLogGroupARN(arn string) (logGroup, error) {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) != 7 || parts[0] != "arn" || parts[2] != "logs" || parts[3] == "" || parts[4] == "" ||
		!strings.HasPrefix(parts[5], "log-group") {
		return logGroup{}, fmt.Errorf("%q is not a CloudWatch Logs log group ARN (arn:aws:logs:<region>:<account>:log-group:<name>:*)", arn)
	}
	name := strings.TrimSuffix(parts[6], ":*")
	if parts[5] != "log-group" || name == "" || strings.Contains(name, ":") {
		return logGroup{}, fmt.Errorf("%q is not a CloudWatch Logs log group ARN (arn:aws:logs:<region>:<account>:log-group:<name>:*)", arn)
	}
	return logGroup{Region: parts[3], Account: parts[4], Name: name}, nil
}

// logSearchQuery is what findLoggedEnds looks for: the runs of one log group.
type logSearchQuery struct {
	// LogGroupARN is the destination of the state machines' loggingConfiguration. The client must be in its region.
	LogGroupARN string
	// Runs maps the execution ARN of each run sought to when it started (for runs this library named, the
	// timestamp of the UUIDv7 in the execution name).
	Runs map[string]time.Time
	// Now is the time of the search.
	Now time.Time
	// DeliveryAllowance is how long after a run's latest possible end its events may still arrive; zero means
	// DefaultLogDeliveryAllowance.
	DeliveryAllowance time.Duration
	// Pattern is the filterPattern; empty means terminalEventsPattern. A narrower one (see runEndPattern) must
	// still select only terminal events.
	Pattern string
	// Through, when set, ends the window instead of the latest start plus 5 minutes: for runs whose start is not
	// known, sought from a lookback time to now.
	Through time.Time
}

// loggedEnd is how a run ended, as its terminal log event says.
type loggedEnd struct {
	ExecutionARN string
	// Status is SUCCEEDED, FAILED, TIMED_OUT or ABORTED.
	Status types.ExecutionStatus
	// Output is the execution's output (JSON text) when OutputIncluded.
	Output string
	// OutputIncluded is false when the event carries no output: the state machine logs without
	// includeExecutionData, or the run did not succeed.
	OutputIncluded bool
	// OutputTruncated is true when Step Functions cut the output to fit the log event: Output is then not the whole
	// output and must not be used.
	OutputTruncated bool
	// Error and Cause are the failure's, if any.
	Error, Cause string
	// Stopped is the event's time.
	Stopped time.Time
	// RedriveCount is the event's redrive_count.
	RedriveCount int
	// Unreadable says why the event could not be read (too large, or an output larger than Step Functions allows);
	// empty when it was read.
	Unreadable string
}

// logSearch is the answer of findLoggedEnds.
type logSearch struct {
	// Found holds the runs whose terminal event was read, by execution ARN.
	Found map[string]loggedEnd
	// Pending lists (sorted) the runs not found that may still be running or whose events may still arrive (started less than
	// 5 minutes plus the delivery allowance ago).
	Pending []string
	// Missing lists (sorted) the runs not found that are older: their events are not in the log group.
	Missing []string
	// Pages is how many FilterLogEvents calls the search made.
	Pages int
	// Truncated is true when the search stopped after maxLogPages pages with more to read; runs not found are then
	// Pending or Missing by age alone.
	Truncated bool
}

// findLoggedEnds finds the terminal event (ExecutionSucceeded, Failed, TimedOut or Aborted) of each run of q in its log
// group with one paged FilterLogEvents query: the filter pattern selects terminal events, the window runs from the
// earliest start to the latest start plus 5 minutes (an Express run's longest), both widened by a minute of clock
// skew and the end no later than now. The query stops once every run is found or after maxLogPages pages. Runs of
// Standard state machines may last longer than the window and are not its purpose. When a page fails, the error
// comes with the search so far, whose Found holds what the pages read before found (Pending and Missing are empty);
// an invalid log group ARN returns a nil search.
func findLoggedEnds(ctx context.Context, client logsAPI, q logSearchQuery) (*logSearch, error) {
	group, err := parseLogGroupARN(q.LogGroupARN)
	if err != nil {
		return nil, err
	}
	res := &logSearch{Found: map[string]loggedEnd{}}
	if len(q.Runs) == 0 {
		return res, nil
	}
	var first, last time.Time
	for _, started := range q.Runs {
		if first.IsZero() || started.Before(first) {
			first = started
		}
		if started.After(last) {
			last = started
		}
	}
	end := last.Add(maxExpressDuration + logClockSkew)
	if !q.Through.IsZero() {
		end = q.Through
	}
	if limit := q.Now.Add(logClockSkew); end.After(limit) {
		end = limit
	}
	in := &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName:  aws.String(group.Name),
		FilterPattern: aws.String(cmp.Or(q.Pattern, terminalEventsPattern)),
		StartTime:     aws.Int64(first.Add(-logClockSkew).UnixMilli()),
		EndTime:       aws.Int64(end.UnixMilli()),
	}
	pages := cloudwatchlogs.NewFilterLogEventsPaginator(client, in, func(o *cloudwatchlogs.FilterLogEventsPaginatorOptions) {
		o.StopOnDuplicateToken = true
	})
	for pages.HasMorePages() && len(res.Found) < len(q.Runs) {
		if res.Pages == maxLogPages {
			res.Truncated = true
			break
		}
		out, err := pages.NextPage(ctx)
		if err != nil {
			// What the pages before found stays (a throttled log group is read over several rounds).
			return res, fmt.Errorf("filter log events of log group %q: %w", group.Name, err)
		}
		res.Pages++
		for _, e := range out.Events {
			end, ok := parseLoggedEnd(aws.ToString(e.Message), aws.ToInt64(e.Timestamp), q.Runs)
			if ok && preferLoggedEnd(end, res.Found[end.ExecutionARN]) {
				res.Found[end.ExecutionARN] = end
			}
		}
	}
	allowance := q.DeliveryAllowance
	if allowance <= 0 {
		allowance = DefaultLogDeliveryAllowance
	}
	for arn, started := range q.Runs {
		switch _, found := res.Found[arn]; {
		case found:
		case q.Now.Before(started.Add(maxExpressDuration + allowance)):
			res.Pending = append(res.Pending, arn)
		default:
			res.Missing = append(res.Missing, arn)
		}
	}
	slices.Sort(res.Pending)
	slices.Sort(res.Missing)
	return res, nil
}

// preferLoggedEnd reports whether e should replace old (zero when none): a later redrive, else a later event.
func preferLoggedEnd(e, old loggedEnd) bool {
	if old.ExecutionARN == "" || e.RedriveCount != old.RedriveCount {
		return old.ExecutionARN == "" || e.RedriveCount > old.RedriveCount
	}
	return e.Stopped.After(old.Stopped)
}

// loggedRecord is the part of a Step Functions log record the search reads.
type loggedRecord struct {
	Type           string          `json:"type"`
	ExecutionARN   string          `json:"execution_arn"`
	EventTimestamp json.RawMessage `json:"event_timestamp"`
	RedriveCount   json.RawMessage `json:"redrive_count"`
	Details        struct {
		Output        json.RawMessage `json:"output"`
		OutputDetails struct {
			Truncated bool `json:"truncated"`
		} `json:"outputDetails"`
		Error string `json:"error"`
		Cause string `json:"cause"`
	} `json:"details"`
}

// parseLoggedEnd reads a log event's message and returns the terminal event of one of runs, or false when it is
// another event. eventTime (epoch ms) dates the event when its record does not.
func parseLoggedEnd(msg string, eventTime int64, runs map[string]time.Time) (loggedEnd, bool) {
	if len(msg) > maxLogMessageBytes {
		arn := recordExecutionARN(msg)
		if _, ok := runs[arn]; !ok {
			return loggedEnd{}, false
		}
		return loggedEnd{ExecutionARN: arn, Stopped: time.UnixMilli(eventTime),
			Unreadable: fmt.Sprintf("its log event is larger than %d bytes", maxLogMessageBytes)}, true
	}
	var rec loggedRecord
	if err := json.Unmarshal([]byte(msg), &rec); err != nil {
		return loggedEnd{}, false
	}
	status, terminal := terminalEventStatus[rec.Type]
	if _, sought := runs[rec.ExecutionARN]; !terminal || !sought {
		return loggedEnd{}, false
	}
	end := loggedEnd{ExecutionARN: rec.ExecutionARN, Status: status, Error: rec.Details.Error, Cause: rec.Details.Cause,
		OutputTruncated: rec.Details.OutputDetails.Truncated}
	ms, err := jsonInt(rec.EventTimestamp)
	if err != nil {
		ms = eventTime
	}
	end.Stopped = time.UnixMilli(ms)
	if n, err := jsonInt(rec.RedriveCount); err == nil {
		end.RedriveCount = int(n)
	}
	if out := bytes.TrimSpace(rec.Details.Output); len(out) > 0 && !bytes.Equal(out, []byte("null")) {
		// Step Functions writes the output as JSON text in a string; an output written as the JSON value itself is
		// read too.
		text := string(out)
		if out[0] == '"' {
			if err := json.Unmarshal(out, &text); err != nil {
				end.Unreadable = "its output is not a JSON string"
				return end, true
			}
		}
		if len(text) > maxLogOutputBytes {
			end.Unreadable = fmt.Sprintf("its output is larger than %d bytes", maxLogOutputBytes)
			return end, true
		}
		end.Output, end.OutputIncluded = text, true
	}
	return end, true
}

// jsonInt reads an integer written as a JSON string ("12", as Step Functions writes them) or number.
func jsonInt(raw json.RawMessage) (int64, error) {
	s := strings.Trim(string(bytes.TrimSpace(raw)), `"`)
	if s == "" {
		return 0, errors.New("no value")
	}
	return strconv.ParseInt(s, 10, 64)
}

// recordExecutionARN finds the execution_arn member of a record too large to parse whole. ARNs hold no quote or
// backslash, so the value ends at the next quote.
func recordExecutionARN(msg string) string {
	const key = `"execution_arn":"`
	i := strings.Index(msg, key)
	if i < 0 {
		return ""
	}
	rest := msg[i+len(key):]
	if j := strings.IndexByte(rest, '"'); j >= 0 && j <= 2048 {
		return rest[:j]
	}
	return ""
}
