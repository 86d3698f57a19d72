package sfnlocal_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/polysync/stepfunctions/sfnlocal/sfnlocaltest"
)

// motoStartTimeout bounds how long moto_server may take to answer; a cold
// Python start imports a lot.
const motoStartTimeout = 60 * time.Second

// TestConformanceMoto runs the conformance suite against moto_server, code
// nobody here wrote, so that where moto and the suite (and so sfnlocal)
// disagree it shows. moto's gaps are switched off as capabilities and
// documented in package sfnlocaltest. The run is skipped under -short and
// where moto_server is not installed.
func TestConformanceMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("moto run skipped under -short (it starts a Python server)")
	}
	path, err := exec.LookPath("moto_server")
	if err != nil {
		t.Skipf("moto_server not found: %v (pip install 'moto[server]' to run this test)", err)
	}
	endpoint := startMoto(t, path)
	sfnlocaltest.Run(t, sfnlocaltest.Target{
		Name:         "moto",
		Endpoint:     endpoint,
		Capabilities: sfnlocaltest.MotoCapabilities(),
		Deviations: map[string]string{
			"StateMachines/ListItemFields": "moto omits the required type member of ListStateMachines items",
		},
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
	path, err := exec.LookPath("moto_server")
	if err != nil {
		t.Skipf("moto_server not found: %v (pip install 'moto[server]' to run this test)", err)
	}
	endpoint := startMoto(t, path)
	if err := post(t.Context(), endpoint+"/moto-api/config", `{"stepfunctions":{"execute_state_machine":true}}`); err != nil {
		t.Fatalf("switch on moto's interpreter: %v", err)
	}
	caps := sfnlocaltest.MotoCapabilities()
	caps.RunsDefinitions = true
	sfnlocaltest.Run(t, sfnlocaltest.Target{
		Name:         "moto with its interpreter",
		Endpoint:     endpoint,
		Capabilities: caps,
		Deviations: map[string]string{
			"StateMachines/ListItemFields":           "moto omits the required type member of ListStateMachines items",
			"Executions/StartDescribeStopList":       "StopExecution answers no stopDate",
			"Executions/DefaultNameAndInput":         `an execution started without a name is named "None"`,
			"Executions/ListPagination":              "StartExecution answers HTTP 500 (cannot pickle '_thread.RLock') while another execution is running",
			"Executions/Errors":                      "execution names are not checked, and a too-long name or non-JSON input answers HTTP 500",
			"History/PassMachine":                    "GetExecutionHistory ignores reverseOrder",
			"History/Stopped":                        "ExecutionAborted records an empty error and cause instead of StopExecution's",
			"History/Pagination":                     "GetExecutionHistory ignores maxResults",
			"Definitions/PathsInputResultOutput":     "a definite JSONPath with an array index ($.lines[0].qty) yields a one-element list, not the value",
			"Definitions/ParallelWithResultSelector": "a definite JSONPath with an array index ($[0].side) yields a one-element list, not the value",
		},
	})
}

// startMoto starts moto_server on a free loopback port, waits until it
// answers, stops it when t ends and returns its endpoint URL.
func startMoto(t *testing.T, path string) string {
	t.Helper()
	port := freePort(t)
	out := &lockedBuffer{}
	cmd := exec.Command(path, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			t.Errorf("moto_server (pid %d) did not exit within 10s of being killed", cmd.Process.Pid)
		}
		if t.Failed() {
			t.Logf("moto_server output:\n%s", out.tail(4096))
		}
	})

	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	ctx, cancel := context.WithTimeout(t.Context(), motoStartTimeout)
	defer cancel()
	for delay := 50 * time.Millisecond; ; delay = min(2*delay, 500*time.Millisecond) {
		if err := ping(ctx, endpoint+"/moto-api/"); err == nil {
			return endpoint
		}
		select {
		case err := <-exited:
			t.Fatalf("moto_server exited before answering: %v\n%s", err, out.tail(4096))
		case <-ctx.Done():
			t.Fatalf("moto_server did not answer on %s within %v\n%s", endpoint, motoStartTimeout, out.tail(4096))
		case <-time.After(delay):
		}
	}
}

// ping reports whether url answers 200 OK.
func ping(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %s", url, resp.Status)
	}
	return nil
}

// post sends body as JSON to url and expects a 2xx answer.
func post(ctx context.Context, url, body string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: status %s", url, resp.Status)
	}
	return nil
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// lockedBuffer collects a subprocess's output for failure messages.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// tail returns the last n bytes written.
func (b *lockedBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.Bytes()
	if len(s) > n {
		s = s[len(s)-n:]
	}
	return string(s)
}
