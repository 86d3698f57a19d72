package sfnlocaltest

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/polysync/stepfunctions/internal/testkit"
)

// motoStartTimeout bounds how long moto_server may take to answer; a cold
// Python start imports a lot.
const motoStartTimeout = 60 * time.Second

// StartMoto starts moto_server (from the Python package moto[server]) on a
// free 127.0.0.1 port, waits until it answers, stops it when t ends and
// returns its endpoint URL. It skips t when moto_server is not on PATH, and
// fails t when moto does not answer within a minute. On Linux the server is
// also killed if the test process dies first.
func StartMoto(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("moto_server")
	if err != nil {
		t.Skipf("moto_server not found: %v (pip install 'moto[server]' to run this test)", err)
	}
	port, err := testkit.FreePort()
	if err != nil {
		t.Fatalf("find a free port for moto_server: %v", err)
	}
	out := &testkit.LockedBuffer{}
	cmd := exec.Command(path, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = out, out
	killWithParent(cmd)
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
			t.Logf("moto_server output (last 4 KiB):\n%s", out.Tail(4096))
		}
	})

	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	ctx, cancel := context.WithTimeout(context.Background(), motoStartTimeout)
	defer cancel()
	for delay := 50 * time.Millisecond; ; delay = min(2*delay, 500*time.Millisecond) {
		if err := motoAPI(ctx, http.MethodGet, endpoint+"/moto-api/", ""); err == nil {
			return endpoint
		}
		select {
		case err := <-exited:
			t.Fatalf("moto_server exited before answering: %v\n%s", err, out.Tail(4096))
		case <-ctx.Done():
			t.Fatalf("moto_server did not answer on %s within %v\n%s", endpoint, motoStartTimeout, out.Tail(4096))
		case <-time.After(delay):
		}
	}
}

// EnableMotoInterpreter switches on the optional Amazon States Language
// interpreter of the moto_server at endpoint (moto 5's
// stepfunctions.execute_state_machine setting), so that its executions run
// their definitions. It affects the whole server from then on.
func EnableMotoInterpreter(ctx context.Context, endpoint string) error {
	if err := motoAPI(ctx, http.MethodPost, endpoint+"/moto-api/config", `{"stepfunctions":{"execute_state_machine":true}}`); err != nil {
		return fmt.Errorf("enable moto's interpreter: %w", err)
	}
	return nil
}

// motoAPI sends one request to moto's management API and expects a 2xx
// answer.
func motoAPI(ctx context.Context, method, url, body string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		return err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: status %s", method, url, resp.Status)
	}
	return nil
}
