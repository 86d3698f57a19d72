package sfnlocal

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// TestActivityTags checks that TagResource, UntagResource and
// ListTagsForResource address activities as well as state machines, starting
// from the tags CreateActivity set.
func TestActivityTags(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t)
	created, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("worker"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("core")}}})
	if err != nil {
		t.Fatalf("CreateActivity: %v", err)
	}
	arn := created.ActivityArn
	if _, err := c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: arn,
		Tags: []types.Tag{{Key: aws.String("tier"), Value: aws.String("gold")}}}); err != nil {
		t.Fatalf("TagResource(activity): %v", err)
	}
	if _, err := c.UntagResource(ctx, &sfn.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"team"}}); err != nil {
		t.Fatalf("UntagResource(activity): %v", err)
	}
	out, err := c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: arn})
	if err != nil {
		t.Fatalf("ListTagsForResource(activity): %v", err)
	}
	if len(out.Tags) != 1 || aws.ToString(out.Tags[0].Key) != "tier" || aws.ToString(out.Tags[0].Value) != "gold" {
		t.Errorf("ListTagsForResource(activity) = %+v, want tier=gold", out.Tags)
	}
	gone := aws.ToString(arn) + "-gone"
	if _, err := c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: &gone}); errorCode(err) != "ResourceNotFound" {
		t.Errorf("ListTagsForResource(unknown activity) = %v, want ResourceNotFound", err)
	}
}
