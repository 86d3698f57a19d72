package sdkhttp

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go/middleware"
)

// TestDisableHostPrefix checks on the wire (the host each request is sent to, answered without a network) that
// StartSyncExecution stays on a custom endpoint's host with the option, where without it the SDK sends it to
// "sync-127.0.0.1", a host that does not resolve.
func TestDisableHostPrefix(t *testing.T) {
	const endpoint = "http://127.0.0.1:8083"
	var hosts []string
	answer := clientFunc(func(r *http.Request) (*http.Response, error) {
		hosts = append(hosts, r.URL.Host)
		body := `{"executionArn":"arn:aws:states:us-east-1:123456789012:express:m:e:1","status":"SUCCEEDED","startDate":1,"stopDate":2}`
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"}},
			Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	})
	in := &sfn.StartSyncExecutionInput{StateMachineArn: aws.String("arn:aws:states:us-east-1:123456789012:stateMachine:m")}
	for _, tt := range []struct {
		name     string
		opts     []func(*middleware.Stack) error
		wantHost string
	}{
		{"with DisableHostPrefix", []func(*middleware.Stack) error{DisableHostPrefix}, "127.0.0.1:8083"},
		{"without", nil, "sync-127.0.0.1:8083"},
	} {
		hosts = nil
		client := sfn.New(sfn.Options{
			Region:           "us-east-1",
			BaseEndpoint:     aws.String(endpoint),
			Credentials:      credentials.NewStaticCredentialsProvider("AKID", "placeholder", ""),
			RetryMaxAttempts: 1,
			APIOptions:       tt.opts,
			HTTPClient:       answer,
		})
		if _, err := client.StartSyncExecution(t.Context(), in); err != nil {
			t.Fatalf("%s: StartSyncExecution: %v", tt.name, err)
		}
		if len(hosts) != 1 || hosts[0] != tt.wantHost {
			t.Errorf("%s: StartSyncExecution sent to %q, want [%q]", tt.name, hosts, tt.wantHost)
		}
	}
}
