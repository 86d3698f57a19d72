package cli

import (
	"context"
	"fmt"
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
}

// newCmdLocal returns the local command, which calls runLocal (or runF: see
// runWith).
func newCmdLocal(f *app, runF func(context.Context, *localOptions) error) *cobra.Command {
	opts := &localOptions{io: f.streams(), getenv: f.getenv, logger: f.logger}
	cmd := &cobra.Command{
		Use:   "local [--addr 127.0.0.1:8083]",
		Short: "Serve the embedded Step Functions endpoint until interrupted",
		Long: `local serves the embedded Step Functions endpoint (AWS JSON 1.0, the real wire protocol) so the AWS
SDKs and CLI can talk to it: aws stepfunctions --endpoint-url http://127.0.0.1:8083 ...
It binds to loopback unless --addr names another address. Any signed request is accepted. State is kept in
memory and lost when it stops. Its ARNs name the region from --region (or $AWS_REGION), us-east-1 by default.`,
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
	fs.StringVar(&opts.region, "region", "", "region in the ARNs the endpoint makes (default $AWS_REGION, then $AWS_DEFAULT_REGION, then "+localRegion+")")
	addVerboseFlag(cmd, f)
	return cmd
}

// runLocal serves until ctx is done.
func runLocal(ctx context.Context, opts *localOptions) error {
	if len(opts.account) != 12 || strings.Trim(opts.account, "0123456789") != "" {
		return usageError("--account %q: want a 12-digit AWS account ID", opts.account)
	}
	region := firstNonEmpty(opts.region, opts.getenv("AWS_REGION"), opts.getenv("AWS_DEFAULT_REGION"), localRegion)
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
	w := opts.io.out
	fmt.Fprintf(w, "Serving Step Functions on %s (Ctrl-C to stop)\n", endpoint)
	fmt.Fprintf(w, "  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws stepfunctions --endpoint-url %s --region %s list-state-machines\n", endpoint, region)
	fmt.Fprintf(w, "  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws logs --endpoint-url %s --region %s describe-log-groups\n", endpoint, region)
	fmt.Fprintf(w, "  polysync-sfn jobs --endpoint %s --region %s\n", endpoint, region)
	<-ctx.Done()
	fmt.Fprintln(w, "Stopping.")
	return srv.Close()
}
