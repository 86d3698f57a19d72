package stepfunctions_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/polysync/stepfunctions"
	"github.com/polysync/stepfunctions/auth"
	"github.com/polysync/stepfunctions/sfnlocal"
)

// New accepts a region of every partition the AWS SDK knows, the European Sovereign Cloud's among them, and
// refuses names that are no region, whatever their prefix.
func TestNewRegionsOfEveryPartition(t *testing.T) {
	for _, region := range []string{"eusc-de-east-1", "eu-west-1", "mx-central-1", "cn-northwest-1", "us-gov-east-1",
		"us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1"} {
		_, err := stepfunctions.New(context.Background(), stepfunctions.Config{Region: region, Credentials: auth.Static("k", "s", "")})
		if err != nil {
			t.Errorf("New(Region %q) error = %v, want nil", region, err)
		}
	}
	for region, want := range map[string]string{
		"eu-west1":       "not an AWS region name such as eu-west-1",
		"EU-WEST-1":      "lower-case",
		"aws-global":     "pseudo-region",
		"eusc-fr-east-1": "no partition known to aws-sdk-go-v2",
	} {
		_, err := stepfunctions.New(context.Background(), stepfunctions.Config{Region: region, Credentials: auth.Static("k", "s", "")})
		if !errors.Is(err, stepfunctions.ErrInvalidInput) || !strings.Contains(err.Error(), `Config.Region "`+region+`"`) ||
			!strings.Contains(err.Error(), want) {
			t.Errorf("New(Region %q) error = %v, want ErrInvalidInput naming Config.Region and containing %q", region, err, want)
		}
	}
}

// A Provider in the European Sovereign Cloud (region eusc-de-east-1, partition aws-eusc) lists, runs and links
// the state machines of an endpoint in that region, over the wire.
func TestLocalEuropeanSovereignCloud(t *testing.T) {
	const region = "eusc-de-east-1"
	e := newLocalEnv(t, sfnlocal.WithRegion(region))
	e.registerTasks(`{"shipped":true}`, nil)
	machine := e.create(machineSpec{name: "orders.v2"})
	if want := "arn:aws-eusc:states:eusc-de-east-1:123456789012:stateMachine:orders.v2"; machine != want {
		t.Fatalf("CreateStateMachine() ARN = %q, want %q", machine, want)
	}
	p, err := stepfunctions.New(context.Background(), stepfunctions.Config{Region: region, Endpoint: e.url,
		Credentials: auth.Static(providerKey, localSecret, ""), RateLimits: noRateLimits(), MaxBackoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatalf("New(Region %q) error = %v", region, err)
	}
	jobs, err := p.ListJobs(context.Background())
	if err != nil || len(jobs) != 1 || jobs[0].ID != machine {
		t.Fatalf("ListJobs() = %+v, %v; want the one state machine %s", jobs, err, machine)
	}
	run, err := p.ExecutePipeline(context.Background(), jobs[0], nil)
	if err != nil {
		t.Fatalf("ExecutePipeline() error = %v", err)
	}
	if !strings.HasPrefix(run.RunID, "arn:aws-eusc:states:eusc-de-east-1:123456789012:execution:orders.v2:Polysync-") {
		t.Errorf("ExecutePipeline() RunID = %q, want an aws-eusc execution ARN", run.RunID)
	}
	wantURL := "https://console.amazonaws-eusc.eu/states/home?region=eusc-de-east-1#/v2/executions/details/" + run.RunID
	if run.ConsoleURL != wantURL {
		t.Errorf("ExecutePipeline() ConsoleURL = %q, want %q", run.ConsoleURL, wantURL)
	}
	if got, err := stepfunctions.ConsoleURL(run.RunID); err != nil || got != wantURL {
		t.Errorf("ConsoleURL(%q) = %q, %v; want %q", run.RunID, got, err, wantURL)
	}
	if st := waitEnded(t, p, run.RunID, nil); st.State != stepfunctions.RunStateSuccess {
		t.Errorf("GetPipelineRunStatus() = %+v, want Success", st)
	}
	if err := p.CancelPipelineRun(context.Background(), run.RunID); err != nil {
		t.Errorf("CancelPipelineRun(ended run) error = %v, want nil", err)
	}
}
