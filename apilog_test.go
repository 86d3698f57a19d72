package stepfunctions

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/polysync/stepfunctions/auth"
)

// TestEveryCallIsLoggedSTSToo checks that the log of every call covers the STS call that gets the credentials,
// naming the role and never the keys it returns.
func TestEveryCallIsLoggedSTSToo(t *testing.T) {
	const role = "arn:aws:iam::111122223333:role/polysync"
	const issuedSecret = "issuedSecretKeyEXAMPLE0000000000000000000"
	sts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>`+
			`<Credentials><AccessKeyId>ASIAISSUED000000000</AccessKeyId><SecretAccessKey>%s</SecretAccessKey>`+
			`<SessionToken>issued-session</SessionToken><Expiration>%s</Expiration></Credentials>`+
			`<AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/polysync/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>`+
			`</AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>`,
			issuedSecret, time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
	}))
	defer sts.Close()
	t.Setenv("AWS_ENDPOINT_URL_STS", sts.URL)

	w := newWireServer(t)
	w.handle("ListStateMachines", func(map[string]any) (int, any) { return 200, map[string]any{"stateMachines": []any{}} })
	var buf bytes.Buffer
	p, err := New(context.Background(), Config{Region: "eu-west-1", Endpoint: w.srv.URL, RateLimits: unlimited(),
		Logger:      slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Credentials: auth.AssumeRole(role, auth.Static("AKIDBASE000000000000", "baseSecretEXAMPLE", ""))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.ListJobs(context.Background()); err != nil {
		t.Fatalf("ListJobs() error = %v", err)
	}
	out := buf.String()
	for _, want := range []string{
		`msg="api call" op=AssumeRole resource=` + role + ` status=200`,
		`msg="api call" op=ListStateMachines resource=* status=200`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{issuedSecret, "baseSecretEXAMPLE", "issued-session"} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds %q", secret)
		}
	}
}
