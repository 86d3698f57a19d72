package stepfunctions_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions"
)

// TestMeasureExpressAsyncTracking measures the API calls of status rounds over 1,000 Express runs started with
// ExpressAsync on 10 state machines, each logging to its own log group on sfnlocal: half of the runs have ended
// (sfnlocal has logged their ends), half still run. A fresh Provider without a store (another replica, or a
// restart) looks at them all in one GetPipelineRunStatuses call, then again; and, for comparison, one
// GetPipelineRunStatus per run. The client-side limits are the defaults (FilterLogEvents at 5 per second).
func TestMeasureExpressAsyncTracking(t *testing.T) {
	if !*measure {
		t.Skip("measurement: run with -measure")
	}
	const machines, perMachine = 10, 100
	e := newLocalEnv(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	e.registerTasks(`{"total":1}`, release)
	// Runs with block true wait on release; the others end at once.
	definition := fmt.Sprintf(`{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.block","BooleanEquals":true,"Next":"B"}],"Default":"E"},`+
		`"B":{"Type":"Task","Resource":%q,"End":true},"E":{"Type":"Task","Resource":%q,"End":true}}}`, blockTask, echoTask)
	ctx := context.Background()
	var arns []string
	for m := range machines {
		group := fmt.Sprintf("/aws/vendedlogs/states/m%d", m)
		if err := e.srv.CreateLogGroup(group); err != nil {
			t.Fatal(err)
		}
		out, err := e.admin.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
			Name: aws.String(fmt.Sprintf("m%d", m)), Definition: aws.String(definition), RoleArn: aws.String(localRole),
			Type: types.StateMachineTypeExpress,
			LoggingConfiguration: &types.LoggingConfiguration{Level: types.LogLevelAll, IncludeExecutionData: true,
				Destinations: []types.LogDestination{{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{
					LogGroupArn: aws.String("arn:aws:logs:eu-west-1:123456789012:log-group:" + group + ":*")}}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, aws.ToString(out.StateMachineArn))
	}
	starter := e.provider(stepfunctions.Config{LogsEndpoint: e.url, ExpressMode: stepfunctions.ExpressAsync})
	out := stepfunctions.Parameter{Name: "total", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeNumber}
	var refs []stepfunctions.RunRef
	for _, arn := range arns {
		for i := range perMachine {
			params := []stepfunctions.Parameter{{Name: "block", DataType: stepfunctions.DataTypeBoolean, Value: fmt.Sprint(i%2 == 1)}, out}
			run, err := starter.ExecutePipeline(ctx, stepfunctions.Job{ID: arn, Type: stepfunctions.TypeExpress}, params)
			if err != nil {
				t.Fatal(err)
			}
			refs = append(refs, stepfunctions.RunRef{RunID: run.RunID, Parameters: params})
		}
	}
	time.Sleep(time.Second) // let the runs that end at once log their ends

	limits := stepfunctions.DefaultRateLimits(localRegion)
	var lines []string
	round := func(name string, p *stepfunctions.Provider, each bool) {
		before, logsBefore := e.callCounts(), e.calls("FilterLogEvents")
		start := time.Now()
		var results []stepfunctions.RunResult
		if each {
			for _, r := range refs {
				st, err := p.GetPipelineRunStatus(ctx, r.RunID, r.Parameters)
				results = append(results, stepfunctions.RunResult{Status: st, Err: err})
			}
		} else {
			results = p.GetPipelineRunStatuses(ctx, refs)
		}
		wall := time.Since(start)
		states := map[stepfunctions.RunState]int{}
		for _, r := range results {
			if r.Err != nil {
				t.Errorf("%s: %v", name, r.Err)
				continue
			}
			states[r.Status.State]++
		}
		if states[stepfunctions.RunStateSuccess] != len(refs)/2 || states[stepfunctions.RunStateRunning] != len(refs)/2 {
			t.Errorf("%s: states %v, want half Success and half Running", name, states)
		}
		lines = append(lines, fmt.Sprintf("| %s | %d | %d | %v |", name, e.calls("FilterLogEvents")-logsBefore,
			e.callsSince(before)["DescribeStateMachine"], wall.Round(10*time.Millisecond)))
	}
	fresh := e.provider(stepfunctions.Config{LogsEndpoint: e.url, RateLimits: limits})
	round("GetPipelineRunStatuses, fresh Provider without a store", fresh, false)
	round("GetPipelineRunStatuses again (the ended half now in its store)", fresh, false)
	round("one GetPipelineRunStatus per run, fresh Provider", e.provider(stepfunctions.Config{LogsEndpoint: e.url, RateLimits: limits}), true)
	t.Logf("\n1,000 async Express runs on 10 state machines (10 log groups), half ended; default limits\n"+
		"| status round | FilterLogEvents calls (queries and pages) | DescribeStateMachine | wall time |\n|---|---|---|---|\n%s",
		strings.Join(lines, "\n"))
}
