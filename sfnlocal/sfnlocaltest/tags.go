package sfnlocaltest

import (
	"maps"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// tagsOf lists the tags of arn as a map.
func (h *harness) tagsOf(t *testing.T, arn string) map[string]string {
	t.Helper()
	out, err := h.client.ListTagsForResource(h.ctx(t), &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatalf("ListTagsForResource(%q): %v", arn, err)
	}
	tags := map[string]string{}
	for _, tag := range out.Tags {
		tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	return tags
}

// testTags checks tags given at creation, TagResource (adding and
// overwriting) and UntagResource.
func testTags(t *testing.T, h *harness) {
	ctx := h.ctx(t)
	arn := aws.ToString(h.createMachine(t, h.name("tags"), passDefinition(`{}`), machineOptions{tags: map[string]string{"team": "payments"}}).StateMachineArn)
	if got, want := h.tagsOf(t, arn), map[string]string{"team": "payments"}; !maps.Equal(got, want) {
		t.Errorf("tags after CreateStateMachine = %v, want %v", got, want)
	}
	if _, err := h.client.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(arn), Tags: []types.Tag{
		{Key: aws.String("team"), Value: aws.String("billing")},
		{Key: aws.String("env"), Value: aws.String("dev")},
	}}); err != nil {
		t.Fatalf("TagResource(%q): %v", arn, err)
	}
	if got, want := h.tagsOf(t, arn), map[string]string{"team": "billing", "env": "dev"}; !maps.Equal(got, want) {
		t.Errorf("tags after TagResource = %v, want %v", got, want)
	}
	if _, err := h.client.UntagResource(ctx, &sfn.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"team"}}); err != nil {
		t.Fatalf("UntagResource(%q): %v", arn, err)
	}
	if got, want := h.tagsOf(t, arn), map[string]string{"env": "dev"}; !maps.Equal(got, want) {
		t.Errorf("tags after UntagResource(team) = %v, want %v", got, want)
	}
}

// testTagMissingResource checks that tagging an ARN that names no resource
// is ResourceNotFound.
func testTagMissingResource(t *testing.T, h *harness) {
	missing := h.arn("stateMachine:" + h.name("missing"))
	_, err := h.client.TagResource(h.ctx(t), &sfn.TagResourceInput{ResourceArn: aws.String(missing), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	wantError[*types.ResourceNotFound](t, "TagResource(missing state machine)", err)
}
