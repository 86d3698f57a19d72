package stepfunctions

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions/internal/sfnarn"
	"github.com/polysync/stepfunctions/internal/sfnops"
)

// DescribeJobOptions configures DescribeJob.
type DescribeJobOptions struct {
	// Definition asks for the state machine's definition too. Reading the definition of a state machine
	// encrypted with a customer managed KMS key needs kms:Decrypt on that key; without it only metadata is read.
	Definition bool
}

// JobDescription is a job as DescribeJob describes it: the Job as ListJobs returns it, where its logs go, its
// published versions and its aliases.
type JobDescription struct {
	Job
	// LogGroupARN is the CloudWatch Logs log group the state machine logs to ("" when it does not log), and
	// IncludeExecutionData whether its log events carry inputs and outputs.
	LogGroupARN          string
	IncludeExecutionData bool
	// Definition is the state machine's definition (Amazon States Language), when DescribeJobOptions asked for
	// it; "" otherwise.
	Definition string
	// Versions are the state machine's published versions, newest first.
	Versions []JobVersion
	// Aliases are the state machine's aliases.
	Aliases []JobAlias
}

// JobVersion is a published version of a state machine.
type JobVersion struct {
	// ARN is the version ARN (stateMachine:<name>:<version>) and Version its number.
	ARN     string
	Version int
	// CreatedAt is when the version was published.
	CreatedAt time.Time
}

// JobAlias is an alias of a state machine.
type JobAlias struct {
	// ARN is the alias ARN (stateMachine:<name>:<alias>) and Name the alias.
	ARN, Name string
	// CreatedAt is when the alias was created.
	CreatedAt time.Time
}

// DescribeJob describes a job with DescribeStateMachine, and lists its versions and aliases with
// ListStateMachineVersions and ListStateMachineAliases. jobID is a state machine ARN in the Provider's region,
// or a version ARN (which describes that version) or an alias ARN (which describes the state machine, since
// DescribeStateMachine does not take alias ARNs); the versions and aliases are always the state machine's.
// An unknown state machine is ErrStateMachineNotFound.
//
// Listing versions and aliases has a small quota (a bucket of 100 calls refilled at 1 per second), so
// DescribeJob is meant for an operator's look at one job, not for discovery (ListJobs).
func (p *Provider) DescribeJob(ctx context.Context, jobID string, opts DescribeJobOptions) (JobDescription, error) {
	const op = "DescribeJob"
	sm, err := p.parseJobID(op, jobID)
	if err != nil {
		return JobDescription{}, err
	}
	ctx = withOp(ctx, op)
	target := jobID
	if sm.Kind == sfnarn.Alias {
		target = sm.Base().String()
	}
	data := types.IncludedDataMetadataOnly
	if opts.Definition {
		data = types.IncludedDataAllData
	}
	d, err := p.describeStateMachine(ctx, target, data)
	if err != nil {
		return JobDescription{}, err
	}
	desc := JobDescription{Job: jobFrom(jobID, types.StateMachineListItem{}, d)}
	if opts.Definition {
		desc.Definition = aws.ToString(d.Definition)
	}
	if lc := d.LoggingConfiguration; lc != nil {
		desc.IncludeExecutionData = lc.IncludeExecutionData
		for _, dest := range lc.Destinations {
			if dest.CloudWatchLogsLogGroup != nil {
				desc.LogGroupARN = aws.ToString(dest.CloudWatchLogsLogGroup.LogGroupArn)
			}
		}
	}
	base := sm.Base().String()
	if desc.Versions, err = p.jobVersions(ctx, base); err != nil {
		return JobDescription{}, err
	}
	if desc.Aliases, err = p.jobAliases(ctx, base); err != nil {
		return JobDescription{}, err
	}
	return desc, nil
}

// jobVersions lists the published versions of the state machine base.
func (p *Provider) jobVersions(ctx context.Context, base string) ([]JobVersion, error) {
	return listAll(ctx, p, sfnops.ListStateMachineVersions, base, func(ctx context.Context, token *string) ([]types.StateMachineVersionListItem, *string, error) {
		out, err := p.client.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: &base,
			MaxResults: listPageSize, NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		return out.StateMachineVersions, out.NextToken, nil
	}, jobVersionOf)
}

// jobVersionOf returns the JobVersion a ListStateMachineVersions item describes.
func jobVersionOf(v types.StateMachineVersionListItem) JobVersion {
	arn := aws.ToString(v.StateMachineVersionArn)
	jv := JobVersion{ARN: arn, CreatedAt: aws.ToTime(v.CreationDate)}
	if a, err := sfnarn.Parse(arn); err == nil {
		jv.Version = a.Version
	}
	return jv
}

// jobAliases lists the aliases of the state machine base.
func (p *Provider) jobAliases(ctx context.Context, base string) ([]JobAlias, error) {
	return listAll(ctx, p, sfnops.ListStateMachineAliases, base, func(ctx context.Context, token *string) ([]types.StateMachineAliasListItem, *string, error) {
		out, err := p.client.ListStateMachineAliases(ctx, &sfn.ListStateMachineAliasesInput{StateMachineArn: &base,
			MaxResults: listPageSize, NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		return out.StateMachineAliases, out.NextToken, nil
	}, jobAliasOf)
}

// jobAliasOf returns the JobAlias a ListStateMachineAliases item describes.
func jobAliasOf(a types.StateMachineAliasListItem) JobAlias {
	arn := aws.ToString(a.StateMachineAliasArn)
	ja := JobAlias{ARN: arn, CreatedAt: aws.ToTime(a.CreationDate)}
	if parsed, err := sfnarn.Parse(arn); err == nil {
		ja.Name = parsed.Alias
	}
	return ja
}

// listAll reads every page of a listing the SDK has no paginator for and returns the items of all pages, in
// order, each converted by conv. page is called through callAPI with each page's token (nil first) until it
// answers no next token.
func listAll[Item, T any](ctx context.Context, p *Provider, api, resource string,
	page func(ctx context.Context, token *string) (items []Item, next *string, err error), conv func(Item) T) ([]T, error) {
	var all []T
	var token *string
	for {
		var next *string
		items, err := callAPI(ctx, p, api, resource, func(ctx context.Context) (items []Item, err error) {
			items, next, err = page(ctx, token)
			return items, err
		})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			all = append(all, conv(it))
		}
		if aws.ToString(next) == "" {
			return all, nil
		}
		token = next
	}
}
