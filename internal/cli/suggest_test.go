package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDescribeSuggest runs 'describe --suggest' against the local endpoint:
// the job's definition is read and its parameters listed, in text and JSON.
func TestDescribeSuggest(t *testing.T) {
	env := localEndpoint(t)
	code, stdout, stderr := runCLI(t, env, "describe", smPrefix+"echo", "--suggest")
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `Suggested parameters \(3\):\n  n +Input +number *\n  tag +InputOutput +- *\n  Doubled +Output +- *\n`, stdout)

	code, stdout, stderr = runCLI(t, env, "describe", smPrefix+"fails", "--suggest")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "Suggested parameters (0):\n")

	code, stdout, stderr = runCLI(t, env, "describe", smPrefix+"echo", "--suggest", "--json")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, `"Name": "n",
      "Direction": "Input",
      "DataType": "number",
      "Optional": false`)

	code, stdout, _ = runCLI(t, env, "describe", smPrefix+"echo", "--json")
	require.Equal(t, 0, code)
	assert.Contains(t, stdout, `"SuggestedParameters": null`, "without --suggest the field is there, null")
}
