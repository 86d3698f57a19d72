package asl

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// A Distributed Map's ItemReader reads the state's items from Amazon S3
// instead of its input. This package makes no S3 call of its own: each one
// goes to Options.Task (or Options.Invoke) as a Task state's work would,
// named by the Map state (TaskCall.State) and by the integration's Resource
// (arn:aws:states:::s3:getObject or arn:aws:states:::s3:listObjectsV2), with
// the ItemReader's Parameters (Arguments in JSONata) as input, so whatever
// serves Task states (a registered function, a mock) serves the reads too.
//
//   - getObject must return {"Body": "<the object's text>"}, as Step
//     Functions' S3 integration does. ReaderConfig.InputType says how the
//     text is read: JSON (an array: its elements), JSONL (one value a line;
//     blank lines are skipped, UNCONFIRMED) or CSV (one object a row whose
//     members, strings, are named by the header: the first row with
//     CSVHeaderLocation FIRST_ROW, the default here (UNCONFIRMED: whether
//     AWS requires the field), or CSVHeaders with GIVEN). A short row gets
//     "" for its missing fields and a long row loses the extra ones, as the
//     developer guide says. CSVDelimiter is COMMA (default), PIPE,
//     SEMICOLON, SPACE or TAB. Fields are read as RFC 4180 says
//     (encoding/csv); AWS's backslash escapes are not emulated. A header
//     of more than 10 KiB fails the read, as AWS documents its limit.
//   - listObjectsV2 must return the S3 ListObjectsV2 response; each of its
//     Contents becomes the item {"Etag", "Key", "LastModified", "Size",
//     "StorageClass"} (LastModified in epoch seconds when given as a
//     timestamp string). While the response has IsTruncated true and a
//     NextContinuationToken, the call is repeated with ContinuationToken.
//
// MaxItems (or MaxItemsPath, or a JSONata expression) stops the read after
// that many items; 0 means no limit (UNCONFIRMED: AWS documents 1 to
// 100,000,000). A failed call, a Body that is not a string and text that
// does not parse fail the state with States.ItemReaderFailed. InputType
// MANIFEST and PARQUET, and other resources, are refused when the definition
// is parsed.

// ErrItemReaderFailed is a Distributed Map whose ItemReader could not read
// its items.
const ErrItemReaderFailed = "States.ItemReaderFailed"

// S3 actions of the optimised S3 integration that Distributed Maps call.
const (
	s3GetObject     = "getObject"
	s3ListObjectsV2 = "listObjectsV2"
	s3PutObject     = "putObject"
)

// maxItemsLimit is the largest MaxItems AWS documents.
const maxItemsLimit = 100_000_000

// maxCSVHeaderBytes is the largest CSV header AWS reads (10 KiB, counted
// here as the bytes of the header's names; UNCONFIRMED: how AWS counts).
const maxCSVHeaderBytes = 10 * 1024

// maxListPages bounds the listObjectsV2 calls of one read, so that a
// function that always answers IsTruncated cannot loop forever.
const maxListPages = 100_000

// itemReader is a Distributed Map's compiled ItemReader.
type itemReader struct {
	task       *taskState // the Resource, named in calls
	action     string     // s3GetObject or s3ListObjectsV2
	args       resourceArgs
	inputType  string   // getObject: JSON, JSONL or CSV
	csvHeaders []string // GIVEN; nil for FIRST_ROW
	delimiter  rune
	maxItems   limit
}

// s3Action returns the action of an optimised S3 integration resource
// (arn:<partition>:states:::s3:<action>), or "" for any other resource.
func s3Action(res string) string {
	integration, _ := Integration(res)
	action, ok := strings.CutPrefix(integration, "s3:")
	if !ok || strings.Contains(action, ":") {
		return ""
	}
	return action
}

// s3Task is the taskState of an S3 call's Resource.
func s3Task(res string) *taskState {
	t := &taskState{resource: res}
	t.resourceType, t.resourceName = splitResource(res)
	return t
}

// csvDelimiters are the values of ReaderConfig.CSVDelimiter.
var csvDelimiters = map[string]rune{"COMMA": ',', "PIPE": '|', "SEMICOLON": ';', "SPACE": ' ', "TAB": '\t'}

// decodeItemReader compiles an ItemReader found at where.
func (c *checker) decodeItemReader(v any, where string) *itemReader {
	obj, ok := c.object(v, "ItemReader", where)
	if !ok {
		return nil
	}
	c.unknownFields(obj, fieldSet("Resource", "Parameters", "Arguments", "ReaderConfig"), where)
	res, _ := obj["Resource"].(string)
	ir := &itemReader{task: s3Task(res), action: s3Action(res), delimiter: ','}
	switch {
	case res == "":
		c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [Resource]")
	case ir.action != s3GetObject && ir.action != s3ListObjectsV2:
		c.problem(where+"/Resource", "SCHEMA_VALIDATION_FAILED: The ItemReader's 'Resource' %s is not supported by this endpoint: it reads arn:aws:states:::s3:getObject and arn:aws:states:::s3:listObjectsV2", marshalString(res))
	}
	ir.args = c.lang.compileResourceArgs(c, obj, where)
	rc := map[string]any{}
	if rv, has := obj["ReaderConfig"]; has {
		if rc, ok = c.object(rv, "ReaderConfig", where+"/ReaderConfig"); !ok {
			rc = map[string]any{}
		}
	}
	c.decodeReaderConfig(rc, where+"/ReaderConfig", ir)
	return ir
}

// decodeReaderConfig compiles an ItemReader's ReaderConfig.
func (c *checker) decodeReaderConfig(rc map[string]any, where string, ir *itemReader) {
	c.unknownFields(rc, fieldSet("InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "MaxItems", "MaxItemsPath",
		"ManifestType"), where)
	if _, has := rc["ManifestType"]; has {
		c.problem(where+"/ManifestType", "SCHEMA_VALIDATION_FAILED: The field 'ManifestType' of ReaderConfig is not supported by this endpoint (it reads no manifests)")
	}
	ir.maxItems = c.lang.compileLimit(c, rc, "MaxItems", where,
		numRange{lo: 0, hi: maxItemsLimit, integer: true, desc: fmt.Sprintf("an integer from 0 to %d", maxItemsLimit)})
	it, hasType := rc["InputType"]
	ir.inputType, _ = it.(string)
	switch {
	case ir.action == s3ListObjectsV2 && hasType:
		c.problem(where+"/InputType", "SCHEMA_VALIDATION_FAILED: 'InputType' is not used with arn:aws:states:::s3:listObjectsV2, whose items are the objects listed")
	case ir.action != s3GetObject:
	case !hasType:
		c.problem(where, "SCHEMA_VALIDATION_FAILED: These fields are required: [InputType] when the ItemReader's Resource is arn:aws:states:::s3:getObject")
	case ir.inputType == "MANIFEST" || ir.inputType == "PARQUET":
		c.problem(where+"/InputType", "SCHEMA_VALIDATION_FAILED: ReaderConfig 'InputType' %s is not supported by this endpoint: it reads JSON, JSONL and CSV objects", ir.inputType)
	case ir.inputType != "JSON" && ir.inputType != "JSONL" && ir.inputType != "CSV":
		c.problem(where+"/InputType", "SCHEMA_VALIDATION_FAILED: 'InputType' must be one of CSV, JSON, JSONL, PARQUET or MANIFEST")
	}
	csvFields := []string{"CSVHeaderLocation", "CSVHeaders", "CSVDelimiter"}
	if ir.inputType != "CSV" {
		for _, f := range csvFields {
			if _, has := rc[f]; has {
				c.problem(where+"/"+f, "SCHEMA_VALIDATION_FAILED: The field '%s' is only allowed when 'InputType' is CSV", f)
			}
		}
		return
	}
	if v, has := rc["CSVDelimiter"]; has {
		name, _ := v.(string)
		d, known := csvDelimiters[name]
		if !known {
			c.problem(where+"/CSVDelimiter", "SCHEMA_VALIDATION_FAILED: 'CSVDelimiter' must be one of COMMA, PIPE, SEMICOLON, SPACE or TAB")
		}
		ir.delimiter = d
	}
	loc, _ := rc["CSVHeaderLocation"].(string)
	headers, hasHeaders := rc["CSVHeaders"]
	switch loc {
	case "", "FIRST_ROW":
		if _, has := rc["CSVHeaderLocation"]; has && loc == "" {
			c.problem(where+"/CSVHeaderLocation", "SCHEMA_VALIDATION_FAILED: 'CSVHeaderLocation' must be FIRST_ROW or GIVEN")
		}
		if hasHeaders {
			c.problem(where+"/CSVHeaders", "SCHEMA_VALIDATION_FAILED: 'CSVHeaders' is only allowed when 'CSVHeaderLocation' is GIVEN")
		}
	case "GIVEN":
		list, isList := headers.([]any)
		for _, h := range list {
			s, isString := h.(string)
			if !isString {
				isList = false
				break
			}
			ir.csvHeaders = append(ir.csvHeaders, s)
		}
		if !hasHeaders || !isList || len(list) == 0 {
			c.problem(where, "SCHEMA_VALIDATION_FAILED: 'CSVHeaders' must be a non-empty array of strings when 'CSVHeaderLocation' is GIVEN")
		}
	default:
		c.problem(where+"/CSVHeaderLocation", "SCHEMA_VALIDATION_FAILED: 'CSVHeaderLocation' must be FIRST_ROW or GIVEN")
	}
}

// readItems reads the items of a Distributed Map state from its ItemReader.
func (r *stateRun) readItems(ctx context.Context, eff any) ([]any, *stateError) {
	ir := r.st.mapState.distributed.reader
	args, err := ir.args.args(eff, r.ctx())
	if err != nil {
		return nil, err
	}
	limitF, _, err := ir.maxItems.value(eff, r.ctx())
	if err != nil {
		return nil, err
	}
	maxItems := int(limitF)
	if ir.action == s3ListObjectsV2 {
		return r.listObjects(ctx, ir, args, maxItems)
	}
	out, err := r.callS3(ctx, ir.task, args)
	if err != nil {
		return nil, readerFailed(ir, err)
	}
	body, ok := field(out, "Body")
	text, isString := body.(string)
	if !ok || !isString {
		return nil, newError(ErrItemReaderFailed, "The ItemReader's %s call returned %s, which has no string Body", ir.action, truncate(marshalString(out)))
	}
	items, perr := ir.objectItems(text, maxItems)
	if perr != nil {
		return nil, newError(ErrItemReaderFailed, "The ItemReader could not read the object as %s: %v", ir.inputType, perr)
	}
	return items, nil
}

// objectItems reads the items of an object's text as the reader's
// InputType says, at most maxItems of them (0: all).
func (ir *itemReader) objectItems(text string, maxItems int) ([]any, error) {
	var items []any
	var err error
	switch ir.inputType {
	case "JSON":
		items, err = jsonArrayItems(text)
	case "JSONL":
		items, err = jsonLinesItems(text, maxItems)
	default:
		items, err = csvItems(text, ir.delimiter, ir.csvHeaders, maxItems)
	}
	if err != nil {
		return nil, err
	}
	if maxItems > 0 && len(items) > maxItems {
		items = items[:maxItems]
	}
	return items, nil
}

// readerFailed is the error of an ItemReader whose S3 call failed with err.
func readerFailed(ir *itemReader, err *stateError) *stateError {
	if err.abort {
		return err
	}
	return newError(ErrItemReaderFailed, "The ItemReader's %s call failed with %s: %s", ir.action, err.Name, err.Cause)
}

// callS3 makes one S3 call of a Distributed Map through the task runner
// and returns its parsed result (nil for no output).
func (r *stateRun) callS3(ctx context.Context, t *taskState, payload any) (any, *stateError) {
	call := &TaskCall{State: r.st.name, Resource: t.resource, Input: marshal(payload)}
	out, err := r.th.invoke(ctx, t, call, seconds(defaultTaskTimeout))
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, nil
	}
	v, perr := parseJSON(out)
	if perr != nil {
		return nil, newError(ErrTaskFailed, "the call returned output that is not valid JSON: %v", perr)
	}
	return v, nil
}

// listObjects reads the items of a listObjectsV2 ItemReader: the objects
// listed, page after page, at most maxItems of them (0: all).
func (r *stateRun) listObjects(ctx context.Context, ir *itemReader, args any, maxItems int) ([]any, *stateError) {
	items := []any{}
	params, _ := asObject(args)
	for page := 0; page < maxListPages; page++ {
		out, err := r.callS3(ctx, ir.task, params)
		if err != nil {
			return nil, readerFailed(ir, err)
		}
		contents, _ := field(out, "Contents")
		list, isList := contents.([]any)
		if contents != nil && !isList {
			return nil, newError(ErrItemReaderFailed, "The ItemReader's listObjectsV2 call returned Contents that are not an array: %s", truncate(marshalString(contents)))
		}
		for _, o := range list {
			if maxItems > 0 && len(items) == maxItems {
				break
			}
			items = append(items, listedObject(o))
		}
		if maxItems > 0 && len(items) == maxItems {
			return items, nil
		}
		truncated, _ := field(out, "IsTruncated")
		next, _ := field(out, "NextContinuationToken")
		token, isString := next.(string)
		if truncated != true || !isString || token == "" {
			return items, nil
		}
		if params == nil {
			params = newObject(1)
		} else {
			params = params.clone(1)
		}
		params.set("ContinuationToken", token)
	}
	return nil, newError(ErrItemReaderFailed, "The ItemReader's listObjectsV2 calls returned more than %d pages", maxListPages)
}

// listedObject is the item of an object listed by ListObjectsV2.
func listedObject(o any) any {
	item := newObject(5)
	for _, k := range []string{"Etag", "Key", "LastModified", "Size", "StorageClass"} {
		v, ok := field(o, k)
		if !ok && k == "Etag" {
			v, ok = field(o, "ETag")
		}
		if !ok {
			continue
		}
		if s, isString := v.(string); isString && k == "LastModified" {
			if t, parsed := parseTimestamp(s); parsed {
				v = t.Unix()
			} else if t, err := time.Parse(time.RFC1123, s); err == nil {
				v = t.Unix()
			}
		}
		item.set(k, v)
	}
	return item
}

// jsonArrayItems reads a JSON object that holds an array of items.
func jsonArrayItems(text string) ([]any, error) {
	v, err := parseJSON([]byte(text))
	if err != nil {
		return nil, err
	}
	items, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("the object holds %s, not a JSON array", typeName(v))
	}
	return items, nil
}

// jsonLinesItems reads a JSON Lines object, at most maxItems items (0: all).
func jsonLinesItems(text string, maxItems int) ([]any, error) {
	items := []any{}
	for i, line := range strings.Split(text, "\n") {
		if maxItems > 0 && len(items) == maxItems {
			break
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		v, err := parseJSON([]byte(line))
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		items = append(items, v)
	}
	return items, nil
}

// csvItems reads a CSV object, at most maxItems items (0: all): one object a
// record, named by headers or, when headers is nil, by the first record.
func csvItems(text string, delimiter rune, headers []string, maxItems int) ([]any, error) {
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = delimiter
	cr.FieldsPerRecord = -1
	if headers == nil {
		first, err := cr.Read()
		switch {
		case errors.Is(err, io.EOF):
			return []any{}, nil
		case err != nil:
			return nil, err
		}
		headers = first
	}
	size := 0
	for _, h := range headers {
		size += len(h)
	}
	if size > maxCSVHeaderBytes {
		return nil, fmt.Errorf("the CSV header is larger than %d bytes", maxCSVHeaderBytes)
	}
	items := []any{}
	for maxItems == 0 || len(items) < maxItems {
		rec, err := cr.Read()
		switch {
		case errors.Is(err, io.EOF):
			return items, nil
		case err != nil:
			return nil, err
		}
		item := newObject(len(headers))
		for i, h := range headers {
			v := ""
			if i < len(rec) {
				v = rec[i]
			}
			item.set(h, v)
		}
		items = append(items, item)
	}
	return items, nil
}
