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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
