package sfnlocal_test

import (
	"maps"
	"testing"

	"github.com/polysync/stepfunctions/sfnlocal/sfnlocaltest"
)

// motoDeviations are the scenarios moto 5.2.1 fails that no capability
// covers, each with moto's behaviour.
var motoDeviations = map[string]string{
	"StateMachines/ListItemFields": "moto omits the required type member of ListStateMachines items",
}

// TestConformanceMoto runs the conformance suite against moto_server, code
// nobody here wrote, so that where moto and the suite (and so sfnlocal)
// disagree it shows. moto's gaps are switched off as capabilities and
// documented in package sfnlocaltest. The run is skipped under -short and
// where moto_server is not installed.
func TestConformanceMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("moto run skipped under -short (it starts a Python server)")
	}
	sfnlocaltest.Run(t, sfnlocaltest.Target{
		Name:         "moto",
		Endpoint:     sfnlocaltest.StartMoto(t),
		Capabilities: sfnlocaltest.MotoCapabilities(),
		Deviations:   motoDeviations,
	})
}

// TestConformanceMotoInterpreter runs the suite against moto_server with
// its optional ASL interpreter (ported from LocalStack) switched on, an
// independent check of the scenarios that run definitions: outputs, Fail
// states and execution histories.
func TestConformanceMotoInterpreter(t *testing.T) {
	if testing.Short() {
		t.Skip("moto run skipped under -short (it starts a Python server)")
	}
	endpoint := sfnlocaltest.StartMoto(t)
	if err := sfnlocaltest.EnableMotoInterpreter(t.Context(), endpoint); err != nil {
		t.Fatal(err)
	}
	caps := sfnlocaltest.MotoCapabilities()
	caps.RunsDefinitions = true
	deviations := map[string]string{
		"Executions/StartDescribeStopList":       "StopExecution answers no stopDate",
		"Executions/DefaultNameAndInput":         `an execution started without a name is named "None"`,
		"Executions/ListPagination":              "StartExecution answers HTTP 500 (cannot pickle '_thread.RLock') while another execution is running",
		"Executions/Errors":                      "execution names are not checked, and a too-long name or non-JSON input answers HTTP 500",
		"History/PassMachine":                    "GetExecutionHistory ignores reverseOrder",
		"History/Stopped":                        "ExecutionAborted records an empty error and cause instead of StopExecution's",
		"History/Pagination":                     "GetExecutionHistory ignores maxResults",
		"Definitions/PathsInputResultOutput":     "a definite JSONPath with an array index ($.lines[0].qty) yields a one-element list, not the value",
		"Definitions/ParallelWithResultSelector": "a definite JSONPath with an array index ($[0].side) yields a one-element list, not the value",
		"Definitions/VariablesJSONPath":          "a Map iteration that reads an outer variable in a Choice rule fails with States.Runtime (\"Custom Error Names MUST NOT begin with the prefix 'States.'\")",
	}
	maps.Copy(deviations, motoDeviations)
	sfnlocaltest.Run(t, sfnlocaltest.Target{
		Name:         "moto with its interpreter",
		Endpoint:     endpoint,
		Capabilities: caps,
		Deviations:   deviations,
	})
}
