package sfnlocal

import (
	"context"
	"strings"
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
	created := createTeamActivity(ctx, t, c)
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

// TestUntagResourceTagKeyLengths checks that UntagResource refuses a tag
// key outside the API model's 1-128 characters, as TagResource does, rather
// than removing nothing and answering success.
func TestUntagResourceTagKeyLengths(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t)
	created := createTeamActivity(ctx, t, c)
	for _, key := range []string{"", strings.Repeat("k", 129)} {
		_, err := c.UntagResource(ctx, &sfn.UntagResourceInput{ResourceArn: created.ActivityArn, TagKeys: []string{"team", key}})
		if errorCode(err) != "ValidationException" || !strings.Contains(err.Error(), "'tagKeys.2.member'") {
			t.Errorf("UntagResource(key of %d characters) error = %v, want ValidationException naming tagKeys.2.member", len(key), err)
		}
	}
	out, err := c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: created.ActivityArn})
	if err != nil || len(out.Tags) != 1 {
		t.Errorf("ListTagsForResource after refused untags: %v, want team=core kept", err)
	}
	if _, err := c.UntagResource(ctx, &sfn.UntagResourceInput{ResourceArn: created.ActivityArn,
		TagKeys: []string{strings.Repeat("k", 128)}}); err != nil {
		t.Errorf("UntagResource(key of 128 characters) error = %v, want success", err)
	}
}

// TestCreateActivityMergesDuplicateTagKeys checks that CreateActivity keeps
// one tag per key, the last value given winning, as CreateStateMachine and
// TagResource do, rather than storing both.
func TestCreateActivityMergesDuplicateTagKeys(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t)
	tags := []types.Tag{{Key: aws.String("team"), Value: aws.String("core")}, {Key: aws.String("team"), Value: aws.String("edge")}}
	created, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("worker"), Tags: tags})
	if err != nil {
		t.Fatalf("CreateActivity: %v", err)
	}
	machine, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("m"), Definition: aws.String(`{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`),
		RoleArn: aws.String(testRole), Tags: tags})
	if err != nil {
		t.Fatalf("CreateStateMachine: %v", err)
	}
	for _, arn := range []*string{machine.StateMachineArn, created.ActivityArn} {
		out, err := c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: arn})
		if err != nil {
			t.Fatalf("ListTagsForResource(%s): %v", aws.ToString(arn), err)
		}
		if len(out.Tags) != 1 || aws.ToString(out.Tags[0].Value) != "edge" {
			t.Errorf("ListTagsForResource(%s) = %d tags, want team=edge alone", aws.ToString(arn), len(out.Tags))
		}
	}
}

// createTeamActivity creates the activity "worker" tagged team=core.
func createTeamActivity(ctx context.Context, t *testing.T, c *sfn.Client) *sfn.CreateActivityOutput {
	t.Helper()
	created, err := c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("worker"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("core")}}})
	if err != nil {
		t.Fatalf("CreateActivity: %v", err)
	}
	return created
}
