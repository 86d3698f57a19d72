package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	sfn "github.com/polysync/stepfunctions"
)

// urlOptions are what 'url' needs. It calls nothing: no provider.
type urlOptions struct {
	io     ioStreams
	asJSON bool

	arn string
}

// newCmdURL returns the url command, which calls runURL (or runF: see runWith).
func newCmdURL(f *app, runF func(context.Context, *urlOptions) error) *cobra.Command {
	opts := &urlOptions{io: f.streams()}
	cmd := &cobra.Command{
		Use:   "url ARN",
		Short: "Print the AWS console link for an execution or state machine ARN",
		Long: `url prints the console link for a Standard or Express execution ARN, or a state machine ARN. The
region and partition (aws, aws-cn, aws-us-gov) come from the ARN; no AWS call is made.`,
		Args: exactArgs(1, "one ARN"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			opts.arn = args[0]
			return runWith(runF, runURL)(cmd.Context(), opts)
		}),
	}
	addJSONFlag(cmd, &opts.asJSON)
	return cmd
}

// urlJSON is what 'url --json' prints.
type urlJSON struct {
	ARN string `json:"ARN"`
	URL string `json:"URL"`
}

func runURL(_ context.Context, opts *urlOptions) error {
	link, err := sfn.ConsoleURL(opts.arn)
	if err != nil {
		return usageError("%v", err)
	}
	if opts.asJSON {
		return writeJSON(opts.io.out, urlJSON{ARN: opts.arn, URL: link})
	}
	fmt.Fprintln(opts.io.out, link)
	return nil
}
