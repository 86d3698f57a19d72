package sdkhttp

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go/middleware"
)

// TestDisableHostPrefix checks that StartSyncExecution reaches a loopback endpoint as given, where without the
// option the SDK would send it to "sync-127.0.0.1", a host that does not resolve.
func TestDisableHostPrefix(t *testing.T) {
	hosts := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hosts <- r.Host
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_, _ = w.Write([]byte(`{"executionArn":"arn:aws:states:us-east-1:123456789012:express:m:e:1","status":"SUCCEEDED","startDate":1,"stopDate":2}`))
	}))
	defer srv.Close()
	newClient := func(opts ...func(*middleware.Stack) error) *sfn.Client {
		return sfn.New(sfn.Options{
			Region:           "us-east-1",
			BaseEndpoint:     aws.String(srv.URL),
			Credentials:      credentials.NewStaticCredentialsProvider("AKID", "placeholder", ""),
			RetryMaxAttempts: 1,
			APIOptions:       opts,
		})
	}
	in := &sfn.StartSyncExecutionInput{StateMachineArn: aws.String("arn:aws:states:us-east-1:123456789012:stateMachine:m")}

	if _, err := newClient(DisableHostPrefix).StartSyncExecution(t.Context(), in); err != nil {
		t.Fatalf("StartSyncExecution with DisableHostPrefix: %v", err)
	}
	u, _ := url.Parse(srv.URL)
	if got := <-hosts; got != u.Host {
		t.Errorf("request host = %q, want %q", got, u.Host)
	}

	// Without the option the request goes to sync-127.0.0.1 and never arrives.
	if _, err := newClient().StartSyncExecution(t.Context(), in); err == nil {
		t.Errorf("StartSyncExecution without DisableHostPrefix succeeded; want a failure to reach sync-%s", u.Hostname())
	}
	select {
	case h := <-hosts:
		t.Errorf("request without the option reached the server as %q", h)
	default:
	}
}
