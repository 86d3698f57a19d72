package sfnlocal

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

const benchPassChoice = `{"StartAt":"Init","States":{
  "Init":{"Type":"Pass","Result":{"n":1},"ResultPath":"$.v","Next":"Check"},
  "Check":{"Type":"Choice","Choices":[{"Variable":"$.v.n","NumericEquals":1,"Next":"Yes"}],"Default":"No"},
  "Yes":{"Type":"Pass","End":true},
  "No":{"Type":"Fail","Error":"Bench.Wrong"}}}`

const benchMap = `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items",
  "ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`

// BenchmarkExecutions measures executions per second of a small Pass/Choice
// machine and of a Map over 1,000 items, through the HTTP API with the SDK
// client and in process (ServeHTTP without a network), and the memory a
// finished Standard execution keeps (B/exec, with its history).
func BenchmarkExecutions(b *testing.B) {
	items := make([]string, 1000)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	mapInput := `{"items":[` + strings.Join(items, ",") + `]}`

	b.Run("http/express-sync/pass-choice", func(b *testing.B) {
		srv, c := startServer(b)
		arn := createBenchMachine(b, srv, "pc", benchPassChoice, typeExpress)
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			out, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &arn, Input: aws.String(`{}`)})
			if err != nil || out.Status != types.SyncExecutionStatusSucceeded {
				b.Fatalf("StartSyncExecution = %v, %v", out, err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "execs/s")
	})
	b.Run("http/express-sync/pass-choice/parallel", func(b *testing.B) {
		srv, c := startServer(b)
		arn := createBenchMachine(b, srv, "pc", benchPassChoice, typeExpress)
		ctx := context.Background()
		b.SetParallelism(4)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				out, err := c.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &arn, Input: aws.String(`{}`)})
				if err != nil || out.Status != types.SyncExecutionStatusSucceeded {
					b.Errorf("StartSyncExecution = %v, %v", out, err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "execs/s")
	})
	b.Run("http/standard/pass-choice", func(b *testing.B) {
		srv, c := startServer(b)
		arn := createBenchMachine(b, srv, "pc", benchPassChoice, typeStandard)
		ctx := context.Background()
		before := heapInUse()
		b.ResetTimer()
		for b.Loop() {
			if _, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn, Input: aws.String(`{}`)}); err != nil {
				b.Fatal(err)
			}
		}
		reportStandard(b, srv, before)
	})
	b.Run("inprocess/express-sync/pass-choice", func(b *testing.B) {
		srv, body := inProcess(b, "pc", benchPassChoice, typeExpress, `{}`)
		benchSyncInProcess(b, srv, body)
	})
	b.Run("inprocess/express-sync/pass-choice/logged", func(b *testing.B) {
		// Each execution writes its 8 events to CloudWatch Logs (level ALL,
		// with execution data).
		srv := New()
		defer srv.Close()
		if err := srv.CreateLogGroup("bench"); err != nil {
			b.Fatal(err)
		}
		create := `{"name":"pc","definition":` + jsonString(benchPassChoice) + `,"roleArn":"` + testRole + `","type":"EXPRESS",` +
			`"loggingConfiguration":{"level":"ALL","includeExecutionData":true,"destinations":[{"cloudWatchLogsLogGroup":{"logGroupArn":"` +
			srv.LogGroupARN("bench") + `"}}]}}`
		if rec := httptestPost(srv, "CreateStateMachine", create); rec.Code != 200 {
			b.Fatalf("CreateStateMachine = %d %s", rec.Code, rec.Body.String())
		}
		body := `{"stateMachineArn":"` + srv.machineARN("pc") + `","input":"{}"}`
		benchSyncInProcess(b, srv, body)
	})
	b.Run("inprocess/standard/pass-choice", func(b *testing.B) {
		srv, body := inProcess(b, "pc", benchPassChoice, typeStandard, `{}`)
		before := heapInUse()
		b.ResetTimer()
		for b.Loop() {
			if rec := httptestPost(srv, "StartExecution", body); rec.Code != 200 {
				b.Fatalf("StartExecution = %d %s", rec.Code, rec.Body.String())
			}
		}
		reportStandard(b, srv, before)
	})
	b.Run("inprocess/express-sync/map-1000", func(b *testing.B) {
		srv, body := inProcess(b, "map", benchMap, typeExpress, mapInput)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			// The output is the 1,000 items, ending in 999.
			if rec := httptestPost(srv, "StartSyncExecution", body); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"SUCCEEDED"`) ||
				!strings.Contains(rec.Body.String(), `998,999]`) {
				b.Fatalf("StartSyncExecution = %d %.300s", rec.Code, rec.Body.String())
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "execs/s")
	})
	b.Run("inprocess/standard/map-1000", func(b *testing.B) {
		srv, body := inProcess(b, "map", benchMap, typeStandard, mapInput)
		before := heapInUse()
		b.ResetTimer()
		for b.Loop() {
			if rec := httptestPost(srv, "StartExecution", body); rec.Code != 200 {
				b.Fatalf("StartExecution = %d %s", rec.Code, rec.Body.String())
			}
			waitIdle(b, srv) // one at a time: a Map of 1,000 is heavy
		}
		reportStandard(b, srv, before)
	})
}

// inProcess makes a Server, closed when the benchmark ends, with the state
// machine name (definition def, type typ), and returns it with the body of a
// request that starts that machine with input.
func inProcess(b *testing.B, name, def, typ, input string) (*Server, string) {
	b.Helper()
	srv := New()
	b.Cleanup(func() { _ = srv.Close() })
	arn := createBenchMachine(b, srv, name, def, typ)
	return srv, `{"stateMachineArn":"` + arn + `","input":` + jsonString(input) + `}`
}

// benchSyncInProcess measures StartSyncExecution calls of body that
// succeed, through ServeHTTP.
func benchSyncInProcess(b *testing.B, srv *Server, body string) {
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rec := httptestPost(srv, "StartSyncExecution", body); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"SUCCEEDED"`) {
			b.Fatalf("StartSyncExecution = %d %s", rec.Code, rec.Body.String())
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "execs/s")
}

func createBenchMachine(b *testing.B, srv *Server, name, def, typ string) string {
	b.Helper()
	body := `{"name":"` + name + `","definition":` + jsonString(def) + `,"roleArn":"` + testRole + `","type":"` + typ + `"}`
	rec := httptestPost(srv, "CreateStateMachine", body)
	if rec.Code != 200 {
		b.Fatalf("CreateStateMachine = %d %s", rec.Code, rec.Body.String())
	}
	return srv.machineARN(name)
}

// waitIdle waits until no execution is running.
func waitIdle(b *testing.B, srv *Server) {
	waitFor(b, "executions to finish", func() bool {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		return len(srv.running) == 0
	})
}

// reportStandard waits for the Standard executions of srv to end, reports
// executions per second and the heap each keeps (B/exec, measured from
// before), and fails b unless all of them succeeded.
func reportStandard(b *testing.B, srv *Server, before int64) {
	b.Helper()
	waitIdle(b, srv)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "execs/s")
	b.ReportMetric(float64(heapInUse()-before)/float64(b.N), "B/exec")
	requireAllSucceeded(b, srv)
}

// requireAllSucceeded fails b unless every Standard execution of srv
// succeeded, so that a benchmark measures work that was done.
func requireAllSucceeded(b *testing.B, srv *Server) {
	b.Helper()
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for arn, ex := range srv.execs {
		if ex.status != "SUCCEEDED" {
			b.Fatalf("execution %s ended %s (%s: %s), want SUCCEEDED", arn, ex.status, ex.errName, ex.cause)
		}
	}
}

// heapInUse returns the live heap after a full collection.
func heapInUse() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
