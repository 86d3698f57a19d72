package sfnlocal

import (
	"crypto/sha256"
	"errors"
	"fmt"
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

// serveLogs answers a CloudWatch Logs request. It is counted in Calls under
// its operation name (for example "FilterLogEvents").
func (s *Server) serveLogs(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), cwlogs.TargetPrefix)
	s.mu.Lock()
	s.calls[op]++
	closed := s.closed
	s.mu.Unlock()
	if closed {
		writeError(w, errClosed())
		return
	}
	s.cfg.logger.Debug("sfnlocal: CloudWatch Logs call", "operation", op)
	s.logs.ServeHTTP(w, r)
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
