package asl

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
)

// A Distributed Map's ResultWriter exports the results of its child
// workflows to Amazon S3 instead of returning them. As with the ItemReader
// (itemreader.go), this package makes no S3 call of its own: each object
// is written by a call to Options.Task (or Options.Invoke) named by the Map
// state and the Resource arn:aws:states:::s3:putObject, with the input
// {"Bucket", "Key", "Body"} (Body the object's text). When the Map Run
// succeeded, the results are written as AWS documents them: under
// <Prefix>/<Map Run id>/ (a "/" is added to a Prefix that lacks one), one
// file a status, SUCCEEDED_0.json and FAILED_0.json, for the statuses some
// child ended with, each a JSON array of
// {"ExecutionArn", "Input", "InputDetails", "Name", "Output" (or "Error"
// and "Cause"), "OutputDetails", "StartDate", "StateMachineArn", "Status",
// "StopDate"}, then manifest.json, {"DestinationBucket", "MapRunArn",
// "ResultFiles": {"FAILED": [{"Key", "Size"}], "PENDING": [],
// "SUCCEEDED": [...]}}. The state's result is then {"MapRunArn",
// "ResultWriterDetails": {"Bucket", "Key"}}, Key naming the manifest.
//
// UNCONFIRMED: the exact members of the result files' entries (AWS also
// writes redrive fields, left out here), their date format (here RFC 3339
// with milliseconds, UTC), whether AWS writes results of a Map Run that
// failed (here: no), and how it splits large files (here: never). A child
// workflow run without a Map Run record (Options.MapRuns nil) has no
// ExecutionArn or Name. WriterConfig (Transformation, OutputType) is
// refused when the definition is parsed. A failed putObject call fails the
// state with States.ResultWriterFailed.

// ErrResultWriterFailed is a Distributed Map whose ResultWriter could not
// write its results.
const ErrResultWriterFailed = "States.ResultWriterFailed"

// resultWriter is a Distributed Map's compiled ResultWriter.
type resultWriter struct {
	task *taskState // the Resource (s3:putObject), named in calls
	args resourceArgs
}

// childRecord is how a child workflow of a Map Run ended, as a ResultWriter
// writes it.
type childRecord struct {
	arn            string
	start, stop    time.Time
	status         string
	input, output  []byte
	errName, cause string
}

// decodeResultWriter compiles a ResultWriter found at where.
func (c *checker) decodeResultWriter(v any, where string) *resultWriter {
	obj, ok := v.(map[string]any)
	if !ok {
		c.problem(where, "SCHEMA_VALIDATION_FAILED: 'ResultWriter' must be an object")
		return nil
	}
	c.unknownFields(obj, fieldSet("Resource", "Parameters", "Arguments", "WriterConfig"), where)
	if _, has := obj["WriterConfig"]; has {
		c.problem(where+"/WriterConfig", "SCHEMA_VALIDATION_FAILED: The field 'WriterConfig' of ResultWriter is not supported by this endpoint (it writes results untransformed, as JSON)")
	}
	res, _ := obj["Resource"].(string)
	switch {
	case res == "":
		c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [Resource]")
	case s3Action(res) != s3PutObject:
		c.problem(where+"/Resource", "SCHEMA_VALIDATION_FAILED: The ResultWriter's 'Resource' %s is not supported: it must be arn:aws:states:::s3:putObject", marshalString(res))
	}
	return &resultWriter{task: s3Task(res), args: c.lang.compileResourceArgs(c, obj, where)}
}

// unrecordedMapRunARN makes the ARN of a Map Run that no MapRuns records,
// from the execution's state machine ARN, for a ResultWriter to name.
func unrecordedMapRunARN(ec ExecutionContext, label string) string {
	id := uuid.NewString()
	prefix, name, ok := strings.Cut(ec.StateMachineID, ":stateMachine:")
	if !ok {
		return "arn:aws:states:::mapRun:" + label + ":" + id
	}
	if i := strings.IndexByte(name, ':'); i >= 0 {
		name = name[:i] // a version or alias
	}
	return prefix + ":mapRun:" + name + "/" + label + ":" + id
}

// writeResults writes the results of a Map Run's children through the
// state's ResultWriter and returns the state's result.
func (r *stateRun) writeResults(ctx context.Context, eff any, runARN string, children []childRecord) (any, *stateError) {
	w := r.st.mapState.distributed.writer
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
	smARN := r.th.ex.opts.Context.StateMachineID
	files := newObject(3)
	for _, status := range []string{StatusFailed, "PENDING", StatusSucceeded} {
		var entries []any
		for _, ch := range children {
			if ch.status == status {
				entries = append(entries, ch.entry(smARN))
			}
		}
		list := []any{}
		if len(entries) > 0 {
			key := dir + status + "_0.json"
			body := string(marshal(entries))
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
