package cwlogs

import (
	"fmt"
	"strings"
)

// LogGroupNameFromARN returns the name of the log group a state machine's
// loggingConfiguration names by ARN,
// "arn:<partition>:logs:<region>:<account>:log-group:<name>:*" (the ":*" is
// optional, as in CloudWatch Logs' logGroupIdentifier).
func LogGroupNameFromARN(arn string) (string, error) {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) != 7 || parts[0] != "arn" || parts[2] != "logs" || parts[5] != "log-group" {
		return "", fmt.Errorf("%q is not a log group ARN such as arn:aws:logs:us-east-1:123456789012:log-group:<name>:*", arn)
	}
	name := strings.TrimSuffix(parts[6], ":*")
	if err := checkGroupName(name); err != nil {
		return "", fmt.Errorf("log group ARN %q: %w", arn, err)
	}
	return name, nil
}

// HasLogGroup reports whether the named log group exists.
func (s *Service) HasLogGroup(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.groups[name]
	return ok
}

// LogExecutionEvent writes e to a stream of a group as a state machine logging
// at level (with or without execution data) does: nothing when the level does
// not log e's type, else e's record (see [ExecutionEvent.Encode]) through
// [Service.Append], visible after the delivery delay.
func (s *Service) LogExecutionEvent(groupName, streamName string, level Level, includeExecutionData bool, e ExecutionEvent) error {
	if !level.Logs(e.Type) {
		return nil
	}
	msg, err := e.Encode(includeExecutionData)
	if err != nil {
		return err
	}
	return s.Append(groupName, streamName, Event{Timestamp: e.Timestamp, Message: string(msg)})
}
