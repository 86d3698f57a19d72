package sfnlocal

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

var echoDef = fakeDef(fakeDefinition{Fake: "echo"})

func createMachine(t *testing.T, c *sfn.Client, name, def string, typ types.StateMachineType) string {
	t.Helper()
	out, err := c.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{
		Name: aws.String(name), Definition: aws.String(def), RoleArn: aws.String(testRole), Type: typ})
	if err != nil {
		t.Fatalf("CreateStateMachine(%q): %v", name, err)
	}
	return aws.ToString(out.StateMachineArn)
}

// createPublished creates state machine name running echoDef, published as
// its version 1, and returns the machine's ARN and the version's.
func createPublished(t *testing.T, c *sfn.Client, name string) (arn, v1 string) {
	t.Helper()
	out, err := c.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String(name),
		Definition: aws.String(echoDef), RoleArn: aws.String(testRole), Publish: true})
	if err != nil {
		t.Fatalf("CreateStateMachine(%q, publish): %v", name, err)
	}
	return aws.ToString(out.StateMachineArn), aws.ToString(out.StateMachineVersionArn)
}

// publishUpdate updates the definition of the state machine arn to def,
// publishing it, and returns the new version's ARN.
func publishUpdate(t *testing.T, c *sfn.Client, arn, def string) string {
	t.Helper()
	out, err := c.UpdateStateMachine(context.Background(), &sfn.UpdateStateMachineInput{StateMachineArn: &arn,
		Definition: aws.String(def), Publish: true})
	if err != nil {
		t.Fatalf("UpdateStateMachine(publish): %v", err)
	}
	return aws.ToString(out.StateMachineVersionArn)
}

// createAlias creates an alias named name with routes and returns its ARN.
func createAlias(t *testing.T, c *sfn.Client, name string, routes ...types.RoutingConfigurationListItem) string {
	t.Helper()
	out, err := c.CreateStateMachineAlias(context.Background(), &sfn.CreateStateMachineAliasInput{Name: aws.String(name),
		RoutingConfiguration: routes})
	if err != nil {
		t.Fatalf("CreateStateMachineAlias(%q): %v", name, err)
	}
	return aws.ToString(out.StateMachineAliasArn)
}

func TestStateMachineLifecycle(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testStart)
	_, c := startServer(t, withCompiler(fakeCompiler), WithClock(clk))

	created, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String("orders"), Definition: aws.String(echoDef), RoleArn: aws.String(testRole),
		Publish: true, VersionDescription: aws.String("first"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("core")}},
	})
	if err != nil {
		t.Fatalf("CreateStateMachine: %v", err)
	}
	arn := aws.ToString(created.StateMachineArn)
	if want := "arn:aws:states:us-east-1:123456789012:stateMachine:orders"; arn != want {
		t.Errorf("stateMachineArn = %q, want %q", arn, want)
	}
	if got := aws.ToString(created.StateMachineVersionArn); got != arn+":1" {
		t.Errorf("stateMachineVersionArn = %q, want %q", got, arn+":1")
	}
	if !created.CreationDate.Equal(clk.Now()) {
		t.Errorf("creationDate = %v, want %v", created.CreationDate, clk.Now())
	}

	desc, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &arn})
	if err != nil {
		t.Fatalf("DescribeStateMachine: %v", err)
	}
	if desc.Status != types.StateMachineStatusActive || desc.Type != types.StateMachineTypeStandard ||
		aws.ToString(desc.Definition) != echoDef || aws.ToString(desc.RoleArn) != testRole ||
		aws.ToString(desc.Name) != "orders" || aws.ToString(desc.RevisionId) == "" ||
		desc.LoggingConfiguration == nil || desc.LoggingConfiguration.Level != types.LogLevelOff {
		t.Errorf("DescribeStateMachine = %+v", desc)
	}
	rev1 := aws.ToString(desc.RevisionId)
	meta, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &arn, IncludedData: types.IncludedDataMetadataOnly})
	if err != nil || meta.Definition != nil || aws.ToString(meta.RevisionId) != rev1 {
		t.Errorf("DescribeStateMachine(METADATA_ONLY) = definition %v revision %q, %v; want no definition", meta.Definition, aws.ToString(meta.RevisionId), err)
	}

	clk.Advance(time.Minute)
	newDef := fakeDef(fakeDefinition{Fake: "fail", Error: "E"})
	upd, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: &arn, Definition: &newDef, Publish: true})
	if err != nil {
		t.Fatalf("UpdateStateMachine: %v", err)
	}
	if aws.ToString(upd.RevisionId) == rev1 || aws.ToString(upd.StateMachineVersionArn) != arn+":2" || !upd.UpdateDate.Equal(clk.Now()) {
		t.Errorf("UpdateStateMachine = revision %q (old %q), version %q, updateDate %v",
			aws.ToString(upd.RevisionId), rev1, aws.ToString(upd.StateMachineVersionArn), upd.UpdateDate)
	}
	// Publishing an unchanged revision returns the existing version.
	pub, err := c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: &arn})
	if err != nil || aws.ToString(pub.StateMachineVersionArn) != arn+":2" {
		t.Errorf("PublishStateMachineVersion = %v, %v; want version 2", aws.ToString(pub.StateMachineVersionArn), err)
	}
	_, err = c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: &arn, RevisionId: aws.String(rev1)})
	if !errAs[*types.ConflictException](err) {
		t.Errorf("PublishStateMachineVersion(stale revision) error = %v, want ConflictException", err)
	}

	v1, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn + ":1")})
	if err != nil {
		t.Fatalf("DescribeStateMachine(version 1): %v", err)
	}
	if aws.ToString(v1.Definition) != echoDef || aws.ToString(v1.Description) != "first" || aws.ToString(v1.StateMachineArn) != arn+":1" {
		t.Errorf("DescribeStateMachine(version 1) = definition %q description %q arn %q",
			aws.ToString(v1.Definition), aws.ToString(v1.Description), aws.ToString(v1.StateMachineArn))
	}

	versions, err := c.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: &arn})
	if err != nil {
		t.Fatalf("ListStateMachineVersions: %v", err)
	}
	var got []string
	for _, v := range versions.StateMachineVersions {
		got = append(got, aws.ToString(v.StateMachineVersionArn))
	}
	if want := []string{arn + ":2", arn + ":1"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ListStateMachineVersions = %v, want %v (newest first)", got, want)
	}

	al, err := c.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{
		Name: aws.String("prod"), Description: aws.String("live"),
		RoutingConfiguration: []types.RoutingConfigurationListItem{
			{StateMachineVersionArn: aws.String(arn + ":1"), Weight: 70},
			{StateMachineVersionArn: aws.String(arn + ":2"), Weight: 30},
		},
	})
	if err != nil {
		t.Fatalf("CreateStateMachineAlias: %v", err)
	}
	if aws.ToString(al.StateMachineAliasArn) != arn+":prod" {
		t.Errorf("stateMachineAliasArn = %q", aws.ToString(al.StateMachineAliasArn))
	}
	da, err := c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: al.StateMachineAliasArn})
	if err != nil {
		t.Fatalf("DescribeStateMachineAlias: %v", err)
	}
	if aws.ToString(da.Name) != "prod" || aws.ToString(da.Description) != "live" || len(da.RoutingConfiguration) != 2 || da.RoutingConfiguration[0].Weight != 70 {
		t.Errorf("DescribeStateMachineAlias = %+v", da)
	}
	aliases, err := c.ListStateMachineAliases(ctx, &sfn.ListStateMachineAliasesInput{StateMachineArn: &arn})
	if err != nil || len(aliases.StateMachineAliases) != 1 {
		t.Errorf("ListStateMachineAliases = %v, %v; want the one alias", aliases, err)
	}

	tags, err := c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: &arn})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team" {
		t.Errorf("ListTagsForResource = %v, %v", tags, err)
	}

	if _, err := c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: &arn}); err != nil {
		t.Fatalf("DeleteStateMachine: %v", err)
	}
	_, err = c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &arn})
	if !errAs[*types.StateMachineDoesNotExist](err) {
		t.Errorf("DescribeStateMachine after delete error = %v, want StateMachineDoesNotExist", err)
	}
	_, err = c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: al.StateMachineAliasArn})
	if !errAs[*types.ResourceNotFound](err) {
		t.Errorf("DescribeStateMachineAlias after delete error = %v, want ResourceNotFound", err)
	}
}

func TestCreateStateMachineErrors(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t, withCompiler(fakeCompiler))
	createMachine(t, c, "taken", echoDef, "")

	tests := []struct {
		name    string
		in      sfn.CreateStateMachineInput
		code    string
		message string
		typed   func(error) bool
	}{
		{"bad name", sfn.CreateStateMachineInput{Name: aws.String("has space"), Definition: aws.String(echoDef), RoleArn: aws.String(testRole)}, "InvalidName", "has space", errAs[*types.InvalidName]},
		{"long name", sfn.CreateStateMachineInput{Name: aws.String(strings.Repeat("a", 81)), Definition: aws.String(echoDef), RoleArn: aws.String(testRole)}, "InvalidName", "1-80", errAs[*types.InvalidName]},
		{"bad definition", sfn.CreateStateMachineInput{Name: aws.String("x"), Definition: aws.String(`{"Fake":"nope"}`), RoleArn: aws.String(testRole)}, "InvalidDefinition", `unknown fake program "nope"`, errAs[*types.InvalidDefinition]},
		{"bad role", sfn.CreateStateMachineInput{Name: aws.String("x"), Definition: aws.String(echoDef), RoleArn: aws.String("role")}, "InvalidArn", "role", errAs[*types.InvalidArn]},
		{"bad type", sfn.CreateStateMachineInput{Name: aws.String("x"), Definition: aws.String(echoDef), RoleArn: aws.String(testRole), Type: "FAST"}, "ValidationException", "'type'", errAs[*types.ValidationException]},
		{"exists", sfn.CreateStateMachineInput{Name: aws.String("taken"), Definition: aws.String(fakeDef(fakeDefinition{Fake: "block"})), RoleArn: aws.String(testRole)}, "StateMachineAlreadyExists", "stateMachine:taken", errAs[*types.StateMachineAlreadyExists]},
		{"logging without destination", sfn.CreateStateMachineInput{Name: aws.String("x"), Definition: aws.String(echoDef), RoleArn: aws.String(testRole),
			LoggingConfiguration: &types.LoggingConfiguration{Level: types.LogLevelAll}}, "InvalidLoggingConfiguration", "Log Destination", errAs[*types.InvalidLoggingConfiguration]},
		{"description without publish", sfn.CreateStateMachineInput{Name: aws.String("x"), Definition: aws.String(echoDef), RoleArn: aws.String(testRole), VersionDescription: aws.String("d")}, "ValidationException", "publish", errAs[*types.ValidationException]},
		{"too many tags", sfn.CreateStateMachineInput{Name: aws.String("x"), Definition: aws.String(echoDef), RoleArn: aws.String(testRole), Tags: manyTags(51)}, "TooManyTags", "50", errAs[*types.TooManyTags]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreateStateMachine(ctx, &tt.in)
			if !isAPIError(err, tt.code, tt.message) || !tt.typed(err) {
				t.Fatalf("CreateStateMachine error = %T %v, want typed %s mentioning %q", err, err, tt.code, tt.message)
			}
		})
	}

	t.Run("same definition is idempotent", func(t *testing.T) {
		if got := createMachine(t, c, "taken", echoDef, ""); !strings.HasSuffix(got, ":taken") {
			t.Errorf("CreateStateMachine(same) = %q", got)
		}
	})
	// AWS leaves roleArn and tags out of the idempotency check: a repeat
	// with other ones succeeds and changes neither.
	t.Run("other role and tags are idempotent and ignored", func(t *testing.T) {
		out, err := c.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("taken"), Definition: aws.String(echoDef),
			RoleArn: aws.String("arn:aws:iam::123456789012:role/other"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
		if err != nil {
			t.Fatalf("CreateStateMachine(other role) error = %v, want the existing machine", err)
		}
		d, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: out.StateMachineArn})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(d.RoleArn); got != testRole {
			t.Errorf("roleArn after the repeat = %q, want the first %q", got, testRole)
		}
		tags, err := c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: out.StateMachineArn})
		if err != nil {
			t.Fatal(err)
		}
		if len(tags.Tags) != 0 {
			t.Errorf("tags after the repeat = %+v, want none", tags.Tags)
		}
	})
}

func manyTags(n int) []types.Tag {
	tags := make([]types.Tag, n)
	for i := range tags {
		tags[i] = types.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String("v")}
	}
	return tags
}

func TestListStateMachinesPagination(t *testing.T) {
	ctx := context.Background()
	clk := NewManualClock(testStart)
	_, c := startServer(t, withCompiler(fakeCompiler), WithClock(clk))
	for _, name := range []string{"m3", "m0", "m6", "m1", "m5", "m2", "m4"} {
		createMachine(t, c, name, echoDef, types.StateMachineTypeExpress)
	}
	want := []string{"m0", "m1", "m2", "m3", "m4", "m5", "m6"} // by name
	var got []string
	var token *string
	pages := 0
	for {
		out, err := c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{MaxResults: 3, NextToken: token})
		if err != nil {
			t.Fatalf("ListStateMachines page %d: %v", pages, err)
		}
		pages++
		for _, m := range out.StateMachines {
			got = append(got, aws.ToString(m.Name))
			if m.Type != types.StateMachineTypeExpress || m.CreationDate == nil {
				t.Errorf("item %+v lacks type or creationDate", m)
			}
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	if pages != 3 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ListStateMachines = %v in %d pages, want %v in 3", got, pages, want)
	}

	first, err := c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{MaxResults: 2})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		in    sfn.ListStateMachinesInput
		code  string
		clock time.Duration
	}{
		{"garbage token", sfn.ListStateMachinesInput{NextToken: aws.String("garbage")}, "InvalidToken", 0},
		{"tampered token", sfn.ListStateMachinesInput{NextToken: aws.String(aws.ToString(first.NextToken) + "x")}, "InvalidToken", 0},
		{"negative maxResults", sfn.ListStateMachinesInput{MaxResults: -1}, "ValidationException", 0},
		{"maxResults over 1000", sfn.ListStateMachinesInput{MaxResults: 1001}, "ValidationException", 0},
		{"expired token", sfn.ListStateMachinesInput{NextToken: first.NextToken}, "InvalidToken", 25 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk.Advance(tt.clock)
			_, err := c.ListStateMachines(ctx, &tt.in)
			if errorCode(err) != tt.code {
				t.Errorf("ListStateMachines error = %v, want %s", err, tt.code)
			}
		})
	}
	t.Run("token of another listing", func(t *testing.T) {
		arn := createMachine(t, c, "std", echoDef, "")
		for range 3 {
			if _, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn}); err != nil {
				t.Fatal(err)
			}
		}
		ex, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &arn, MaxResults: 1})
		if err != nil || ex.NextToken == nil {
			t.Fatalf("ListExecutions = %v, %v", ex, err)
		}
		_, err = c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{NextToken: ex.NextToken})
		if !errAs[*types.InvalidToken](err) {
			t.Errorf("ListStateMachines(token of ListExecutions) error = %v, want InvalidToken", err)
		}
	})
}

func TestAliasErrors(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t, withCompiler(fakeCompiler))
	_, v1 := createPublished(t, c, "a")
	route := func(arn string, w int32) []types.RoutingConfigurationListItem {
		return []types.RoutingConfigurationListItem{{StateMachineVersionArn: aws.String(arn), Weight: w}}
	}
	tests := []struct {
		name string
		in   sfn.CreateStateMachineAliasInput
		code string
	}{
		{"weights not 100", sfn.CreateStateMachineAliasInput{Name: aws.String("x"), RoutingConfiguration: route(v1, 50)}, "ValidationException"},
		{"numeric name", sfn.CreateStateMachineAliasInput{Name: aws.String("12"), RoutingConfiguration: route(v1, 100)}, "InvalidName"},
		{"unknown version", sfn.CreateStateMachineAliasInput{Name: aws.String("x"), RoutingConfiguration: route(v1[:len(v1)-1]+"9", 100)}, "ResourceNotFound"},
		{"not a version", sfn.CreateStateMachineAliasInput{Name: aws.String("x"), RoutingConfiguration: route("nope", 100)}, "InvalidArn"},
		{"three routes", sfn.CreateStateMachineAliasInput{Name: aws.String("x"), RoutingConfiguration: append(route(v1, 100), append(route(v1, 0), route(v1, 0)...)...)}, "ValidationException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.CreateStateMachineAlias(ctx, &tt.in)
			if errorCode(err) != tt.code {
				t.Errorf("CreateStateMachineAlias error = %v, want %s", err, tt.code)
			}
		})
	}
	_, err := c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(strings.TrimSuffix(v1, ":1") + ":missing")})
	if !errAs[*types.ResourceNotFound](err) {
		t.Errorf("DescribeStateMachineAlias(missing) error = %v, want ResourceNotFound", err)
	}
}

func TestTags(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t, withCompiler(fakeCompiler))
	arn := createMachine(t, c, "tagged", echoDef, "")
	if _, err := c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: &arn, Tags: []types.Tag{
		{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: &arn, Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("3")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &sfn.UntagResourceInput{ResourceArn: &arn, TagKeys: []string{"b"}}); err != nil {
		t.Fatal(err)
	}
	out, err := c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: &arn})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tags) != 1 || aws.ToString(out.Tags[0].Key) != "a" || aws.ToString(out.Tags[0].Value) != "3" {
		t.Errorf("tags = %+v, want a=3", out.Tags)
	}
	_, err = c.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: &arn, Tags: manyTags(50)})
	if !errAs[*types.TooManyTags](err) {
		t.Errorf("TagResource(51 total) error = %v, want TooManyTags", err)
	}
	_, err = c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn + "x")})
	if !errAs[*types.ResourceNotFound](err) {
		t.Errorf("ListTagsForResource(unknown) error = %v, want ResourceNotFound", err)
	}
	_, err = c.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String("not-an-arn")})
	if !errAs[*types.InvalidArn](err) {
		t.Errorf("ListTagsForResource(bad arn) error = %v, want InvalidArn", err)
	}
}

func TestAliasUpdateAndDeletes(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t, withCompiler(fakeCompiler))
	arn, v1 := createPublished(t, c, "m")
	v2 := publishUpdate(t, c, arn, blockDef)
	aliasArn := createAlias(t, c, "live", types.RoutingConfigurationListItem{StateMachineVersionArn: &v1, Weight: 100})
	al := &sfn.CreateStateMachineAliasOutput{StateMachineAliasArn: &aliasArn}
	_, err := c.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: &v1})
	if !errAs[*types.ConflictException](err) {
		t.Errorf("DeleteStateMachineVersion(routed version) error = %v, want ConflictException", err)
	}
	if _, err := c.UpdateStateMachineAlias(ctx, &sfn.UpdateStateMachineAliasInput{StateMachineAliasArn: al.StateMachineAliasArn,
		RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: &v2, Weight: 100}}}); err != nil {
		t.Fatalf("UpdateStateMachineAlias: %v", err)
	}
	d, err := c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: al.StateMachineAliasArn})
	if err != nil || aws.ToString(d.RoutingConfiguration[0].StateMachineVersionArn) != v2 {
		t.Fatalf("DescribeStateMachineAlias after update = %+v, %v; want routing to %s", d, err, v2)
	}
	if _, err := c.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: &v1}); err != nil {
		t.Errorf("DeleteStateMachineVersion(unrouted version): %v", err)
	}
	versions, err := c.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: &arn})
	if err != nil || len(versions.StateMachineVersions) != 1 || aws.ToString(versions.StateMachineVersions[0].StateMachineVersionArn) != v2 {
		t.Errorf("ListStateMachineVersions after delete = %+v, %v; want just %s", versions, err, v2)
	}
	if _, err := c.DeleteStateMachineAlias(ctx, &sfn.DeleteStateMachineAliasInput{StateMachineAliasArn: al.StateMachineAliasArn}); err != nil {
		t.Fatalf("DeleteStateMachineAlias: %v", err)
	}
	_, err = c.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: al.StateMachineAliasArn})
	if !errAs[*types.ResourceNotFound](err) {
		t.Errorf("DescribeStateMachineAlias after delete error = %v, want ResourceNotFound", err)
	}

	// Deleting the machine aborts its running executions, which stay
	// describable.
	run, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: &arn}); err != nil {
		t.Fatal(err)
	}
	var status types.ExecutionStatus
	waitFor(t, "the execution to end", func() bool {
		d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: run.ExecutionArn})
		if err != nil {
			t.Fatalf("DescribeExecution after delete: %v", err)
		}
		status = d.Status
		return status != types.ExecutionStatusRunning
	})
	if status != types.ExecutionStatusAborted {
		t.Errorf("execution of a deleted machine ended %s, want ABORTED", status)
	}
	if _, err := c.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: &arn}); err != nil {
		t.Errorf("DeleteStateMachine(already deleted) = %v, want success", err)
	}
}

// TestUpdateStateMachineVersionDescriptionTooLong checks that
// UpdateStateMachine holds versionDescription to the API model's 256
// characters, as CreateStateMachine and PublishStateMachineVersion do,
// rather than publishing a version whose description DescribeStateMachine
// then answers beyond the model's bound.
func TestUpdateStateMachineVersionDescriptionTooLong(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t, withCompiler(fakeCompiler))
	arn := createMachine(t, c, "m", echoDef, "")
	_, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: &arn,
		Definition: aws.String(blockDef), Publish: true, VersionDescription: aws.String(strings.Repeat("d", 257))})
	assertAPIError(t, err, "ValidationException", "versionDescription")
	versions, err := c.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: &arn})
	if err != nil {
		t.Fatal(err)
	}
	if len(versions.StateMachineVersions) != 0 {
		t.Errorf("versions after the refused update = %d, want 0", len(versions.StateMachineVersions))
	}
}

// TestPublishInitialRevision checks PublishStateMachineVersion's revisionId
// "INITIAL", which the API reference gives for publishing a state machine
// that has not been updated since it was created: it publishes that first
// revision, and once an update has made another it answers
// ConflictException.
func TestPublishInitialRevision(t *testing.T) {
	ctx := context.Background()
	_, c := startServer(t, withCompiler(fakeCompiler))
	arn := createMachine(t, c, "fresh", echoDef, "")
	pub, err := c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: &arn,
		RevisionId: aws.String("INITIAL")})
	if err != nil {
		t.Fatalf("PublishStateMachineVersion(INITIAL) of a new machine: %v", err)
	}
	if got := aws.ToString(pub.StateMachineVersionArn); got != arn+":1" {
		t.Errorf("PublishStateMachineVersion(INITIAL) = %q, want %q", got, arn+":1")
	}
	if _, err := c.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: &arn, Definition: aws.String(blockDef)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: &arn,
		RevisionId: aws.String("INITIAL")})
	assertAPIError(t, err, "ConflictException", "INITIAL")
}
