// Command polysync-sfn checks and drives AWS Step Functions the way Polysync
// does: discover state machines as jobs, start and follow runs, map outputs,
// cancel, print console links and IAM policies, serve the embedded endpoint,
// and run a demo that needs no AWS account.
//
// Run 'polysync-sfn --help' for the commands and their exit statuses.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/polysync/stepfunctions/internal/cli"
)

func main() {
	ctx, stop := interruptContext()
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// interruptContext returns a context that is done at the first Ctrl-C
// (SIGINT) or SIGTERM, which the command answers by stopping what it does.
// From then on the signals have their default effect again, before the
// context is done: should the command be slow to stop (a read or a shutdown
// that hangs), a second Ctrl-C ends the process.
func interruptContext() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case <-signals:
		case <-ctx.Done():
		}
		signal.Stop(signals)
		cancel()
	}()
	return ctx, cancel
}
