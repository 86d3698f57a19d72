package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain lets the tests run this test binary as polysync-sfn: a child
// process started with POLYSYNC_SFN_TEST_MAIN=1 runs main.
func TestMain(m *testing.M) {
	if os.Getenv("POLYSYNC_SFN_TEST_MAIN") == "1" {
		os.Args = append(os.Args[:1], os.Args[2:]...) // drop -test.run
		main()
		return
	}
	os.Exit(m.Run())
}

// command returns polysync-sfn with args as a child process with a clean
// environment.
func command(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$"}, args...)...)
	cmd.Env = []string{"POLYSYNC_SFN_TEST_MAIN=1", "HOME=" + t.TempDir(), "AWS_EC2_METADATA_DISABLED=true"}
	return cmd
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

// syncBuffer collects a child's output while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestCtrlC sends SIGINT, as Ctrl-C in a terminal does: run --wait stops
// waiting with status 130 and names the run, and local stops cleanly.
func TestCtrlC(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes; skipped with -short")
	}
	local := command(t, "local", "--addr", "127.0.0.1:0")
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

	run := command(t, "run", "arn:aws:states:us-east-1:123456789012:stateMachine:slow", "--wait",
		"--endpoint", endpoint, "--poll-interval", "100ms", "-v")
	var stderr syncBuffer
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

	require.NoError(t, local.Process.Signal(syscall.SIGINT))
	go func() {
		for lines.Scan() {
		}
	}()
	assert.Equal(t, 0, exitCode(t, local.Wait()), "local stops cleanly on Ctrl-C")
}
