package cli

import (
	"time"

	"github.com/spf13/cobra"
)

// Each command takes only the flags it uses, so that its help stays short
// and a misplaced flag is an error rather than silently ignored. These
// helpers add the flags several commands share, with one wording.

// addAWSFlags adds what every command that calls Step Functions takes: the
// connection flags (into f, which makes the provider from them), --json
// (into asJSON) and --verbose.
func addAWSFlags(cmd *cobra.Command, f *app, asJSON *bool) {
	f.conn.register(cmd.Flags())
	addJSONFlag(cmd, asJSON)
	addVerboseFlag(cmd, f)
}

func addJSONFlag(cmd *cobra.Command, asJSON *bool) {
	cmd.Flags().BoolVar(asJSON, "json", false, "print data as JSON (for scripts)")
}

// addVerboseFlag adds --verbose, which turns on f's logger.
func addVerboseFlag(cmd *cobra.Command, f *app) {
	cmd.Flags().BoolVarP(&f.verbose, "verbose", "v", false, "log API activity to stderr (never secrets)")
}

// addOutFlag adds --out, the output parameters to map a run's output onto.
func addOutFlag(cmd *cobra.Command, outs *[]string) {
	cmd.Flags().StringArrayVar(outs, "out", nil, "output parameter name:type (repeatable)")
}

// waitFlags are --wait and --poll-interval, for the commands that can follow
// a run to its end.
type waitFlags struct {
	wait         bool
	pollInterval time.Duration
}

func (w *waitFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&w.wait, "wait", false, "follow the run to the end and print its outputs")
	cmd.Flags().DurationVar(&w.pollInterval, "poll-interval", 2*time.Second, "how often --wait asks for the status")
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
