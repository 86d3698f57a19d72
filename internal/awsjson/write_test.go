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

func TestWrite(t *testing.T) {
	for _, tt := range []struct {
		name   string
		p      Protocol
		status int
		v      any
		body   string
	}{
		{"1.0, 200", json10, http.StatusOK, map[string]int{"n": 1}, `{"n":1}`},
		{"1.1, 201", json11, http.StatusCreated, struct{}{}, `{}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			if err := tt.p.Write(w, tt.status, tt.v); err != nil {
				t.Fatal(err)
			}
			h := w.Header()
			if w.Code != tt.status || w.Body.String() != tt.body || h.Get("Content-Type") != tt.p.ContentType ||
				h.Get("Content-Length") != strconv.Itoa(len(tt.body)) || h.Get("X-Amzn-ErrorType") != "" {
				t.Errorf("answered %d %v %s, want %d %s with Content-Type %s", w.Code, h, w.Body, tt.status, tt.body, tt.p.ContentType)
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

func TestWriteError(t *testing.T) {
	for _, tt := range []struct {
		name   string
		p      Protocol
		status int
		code   string
		body   string
	}{
		{"namespaced", json10, http.StatusNotFound, "NotFound", `{"__type":"com.example#NotFound","message":"no \"x\""}`},
		{"bare", json11, http.StatusBadRequest, "InvalidParameterException", `{"__type":"InvalidParameterException","message":"no \"x\""}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			tt.p.WriteError(w, tt.status, tt.code, `no "x"`)
			h := w.Header()
			if w.Code != tt.status || w.Body.String() != tt.body || h.Get("X-Amzn-ErrorType") != tt.code ||
				h.Get("Content-Type") != tt.p.ContentType || h.Get("Content-Length") != strconv.Itoa(len(tt.body)) {
				t.Errorf("answered %d %v %s, want %d %s with X-Amzn-ErrorType %s", w.Code, h, w.Body, tt.status, tt.body, tt.code)
			}
		})
	}
}
