package sfnlocal

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/polysync/stepfunctions/internal/awsjson"
)

const (
	// targetPrefix prefixes the operation name in X-Amz-Target.
	targetPrefix = "AWSStepFunctions."
	// contentType is the AWS JSON 1.0 media type.
	contentType = "application/x-amz-json-1.0"
	// maxRequestBytes is the request size limit of the service (1 MB).
	maxRequestBytes = 1 << 20
	// errorNamespace prefixes error codes in __type, as the service does.
	errorNamespace = "com.amazonaws.swf.service.v2.model#"
)

// apiError is an error answered on the wire.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// errf makes a 400 apiError.
func errf(code, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, args...)}
}

func validationf(format string, args ...any) *apiError {
	return errf("ValidationException", format, args...)
}

// required reports a missing required member the way the service does.
func required(member string) error {
	return validationf("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
}

// tooLong reports a member longer than limit the way the service does.
func tooLong(member string, limit int) error {
	return validationf("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", member, limit)
}

// tooShort reports a member value shorter than limit the way the service
// does.
func tooShort(member string, limit int, value string) error {
	return validationf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", value, member, limit)
}

// orEmpty returns *p, or "" when p is nil (a member not sent).
func orEmpty(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// errClosed is the answer to a call that would start work on a closed
// server.
func errClosed() *apiError {
	return &apiError{Status: http.StatusServiceUnavailable, Code: "ServiceUnavailable", Message: "the server is closed"}
}

func invalidArn(arn string) *apiError {
	return errf("InvalidArn", "Invalid Arn: '%s'", arn)
}

// lookup finds the resource of ARN arn in byARN: InvalidArn when wellFormed
// is false, and code with the message "<missing>: '<arn>'" when byARN has no
// such resource. The caller holds the lock that guards byARN.
func lookup[T any](byARN map[string]*T, arn string, wellFormed bool, code, missing string) (*T, error) {
	if !wellFormed {
		return nil, invalidArn(arn)
	}
	r := byARN[arn]
	if r == nil {
		return nil, errf(code, "%s: '%s'", missing, arn)
	}
	return r, nil
}

// protocol is AWS JSON 1.0 as Step Functions speaks it.
var protocol = awsjson.Protocol{ContentType: contentType, Namespace: errorNamespace}

// writeError answers err in the AWS JSON 1.0 error shape. Anything that is
// not an *apiError is an internal fault (500) whose detail is not exposed.
func writeError(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = &apiError{Status: http.StatusInternalServerError, Code: "InternalFailure",
			Message: "The request processing has failed because of an unknown error, exception or failure."}
	}
	protocol.WriteError(w, ae.Status, ae.Code, ae.Message)
}

// writeJSON answers 200 with v encoded as JSON; a v that does not encode is
// an internal fault.
func writeJSON(w http.ResponseWriter, v any) {
	if err := protocol.Write(w, http.StatusOK, v); err != nil {
		writeError(w, fmt.Errorf("encode response: %w", err))
	}
}

// decodeJSON decodes a request body into v as awsjson.Decode does (an empty
// body counts as {}), answering a refused body as SerializationException
// with awsjson's message.
func decodeJSON(body []byte, v any) error {
	if err := awsjson.Decode(body, v); err != nil {
		return errf("SerializationException", "%s", err)
	}
	return nil
}

// epoch is a time encoded as epoch seconds (a JSON number with millisecond
// precision), the awsJson1_0 timestamp format.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', -1, 64), nil
}

func (t *epoch) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("timestamp %s is not epoch seconds", b)
	}
	sec, frac := math.Modf(f)
	*t = epoch(time.Unix(int64(sec), int64(frac*1e9)).UTC())
	return nil
}

// ep returns a pointer to t as epoch, nil for the zero time.
func ep(t time.Time) *epoch {
	if t.IsZero() {
		return nil
	}
	e := epoch(t)
	return &e
}

// accessKeyID extracts the access key id from a SigV4 Authorization header
// ("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/states/aws4_request,
// SignedHeaders=..., Signature=...").
func accessKeyID(authz string) (string, bool) {
	_, rest, ok := strings.Cut(authz, "Credential=")
	if !ok {
		return "", false
	}
	cred, _, _ := strings.Cut(rest, ",")
	id, _, ok := strings.Cut(strings.TrimSpace(cred), "/")
	if !ok || id == "" {
		return "", false
	}
	return id, true
}
