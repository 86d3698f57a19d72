package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/spf13/cobra"

	sfn "github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/auth"
	"github.com/polysync/stepfunctions/sfnlocal"
)

const (
	demoRegion  = "us-east-1"
	demoAccount = "123456789012"
)

// demoOptions are what 'demo' needs. It makes its own endpoint and
// provider: no connection flags.
type demoOptions struct {
	io     ioStreams
	logger func() *slog.Logger

	pollInterval time.Duration
}

// newCmdDemo returns the demo command, which calls runDemo (or runF: see
// runWith).
func newCmdDemo(f *app, runF func(context.Context, *demoOptions) error) *cobra.Command {
	opts := &demoOptions{io: f.streams(), logger: f.logger}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole Polysync flow on the embedded endpoint (no AWS account needed)",
		Long: `demo starts the embedded Step Functions endpoint on 127.0.0.1, creates four sample state machines
(a Standard order pipeline with Task, Choice, Map and Wait states, an Express quote, an import that fails, and
a slow backfill), then does what Polysync does: discover the jobs, declare typed parameters, start runs, follow
them, print the mapped output parameters, the failure message, the cancelled state and each console link.
Last, one provider starts an Express run asynchronously and goes away, and a second one, sharing nothing with
it, follows the run to its end from the state machine's CloudWatch Logs (served by the embedded endpoint).

It checks every step and exits 1 if anything did not behave as expected.`,
		Args: exactArgs(0, "no arguments"),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			if err := checkPollInterval(opts.pollInterval); err != nil {
				return err
			}
			return runWith(runF, runDemo)(cmd.Context(), opts)
		}),
	}
	cmd.Flags().DurationVar(&opts.pollInterval, "poll-interval", 250*time.Millisecond, "how often runs are polled")
	addVerboseFlag(cmd, f)
	return cmd
}

// demoMachines are the sample state machines the demo creates.
var demoMachines = []struct {
	name, kind, definition string
}{
	{"order-pipeline", "STANDARD", `{
  "Comment": "Prices an order: validate, price every line in parallel, wait for the warehouse, total.",
  "StartAt": "Validate",
  "States": {
    "Validate": {
      "Type": "Choice",
      "Choices": [{"Variable": "$.items[0]", "IsPresent": true, "Next": "PriceLines"}],
      "Default": "EmptyOrder"
    },
    "EmptyOrder": {"Type": "Fail", "Error": "Order.Empty", "Cause": "the order has no items"},
    "PriceLines": {
      "Type": "Map",
      "ItemsPath": "$.items",
      "MaxConcurrency": 4,
      "ItemProcessor": {
        "StartAt": "Quote",
        "States": {
          "Quote": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "price-line", "Payload.$": "$"},
            "ResultSelector": {"line.$": "$.Payload"},
            "OutputPath": "$.line",
            "End": true
          }
        }
      },
      "ResultPath": "$.lines",
      "Next": "WaitForWarehouse"
    },
    "WaitForWarehouse": {"Type": "Wait", "Seconds": 1, "Next": "Total"},
    "Total": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:total-order",
      "ResultPath": "$.total",
      "Next": "Done"
    },
    "Done": {
      "Type": "Pass",
      "Parameters": {
        "OrderId.$": "$.orderId",
        "total.$": "$.total",
        "lines.$": "$.lines",
        "status.$": "States.Format('PRICED {} lines', States.ArrayLength($.lines))"
      },
      "End": true
    }
  }
}`},
	{"quick-quote", "EXPRESS", `{
  "StartAt": "Quote",
  "States": {
    "Quote": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:quote",
      "End": true
    }
  }
}`},
	{"customer-import", "STANDARD", `{
  "StartAt": "Import",
  "States": {
    "Import": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:import-customers",
      "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 2}],
      "End": true
    }
  }
}`},
	{"nightly-backfill", "STANDARD", `{
  "StartAt": "Backfill",
  "States": {
    "Backfill": {"Type": "Wait", "Seconds": 3600, "Next": "Done"},
    "Done": {"Type": "Succeed"}
  }
}`},
}

// demoTasks are the Go functions behind the demo's Task states.
func demoTasks(srv *sfnlocal.Server) {
	srv.RegisterTask("arn:aws:lambda:us-east-1:123456789012:function:price-line", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		var line struct {
			SKU string  `json:"sku"`
			Qty float64 `json:"qty"`
		}
		if err := json.Unmarshal(in, &line); err != nil {
			return nil, &sfnlocal.TaskError{Name: "Order.BadLine", Cause: err.Error()}
		}
		prices := map[string]float64{"tea": 4.5, "scone": 3.25, "jam": 6}
		price, ok := prices[line.SKU]
		if !ok {
			return nil, &sfnlocal.TaskError{Name: "Order.UnknownSKU", Cause: "no price for " + line.SKU}
		}
		return json.Marshal(map[string]any{"sku": line.SKU, "qty": line.Qty, "amount": price * line.Qty})
	})
	srv.RegisterTask("arn:aws:lambda:us-east-1:123456789012:function:total-order", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		var order struct {
			Lines []struct {
				Amount float64 `json:"amount"`
			} `json:"lines"`
			Rush bool `json:"rush"`
		}
		if err := json.Unmarshal(in, &order); err != nil {
			return nil, err
		}
		total := 0.0
		for _, l := range order.Lines {
			total += l.Amount
		}
		if order.Rush {
			total += 5
		}
		return json.Marshal(total)
	})
	srv.RegisterTask("arn:aws:lambda:us-east-1:123456789012:function:quote", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		var req struct {
			Weight float64 `json:"weightKg"`
		}
		if err := json.Unmarshal(in, &req); err != nil {
			return nil, err
		}
		return json.Marshal(map[string]any{"Price": 2.5 + 1.2*req.Weight, "carrier": "DemoPost"})
	})
	srv.RegisterTask("arn:aws:lambda:us-east-1:123456789012:function:import-customers", func(context.Context, json.RawMessage) (json.RawMessage, error) {
		return nil, &sfnlocal.TaskError{Name: "Import.BadRecord", Cause: "row 17: customer id is missing"}
	})
}

// demoRun is one run the demo starts and what it must end as.
type demoRun struct {
	job    string
	params []string
	outs   []string
	want   sfn.RunState
	check  func(sfn.RunStatus) error
	cancel bool
}

// runDemo plays the demo on stdout and checks every step.
func runDemo(ctx context.Context, opts *demoOptions) error {
	w := opts.io.out
	srv := sfnlocal.New(sfnlocal.WithRegion(demoRegion), sfnlocal.WithAccountID(demoAccount), sfnlocal.WithLogger(opts.logger()))
	demoTasks(srv)
	endpoint, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(w, "▶ Embedded Step Functions endpoint on %s\n", endpoint)
	if err := createDemoLogGroup(srv); err != nil {
		return err
	}

	if err := createDemoMachines(ctx, endpoint); err != nil {
		return fmt.Errorf("creating the sample state machines: %w", err)
	}
	fmt.Fprintf(w, "▶ Created %d sample state machines\n\n", len(demoMachines))

	p, err := sfn.New(ctx, sfn.Config{
		Region:      demoRegion,
		Endpoint:    endpoint,
		Credentials: auth.Static("demo-access-key", "demo-secret-key", ""),
		Logger:      opts.logger(),
	})
	if err != nil {
		return err
	}

	fmt.Fprintln(w, "1. Discover jobs (ListStateMachines + DescribeStateMachine)")
	jobs, err := p.ListJobs(ctx)
	if err != nil {
		return err
	}
	printJobs(w, jobs)
	byName := map[string]sfn.Job{}
	for _, j := range jobs {
		byName[j.Name] = j
	}
	var failures []string
	fail := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		failures = append(failures, msg)
		fmt.Fprintf(w, "   ✗ %s\n", msg)
	}
	if len(jobs) != len(demoMachines) {
		fail("discovered %d jobs, want %d", len(jobs), len(demoMachines))
	}

	runs := []demoRun{
		{
			job:    "order-pipeline",
			params: []string{"orderId=A-1017", `items:json=[{"sku":"tea","qty":2},{"sku":"scone","qty":4},{"sku":"jam","qty":1}]`, "rush:boolean=true"},
			outs:   []string{"orderId", "total:number", "status"},
			want:   sfn.RunStateSuccess,
			check: func(st sfn.RunStatus) error {
				return wantParams(st, map[string]string{"orderId": "A-1017", "total": "33", "status": "PRICED 3 lines"})
			},
		},
		{
			job:    "quick-quote",
			params: []string{"weightKg:number=2.5"},
			outs:   []string{"price:number", "carrier"},
			want:   sfn.RunStateSuccess,
			check: func(st sfn.RunStatus) error {
				return wantParams(st, map[string]string{"price": "5.5", "carrier": "DemoPost"})
			},
		},
		{
			job:    "customer-import",
			params: []string{"source=s3://demo-bucket/customers.csv", "dryRun:bool=false"},
			want:   sfn.RunStateFailed,
			check: func(st sfn.RunStatus) error {
				if !strings.Contains(st.Message, "Import.BadRecord") || !strings.Contains(st.Message, "row 17") {
					return fmt.Errorf("message %q does not carry the error and cause", st.Message)
				}
				return nil
			},
		},
		{job: "nightly-backfill", want: sfn.RunStateCancelled, cancel: true},
	}
	for i, r := range runs {
		fmt.Fprintf(w, "\n%d. Run %s\n", i+2, r.job)
		if err := demoOne(ctx, w, p, byName[r.job], r, opts.pollInterval); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			fail("%s: %v", r.job, err)
			continue
		}
		fmt.Fprintf(w, "   ✓ ended %s as expected\n", r.want)
	}
	fmt.Fprintf(w, "\n%d. Follow an Express run started by another provider\n", len(runs)+2)
	if err := demoRecovery(ctx, w, endpoint, opts.logger(), opts.pollInterval); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		fail("quick-quote from the logs: %v", err)
	} else {
		fmt.Fprintf(w, "   ✓ ended %s as expected, its result read from CloudWatch Logs\n", sfn.RunStateSuccess)
	}
	fmt.Fprintln(w)
	if len(failures) > 0 {
		fmt.Fprintf(w, "Demo finished with %d unexpected result(s).\n", len(failures))
		return &exitError{code: ExitRunFailed, err: fmt.Errorf("demo: %s", strings.Join(failures, "; "))}
	}
	fmt.Fprintln(w, "Demo finished: every step behaved as expected.")
	return nil
}

// demoOne starts one run, follows it and checks how it ended.
func demoOne(ctx context.Context, w io.Writer, p *sfn.Provider, job sfn.Job, r demoRun, poll time.Duration) error {
	if job.ID == "" {
		return fmt.Errorf("job %s was not discovered", r.job)
	}
	params, err := parseParams(r.params, r.outs)
	if err != nil {
		return err
	}
	for _, prm := range params {
		fmt.Fprintf(w, "   %-12s %-11s %-7s %s\n", prm.Name, prm.Direction, prm.DataType, prm.Value)
	}
	input, err := sfn.BuildInput(params)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   input: %s\n", input)
	pr, err := p.ExecutePipeline(ctx, job, params)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   started %s\n", pr.RunID)
	if r.cancel {
		st, err := p.GetPipelineRunStatus(ctx, pr.RunID, params)
		if err != nil {
			return err
		}
		if st.State != sfn.RunStateRunning {
			return fmt.Errorf("before cancelling: state %s, want Running", st.State)
		}
		fmt.Fprintln(w, "   still running: cancelling it")
		if err := p.CancelPipelineRun(ctx, pr.RunID); err != nil {
			return fmt.Errorf("cancel: %w", err)
		}
		fmt.Fprintln(w, "   cancel requested")
	}
	st, err := follow(ctx, p, pr, params, poll, newNarratedProgress(w, "   "+r.job))
	if err != nil {
		return err
	}
	printIndented(w, pr.ConsoleURL, st)
	if st.State != r.want {
		return fmt.Errorf("ended %s, want %s (%s)", st.State, r.want, st.Message)
	}
	if r.check != nil {
		return r.check(st)
	}
	return nil
}

func printIndented(w io.Writer, consoleURL string, st sfn.RunStatus) {
	var b strings.Builder
	printStatus(&b, consoleURL, st)
	for _, line := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
		fmt.Fprintf(w, "   %s\n", line)
	}
}

func wantParams(st sfn.RunStatus, want map[string]string) error {
	got := map[string]string{}
	for _, p := range st.Parameters {
		got[p.Name] = p.Value
	}
	for name, v := range want {
		if got[name] != v {
			return fmt.Errorf("output parameter %s = %q, want %q", name, got[name], v)
		}
	}
	return nil
}

// createDemoMachines creates the sample state machines through the real SDK
// client, as an operator would with the AWS CLI.
func createDemoMachines(ctx context.Context, endpoint string) error {
	client := awssfn.New(awssfn.Options{
		Region:       demoRegion,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("demo-access-key", "demo-secret-key", ""),
	})
	role := "arn:aws:iam::" + demoAccount + ":role/polysync-demo"
	for _, m := range demoMachines {
		_, err := client.CreateStateMachine(ctx, &awssfn.CreateStateMachineInput{
			Name:       aws.String(m.name),
			Definition: aws.String(m.definition),
			RoleArn:    aws.String(role),
			Type:       sfntypes.StateMachineType(m.kind),
			// The Express machine logs its runs' results; see demoexpress.go.
			LoggingConfiguration: demoLogging(m.kind),
		})
		if err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
	}
	return nil
}
