package cwlogs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// TargetPrefix starts the X-Amz-Target header of every CloudWatch Logs
// request ("Logs_20140328.FilterLogEvents"); Step Functions' requests start
// with "AWSStepFunctions." instead.
const TargetPrefix = "Logs_20140328."

// maxRequestBytes bounds a request body: a PutLogEvents batch holds at most
// 1,048,576 bytes of messages, which JSON escaping may grow.
const maxRequestBytes = 8 << 20

// Error codes the service answers, as CloudWatch Logs names them.
const (
	CodeNotFound         = "ResourceNotFoundException"
	CodeAlreadyExists    = "ResourceAlreadyExistsException"
	CodeInvalidParameter = "InvalidParameterException"
	CodeLimitExceeded    = "LimitExceededException"
	CodeUnknownOperation = "UnknownOperationException"
	CodeSerialization    = "SerializationException"
)

// Error is an error the service answers; every one is HTTP 400, as
// CloudWatch Logs answers client errors.
type Error struct {
	Code    string
	Message string
}

// Error returns the code and message.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// invalidParam returns an InvalidParameterException.
func invalidParam(format string, args ...any) *Error {
	return &Error{Code: CodeInvalidParameter, Message: fmt.Sprintf(format, args...)}
}

// IsLogsRequest reports whether r is a CloudWatch Logs request, by its
// X-Amz-Target header.
func IsLogsRequest(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix)
}

// operations maps each served operation to its handler.
var operations = map[string]func(*Service, []byte) (any, error){
	"CreateLogGroup":     (*Service).serveCreateLogGroup,
	"CreateLogStream":    (*Service).serveCreateLogStream,
	"DescribeLogGroups":  (*Service).serveDescribeLogGroups,
	"DescribeLogStreams": (*Service).serveDescribeLogStreams,
	"PutLogEvents":       (*Service).servePutLogEvents,
	"GetLogEvents":       (*Service).serveGetLogEvents,
	"FilterLogEvents":    (*Service).serveFilterLogEvents,
}

// ServeHTTP answers one CloudWatch Logs request (POST, awsJson1_1). It does
// not check signatures, as the embedding endpoint does not either.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, &Error{Code: CodeSerialization, Message: "only POST is supported"})
		return
	}
	target := r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, TargetPrefix)
	handler := operations[op]
	if !ok || handler == nil {
		writeError(w, &Error{Code: CodeUnknownOperation, Message: fmt.Sprintf("operation %q is not served", target)})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	if err != nil {
		writeError(w, invalidParam("request body could not be read (at most %d bytes): %v", maxRequestBytes, err))
		return
	}
	out, err := handler(s, body)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// decode reads a request body into v, refusing what is not one JSON object.
func decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return &Error{Code: CodeSerialization, Message: "request body is not a valid JSON object of this operation: " + err.Error()}
	}
	if dec.More() {
		return &Error{Code: CodeSerialization, Message: "request body holds more than one JSON value"}
	}
	return nil
}

// writeError answers err as CloudWatch Logs does: HTTP 400 and
// {"__type": code, "message": ...}; an error that is not an *Error is a 500.
func writeError(w http.ResponseWriter, err error) {
	var e *Error
	if !errors.As(err, &e) {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"__type": "ServiceUnavailableException", "message": err.Error()})
		return
	}
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	writeJSON(w, http.StatusBadRequest, map[string]string{"__type": e.Code, "message": e.Message})
}

// writeJSON writes v with the awsJson1_1 content type.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"__type":"ServiceUnavailableException","message":"encode response"}`)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
