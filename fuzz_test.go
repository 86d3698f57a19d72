package stepfunctions

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/polysync/stepfunctions/internal/sfnarn"
)

// FuzzConsoleURL checks that no ARN makes ConsoleURL panic, that its errors are ErrInvalidInput or ErrNotSupported,
// and that a link it returns is an https URL of a console host, for the ARN's region, that names the ARN. Seeds are
// in testdata/fuzz/FuzzConsoleURL.
func FuzzConsoleURL(f *testing.F) {
	for _, s := range []string{
		"arn:aws:states:eu-west-1:123456789012:stateMachine:orders:prod",
		"arn:aws:states:us-east-1:123456789012:execution:orders:run-1",
		"arn:aws-cn:states:cn-north-1:123456789012:express:m:e:0b7d4c5e-0000-4000-8000-000000000000",
		"arn:aws-iso:states:us-iso-east-1:123456789012:stateMachine:m",
		"arn:aws:states:us-east-1:123456789012:activity:a",
	} {
		f.Add(s, int64(1_700_000_000_000))
	}
	f.Fuzz(func(t *testing.T, arn string, startMillis int64) {
		u, err := consoleURL(arn, time.UnixMilli(startMillis))
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) && !errors.Is(err, ErrNotSupported) {
				t.Fatalf("consoleURL(%q) error %v is neither ErrInvalidInput nor ErrNotSupported", arn, err)
			}
			return
		}
		a, err := sfnarn.Parse(arn)
		if err != nil {
			t.Fatalf("consoleURL(%q) = %q for an ARN that does not parse: %v", arn, u, err)
		}
		pu, err := url.Parse(u)
		if err != nil {
			t.Fatalf("consoleURL(%q) = %q, not a URL: %v", arn, u, err)
		}
		host, _ := consoleHost(a.Partition, a.Region)
		if pu.Scheme != "https" || !strings.HasPrefix(u, host+"/") || pu.Query().Get("region") != a.Region {
			t.Fatalf("consoleURL(%q) = %q, want an https link on %s for region %s", arn, u, host, a.Region)
		}
		if !strings.Contains(pu.Fragment, arn) {
			t.Fatalf("consoleURL(%q) = %q does not name the ARN", arn, u)
		}
	})
}

// FuzzParseIDs checks the parsing of the job IDs and run IDs a host hands over: no input makes it panic, what is
// accepted prints back to the input and is of the kind asked for, and nothing is both a job and a run. Seeds are in
// testdata/fuzz/FuzzParseIDs.
func FuzzParseIDs(f *testing.F) {
	for _, s := range []string{
		"arn:aws:states:eu-west-1:123456789012:stateMachine:orders",
		"arn:aws:states:eu-west-1:123456789012:stateMachine:orders:7",
		"arn:aws:states:eu-west-1:123456789012:execution:orders:run",
		"arn:aws:states:eu-west-1:123456789012:execution:orders/map:child",
		"arn:aws:states:eu-west-1:123456789012:express:orders:run:id",
		"arn:aws:states:aa-a-0:000000000000::0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		job, jobErr := parseStateMachineARN(s)
		run, runErr := parseExecutionARN(s)
		if jobErr == nil && runErr == nil {
			t.Fatalf("%q parses as both a state machine and an execution", s)
		}
		if jobErr == nil && (job.String() != s || job.Kind != sfnarn.StateMachine && job.Kind != sfnarn.Version && job.Kind != sfnarn.Alias) {
			t.Fatalf("parseStateMachineARN(%q) = %+v", s, job)
		}
		if runErr == nil && (run.String() != s || run.Kind != sfnarn.Execution && run.Kind != sfnarn.Express) {
			t.Fatalf("parseExecutionARN(%q) = %+v", s, run)
		}
		if jobErr == nil {
			if _, err := parseExecutionARN(job.Execution("n").String()); err != nil {
				t.Fatalf("the execution n of %q does not parse as a run ID: %v", s, err)
			}
		}
	})
}
