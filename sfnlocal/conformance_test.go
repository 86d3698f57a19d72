package sfnlocal_test

import (
	"testing"
	"time"

	"github.com/polysync/stepfunctions/sfnlocal"
	"github.com/polysync/stepfunctions/sfnlocal/sfnlocaltest"
)

// sfnlocalDeviations are the scenarios known to fail on sfnlocal, each with
// the bug; remove an entry when its bug is fixed.
var sfnlocalDeviations = map[string]string{}

// TestConformance runs the conformance suite against the embedded endpoint
// served on loopback, where every scenario applies.
func TestConformance(t *testing.T) {
	sfnlocaltest.Run(t, sfnlocaltest.Target{
		Name:         "sfnlocal",
		Endpoint:     serve(t),
		Capabilities: sfnlocaltest.AllCapabilities(),
		Deviations:   sfnlocalDeviations,
	})
}

// TestConformanceEventualConsistency runs the suite against an endpoint
// where, as on AWS, a new execution is briefly invisible to
// DescribeExecution: the scenarios must cope with it as AWS clients must.
func TestConformanceEventualConsistency(t *testing.T) {
	sfnlocaltest.Run(t, sfnlocaltest.Target{
		Name:         "sfnlocal with eventual consistency",
		Endpoint:     serve(t, sfnlocal.WithEventualConsistency(50*time.Millisecond)),
		Capabilities: sfnlocaltest.AllCapabilities(),
		Deviations:   sfnlocalDeviations,
	})
}

// serve starts a Server made with opts on a free loopback port, closes it
// when t ends and returns its endpoint.
func serve(t *testing.T, opts ...sfnlocal.Option) string {
	t.Helper()
	srv := sfnlocal.New(opts...)
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	endpoint, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	return endpoint
}
