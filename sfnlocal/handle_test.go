package sfnlocal

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

type handleTestInput struct {
	First  string `json:"first" sfn:"required"`
	Second *int   `json:"second" sfn:"required"`
	Other  string `json:"other"`
}

func (in *handleTestInput) validate() error {
	if in.Other == "bad" {
		return validationf("other is bad")
	}
	return nil
}

type handleTestOutput struct {
	Echo string `json:"echo"`
	At   *epoch `json:"at,omitempty"`
}

// TestHandle checks the adapter's order of work: decode, required members in
// field order, the request's own checks, then the operation, whose typed
// answer is returned as is.
func TestHandle(t *testing.T) {
	called := 0
	h := handle(func(_ *Server, _ context.Context, in *handleTestInput) (*handleTestOutput, error) {
		called++
		return &handleTestOutput{Echo: in.First, At: ep(testStart)}, nil
	})
	tests := []struct {
		body     string
		wantCode string
		wantMsg  string
	}{
		{`{"first":1}`, "SerializationException", "member first: cannot use a JSON number as a string"},
		{``, "ValidationException", "Value null at 'first'"},
		{`{"second":0,"other":"bad"}`, "ValidationException", "Value null at 'first'"},
		{`{"first":"a","other":"bad"}`, "ValidationException", "Value null at 'second'"},
		{`{"first":"a","second":0,"other":"bad"}`, "ValidationException", "other is bad"},
	}
	for _, tt := range tests {
		_, err := h(nil, context.Background(), &call{body: []byte(tt.body)})
		var ae *apiError
		if !errors.As(err, &ae) || ae.Code != tt.wantCode || !strings.Contains(ae.Message, tt.wantMsg) {
			t.Errorf("handle(%s) error = %v, want %s containing %q", tt.body, err, tt.wantCode, tt.wantMsg)
		}
	}
	if called != 0 {
		t.Fatalf("the operation ran %d times for invalid requests", called)
	}
	out, err := h(nil, context.Background(), &call{body: []byte(`{"first":"a","second":0}`)})
	if err != nil || called != 1 {
		t.Fatalf("handle(valid) = %v, %v after %d calls", out, err, called)
	}
	b, _ := json.Marshal(out)
	if got, want := string(b), `{"echo":"a","at":1767323045}`; got != want {
		t.Errorf("answer = %s, want %s", got, want)
	}
}

// TestRequiredMembersNeedNames checks that a required field without a JSON
// member name is refused when the operation is registered.
func TestRequiredMembersNeedNames(t *testing.T) {
	type bad struct {
		Arn string `sfn:"required"`
	}
	defer func() {
		if recover() == nil {
			t.Error("handle accepted a required field without a JSON name")
		}
	}()
	handle(func(*Server, context.Context, *bad) (*empty, error) { return &empty{}, nil })
}
