package sfnlocal

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// s3Objects is an in-memory bucket served through RegisterTask as the S3
// integration's getObject, listObjectsV2 and putObject.
type s3Objects struct {
	mu      sync.Mutex
	objects map[string]string // bucket/key -> body
	calls   []string          // "action bucket/key"
}

func (b *s3Objects) register(s *Server) {
	type params struct{ Bucket, Key, Prefix, Body string }
	read := func(in json.RawMessage) params {
		var p params
		_ = json.Unmarshal(in, &p)
		return p
	}
	s.RegisterTask("arn:aws:states:::s3:getObject", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		p := read(in)
		b.mu.Lock()
		defer b.mu.Unlock()
		b.calls = append(b.calls, "getObject "+p.Bucket+"/"+p.Key)
		text, ok := b.objects[p.Bucket+"/"+p.Key]
		if !ok {
			return nil, &TaskError{Name: "S3.NoSuchKeyException", Cause: "The specified key does not exist."}
		}
		return json.Marshal(map[string]string{"Body": text})
	})
	s.RegisterTask("arn:aws:states:::s3:listObjectsV2", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		p := read(in)
		b.mu.Lock()
		defer b.mu.Unlock()
		b.calls = append(b.calls, "listObjectsV2 "+p.Bucket+"/"+p.Prefix)
		var contents []map[string]any
		for k, v := range b.objects {
			if key, ok := strings.CutPrefix(k, p.Bucket+"/"); ok && strings.HasPrefix(key, p.Prefix) {
				contents = append(contents, map[string]any{"ETag": `"etag"`, "Key": key, "LastModified": "2026-01-02T03:04:05Z",
					"Size": len(v), "StorageClass": "STANDARD"})
			}
		}
		slices.SortFunc(contents, func(a, b map[string]any) int { return strings.Compare(a["Key"].(string), b["Key"].(string)) })
		return json.Marshal(map[string]any{"Contents": contents, "IsTruncated": false, "KeyCount": len(contents)})
	})
	s.RegisterTask("arn:aws:states:::s3:putObject", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		p := read(in)
		b.mu.Lock()
		defer b.mu.Unlock()
		b.calls = append(b.calls, "putObject "+p.Bucket+"/"+p.Key)
		b.objects[p.Bucket+"/"+p.Key] = p.Body
		return json.RawMessage(`{"ETag":"\"etag\""}`), nil
	})
}

func (b *s3Objects) get(key string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.objects[key]
}

// TestItemReaderAndResultWriterOnTheWire runs a Distributed Map that reads
// a CSV object and writes its results through functions registered for the
// S3 integration, and checks the execution, its Map Run and the objects
// written through the SDK client.
func TestItemReaderAndResultWriterOnTheWire(t *testing.T) {
	ctx := context.Background()
	srv, c := startServer(t)
	bucket := &s3Objects{objects: map[string]string{"in/orders.csv": "id,ok\n1,yes\n2,no\n3,yes\n"}}
	bucket.register(srv)
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","Label":"orders","ToleratedFailureCountPath":"$.tolerate",
		"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"},
			"Parameters":{"Bucket.$":"$.bucket","Key":"orders.csv"}},
		"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":"results"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"C","States":{
			"C":{"Type":"Choice","Choices":[{"Variable":"$.ok","StringEquals":"yes","Next":"Done"}],"Default":"Bad"},
			"Done":{"Type":"Pass","End":true},
			"Bad":{"Type":"Fail","Error":"NotOk","Cause":"order refused"}}},"End":true}}}`
	arn := createMachine(t, c, "csv", def, types.StateMachineTypeStandard)
	run := startWith(t, c, arn, `{"bucket":"in","tolerate":1}`)
	d := waitDone(t, c, run)
	if d.Status != types.ExecutionStatusSucceeded {
		t.Fatalf("execution = %s %s %s, want SUCCEEDED", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	list, err := c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: &run})
	if err != nil || len(list.MapRuns) != 1 {
		t.Fatalf("ListMapRuns = %+v, %v; want one Map Run", list, err)
	}
	mapRun := aws.ToString(list.MapRuns[0].MapRunArn)
	dir := "results/" + mapRun[strings.LastIndexByte(mapRun, ':')+1:] + "/"
	var output struct {
		MapRunArn           string
		ResultWriterDetails struct{ Bucket, Key string }
	}
	if err := json.Unmarshal([]byte(aws.ToString(d.Output)), &output); err != nil || output.MapRunArn != mapRun ||
		output.ResultWriterDetails.Bucket != "out" || output.ResultWriterDetails.Key != dir+"manifest.json" {
		t.Errorf("output = %s, want the Map Run %s and the manifest out/%smanifest.json", aws.ToString(d.Output), mapRun, dir)
	}
	dm, err := c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: &mapRun})
	if err != nil || dm.ItemCounts == nil || dm.ItemCounts.Total != 3 || dm.ItemCounts.Failed != 1 || dm.ToleratedFailureCount != 1 ||
		dm.ItemCounts.ResultsWritten != 3 || dm.ExecutionCounts == nil || dm.ExecutionCounts.ResultsWritten != 3 {
		t.Errorf("DescribeMapRun = %+v, %v; want 3 items read from the CSV object, 1 failed, 1 tolerated from the input, "+
			"3 results written", dm, err)
	}
	var succeeded []struct{ ExecutionArn, Input, Output, Status string }
	if err := json.Unmarshal([]byte(bucket.get("out/"+dir+"SUCCEEDED_0.json")), &succeeded); err != nil || len(succeeded) != 2 {
		t.Fatalf("SUCCEEDED_0.json = %q, want two entries", bucket.get("out/"+dir+"SUCCEEDED_0.json"))
	}
	children, err := c.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: &mapRun, StatusFilter: types.ExecutionStatusSucceeded})
	if err != nil || len(children.Executions) != 2 {
		t.Fatalf("ListExecutions(mapRunArn, SUCCEEDED) = %+v, %v; want 2", children, err)
	}
	var listed []string
	for _, e := range children.Executions {
		listed = append(listed, aws.ToString(e.ExecutionArn))
	}
	for _, e := range succeeded {
		if !slices.Contains(listed, e.ExecutionArn) || e.Status != "SUCCEEDED" || e.Input != e.Output ||
			!strings.Contains(e.Input, `"ok":"yes"`) {
			t.Errorf("written entry %+v, want a listed child (%q) whose input and output are a CSV row with ok yes", e, listed)
		}
	}
	var failed []struct{ Error, Cause, Input string }
	if err := json.Unmarshal([]byte(bucket.get("out/"+dir+"FAILED_0.json")), &failed); err != nil || len(failed) != 1 ||
		failed[0].Error != "NotOk" || failed[0].Input != `{"id":"2","ok":"no"}` {
		t.Errorf("FAILED_0.json = %q, want the refused order 2 with its error", bucket.get("out/"+dir+"FAILED_0.json"))
	}
	var manifest struct {
		DestinationBucket, MapRunArn string
		ResultFiles                  map[string][]struct{ Key string }
	}
	if err := json.Unmarshal([]byte(bucket.get("out/"+dir+"manifest.json")), &manifest); err != nil ||
		manifest.DestinationBucket != "out" || manifest.MapRunArn != mapRun || len(manifest.ResultFiles["SUCCEEDED"]) != 1 ||
		manifest.ResultFiles["SUCCEEDED"][0].Key != dir+"SUCCEEDED_0.json" {
		t.Errorf("manifest.json = %q, want it to name the Map Run and SUCCEEDED_0.json", bucket.get("out/"+dir+"manifest.json"))
	}
	bucket.mu.Lock()
	calls := strings.Join(bucket.calls, ", ")
	bucket.mu.Unlock()
	if !strings.HasPrefix(calls, "getObject in/orders.csv, ") || !strings.HasSuffix(calls, "putObject out/"+dir+"manifest.json") {
		t.Errorf("S3 calls = %s; want the getObject of in/orders.csv first and the manifest written last", calls)
	}
}

// TestItemReaderListObjectsJSONata lists objects through a registered
// listObjectsV2 function from a JSONata state.
func TestItemReaderListObjectsJSONata(t *testing.T) {
	srv, c := startServer(t)
	bucket := &s3Objects{objects: map[string]string{"b/logs/a": "12", "b/logs/b": "1234", "b/other": "x"}}
	bucket.register(srv)
	def := `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map",
		"ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Arguments":{"Bucket":"b","Prefix":"{% $states.input.prefix %}"}},
		"ItemSelector":{"key":"{% $states.context.Map.Item.Value.Key %}","size":"{% $states.context.Map.Item.Value.Size %}"},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P",
			"States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
	arn := createMachine(t, c, "listing", def, types.StateMachineTypeStandard)
	d := startAndWait(t, c, &sfn.StartExecutionInput{StateMachineArn: &arn, Input: aws.String(`{"prefix":"logs/"}`)})
	if want := `[{"key":"logs/a","size":2},{"key":"logs/b","size":4}]`; d.Status != types.ExecutionStatusSucceeded ||
		aws.ToString(d.Output) != want {
		t.Errorf("execution = %s %s %q, want SUCCEEDED %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Output), want)
	}
}

// TestItemReaderFailedOnTheWire checks that a getObject that fails fails the
// execution with States.ItemReaderFailed, naming the function's error.
func TestItemReaderFailedOnTheWire(t *testing.T) {
	srv, c := startServer(t)
	(&s3Objects{objects: map[string]string{}}).register(srv)
	def := `{"StartAt":"M","States":{"M":{"Type":"Map",
		"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"b","Key":"missing.json"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P",
			"States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
	arn := createMachine(t, c, "missing", def, types.StateMachineTypeStandard)
	d := startAndWait(t, c, &sfn.StartExecutionInput{StateMachineArn: &arn})
	if d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "States.ItemReaderFailed" ||
		!strings.Contains(aws.ToString(d.Cause), "S3.NoSuchKeyException") {
		t.Errorf("execution = %s %s %q, want FAILED States.ItemReaderFailed naming S3.NoSuchKeyException", d.Status,
			aws.ToString(d.Error), aws.ToString(d.Cause))
	}
}

// startMocking starts a server with the mock configuration config, and
// returns its client.
func startMocking(t *testing.T, config string) *sfn.Client {
	t.Helper()
	mock := filepath.Join(t.TempDir(), "mock.json")
	if err := os.WriteFile(mock, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	srv, c := startServer(t, WithMockConfig(mock))
	if err := srv.ConfigErr(); err != nil {
		t.Fatalf("ConfigErr() = %v", err)
	}
	return c
}

// TestItemReaderMocked serves the getObject call of a Distributed Map from a
// mock configuration's test case that mocks the Map state.
func TestItemReaderMocked(t *testing.T) {
	c := startMocking(t, `{"StateMachines":{"mocked":{"TestCases":{"Read":{"M":"ThreeItems"}}}},
		"MockedResponses":{"ThreeItems":{"0":{"Return":{"Body":"[\"a\",\"b\",\"c\"]"}}}}}`)
	def := `{"StartAt":"M","States":{"M":{"Type":"Map",
		"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON","MaxItems":2},"Parameters":{"Bucket":"b","Key":"k"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P",
			"States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
	arn := createMachine(t, c, "mocked", def, types.StateMachineTypeStandard)
	d := startAndWait(t, c, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn + "#Read")})
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `["a","b"]` {
		t.Errorf("execution = %s %s %q, want SUCCEEDED with the mocked object's first two items", d.Status,
			aws.ToString(d.Error), aws.ToString(d.Output))
	}
}

// TestReaderAndWriterMocked serves both the ItemReader's getObject and the
// ResultWriter's putObject calls from one mocked Map state, in order.
func TestReaderAndWriterMocked(t *testing.T) {
	c := startMocking(t, `{"StateMachines":{"both":{"TestCases":{"Export":{"M":"ReadThenWrite"}}}},
		"MockedResponses":{"ReadThenWrite":{"0":{"Return":{"Body":"{\"n\":1}\n{\"n\":2}\n"}},"1-2":{"Return":{"ETag":"\"x\""}}}}}`)
	def := `{"StartAt":"M","States":{"M":{"Type":"Map",
		"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSONL"},"Parameters":{"Bucket":"b","Key":"k"}},
		"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":"p/"},
			"WriterConfig":{"Transformation":"FLATTEN","OutputType":"JSONL"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P",
			"States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
	arn := createMachine(t, c, "both", def, types.StateMachineTypeStandard)
	d := startAndWait(t, c, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn + "#Export")})
	var output struct {
		MapRunArn           string
		ResultWriterDetails struct{ Bucket, Key string }
	}
	_ = json.Unmarshal([]byte(aws.ToString(d.Output)), &output)
	if d.Status != types.ExecutionStatusSucceeded || output.ResultWriterDetails.Bucket != "out" ||
		!strings.HasPrefix(output.ResultWriterDetails.Key, "p/") || !strings.HasSuffix(output.ResultWriterDetails.Key, "/manifest.json") {
		t.Errorf("execution = %s %s %q, want SUCCEEDED with the manifest under p/ in out (the read mocked by invocation 0, "+
			"the two writes by 1-2)", d.Status, aws.ToString(d.Error), aws.ToString(d.Output))
	}
}

// TestWriterConfigOnTheWire checks that a ResultWriter with a WriterConfig
// alone flattens the state's result.
func TestWriterConfigOnTheWire(t *testing.T) {
	_, c := startServer(t)
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs",
		"ResultWriter":{"WriterConfig":{"Transformation":"FLATTEN","OutputType":"JSON"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P",
			"States":{"P":{"Type":"Pass","Parameters":{"pair.$":"States.Array($, $)"},"OutputPath":"$.pair","End":true}}},"End":true}}}`
	arn := createMachine(t, c, "flat", def, types.StateMachineTypeStandard)
	if d := startAndWait(t, c, &sfn.StartExecutionInput{StateMachineArn: &arn, Input: aws.String(`{"xs":[1,2]}`)}); d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.Output) != `[1,1,2,2]` {
		t.Errorf("execution = %s %s %q, want SUCCEEDED [1,1,2,2]", d.Status, aws.ToString(d.Error), aws.ToString(d.Output))
	}
}
