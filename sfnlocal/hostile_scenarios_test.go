package sfnlocal

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// Definitions the scenarios run.
const (
	passDef = `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`
	// passLoopDef loops for ever: its input never has "stop".
	passLoopDef = `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Choice","Choices":[` +
		`{"Variable":"$.stop","IsPresent":true,"Next":"Done"}],"Default":"A"},"Done":{"Type":"Succeed"}}}`
	// growLoopDef doubles its data on every turn.
	growLoopDef = `{"StartAt":"G","States":{"G":{"Type":"Pass","Parameters":{"a.$":"$","b.$":"$"},"Next":"B"},` +
		`"B":{"Type":"Choice","Choices":[{"Variable":"$.stop","IsPresent":true,"Next":"Done"}],"Default":"G"},` +
		`"Done":{"Type":"Succeed"}}}`
	mapDef = `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{` +
		`"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
	// mapOfMapsDef runs an inner Map over the whole item list for each item.
	mapOfMapsDef = `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items",` +
		`"ItemSelector":{"items.$":"$$.Execution.Input.items"},"ItemProcessor":{"StartAt":"N","States":{` +
		`"N":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},` +
		`"ResultPath":null,"End":true}}},"End":true}}}`
)

// hostileScenarios lists the scenarios of TestHostileRequests in order.
func hostileScenarios() []hostileScenario {
	// The heap allowed per connection, per request body (read, then
	// decoded: up to 1 MB twice) and per execution.
	const conn, body, execution = 64 << 10, 2 << 20, 96 << 20
	return []hostileScenario{
		{"oversized body (64 MiB declared)", oversizedBodies, []string{"413 RequestEntityTooLargeException"}, body},
		{"endless chunked body", endlessBodies, []string{"413 RequestEntityTooLargeException"}, body},
		{"request nested 900,000 deep", deepRequests, []string{"400 SerializationException"}, body},
		{"execution input nested 100,000 deep", deepInputs, []string{"400 InvalidExecutionInput"}, body},
		{"definition nested 100,000 deep (JSON, JSONata; 70,000 intrinsics)", deepDefinitions, []string{"400 InvalidDefinition"}, body},
		{"2,000 concurrent requests", concurrentRequests, []string{"200"}, conn},
		{"idle connections (new and keep-alive)", idleConnections,
			[]string{"held open (client left)", "closed without an answer"}, conn},
		{"slow header and slow body (1 byte / 100 ms)", slowConnections,
			[]string{"held open (client left)", "closed without an answer", "400 SerializationException", "400 Bad Request (net/http)"}, conn},
		{"Pass loop (Standard)", passLoopsStandard, []string{"FAILED States.Runtime"}, execution},
		{"Pass loop growing its data (Standard)", growLoops, []string{"FAILED States.DataLimitExceeded"}, execution},
		{"JSONata function calling itself (Standard)", jsonataRecursion, []string{"FAILED States.QueryEvaluationError"}, execution},
		{"Pass loop (Express, client leaves)", passLoopsExpress, []string{"stopped when the client left"}, execution},
		{"Map over 100,000 items (Standard, Express)", bigMaps, []string{"FAILED States.Runtime", "SUCCEEDED"}, execution},
		{"Map of Maps, 1,000 × 1,000 items (Express)", mapOfMaps,
			[]string{"SUCCEEDED", "FAILED States.DataLimitExceeded"}, execution},
	}
}

// streamBody sends a request for op whose body never ends (chunked) or is
// declared 64 MiB long, writing as fast as the server reads, and returns
// how it was answered.
func streamBody(addr string, chunked bool) string {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return "dial: " + err.Error()
	}
	defer conn.Close()
	framing := "Content-Length: " + fmt.Sprint(64<<20)
	if chunked {
		framing = "Transfer-Encoding: chunked"
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		chunk := []byte(`{"nextToken":"` + strings.Repeat("a", 64<<10))
		if chunked {
			chunk = []byte(fmt.Sprintf("%x\r\n%s\r\n", len(chunk), chunk))
		}
		if _, err := io.WriteString(conn, rawHead(addr, "ListStateMachines", framing)); err != nil {
			return
		}
		for sent := 0; chunked || sent < 64<<20; sent += len(chunk) {
			if _, err := conn.Write(chunk); err != nil {
				return
			}
		}
	}()
	answer := rawAnswer(conn, 30*time.Second)
	_ = conn.Close()
	<-done
	return answer
}

func oversizedBodies(e *hostileEnv) (int, map[string]int) {
	n := size(50, 500)
	return n, newTally().each(n, func(int) string { return streamBody(e.addr, false) })
}

func endlessBodies(e *hostileEnv) (int, map[string]int) {
	n := size(50, 500)
	return n, newTally().each(n, func(int) string { return streamBody(e.addr, true) })
}

// deepRequests sends bodies of 900,000 nested arrays, just under the 1 MB
// request limit.
func deepRequests(e *hostileEnv) (int, map[string]int) {
	n := size(20, 200)
	body := `{"maxResults":` + strings.Repeat("[", 900_000) + "}"
	return n, newTally().each(n, func(int) string {
		conn, err := net.Dial("tcp", e.addr)
		if err != nil {
			return "dial: " + err.Error()
		}
		defer conn.Close()
		if _, err := io.WriteString(conn, rawHead(e.addr, "ListStateMachines", fmt.Sprintf("Content-Length: %d", len(body)))+body); err != nil {
			return "write: " + err.Error()
		}
		return rawAnswer(conn, 30*time.Second)
	})
}

// deepInputs starts executions whose input nests 100,000 arrays (200 KB,
// under the 256 KiB input quota).
func deepInputs(e *hostileEnv) (int, map[string]int) {
	n := size(20, 200)
	arn := e.machine("deep-input", passDef, types.StateMachineTypeExpress)
	input := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	return n, newTally().each(n, func(i int) string {
		if i%2 == 0 {
			_, err := e.client.StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{StateMachineArn: &arn, Input: &input})
			return answerLabel(err)
		}
		_, err := e.client.StartExecution(context.Background(), &sfn.StartExecutionInput{StateMachineArn: &arn, Input: &input})
		return answerLabel(err)
	})
}

// deepDefinitions creates state machines whose definitions nest 100,000
// arrays in a Pass state's Result, 70,000 intrinsic calls (910 KB) in a
// Parameters field, or 100,000 brackets in a JSONata expression.
func deepDefinitions(e *hostileEnv) (int, map[string]int) {
	n := size(12, 120)
	deepJSON := `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":` + strings.Repeat("[", 100_000) +
		strings.Repeat("]", 100_000) + `,"End":true}}}`
	deepCall := `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"a.$":"` + strings.Repeat("States.Array(", 70_000) +
		strings.Repeat(")", 70_000) + `"},"End":true}}}`
	deepJSONata := `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% ` +
		strings.Repeat("(", 100_000) + "1" + strings.Repeat(")", 100_000) + ` %}","End":true}}}`
	return n, newTally().each(n, func(i int) string {
		def := []string{deepJSON, deepCall, deepJSONata}[i%3]
		_, err := e.client.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{
			Name: aws.String(fmt.Sprintf("deep-%d", i)), Definition: &def, RoleArn: aws.String(testRole)})
		return answerLabel(err)
	})
}

// concurrentRequests sends 2,000 requests at once, a mix of describing,
// listing and starting Express executions, each on a new connection: none
// may be dropped to make room.
func concurrentRequests(e *hostileEnv) (int, map[string]int) {
	n := 2000
	express := e.machine("crowd", passDef, types.StateMachineTypeExpress)
	c := hostileClient(e.endpoint, false) // an idle keep-alive may be closed to make room just as it is reused
	start := make(chan struct{})
	time.AfterFunc(50*time.Millisecond, func() { close(start) })
	return n, newTally().each(n, func(i int) string {
		<-start
		ctx := context.Background()
		var err error
		switch i % 4 {
		case 0:
			_, err = c.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &e.probeArn})
		case 1:
			_, err = c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{})
		case 2:
			_, err = c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &express})
		case 3:
			_, err = c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &express})
		}
		return answerLabel(err)
	})
}

// holdFor is how long a slow or idle connection is held by its client:
// hostileHold in the short form, until the server closes it in the full one.
func holdFor() time.Duration {
	if *hostileFull {
		return 90 * time.Second
	}
	return hostileHold
}

// idleConnections opens 2,000 connections that send nothing and 2,000 that
// send one request and then idle, all at once: twice the connection cap.
func idleConnections(e *hostileEnv) (int, map[string]int) {
	n := size(2000, 2000)
	return 2 * n, newTally().each(2*n, func(i int) string {
		conn, err := net.Dial("tcp", e.addr)
		if err != nil {
			return "dial: " + err.Error()
		}
		defer conn.Close()
		if i%2 == 1 {
			if _, err := io.WriteString(conn, rawRequest(e.addr, 2, "{}")); err != nil {
				return "write: " + err.Error()
			}
			if a := rawAnswer(conn, 30*time.Second); a != "200" {
				return "first request: " + a
			}
		}
		return rawAnswer(conn, holdFor())
	})
}

// slowConnections opens connections that send their header, or their body,
// one byte every 100 ms.
func slowConnections(e *hostileEnv) (int, map[string]int) {
	n := size(2000, 2000)
	return n, newTally().each(n, func(i int) string {
		conn, err := net.Dial("tcp", e.addr)
		if err != nil {
			return "dial: " + err.Error()
		}
		defer conn.Close()
		var trickle string
		if i%2 == 0 { // slow header: a header that would take 100 s to send
			trickle = rawHead(e.addr, "ListStateMachines", "X-Pad: "+strings.Repeat("a", 1000)+"\r\nContent-Length: 2") + "{}"
		} else { // slow body
			head := rawHead(e.addr, "ListStateMachines", "Content-Length: 1000")
			if _, err := io.WriteString(conn, head); err != nil {
				return "write: " + err.Error()
			}
			trickle = `{"nextToken":"` + strings.Repeat("a", 984) + `"}`
		}
		go func() {
			for j := range len(trickle) {
				if _, err := io.WriteString(conn, trickle[j:j+1]); err != nil {
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
		}()
		return rawAnswer(conn, holdFor())
	})
}

// runLabel starts an execution of sm and waits for its end, labelling it by
// status and error.
func runLabel(e *hostileEnv, sm string, input string) string {
	ctx := context.Background()
	start, err := e.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &sm, Input: &input})
	if err != nil {
		return answerLabel(err)
	}
	for {
		d, err := e.client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: start.ExecutionArn})
		if err != nil {
			return answerLabel(err)
		}
		if d.Status != types.ExecutionStatusRunning {
			return strings.TrimSpace(string(d.Status) + " " + aws.ToString(d.Error))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func passLoopsStandard(e *hostileEnv) (int, map[string]int) {
	n := size(4, 20)
	sm := e.machine("pass-loop", passLoopDef, types.StateMachineTypeStandard)
	return n, newTally().each(n, func(int) string { return runLabel(e, sm, `{"n":1}`) })
}

func growLoops(e *hostileEnv) (int, map[string]int) {
	n := size(4, 20)
	sm := e.machine("grow-loop", growLoopDef, types.StateMachineTypeStandard)
	return n, newTally().each(n, func(int) string { return runLabel(e, sm, `{"data":"`+strings.Repeat("x", 1000)+`"}`) })
}

// jsonataRecursion runs a JSONata function that calls itself for ever.
func jsonataRecursion(e *hostileEnv) (int, map[string]int) {
	n := size(4, 20)
	sm := e.machine("jsonata-recursion", `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass",`+
		`"Output":"{% ($f := function($x) { $f($x) }; $f(1)) %}","End":true}}}`, types.StateMachineTypeStandard)
	return n, newTally().each(n, func(int) string { return runLabel(e, sm, `{}`) })
}

// passLoopsExpress runs Express Pass loops with StartSyncExecution and
// leaves after a second: the server must stop each run (runHostile waits
// for it).
func passLoopsExpress(e *hostileEnv) (int, map[string]int) {
	n := size(4, 20)
	sm := e.machine("express-loop", passLoopDef, types.StateMachineTypeExpress)
	return n, newTally().each(n, func(int) string {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		out, err := e.client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &sm})
		if err == nil {
			return "answered " + string(out.Status)
		}
		if ctx.Err() != nil {
			return "stopped when the client left"
		}
		return answerLabel(err)
	})
}

// manyItems is an input whose items are 100,000 zeros (200 KB).
func manyItems(n int) string {
	return `{"items":[` + strings.TrimSuffix(strings.Repeat("0,", n), ",") + `]}`
}

// bigMaps runs a Map over 100,000 items in Standard executions (their
// history cannot hold it) and Express ones.
func bigMaps(e *hostileEnv) (int, map[string]int) {
	n := size(4, 20)
	std := e.machine("big-map", mapDef, types.StateMachineTypeStandard)
	exp := e.machine("big-map-express", mapDef, types.StateMachineTypeExpress)
	input := manyItems(100_000)
	return n, newTally().each(n, func(i int) string {
		if i%2 == 0 {
			return runLabel(e, std, input)
		}
		out, err := e.client.StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{StateMachineArn: &exp, Input: &input})
		if err != nil {
			return answerLabel(err)
		}
		return strings.TrimSpace(string(out.Status) + " " + aws.ToString(out.Error))
	})
}

// mapOfMaps runs an Express Map over 1,000 items whose iterations each map
// over the 1,000 items again: a million iterations.
func mapOfMaps(e *hostileEnv) (int, map[string]int) {
	n := size(1, 4)
	sm := e.machine("map-of-maps", mapOfMapsDef, types.StateMachineTypeExpress)
	input := manyItems(1000)
	return n, newTally().each(n, func(int) string {
		out, err := e.client.StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{StateMachineArn: &sm, Input: &input})
		if err != nil {
			return answerLabel(err)
		}
		return strings.TrimSpace(string(out.Status) + " " + aws.ToString(out.Error))
	})
}
