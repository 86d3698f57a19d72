// Package sfnlocaltest is a conformance suite for Step Functions endpoints:
// one set of scenarios, written once against the real aws-sdk-go-v2 client,
// that runs against any endpoint speaking the service's AWS JSON 1.0
// protocol, so that where two implementations disagree it shows.
//
// An endpoint's test is a few lines:
//
//	func TestConformance(t *testing.T) {
//		srv := sfnlocal.New()
//		t.Cleanup(func() { srv.Close() })
//		endpoint, err := srv.Listen("127.0.0.1:0")
//		if err != nil {
//			t.Fatal(err)
//		}
//		sfnlocaltest.Run(t, sfnlocaltest.Target{
//			Name:         "sfnlocal",
//			Endpoint:     endpoint,
//			Capabilities: sfnlocaltest.AllCapabilities(),
//		})
//	}
//
// Each scenario is a subtest ("StateMachines/ListPagination",
// "Express/StartSyncExecution", ...). A scenario that needs a capability
// the target lacks is skipped with the capability's name; the comment on
// each Capabilities field says what the capability covers and why a peer
// may lack it. Scenarios check what a user would notice: error codes
// (through errors.As on the SDK's typed errors), ARNs, statuses, outputs,
// event types and pagination counts. The expected behaviour is AWS's, as
// recorded in the project's Step Functions facts; an endpoint's known
// departures from it are listed in Target.Deviations, so they stay visible
// as skips instead of hiding as silence.
//
// Scenarios create uniquely named state machines and delete them when they
// end. The client never retries, so every error reaches the scenario as the
// endpoint answered it, and it disables the "sync-" host prefix of
// StartSyncExecution, which would otherwise send that call to
// "sync-127.0.0.1".
//
// # moto
//
// StartMoto runs moto_server 5.2.1 (`moto_server -H 127.0.0.1 -p PORT`) for
// a test. In its default mode it passes the scenarios that need no
// capability (see MotoCapabilities). Its departures from AWS, found by running it by hand
// with boto3:
//
//   - It does not interpret Amazon States Language. A new execution is
//     RUNNING and stays RUNNING until StopExecution makes it ABORTED; a Pass
//     or Fail machine never ends, and no output is ever recorded.
//     GetExecutionHistory answers the same four canned events for every
//     execution (ExecutionStarted, PassStateEntered and PassStateExited of a
//     state named "A State", ExecutionSucceeded, dated 2020-01-01), even for
//     an aborted one. The environment variable SF_EXECUTION_HISTORY_TYPE=FAILURE
//     makes new executions FAILED instead, again without running anything.
//   - It stores any definition: a definition that is not JSON, or whose
//     StartAt names no state, is accepted, where AWS answers
//     InvalidDefinition.
//   - CreateStateMachine with an existing name answers the existing
//     machine's ARN even when the definition differs (AWS:
//     StateMachineAlreadyExists), and keeps the old definition.
//   - It ignores type EXPRESS: the machine is described as STANDARD, its
//     executions get Standard "execution:" ARNs, repeat names are
//     idempotent, and DescribeExecution, StopExecution,
//     GetExecutionHistory and ListExecutions all answer for them.
//   - StartSyncExecution, PublishStateMachineVersion,
//     ListStateMachineVersions and RedriveExecution are not implemented:
//     they answer HTTP 500 with an HTML page (NotImplementedError), never a
//     typed error.
//   - ListStateMachines items have no type, a member the service model
//     marks required (listed as a deviation, not a capability).
//   - A name longer than 80 characters is ValidationException ("Member
//     must have length less than or equal to 80"), AWS's wording for a
//     model constraint; the suite accepts that or InvalidName.
//   - StartExecution accepts inputs of any size (AWS: more than 262,144
//     bytes is InvalidExecutionInput).
//   - It does not enforce the service model's constraints: maxResults above
//     1000 or below 0, an unknown statusFilter or state machine type are
//     accepted (AWS: ValidationException).
//   - TagResource accepts any ARN (AWS: ResourceNotFound for an ARN that
//     names no resource).
//   - StopExecution records no error or cause, and answers success for an
//     execution that is already stopped.
//   - Error messages differ in wording (for example "Invalid State Machine
//     Arn: 'x'" where AWS says "Invalid Arn: 'x'"); the suite checks codes,
//     not messages.
//
// moto also has an optional interpreter, ported from LocalStack (whose
// behaviour is checked against recorded AWS responses), switched on for a
// running server with
// `POST /moto-api/config {"stepfunctions": {"execute_state_machine": true}}`.
// With it, moto runs Pass, Fail and Wait states and rejects bad definitions,
// so the scenarios that need RunsDefinitions run against an interpreter
// nobody here wrote. Its history is independent evidence where sfnlocal's
// is in doubt: the first StateEntered event has previousEventId 0 (as in
// AWS's own CloudWatch records of Express executions), and
// StopExecution during a Wait state records ExecutionStarted,
// WaitStateEntered, ExecutionAborted with no WaitStateAborted. Its gaps in
// 5.2.1, beyond those above (sfnlocal's moto_test.go lists them as
// deviations):
//
//   - StartExecution answers HTTP 500 while another execution is running
//     ("cannot pickle '_thread.RLock' object"), for every Express machine,
//     for a name that is too long and for an input that is not JSON; it
//     does not check execution names, and names an execution started
//     without a name "None".
//   - StopExecution answers no stopDate, and the ExecutionAborted event has
//     an empty error and cause.
//   - GetExecutionHistory ignores reverseOrder and maxResults.
//   - A definite JSONPath with an array index, such as $.lines[0].qty,
//     yields a one-element list instead of the value.
//   - A bad definition answers InvalidDefinition's message with an empty
//     error code, which the SDK cannot map to its typed error.
package sfnlocaltest
