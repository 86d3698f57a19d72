package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	sfn "github.com/polysync/stepfunctions"
)

// describeOptions are what 'describe' needs.
type describeOptions struct {
	awsOptions

	jobARN     string
	definition bool
	// suggest adds the parameters the definition suggests.
	suggest bool
}

// newCmdDescribe returns the describe command, which calls runDescribe (or
// runF: see runWith).
func newCmdDescribe(f *app, runF func(context.Context, *describeOptions) error) *cobra.Command {
	opts := &describeOptions{}
	cmd := &cobra.Command{
		Use:   "describe JOB-ARN [--definition] [--suggest]",
		Short: "Describe a state machine: type, role, logging, versions and aliases (and its definition)",
		Long: `describe shows one state machine as an operator checks it: type, status, execution role, logging level and
log group, tracing, revision, its published versions (newest first) and its aliases. A version ARN describes
that version; an alias ARN the state machine. --definition adds the definition (Amazon States Language), which
for a state machine encrypted with a customer managed KMS key needs kms:Decrypt. --suggest adds the parameters
the definition suggests (SuggestParameters): the input properties the state machine reads and the output
properties its last states write, with a data type where the definition tells it; it reads the definition too.`,
		Example: `  polysync-sfn describe arn:aws:states:eu-west-1:111122223333:stateMachine:orders --definition`,
		Args:    exactArgs(1, "one JOB-ARN"),
		RunE:    runOnArg(opts, &opts.jobARN, nil, runF, runDescribe),
	}
	cmd.Flags().BoolVar(&opts.definition, "definition", false, "print the state machine's definition too")
	cmd.Flags().BoolVar(&opts.suggest, "suggest", false, "list the parameters the definition suggests")
	opts.awsOptions.register(cmd, f)
	return cmd
}

// describeJSON is what 'describe --json' prints: the job as 'jobs --json'
// prints one, and the rest.
type describeJSON struct {
	jobJSON
	LogGroupARN          string `json:"LogGroupARN"`
	IncludeExecutionData bool   `json:"IncludeExecutionData"`
	// Definition is the definition as JSON, null without --definition.
	Definition json.RawMessage `json:"Definition"`
	Versions   []versionJSON   `json:"Versions"`
	Aliases    []aliasJSON     `json:"Aliases"`
	// SuggestedParameters are the parameters the definition suggests, null
	// without --suggest.
	SuggestedParameters []suggestedJSON `json:"SuggestedParameters"`
}

// suggestedJSON is one suggested parameter in 'describe --suggest --json'.
type suggestedJSON struct {
	Name      string `json:"Name"`
	Direction string `json:"Direction"`
	DataType  string `json:"DataType"`
	Optional  bool   `json:"Optional"`
}

type versionJSON struct {
	ARN       string    `json:"ARN"`
	Version   int       `json:"Version"`
	CreatedAt time.Time `json:"CreatedAt"`
}

type aliasJSON struct {
	ARN       string    `json:"ARN"`
	Name      string    `json:"Name"`
	CreatedAt time.Time `json:"CreatedAt"`
}

func runDescribe(ctx context.Context, opts *describeOptions) error {
	if _, err := jobARN(opts.jobARN); err != nil {
		return err
	}
	p, err := opts.provider(ctx, opts.jobARN)
	if err != nil {
		return err
	}
	d, err := p.DescribeJob(ctx, opts.jobARN, sfn.DescribeJobOptions{Definition: opts.definition})
	if err != nil {
		return err
	}
	var suggested []sfn.Parameter
	if opts.suggest {
		if suggested, err = p.SuggestParameters(ctx, sfn.Job{ID: opts.jobARN}); err != nil {
			return err
		}
	}
	if opts.asJSON {
		out := describeJSON{jobJSON: jobsJSON([]sfn.Job{d.Job})[0], LogGroupARN: d.LogGroupARN,
			IncludeExecutionData: d.IncludeExecutionData, Versions: []versionJSON{}, Aliases: []aliasJSON{}}
		if d.Definition != "" && json.Valid([]byte(d.Definition)) {
			out.Definition = json.RawMessage(d.Definition)
		}
		for _, v := range d.Versions {
			out.Versions = append(out.Versions, versionJSON{ARN: v.ARN, Version: v.Version, CreatedAt: v.CreatedAt})
		}
		for _, a := range d.Aliases {
			out.Aliases = append(out.Aliases, aliasJSON{ARN: a.ARN, Name: a.Name, CreatedAt: a.CreatedAt})
		}
		if opts.suggest {
			out.SuggestedParameters = make([]suggestedJSON, 0, len(suggested))
		}
		for _, prm := range suggested {
			out.SuggestedParameters = append(out.SuggestedParameters, suggestedJSON{Name: prm.Name,
				Direction: string(prm.Direction), DataType: string(prm.DataType), Optional: prm.Optional})
		}
		return writeJSON(opts.io.out, out)
	}
	printDescription(opts.io.out, d)
	if opts.suggest {
		printSuggested(opts.io.out, suggested)
	}
	return nil
}

// printSuggested prints the suggested parameters: name, direction, data
// type ("-" when the definition does not tell) and "optional".
func printSuggested(w io.Writer, params []sfn.Parameter) {
	fmt.Fprintf(w, "Suggested parameters (%d):\n", len(params))
	printList(w, "", "", params, func(prm sfn.Parameter) []string {
		note := ""
		if prm.Optional {
			note = "optional"
		}
		return []string{"  " + prm.Name, string(prm.Direction), orDash(string(prm.DataType)), note}
	})
}

func printDescription(w io.Writer, d sfn.JobDescription) {
	tw := newTable(w)
	fmt.Fprintf(tw, "Name\t%s\n", d.Name)
	fmt.Fprintf(tw, "ARN\t%s\n", d.ID)
	fmt.Fprintf(tw, "Type\t%s\n", d.Type)
	fmt.Fprintf(tw, "Status\t%s\n", orDash(d.Status))
	fmt.Fprintf(tw, "Role\t%s\n", orDash(d.RoleARN))
	if !d.CreatedAt.IsZero() {
		fmt.Fprintf(tw, "Created\t%s\n", d.CreatedAt.UTC().Format(time.RFC3339))
	}
	logging := orDash(d.LoggingLevel)
	if d.LogGroupARN != "" {
		logging += " to " + d.LogGroupARN
		if d.IncludeExecutionData {
			logging += " (with execution data)"
		}
	}
	fmt.Fprintf(tw, "Logging\t%s\n", logging)
	fmt.Fprintf(tw, "Tracing\t%t\n", d.TracingEnabled)
	optionalRow(tw, "Revision", d.RevisionID)
	optionalRow(tw, "Label", d.Label)
	optionalRow(tw, "Description", d.Description)
	tw.Flush()
	fmt.Fprintf(w, "Versions (%d):\n", len(d.Versions))
	printList(w, "", "", d.Versions, func(v sfn.JobVersion) []string {
		return []string{"  " + strconv.Itoa(v.Version), v.CreatedAt.UTC().Format(time.RFC3339), v.ARN}
	})
	fmt.Fprintf(w, "Aliases (%d):\n", len(d.Aliases))
	printList(w, "", "", d.Aliases, func(a sfn.JobAlias) []string {
		return []string{"  " + a.Name, a.CreatedAt.UTC().Format(time.RFC3339), a.ARN}
	})
	if d.Definition != "" {
		fmt.Fprintln(w, "Definition:")
		text := d.Definition
		var pretty bytes.Buffer
		if json.Indent(&pretty, []byte(d.Definition), "", "  ") == nil {
			// In JSON a control character can only be in a string, and only DEL or
			// C1 (U+0080-U+009F), which printable escapes as \u0080-\u009f: with
			// DEL as \u007f too, the definition shown is still the same JSON.
			text = strings.ReplaceAll(pretty.String(), "\x7f", `\u007f`)
		}
		for line := range strings.Lines(text) {
			fmt.Fprintln(w, printable(strings.TrimRight(line, "\r\n")))
		}
	}
}
