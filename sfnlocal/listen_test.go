package sfnlocal

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// shortTimeouts make the connection bounds of Listen testable in moments.
var shortTimeouts = serveTimeouts{header: 300 * time.Millisecond, read: 300 * time.Millisecond,
	write: time.Second, idle: 300 * time.Millisecond}

// rawRequest is a ListStateMachines request as bytes, its body declared
// bodyLen long and only body sent.
func rawRequest(host string, bodyLen int, body string) string {
	return "POST / HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/x-amz-json-1.0\r\n" +
		"X-Amz-Target: AWSStepFunctions.ListStateMachines\r\n" +
		"Authorization: AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=0\r\n" +
		"Content-Length: " + itoa(int64(bodyLen)) + "\r\n\r\n" + body
}

// listen starts a server on loopback and returns it with its address.
func listen(t *testing.T, opts ...Option) (*Server, string) {
	t.Helper()
	srv := New(opts...)
	endpoint, err := srv.Listen("")
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv, strings.TrimPrefix(endpoint, "http://")
}

// dial connects to addr over TCP; the connection is closed when the test
// ends.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// closedWithin reports whether the server closes conn within d, reading
// (and discarding) whatever it answers first.
func closedWithin(t *testing.T, conn net.Conn, d time.Duration) bool {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return true // EOF or reset: the server closed it
}

// TestIdleKeepAliveIsClosed checks that a keep-alive connection left idle
// after a request is closed by the server.
func TestIdleKeepAliveIsClosed(t *testing.T) {
	_, addr := listen(t, withServeTimeouts(shortTimeouts))
	conn := dial(t, addr)
	if _, err := io.WriteString(conn, rawRequest(addr, 2, "{}")); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("response = %v, %v; want 200", resp, err)
	}
	_ = resp.Body.Close()
	if !closedWithin(t, conn, 5*time.Second) {
		t.Error("idle keep-alive connection still open 5s after its response, want it closed after the idle timeout")
	}
}

// TestSlowBodyIsCutOff checks that a client that sends its body too slowly
// loses the connection.
func TestSlowBodyIsCutOff(t *testing.T) {
	_, addr := listen(t, withServeTimeouts(shortTimeouts))
	conn := dial(t, addr)
	if _, err := io.WriteString(conn, rawRequest(addr, 100, "{")); err != nil { // 99 bytes never come
		t.Fatal(err)
	}
	if !closedWithin(t, conn, 5*time.Second) {
		t.Error("connection with an unfinished body still open after 5s, want it cut off after the read timeout")
	}
}

// TestLongSyncExecutionOutlastsReadTimeout checks that a StartSyncExecution
// running longer than the read timeout still answers.
func TestLongSyncExecutionOutlastsReadTimeout(t *testing.T) {
	_, addr := listen(t, withServeTimeouts(shortTimeouts))
	c := newClient("http://"+addr, "AKIDTEST")
	ctx := context.Background()
	arn := createMachine(t, c, "slow", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"End":true}}}`, types.StateMachineTypeExpress)
	out, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &arn})
	if err != nil || out.Status != types.SyncExecutionStatusSucceeded {
		t.Fatalf("StartSyncExecution = %v, %v; want SUCCEEDED after 1s, past the 300ms read timeout", out, err)
	}
}

// TestMaxConnections checks that connections beyond the cap wait to be
// accepted until one closes.
func TestMaxConnections(t *testing.T) {
	_, addr := listen(t, WithMaxConnections(1))
	hold := dial(t, addr)
	c := newClient("http://"+addr, "AKIDTEST")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{}); err == nil {
		t.Fatal("ListStateMachines answered while another connection held the only slot")
	}
	_ = hold.Close()
	waitFor(t, "a call once the slot is free", func() bool {
		_, err := c.ListStateMachines(context.Background(), &sfn.ListStateMachinesInput{MaxResults: 1})
		return err == nil
	})
}

// TestIdleConnectionsMakeRoom checks that, with every connection slot held
// by a connection that sends nothing, one that idles after its request, or
// one that waits for its answer, a new client is answered once the idle one
// has idled half a second (it is closed to make room), and that the one
// waiting for its answer is not closed.
func TestIdleConnectionsMakeRoom(t *testing.T) {
	_, addr := listen(t, WithMaxConnections(3))
	c := newClient("http://"+addr, "AKIDTEST")
	arn := createMachine(t, c, "nap", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":2,"End":true}}}`, types.StateMachineTypeExpress)
	busy := make(chan error, 1)
	go func() { // holds a slot waiting for its answer for 2 s
		_, err := c.StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{StateMachineArn: &arn})
		busy <- err
	}()
	dial(t, addr) // holds a slot, sending nothing
	idle := dial(t, addr)
	if _, err := io.WriteString(idle, rawRequest(addr, 2, "{}")); err != nil {
		t.Fatal(err)
	}
	if resp, err := http.ReadResponse(bufio.NewReader(idle), nil); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("first request = %v, %v; want 200", resp, err)
	}
	start := time.Now()
	if _, err := newClient("http://"+addr, "AKIDTEST").ListStateMachines(context.Background(), &sfn.ListStateMachinesInput{}); err != nil {
		t.Fatalf("ListStateMachines with every slot held: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second { // 10 s, the header timeout, before idle connections made room
		t.Errorf("ListStateMachines took %v with every slot held by idle connections, want about 0.5 s", d)
	}
	if !closedWithin(t, idle, time.Second) {
		t.Error("the idle keep-alive is still open, want it closed to make room")
	}
	if err := <-busy; err != nil {
		t.Errorf("StartSyncExecution waiting for its answer: %v, want it answered", err)
	}
}
