package cli

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sfn "github.com/polysync/stepfunctions"
)

func TestNewCmdJobs(t *testing.T) {
	env := localEndpoint(t)
	endpoint := env["AWS_ENDPOINT_URL_SFN"]

	f, opts, err := parseOnly(t, newCmdJobs, nil, "--json", "--region", "us-east-1", "--endpoint", endpoint, "-v")
	require.NoError(t, err)
	require.NotNil(t, opts, "runF ran")
	assert.True(t, opts.asJSON, "--json")
	assert.True(t, f.verbose, "-v")
	assert.Equal(t, connFlags{region: "us-east-1", endpoint: endpoint}, f.conn)
	assert.Same(t, f.stdout, opts.io.out)
	assert.Same(t, f.stderr, opts.io.errOut)
	// The provider the command is given is made from the flags it parsed:
	// it reaches the endpoint that --endpoint names.
	p, err := opts.provider(context.Background(), "")
	require.NoError(t, err)
	jobs, err := p.ListJobs(context.Background())
	require.NoError(t, err)
	assert.Len(t, jobs, 3)

	_, opts, err = parseOnly(t, newCmdJobs, nil)
	require.NoError(t, err)
	assert.False(t, opts.asJSON)
	_, err = opts.provider(context.Background(), "")
	requireUsageError(t, err, "no region: pass --region, set AWS_REGION, or set a region in the shared config profile")

	_, opts, err = parseOnly(t, newCmdJobs, nil, "orders")
	requireUsageError(t, err, "want no arguments, got 1 argument(s)")
	assert.Nil(t, opts, "runF does not run after a usage error")
}

// TestPrintJobsSaysWhereExpressResultsAre checks the LOGS column: whether an
// Express job's results can be read from its logs, "-" for Standard jobs.
func TestPrintJobsSaysWhereExpressResultsAre(t *testing.T) {
	var b strings.Builder
	printJobs(&b, []sfn.Job{
		{Name: "orders", Type: sfn.TypeStandard, ID: "arn:aws:states:eu-west-1:111122223333:stateMachine:orders"},
		{Name: "quotes", Type: sfn.TypeExpress, ID: "arn:aws:states:eu-west-1:111122223333:stateMachine:quotes", ExpressResultsRecoverable: true},
		{Name: "pings", Type: sfn.TypeExpress, ID: "arn:aws:states:eu-west-1:111122223333:stateMachine:pings"},
	})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := [][]string{{"NAME", "TYPE", "LOGS"}, {"orders", "STANDARD", "-"}, {"quotes", "EXPRESS", "results"}, {"pings", "EXPRESS", "no"}}
	for i, w := range want {
		if f := strings.Fields(lines[i]); !slices.Equal(f[:3], w) {
			t.Errorf("line %d = %q, want it to start with %v", i, lines[i], w)
		}
	}
}
