package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"strings"

	"github.com/spf13/cobra"

	"github.com/polysync/stepfunctions/sfnlocal"
)

// localRegion is the region local serves when none is configured, as
// sfnlocal does by default.
const localRegion = "us-east-1"

// localOptions are what 'local' needs. It serves the endpoint rather than
// calling one: no provider.
type localOptions struct {
	io     ioStreams
	getenv func(string) string
	logger func() *slog.Logger

	addr, account string
	// region is --region; the environment's region and localRegion come
	// after it.
	region    string
	timeScale float64
	// mockConfig is --mock-config: a Step Functions Local mock configuration
	// file, "" for none.
	mockConfig string
	// definitions is --definitions: a directory whose *.asl.json files
	// become state machines at start, "" for none.
	definitions string
}

// newCmdLocal returns the local command, which calls runLocal (or runF: see
// runWith).
func newCmdLocal(f *app, runF func(context.Context, *localOptions) error) *cobra.Command {
	opts := &localOptions{io: f.streams(), getenv: f.getenv, logger: f.logger}
	cmd := &cobra.Command{
		Use:   "local [--addr 127.0.0.1:8083] [--definitions DIR]",
		Short: "Serve the embedded Step Functions endpoint until interrupted",
		Long: `local serves the embedded Step Functions endpoint (AWS JSON 1.0, the real wire protocol) so the AWS
SDKs and CLI can talk to it: aws stepfunctions --endpoint-url http://127.0.0.1:8083 ...
It binds to loopback unless --addr names another address. Any signed request is accepted. State is kept in
memory and lost when it stops. Its ARNs name the region from --region, else $AWS_REGION, else
$AWS_DEFAULT_REGION, else us-east-1.
--definitions DIR creates a Standard state machine from each DIR/*.asl.json at start, named after the file
(orders.asl.json: orders), and prints their ARNs; a bad file stops it with an error naming the file.
The AWS CLI v1 sends start-sync-execution and test-state to sync-127.0.0.1, which does not resolve: set
AWS_DISABLE_HOST_PREFIX_INJECTION=true.`,
		Args: exactArgs(0, "no arguments"),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			return runWith(runF, runLocal)(cmd.Context(), opts)
		}),
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.addr, "addr", "127.0.0.1:8083", "address to listen on (host:port; port 0 picks a free one)")
	fs.StringVar(&opts.account, "account", "123456789012", "AWS account ID in the ARNs the endpoint makes")
	fs.Float64Var(&opts.timeScale, "time-scale", 1, "run time this many times faster (Wait states, timeouts)")
	fs.StringVar(&opts.mockConfig, "mock-config", "", "Step Functions Local mock configuration file: start <stateMachineArn>#<TestCase> to run a test case")
	fs.StringVar(&opts.definitions, "definitions", "", "directory whose *.asl.json files become Standard state machines at start, each named after its file")
	fs.StringVar(&opts.region, "region", "", "region in the ARNs the endpoint makes (default $AWS_REGION, then $AWS_DEFAULT_REGION, then "+localRegion+")")
	addVerboseFlag(cmd, f)
	return cmd
}

// runLocal serves until ctx is done.
func runLocal(ctx context.Context, opts *localOptions) error {
	if len(opts.account) != 12 || strings.Trim(opts.account, "0123456789") != "" {
		return usageError("--account %q: want a 12-digit AWS account ID", opts.account)
	}
	region := cmp.Or(opts.region, opts.getenv("AWS_REGION"), opts.getenv("AWS_DEFAULT_REGION"), localRegion)
	serverOpts := []sfnlocal.Option{sfnlocal.WithLogger(opts.logger()), sfnlocal.WithAccountID(opts.account), sfnlocal.WithRegion(region)}
	if !(opts.timeScale > 0) || math.IsInf(opts.timeScale, 0) {
		return usageError("--time-scale %v: must be a positive number", opts.timeScale)
	}
	if opts.timeScale != 1 {
		serverOpts = append(serverOpts, sfnlocal.WithTimeScale(opts.timeScale))
	}
	if opts.mockConfig != "" {
		mocks, err := sfnlocal.LoadMockConfig(opts.mockConfig)
		if err != nil {
			return usageError("--mock-config: %v", err)
		}
		serverOpts = append(serverOpts, sfnlocal.WithMocks(mocks))
	}
	if _, _, err := net.SplitHostPort(opts.addr); err != nil {
		return usageError("--addr %q: want host:port, such as 127.0.0.1:8083", opts.addr)
	}
	var defs []definitionFile
	if opts.definitions != "" {
		var skipped []string
		var err error
		defs, skipped, err = readDefinitions(opts.definitions)
		if err != nil {
			return usageError("--definitions %s: %v", opts.definitions, err)
		}
		for _, name := range skipped {
			fmt.Fprintf(opts.io.errOut, "warning: --definitions: %s skipped: YAML is not read; convert it to %s%s\n",
				name, strings.TrimSuffix(name, yamlDefinitionSuffix), definitionSuffix)
		}
	}
	srv := sfnlocal.New(serverOpts...)
	endpoint, err := srv.Listen(opts.addr)
	if err != nil {
		// The address was well formed (else a usage error above would have said so) but could not be served: the
		// port is taken, say. Like an endpoint that cannot be reached, that is the network's answer.
		return &exitError{code: ExitAWS, err: fmt.Errorf("--addr %s: %w", opts.addr, err)}
	}
	if !isLoopbackEndpoint(endpoint) {
		fmt.Fprintf(opts.io.errOut, "warning: %s is reachable from other hosts, and the endpoint accepts any signed request\n", endpoint)
	}
	arns, err := createDefinitions(ctx, endpoint, region, opts.account, defs)
	if err != nil {
		srv.Close()
		return usageError("--definitions %s: %v", opts.definitions, err)
	}
	w := opts.io.out
	fmt.Fprintf(w, "Serving Step Functions on %s (Ctrl-C to stop)\n", endpoint)
	for i, arn := range arns {
		fmt.Fprintf(w, "  created %s from %s\n", arn, defs[i].file)
	}
	printLocalUsage(w, endpoint, region)
	<-ctx.Done()
	fmt.Fprintln(w, "Stopping.")
	return srv.Close()
}

// printLocalUsage prints how to reach the endpoint with the AWS CLI and with
// polysync-sfn. Any keys sign. botocore clients (the AWS CLI v1) send
// StartSyncExecution and TestState to the host "sync-<endpoint host>", which
// does not resolve for 127.0.0.1: AWS_DISABLE_HOST_PREFIX_INJECTION=true
// stops that.
func printLocalUsage(w io.Writer, endpoint, region string) {
	const keys = "AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local"
	fmt.Fprintf(w, "With the AWS CLI (any keys sign; AWS_DISABLE_HOST_PREFIX_INJECTION=true lets start-sync-execution and test-state reach it):\n")
	fmt.Fprintf(w, "  %s aws stepfunctions --endpoint-url %s --region %s list-state-machines\n", keys, endpoint, region)
	fmt.Fprintf(w, "  %s AWS_DISABLE_HOST_PREFIX_INJECTION=true aws stepfunctions --endpoint-url %s --region %s start-sync-execution --state-machine-arn ARN\n", keys, endpoint, region)
	fmt.Fprintf(w, "  %s aws logs --endpoint-url %s --region %s describe-log-groups\n", keys, endpoint, region)
	fmt.Fprintf(w, "  polysync-sfn jobs --endpoint %s --region %s\n", endpoint, region)
}
