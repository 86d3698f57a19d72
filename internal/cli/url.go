package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	sfn "github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/internal/sfnarn"
)

// urlOptions are what 'url' needs. It calls nothing: no provider.
type urlOptions struct {
	io     ioStreams
	asJSON bool

	arn string
	// startDate is --start-date as given, "" when it was not.
	startDate string
}

// newCmdURL returns the url command, which calls runURL (or runF: see runWith).
func newCmdURL(f *app, runF func(context.Context, *urlOptions) error) *cobra.Command {
	opts := &urlOptions{io: f.streams()}
	cmd := &cobra.Command{
		Use:   "url ARN [--start-date TIME]",
		Short: "Print the AWS console link for an execution or state machine ARN",
		Long: `url prints the console link for a Standard or Express execution ARN, or a state machine ARN. The
region and partition (aws, aws-cn, aws-us-gov) come from the ARN; no AWS call is made.

The console opens an Express execution only with its start time, which its ARN does not carry: pass it
with --start-date, as RFC 3339 (the StartedAt of 'run --json') or epoch milliseconds. Without it, url
prints the link without the start and says so on stderr.`,
		Example: `  polysync-sfn url arn:aws:states:eu-west-1:111122223333:execution:orders:Polysync-0193
  polysync-sfn url arn:aws:states:eu-west-1:111122223333:express:quotes:q-1:0b4fd7c1-61b2-4c3a-a0a9-b4d5c53e56a2 --start-date 2025-12-01T08:00:00.123Z`,
		Args: exactArgs(1, "one ARN"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			opts.arn = args[0]
			if cmd.Flags().Changed("start-date") && opts.startDate == "" {
				return usageError("--start-date is empty: %s", startDateWant)
			}
			return runWith(runF, runURL)(cmd.Context(), opts)
		}),
	}
	cmd.Flags().StringVar(&opts.startDate, "start-date", "", "start of an Express execution, RFC 3339 or epoch milliseconds (its console page needs it)")
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
	a, err := sfnarn.Parse(opts.arn)
	if err != nil {
		return usageError("%v", err) // ConsoleURL parsed it: not reached
	}
	switch {
	case opts.startDate != "" && a.Kind != sfnarn.Express:
		return usageError("--start-date is for an Express execution ARN; %s is %s, whose link needs no start", opts.arn, a.Kind.Indefinite())
	case opts.startDate != "":
		start, err := parseStartDate(opts.startDate)
		if err != nil {
			return usageError("--start-date %q: %v", opts.startDate, err)
		}
		if link, err = sfn.ConsoleURLWithStart(opts.arn, start); err != nil {
			return usageError("%v", err)
		}
	case a.Kind == sfnarn.Express:
		fmt.Fprintln(opts.io.errOut, "note: the console opens an Express execution only with its start time, which its ARN "+
			"does not carry; pass --start-date with the run's start (StartedAt), as RFC 3339 or epoch milliseconds")
	}
	if opts.asJSON {
		return writeJSON(opts.io.out, urlJSON{ARN: opts.arn, URL: link})
	}
	fmt.Fprintln(opts.io.out, link)
	return nil
}

// startDateWant says what --start-date takes.
const startDateWant = "want an RFC 3339 time such as 2025-12-01T08:00:00.123Z or epoch milliseconds such as 1764576000123"

// minStartMillis is the smallest epoch-milliseconds --start-date: 2001-09-09. Step Functions is younger; a
// smaller number is epoch seconds (what the Step Functions API answers), which would make a link to 1970.
const minStartMillis = 1_000_000_000_000

// parseStartDate reads --start-date: RFC 3339, or epoch milliseconds.
func parseStartDate(s string) (time.Time, error) {
	if strings.Trim(s, "0123456789") == "" {
		ms, err := strconv.ParseInt(s, 10, 64)
		switch {
		case err != nil:
			return time.Time{}, fmt.Errorf("too large for epoch milliseconds; %s", startDateWant)
		case ms < minStartMillis:
			return time.Time{}, fmt.Errorf("as epoch milliseconds that is %s, before Step Functions existed; "+
				"if it is epoch seconds, pass %d000", time.UnixMilli(ms).UTC().Format(time.RFC3339), ms)
		}
		return time.UnixMilli(ms), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s", startDateWant)
	}
	return t, nil
}
