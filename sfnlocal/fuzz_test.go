package sfnlocal

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzRequestHeaders checks the decoding of what comes before the body: no
// method, path, X-Amz-Target, Content-Type or Authorization header makes
// the server panic or answer anything but a JSON error or success with an
// AWS error code, and none is answered 5xx. Seeds are in
// testdata/fuzz/FuzzRequestHeaders.
func FuzzRequestHeaders(f *testing.F) {
	const authz = "AWS4-HMAC-SHA256 Credential=AKIDFUZZ/20260101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=abc"
	for _, seed := range [][5]string{
		{"POST", "/", "AWSStepFunctions.ListStateMachines", "application/x-amz-json-1.0", authz},
		{"POST", "/", "AWSStepFunctions.ListStateMachines", "application/json; charset=utf-8", "Credential=/x"},
		{"GET", "/x", "AWSStepFunctions.", "text/plain", ""},
		{"POST", "/", "ListStateMachines", "", "AWS4-HMAC-SHA256 Credential=A/"},
		{"POST", "/", "AWSStepFunctions.DescribeExecution", "APPLICATION/X-AMZ-JSON-1.0 ;", "Credential= AK ID /,"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3], seed[4], `{}`)
	}
	srv := New(withCompiler(fakeCompiler), WithAccessKeys("AKIDFUZZ"))
	defer srv.Close()
	f.Fuzz(func(t *testing.T, method, path, target, contentType, authorization, body string) {
		if strings.HasSuffix(target, "StartSyncExecution") || strings.HasSuffix(target, "StopExecution") {
			target = "AWSStepFunctions.DescribeExecution" // may block on a fake program by design
		}
		req, err := http.NewRequest(method, "http://127.0.0.1/", strings.NewReader(body))
		if err != nil {
			return // not a request a client could send
		}
		req.URL.Path = path
		for name, v := range map[string]string{"X-Amz-Target": target, "Content-Type": contentType, "Authorization": authorization} {
			if v != "" {
				req.Header.Set(name, v)
			}
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q %q answered %d: %s", method, path, target, rec.Code, rec.Body.String())
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %q %q answered non-JSON %q", method, path, target, rec.Body.String())
		}
		if rec.Code >= 400 && rec.Header().Get("X-Amzn-ErrorType") == "" && !strings.Contains(rec.Body.String(), `"__type"`) {
			t.Fatalf("%s %q %q answered %d without an error code: %s", method, path, target, rec.Code, rec.Body.String())
		}
	})
}
