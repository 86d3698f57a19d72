package asl

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/polysync/stepfunctions/internal/sfnarn"
)

// A Distributed Map's ResultWriter exports the results of its child
// workflows to Amazon S3 instead of returning them, formatted as its
// WriterConfig says. As with the ItemReader (itemreader.go), this package
// makes no S3 call of its own: each object is written by a call to
// Options.Task (or Options.Invoke) named by the Map state and the Resource
// arn:aws:states:::s3:putObject, with the input {"Bucket", "Key", "Body"}
// (Body the object's text). When the Map Run succeeded, the results are
// written as AWS documents them: under <Prefix>/<Map Run id>/ (a "/" is
// added to a Prefix that lacks one), one file a status, SUCCEEDED_0.json
// and FAILED_0.json, for the statuses some child ended with, then
// manifest.json, {"DestinationBucket", "MapRunArn", "ResultFiles":
// {"FAILED": [{"Key", "Size"}], "PENDING": [], "SUCCEEDED": [...]}}. The
// state's result is then {"MapRunArn", "ResultWriterDetails": {"Bucket",
// "Key"}}, Key naming the manifest.
//
// WriterConfig's Transformation says what a succeeded child contributes:
// NONE (the default with a Resource) its entry {"ExecutionArn", "Input",
// "InputDetails", "Name", "Output", "OutputDetails", "StartDate",
// "StateMachineArn", "Status", "StopDate"}; COMPACT its output; FLATTEN its
// output, or the elements of an output that is an array. A failed child
// always contributes its entry, with "Error" and "Cause" instead of the
// output. OutputType JSON writes a file as a JSON array, JSONL as one value
// a line. A WriterConfig without a Resource exports nothing: the state's
// result is the transformed results (COMPACT by default), as a JSON array.
//
// UNCONFIRMED: the exact members of the entries (AWS also writes redrive
// fields, left out here), their date format (here RFC 3339 with
// milliseconds, UTC), the file names with OutputType JSONL (here still
// .json), whether AWS writes results of a Map Run that failed (here: no),
// and how it splits large files (here: never). OutputType JSONL without a
// Resource is refused when the definition is parsed. A child workflow run
// without a Map Run record (Options.MapRuns nil) has no ExecutionArn or
// Name. A failed putObject call fails the state with
// States.ResultWriterFailed.

// ErrResultWriterFailed is a Distributed Map whose ResultWriter could not
// write its results.
const ErrResultWriterFailed = "States.ResultWriterFailed"

// resultWriter is a Distributed Map's compiled ResultWriter.
type resultWriter struct {
	task           *taskState // the Resource (s3:putObject); nil without one
	args           resourceArgs
	transformation string // NONE, COMPACT or FLATTEN
	jsonLines      bool   // OutputType JSONL
}

// exports reports whether the writer writes to S3 (has a Resource). w may
// be nil.
func (w *resultWriter) exports() bool { return w != nil && w.task != nil }

// childRecord is how a child workflow of a Map Run ended, as a ResultWriter
// writes it.
type childRecord struct {
	arn            string
	start, stop    time.Time
	status         string
	input, output  []byte
	errName, cause string
}

// decodeResultWriter compiles a ResultWriter found at where: a WriterConfig,
// a Resource with its Parameters (Arguments), or both.
func (c *checker) decodeResultWriter(v any, where string) *resultWriter {
	obj, ok := c.object(v, "ResultWriter", where)
	if !ok {
		return nil
	}
	c.unknownFields(obj, fieldSet("Resource", "Parameters", "Arguments", "WriterConfig"), where)
	w := &resultWriter{args: c.lang.compileResourceArgs(c, obj, where), transformation: "NONE"}
	_, hasParams := obj["Parameters"]
	_, hasArgs := obj["Arguments"]
	res, hasRes := obj["Resource"]
	switch s, _ := res.(string); {
	case !hasRes && (hasParams || hasArgs):
		c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [Resource] when the ResultWriter has Parameters or Arguments")
	case !hasRes:
	case s3Action(s) != s3PutObject:
		c.problem(where+"/Resource", "SCHEMA_VALIDATION_FAILED: The ResultWriter's 'Resource' %s is not supported: it must be arn:aws:states:::s3:putObject", marshalString(res))
	case !hasParams && !hasArgs:
		c.problem(where, "SCHEMA_VALIDATION_FAILED: The ResultWriter's Resource needs Parameters (Arguments in JSONata) naming the Bucket")
	default:
		w.task = s3Task(s)
	}
	wc, hasConfig := obj["WriterConfig"]
	if !hasConfig {
		if !hasRes && !hasParams && !hasArgs {
			c.problem(where, "SCHEMA_VALIDATION_FAILED: 'ResultWriter' needs a WriterConfig, a Resource with its Parameters, or both")
		}
		return w
	}
	cfg, ok := c.object(wc, "WriterConfig", where+"/WriterConfig")
	if !ok {
		return w
	}
	c.unknownFields(cfg, fieldSet("Transformation", "OutputType"), where+"/WriterConfig")
	if !hasRes {
		w.transformation = "COMPACT"
	}
	if t, has := cfg["Transformation"]; has {
		switch name, _ := t.(string); name {
		case "NONE", "COMPACT", "FLATTEN":
			w.transformation = name
		default:
			c.problem(where+"/WriterConfig/Transformation", "SCHEMA_VALIDATION_FAILED: 'Transformation' must be NONE, COMPACT or FLATTEN")
		}
	}
	if o, has := cfg["OutputType"]; has {
		switch name, _ := o.(string); name {
		case "JSON":
		case "JSONL":
			w.jsonLines = true
			if !hasRes {
				c.problem(where+"/WriterConfig/OutputType", "SCHEMA_VALIDATION_FAILED: 'OutputType' JSONL without a Resource is not supported by this endpoint (the state's result is a JSON array)")
			}
		default:
			c.problem(where+"/WriterConfig/OutputType", "SCHEMA_VALIDATION_FAILED: 'OutputType' must be JSON or JSONL")
		}
	}
	return w
}

// unrecordedMapRunARN makes the ARN of a Map Run that no MapRuns records,
// from the execution's state machine ARN (or one of its versions or
// aliases), for a ResultWriter to name.
func unrecordedMapRunARN(ec ExecutionContext, label string) string {
	id := uuid.NewString()
	sm, err := sfnarn.Parse(ec.StateMachineID)
	if err != nil {
		return "arn:aws:states:::mapRun:" + label + ":" + id
	}
	run := sm.Related(sfnarn.MapRun, label)
	run.Name = id
	return run.String()
}

// writeResults writes the results of a Map Run's children through the
// state's ResultWriter and returns the state's result: what AWS returns
// after an export, or without a Resource the transformed results.
func (r *stateRun) writeResults(ctx context.Context, eff any, runARN string, children []childRecord) (any, *stateError) {
	w := r.st.mapState.distributed.writer
	smARN := r.th.ex.opts.Context.StateMachineID
	if w.task == nil {
		return w.transform(children, smARN), nil
	}
	args, err := w.args.args(eff, r.ctx())
	if err != nil {
		return nil, err
	}
	bucketV, _ := field(args, "Bucket")
	bucket, ok := bucketV.(string)
	if !ok || bucket == "" {
		return nil, newError(ErrResultWriterFailed, "The ResultWriter's parameters must name the Bucket as a string, but are %s", truncate(marshalString(args)))
	}
	prefixV, hasPrefix := field(args, "Prefix")
	prefix, ok := prefixV.(string)
	if hasPrefix && !ok {
		return nil, newError(ErrResultWriterFailed, "The ResultWriter's Prefix must be a string, but is %s", truncate(marshalString(prefixV)))
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	dir := prefix + runARN[strings.LastIndexByte(runARN, ':')+1:] + "/"
	files := newObject(3)
	for _, status := range []string{StatusFailed, "PENDING", StatusSucceeded} {
		var same []childRecord
		for _, ch := range children {
			if ch.status == status {
				same = append(same, ch)
			}
		}
		list := []any{}
		if len(same) > 0 {
			key := dir + status + "_0.json"
			body := w.format(w.transform(same, smARN))
			if err := r.putObject(ctx, w, bucket, key, body); err != nil {
				return nil, err
			}
			list = append(list, objectOf("Key", key, "Size", int64(len(body))))
		}
		files.set(status, list)
	}
	manifest := objectOf("DestinationBucket", bucket, "MapRunArn", runARN, "ResultFiles", files)
	key := dir + "manifest.json"
	if err := r.putObject(ctx, w, bucket, key, string(marshal(manifest))); err != nil {
		return nil, err
	}
	return objectOf("MapRunArn", runARN, "ResultWriterDetails", objectOf("Bucket", bucket, "Key", key)), nil
}

// transform returns what the children contribute to the results, in order,
// as the writer's Transformation says.
func (w *resultWriter) transform(children []childRecord, smARN string) []any {
	out := make([]any, 0, len(children))
	for _, ch := range children {
		if ch.status != StatusSucceeded || w.transformation == "NONE" {
			out = append(out, ch.entry(smARN))
			continue
		}
		v, err := parseJSON(ch.output)
		if err != nil {
			v = nil // cannot happen: the output was marshalled by this package
		}
		if a, isArray := v.([]any); isArray && w.transformation == "FLATTEN" {
			out = append(out, a...)
			continue
		}
		out = append(out, v)
	}
	return out
}

// format returns the text of a result file holding results.
func (w *resultWriter) format(results []any) string {
	if !w.jsonLines {
		return string(marshal(results))
	}
	var b strings.Builder
	for _, v := range results {
		b.Write(marshal(v))
		b.WriteByte('\n')
	}
	return b.String()
}

// putObject writes one object through the ResultWriter.
func (r *stateRun) putObject(ctx context.Context, w *resultWriter, bucket, key, body string) *stateError {
	_, err := r.callS3(ctx, w.task, objectOf("Bucket", bucket, "Key", key, "Body", body))
	if err == nil || err.abort {
		return err
	}
	return newError(ErrResultWriterFailed, "The ResultWriter's putObject call for %s failed with %s: %s", key, err.Name, err.Cause)
}

// resultDateLayout is how result files write dates (UNCONFIRMED).
const resultDateLayout = "2006-01-02T15:04:05.000Z"

// entry is the child's entry in a result file.
func (ch childRecord) entry(smARN string) any {
	e := newObject(12)
	if ch.arn != "" {
		e.set("ExecutionArn", ch.arn)
	}
	e.set("Input", string(ch.input))
	e.set("InputDetails", objectOf("Included", true))
	if ch.arn != "" {
		e.set("Name", ch.arn[strings.LastIndexByte(ch.arn, ':')+1:])
	}
	if ch.status == StatusSucceeded {
		e.set("Output", string(ch.output))
		e.set("OutputDetails", objectOf("Included", true))
	} else {
		e.set("Error", ch.errName)
		e.set("Cause", ch.cause)
	}
	e.set("StartDate", ch.start.UTC().Format(resultDateLayout))
	e.set("StateMachineArn", smARN)
	e.set("Status", ch.status)
	e.set("StopDate", ch.stop.UTC().Format(resultDateLayout))
	return e
}
