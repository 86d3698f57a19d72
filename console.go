package stepfunctions

import (
	"fmt"
	"strconv"
	"time"

	"github.com/polysync/stepfunctions/internal/sfnarn"
)

// consoleHost returns the base URL of the AWS console for region, in partition. ok is false for the aws-iso
// partitions: their consoles are on closed networks whose hosts AWS does not publish.
func consoleHost(partition, region string) (host string, ok bool) {
	switch partition {
	case "aws":
		return "https://" + region + ".console.aws.amazon.com", true
	case "aws-cn":
		return "https://" + region + ".console.amazonaws.cn", true
	case "aws-us-gov":
		return "https://" + region + ".console.amazonaws-us-gov.com", true
	case "aws-eusc":
		// UNCONFIRMED: no AWS documentation page found states the European Sovereign Cloud's console host. The
		// SDK's own endpoint rules put its sign-in at <region>.signin.amazonaws-eusc.eu (service/signin), the other
		// partitions serve sign-in and console from one domain, and public guides name console.amazonaws-eusc.eu.
		// The host without a region prefix is used, the region being in the query, so that the link does not rely
		// on regional console hosts in that partition.
		return "https://console.amazonaws-eusc.eu", true
	}
	return "", false
}

// consolePartitions lists the partitions consoleHost knows, for messages.
const consolePartitions = "aws, aws-cn, aws-eusc or aws-us-gov"

// ConsoleURL returns the AWS console link for a Step Functions ARN: a state machine (also a version or alias),
// a Standard execution, or an Express execution. The region and partition (aws, aws-cn, aws-us-gov, aws-eusc)
// come from the ARN itself.
//
// An Express execution's console page needs the execution's start time, which its ARN does not carry: for an
// Express ARN ConsoleURL returns the link without the startDate query, which the console may not be able to
// open. Provider.ConsoleURL adds the start date for Express runs it started.
//
// Anything that is not a valid Step Functions ARN is an ErrInvalidInput error; a Step Functions ARN of another
// kind (activity, map run) or of a partition without a public console (aws-iso*) is an ErrNotSupported error.
func ConsoleURL(arn string) (string, error) {
	return consoleURL(arn, time.Time{})
}

// ConsoleURLWithStart is ConsoleURL with the start time of an Express execution, which its console page needs
// (as the startDate query, in epoch milliseconds) and its ARN does not carry: the StartedAt of the run, as
// ExecutePipeline or GetPipelineRunStatus returned it. For other ARNs, and with a zero start, it returns what
// ConsoleURL returns.
func ConsoleURLWithStart(arn string, start time.Time) (string, error) {
	return consoleURL(arn, start)
}

// consoleURL is ConsoleURL with the Express start date, when known.
func consoleURL(arn string, expressStart time.Time) (string, error) {
	const op = "ConsoleURL"
	a, err := sfnarn.Parse(arn)
	if err != nil {
		return "", invalid(op, "%w", err)
	}
	host, ok := consoleHost(a.Partition, a.Region)
	if !ok {
		return "", &Error{Op: op, Kind: ErrNotSupported, Resource: arn,
			Err: fmt.Errorf("no console links for partition %s, whose console AWS does not publish (want %s)", a.Partition, consolePartitions)}
	}
	base := host + "/states/home?region=" + a.Region
	switch a.Kind {
	case sfnarn.StateMachine, sfnarn.Version, sfnarn.Alias:
		return base + "#/statemachines/view/" + arn, nil
	case sfnarn.Execution:
		return base + "#/v2/executions/details/" + arn, nil
	case sfnarn.Express:
		u := base + "#/express-executions/details/" + arn
		if !expressStart.IsZero() {
			u += "?startDate=" + strconv.FormatInt(expressStart.UnixMilli(), 10)
		}
		return u, nil
	default:
		return "", &Error{Op: op, Kind: ErrNotSupported, Resource: arn,
			Err: fmt.Errorf("no console link for %s", a.Kind.Indefinite())}
	}
}
