package stepfunctions

import (
	"context"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"golang.org/x/sync/errgroup"

	"github.com/polysync/stepfunctions/internal/sfnops"
)

// listPageSize is the largest ListStateMachines page Step Functions returns.
const listPageSize = 1000

// ListJobs returns every state machine in the Provider's region as a Job, in ListStateMachines order. It lists
// state machines in pages of 1000 and describes each with DescribeStateMachine, at most
// Config.DiscoveryConcurrency at a time and under the rate limits, to capture the role ARN, status and the
// other fields. It asks for metadata only: the definition is not needed, and one encrypted with a customer
// managed KMS key would require kms:Decrypt. A state machine deleted between the two calls is skipped; any
// other failure fails ListJobs. Jobs carry no parameters.
//
// With the default rate limits, which start at the documented quota (a bucket of 200 DescribeStateMachine calls
// refilled at 20 per second), discovering N state machines takes about (N-200)/20 seconds once N exceeds the
// bucket, when no other client of the account spends the same quota.
func (p *Provider) ListJobs(ctx context.Context) (result []Job, err error) {
	ctx, span := p.beginOp(ctx, "ListJobs")
	defer span.end(&err, &result)
	var items []types.StateMachineListItem
	pager := sfn.NewListStateMachinesPaginator(p.client, &sfn.ListStateMachinesInput{MaxResults: listPageSize})
	for pager.HasMorePages() {
		out, err := callPage(ctx, p, sfnops.ListStateMachines, "*", pager)
		if err != nil {
			return nil, err
		}
		items = append(items, out.StateMachines...)
	}

	jobs := make([]Job, len(items))
	found := make([]bool, len(items))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.discoveryConcurrency)
	for i, item := range items {
		arn := aws.ToString(item.StateMachineArn)
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			d, err := p.describeStateMachine(gctx, arn, types.IncludedDataMetadataOnly)
			if err != nil {
				if code := apiErrorCode(err); code == "StateMachineDoesNotExist" {
					p.log.LogAttrs(gctx, slog.LevelDebug, "state machine deleted during discovery, skipped", slog.String("job", arn))
					return nil
				}
				return err
			}
			jobs[i], found[i] = jobFrom(arn, item, d), true
			if d.Type == "" {
				d.Type = item.Type
			}
			p.rememberMachine(arn, d)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, &Error{Op: "ListJobs", Err: err}
	}
	result = jobs[:0]
	for i, j := range jobs {
		if found[i] {
			result = append(result, j)
		}
	}
	p.log.LogAttrs(ctx, slog.LevelInfo, "discovered state machines",
		slog.Int("listed", len(items)), slog.Int("jobs", len(result)))
	return result, nil
}

// jobFrom builds a Job from a list item and its description.
func jobFrom(arn string, item types.StateMachineListItem, d *sfn.DescribeStateMachineOutput) Job {
	j := Job{
		ID:          arn,
		Name:        aws.ToString(d.Name),
		Type:        string(d.Type),
		RoleARN:     aws.ToString(d.RoleArn),
		Status:      string(d.Status),
		Description: aws.ToString(d.Description),
		CreatedAt:   aws.ToTime(d.CreationDate),
		RevisionID:  aws.ToString(d.RevisionId),
		Label:       aws.ToString(d.Label),
	}
	if j.Name == "" {
		j.Name = aws.ToString(item.Name)
	}
	if j.Type == "" {
		j.Type = string(item.Type)
	}
	if j.CreatedAt.IsZero() {
		j.CreatedAt = aws.ToTime(item.CreationDate)
	}
	if d.LoggingConfiguration != nil {
		j.LoggingLevel = string(d.LoggingConfiguration.Level)
	}
	if j.Type == TypeExpress {
		j.ExpressResultsNotRecoverable = loggingFrom(d.LoggingConfiguration).resultsMissing()
		j.ExpressResultsRecoverable = j.ExpressResultsNotRecoverable == ""
	}
	if d.TracingConfiguration != nil {
		j.TracingEnabled = d.TracingConfiguration.Enabled
	}
	return j
}
