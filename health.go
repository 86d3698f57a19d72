package stepfunctions

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions/internal/sfnarn"
	"github.com/polysync/stepfunctions/internal/sfnops"
)

// Finding is one thing CheckJob found that can make a job's runs fail, or behave other than a host expects.
type Finding struct {
	// Code identifies the kind of finding: one of the Finding* constants, or a code of
	// ValidateStateMachineDefinition's diagnostics (such as SCHEMA_VALIDATION_FAILED), which AWS may add to.
	Code string
	// Message says what is wrong, naming the version when the job is an alias.
	Message string
	// Fix says what to change.
	Fix string
}

// Codes of the findings CheckJob makes itself.
const (
	// FindingExpressResultsNotInLogs: an Express job whose logging configuration keeps its runs' results out of
	// CloudWatch Logs, so that a Provider that did not start a run (another replica, a restart, ExpressAsync)
	// cannot learn how it ended.
	FindingExpressResultsNotInLogs = "EXPRESS_RESULTS_NOT_IN_LOGS"
	// FindingKMSAccessDenied: the caller may not use the state machine's customer managed KMS key, so it can
	// neither start runs nor read their input and output.
	FindingKMSAccessDenied = "KMS_ACCESS_DENIED"
	// FindingKMSKeyUnusable: the state machine's KMS key is disabled or pending deletion.
	FindingKMSKeyUnusable = "KMS_KEY_UNUSABLE"
	// FindingAliasSplitsRuns: the job is an alias that routes runs to two versions; each run lands on either.
	FindingAliasSplitsRuns = "ALIAS_SPLITS_RUNS"
	// FindingDiagnosticsTruncated: ValidateStateMachineDefinition found more diagnostics than it returns (100).
	FindingDiagnosticsTruncated = "DIAGNOSTICS_TRUNCATED"
)

// CheckJob reports what may make the job's runs fail, or differ from what a host expects, before a run does: the
// warnings and errors ValidateStateMachineDefinition finds in its definition (run with severity WARNING, for the
// job's type), an Express job whose logging cannot return results (FindingExpressResultsNotInLogs), a KMS key the
// caller cannot use (FindingKMSAccessDenied, FindingKMSKeyUnusable) and an alias routing to two versions
// (FindingAliasSplitsRuns; each routed version is then checked, and its findings name it). No finding means
// nothing was found; the error reports a check that could not be made (the job does not exist, access denied
// other than KMS, throttled).
//
// It is opt-in, separate from ListJobs, because it costs calls that discovery does not make: for each version
// checked one DescribeStateMachine with the definition (DescribeStateMachine's rate limit) and one
// ValidateStateMachineDefinition (states:ValidateStateMachineDefinition, granted on "*"), plus a
// DescribeStateMachineAlias for an alias, a call whose documented quota is small. A host checks the jobs it
// imports, or one job when a user asks.
func (p *Provider) CheckJob(ctx context.Context, job Job) (findings []Finding, err error) {
	const op = "CheckJob"
	ctx, span := p.beginOp(ctx, op, attrJob.String(job.ID))
	defer span.end(&err, nil)
	sm, err := p.parseJobID(op, job.ID)
	if err != nil {
		return nil, err
	}
	if sm.Kind != sfnarn.Alias {
		return p.checkMachine(ctx, sm.String(), "")
	}
	a, err := p.describeAlias(ctx, sm.String())
	if err != nil {
		return nil, err
	}
	if len(a.RoutingConfiguration) > 1 {
		var routes []string
		for _, r := range a.RoutingConfiguration {
			routes = append(routes, fmt.Sprintf("%s (%d%%)", versionName(aws.ToString(r.StateMachineVersionArn)), r.Weight))
		}
		findings = append(findings, Finding{Code: FindingAliasSplitsRuns,
			Message: fmt.Sprintf("alias %s routes runs to two versions, %s: each run lands on either, and their "+
				"definitions may read and write different parameters", sm.Alias, strings.Join(routes, " and ")),
			Fix: "once the new version is trusted, update the alias to route 100% to it; or import a version ARN as " +
				"the job to run one definition"})
	}
	for _, r := range a.RoutingConfiguration {
		v := aws.ToString(r.StateMachineVersionArn)
		fs, err := p.checkMachine(ctx, v, versionName(v))
		if err != nil {
			return nil, err
		}
		findings = append(findings, fs...)
	}
	return findings, nil
}

// versionName returns "version N" for a version ARN, else the ARN.
func versionName(arn string) string {
	if a, err := sfnarn.Parse(arn); err == nil && a.Kind == sfnarn.Version {
		return fmt.Sprintf("version %d", a.Version)
	}
	return arn
}

// checkMachine checks the state machine or version with ARN arn; version names it in messages ("" for the
// machine itself).
func (p *Provider) checkMachine(ctx context.Context, arn, version string) ([]Finding, error) {
	where := ""
	if version != "" {
		where = " (" + version + ")"
	}
	var findings []Finding
	d, err := p.describeDefinition(ctx, arn)
	if err != nil {
		switch apiErrorCode(err) {
		case "KmsAccessDeniedException":
			findings = append(findings, Finding{Code: FindingKMSAccessDenied,
				Message: "the caller may not use the state machine's customer managed KMS key" + where +
					": it can neither start runs nor read their input, output or definition",
				Fix: "grant the caller's role kms:Decrypt and kms:GenerateDataKey on the key (in the key policy, or in " +
					"an IAM policy the key policy allows)"})
		case "KmsInvalidStateException":
			findings = append(findings, Finding{Code: FindingKMSKeyUnusable,
				Message: "the state machine's customer managed KMS key" + where + " is disabled or pending deletion: " +
					"runs cannot start",
				Fix: "enable the key or cancel its deletion in KMS, or change the state machine's encryption configuration"})
		default:
			return nil, err
		}
		// The type and logging configuration are metadata, readable without the key.
		if d, err = p.describeMachineMetadata(ctx, arn); err != nil {
			return nil, err
		}
		return append(findings, expressFindings(d, where)...), nil
	}
	findings = append(findings, expressFindings(d, where)...)
	diags, err := p.validateDefinition(ctx, arn, d, where)
	if err != nil {
		return nil, err
	}
	return append(findings, diags...), nil
}

// describeMachineMetadata describes the state machine or version with ARN arn without its definition.
func (p *Provider) describeMachineMetadata(ctx context.Context, arn string) (*sfn.DescribeStateMachineOutput, error) {
	return p.describeStateMachine(ctx, arn, types.IncludedDataMetadataOnly)
}

// expressFindings reports an Express machine whose logging keeps results out of CloudWatch Logs.
func expressFindings(d *sfn.DescribeStateMachineOutput, where string) []Finding {
	if d.Type != types.StateMachineTypeExpress {
		return nil
	}
	missing := loggingFrom(d.LoggingConfiguration).resultsMissing()
	if missing == "" {
		return nil
	}
	return []Finding{{Code: FindingExpressResultsNotInLogs,
		Message: "the results of this Express job's runs" + where + " cannot be read back from CloudWatch Logs: a " +
			"Provider that did not start a run (another replica, a restart) cannot tell how it ended, and " +
			"ExpressAsync is refused",
		Fix: missing}}
}

// validateDefinition returns ValidateStateMachineDefinition's diagnostics of d's definition as findings; version
// names the version in their messages (" (version N)"), or is empty.
func (p *Provider) validateDefinition(ctx context.Context, arn string, d *sfn.DescribeStateMachineOutput, version string) ([]Finding, error) {
	typ := d.Type
	if typ == "" {
		typ = types.StateMachineTypeStandard
	}
	out, err := callAPI(ctx, p, sfnops.ValidateStateMachineDefinition, arn, func(ctx context.Context) (*sfn.ValidateStateMachineDefinitionOutput, error) {
		return p.client.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{
			Definition: d.Definition, Type: typ, Severity: types.ValidateStateMachineDefinitionSeverityWarning})
	})
	if err != nil {
		return nil, err
	}
	var findings []Finding
	for _, diag := range out.Diagnostics {
		where := "the definition"
		if loc := aws.ToString(diag.Location); loc != "" {
			where += " at " + loc
		}
		where += version
		f := Finding{Code: aws.ToString(diag.Code),
			Message: fmt.Sprintf("%s: %s %s", where, strings.ToLower(string(diag.Severity)), aws.ToString(diag.Message))}
		if diag.Severity == types.ValidateStateMachineDefinitionSeverityError {
			f.Fix = "fix " + where + ": Step Functions would refuse this definition now (ValidateStateMachineDefinition " +
				"reports an error), so the next update of the state machine fails until it is fixed"
		} else {
			f.Fix = "review " + where + ": the state machine runs, but this warning often means a run will fail or " +
				"behave unexpectedly"
		}
		findings = append(findings, f)
	}
	if aws.ToBool(out.Truncated) {
		findings = append(findings, Finding{Code: FindingDiagnosticsTruncated,
			Message: fmt.Sprintf("ValidateStateMachineDefinition returned only the first %d diagnostics", len(out.Diagnostics)),
			Fix:     "fix the findings listed, then check the job again for the rest"})
	}
	return findings, nil
}
