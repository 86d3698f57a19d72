package sfnlocal

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/polysync/stepfunctions/internal/sdkhttp"
)

var hostileFull = flag.Bool("hostile.full", false,
	"run TestHostileRequests at full size, holding slow and idle connections until the server's default timeouts close them")

// Bounds every scenario of TestHostileRequests must keep.
const (
	// hostileP99 bounds how much a scenario may add to the p99 latency of a
	// well-behaved DescribeStateMachine on a new connection (over its p99
	// measured just before, without the hostile load): generous, so that a
	// loaded 2-core machine does not make it flake.
	hostileP99 = 2 * time.Second
	// hostileStarved is the p99 latency of the other clients past which a
	// scenario fails: a server that leaves a well-behaved caller waiting
	// that long is starving it, however loaded the machine. Between
	// hostileP99 (plus the p99 without the load) and hostileStarved the
	// figure is measured again and reported in the table, not failed:
	// latency on 2 shared cores is a figure to read, and a bound tight
	// enough to catch a regression flakes whenever another process takes
	// the cores (seen at 9-10 s under a parallel go test -race).
	hostileStarved = 30 * time.Second
	// hostileHeapBase and a scenario's heapPerRequest bound how much the
	// process's heap in use may grow at its peak during the scenario
	// (server and hostile clients together): hostileHeapBase plus
	// heapPerRequest for each of its requests.
	hostileHeapBase = 128 << 20
	// hostileHold is how long the short form holds slow and idle connections
	// open (the full form holds them until the server closes them).
	hostileHold = 2500 * time.Millisecond
)

// hostileRow is one line of the hostile-request table.
type hostileRow struct {
	scenario  string
	requests  int
	answers   map[string]int // how the requests were answered, by label
	heapPeak  uint64         // growth of the heap in use at its peak
	heapBound uint64         // the most heapPeak may be
	p99       time.Duration  // other clients' p99 latency
	probes    int            // how many calls the other clients made
	idleP99   time.Duration  // their p99 latency just before, without the hostile load
	again     bool           // measured a second time, the first p99 being over the bound
}

// hostileEnv is what a scenario works against: one served endpoint with its
// default bounds, and a state machine the other clients describe.
type hostileEnv struct {
	t        *testing.T
	srv      *Server
	endpoint string
	addr     string
	client   *sfn.Client
	probeArn string
}

// machine creates a state machine for a scenario and returns its ARN.
func (e *hostileEnv) machine(name, def string, typ types.StateMachineType) string {
	return createMachine(e.t, e.client, name, def, typ)
}

// hostileScenario sends one kind of hostile load and returns how many
// requests it made and how they were answered; want lists the answers
// allowed.
type hostileScenario struct {
	name string
	run  func(e *hostileEnv) (requests int, answers map[string]int)
	want []string
	// heapPerRequest is the heap each request may add (see hostileHeapBase).
	heapPerRequest uint64
}

// latencyBound is hostileP99, doubled in the full form (which sends ten
// times as much at once) and tripled under the race detector.
func latencyBound() time.Duration {
	bound := hostileP99
	if *hostileFull {
		bound *= 2
	}
	if raceDetector {
		bound *= 3
	}
	return bound
}

// size picks the short or the full form's figure.
func size(short, full int) int {
	if *hostileFull {
		return full
	}
	return short
}

// TestHostileRequests sends hostile requests to the served endpoint, one
// kind at a time, while four other clients each describe a state machine on
// a new connection every 5 ms. Each kind must be answered with the code AWS
// answers (or the connection closed where AWS would close it), the heap must
// grow by at most hostileHeapBase plus the scenario's heapPerRequest for
// each request, and every call of the other clients must be answered. Their
// p99 latency is reported against their p99 just before, without the
// hostile load: a scenario more than hostileP99 over it is run again (the
// machine is shared) and fails only when it is over hostileStarved, the
// mark of a starved caller. It prints the table of the README's
// "Reliability" section.
// The short form takes about 15 seconds; -hostile.full sends more and holds
// slow and idle connections until the server closes them (about 90
// seconds).
func TestHostileRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("the hostile-request suite opens thousands of connections")
	}
	srv := New()
	endpoint, err := srv.Listen("")
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	e := &hostileEnv{t: t, srv: srv, endpoint: endpoint, addr: strings.TrimPrefix(endpoint, "http://"),
		client: hostileClient(endpoint, true)}
	e.probeArn = createMachine(t, e.client, "probe", passDef, types.StateMachineTypeStandard)
	var rows []hostileRow
	for _, sc := range hostileScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			e.t = t
			row := runHostile(e, sc)
			checkHostile(t, sc, row)
			if row.slow() {
				// The machine is shared: a process that runs nothing of
				// this suite may have taken the cores. Measure again.
				t.Logf("other clients' p99 latency %v, over the bound: measuring again", row.p99)
				row = runHostile(e, sc)
				row.again = true
				checkHostile(t, sc, row)
				switch {
				case row.p99 > hostileStarved:
					t.Errorf("other clients' p99 latency %v over %d calls, twice over the target and over %v: the server starves them",
						row.p99, row.probes, hostileStarved)
				case row.slow():
					t.Logf("other clients' p99 latency %v over %d calls, twice over the target of %v more than the %v without the hostile load (reported, not failed: see hostileStarved)",
						row.p99, row.probes, latencyBound(), row.idleP99)
				}
			}
			rows = append(rows, row)
		})
	}
	t.Log(hostileTable(rows))
}

// checkHostile fails t when row's requests were answered otherwise than
// sc allows or its heap grew past its bound.
func checkHostile(t *testing.T, sc hostileScenario, row hostileRow) {
	t.Helper()
	for label, n := range row.answers {
		if !slices.Contains(sc.want, label) {
			t.Errorf("%d requests answered %q, want only %q", n, label, sc.want)
		}
	}
	if row.heapPeak > row.heapBound {
		t.Errorf("heap in use grew by %d MiB at its peak, want at most %d MiB", row.heapPeak>>20, row.heapBound>>20)
	}
}

// slow reports whether the other clients' p99 latency is over the bound.
func (r hostileRow) slow() bool { return r.p99 > latencyBound()+r.idleP99 }

// runHostile runs one scenario with the heap watched and the other clients
// calling, then waits for the server to have no execution left running.
func runHostile(e *hostileEnv, sc hostileScenario) hostileRow {
	idle := startProbe(e.endpoint, e.probeArn)
	time.Sleep(200 * time.Millisecond)
	idleP99, _, _ := idle.done()
	w := watchHeap()
	p := startProbe(e.endpoint, e.probeArn)
	n, answers := sc.run(e)
	p99, probes, failures := p.done()
	peak, _ := w.done()
	for _, f := range failures {
		e.t.Errorf("other clients: %s", f)
	}
	waitFor(e.t, "the server's executions to end", func() bool {
		e.srv.mu.Lock()
		defer e.srv.mu.Unlock()
		return len(e.srv.running) == 0
	})
	return hostileRow{scenario: sc.name, requests: n, answers: answers, heapPeak: peak, p99: p99, probes: probes, idleP99: idleP99,
		heapBound: hostileHeapBase + uint64(n)*sc.heapPerRequest}
}

// hostileTable renders rows as the README's Markdown table.
func hostileTable(rows []hostileRow) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n| scenario | requests | answered with | heap growth (peak / bound) | other clients' p99 (calls) | p99 without the load |\n|---|---|---|---|---|---|\n")
	for _, r := range rows {
		labels := make([]string, 0, len(r.answers))
		for l := range r.answers {
			labels = append(labels, l)
		}
		sort.Strings(labels)
		var parts []string
		for _, l := range labels {
			parts = append(parts, fmt.Sprintf("%s × %d", l, r.answers[l]))
		}
		again := ""
		if r.again {
			again = ", measured twice"
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %d / %d MiB | %v (%d%s) | %v |\n", r.scenario, r.requests, strings.Join(parts, ", "),
			r.heapPeak>>20, r.heapBound>>20, r.p99.Round(time.Millisecond), r.probes, again, r.idleP99.Round(time.Millisecond))
	}
	return b.String()
}

// latencyProbe is the well-behaved clients: each describes a state machine
// on a new connection every 5 ms, and the probe records how long each call
// took.
type latencyProbe struct {
	stop     chan struct{}
	wg       sync.WaitGroup
	mu       sync.Mutex
	lat      []time.Duration
	failures []string
}

// probeClients is how many well-behaved clients call at once.
const probeClients = 4

func startProbe(endpoint, arn string) *latencyProbe {
	c := hostileClient(endpoint, false)
	p := &latencyProbe{stop: make(chan struct{})}
	p.wg.Add(probeClients)
	for range probeClients {
		go func() {
			defer p.wg.Done()
			for {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				start := time.Now()
				_, err := c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &arn})
				cancel()
				p.mu.Lock()
				p.lat = append(p.lat, time.Since(start))
				if err != nil && len(p.failures) < 3 {
					p.failures = append(p.failures, fmt.Sprintf("DescribeStateMachine: %v", err))
				}
				p.mu.Unlock()
				select {
				case <-p.stop:
					return
				case <-time.After(5 * time.Millisecond):
				}
			}
		}()
	}
	return p
}

// done stops the probe and returns its p99 latency, its number of calls and
// its failures.
func (p *latencyProbe) done() (p99 time.Duration, calls int, failures []string) {
	close(p.stop)
	p.wg.Wait()
	slices.Sort(p.lat)
	return p.lat[(len(p.lat)*99+99)/100-1], len(p.lat), p.failures
}

// hostileClient is an SDK client that does not retry. With keepAlive it
// keeps up to 4,096 connections; without, it opens a new connection for
// every call, so each call waits for the connection cap like any newcomer.
func hostileClient(endpoint string, keepAlive bool) *sfn.Client {
	return sfn.New(sfn.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "not-a-secret", ""),
		APIOptions:  []func(*middleware.Stack) error{sdkhttp.DisableHostPrefix},
		HTTPClient: awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 4096, 4096
			tr.DisableKeepAlives = !keepAlive
		})})
}

// answerLabel names how an SDK call was answered: "200", or the HTTP status
// and AWS error code.
func answerLabel(err error) string {
	if err == nil {
		return "200"
	}
	var re *awshttp.ResponseError
	var ae smithy.APIError
	if errors.As(err, &re) && errors.As(err, &ae) {
		return fmt.Sprintf("%d %s", re.HTTPStatusCode(), ae.ErrorCode())
	}
	return "error: " + err.Error()
}

// rawHead is the header of a signed-looking request for op, framed by
// framing ("Content-Length: n" or "Transfer-Encoding: chunked").
func rawHead(host, op, framing string) string {
	return "POST / HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/x-amz-json-1.0\r\n" +
		"X-Amz-Target: AWSStepFunctions." + op + "\r\n" +
		"Authorization: AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=0\r\n" +
		framing + "\r\n\r\n"
}

// rawAnswer reads the response on conn for up to d and labels it: the
// status and X-Amzn-ErrorType (or status text, for net/http's own plain
// answers), "closed without an answer", or "held open (client left)" when
// the connection is still open after d.
func rawAnswer(conn net.Conn, d time.Duration) string {
	_ = conn.SetReadDeadline(time.Now().Add(d))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		return "held open (client left)"
	case err != nil:
		return "closed without an answer"
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	switch code := resp.Header.Get("X-Amzn-ErrorType"); {
	case code != "":
		return fmt.Sprintf("%d %s", resp.StatusCode, code)
	case resp.StatusCode != http.StatusOK: // net/http's own answer, in plain text
		return fmt.Sprintf("%d %s (net/http)", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	return fmt.Sprint(resp.StatusCode)
}

// tally counts labels sent on a channel by n goroutines.
type tally struct {
	mu sync.Mutex
	m  map[string]int
	wg sync.WaitGroup
}

func newTally() *tally { return &tally{m: map[string]int{}} }

// each runs fn n times at once and counts the labels it returns.
func (ta *tally) each(n int, fn func(i int) string) map[string]int {
	ta.wg.Add(n)
	for i := range n {
		go func() {
			defer ta.wg.Done()
			l := fn(i)
			ta.mu.Lock()
			ta.m[l]++
			ta.mu.Unlock()
		}()
	}
	ta.wg.Wait()
	return ta.m
}
