package sfnlocal

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/polysync/stepfunctions/internal/asl"
	"github.com/polysync/stepfunctions/internal/cwlogs"
)

// Sources of the logging facts below:
//
//   - [recorded]: LocalStack's tests/aws/services/stepfunctions/v2/logs, whose
//     snapshots are recorded against AWS: a logging configuration that is
//     empty or has no destinations is stored as level OFF; OFF with a
//     destination is accepted; ALL, ERROR or FATAL without a destination,
//     two destinations, and a log group that does not exist are refused
//     with InvalidLoggingConfiguration. Its messages are used here.
//   - [qualifier]: the SDK's CloudWatchLogsLogGroup doc ("The ARN must end
//     with :*") and AWS's answer quoted in hashicorp/terraform-provider-aws
//     issue 17682: "Invalid Logging Configuration: Log Group ARN must be
//     provided with '*' qualifier."

// invalidLogging returns an InvalidLoggingConfiguration error.
func invalidLogging(reason string) *apiError {
	return errf("InvalidLoggingConfiguration", "Invalid Logging Configuration: %s", reason)
}

// checkLogging validates a LoggingConfiguration as far as the request alone
// allows; Server.checkLogDestination checks that its log group exists.
func checkLogging(l *loggingConfig) error {
	if l == nil {
		return nil
	}
	switch l.Level {
	case "", "OFF", "ALL", "ERROR", "FATAL":
	default:
		return validationf("1 validation error detected: Value '%s' at 'loggingConfiguration.level' failed to satisfy constraint: Member must satisfy enum value set: [ALL, ERROR, FATAL, OFF]", l.Level)
	}
	if len(l.Destinations) > 1 || len(l.Destinations) == 0 && l.on() { // [recorded]
		return invalidLogging("Must specify exactly one Log Destination.")
	}
	if len(l.Destinations) == 0 {
		return nil
	}
	arn := l.logGroupARN()
	if arn == "" {
		return invalidLogging("Must specify exactly one Log Destination.")
	}
	if _, err := cwlogs.LogGroupNameFromARN(arn); err != nil {
		// UNCONFIRMED: AWS's wording for an ARN that names no log group.
		return invalidLogging("Log Group ARN is not a CloudWatch Logs log group ARN.")
	}
	if !strings.HasSuffix(arn, ":*") {
		return invalidLogging("Log Group ARN must be provided with '*' qualifier.") // [qualifier]
	}
	return nil
}

// on reports whether the configuration logs anything.
func (l loggingConfig) on() bool { return l.Level != "" && l.Level != "OFF" }

// logGroupARN returns the ARN of the configuration's destination, "" when
// there is none.
func (l loggingConfig) logGroupARN() string {
	if len(l.Destinations) == 0 || l.Destinations[0].CloudWatchLogsLogGroup == nil {
		return ""
	}
	return l.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn
}

// checkLogDestination refuses a configuration that logs to a log group the
// server's Logs service does not hold ([recorded]: "Log Destination not
// found"), and creates in the group the stream AWS creates there to check
// that it may deliver. A configuration that logs nothing is not checked.
func (s *Server) checkLogDestination(l *loggingConfig) error {
	if l == nil || !l.on() {
		return nil
	}
	name, err := cwlogs.LogGroupNameFromARN(l.logGroupARN())
	if err != nil { // checkLogging refused it already
		return invalidLogging("Log Destination not found.")
	}
	err = s.logs.CreateLogStream(name, cwlogs.ValidationLogStreamName)
	var le *cwlogs.Error
	if err != nil && !(errors.As(err, &le) && le.Code == cwlogs.CodeAlreadyExists) {
		return invalidLogging("Log Destination not found.")
	}
	return nil
}

// CreateLogGroup creates a log group in the server's CloudWatch Logs service,
// as the CloudWatch Logs CreateLogGroup call on the server's endpoint does.
// A state machine may log to it once it exists (its ARN is
// "arn:<partition>:logs:<region>:<account>:log-group:<name>:*"). It fails
// when the group exists or the name is not a valid log group name.
func (s *Server) CreateLogGroup(name string) error {
	if err := s.logs.CreateLogGroup(name); err != nil {
		return fmt.Errorf("create log group: %w", err)
	}
	return nil
}

// LogGroupARN returns the ARN, with the ":*" qualifier a state machine's
// loggingConfiguration takes, of the log group name in the server's region
// and account.
func (s *Server) LogGroupARN(name string) string {
	return "arn:" + partitionOf(s.cfg.region) + ":logs:" + s.cfg.region + ":" + s.cfg.accountID + ":log-group:" + name + ":*"
}

// maxLogsRequestBytes bounds a CloudWatch Logs request body as the Logs
// service does.
const maxLogsRequestBytes = 8 << 20

// serveLogs answers a CloudWatch Logs request. Like a Step Functions call it
// is counted in Calls under its operation name ("FilterLogEvents"), must be
// signed by an accepted key, and meets the deny rules (action
// "logs:<Operation>", resource the log group's ARN), latency and faults.
func (s *Server) serveLogs(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), cwlogs.TargetPrefix)
	s.mu.Lock()
	s.calls[op]++
	c := &call{op: op, n: s.calls[op]}
	closed := s.closed
	s.mu.Unlock()
	if closed {
		writeError(w, errClosed())
		return
	}
	if err := s.checkCaller(r); err != nil {
		writeError(w, err)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxLogsRequestBytes+1))
	if err != nil {
		writeError(w, errf("SerializationException", "read request body: %v", err))
		return
	}
	if len(s.cfg.deny) > 0 {
		if err := s.denied("logs", op, s.logGroupOf(body)); err != nil {
			writeError(w, err)
			return
		}
	}
	drop, err := s.admit(r.Context(), c)
	if err != nil {
		writeError(w, err)
		return
	}
	s.cfg.logger.Debug("sfnlocal: CloudWatch Logs call", "operation", op)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if drop {
		s.logs.ServeHTTP(discard{header: http.Header{}}, r)
		dropConnection(w)
		return
	}
	s.logs.ServeHTTP(w, r)
}

// discard is a ResponseWriter that drops the response, for a call whose
// connection is dropped after it is processed.
type discard struct{ header http.Header }

func (d discard) Header() http.Header       { return d.header }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

// logGroupOf returns the ARN of the log group a CloudWatch Logs request
// names, "*" when it names none.
func (s *Server) logGroupOf(body []byte) string {
	var in struct {
		LogGroupName       string `json:"logGroupName"`
		LogGroupIdentifier string `json:"logGroupIdentifier"`
	}
	_ = json.Unmarshal(body, &in) // malformed bodies are reported by the service
	switch {
	case strings.HasPrefix(in.LogGroupIdentifier, "arn:"):
		return in.LogGroupIdentifier
	case in.LogGroupIdentifier != "":
		return s.LogGroupARN(in.LogGroupIdentifier)
	case in.LogGroupName != "":
		return s.LogGroupARN(in.LogGroupName)
	}
	return "*"
}

// execLog writes one execution's events to its state machine's log group.
// Its execution's histMu guards it.
type execLog struct {
	svc           *cwlogs.Service
	logger        *slog.Logger
	group, stream string
	level         cwlogs.Level
	withData      bool
	redriveCount  int
}

// newExecLog returns where an execution of machine m started at start logs
// with configuration l, nil when it logs nothing. Executions of one machine
// that start in the same minute share a stream, as three runs did in
// LocalStack's recording of AWS (how AWS picks the suffix is UNCONFIRMED).
func (s *Server) newExecLog(m *stateMachine, l loggingConfig, start time.Time) *execLog {
	if !l.on() {
		return nil
	}
	name, err := cwlogs.LogGroupNameFromARN(l.logGroupARN())
	if err != nil {
		return nil
	}
	sum := sha256.Sum256([]byte(m.arn))
	return &execLog{svc: s.logs, logger: s.cfg.logger, group: name, stream: cwlogs.LogStreamName(m.name, start, sum[:]),
		level: cwlogs.Level(l.Level), withData: l.IncludeExecutionData}
}

// write logs event id of execution arn. Delivery is best effort, as on AWS:
// an event that cannot be written (its log group is gone or full) is dropped
// and the execution goes on.
func (lg *execLog) write(arn string, id, prev int64, ev asl.Event) {
	err := lg.svc.LogExecutionEvent(lg.group, lg.stream, lg.level, lg.withData, cwlogs.ExecutionEvent{
		ID: id, PreviousEventID: prev, Type: ev.Type, Timestamp: ev.Timestamp, ExecutionARN: arn,
		RedriveCount: lg.redriveCount, Details: ev.Details})
	if err != nil {
		lg.logger.Debug("sfnlocal: execution log event dropped", "execution", arn, "type", ev.Type, "error", err)
	}
}
