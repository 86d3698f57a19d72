package cli

import (
	"context"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	sfn "github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/internal/sfnops"
)

// jobsOptions are what 'jobs' needs.
type jobsOptions struct {
	awsOptions
	// observe sets the app's onCall, which counts the calls of discovery
	// for the progress display.
	observe func(onCall func(op string))
}

// newCmdJobs returns the jobs command, which calls runJobs (or runF: see
// runWith).
func newCmdJobs(f *app, runF func(context.Context, *jobsOptions) error) *cobra.Command {
	opts := &jobsOptions{observe: func(onCall func(string)) { f.onCall = onCall }}
	cmd := &cobra.Command{
		Use:   "jobs",
		Short: "List the state machines Polysync would import as jobs",
		Long: `jobs lists every state machine in the region (ListStateMachines, then DescribeStateMachine for each)
as Polysync imports them: name, type, ARN and execution role. LOGS says whether an Express job's results can
be read back from its CloudWatch Logs (level ALL with includeExecutionData), which a Provider needs to follow
runs it did not start and to start runs with ExpressAsync; "-" for Standard jobs. On a terminal, a progress
line counts the state machines described: with thousands of them, discovery takes minutes under the
DescribeStateMachine quota.

The region is --region, else $AWS_REGION, else $AWS_DEFAULT_REGION, else the region of the shared config
profile ($AWS_PROFILE, else default), as for the AWS CLI.`,
		Args: exactArgs(0, "no arguments"),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			return runWith(runF, runJobs)(cmd.Context(), opts)
		}),
	}
	opts.awsOptions.register(cmd, f)
	cmd.Flags().Lookup("region").Usage = regionHelpNoARN
	return cmd
}

func runJobs(ctx context.Context, opts *jobsOptions) error {
	prog := newProgress(opts.io.errOut, "discovering state machines")
	var described atomic.Int64
	opts.observe(func(op string) {
		if op == sfnops.DescribeStateMachine {
			prog.set(fmt.Sprintf("%d described", described.Add(1)))
		}
	})
	p, err := opts.provider(ctx, "")
	if err != nil {
		return err
	}
	prog.spin("listing")
	jobs, err := p.ListJobs(ctx)
	if err != nil {
		prog.done("failed")
		return err
	}
	prog.done(fmt.Sprintf("%d found", len(jobs)))
	if opts.asJSON {
		return writeJSON(opts.io.out, jobsJSON(jobs))
	}
	printJobs(opts.io.out, jobs)
	return nil
}

func printJobs(w io.Writer, jobs []sfn.Job) {
	printList(w, "NAME\tTYPE\tLOGS\tARN\tROLE", "No state machines found in this region.", jobs, func(j sfn.Job) []string {
		return []string{j.Name, string(j.Type), resultsInLogs(j), j.ID, orDash(j.RoleARN)}
	})
}

// resultsInLogs is the LOGS column: whether an Express job's results can be
// read from its logs.
func resultsInLogs(j sfn.Job) string {
	switch {
	case j.Type != sfn.TypeExpress:
		return "-"
	case j.ExpressResultsRecoverable:
		return "results"
	}
	return "no results"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// jobJSON is one job in 'jobs --json'.
type jobJSON struct {
	ID           string    `json:"ID"`
	Name         string    `json:"Name"`
	Type         string    `json:"Type"`
	RoleARN      string    `json:"RoleARN"`
	Status       string    `json:"Status"`
	Description  string    `json:"Description"`
	CreatedAt    time.Time `json:"CreatedAt"`
	LoggingLevel string    `json:"LoggingLevel"`
	// ExpressResultsRecoverable and ExpressResultsNotRecoverable: see
	// stepfunctions.Job.
	ExpressResultsRecoverable    bool   `json:"ExpressResultsRecoverable"`
	ExpressResultsNotRecoverable string `json:"ExpressResultsNotRecoverable"`
	TracingEnabled               bool   `json:"TracingEnabled"`
	RevisionID                   string `json:"RevisionID"`
	Label                        string `json:"Label"`
}

func jobsJSON(jobs []sfn.Job) []jobJSON {
	out := make([]jobJSON, 0, len(jobs))
	for _, j := range jobs {
		out = append(out, jobJSON{
			ID: j.ID, Name: j.Name, Type: j.Type, RoleARN: j.RoleARN, Status: j.Status, Description: j.Description,
			CreatedAt: j.CreatedAt, LoggingLevel: j.LoggingLevel, TracingEnabled: j.TracingEnabled,
			ExpressResultsRecoverable: j.ExpressResultsRecoverable, ExpressResultsNotRecoverable: j.ExpressResultsNotRecoverable,
			RevisionID: j.RevisionID, Label: j.Label,
		})
	}
	return out
}
