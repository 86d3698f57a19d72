package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/spf13/cobra"

	sfn "github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/sfnlocal"
)

func (a *app) jobsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "jobs",
		Short: "List the state machines Polysync would import as jobs",
		Long: `jobs lists every state machine in the region (ListStateMachines, then DescribeStateMachine for each)
as Polysync imports them: name, type, ARN and execution role.`,
		Args: exactArgs(0, "no arguments"),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			p, err := a.newProvider(cmd.Context(), "")
			if err != nil {
				return err
			}
			jobs, err := p.ListJobs(cmd.Context())
			if err != nil {
				return err
			}
			if a.jsonOut {
				return writeJSON(a.stdout, jobsJSON(jobs))
			}
			printJobs(a.stdout, jobs)
			return nil
		}),
	}
}

func printJobs(w io.Writer, jobs []sfn.Job) {
	if len(jobs) == 0 {
		fmt.Fprintln(w, "No state machines found in this region.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTYPE\tARN\tROLE")
	for _, j := range jobs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", j.Name, j.Type, j.ID, orDash(j.RoleARN))
	}
	tw.Flush()
}

type runFlags struct {
	params, outs   []string
	wait           bool
	traceHeader    string
	idempotencyKey string
	pollInterval   time.Duration
}

func (a *app) runCommand() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run JOB-ARN [--param name:type=value ...] [--out name:type ...] [--wait]",
		Short: "Start a run of a state machine (a version or alias ARN works too)",
		Long: `run starts an execution with a JSON input built from the --param flags, as Polysync does.

Types: string (default), number, boolean, json. A json value, or a string value that already is a JSON object
or array, is embedded as JSON. --out declares an output parameter, filled from the top-level property of the
execution's output with the same name (case-insensitive). A name given to both --param and --out is an
InputOutput parameter.

Express state machines run synchronously: run returns when the execution has ended, with or without --wait.

Exit status with --wait (or for Express): 0 succeeded, 1 failed, 3 cancelled.`,
		Example: `  polysync-sfn run arn:aws:states:us-east-1:123456789012:stateMachine:orders \
    --param orderId=A-17 --param quantity:number=3 --param rush:boolean=true \
    --out total:number --wait`,
		Args: exactArgs(1, "one JOB-ARN"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			params, err := parseParams(f.params, f.outs)
			if err != nil {
				return usageError("%v", err)
			}
			if err := checkPollInterval(f.pollInterval); err != nil {
				return err
			}
			p, err := a.newProvider(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			var opts []sfn.ExecuteOption
			if f.traceHeader != "" {
				opts = append(opts, sfn.WithTraceHeader(f.traceHeader))
			}
			if f.idempotencyKey != "" {
				opts = append(opts, sfn.WithIdempotencyKey(f.idempotencyKey))
			}
			pr, err := p.ExecutePipeline(cmd.Context(), sfn.Job{ID: args[0]}, params, opts...)
			if err != nil {
				return err
			}
			if !f.wait && pr.Status == nil {
				if a.jsonOut {
					return writeJSON(a.stdout, newRunJSON(pr.ConsoleURL, sfn.RunStatus{
						RunID: pr.RunID, State: sfn.RunStateRunning, StartedAt: pr.StartedAt, Parameters: params,
					}))
				}
				fmt.Fprintf(a.stdout, "Started %s\nConsole %s\n", pr.RunID, pr.ConsoleURL)
				return nil
			}
			return a.followAndReport(cmd.Context(), p, pr, params, f.pollInterval)
		}),
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&f.params, "param", nil, "input parameter name:type=value (repeatable)")
	fs.StringArrayVar(&f.outs, "out", nil, "output parameter name:type (repeatable)")
	fs.BoolVar(&f.wait, "wait", false, "follow the run to the end and print its outputs")
	fs.StringVar(&f.traceHeader, "trace-header", "", "X-Ray trace header for this run")
	fs.StringVar(&f.idempotencyKey, "idempotency-key", "", "repeating a run with the same key returns the same run")
	fs.DurationVar(&f.pollInterval, "poll-interval", 2*time.Second, "how often --wait asks for the status")
	return cmd
}

// minPollInterval is the shortest --poll-interval: polling faster only
// spends the DescribeExecution quota.
const minPollInterval = 100 * time.Millisecond

func checkPollInterval(d time.Duration) error {
	if d < minPollInterval {
		return usageError("--poll-interval %s: must be at least %s", d, minPollInterval)
	}
	return nil
}

// followAndReport follows run to its end with a progress display on stderr, then reports it (reportRun). An
// interruption says how to follow or stop the run, which goes on.
func (a *app) followAndReport(ctx context.Context, p statusGetter, run sfn.PipelineRun, params []sfn.Parameter, every time.Duration) error {
	st, err := follow(ctx, p, run, params, every, newProgress(a.stderr, run.Name))
	if err != nil && ctx.Err() != nil {
		return &exitError{code: ExitInterrupted, err: fmt.Errorf(
			"interrupted; run %[1]s goes on: follow it with 'polysync-sfn status %[1]s' or stop it with 'polysync-sfn cancel %[1]s'",
			run.RunID)}
	}
	if err != nil {
		return err
	}
	return a.reportRun(run.ConsoleURL, st)
}

// reportRun prints a finished (or current) run and turns its state into the
// exit status.
func (a *app) reportRun(consoleURL string, st sfn.RunStatus) error {
	if a.jsonOut {
		if err := writeJSON(a.stdout, newRunJSON(consoleURL, st)); err != nil {
			return err
		}
	} else {
		printStatus(a.stdout, consoleURL, st)
	}
	switch st.State {
	case sfn.RunStateFailed:
		return &exitError{code: ExitRunFailed}
	case sfn.RunStateCancelled:
		return &exitError{code: ExitRunCancelled}
	case sfn.RunStateUnknown:
		return &exitError{code: ExitAWS, err: fmt.Errorf("run %s is in a state this tool does not know: %s", st.RunID, st.Message)}
	}
	return nil
}

func printStatus(w io.Writer, consoleURL string, st sfn.RunStatus) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Run\t%s\n", st.RunID)
	fmt.Fprintf(tw, "State\t%s\n", st.State)
	if !st.StartedAt.IsZero() {
		fmt.Fprintf(tw, "Started\t%s\n", st.StartedAt.UTC().Format(time.RFC3339))
	}
	if !st.StoppedAt.IsZero() {
		fmt.Fprintf(tw, "Stopped\t%s (%s)\n", st.StoppedAt.UTC().Format(time.RFC3339), st.StoppedAt.Sub(st.StartedAt).Round(time.Millisecond))
	}
	if st.Error != "" {
		fmt.Fprintf(tw, "Error\t%s\n", st.Error)
	}
	if st.Cause != "" {
		fmt.Fprintf(tw, "Cause\t%s\n", st.Cause)
	}
	if st.Message != "" {
		fmt.Fprintf(tw, "Message\t%s\n", st.Message)
	}
	if consoleURL != "" {
		fmt.Fprintf(tw, "Console\t%s\n", consoleURL)
	}
	tw.Flush()
	var outs []sfn.Parameter
	for _, p := range st.Parameters {
		if p.Direction == sfn.DirectionOutput || p.Direction == sfn.DirectionInputOutput {
			outs = append(outs, p)
		}
	}
	if len(outs) > 0 {
		fmt.Fprintln(w, "Output parameters:")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, p := range outs {
			fmt.Fprintf(tw, "  %s\t(%s)\t= %s\n", p.Name, p.DataType, p.Value)
		}
		tw.Flush()
	}
}

func (a *app) statusCommand() *cobra.Command {
	var outs []string
	cmd := &cobra.Command{
		Use:   "status RUN-ARN [--out name:type ...]",
		Short: "Show a run's state, error and output parameters",
		Long: `status describes one run (a Standard execution ARN; Step Functions cannot describe Express ones). With
--out, the execution's output is mapped onto those output parameters as Polysync does. Exit status: 0 running or
succeeded, 1 failed, 3 cancelled.`,
		Args: exactArgs(1, "one RUN-ARN"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			params, err := parseParams(nil, outs)
			if err != nil {
				return usageError("%v", err)
			}
			if ref, err := arn.Parse(args[0]); err == nil && strings.HasPrefix(ref.Resource, "express:") {
				return usageError("%s is an Express run: Step Functions cannot describe Express executions, so only "+
					"the 'run' that started it saw its result; look for it in the state machine's CloudWatch Logs", args[0])
			}
			p, err := a.newProvider(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			st, err := p.GetPipelineRunStatus(cmd.Context(), args[0], params)
			if err != nil {
				return err
			}
			link, _ := p.ConsoleURL(args[0])
			return a.reportRun(link, st)
		}),
	}
	cmd.Flags().StringArrayVar(&outs, "out", nil, "output parameter name:type (repeatable)")
	return cmd
}

func (a *app) cancelCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "cancel RUN-ARN",
		Short: "Cancel a run (StopExecution); a run that already ended is left as it is",
		Args:  exactArgs(1, "one RUN-ARN"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			p, err := a.newProvider(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if err := p.CancelPipelineRun(cmd.Context(), args[0]); err != nil {
				return err
			}
			// Say what the run is now; when that cannot be read (no states:DescribeExecution, say), the
			// cancel itself still succeeded.
			result, state := "cancel requested", sfn.RunStateRunning
			if st, err := p.GetPipelineRunStatus(cmd.Context(), args[0], nil); err == nil {
				switch state = st.State; state {
				case sfn.RunStateCancelled:
					result = "cancelled"
				case sfn.RunStateRunning:
				default:
					result = "already ended"
				}
			}
			if a.jsonOut {
				return writeJSON(a.stdout, map[string]string{"RunID": args[0], "Result": result, "State": string(state)})
			}
			switch result {
			case "cancelled":
				fmt.Fprintf(a.stdout, "Cancelled %s\n", args[0])
			case "already ended":
				fmt.Fprintf(a.stdout, "Run %s had already ended (%s): nothing to cancel\n", args[0], state)
			default:
				fmt.Fprintf(a.stdout, "Cancel requested for %s\n", args[0])
			}
			return nil
		}),
	}
}

func (a *app) redriveCommand() *cobra.Command {
	var (
		outs         []string
		wait         bool
		pollInterval time.Duration
	)
	cmd := &cobra.Command{
		Use:   "redrive RUN-ARN [--wait] [--out name:type ...]",
		Short: "Restart a failed, timed-out or cancelled run from where it stopped (RedriveExecution)",
		Long: `redrive restarts a Standard run that failed, timed out or was cancelled in the last 14 days from the state
where it stopped; the run keeps its ARN. A run that is already running is left as it is. With --wait, redrive
follows the run to the end like run --wait, mapping its output onto the --out parameters.

Exit status with --wait: 0 succeeded, 1 failed, 3 cancelled; a run Step Functions cannot redrive exits 4.`,
		Args: exactArgs(1, "one RUN-ARN"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			params, err := parseParams(nil, outs)
			if err != nil {
				return usageError("%v", err)
			}
			if err := checkPollInterval(pollInterval); err != nil {
				return err
			}
			p, err := a.newProvider(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if err := p.RedrivePipelineRun(cmd.Context(), args[0]); err != nil {
				return err
			}
			link, _ := p.ConsoleURL(args[0])
			if !wait {
				if a.jsonOut {
					return writeJSON(a.stdout, map[string]string{"RunID": args[0], "Result": "redriven"})
				}
				fmt.Fprintf(a.stdout, "Redriven %s\nConsole %s\n", args[0], link)
				return nil
			}
			name := args[0][strings.LastIndex(args[0], ":")+1:]
			return a.followAndReport(cmd.Context(), p, sfn.PipelineRun{RunID: args[0], Name: name, ConsoleURL: link}, params, pollInterval)
		}),
	}
	cmd.Flags().StringArrayVar(&outs, "out", nil, "output parameter name:type (repeatable)")
	cmd.Flags().BoolVar(&wait, "wait", false, "follow the run to the end and print its outputs")
	cmd.Flags().DurationVar(&pollInterval, "poll-interval", 2*time.Second, "how often --wait asks for the status")
	return cmd
}

func (a *app) urlCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "url ARN",
		Short: "Print the AWS console link for an execution or state machine ARN",
		Long: `url prints the console link for a Standard or Express execution ARN, or a state machine ARN. The
region and partition (aws, aws-cn, aws-us-gov) come from the ARN; no AWS call is made.`,
		Args: exactArgs(1, "one ARN"),
		RunE: run(func(_ *cobra.Command, args []string) error {
			link, err := sfn.ConsoleURL(args[0])
			if err != nil {
				return usageError("%v", err)
			}
			if a.jsonOut {
				return writeJSON(a.stdout, map[string]string{"ARN": args[0], "URL": link})
			}
			fmt.Fprintln(a.stdout, link)
			return nil
		}),
	}
}

// localRegion is the region local serves when none is configured, as
// sfnlocal does by default.
const localRegion = "us-east-1"

func (a *app) localCommand() *cobra.Command {
	var addr, account string
	var timeScale float64
	cmd := &cobra.Command{
		Use:   "local [--addr 127.0.0.1:8083]",
		Short: "Serve the embedded Step Functions endpoint until interrupted",
		Long: `local serves the embedded Step Functions endpoint (AWS JSON 1.0, the real wire protocol) so the AWS
SDKs and CLI can talk to it: aws stepfunctions --endpoint-url http://127.0.0.1:8083 ...
It binds to loopback unless --addr names another address. Any signed request is accepted. State is kept in
memory and lost when it stops. Its ARNs name the region from --region (or $AWS_REGION), us-east-1 by default.`,
		Args: exactArgs(0, "no arguments"),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			if len(account) != 12 || strings.Trim(account, "0123456789") != "" {
				return usageError("--account %q: want a 12-digit AWS account ID", account)
			}
			region := firstNonEmpty(a.conn.region, a.getenv("AWS_REGION"), a.getenv("AWS_DEFAULT_REGION"), localRegion)
			opts := []sfnlocal.Option{sfnlocal.WithLogger(a.logger()), sfnlocal.WithAccountID(account), sfnlocal.WithRegion(region)}
			if !(timeScale > 0) || math.IsInf(timeScale, 0) {
				return usageError("--time-scale %v: must be a positive number", timeScale)
			}
			if timeScale != 1 {
				opts = append(opts, sfnlocal.WithTimeScale(timeScale))
			}
			srv := sfnlocal.New(opts...)
			endpoint, err := srv.Listen(addr)
			if err != nil {
				return &exitError{code: ExitUsage, err: fmt.Errorf("--addr %s: %w", addr, err)}
			}
			if !loopbackEndpoint(endpoint) {
				fmt.Fprintf(a.stderr, "warning: %s is reachable from other hosts, and the endpoint accepts any signed request\n", endpoint)
			}
			fmt.Fprintf(a.stdout, "Serving Step Functions on %s (Ctrl-C to stop)\n", endpoint)
			fmt.Fprintf(a.stdout, "  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws stepfunctions --endpoint-url %s --region %s list-state-machines\n", endpoint, region)
			fmt.Fprintf(a.stdout, "  polysync-sfn jobs --endpoint %s --region %s\n", endpoint, region)
			<-cmd.Context().Done()
			fmt.Fprintln(a.stdout, "Stopping.")
			return srv.Close()
		}),
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8083", "address to listen on (host:port; port 0 picks a free one)")
	cmd.Flags().StringVar(&account, "account", "123456789012", "AWS account ID in the ARNs the endpoint makes")
	cmd.Flags().Float64Var(&timeScale, "time-scale", 1, "run time this many times faster (Wait states, timeouts)")
	return cmd
}

func (a *app) iamPolicyCommand() *cobra.Command {
	var machines []string
	var tenant, subject, audience string
	cmd := &cobra.Command{
		Use:   "iam-policy --state-machine ARN ... [--entra-tenant ID --subject OID]",
		Short: "Print the least-privilege IAM policy (and the Entra ID trust policy) for Polysync",
		Long: `iam-policy prints the permissions policy Polysync's role needs for the given state machines: discover
(states:ListStateMachines on *), describe and start them (and their versions and aliases), and track and
cancel their executions.

With --entra-tenant and --subject it also prints the role's trust policy for web identity federation from
Microsoft Entra ID: the IAM OIDC provider for https://login.microsoftonline.com/<tenant>/v2.0 may assume the
role for tokens whose aud is --audience and whose sub is --subject (the object ID of the managed identity or
service principal).`,
		Args: exactArgs(0, "no arguments"),
		RunE: run(func(_ *cobra.Command, _ []string) error {
			perms, err := permissionsPolicy(machines)
			if err != nil {
				return usageError("%v", err)
			}
			out := map[string]policyDocument{"PermissionsPolicy": perms}
			if tenant != "" || subject != "" {
				if tenant == "" {
					return usageError("--subject needs --entra-tenant")
				}
				ref, _ := parseStateMachineARN(machines[0])
				for _, m := range machines[1:] {
					other, _ := parseStateMachineARN(m)
					if other.Account != ref.Account || other.Partition != ref.Partition {
						return usageError("the state machines are in accounts %s and %s: the trust policy is for one role in one "+
							"account; run iam-policy once per account", ref.Partition+":"+ref.Account, other.Partition+":"+other.Account)
					}
				}
				trust, err := trustPolicy(ref.Account, ref.Partition, tenant, subject, audience)
				if err != nil {
					return usageError("%v", err)
				}
				out["TrustPolicy"] = trust
			}
			if a.jsonOut {
				return writeJSON(a.stdout, out)
			}
			for _, name := range []string{"PermissionsPolicy", "TrustPolicy"} {
				doc, ok := out[name]
				if !ok {
					continue
				}
				text, err := marshalPolicy(doc)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "# %s\n%s\n", name, text)
			}
			return nil
		}),
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&machines, "state-machine", nil, "state machine ARN (repeatable)")
	fs.StringVar(&tenant, "entra-tenant", "", "Microsoft Entra ID tenant (directory) ID")
	fs.StringVar(&subject, "subject", "", "object ID of the workload's managed identity or service principal (the token's sub)")
	fs.StringVar(&audience, "audience", "sts.amazonaws.com", "audience (aud) the workload requests its token for")
	return cmd
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// loopbackEndpoint reports whether endpoint (http://host:port) is reachable only from this host.
func loopbackEndpoint(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
