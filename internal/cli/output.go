package cli

import (
	"encoding/json"
	"io"
	"sync"
	"time"

	sfn "github.com/polysync/stepfunctions"
)

// The --json output is part of the command's contract: each command prints
// one type of its own (jobJSON, runJSON, cancelJSON, ...), so that its field
// names stay fixed whatever the provider's types become. Every field is
// always present (iam-policy's TrustPolicy only when asked for); what is not
// known yet is null.

// outputWriter is a command's standard output. It remembers the first write
// that failed (a full disk, a closed descriptor), which the commands' text
// output does not check, so that Main reports a command whose data was lost
// instead of exiting 0: a script reading a run's ARN from 'run' must not
// take nothing for an answer.
type outputWriter struct {
	w io.Writer

	mu  sync.Mutex
	err error
}

// Write writes p to the standard output. A failure is returned as a
// *lostOutputError, by which Main tells it from the command's own errors.
func (o *outputWriter) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil {
		o.mu.Lock()
		if o.err == nil {
			o.err = err
		}
		o.mu.Unlock()
		return n, &lostOutputError{err: err}
	}
	return n, nil
}

// lostOutputError is a write to the standard output that failed, as
// outputWriter returns it to the command that wrote.
type lostOutputError struct{ err error }

func (e *lostOutputError) Error() string { return e.err.Error() }
func (e *lostOutputError) Unwrap() error { return e.err }

// failure returns the first write that failed, nil when none did.
func (o *outputWriter) failure() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err
}

// writeJSON prints v as indented JSON: a command's --json output.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// runJSON is a run as 'run --json' (with or without --wait), 'status --json'
// and 'redrive --wait --json' print it.
type runJSON struct {
	RunID string `json:"RunID"`
	State string `json:"State"`
	// Message, Error and Cause explain a run that did not succeed.
	Message string `json:"Message"`
	Error   string `json:"Error"`
	Cause   string `json:"Cause"`
	// Output is the execution's output, as JSON, once it succeeded.
	Output     json.RawMessage `json:"Output"`
	StartedAt  *time.Time      `json:"StartedAt"`
	StoppedAt  *time.Time      `json:"StoppedAt"`
	Parameters []paramJSON     `json:"Parameters"`
	ConsoleURL string          `json:"ConsoleURL"`
}

// paramJSON is one parameter of a run.
type paramJSON struct {
	Name      string `json:"Name"`
	Direction string `json:"Direction"`
	DataType  string `json:"DataType"`
	Value     string `json:"Value"`
}

func newRunJSON(consoleURL string, st sfn.RunStatus) runJSON {
	r := runJSON{
		RunID: st.RunID, State: string(st.State), Message: st.Message, Error: st.Error, Cause: st.Cause,
		StartedAt: timeOrNil(st.StartedAt), StoppedAt: timeOrNil(st.StoppedAt),
		Parameters: paramsJSON(st.Parameters), ConsoleURL: consoleURL,
	}
	switch {
	case st.Output == "":
	case json.Valid([]byte(st.Output)):
		r.Output = json.RawMessage(st.Output)
	default:
		r.Output, _ = json.Marshal(st.Output)
	}
	return r
}

func paramsJSON(params []sfn.Parameter) []paramJSON {
	out := make([]paramJSON, 0, len(params))
	for _, p := range params {
		out = append(out, paramJSON{Name: p.Name, Direction: string(p.Direction), DataType: string(p.DataType), Value: p.Value})
	}
	return out
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
