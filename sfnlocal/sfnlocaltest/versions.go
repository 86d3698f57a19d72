package sfnlocaltest

import (
	"maps"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// testVersionsAndAliases publishes two versions, points an alias at the
// first, and starts executions through the alias and the version ARNs.
func testVersionsAndAliases(t *testing.T, h *harness) {
	ctx := h.ctx(t)
	machine := h.name("ver")
	def1, def2 := passDefinition(`{"v":1}`), passDefinition(`{"v":2}`)
	created := h.createMachine(t, machine, def1, machineOptions{publish: true})
	smArn := aws.ToString(created.StateMachineArn)
	v1 := smArn + ":1"
	if got := aws.ToString(created.StateMachineVersionArn); got != v1 {
		t.Fatalf("CreateStateMachine(publish).stateMachineVersionArn = %q, want %q", got, v1)
	}

	if _, err := h.client.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(smArn), Definition: aws.String(def2)}); err != nil {
		t.Fatalf("UpdateStateMachine(%q): %v", smArn, err)
	}
	pub, err := h.client.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(smArn), Description: aws.String("second")})
	if err != nil {
		t.Fatalf("PublishStateMachineVersion(%q): %v", smArn, err)
	}
	v2 := smArn + ":2"
	if got := aws.ToString(pub.StateMachineVersionArn); got != v2 {
		t.Fatalf("PublishStateMachineVersion.stateMachineVersionArn = %q, want %q", got, v2)
	}

	versions, err := h.client.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(smArn)})
	if err != nil {
		t.Fatalf("ListStateMachineVersions(%q): %v", smArn, err)
	}
	var listed []string
	for _, v := range versions.StateMachineVersions {
		listed = append(listed, aws.ToString(v.StateMachineVersionArn))
	}
	if want := []string{v2, v1}; !slices.Equal(listed, want) {
		t.Errorf("ListStateMachineVersions = %q, want %q (newest first)", listed, want)
	}

	dv, err := h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(v1)})
	if err != nil {
		t.Fatalf("DescribeStateMachine(version %q): %v", v1, err)
	}
	if got := aws.ToString(dv.Definition); got != def1 {
		t.Errorf("DescribeStateMachine(version 1).definition = %q, want the definition it was published with %q", got, def1)
	}

	aliasName := "live"
	alias, err := h.client.CreateStateMachineAlias(ctx, &sfn.CreateStateMachineAliasInput{
		Name:                 aws.String(aliasName),
		RoutingConfiguration: []types.RoutingConfigurationListItem{{StateMachineVersionArn: aws.String(v1), Weight: 100}},
	})
	if err != nil {
		t.Fatalf("CreateStateMachineAlias(%q -> %q): %v", aliasName, v1, err)
	}
	aliasArn := smArn + ":" + aliasName
	if got := aws.ToString(alias.StateMachineAliasArn); got != aliasArn {
		t.Fatalf("CreateStateMachineAlias.stateMachineAliasArn = %q, want %q", got, aliasArn)
	}
	da, err := h.client.DescribeStateMachineAlias(ctx, &sfn.DescribeStateMachineAliasInput{StateMachineAliasArn: aws.String(aliasArn)})
	if err != nil {
		t.Fatalf("DescribeStateMachineAlias(%q): %v", aliasArn, err)
	}
	if got := aws.ToString(da.Name); got != aliasName {
		t.Errorf("DescribeStateMachineAlias.name = %q, want %q", got, aliasName)
	}
	routes := map[string]int32{}
	for _, r := range da.RoutingConfiguration {
		routes[aws.ToString(r.StateMachineVersionArn)] = r.Weight
	}
	if want := map[string]int32{v1: 100}; !maps.Equal(routes, want) {
		t.Errorf("DescribeStateMachineAlias.routingConfiguration = %v, want %v", routes, want)
	}
	aliases, err := h.client.ListStateMachineAliases(ctx, &sfn.ListStateMachineAliasesInput{StateMachineArn: aws.String(smArn)})
	if err != nil {
		t.Fatalf("ListStateMachineAliases(%q): %v", smArn, err)
	}
	if len(aliases.StateMachineAliases) != 1 || aws.ToString(aliases.StateMachineAliases[0].StateMachineAliasArn) != aliasArn {
		t.Errorf("ListStateMachineAliases = %+v, want only %q", aliases.StateMachineAliases, aliasArn)
	}

	tests := []struct {
		name, startArn, wantVersion, wantAlias, wantResult string
	}{
		{"ThroughAlias", aliasArn, v1, aliasArn, `{"v":1}`},
		{"ThroughVersion", v2, v2, "", `{"v":2}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := h.name("via")
			exArn := aws.ToString(h.start(t, tt.startArn, name, `{}`).ExecutionArn)
			if want := h.arn("execution:" + machine + ":" + name); exArn != want {
				t.Errorf("StartExecution(%q) ARN = %q, want %q", tt.startArn, exArn, want)
			}
			d := h.describe(t, exArn)
			if h.target.Capabilities.RunsDefinitions {
				d = h.awaitClosed(t, exArn)
				wantJSON(t, "output", d.Output, `{"result":`+tt.wantResult+`}`)
			}
			if got := aws.ToString(d.StateMachineArn); got != smArn {
				t.Errorf("DescribeExecution.stateMachineArn = %q, want the unqualified %q", got, smArn)
			}
			if got := aws.ToString(d.StateMachineVersionArn); got != tt.wantVersion {
				t.Errorf("DescribeExecution.stateMachineVersionArn = %q, want %q", got, tt.wantVersion)
			}
			if got := aws.ToString(d.StateMachineAliasArn); got != tt.wantAlias {
				t.Errorf("DescribeExecution.stateMachineAliasArn = %q, want %q", got, tt.wantAlias)
			}
		})
	}
}
