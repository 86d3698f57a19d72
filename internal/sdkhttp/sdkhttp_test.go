package sdkhttp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// clientFunc adapts a function to Client.
type clientFunc func(*http.Request) (*http.Response, error)

func (f clientFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// sdkRequest returns a request built as the SDK builds it, with smithy-go's body.
func sdkRequest(t *testing.T, body string) *http.Request {
	t.Helper()
	req := smithyhttp.NewStackRequest().(*smithyhttp.Request)
	req.Method = http.MethodPost
	req.URL.Scheme, req.URL.Host = "http", "127.0.0.1:1"
	req.ContentLength = int64(len(body))
	stream, err := req.SetStream(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	return stream.Build(context.Background())
}

// checkAfterClose does what net/http's writer may do after the SDK has closed the body: copy what is left of it
// to make sure it is empty.
func checkAfterClose(r *http.Request) error {
	if err := r.Body.Close(); err != nil {
		return err
	}
	_, err := io.Copy(io.Discard, r.Body)
	return err
}

func TestReadOnlyBodiesEndsCopiesOfClosedBodiesCleanly(t *testing.T) {
	// Without the wrapper the SDK's closed body fails the copy: this is the race the package works around.
	if err := checkAfterClose(sdkRequest(t, `{"a":1}`)); !errors.Is(err, io.EOF) {
		t.Fatalf("copy of the SDK's closed body: error = %v, want io.EOF (has smithy-go changed? then this package may go)", err)
	}

	var copyErr error
	c := ReadOnlyBodies(clientFunc(func(r *http.Request) (*http.Response, error) {
		if _, ok := r.Body.(io.WriterTo); ok {
			t.Errorf("body passed on implements io.WriterTo")
		}
		copyErr = checkAfterClose(r)
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody}, nil
	}))
	if _, err := c.Do(sdkRequest(t, `{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	if copyErr != nil {
		t.Errorf("copy of the wrapped closed body: error = %v, want nil", copyErr)
	}
}

func TestReadOnlyBodiesPassesRequestsOn(t *testing.T) {
	tests := []struct {
		name string
		body io.ReadCloser
		want string
	}{
		{name: "body", body: io.NopCloser(bytes.NewReader([]byte("payload"))), want: "payload"},
		{name: "no body", body: nil},
		{name: "http.NoBody", body: http.NoBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:1/", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Body = tt.body
			req.Header.Set("X-Amz-Target", "AWSStepFunctions.ListStateMachines")
			wantResp := &http.Response{StatusCode: http.StatusTeapot, Body: http.NoBody}
			var got string
			resp, err := ReadOnlyBodies(clientFunc(func(r *http.Request) (*http.Response, error) {
				if r.Header.Get("X-Amz-Target") != "AWSStepFunctions.ListStateMachines" || r.URL.String() != "http://127.0.0.1:1/" {
					t.Errorf("request passed on = %s %s %v, want the caller's", r.Method, r.URL, r.Header)
				}
				if r.Body != nil {
					b, err := io.ReadAll(r.Body)
					if err != nil {
						t.Errorf("read body: %v", err)
					}
					got = string(b)
				}
				return wantResp, errors.New("passed back")
			})).Do(req)
			if resp != wantResp || err == nil || err.Error() != "passed back" {
				t.Errorf("Do() = %v, %v, want the wrapped client's answer", resp, err)
			}
			if got != tt.want {
				t.Errorf("body passed on = %q, want %q", got, tt.want)
			}
			if req.Body != tt.body {
				t.Errorf("the caller's request body was replaced")
			}
		})
	}
}

func TestReadOnlyBodiesWrapsOnce(t *testing.T) {
	c := ReadOnlyBodies(clientFunc(func(*http.Request) (*http.Response, error) { return nil, nil }))
	if again := ReadOnlyBodies(c); again != c {
		t.Errorf("ReadOnlyBodies(ReadOnlyBodies(c)) wrapped twice")
	}
}

func TestReadOnlyBodiesOfNilIsTheSDKDefault(t *testing.T) {
	c, ok := ReadOnlyBodies(nil).(*readOnlyBodies)
	if !ok {
		t.Fatalf("ReadOnlyBodies(nil) = %T, want *readOnlyBodies", c)
	}
	if _, ok := c.next.(*awshttp.BuildableClient); !ok {
		t.Errorf("ReadOnlyBodies(nil) sends through %T, want the SDK's *awshttp.BuildableClient", c.next)
	}
}
