package sfnlocal_test

import (
	"testing"

	"github.com/polysync/stepfunctions/sfnlocal"
	"github.com/polysync/stepfunctions/sfnlocal/sfnlocaltest"
)

// TestConformance runs the conformance suite against the embedded endpoint
// served on loopback, where every scenario applies.
func TestConformance(t *testing.T) {
	srv := sfnlocal.New()
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	endpoint, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	sfnlocaltest.Run(t, sfnlocaltest.Target{
		Name:         "sfnlocal",
		Endpoint:     endpoint,
		Capabilities: sfnlocaltest.AllCapabilities(),
		Deviations: map[string]string{
			// Reported to the lead; remove the entry when fixed.
			"History/FirstStateEnteredFollowsNoEvent": "the first StateEntered event has previousEventId 1 (the ExecutionStarted event); AWS records 0",
		},
	})
}
