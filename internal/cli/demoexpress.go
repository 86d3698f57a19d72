package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	sfn "github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/auth"
	"github.com/polysync/stepfunctions/sfnlocal"
)

// The demo's Express state machine logs its executions at level ALL with
// their data, so that a provider that did not start a run reads its result
// back from CloudWatch Logs (served by the embedded endpoint too).

// demoLogGroup is the log group of the demo's Express state machine.
const demoLogGroup = "/aws/vendedlogs/states/quick-quote"

// createDemoLogGroup creates the log group the Express state machine logs to:
// as on AWS, a state machine logs only to a log group that exists.
func createDemoLogGroup(srv *sfnlocal.Server) error {
	return srv.CreateLogGroup(demoLogGroup)
}

// demoLogging returns the logging configuration of a demo state machine of
// kind: level ALL with execution data for the Express one, none otherwise.
func demoLogging(kind string) *sfntypes.LoggingConfiguration {
	if kind != sfn.TypeExpress {
		return nil
	}
	return &sfntypes.LoggingConfiguration{Level: sfntypes.LogLevelAll, IncludeExecutionData: true,
		Destinations: []sfntypes.LogDestination{{CloudWatchLogsLogGroup: &sfntypes.CloudWatchLogsLogGroup{
			LogGroupArn: aws.String("arn:aws:logs:" + demoRegion + ":" + demoAccount + ":log-group:" + demoLogGroup + ":*")}}}}
}

// demoRecovery starts an Express quote asynchronously with one provider, drops
// that provider as a crashed host would, and follows the run to its end with
// another that shares nothing with the first (no result store): its result
// comes from the state machine's CloudWatch Logs.
func demoRecovery(ctx context.Context, w io.Writer, endpoint string, logger *slog.Logger, poll time.Duration) error {
	newProvider := func(mode sfn.ExpressMode) (*sfn.Provider, error) {
		return sfn.New(ctx, sfn.Config{Region: demoRegion, Endpoint: endpoint, LogsEndpoint: endpoint,
			Credentials: auth.Static("demo-access-key", "demo-secret-key", ""), Logger: logger, ExpressMode: mode})
	}
	first, err := newProvider(sfn.ExpressAsync)
	if err != nil {
		return err
	}
	params, err := parseParams([]string{"weightKg:number=5"}, []string{"price:number", "carrier"})
	if err != nil {
		return err
	}
	job := sfn.Job{ID: "arn:aws:states:" + demoRegion + ":" + demoAccount + ":stateMachine:quick-quote"}
	run, err := first.ExecutePipeline(ctx, job, params)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   provider 1 started %s\n   asynchronously (Config.ExpressMode ExpressAsync) and went away\n", run.RunID)
	second, err := newProvider(sfn.ExpressSync)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   provider 2 (no shared store) follows it in log group %s\n", demoLogGroup)
	st, err := follow(ctx, second, sfn.PipelineRun{RunID: run.RunID}, params, poll, newProgress(w, "   quick-quote"))
	if err != nil {
		return err
	}
	printIndented(w, run.ConsoleURL, st)
	if st.State != sfn.RunStateSuccess {
		return fmt.Errorf("ended %s, want %s (%s)", st.State, sfn.RunStateSuccess, st.Message)
	}
	return wantParams(st, map[string]string{"price": "8.5", "carrier": "DemoPost"})
}
