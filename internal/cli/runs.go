package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	sfn "github.com/polysync/stepfunctions"
)

// runsOptions are what 'runs' needs.
type runsOptions struct {
	awsOptions

	jobARN    string
	status    string
	since     string
	limit     int
	nextToken string
	// now is the clock --since counts back from.
	now func() time.Time
}

// runsStatuses are the values of runs --status, as Step Functions names them.
var runsStatuses = []string{"RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}

// newCmdRuns returns the runs command, which calls runRuns (or runF: see
// runWith).
func newCmdRuns(f *app, runF func(context.Context, *runsOptions) error) *cobra.Command {
	opts := &runsOptions{now: time.Now}
	cmd := &cobra.Command{
		Use:   "runs JOB-ARN [--status STATUS] [--since 24h] [--limit N] [--next-token TOKEN]",
		Short: "List a state machine's runs, newest first (ListExecutions)",
		Long: `runs lists the runs of a Standard state machine, newest first: status, start, duration, name and run ARN. A
version or alias ARN lists the runs started through it. Step Functions does not list Express runs.

--status keeps one Step Functions status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED (any case).
--since keeps the runs started in the last duration (90m, 24h, 7d) or since a time (2026-12-01T08:00:00Z).
--limit bounds the runs printed (default 50, at most 1000; 0 for every run); when more remain, the command to
see the next ones is printed on stderr (--next-token), and --json has it as NextToken.`,
		Example: `  polysync-sfn runs arn:aws:states:eu-west-1:111122223333:stateMachine:orders --status failed --since 24h`,
		Args:    exactArgs(1, "one JOB-ARN"),
		RunE:    runOnArg(opts, &opts.jobARN, nil, runF, runRuns),
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.status, "status", "", "keep runs in this status: running, succeeded, failed, timed_out or aborted")
	fs.StringVar(&opts.since, "since", "", "keep runs started in the last duration (24h, 7d) or since an RFC 3339 time")
	fs.IntVar(&opts.limit, "limit", 50, "print at most this many runs (at most 1000; 0 for every run)")
	fs.StringVar(&opts.nextToken, "next-token", "", "continue a listing where --limit stopped it")
	_ = cmd.RegisterFlagCompletionFunc("status", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return runsStatuses, cobra.ShellCompDirectiveNoFileComp
	})
	opts.awsOptions.register(cmd, f)
	return cmd
}

// runsJSON is what 'runs --json' prints.
type runsJSON struct {
	Runs []runSummaryJSON `json:"Runs"`
	// NextToken continues the listing (--next-token); null when it is
	// complete.
	NextToken *string `json:"NextToken"`
}

// runSummaryJSON is one run in 'runs --json'.
type runSummaryJSON struct {
	RunID string `json:"RunID"`
	Name  string `json:"Name"`
	// Status is Step Functions' status, State the Polysync state.
	Status                 string     `json:"Status"`
	State                  string     `json:"State"`
	StartedAt              *time.Time `json:"StartedAt"`
	StoppedAt              *time.Time `json:"StoppedAt"`
	StateMachineVersionARN string     `json:"StateMachineVersionARN"`
	StateMachineAliasARN   string     `json:"StateMachineAliasARN"`
	RedriveCount           int        `json:"RedriveCount"`
}

func runRuns(ctx context.Context, opts *runsOptions) error {
	if _, err := jobARN(opts.jobARN); err != nil {
		return err
	}
	filter, err := opts.filter()
	if err != nil {
		return err
	}
	p, err := opts.provider(ctx, opts.jobARN)
	if err != nil {
		return err
	}
	prog := newProgress(opts.io.errOut, "listing runs")
	prog.spin("")
	page, err := p.ListRuns(ctx, opts.jobARN, filter)
	if err != nil {
		prog.done("failed")
		return err
	}
	prog.done(fmt.Sprintf("%d runs", len(page.Runs)))
	if opts.asJSON {
		out := runsJSON{Runs: make([]runSummaryJSON, 0, len(page.Runs))}
		for _, r := range page.Runs {
			out.Runs = append(out.Runs, runSummaryJSON{RunID: r.RunID, Name: r.Name, Status: r.Status, State: string(r.State),
				StartedAt: timeOrNil(r.StartedAt), StoppedAt: timeOrNil(r.StoppedAt),
				StateMachineVersionARN: r.Details.StateMachineVersionARN, StateMachineAliasARN: r.Details.StateMachineAliasARN,
				RedriveCount: r.Details.RedriveCount})
		}
		if page.NextToken != "" {
			out.NextToken = &page.NextToken
		}
		return writeJSON(opts.io.out, out)
	}
	printRuns(opts.io.out, page.Runs)
	if page.NextToken != "" {
		// The next page keeps the --since window, as the time it stood for now: a duration would move it.
		since := ""
		if !filter.Since.IsZero() {
			since = " --since " + filter.Since.UTC().Format(time.RFC3339Nano)
		}
		fmt.Fprintf(opts.io.errOut, "More runs: polysync-sfn runs %s --next-token %s%s%s\n", opts.jobARN, shellQuote(page.NextToken),
			opts.carriedFlags("status", "limit"), since)
	}
	return nil
}

// filter returns the provider's filter of the flags.
func (opts *runsOptions) filter() (sfn.RunFilter, error) {
	f := sfn.RunFilter{Limit: opts.limit, NextToken: opts.nextToken}
	if opts.limit < 0 || opts.limit > sfn.MaxRunsPerPage {
		return f, usageError("--limit %d: want 0 (every run) to %d", opts.limit, sfn.MaxRunsPerPage)
	}
	if opts.status != "" {
		f.Status = strings.ToUpper(strings.ReplaceAll(opts.status, "-", "_"))
		if !slices.Contains(runsStatuses, f.Status) {
			return f, usageError("--status %q: want one of %s", opts.status, strings.ToLower(strings.Join(runsStatuses, ", ")))
		}
	}
	if opts.since != "" {
		since, err := parseSince(opts.since, opts.now())
		if err != nil {
			return f, usageError("--since %q: %v", opts.since, err)
		}
		f.Since = since
	}
	return f, nil
}

// parseSince reads --since: a duration back from now (Go's units, and d for
// days) or an RFC 3339 time.
func parseSince(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err == nil && n >= 0 {
			return now.AddDate(0, 0, -n), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return time.Time{}, fmt.Errorf("want a duration such as 90m, 24h or 7d, or a time such as 2026-12-01T08:00:00Z")
	}
	return now.Add(-d), nil
}

func printRuns(w io.Writer, runs []sfn.RunSummary) {
	printList(w, "STATUS\tSTARTED\tDURATION\tNAME\tRUN-ARN", "No runs found.", runs, func(r sfn.RunSummary) []string {
		duration := "-"
		if !r.StoppedAt.IsZero() {
			duration = r.StoppedAt.Sub(r.StartedAt).Round(time.Millisecond).String()
		}
		return []string{r.Status, r.StartedAt.UTC().Format(time.RFC3339), duration, r.Name, r.RunID}
	})
}
