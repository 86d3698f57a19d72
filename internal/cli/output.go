package cli

import (
	"encoding/json"
	"time"

	sfn "github.com/polysync/stepfunctions"
)

// The --json output is part of the command's contract: these types fix its
// field names, whatever the provider's types become. Every field is always
// present; what is not known yet is null.

// jobJSON is one job in 'jobs --json'.
type jobJSON struct {
	ID             string    `json:"ID"`
	Name           string    `json:"Name"`
	Type           string    `json:"Type"`
	RoleARN        string    `json:"RoleARN"`
	Status         string    `json:"Status"`
	Description    string    `json:"Description"`
	CreatedAt      time.Time `json:"CreatedAt"`
	LoggingLevel   string    `json:"LoggingLevel"`
	TracingEnabled bool      `json:"TracingEnabled"`
	RevisionID     string    `json:"RevisionID"`
	Label          string    `json:"Label"`
}

func jobsJSON(jobs []sfn.Job) []jobJSON {
	out := make([]jobJSON, 0, len(jobs))
	for _, j := range jobs {
		out = append(out, jobJSON{
			ID: j.ID, Name: j.Name, Type: j.Type, RoleARN: j.RoleARN, Status: j.Status, Description: j.Description,
			CreatedAt: j.CreatedAt, LoggingLevel: j.LoggingLevel, TracingEnabled: j.TracingEnabled,
			RevisionID: j.RevisionID, Label: j.Label,
		})
	}
	return out
}

// runJSON is a run as 'run --json' (with or without --wait) and
// 'status --json' print it.
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
