package cwlogs

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/polysync/stepfunctions/internal/awsjson"
)

// TargetPrefix starts the X-Amz-Target header of every CloudWatch Logs
// request ("Logs_20140328.FilterLogEvents"); Step Functions' requests start
// with "AWSStepFunctions." instead.
const TargetPrefix = "Logs_20140328."

// maxRequestBytes bounds a request body: a PutLogEvents batch holds at most
// 1,048,576 bytes of messages, which JSON escaping may grow.
const maxRequestBytes = 8 << 20

// protocol is AWS JSON 1.1 as CloudWatch Logs speaks it: error codes bare in
// __type.
var protocol = awsjson.Protocol{ContentType: "application/x-amz-json-1.1"}

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
	if err := protocol.Write(w, http.StatusOK, out); err != nil {
		writeError(w, errors.New("encode response"))
	}
}

// decode reads a request body into v as awsjson.Decode does, refusing what
// is not one JSON object with a SerializationException that names the member
// at fault.
func decode(body []byte, v any) error {
	if err := awsjson.Decode(body, v); err != nil {
		return &Error{Code: CodeSerialization, Message: err.Error()}
	}
	return nil
}

// writeError answers err as CloudWatch Logs does: HTTP 400 and
// {"__type": code, "message": ...}; an error that is not an *Error is a 500
// ServiceUnavailableException.
func writeError(w http.ResponseWriter, err error) {
	var e *Error
	if !errors.As(err, &e) {
		protocol.WriteError(w, http.StatusInternalServerError, "ServiceUnavailableException", err.Error())
		return
	}
	protocol.WriteError(w, http.StatusBadRequest, e.Code, e.Message)
}
