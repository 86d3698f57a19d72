package stepfunctions

import (
	"fmt"
	"strconv"
	"time"
)

// consoleHosts maps a partition to its console host pattern; %s is the region.
var consoleHosts = map[string]string{
	"aws":        "https://%s.console.aws.amazon.com",
	"aws-cn":     "https://%s.console.amazonaws.cn",
	"aws-us-gov": "https://%s.console.amazonaws-us-gov.com",
}

// ConsoleURL returns the AWS console link for a Step Functions ARN: a state machine (also a version or alias),
// a Standard execution, or an Express execution. The region and partition (aws, aws-cn, aws-us-gov) come from
// the ARN itself.
//
// An Express execution's console page needs the execution's start time, which its ARN does not carry: for an
// Express ARN ConsoleURL returns the link without the startDate query, which the console may not be able to
// open. Provider.ConsoleURL adds the start date for Express runs it started.
//
// Anything that is not a Step Functions ARN is an ErrInvalidInput error; a Step Functions ARN of another kind
// (activity, map run) or of another partition is an ErrNotSupported error.
func ConsoleURL(arn string) (string, error) {
	return consoleURL(arn, time.Time{})
}

// consoleURL is ConsoleURL with the Express start date, when known.
func consoleURL(arn string, expressStart time.Time) (string, error) {
	const op = "ConsoleURL"
	a, err := parseARN(arn)
	if err != nil {
		return "", invalid(op, "%w", err)
	}
	hostFmt, ok := consoleHosts[a.partition]
	if !ok {
		return "", &Error{Op: op, Kind: ErrNotSupported, Resource: arn,
			Err: fmt.Errorf("no console links for partition %q (want aws, aws-cn or aws-us-gov)", a.partition)}
	}
	base := fmt.Sprintf(hostFmt, a.region) + "/states/home?region=" + a.region
	switch a.resource {
	case resStateMachine:
		if _, err := parseStateMachineARN(arn); err != nil {
			return "", invalid(op, "%w", err)
		}
		return base + "#/statemachines/view/" + arn, nil
	case resExecution, resExpress:
		if _, err := parseExecutionARN(arn); err != nil {
			return "", invalid(op, "%w", err)
		}
		if a.resource == resExecution {
			return base + "#/v2/executions/details/" + arn, nil
		}
		u := base + "#/express-executions/details/" + arn
		if !expressStart.IsZero() {
			u += "?startDate=" + strconv.FormatInt(expressStart.UnixMilli(), 10)
		}
		return u, nil
	default:
		return "", &Error{Op: op, Kind: ErrNotSupported, Resource: arn,
			Err: fmt.Errorf("no console link for Step Functions resource type %q", a.resource)}
	}
}
