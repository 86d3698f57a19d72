package stepfunctions

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// machineInfoTTL is how long the logging configuration a Provider learnt of a state machine is trusted before the
// paths that depend on it (reading Express results from logs, asynchronous Express starts) describe the machine
// again: an operator who fixes the logging of a state machine sees the fix take effect within this time.
const machineInfoTTL = 15 * time.Minute

// machineInfo is what a Provider knows of a state machine, by its unqualified ARN: its type, from ListJobs, a
// lookup or a start, and its logging configuration, from ListJobs or a lookup.
type machineInfo struct {
	typ string
	// logging is valid when described is not zero.
	logging   loggingInfo
	described time.Time
}

// loggingInfo is a state machine's loggingConfiguration.
type loggingInfo struct {
	Level                string // ALL, ERROR, FATAL, OFF; "" when the machine has none
	IncludeExecutionData bool
	LogGroupARN          string // the one destination's log group
}

// loggingFrom reads DescribeStateMachine's loggingConfiguration.
func loggingFrom(c *types.LoggingConfiguration) loggingInfo {
	if c == nil {
		return loggingInfo{}
	}
	l := loggingInfo{Level: string(c.Level), IncludeExecutionData: c.IncludeExecutionData}
	for _, d := range c.Destinations {
		if d.CloudWatchLogsLogGroup != nil && d.CloudWatchLogsLogGroup.LogGroupArn != nil {
			l.LogGroupARN = *d.CloudWatchLogsLogGroup.LogGroupArn
			break
		}
	}
	return l
}

// resultsMissing says which setting keeps the results of Express runs out of the logs, or "" when they are there:
// the machine must log at level ALL with includeExecutionData to a log group.
func (l loggingInfo) resultsMissing() string {
	switch {
	case l.Level == "" || l.Level == string(types.LogLevelOff):
		return "the state machine does not log to CloudWatch Logs (logging level OFF): set its loggingConfiguration " +
			"to level ALL with includeExecutionData and a log group destination"
	case l.Level != string(types.LogLevelAll):
		return fmt.Sprintf("the state machine logs at level %s, which leaves out successful runs: set its logging "+
			"level to ALL (with includeExecutionData)", l.Level)
	case !l.IncludeExecutionData:
		return "the state machine logs without includeExecutionData, which leaves out the runs' outputs: turn on " +
			"includeExecutionData in its loggingConfiguration"
	case l.LogGroupARN == "":
		return "the state machine's loggingConfiguration names no log group: add a CloudWatch Logs log group destination"
	}
	if _, err := parseLogGroupARN(l.LogGroupARN); err != nil {
		return "the state machine's log group destination is not a log group ARN: " + err.Error()
	}
	return ""
}

// cachedType returns the type a Provider knows of the state machine with unqualified ARN base.
func (p *Provider) cachedType(base string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	m, ok := p.machines[base]
	return m.typ, ok && m.typ != ""
}

// rememberType records the type of the state machine with unqualified ARN base.
func (p *Provider) rememberType(base, t string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.machines[base]
	m.typ = t
	p.machines[base] = m
}

// rememberMachine records what a description of the state machine with unqualified ARN base said.
func (p *Provider) rememberMachine(base string, d *sfn.DescribeStateMachineOutput) {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.machines[base]
	if t := string(d.Type); t == TypeStandard || t == TypeExpress {
		m.typ = t
	}
	m.logging, m.described = loggingFrom(d.LoggingConfiguration), p.now()
	p.machines[base] = m
}

// describeMachine describes the state machine with unqualified ARN base (metadata only: no kms:Decrypt needed) and
// remembers what it says.
func (p *Provider) describeMachine(ctx context.Context, base string) (*sfn.DescribeStateMachineOutput, error) {
	// The type and logging are the same for every version and alias, and DescribeStateMachine does not take alias
	// ARNs.
	out, err := p.describeStateMachine(ctx, base, types.IncludedDataMetadataOnly)
	if err != nil {
		return nil, err
	}
	p.rememberMachine(base, out)
	return out, nil
}

// machineLogging returns the logging configuration of the state machine with unqualified ARN base: the one
// remembered when it is younger than machineInfoTTL, else a new description's.
func (p *Provider) machineLogging(ctx context.Context, base string) (loggingInfo, error) {
	p.mu.Lock()
	m, ok := p.machines[base]
	p.mu.Unlock()
	if ok && !m.described.IsZero() && p.now().Sub(m.described) < machineInfoTTL {
		return m.logging, nil
	}
	d, err := p.describeMachine(ctx, base)
	if err != nil {
		return loggingInfo{}, err
	}
	return loggingFrom(d.LoggingConfiguration), nil
}
