package sdkhttp

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestWithTimeoutEndsAStalledRequest(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow-body" {
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, "partial")
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	c := WithTimeout(nil, 100*time.Millisecond)

	for _, path := range []string{"/no-answer", "/slow-body"} {
		t.Run(path, func(t *testing.T) {
			start := time.Now()
			req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
			resp, err := c.Do(req)
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("request to a server that stalls: error = %v, want context.DeadlineExceeded", err)
			}
			if path == "/no-answer" && !strings.Contains(err.Error(), "no answer within 100ms") {
				t.Errorf("error = %v, want it to name the bound", err)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("the 100ms bound ended the request after %v", took)
			}
		})
	}
}

func TestWithTimeoutLeavesTheBodyReadable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "the whole answer")
	}))
	t.Cleanup(srv.Close)
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	resp, err := WithTimeout(nil, time.Minute).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil || string(body) != "the whole answer" {
		t.Errorf("body = %q, %v; want the whole answer", body, err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
}

func TestWithTimeoutReplacesItsBound(t *testing.T) {
	inner := clientFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("unused") })
	c := WithTimeout(WithTimeout(inner, time.Second), time.Minute)
	if d, ok := RequestTimeout(c); !ok || d != time.Minute {
		t.Errorf("RequestTimeout() = %v, %v; want 1m, true", d, ok)
	}
	if u := Unwrap(c); u == nil {
		t.Fatal("Unwrap() = nil")
	} else if _, ok := u.(clientFunc); !ok {
		t.Errorf("Unwrap(WithTimeout(WithTimeout(c))) = %T, want the inner client (one bound, not two)", u)
	}
	if _, ok := RequestTimeout(inner); ok {
		t.Error("RequestTimeout() of an unbounded client reports a bound")
	}
}
