package asl

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// s3Calls is a TaskRunner that answers the S3 calls of Distributed Maps from
// per-resource functions and keeps every call, in order.
type s3Calls struct {
	mu    sync.Mutex
	calls []TaskCall
	fns   map[string]taskFunc // by action: getObject, listObjectsV2, putObject, or a Task resource
}

func (s *s3Calls) run(ctx context.Context, call *TaskCall) (json.RawMessage, error) {
	s.mu.Lock()
	s.calls = append(s.calls, TaskCall{State: call.State, Resource: call.Resource, Input: call.Input})
	s.mu.Unlock()
	key := call.Resource
	if a := s3Action(key); a != "" {
		key = a
	}
	fn := s.fns[key]
	if fn == nil {
		return nil, &namedError{name: "States.TaskFailed", cause: "no function for " + call.Resource}
	}
	return fn(ctx, call.Input)
}

// of returns the calls made to resource.
func (s *s3Calls) of(resource string) []TaskCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []TaskCall
	for _, c := range s.calls {
		if c.Resource == resource {
			out = append(out, c)
		}
	}
	return out
}

// body answers a getObject call with {"Body": text}.
func body(text string) taskFunc {
	out, _ := json.Marshal(map[string]string{"Body": text})
	return constant(string(out))
}

// readerDef is a Distributed Map "M" with the given ItemReader fields (and
// any others) spliced in, whose children echo their input.
func readerDef(fields string) string {
	return `{"StartAt":"M","States":{"M":{"Type":"Map",` + fields + `,
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P",
			"States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
}

func runWith(t *testing.T, def, input string, s *s3Calls) Result {
	t.Helper()
	return mustParse(t, def).Run(context.Background(), json.RawMessage(input), Options{Clock: newFakeClock(time.Hour),
		Invoke: tasks(nil), Task: s.run, Context: testContext(), MapRuns: &recordedMapRuns{}})
}

func TestItemReaderGetObject(t *testing.T) {
	for _, tt := range []struct {
		name, reader, input, body, want string
	}{
		{"JSON array", `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},
			"Parameters":{"Bucket.$":"$.bucket","Key":"items.json"}}`, `{"bucket":"b1"}`,
			`[{"a":1},2,"three"]`, `[{"a":1},2,"three"]`},
		{"JSON with MaxItems", `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON","MaxItems":2},
			"Parameters":{"Bucket.$":"$.bucket","Key":"items.json"}}`, `{"bucket":"b1"}`, `[1,2,3]`, `[1,2]`},
		{"JSON with MaxItemsPath", `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON","MaxItemsPath":"$.max"},
			"Parameters":{"Bucket.$":"$.bucket","Key":"items.json"}}`, `{"bucket":"b1","max":1}`, `[1,2,3]`, `[1]`},
		{"JSONL skips blank lines", `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSONL"},
			"Parameters":{"Bucket":"b1","Key":"items.jsonl"}}`, `{}`, "{\"a\":1}\n\n[2]\r\n\"s\"\n", `[{"a":1},[2],"s"]`},
		{"CSV first row: short rows get empty strings, long rows lose fields", `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject",
			"ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"},"Parameters":{"Bucket":"b1","Key":"r.csv"}}`, `{}`,
			"id,name,note\n1,\"Smith, J\",\"said \"\"hi\"\"\"\n2,Lee\n3,Kim,x,extra\n",
			`[{"id":"1","name":"Smith, J","note":"said \"hi\""},{"id":"2","name":"Lee","note":""},{"id":"3","name":"Kim","note":"x"}]`},
		{"CSV given headers, pipe, MaxItems", `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject",
			"ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"GIVEN","CSVHeaders":["k","v"],"CSVDelimiter":"PIPE","MaxItems":2},
			"Parameters":{"Bucket":"b1","Key":"r.csv"}}`, `{}`, "a|1\nb|2\nc|3\n", `[{"k":"a","v":"1"},{"k":"b","v":"2"}]`},
		{"CSV tab", `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject",
			"ReaderConfig":{"InputType":"CSV","CSVDelimiter":"TAB"},"Parameters":{"Bucket":"b1","Key":"r.tsv"}}`, `{}`,
			"x\ty\n1,5\t2\n", `[{"x":"1,5","y":"2"}]`},
		{"empty CSV", `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject",
			"ReaderConfig":{"InputType":"CSV"},"Parameters":{"Bucket":"b1","Key":"r.csv"}}`, `{}`, "", `[]`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &s3Calls{fns: map[string]taskFunc{s3GetObject: body(tt.body)}}
			res := runWith(t, readerDef(tt.reader), tt.input, s)
			if res.Status != StatusSucceeded {
				t.Fatalf("Run = %s %s (%s), want SUCCEEDED", res.Status, res.Error, res.Cause)
			}
			if !jsonEqual(t, string(res.Output), tt.want) {
				t.Errorf("output = %s, want %s", res.Output, tt.want)
			}
			calls := s.of("arn:aws:states:::s3:getObject")
			if len(calls) != 1 || calls[0].State != "M" {
				t.Fatalf("getObject calls = %+v, want one named by the Map state M", calls)
			}
			var params map[string]any
			_ = json.Unmarshal(calls[0].Input, &params)
			if params["Bucket"] != "b1" || params["Key"] == nil {
				t.Errorf("getObject input = %s, want the resolved Bucket b1 and the Key", calls[0].Input)
			}
		})
	}
}

func TestItemReaderListObjects(t *testing.T) {
	var mu sync.Mutex
	pages := map[string]string{
		"": `{"Contents":[{"ETag":"\"e1\"","Key":"in/a","LastModified":"2024-01-02T03:04:05Z","Size":10,"StorageClass":"STANDARD"}],
			"IsTruncated":true,"NextContinuationToken":"t2"}`,
		"t2": `{"Contents":[{"ETag":"\"e2\"","Key":"in/b","LastModified":1700000000,"Size":20,"StorageClass":"GLACIER"},
			{"ETag":"\"e3\"","Key":"in/c","LastModified":1700000001,"Size":30,"StorageClass":"STANDARD"}],"IsTruncated":false}`,
	}
	var tokens []string
	list := func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		var p struct{ Bucket, Prefix, ContinuationToken string }
		if err := json.Unmarshal(in, &p); err != nil || p.Bucket != "b" || p.Prefix != "in/" {
			return nil, errors.New("bad parameters " + string(in))
		}
		mu.Lock()
		tokens = append(tokens, p.ContinuationToken)
		mu.Unlock()
		return json.RawMessage(pages[p.ContinuationToken]), nil
	}
	for _, tt := range []struct {
		name, config, want string
		wantTokens         []string
	}{
		{"all pages", ``, `[{"Etag":"\"e1\"","Key":"in/a","LastModified":1704164645,"Size":10,"StorageClass":"STANDARD"},
			{"Etag":"\"e2\"","Key":"in/b","LastModified":1700000000,"Size":20,"StorageClass":"GLACIER"},
			{"Etag":"\"e3\"","Key":"in/c","LastModified":1700000001,"Size":30,"StorageClass":"STANDARD"}]`, []string{"", "t2"}},
		{"MaxItems stops the listing", `,"ReaderConfig":{"MaxItems":1}`,
			`[{"Etag":"\"e1\"","Key":"in/a","LastModified":1704164645,"Size":10,"StorageClass":"STANDARD"}]`, []string{""}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tokens = nil
			s := &s3Calls{fns: map[string]taskFunc{s3ListObjectsV2: list}}
			def := readerDef(`"ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"b","Prefix":"in/"}` + tt.config + `}`)
			res := runWith(t, def, `{}`, s)
			if res.Status != StatusSucceeded {
				t.Fatalf("Run = %s %s (%s), want SUCCEEDED", res.Status, res.Error, res.Cause)
			}
			if !jsonEqual(t, string(res.Output), tt.want) {
				t.Errorf("output = %s, want %s", res.Output, tt.want)
			}
			if strings.Join(tokens, ",") != strings.Join(tt.wantTokens, ",") {
				t.Errorf("continuation tokens = %q, want %q", tokens, tt.wantTokens)
			}
		})
	}
}

func TestItemReaderFailures(t *testing.T) {
	getJSON := `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"b","Key":"k"}}`
	for _, tt := range []struct {
		name, fields string
		get          taskFunc
		wantError    string
		wantCause    string
	}{
		{"the call fails", getJSON, failing("S3.NoSuchKey", "The specified key does not exist."), ErrItemReaderFailed, "S3.NoSuchKey"},
		{"no Body", getJSON, constant(`{"ContentType":"text/plain"}`), ErrItemReaderFailed, "no string Body"},
		{"not an array", getJSON, body(`{"a":1}`), ErrItemReaderFailed, "not a JSON array"},
		{"bad JSON line", strings.Replace(getJSON, `"JSON"`, `"JSONL"`, 1), body("1\n{\n"), ErrItemReaderFailed, "line 2"},
		{"bad CSV", strings.Replace(getJSON, `"JSON"`, `"CSV"`, 1), body("a,b\n\"x,1\n"), ErrItemReaderFailed, "CSV"},
		{"CSV header over 10 KiB", strings.Replace(getJSON, `"JSON"`, `"CSV"`, 1), body(strings.Repeat("h", 10241) + "\n1\n"),
			ErrItemReaderFailed, "larger than 10240 bytes"},
		{"MaxItemsPath not an integer", strings.Replace(getJSON, `"JSON"`, `"JSON","MaxItemsPath":"$.n"`, 1), body(`[1]`), ErrRuntime,
			`The MaxItemsPath field refers to value "x"`},
		{"caught", getJSON + `,"Catch":[{"ErrorEquals":["States.ItemReaderFailed"],"Next":"Caught"}]`, failing("X", "y"), "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &s3Calls{fns: map[string]taskFunc{s3GetObject: tt.get}}
			def := readerDef(tt.fields)
			if tt.wantError == "" {
				i := strings.LastIndex(def, `"End":true}}}`)
				def = def[:i] + `"Next":"Caught"},"Caught":{"Type":"Succeed"}}}`
			}
			res := runWith(t, def, `{"n":"x"}`, s)
			if tt.wantError == "" {
				if res.Status != StatusSucceeded {
					t.Errorf("Run = %s %s, want the catcher to catch States.ItemReaderFailed", res.Status, res.Error)
				}
				return
			}
			if res.Status != StatusFailed || res.Error != tt.wantError || !strings.Contains(res.Cause, tt.wantCause) {
				t.Errorf("Run = %s %s (%s), want FAILED %s with a cause naming %q", res.Status, res.Error, res.Cause, tt.wantError, tt.wantCause)
			}
		})
	}
}

func TestToleratedFailurePaths(t *testing.T) {
	for _, tt := range []struct {
		name, extra, input, wantStatus, wantError string
	}{
		{"count from the input", `"ToleratedFailureCountPath":"$.tol",`, `{"xs":[1,2],"tol":1}`, StatusSucceeded, ""},
		{"count exceeded", `"ToleratedFailureCountPath":"$.tol",`, `{"xs":[1,3],"tol":1}`, StatusFailed, errToleratedFailure},
		{"percentage from the input", `"ToleratedFailurePercentagePath":"$.pct",`, `{"xs":[1,2],"pct":50}`, StatusSucceeded, ""},
		{"negative count", `"ToleratedFailureCountPath":"$.tol",`, `{"xs":[2],"tol":-1}`, StatusFailed, ErrRuntime},
		{"percentage over 100", `"ToleratedFailurePercentagePath":"$.pct",`, `{"xs":[2],"pct":101}`, StatusFailed, ErrRuntime},
		{"missing path", `"ToleratedFailureCountPath":"$.none",`, `{"xs":[2]}`, StatusFailed, ErrRuntime},
	} {
		t.Run(tt.name, func(t *testing.T) {
			runs := &recordedMapRuns{}
			res := mustParse(t, distributedDef(tt.extra)).Run(context.Background(), json.RawMessage(tt.input),
				Options{Clock: newFakeClock(time.Hour), Invoke: tasks(checkTask), Context: testContext(), MapRuns: runs})
			if res.Status != tt.wantStatus || res.Error != tt.wantError {
				t.Fatalf("Run = %s %q (%q), want %s %q", res.Status, res.Error, res.Cause, tt.wantStatus, tt.wantError)
			}
			if tt.name == "count from the input" && (len(runs.starts) != 1 || runs.starts[0].ToleratedFailureCount != 1) {
				t.Errorf("Map Runs started = %+v, want ToleratedFailureCount 1 from the input", runs.starts)
			}
		})
	}
}

func TestItemReaderJSONata(t *testing.T) {
	def := `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map",
		"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON","MaxItems":"{% $states.input.max %}"},
			"Arguments":{"Bucket":"{% $states.input.bucket %}","Key":"{% 'data/' & $states.input.file %}"}},
		"ToleratedFailureCount":"{% $states.input.tol %}",
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P",
			"States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
	s := &s3Calls{fns: map[string]taskFunc{s3GetObject: body(`[1,2,3]`)}}
	runs := &recordedMapRuns{}
	res := mustParse(t, def).Run(context.Background(), json.RawMessage(`{"bucket":"bk","file":"f.json","max":2,"tol":3}`),
		Options{Clock: newFakeClock(time.Hour), Invoke: tasks(nil), Task: s.run, Context: testContext(), MapRuns: runs})
	if res.Status != StatusSucceeded || !jsonEqual(t, string(res.Output), `[1,2]`) {
		t.Fatalf("Run = %s %s (%s) %s, want SUCCEEDED [1,2]", res.Status, res.Error, res.Cause, res.Output)
	}
	calls := s.of("arn:aws:states:::s3:getObject")
	if len(calls) != 1 || !jsonEqual(t, string(calls[0].Input), `{"Bucket":"bk","Key":"data/f.json"}`) {
		t.Errorf("getObject calls = %+v, want one with the evaluated Arguments", calls)
	}
	if len(runs.starts) != 1 || runs.starts[0].ToleratedFailureCount != 3 {
		t.Errorf("Map Runs started = %+v, want ToleratedFailureCount 3 from the expression", runs.starts)
	}
}

func TestResultWriter(t *testing.T) {
	def := distributedDef(`"Label":"items","ResultWriter":{"Resource":"arn:aws:states:::s3:putObject",
		"Parameters":{"Bucket":"out","Prefix.$":"$.prefix"}},"ToleratedFailureCount":1,`)
	var mu sync.Mutex
	puts := map[string]string{}
	var order []string
	put := func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		var p struct{ Bucket, Key, Body string }
		if err := json.Unmarshal(in, &p); err != nil || p.Bucket != "out" {
			return nil, errors.New("bad putObject input " + string(in))
		}
		mu.Lock()
		defer mu.Unlock()
		puts[p.Key] = p.Body
		order = append(order, p.Key)
		return json.RawMessage(`{"ETag":"\"x\""}`), nil
	}
	s := &s3Calls{fns: map[string]taskFunc{s3PutObject: put, "check": checkTask["check"]}}
	runs := &recordedMapRuns{}
	res := mustParse(t, def).Run(context.Background(), json.RawMessage(`{"xs":[2,3],"prefix":"runs"}`),
		Options{Clock: newFakeClock(time.Hour), Invoke: tasks(nil), Task: s.run, Context: testContext(), MapRuns: runs})
	if res.Status != StatusSucceeded {
		t.Fatalf("Run = %s %s (%s), want SUCCEEDED", res.Status, res.Error, res.Cause)
	}
	const dir = "runs/1/" // the recorded Map Run's ARN ends in ":1"
	want := `{"MapRunArn":"arn:aws:states:us-east-1:123456789012:mapRun:Machine/items:1",
		"ResultWriterDetails":{"Bucket":"out","Key":"` + dir + `manifest.json"}}`
	if !jsonEqual(t, string(res.Output), want) {
		t.Errorf("output = %s, want %s", res.Output, want)
	}
	if got := strings.Join(order, " "); got != dir+"FAILED_0.json "+dir+"SUCCEEDED_0.json "+dir+"manifest.json" {
		t.Errorf("objects written = %s, want FAILED_0.json, SUCCEEDED_0.json, then manifest.json under %s", got, dir)
	}
	var succeeded, failed []map[string]any
	if err := json.Unmarshal([]byte(puts[dir+"SUCCEEDED_0.json"]), &succeeded); err != nil || len(succeeded) != 1 {
		t.Fatalf("SUCCEEDED_0.json = %s, want an array of one entry", puts[dir+"SUCCEEDED_0.json"])
	}
	e := succeeded[0]
	if e["Status"] != StatusSucceeded || e["Input"] != "2" || e["Output"] != "2" ||
		e["ExecutionArn"] != "arn:aws:states:us-east-1:123456789012:execution:Machine/items:child-0" || e["Name"] != "child-0" ||
		e["StateMachineArn"] != testContext().StateMachineID || e["StartDate"] == nil || e["StopDate"] == nil {
		t.Errorf("succeeded entry = %v, want child 0's input, output, ARN, name and dates", e)
	}
	if err := json.Unmarshal([]byte(puts[dir+"FAILED_0.json"]), &failed); err != nil || len(failed) != 1 ||
		failed[0]["Error"] != "Odd" || failed[0]["Cause"] != "odd item" || failed[0]["Status"] != StatusFailed || failed[0]["Output"] != nil {
		t.Errorf("FAILED_0.json = %s, want child 1's error and cause, and no output", puts[dir+"FAILED_0.json"])
	}
	wantManifest := `{"DestinationBucket":"out","MapRunArn":"arn:aws:states:us-east-1:123456789012:mapRun:Machine/items:1",
		"ResultFiles":{"FAILED":[{"Key":"` + dir + `FAILED_0.json","Size":` + strconv.Itoa(len(puts[dir+"FAILED_0.json"])) + `}],"PENDING":[],
		"SUCCEEDED":[{"Key":"` + dir + `SUCCEEDED_0.json","Size":` + strconv.Itoa(len(puts[dir+"SUCCEEDED_0.json"])) + `}]}}`
	if !jsonEqual(t, puts[dir+"manifest.json"], wantManifest) {
		t.Errorf("manifest.json = %s, want %s", puts[dir+"manifest.json"], wantManifest)
	}
	for _, c := range s.of("arn:aws:states:::s3:putObject") {
		if c.State != "M" {
			t.Errorf("putObject call named state %q, want the Map state M", c.State)
		}
	}
}

// TestWriterConfig checks the transformations: of the state's result
// without a Resource, and of the files written with one.
func TestWriterConfig(t *testing.T) {
	pairs := map[string]taskFunc{"pair": func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		var n int
		if json.Unmarshal(in, &n) == nil && n%2 != 0 {
			return nil, &namedError{name: "Odd", cause: "odd item"}
		}
		return json.RawMessage("[" + string(in) + "," + string(in) + "]"), nil
	}}
	def := func(writer string) string {
		return `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs","ToleratedFailureCount":5,"ResultWriter":` + writer + `,
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"T",
			"States":{"T":{"Type":"Task","Resource":"pair","End":true}}},"End":true}}}`
	}
	for _, tt := range []struct {
		name, writer, want string
	}{
		{"FLATTEN spreads array outputs", `{"WriterConfig":{"Transformation":"FLATTEN","OutputType":"JSON"}}`, `[2,2,4,4]`},
		{"COMPACT keeps them", `{"WriterConfig":{"Transformation":"COMPACT"}}`, `[[2,2],[4,4]]`},
		{"COMPACT is the default without a Resource", `{"WriterConfig":{}}`, `[[2,2],[4,4]]`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := mustParse(t, def(tt.writer)).Run(context.Background(), json.RawMessage(`{"xs":[2,4]}`),
				Options{Clock: newFakeClock(time.Hour), Invoke: tasks(pairs), Context: testContext()})
			if res.Status != StatusSucceeded || !jsonEqual(t, string(res.Output), tt.want) {
				t.Errorf("Run = %s %s (%s) %s, want SUCCEEDED %s", res.Status, res.Error, res.Cause, res.Output, tt.want)
			}
		})
	}
	t.Run("a failed child keeps its entry", func(t *testing.T) {
		res := mustParse(t, def(`{"WriterConfig":{"Transformation":"FLATTEN"}}`)).Run(context.Background(), json.RawMessage(`{"xs":[2,3]}`),
			Options{Clock: newFakeClock(time.Hour), Invoke: tasks(pairs), Context: testContext()})
		var out []any
		_ = json.Unmarshal(res.Output, &out)
		entry, _ := out[len(out)-1].(map[string]any)
		if res.Status != StatusSucceeded || len(out) != 3 || entry["Status"] != StatusFailed || entry["Error"] != "Odd" || entry["Input"] != "3" {
			t.Errorf("Run = %s %s, want [2,2,<the failed child's entry with its Error and Input>]", res.Status, res.Output)
		}
	})
	t.Run("JSONL files with a Resource", func(t *testing.T) {
		var mu sync.Mutex
		puts := map[string]string{}
		s := &s3Calls{fns: map[string]taskFunc{"pair": pairs["pair"], s3PutObject: func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
			var p struct{ Key, Body string }
			_ = json.Unmarshal(in, &p)
			mu.Lock()
			defer mu.Unlock()
			puts[p.Key[strings.LastIndexByte(p.Key, '/')+1:]] = p.Body
			return nil, nil
		}}}
		writer := `{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"b"},"WriterConfig":{"Transformation":"COMPACT","OutputType":"JSONL"}}`
		res := mustParse(t, def(writer)).Run(context.Background(), json.RawMessage(`{"xs":[2,3,4]}`),
			Options{Clock: newFakeClock(time.Hour), Invoke: tasks(nil), Task: s.run, Context: testContext()})
		if res.Status != StatusSucceeded || !strings.Contains(string(res.Output), `"ResultWriterDetails"`) {
			t.Fatalf("Run = %s %s (%s) %s, want SUCCEEDED with the ResultWriterDetails", res.Status, res.Error, res.Cause, res.Output)
		}
		if got := puts["SUCCEEDED_0.json"]; got != "[2,2]\n[4,4]\n" {
			t.Errorf("SUCCEEDED_0.json = %q, want the compact outputs as JSON Lines", got)
		}
		if got := puts["FAILED_0.json"]; strings.Count(got, "\n") != 1 || !strings.Contains(got, `"Error":"Odd"`) {
			t.Errorf("FAILED_0.json = %q, want one line: the failed child's entry", got)
		}
	})
}

func TestResultWriterFailure(t *testing.T) {
	def := distributedDef(`"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out"}},`)
	s := &s3Calls{fns: map[string]taskFunc{s3PutObject: failing("S3.AccessDenied", "denied"), "check": checkTask["check"]}}
	res := mustParse(t, def).Run(context.Background(), json.RawMessage(`{"xs":[2]}`),
		Options{Clock: newFakeClock(time.Hour), Invoke: tasks(nil), Task: s.run, Context: testContext()})
	if res.Status != StatusFailed || res.Error != ErrResultWriterFailed || !strings.Contains(res.Cause, "S3.AccessDenied") {
		t.Errorf("Run = %s %s (%s), want FAILED %s naming S3.AccessDenied", res.Status, res.Error, res.Cause, ErrResultWriterFailed)
	}
	// Without a MapRuns record, the Map Run ARN is made from the state machine's.
	calls := s.of("arn:aws:states:::s3:putObject")
	if len(calls) != 1 || !strings.Contains(string(calls[0].Input), `"Key":"`) || strings.Contains(string(calls[0].Input), `"Key":"/`) {
		t.Errorf("putObject calls = %+v, want one, keyed by the Map Run id without a leading slash", calls)
	}
}

func TestDistributedReaderWriterProblems(t *testing.T) {
	dm := func(lang, fields string) string {
		return `{` + lang + `"StartAt":"M","States":{"M":{"Type":"Map",` + fields + `,
			"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P",
			"States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
	}
	get := `"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket":"b","Key":"k"}`
	for _, tt := range []struct {
		name, def, want string
	}{
		{"manifest", dm("", `"ItemReader":{`+get+`,"ReaderConfig":{"InputType":"MANIFEST"}}`),
			"SCHEMA_VALIDATION_FAILED: ReaderConfig 'InputType' MANIFEST is not supported by this endpoint"},
		{"parquet", dm("", `"ItemReader":{`+get+`,"ReaderConfig":{"InputType":"PARQUET"}}`),
			"SCHEMA_VALIDATION_FAILED: ReaderConfig 'InputType' PARQUET is not supported by this endpoint"},
		{"unknown input type", dm("", `"ItemReader":{`+get+`,"ReaderConfig":{"InputType":"XML"}}`),
			"SCHEMA_VALIDATION_FAILED: 'InputType' must be one of"},
		{"getObject without InputType", dm("", `"ItemReader":{`+get+`}`), "SCHEMA_VALIDATION_FAILED: These fields are required: [InputType]"},
		{"other resource", dm("", `"ItemReader":{"Resource":"arn:aws:states:::dynamodb:scan","ReaderConfig":{"InputType":"JSON"}}`),
			"SCHEMA_VALIDATION_FAILED: The ItemReader's 'Resource' \"arn:aws:states:::dynamodb:scan\" is not supported by this endpoint"},
		{"headers without GIVEN", dm("", `"ItemReader":{`+get+`,"ReaderConfig":{"InputType":"CSV","CSVHeaders":["a"]}}`),
			"SCHEMA_VALIDATION_FAILED: 'CSVHeaders' is only allowed when 'CSVHeaderLocation' is GIVEN"},
		{"GIVEN without headers", dm("", `"ItemReader":{`+get+`,"ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"GIVEN"}}`),
			"SCHEMA_VALIDATION_FAILED: 'CSVHeaders' must be a non-empty array of strings"},
		{"CSV fields on JSON", dm("", `"ItemReader":{`+get+`,"ReaderConfig":{"InputType":"JSON","CSVDelimiter":"PIPE"}}`),
			"SCHEMA_VALIDATION_FAILED: The field 'CSVDelimiter' is only allowed when 'InputType' is CSV"},
		{"bad delimiter", dm("", `"ItemReader":{`+get+`,"ReaderConfig":{"InputType":"CSV","CSVDelimiter":"COLON"}}`),
			"SCHEMA_VALIDATION_FAILED: 'CSVDelimiter' must be one of"},
		{"MaxItems too large", dm("", `"ItemReader":{`+get+`,"ReaderConfig":{"InputType":"JSON","MaxItems":100000001}}`),
			"SCHEMA_VALIDATION_FAILED: 'MaxItems' must be an integer from 0 to 100000000"},
		{"ItemsPath with ItemReader", dm("", `"ItemsPath":"$.x","ItemReader":{`+get+`,"ReaderConfig":{"InputType":"JSON"}}`),
			"SCHEMA_VALIDATION_FAILED: The field 'ItemsPath' cannot be used with 'ItemReader'"},
		{"Arguments in JSONPath", dm("", `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Arguments":{},"ReaderConfig":{"InputType":"JSON"}}`),
			"SCHEMA_VALIDATION_FAILED: The field 'Arguments' is not supported in JSONPath"},
		{"Parameters in JSONata", dm(`"QueryLanguage":"JSONata",`, `"ItemReader":{`+get+`,"ReaderConfig":{"InputType":"JSON"}}`),
			"SCHEMA_VALIDATION_FAILED: The field 'Parameters' is not supported in JSONata"},
		{"MaxItemsPath in JSONata", dm(`"QueryLanguage":"JSONata",`,
			`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON","MaxItemsPath":"$.n"}}`),
			"SCHEMA_VALIDATION_FAILED: The field 'MaxItemsPath' is not supported in JSONata"},
		{"tolerated count path in JSONata", dm(`"QueryLanguage":"JSONata",`, `"ToleratedFailureCountPath":"$.n"`),
			"SCHEMA_VALIDATION_FAILED: The field 'ToleratedFailureCountPath' is not supported in JSONata"},
		{"count and its path", dm("", `"ToleratedFailureCount":1,"ToleratedFailureCountPath":"$.n"`),
			"SCHEMA_VALIDATION_FAILED: Only one of 'ToleratedFailureCount' or 'ToleratedFailureCountPath' may be set"},
		{"empty ResultWriter", dm("", `"ResultWriter":{}`),
			"SCHEMA_VALIDATION_FAILED: 'ResultWriter' needs a WriterConfig, a Resource with its Parameters, or both"},
		{"Parameters without Resource", dm("", `"ResultWriter":{"Parameters":{"Bucket":"b"}}`),
			"SCHEMA_VALIDATION_FAILED: These fields are required: [Resource] when the ResultWriter has Parameters or Arguments"},
		{"Resource without Parameters", dm("", `"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject"}`),
			"SCHEMA_VALIDATION_FAILED: The ResultWriter's Resource needs Parameters"},
		{"bad Transformation", dm("", `"ResultWriter":{"WriterConfig":{"Transformation":"SQUASH"}}`),
			"SCHEMA_VALIDATION_FAILED: 'Transformation' must be NONE, COMPACT or FLATTEN"},
		{"JSONL without Resource", dm("", `"ResultWriter":{"WriterConfig":{"OutputType":"JSONL"}}`),
			"SCHEMA_VALIDATION_FAILED: 'OutputType' JSONL without a Resource is not supported by this endpoint"},
		{"writer resource", dm("", `"ResultWriter":{"Resource":"arn:aws:states:::s3:getObject","Parameters":{"Bucket":"b"}}`),
			"SCHEMA_VALIDATION_FAILED: The ResultWriter's 'Resource' \"arn:aws:states:::s3:getObject\" is not supported"},
		{"reader on an inline Map", strings.Replace(dm("", `"ItemReader":{`+get+`,"ReaderConfig":{"InputType":"JSON"}}`),
			`"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},`, "", 1),
			"SCHEMA_VALIDATION_FAILED: The field 'ItemReader' is only allowed when ProcessorConfig Mode is DISTRIBUTED"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.def)
			var de *DefinitionError
			if !errors.As(err, &de) || len(de.Problems) != 1 || !strings.HasPrefix(de.Problems[0], tt.want) {
				t.Errorf("Parse = %v, want one problem starting %q", err, tt.want)
			}
		})
	}
}

// FuzzReadObject checks that reading any object text as CSV or JSON Lines
// never panics, that a CSV item has exactly the given header's members and
// that MaxItems bounds the items.
func FuzzReadObject(f *testing.F) {
	f.Add("id,name\n1,\"a, b\"\n2\n3,x,y\n", 2)
	f.Add("{\"a\":1}\n\n[2]\r\n", 0)
	f.Add("a|\"unterminated\n", 1)
	f.Fuzz(func(t *testing.T, text string, max int) {
		if max < 0 || max > 1000 {
			return
		}
		headers := []string{"h1", "h2"}
		items, err := csvItems(text, ',', headers, max)
		if err == nil {
			for _, it := range items {
				if o, ok := asObject(it); !ok || o.len() != len(headers) {
					t.Fatalf("csvItems(%q) item %v, want an object of %d members", text, it, len(headers))
				}
			}
			if max > 0 && len(items) > max {
				t.Fatalf("csvItems(%q, max %d) = %d items", text, max, len(items))
			}
		}
		_, _ = csvItems(text, '\t', nil, max) // the first row as header: must not panic
		lines, err := jsonLinesItems(text, max)
		if err == nil && max > 0 && len(lines) > max {
			t.Fatalf("jsonLinesItems(%q, max %d) = %d items", text, max, len(lines))
		}
	})
}
