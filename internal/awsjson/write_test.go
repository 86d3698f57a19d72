package awsjson

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

var (
	json10 = Protocol{ContentType: "application/x-amz-json-1.0", Namespace: "com.example#"}
	json11 = Protocol{ContentType: "application/x-amz-json-1.1"}
)

// answer returns a call of Write with status and v.
func answer(status int, v any) func(Protocol, http.ResponseWriter) error {
	return func(p Protocol, w http.ResponseWriter) error { return p.Write(w, status, v) }
}

// answerError returns a call of WriteError with status, code and the
// message `no "x"`.
func answerError(status int, code string) func(Protocol, http.ResponseWriter) error {
	return func(p Protocol, w http.ResponseWriter) error {
		p.WriteError(w, status, code, `no "x"`)
		return nil
	}
}

func TestWrite(t *testing.T) {
	for _, tt := range []struct {
		name      string
		p         Protocol
		write     func(Protocol, http.ResponseWriter) error
		status    int
		errorType string // the X-Amzn-ErrorType header
		body      string
	}{
		{"1.0, 200", json10, answer(http.StatusOK, map[string]int{"n": 1}), http.StatusOK, "", `{"n":1}`},
		{"1.1, 201", json11, answer(http.StatusCreated, struct{}{}), http.StatusCreated, "", `{}`},
		{"namespaced error", json10, answerError(http.StatusNotFound, "NotFound"), http.StatusNotFound, "NotFound",
			`{"__type":"com.example#NotFound","message":"no \"x\""}`},
		{"bare error", json11, answerError(http.StatusBadRequest, "InvalidParameterException"), http.StatusBadRequest, "InvalidParameterException",
			`{"__type":"InvalidParameterException","message":"no \"x\""}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			if err := tt.write(tt.p, w); err != nil {
				t.Fatal(err)
			}
			h := w.Header()
			if w.Code != tt.status || w.Body.String() != tt.body || h.Get("X-Amzn-ErrorType") != tt.errorType ||
				h.Get("Content-Type") != tt.p.ContentType || h.Get("Content-Length") != strconv.Itoa(len(tt.body)) {
				t.Errorf("answered %d %v %s, want %d %s with Content-Type %s, X-Amzn-ErrorType %q",
					w.Code, h, w.Body, tt.status, tt.body, tt.p.ContentType, tt.errorType)
			}
		})
	}
}

func TestWriteRefusesWhatDoesNotEncode(t *testing.T) {
	w := httptest.NewRecorder()
	if err := json10.Write(w, http.StatusOK, map[string]any{"c": make(chan int)}); err == nil {
		t.Fatal("Write of a channel returned nil")
	}
	if len(w.Header()) != 0 || w.Body.Len() != 0 || w.Flushed {
		t.Errorf("Write that failed wrote %v %q, want nothing, for the caller to answer", w.Header(), w.Body)
	}
}
