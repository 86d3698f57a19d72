#!/usr/bin/env bash
# check-aws-cli.sh drives the embedded Step Functions endpoint (polysync-sfn local) with the AWS CLI,
# code nobody here wrote, and fails with a clear message on any mismatch with what AWS answers.
#
# It builds ./cmd/polysync-sfn, serves it on a free loopback port, then runs create-state-machine,
# list-state-machines (paged by the CLI, and one page per call), describe-state-machine, start-execution,
# describe-execution (a Pass machine ends SUCCEEDED, a Wait machine stays RUNNING), stop-execution (ABORTED),
# get-execution-history, list-executions and an error case, a test case of a Step Functions Local mock file
# (start-execution of "<stateMachineArn>#HappyPath", served with --mock-config sfnlocal/testdata/MockConfigFile.json)
# and a task-token round trip through an activity (create-activity, get-activity-task, send-task-heartbeat,
# send-task-success, and TaskTimedOut for a token used twice), and test-state of a Task state with a mocked result
# and a mocked error (SUCCEEDED, RETRIABLE, CAUGHT_ERROR). The AWS CLI v1 sends start-sync-execution and test-state
# to "sync-127.0.0.1", which does not resolve, unless AWS_DISABLE_HOST_PREFIX_INJECTION=true is set: they are
# checked that way, and StartSyncExecution through boto3 with inject_host_prefix=False too. The server is stopped on
# every exit path.
#
# Needs: go, aws (AWS CLI v1 or v2), python3 (boto3 for the StartSyncExecution check; skipped without it).
# Usage: scripts/check-aws-cli.sh
set -euo pipefail
cd "$(dirname "$0")/.."

readonly region=us-east-1
readonly account=123456789012
readonly role="arn:aws:iam::${account}:role/check-aws-cli"

fail() {
  echo "check-aws-cli: FAIL: $*" >&2
  exit 1
}

for tool in go aws python3; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is not on PATH"
done

workdir="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The CLI must talk to the local endpoint only, with placeholder credentials and no user configuration.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_SFN AWS_CA_BUNDLE
export AWS_ACCESS_KEY_ID=AKIDCHECKAWSCLI
export AWS_SECRET_ACCESS_KEY=check-aws-cli-placeholder
export AWS_CONFIG_FILE=/dev/null
export AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true
export AWS_DEFAULT_REGION="$region"
export AWS_MAX_ATTEMPTS=1
export AWS_PAGER=""

echo "check-aws-cli: $(aws --version 2>&1)"
echo "check-aws-cli: building ./cmd/polysync-sfn"
go build -o "$workdir/polysync-sfn" ./cmd/polysync-sfn

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
readonly endpoint="http://127.0.0.1:${port}"
"$workdir/polysync-sfn" local --addr "127.0.0.1:${port}" --mock-config sfnlocal/testdata/MockConfigFile.json \
  >"$workdir/server.log" 2>&1 &
server_pid=$!

# Wait until the endpoint accepts connections (at most 15 s), failing early if the server exits.
python3 - "$port" "$server_pid" <<'EOF' || { cat "$workdir/server.log" >&2; fail "polysync-sfn local did not start on $endpoint"; }
import os, socket, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
deadline = time.monotonic() + 15
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit("server exited")
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("timed out")
EOF
echo "check-aws-cli: serving on $endpoint (pid $server_pid)"

# sfn runs one AWS CLI stepfunctions command against the local endpoint, writing its JSON to stdout.
sfn() {
  aws stepfunctions --endpoint-url "$endpoint" --region "$region" --output json "$@"
}

# jv FILE EXPR prints the Python expression EXPR evaluated with d bound to FILE's JSON
# (strings bare, anything else as JSON).
jv() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
with open(sys.argv[1]) as f:
    d = json.load(f)
v = eval(sys.argv[2], {"json": json}, {"d": d})
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))
EOF
}

# expect WHAT GOT WANT fails unless GOT equals WANT.
expect() {
  [ "$2" = "$3" ] || fail "$1 = $2, want $3"
  echo "check-aws-cli: ok: $1 = $2"
}

# json_same A B prints "same" when A and B are JSON texts of equal values.
json_same() {
  python3 -c 'import json, sys; print("same" if json.loads(sys.argv[1]) == json.loads(sys.argv[2]) else "different: " + sys.argv[1])' "$1" "$2"
}

pass_def='{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"ok":true},"ResultPath":"$.r","End":true}}}'
wait_def='{"StartAt":"Hold","States":{"Hold":{"Type":"Wait","Seconds":3600,"End":true}}}'
arn_prefix="arn:aws:states:${region}:${account}"

# --- create-state-machine
sfn create-state-machine --name cli-pass --definition "$pass_def" --role-arn "$role" >"$workdir/create-pass.json"
expect "create-state-machine cli-pass stateMachineArn" "$(jv "$workdir/create-pass.json" 'd["stateMachineArn"]')" "$arn_prefix:stateMachine:cli-pass"
sfn create-state-machine --name cli-wait --definition "$wait_def" --role-arn "$role" >"$workdir/create-wait.json"
expect "create-state-machine cli-wait stateMachineArn" "$(jv "$workdir/create-wait.json" 'd["stateMachineArn"]')" "$arn_prefix:stateMachine:cli-wait"
pass_arn="$arn_prefix:stateMachine:cli-pass"
wait_arn="$arn_prefix:stateMachine:cli-wait"

# --- list-state-machines, one item per page: the CLI follows nextToken itself.
sfn list-state-machines --page-size 1 >"$workdir/list.json"
expect "list-state-machines (page size 1) names" "$(jv "$workdir/list.json" 'sorted(m["name"] for m in d["stateMachines"])')" '["cli-pass", "cli-wait"]'
expect "list-state-machines types" "$(jv "$workdir/list.json" 'sorted({m["type"] for m in d["stateMachines"]})')" '["STANDARD"]'

# --- the server's own paging: one call with maxResults 1 (--no-paginate) answers one item and a nextToken that
# continues with the other. (With --page-size the CLI would collect every page whatever the server did.)
sfn list-state-machines --no-paginate --max-results 1 >"$workdir/page-1.json"
expect "list-state-machines --max-results 1 item count" "$(jv "$workdir/page-1.json" 'len(d["stateMachines"])')" "1"
token="$(jv "$workdir/page-1.json" 'd.get("nextToken", "")')"
[ -n "$token" ] || fail "list-state-machines --max-results 1 answered no nextToken"
sfn list-state-machines --no-paginate --max-results 1 --next-token "$token" >"$workdir/page-2.json"
expect "list-state-machines pages 1 and 2 names" \
  "$(python3 -c 'import json, sys; print(json.dumps(sorted(m["name"] for f in sys.argv[1:] for m in json.load(open(f))["stateMachines"])))' \
    "$workdir/page-1.json" "$workdir/page-2.json")" '["cli-pass", "cli-wait"]'
expect "list-state-machines page 2 nextToken" "$(jv "$workdir/page-2.json" '"nextToken" in d')" "false"

# --- describe-state-machine
sfn describe-state-machine --state-machine-arn "$pass_arn" >"$workdir/describe-sm.json"
expect "describe-state-machine name" "$(jv "$workdir/describe-sm.json" 'd["name"]')" "cli-pass"
expect "describe-state-machine status" "$(jv "$workdir/describe-sm.json" 'd["status"]')" "ACTIVE"
expect "describe-state-machine type" "$(jv "$workdir/describe-sm.json" 'd["type"]')" "STANDARD"
expect "describe-state-machine roleArn" "$(jv "$workdir/describe-sm.json" 'd["roleArn"]')" "$role"
expect "describe-state-machine definition" "$(json_same "$(jv "$workdir/describe-sm.json" 'd["definition"]')" "$pass_def")" "same"

# --- start-execution and describe-execution: a Pass machine ends SUCCEEDED with its output.
sfn start-execution --state-machine-arn "$pass_arn" --name run-1 --input '{"x":1}' >"$workdir/start-pass.json"
pass_exec="$(jv "$workdir/start-pass.json" 'd["executionArn"]')"
expect "start-execution executionArn" "$pass_exec" "$arn_prefix:execution:cli-pass:run-1"
status=""
for _ in $(seq 1 50); do
  sfn describe-execution --execution-arn "$pass_exec" >"$workdir/describe-pass.json"
  status="$(jv "$workdir/describe-pass.json" 'd["status"]')"
  [ "$status" = RUNNING ] || break
  sleep 0.2
done
expect "describe-execution (Pass) status" "$status" "SUCCEEDED"
expect "describe-execution (Pass) output" "$(json_same "$(jv "$workdir/describe-pass.json" 'd["output"]')" '{"x":1,"r":{"ok":true}}')" "same"
expect "describe-execution (Pass) input" "$(json_same "$(jv "$workdir/describe-pass.json" 'd["input"]')" '{"x":1}')" "same"

# --- a Wait machine stays RUNNING until stop-execution, then is ABORTED.
sfn start-execution --state-machine-arn "$wait_arn" --name hold-1 >"$workdir/start-wait.json"
wait_exec="$(jv "$workdir/start-wait.json" 'd["executionArn"]')"
expect "start-execution (Wait) executionArn" "$wait_exec" "$arn_prefix:execution:cli-wait:hold-1"
sleep 1
sfn describe-execution --execution-arn "$wait_exec" >"$workdir/describe-wait.json"
expect "describe-execution (Wait) status after 1 s" "$(jv "$workdir/describe-wait.json" 'd["status"]')" "RUNNING"
sfn stop-execution --execution-arn "$wait_exec" --error CheckAwsCli.Stopped --cause "stopped by check-aws-cli" >"$workdir/stop.json"
expect "stop-execution has stopDate" "$(jv "$workdir/stop.json" '"stopDate" in d')" "true"
sfn describe-execution --execution-arn "$wait_exec" >"$workdir/describe-stopped.json"
expect "describe-execution (stopped) status" "$(jv "$workdir/describe-stopped.json" 'd["status"]')" "ABORTED"

# --- get-execution-history: event types in order, ids counting from 1.
sfn get-execution-history --execution-arn "$pass_exec" >"$workdir/history-pass.json"
expect "get-execution-history (Pass) types" "$(jv "$workdir/history-pass.json" '[e["type"] for e in d["events"]]')" \
  '["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]'
expect "get-execution-history (Pass) ids" "$(jv "$workdir/history-pass.json" '[e["id"] for e in d["events"]]')" '[1, 2, 3, 4]'
sfn get-execution-history --execution-arn "$pass_exec" --reverse-order >"$workdir/history-reverse.json"
expect "get-execution-history --reverse-order types" "$(jv "$workdir/history-reverse.json" '[e["type"] for e in d["events"]]')" \
  '["ExecutionSucceeded", "PassStateExited", "PassStateEntered", "ExecutionStarted"]'
sfn get-execution-history --execution-arn "$wait_exec" >"$workdir/history-wait.json"
# Whether a WaitStateAborted event precedes ExecutionAborted is not pinned down: check the ends.
expect "get-execution-history (stopped) first types" "$(jv "$workdir/history-wait.json" '[e["type"] for e in d["events"][:2]]')" \
  '["ExecutionStarted", "WaitStateEntered"]'
expect "get-execution-history (stopped) last type" "$(jv "$workdir/history-wait.json" 'd["events"][-1]["type"]')" "ExecutionAborted"
expect "get-execution-history (stopped) abort error" "$(jv "$workdir/history-wait.json" 'd["events"][-1]["executionAbortedEventDetails"]["error"]')" "CheckAwsCli.Stopped"

# --- list-executions, with and without a status filter.
sfn start-execution --state-machine-arn "$wait_arn" --name hold-2 >/dev/null
sfn list-executions --state-machine-arn "$wait_arn" --page-size 1 >"$workdir/list-exec.json"
expect "list-executions (page size 1) names" "$(jv "$workdir/list-exec.json" 'sorted(e["name"] for e in d["executions"])')" '["hold-1", "hold-2"]'
sfn list-executions --state-machine-arn "$wait_arn" --status-filter ABORTED >"$workdir/list-aborted.json"
expect "list-executions --status-filter ABORTED" "$(jv "$workdir/list-aborted.json" '[e["executionArn"] for e in d["executions"]]')" "[\"$wait_exec\"]"
sfn list-executions --state-machine-arn "$wait_arn" --status-filter RUNNING >"$workdir/list-running.json"
expect "list-executions --status-filter RUNNING" "$(jv "$workdir/list-running.json" '[e["name"] for e in d["executions"]]')" '["hold-2"]'

# --- an error reaches the CLI with its code.
if sfn describe-execution --execution-arn "$arn_prefix:execution:cli-pass:no-such-run" >/dev/null 2>"$workdir/error.txt"; then
  fail "describe-execution of a missing execution succeeded, want ExecutionDoesNotExist"
fi
grep -q ExecutionDoesNotExist "$workdir/error.txt" || fail "describe-execution of a missing execution: $(cat "$workdir/error.txt"), want ExecutionDoesNotExist"
echo "check-aws-cli: ok: describe-execution of a missing execution fails with ExecutionDoesNotExist"

# wait_done ARN FILE polls describe-execution of ARN into FILE until the execution is no longer RUNNING.
wait_done() {
  for _ in $(seq 1 50); do
    sfn describe-execution --execution-arn "$1" >"$2"
    [ "$(jv "$2" 'd["status"]')" = RUNNING ] || return 0
    sleep 0.2
  done
}

# --- a test case of the mock file: no Lambda function or queue exists, the mocks answer.
sfn create-state-machine --name LambdaSQSIntegration --role-arn "$role" \
  --definition "file://sfnlocal/testdata/LambdaSQSIntegration.asl.json" >/dev/null
sfn start-execution --state-machine-arn "$arn_prefix:stateMachine:LambdaSQSIntegration#HappyPath" >"$workdir/start-mocked.json"
mocked_exec="$(jv "$workdir/start-mocked.json" 'd["executionArn"]')"
wait_done "$mocked_exec" "$workdir/describe-mocked.json"
expect "describe-execution (#HappyPath) status" "$(jv "$workdir/describe-mocked.json" 'd["status"]')" "SUCCEEDED"
expect "describe-execution (#HappyPath) output MessageId" "$(jv "$workdir/describe-mocked.json" 'json.loads(d["output"])["MessageId"]')" \
  "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51"

# --- a task-token round trip through an activity.
sfn create-activity --name cli-approve >"$workdir/activity.json"
activity_arn="$(jv "$workdir/activity.json" 'd["activityArn"]')"
expect "create-activity activityArn" "$activity_arn" "$arn_prefix:activity:cli-approve"
activity_def="{\"StartAt\":\"Approve\",\"States\":{\"Approve\":{\"Type\":\"Task\",\"Resource\":\"$activity_arn\",\"HeartbeatSeconds\":60,\"End\":true}}}"
sfn create-state-machine --name cli-activity --definition "$activity_def" --role-arn "$role" >/dev/null
sfn start-execution --state-machine-arn "$arn_prefix:stateMachine:cli-activity" --input '{"order":7}' >"$workdir/start-activity.json"
activity_exec="$(jv "$workdir/start-activity.json" 'd["executionArn"]')"
sfn get-activity-task --activity-arn "$activity_arn" --worker-name cli-worker >"$workdir/task.json"
expect "get-activity-task input" "$(json_same "$(jv "$workdir/task.json" 'd["input"]')" '{"order":7}')" "same"
task_token="$(jv "$workdir/task.json" 'd["taskToken"]')"
sfn send-task-heartbeat --task-token="$task_token" >/dev/null
sfn send-task-success --task-token="$task_token" --task-output '{"approved":true}' >/dev/null
wait_done "$activity_exec" "$workdir/describe-activity.json"
expect "describe-execution (activity) status" "$(jv "$workdir/describe-activity.json" 'd["status"]')" "SUCCEEDED"
expect "describe-execution (activity) output" "$(json_same "$(jv "$workdir/describe-activity.json" 'd["output"]')" '{"approved":true}')" "same"
sfn get-execution-history --execution-arn "$activity_exec" >"$workdir/history-activity.json"
expect "get-execution-history (activity) types" "$(jv "$workdir/history-activity.json" '[e["type"] for e in d["events"]]')" \
  '["ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"]'
if sfn send-task-success --task-token="$task_token" --task-output '{}' >/dev/null 2>"$workdir/token-error.txt"; then
  fail "send-task-success with a used token succeeded, want TaskTimedOut"
fi
grep -q TaskTimedOut "$workdir/token-error.txt" || fail "send-task-success with a used token: $(cat "$workdir/token-error.txt"), want TaskTimedOut"
echo "check-aws-cli: ok: send-task-success with a used token fails with TaskTimedOut"

# --- test-state (sent to sync-127.0.0.1 too, like start-sync-execution, unless the host prefix is off): a Task state
# with a mocked result at DEBUG, then a mocked error its Retry would retry, and its Catch catches once the retries
# are used up.
charge_def='{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"charge","Payload.$":"$.order"},"ResultSelector":{"id.$":"$.Payload.id"},"ResultPath":"$.charge","Retry":[{"ErrorEquals":["Payment.Timeout"],"MaxAttempts":2,"IntervalSeconds":3}],"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Refund"}],"Next":"Ship"}'
test_state() {
  AWS_DISABLE_HOST_PREFIX_INJECTION=true sfn test-state --definition "$charge_def" --input '{"order":{"total":42}}' "$@"
}
test_state --mock '{"result":"{\"StatusCode\":200,\"Payload\":{\"id\":\"ch-1\"}}"}' --inspection-level DEBUG \
  >"$workdir/test-state-ok.json" || fail "test-state with a mocked result (see above)"
expect "test-state (mocked result) status" "$(jv "$workdir/test-state-ok.json" 'd["status"]')" "SUCCEEDED"
expect "test-state (mocked result) nextState" "$(jv "$workdir/test-state-ok.json" 'd["nextState"]')" "Ship"
expect "test-state (mocked result) output" "$(json_same "$(jv "$workdir/test-state-ok.json" 'd["output"]')" '{"order":{"total":42},"charge":{"id":"ch-1"}}')" "same"
expect "test-state (mocked result) afterParameters" \
  "$(json_same "$(jv "$workdir/test-state-ok.json" 'd["inspectionData"]["afterParameters"]')" '{"FunctionName":"charge","Payload":{"total":42}}')" "same"
test_state --mock '{"errorOutput":{"error":"Payment.Timeout","cause":"no answer"}}' --inspection-level DEBUG \
  >"$workdir/test-state-retry.json" || fail "test-state with a mocked error (see above)"
expect "test-state (mocked error) status" "$(jv "$workdir/test-state-retry.json" 'd["status"]')" "RETRIABLE"
expect "test-state (mocked error) errorDetails" "$(jv "$workdir/test-state-retry.json" 'd["inspectionData"]["errorDetails"]')" \
  '{"retryBackoffIntervalSeconds": 3, "retryIndex": 0}'
test_state --mock '{"errorOutput":{"error":"Payment.Timeout","cause":"no answer"}}' --state-configuration '{"retrierRetryCount":2}' \
  >"$workdir/test-state-caught.json" || fail "test-state with the retries used up (see above)"
expect "test-state (retries used up) status" "$(jv "$workdir/test-state-caught.json" 'd["status"]')" "CAUGHT_ERROR"
expect "test-state (retries used up) nextState" "$(jv "$workdir/test-state-caught.json" 'd["nextState"]')" "Refund"
expect "test-state (retries used up) output" "$(json_same "$(jv "$workdir/test-state-caught.json" 'd["output"]')" \
  '{"order":{"total":42},"error":{"Error":"Payment.Timeout","Cause":"no answer"}}')" "same"

# --- start-sync-execution: the CLI v1 sends it to sync-127.0.0.1 unless AWS_DISABLE_HOST_PREFIX_INJECTION=true.
sfn create-state-machine --name cli-express --type EXPRESS --definition "$pass_def" --role-arn "$role" >/dev/null
AWS_DISABLE_HOST_PREFIX_INJECTION=true sfn start-sync-execution --state-machine-arn "$arn_prefix:stateMachine:cli-express" \
  --input '{"x":3}' >"$workdir/sync.json" || fail "start-sync-execution with AWS_DISABLE_HOST_PREFIX_INJECTION=true (see above)"
expect "start-sync-execution status" "$(jv "$workdir/sync.json" 'd["status"]')" "SUCCEEDED"
expect "start-sync-execution output" "$(json_same "$(jv "$workdir/sync.json" 'd["output"]')" '{"x":3,"r":{"ok":true}}')" "same"

# --- StartSyncExecution through boto3 with inject_host_prefix=False.
if python3 -c 'import boto3' 2>/dev/null; then
  python3 - "$endpoint" "$region" "$arn_prefix:stateMachine:cli-express" "$pass_arn" <<'EOF' || fail "StartSyncExecution through boto3 (see above)"
import json, sys
import boto3
from botocore.config import Config

endpoint, region, express_arn, standard_arn = sys.argv[1:5]
client = boto3.client("stepfunctions", endpoint_url=endpoint, region_name=region,
                      config=Config(inject_host_prefix=False, retries={"max_attempts": 1}))
out = client.start_sync_execution(stateMachineArn=express_arn, input='{"x":2}')
if out["status"] != "SUCCEEDED" or json.loads(out["output"]) != {"x": 2, "r": {"ok": True}}:
    sys.exit(f"start_sync_execution = status {out['status']!r} output {out.get('output')!r}, want SUCCEEDED {{\"x\":2,\"r\":{{\"ok\":true}}}}")
try:
    client.start_sync_execution(stateMachineArn=standard_arn, input="{}")
    sys.exit("start_sync_execution on a Standard machine succeeded, want StateMachineTypeNotSupported")
except client.exceptions.StateMachineTypeNotSupported:
    pass
print("check-aws-cli: ok: start_sync_execution (boto3) SUCCEEDED on Express, StateMachineTypeNotSupported on Standard")
EOF
else
  echo "check-aws-cli: skip: StartSyncExecution check needs boto3 (python3 -m pip install boto3)"
fi

echo "check-aws-cli: PASS"
