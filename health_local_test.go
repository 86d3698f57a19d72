package stepfunctions_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions"
)

// TestLocalCheckJob checks jobs on the wire against sfnlocal, which validates definitions with
// ValidateStateMachineDefinition: a healthy Standard machine has no finding, an Express machine without logging
// one, and an alias splitting runs between two versions one.
func TestLocalCheckJob(t *testing.T) {
	e := newLocalEnv(t)
	ctx := context.Background()
	p := e.provider(stepfunctions.Config{})
	codes := func(job string) []string {
		t.Helper()
		fs, err := p.CheckJob(ctx, stepfunctions.Job{ID: job})
		if err != nil {
			t.Fatalf("CheckJob(%s) error = %v", job, err)
		}
		var out []string
		for _, f := range fs {
			if f.Message == "" || f.Fix == "" {
				t.Errorf("CheckJob(%s) finding %+v lacks a message or a fix", job, f)
			}
			out = append(out, f.Code)
		}
		return out
	}

	healthy := e.create(machineSpec{name: "healthy"})
	if got := codes(healthy); len(got) != 0 {
		t.Errorf("CheckJob(healthy) codes = %v, want none", got)
	}
	logged := e.create(machineSpec{name: "logged", typ: types.StateMachineTypeExpress, logging: types.LogLevelAll})
	if got := codes(logged); len(got) != 0 {
		t.Errorf("CheckJob(Express logging ALL with data) codes = %v, want none", got)
	}
	silent := e.create(machineSpec{name: "silent", typ: types.StateMachineTypeExpress})
	if got, want := codes(silent), []string{stepfunctions.FindingExpressResultsNotInLogs}; !slices.Equal(got, want) {
		t.Errorf("CheckJob(Express without logging) codes = %v, want %v", got, want)
	}

	v1 := e.publish(healthy, "")
	if _, err := e.admin.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: &healthy,
		Definition: aws.String(`{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)}); err != nil {
		t.Fatalf("UpdateStateMachine() error = %v", err)
	}
	v2 := e.publish(healthy, "")
	split := e.createAlias("canary", route(v1, 50), route(v2, 50))
	if got, want := codes(split), []string{stepfunctions.FindingAliasSplitsRuns}; !slices.Equal(got, want) {
		t.Errorf("CheckJob(alias 50/50) codes = %v, want %v", got, want)
	}
	whole := e.createAlias("prod", route(v2, 100))
	if got := codes(whole); len(got) != 0 {
		t.Errorf("CheckJob(alias to one version) codes = %v, want none", got)
	}
}
