package stepfunctions_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions"
)

// distributedMapDefinition is a Distributed Map over $.xs labelled "items" that tolerates one failed item: a child
// workflow fails for an item whose "ok" is false.
const distributedMapDefinition = `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs","Label":"items",
	"ToleratedFailureCount":1,
	"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"C","States":{
		"C":{"Type":"Choice","Choices":[{"Variable":"$.ok","BooleanEquals":true,"Next":"Done"}],"Default":"Bad"},
		"Done":{"Type":"Pass","End":true},
		"Bad":{"Type":"Fail","Error":"NotOk","Cause":"the item is not ok"}}},"End":true}}}`

// TestLocalRunProgress runs a Distributed Map over three items, one of which fails, on sfnlocal and checks that
// RunProgress reports its Map Run with the item counts; a run without a Distributed Map has no progress.
func TestLocalRunProgress(t *testing.T) {
	e := newLocalEnv(t)
	ctx := context.Background()
	p := e.provider(stepfunctions.Config{})
	dm := e.create(machineSpec{name: "dm", definition: distributedMapDefinition})
	run := e.startAndWait(dm, `{"xs":[{"ok":true},{"ok":false},{"ok":true}]}`)

	got, err := p.RunProgress(ctx, run)
	if err != nil {
		t.Fatalf("RunProgress() error = %v", err)
	}
	if len(got) != 1 {
		t.Fatalf("RunProgress() = %+v, want one Map Run", got)
	}
	m := got[0]
	want := stepfunctions.MapRunItemCounts{Succeeded: 2, Failed: 1, Total: 3}
	if !strings.HasPrefix(m.MapRunARN, "arn:aws:states:"+localRegion+":") || !strings.Contains(m.MapRunARN, ":mapRun:dm/items:") ||
		m.Status != "SUCCEEDED" || m.StartedAt.IsZero() || m.StoppedAt.Before(m.StartedAt) || m.Items != want {
		t.Errorf("RunProgress() = %+v; want a SUCCEEDED mapRun:dm/items:... started and stopped, items %+v", m, want)
	}

	plain := e.startAndWait(e.create(machineSpec{name: "plain", definition: `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`}), `{}`)
	if got, err := p.RunProgress(ctx, plain); err != nil || len(got) != 0 {
		t.Errorf("RunProgress(a run without a Distributed Map) = %+v, %v; want none, nil", got, err)
	}
}

// startAndWait starts an execution of machine with input and waits until it has ended.
func (e *localEnv) startAndWait(machine, input string) string {
	e.t.Helper()
	ctx := context.Background()
	out, err := e.admin.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &machine, Input: &input})
	if err != nil {
		e.t.Fatalf("StartExecution() error = %v", err)
	}
	for deadline := time.Now().Add(statusWithin); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		d, err := e.admin.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: out.ExecutionArn})
		if err != nil {
			e.t.Fatalf("DescribeExecution() error = %v", err)
		}
		if d.Status != types.ExecutionStatusRunning {
			return aws.ToString(out.ExecutionArn)
		}
	}
	e.t.Fatalf("execution %s still running after %v", aws.ToString(out.ExecutionArn), statusWithin)
	return ""
}
