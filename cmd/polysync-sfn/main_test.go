package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/polysync/stepfunctions/internal/testkit"
)

// binary is polysync-sfn as go build makes it (with the build information --version reads), built once by
// TestMain; "" when the go command is not available, in which case the tests run this test binary as
// polysync-sfn (a child started with POLYSYNC_SFN_TEST_MAIN=1 runs main).
var binary string

func TestMain(m *testing.M) {
	if os.Getenv("POLYSYNC_SFN_TEST_MAIN") == "1" {
		os.Args = append(os.Args[:1], os.Args[2:]...) // drop -test.run
		main()
		return
	}
	if os.Getenv("POLYSYNC_SFN_TEST_SIGNALS") == "1" {
		secondCtrlCChild()
		return
	}
	dir, err := os.MkdirTemp("", "polysync-sfn-test")
	if err != nil {
		panic(err)
	}
	flag.Parse()
	if goCmd, err := exec.LookPath("go"); err == nil && !testing.Short() {
		out := filepath.Join(dir, "polysync-sfn")
		if msg, err := exec.Command(goCmd, "build", "-o", out, ".").CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, msg)
			os.Exit(1)
		}
		binary = out
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// command returns polysync-sfn with args as a child process with a clean environment (a new HOME, so no
// shared config) plus env.
func command(t *testing.T, env map[string]string, args ...string) *exec.Cmd {
	t.Helper()
	var cmd *exec.Cmd
	if binary != "" {
		cmd = exec.Command(binary, args...)
	} else {
		cmd = exec.Command(os.Args[0], append([]string{"-test.run=^$"}, args...)...)
	}
	cmd.Env = []string{"POLYSYNC_SFN_TEST_MAIN=1", "HOME=" + t.TempDir(), "AWS_EC2_METADATA_DISABLED=true"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// sfnCLI runs polysync-sfn with args, env and stdin to its end, and returns its exit status and output.
func sfnCLI(t *testing.T, env map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := command(t, env, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	return exitCode(t, cmd.Run()), out.String(), errOut.String()
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	require.NoError(t, err)
	return 0
}

// TestCtrlC sends SIGINT, as Ctrl-C in a terminal does: run --wait stops
// waiting with status 130 and names the run, and local stops cleanly.
func TestCtrlC(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes; skipped with -short")
	}
	local := command(t, nil, "local", "--addr", "127.0.0.1:0")
	localOut, err := local.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, local.Start())
	t.Cleanup(func() { local.Process.Kill(); local.Wait() })
	lines := bufio.NewScanner(localOut)
	require.True(t, lines.Scan(), "local printed nothing")
	m := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+) `).FindStringSubmatch(lines.Text())
	require.NotNil(t, m, lines.Text())
	endpoint := m[1]

	client := awssfn.New(awssfn.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local-secret", "")})
	_, err = client.CreateStateMachine(context.Background(), &awssfn.CreateStateMachineInput{
		Name:       aws.String("slow"),
		Definition: aws.String(`{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`),
		RoleArn:    aws.String("arn:aws:iam::123456789012:role/r"),
	})
	require.NoError(t, err)

	run := command(t, nil, "run", "arn:aws:states:us-east-1:123456789012:stateMachine:slow", "--wait",
		"--endpoint", endpoint, "--region", "us-east-1", "--out", "total:number", "--poll-interval", "100ms", "-v")
	var stderr testkit.LockedBuffer // the child writes while the test reads
	run.Stderr = &stderr
	require.NoError(t, run.Start())
	t.Cleanup(func() { run.Process.Kill() })
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(stderr.String(), "state=Running") {
		require.True(t, time.Now().Before(deadline), "run --wait showed no progress: %s", stderr.String())
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(t, run.Process.Signal(syscall.SIGINT))
	assert.Equal(t, 130, exitCode(t, run.Wait()), stderr.String())
	assert.Regexp(t, `interrupted; run arn:aws:states:us-east-1:123456789012:execution:slow:\S+ goes on`, stderr.String())

	// The commands the hint prints carry the flags in use: pasted as printed, with nothing in the environment,
	// they reach the same endpoint (not real AWS) and map the same outputs.
	hint := regexp.MustCompile(`'polysync-sfn (status [^']+)' or stop it with 'polysync-sfn (cancel [^']+)'`).FindStringSubmatch(stderr.String())
	require.NotNil(t, hint, stderr.String())
	assert.Contains(t, hint[1], " --wait --region us-east-1 --endpoint "+endpoint+" --out total:number")
	code, stdout, errOut := sfnCLI(t, nil, "", strings.Fields(hint[2])...)
	assert.Equal(t, 0, code, errOut)
	assert.Regexp(t, `^Cancelled arn:aws:states:us-east-1:123456789012:execution:slow:`, stdout)
	code, stdout, errOut = sfnCLI(t, nil, "", strings.Fields(hint[1])...)
	assert.Equal(t, 3, code, "the status command follows the run, now cancelled: %s", errOut)
	assert.Regexp(t, `State\s+Cancelled`, stdout)

	require.NoError(t, local.Process.Signal(syscall.SIGINT))
	go func() {
		for lines.Scan() {
		}
	}()
	assert.Equal(t, 0, exitCode(t, local.Wait()), "local stops cleanly on Ctrl-C")
}

// secondCtrlCChild is the child of TestSecondCtrlCEndsTheProcess: a command
// that is slow to stop after the first Ctrl-C.
func secondCtrlCChild() {
	ctx, stop := interruptContext()
	defer stop()
	fmt.Println("ready")
	<-ctx.Done()
	fmt.Println("interrupted")
	time.Sleep(time.Minute)
	os.Exit(0)
}

// TestSecondCtrlCEndsTheProcess: the first Ctrl-C asks the command to stop;
// when it does not stop soon enough (a read or a shutdown that hangs), a
// second Ctrl-C ends the process, as operators expect.
func TestSecondCtrlCEndsTheProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process; skipped with -short")
	}
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "POLYSYNC_SFN_TEST_SIGNALS=1")
	out, err := child.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, child.Start())
	t.Cleanup(func() { child.Process.Kill() })
	lines := bufio.NewScanner(out)
	require.True(t, lines.Scan() && lines.Text() == "ready", "the child did not start: %q", lines.Text())
	require.NoError(t, child.Process.Signal(syscall.SIGINT))
	require.True(t, lines.Scan() && lines.Text() == "interrupted", "the first Ctrl-C did not reach the context: %q", lines.Text())
	require.NoError(t, child.Process.Signal(syscall.SIGINT))
	waited := make(chan error, 1)
	go func() {
		for lines.Scan() {
		}
		waited <- child.Wait()
	}()
	select {
	case err := <-waited:
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee)
		ws, ok := ee.Sys().(syscall.WaitStatus)
		require.True(t, ok)
		assert.True(t, ws.Signaled() && ws.Signal() == syscall.SIGINT, "the child ended with %v, want killed by SIGINT", ee)
	case <-time.After(20 * time.Second):
		t.Fatal("a second Ctrl-C did not end the process")
	}
}

// TestFullStdoutExitsWithStatus4: with a standard output that takes no data
// (/dev/full answers every write with "no space left on device"), every
// command that prints exits 4, saying the output was lost, what cobra prints
// (--version, help, completion scripts) as well as the commands' own text and
// JSON. (A standard output closed with '>&-' cannot be told: Go's runtime
// opens /dev/null in its place before main runs.)
func TestFullStdoutExitsWithStatus4(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes; skipped with -short")
	}
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	defer full.Close()
	const machine = "arn:aws:states:eu-west-1:111122223333:stateMachine:orders"
	for _, args := range [][]string{
		{"url", machine},
		{"url", machine, "--json"},
		{"iam-policy", "--state-machine", machine},
		{"iam-policy", "--state-machine", machine, "--permissions"},
		{"--version"},
		{"--help"},
		{"completion", "bash"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			cmd := command(t, nil, args...)
			var stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = full, &stderr
			assert.Equal(t, 4, exitCode(t, cmd.Run()), "stderr: %s", &stderr)
			assert.Contains(t, stderr.String(), "polysync-sfn: the output was lost: write /dev/stdout: no space left on device")
		})
	}
}
