package stepfunctions_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/internal/cwlogs"
)

// countingHandler counts the requests of each CloudWatch Logs operation it serves.
type countingHandler struct {
	next http.Handler
	mu   sync.Mutex
	n    map[string]int
}

func (h *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.n[strings.TrimPrefix(r.Header.Get("X-Amz-Target"), cwlogs.TargetPrefix)]++
	h.mu.Unlock()
	h.next.ServeHTTP(w, r)
}

func (h *countingHandler) count(op string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n[op]
}

// TestMeasureExpressAsyncTracking measures the API calls of status rounds over 1,000 Express runs started with
// ExpressAsync on 10 state machines, each logging to its own log group: half of the runs have ended (their ends
// delivered to the logs), half still run. A fresh Provider without a store (another replica, or a restart) looks at
// them all in one GetPipelineRunStatuses call, then again; and, for comparison, one GetPipelineRunStatus per run.
// The client-side limits are the defaults (FilterLogEvents at 5 per second).
func TestMeasureExpressAsyncTracking(t *testing.T) {
	if !*measure {
		t.Skip("measurement: run with -measure")
	}
	const machines, perMachine = 10, 100
	e := newLocalEnv(t)
	e.registerTasks(`{"total":1}`, nil)
	svc := cwlogs.NewService(cwlogs.Options{})
	logs := &countingHandler{next: svc, n: map[string]int{}}
	srv := httptest.NewServer(logs)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	var arns, groups []string
	for m := range machines {
		group := fmt.Sprintf("/aws/vendedlogs/states/m%d", m)
		if err := svc.CreateLogGroup(group); err != nil {
			t.Fatal(err)
		}
		out, err := e.admin.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
			Name: aws.String(fmt.Sprintf("m%d", m)), Definition: aws.String(taskDefinition(echoTask)), RoleArn: aws.String(localRole),
			Type: types.StateMachineTypeExpress,
			LoggingConfiguration: &types.LoggingConfiguration{Level: types.LogLevelAll, IncludeExecutionData: true,
				Destinations: []types.LogDestination{{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{
					LogGroupArn: aws.String("arn:aws:logs:eu-west-1:123456789012:log-group:" + group + ":*")}}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		arns, groups = append(arns, aws.ToString(out.StateMachineArn)), append(groups, group)
	}
	limits := stepfunctions.DefaultRateLimits(localRegion)
	starter := e.provider(stepfunctions.Config{LogsEndpoint: srv.URL, ExpressMode: stepfunctions.ExpressAsync, RateLimits: noRateLimits()})
	params := []stepfunctions.Parameter{{Name: "total", Direction: stepfunctions.DirectionOutput, DataType: stepfunctions.DataTypeNumber}}
	var refs []stepfunctions.RunRef
	for m, arn := range arns {
		for i := range perMachine {
			run, err := starter.ExecutePipeline(ctx, stepfunctions.Job{ID: arn, Type: stepfunctions.TypeExpress}, params)
			if err != nil {
				t.Fatal(err)
			}
			refs = append(refs, stepfunctions.RunRef{RunID: run.RunID, Parameters: params})
			if i%2 == 0 {
				stream := cwlogs.LogStreamName(fmt.Sprintf("m%d", m), run.StartedAt, []byte(run.RunID))
				err := svc.LogExecutionEvent(groups[m], stream, cwlogs.LevelAll, true, cwlogs.ExecutionEvent{ID: 5, Type: "ExecutionSucceeded",
					Timestamp: run.StartedAt.Add(time.Millisecond), ExecutionARN: run.RunID, Details: map[string]any{"output": `{"total":1}`}})
				if err != nil {
					t.Fatal(err)
				}
			}
		}
	}

	var lines []string
	round := func(name string, p *stepfunctions.Provider, each bool) {
		sfnBefore, logsBefore := e.callCounts(), logs.count("FilterLogEvents")
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
		calls := e.callsSince(sfnBefore)
		lines = append(lines, fmt.Sprintf("| %s | %d | %d | %v |", name, logs.count("FilterLogEvents")-logsBefore,
			calls["DescribeStateMachine"], wall.Round(10*time.Millisecond)))
	}
	fresh := e.provider(stepfunctions.Config{LogsEndpoint: srv.URL, RateLimits: limits})
	round("GetPipelineRunStatuses, fresh Provider without a store", fresh, false)
	round("GetPipelineRunStatuses again (the ended half now in its store)", fresh, false)
	round("one GetPipelineRunStatus per run, fresh Provider", e.provider(stepfunctions.Config{LogsEndpoint: srv.URL, RateLimits: limits}), true)
	t.Logf("\n1,000 async Express runs on 10 state machines (10 log groups), half ended; default limits\n"+
		"| status round | FilterLogEvents calls (queries and pages) | DescribeStateMachine | wall time |\n|---|---|---|---|\n%s",
		strings.Join(lines, "\n"))
}
