package asl

import (
	"strings"
	"testing"
)

// FuzzValidateMockResult checks mock validation on any mocked result of any
// resource: it never panics, NONE accepts everything, a result PRESENT
// refuses is refused by STRICT too (STRICT checks more, never less), and the
// answer is the same when asked twice.
func FuzzValidateMockResult(f *testing.F) {
	for _, s := range []struct{ resource, result string }{
		{"arn:aws:states:::aws-sdk:s3:getObject", `{"ContentLength":"x"}`},
		{"arn:aws:states:::aws-sdk:dynamodb:query", `{"Items":[{"a":{"L":[{"L":[{"S":1}]}]}}],"Count":1}`},
		{"arn:aws:states:::aws-sdk:sfn:startExecution", `{"StartDate":"2026-01-01T00:00:00Z"}`},
		{"arn:aws-cn:states:::lambda:invoke", `{"StatusCode":200,"Payload":[1,{"a":null}]}`},
		{"arn:aws:states:::events:putEvents", `{"Entries":{}}`},
		{"arn:aws:states:::http:invoke", `{"StatusCode":"404","Headers":[]}`},
		{"arn:aws:states:::aws-sdk:ec2:describeInstances", `{"Reservations":[{"Instances":[{"Tags":[{"Key":5}]}]}]}`},
		{"arn:aws:states:::aws-sdk:nosuch:thing", `[]`},
		{"arn:aws:states:::aws-sdk:s3:", `1`},
		{"not an arn", `"x"`},
	} {
		f.Add(s.resource, []byte(s.result))
	}
	f.Fuzz(func(t *testing.T, resource string, result []byte) {
		v, err := parseJSON(result)
		if err != nil {
			return
		}
		if err := validateMockResult(resource, v, MockValidationNone); err != nil {
			t.Fatalf("NONE refused %s for %q: %v", result, resource, err)
		}
		strict := validateMockResult(resource, v, MockValidationStrict)
		present := validateMockResult(resource, v, MockValidationPresent)
		if present != nil && strict == nil {
			t.Fatalf("PRESENT refused %s for %q (%v) but STRICT accepted it", result, resource, present)
		}
		again := validateMockResult(resource, v, MockValidationStrict)
		if errText(strict) != errText(again) {
			t.Fatalf("STRICT answered %q, then %q, for %s of %q", errText(strict), errText(again), result, resource)
		}
		if strict != nil && !strings.Contains(errText(strict), "Mock result schema validation error: ") &&
			!strings.Contains(errText(strict), "response shape data") {
			t.Fatalf("STRICT refused %s for %q with %q, want AWS's message", result, resource, errText(strict))
		}
	})
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
