package sfnlocal

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzTestState checks that no definition, input, variables, context, mock
// or stateConfiguration (given as its JSON text) makes TestState panic,
// answer 5xx or answer anything but an AWS error or one of the four statuses.
func FuzzTestState(f *testing.F) {
	f.Add(chargeTask, chargeInput, `{"limit":5}`, ``, `{"chargeId":"c"}`, "DEBUG", `{"retrierRetryCount":1}`)
	f.Add(`{"Type":"Choice","Choices":[{"Variable":"$.a","IsPresent":true,"Next":"X"}],"Default":"Y"}`, `{"a":1}`, ``, ``, ``, "INFO", ``)
	f.Add(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}`, `{}`, ``,
		`{"Execution":{"Id":"x"},"State":{"RetryCount":1}}`, `{"StatusCode":"1"}`, "TRACE", ``)
	f.Add(`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`, `[]`, `{"x":[1]}`, ``, ``, "", ``)
	f.Add(distributedMap(`"ToleratedFailurePercentage":50,`), threeValues, ``, ``, `[1,2,3]`, "DEBUG",
		`{"mapIterationFailureCount":2,"errorCausedByState":"HandleItem","mapItemReaderData":"[1]"}`)
	f.Add(`{"Type":"Parallel","End":true,"Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}]}`, `{}`, ``, ``,
		`[1]`, "DEBUG", `{"errorCausedByState":"A"}`)
	f.Add(`{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Arguments":{"ApiEndpoint":"https://api.example.com/x",
		"Method":"POST","Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/c/1"},
		"RequestBody":{"a":[1,2]},"Transform":{"RequestBodyEncoding":"URL_ENCODED"}},"QueryLanguage":"JSONata","End":true}`,
		`{}`, ``, ``, `{"StatusCode":200,"StatusText":"OK","ResponseBody":{}}`, "TRACE", ``)
	srv := New(WithAccessKeys("AKIDFUZZ"))
	defer srv.Close()
	f.Fuzz(func(t *testing.T, definition, input, variables, context, mockResult, level, stateConfig string) {
		req := map[string]any{"definition": definition, "input": input, "inspectionLevel": level,
			"roleArn": testRole, "stateName": ""}
		if strings.Contains(definition, `"States"`) {
			req["stateName"] = "A"
		}
		if variables != "" {
			req["variables"] = variables
		}
		if context != "" {
			req["context"] = context
		}
		if mockResult != "" {
			req["mock"] = map[string]any{"result": mockResult}
		}
		if stateConfig != "" {
			req["stateConfiguration"] = json.RawMessage(stateConfig)
		}
		body, err := json.Marshal(req)
		if err != nil {
			return
		}
		hr := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
		hr.Header.Set("X-Amz-Target", "AWSStepFunctions.TestState")
		hr.Header.Set("Content-Type", "application/x-amz-json-1.0")
		hr.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDFUZZ/20260101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=abc")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, hr)
		if rec.Code >= 500 || !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("TestState answered %d: %s", rec.Code, rec.Body.String())
		}
		if rec.Code != http.StatusOK {
			return
		}
		var out testStateOutput
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("answer %s: %v", rec.Body.String(), err)
		}
		switch out.Status {
		case "SUCCEEDED", "FAILED", "RETRIABLE", "CAUGHT_ERROR":
		default:
			t.Fatalf("status %q: %s", out.Status, rec.Body.String())
		}
		if out.Output != nil && !json.Valid([]byte(*out.Output)) {
			t.Fatalf("output is not JSON: %s", rec.Body.String())
		}
	})
}
