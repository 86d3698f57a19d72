package cli

import (
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	sfn "github.com/polysync/stepfunctions"
)

// Each command takes only the flags it uses, so that its help stays short
// and a misplaced flag is an error rather than silently ignored. These
// helpers add the flags several commands share, with one wording.

// awsOptions are what every command that calls Step Functions needs: the
// streams, the provider and --json.
type awsOptions struct {
	io       ioStreams
	provider providerFunc
	asJSON   bool
	// log is the command's logger (-v), and flags its flag set, from which
	// carriedFlags reads the flags given.
	log   func() *slog.Logger
	flags *pflag.FlagSet
}

// register takes the streams, the provider factory and the logger from f, and
// adds to cmd the flags every command that calls Step Functions takes: the
// connection flags (into f, which makes the provider from them), --json and
// --verbose.
func (o *awsOptions) register(cmd *cobra.Command, f *app) {
	o.io, o.provider, o.log, o.flags = f.streams(), f.newProvider, f.logger, cmd.Flags()
	f.conn.register(cmd.Flags())
	addJSONFlag(cmd, &o.asJSON)
	addVerboseFlag(cmd, f)
}

// connFlagNames are the connection flags, which every command that reaches
// the same resource must repeat.
var connFlagNames = []string{"region", "endpoint", "role-arn", "web-identity-token-file", "assume-role-arn",
	"external-id", "session-name"}

// carriedFlags returns the connection flags given to the command, and those
// of extra, as they would be typed after another command (" --endpoint
// http://127.0.0.1:8083 --out total:number"), quoted for a POSIX shell; ""
// when none was given. Environment variables carry over by themselves. An
// --endpoint is shown as shownEndpoint shows it: what is printed must not
// hold a password, even where it cannot be pasted as it is.
func (o *awsOptions) carriedFlags(extra ...string) string {
	var b strings.Builder
	for _, name := range append(slices.Clone(connFlagNames), extra...) {
		f := o.flags.Lookup(name)
		if f == nil || !f.Changed {
			continue
		}
		if f.Value.Type() == "bool" {
			b.WriteString(" --" + name)
			continue
		}
		values := []string{f.Value.String()}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			values = sv.GetSlice()
		}
		for _, v := range values {
			if name == "endpoint" {
				v = shownEndpoint(v)
			}
			b.WriteString(" --" + name + " " + shellQuote(v))
		}
	}
	return b.String()
}

// shellQuote returns s as one POSIX shell word.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func addJSONFlag(cmd *cobra.Command, asJSON *bool) {
	cmd.Flags().BoolVar(asJSON, "json", false, "print data as JSON (for scripts)")
}

// addVerboseFlag adds --verbose, which turns on f's logger.
func addVerboseFlag(cmd *cobra.Command, f *app) {
	cmd.Flags().BoolVarP(&f.verbose, "verbose", "v", false, "log API activity to stderr (never secrets)")
}

// paramFlags are --param and --out as given, and the parameters they parse
// into (parseParams).
type paramFlags struct {
	inputs, outs []string
	params       []sfn.Parameter
}

// registerInputs adds --param, the input parameters of a run.
func (p *paramFlags) registerInputs(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&p.inputs, "param", nil, "input parameter name:type=value (repeatable)")
}

// registerOutputs adds --out, the output parameters to map a run's output
// onto.
func (p *paramFlags) registerOutputs(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&p.outs, "out", nil, "output parameter name:type (repeatable)")
}

// parse fills params from the flags; a bad flag is a usage error.
func (p *paramFlags) parse() error {
	params, err := parseParams(p.inputs, p.outs)
	if err != nil {
		return usageError("%v", err)
	}
	p.params = params
	return nil
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

// followFlags are the flags of a command that starts or restarts a run and
// can follow it: the parameters and the wait flags.
type followFlags struct {
	paramFlags
	waitFlags
}

// register adds --out and the wait flags; a command that starts a run adds
// --param too (registerInputs).
func (f *followFlags) register(cmd *cobra.Command) {
	f.registerOutputs(cmd)
	f.waitFlags.register(cmd)
}

// parse parses the parameters, then refuses a --poll-interval below
// minPollInterval.
func (f *followFlags) parse() error {
	if err := f.paramFlags.parse(); err != nil {
		return err
	}
	return checkPollInterval(f.pollInterval)
}

func checkPollInterval(d time.Duration) error {
	if d < minPollInterval {
		return usageError("--poll-interval %s: must be at least %s", d, minPollInterval)
	}
	return nil
}
