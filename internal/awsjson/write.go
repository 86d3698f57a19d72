package awsjson

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Protocol is the AWS JSON protocol as one service speaks it.
type Protocol struct {
	// ContentType is the media type of every answer:
	// "application/x-amz-json-1.0" (awsJson1_0) or
	// "application/x-amz-json-1.1" (awsJson1_1).
	ContentType string
	// Namespace prefixes the error code in the __type member of an error
	// answer ("com.amazonaws.swf.service.v2.model#" for Step Functions);
	// empty for a bare code, as CloudWatch Logs answers.
	Namespace string
}

// Write answers status with v encoded as JSON, setting Content-Type and
// Content-Length. When v cannot be encoded it writes nothing and returns the
// error, for the caller to answer the 500 its service answers.
func (p Protocol) Write(w http.ResponseWriter, status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", p.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return nil
}

// WriteError answers status with the protocol's error shape: the
// X-Amzn-ErrorType header set to code, and the body {"__type": Namespace +
// code, "message": message}.
func (p Protocol) WriteError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("X-Amzn-ErrorType", code)
	_ = p.Write(w, status, errorBody{Type: p.Namespace + code, Message: message}) // strings always encode
}

// errorBody is the body of an error answer.
type errorBody struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}
