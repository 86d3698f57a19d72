package auth

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/polysync/stepfunctions/internal/testkit"
)

func TestSourcesNeverPrintSecrets(t *testing.T) {
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.SIGNATUREsecretPART"
	tokenFunc := TokenFunc(func(context.Context) (string, error) { return jwt, nil })
	static := Static(testKeyID, testSecret, testToken)
	secrets := []string{testSecret, testToken, testExternal, jwt, "SIGNATUREsecretPART"}

	tests := []struct {
		name string
		src  Source
		want string // String()
	}{
		{name: "static", src: static, want: "static(AKIA****MPLE)"},
		{name: "default", src: Default(), want: "default-chain"},
		{name: "web identity, file", src: WebIdentity(testRoleARN, TokenFile("/var/run/secrets/azure/tokens/azure-identity-token")),
			want: "web-identity(role=" + testRoleARN + ", token=file:/var/run/secrets/azure/tokens/azure-identity-token)"},
		{name: "web identity, func", src: WebIdentity(testRoleARN, tokenFunc), want: "web-identity(role=" + testRoleARN + ", token=func)"},
		{name: "assume role with external ID", src: AssumeRole(testRole2ARN, static, WithExternalID(testExternal)),
			want: "assume-role(role=" + testRole2ARN + ", external-id=****, base=static(AKIA****MPLE))"},
		{name: "chain", src: AssumeRole(testRole2ARN, WebIdentity(testRoleARN, tokenFunc), WithExternalID(testExternal)),
			want: "assume-role(role=" + testRole2ARN + ", external-id=****, base=web-identity(role=" + testRoleARN + ", token=func))"},
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3v", "%T", "%p"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.src.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			gs, ok := tt.src.(fmt.GoStringer)
			if !ok {
				t.Fatalf("%T does not implement fmt.GoStringer", tt.src)
			}
			outputs := map[string]string{"GoString()": gs.GoString()}
			for _, verb := range verbs {
				outputs[verb] = fmt.Sprintf(verb, tt.src)
				// Nested in a struct, exported and unexported, by value and pointer.
				outputs["struct "+verb] = fmt.Sprintf(verb, struct {
					Src Source
					src Source
				}{tt.src, tt.src})
				outputs["slice "+verb] = fmt.Sprintf(verb, []Source{tt.src})
			}
			var text, js bytes.Buffer
			slog.New(slog.NewTextHandler(&text, nil)).Info("resolve", "source", tt.src)
			slog.New(slog.NewJSONHandler(&js, nil)).Info("resolve", "source", tt.src)
			outputs["slog text"], outputs["slog json"] = text.String(), js.String()
			b, err := json.Marshal(tt.src)
			if err != nil {
				t.Fatalf("json.Marshal: %v", err)
			}
			outputs["json"] = string(b)

			for where, out := range outputs {
				for _, secret := range secrets {
					for _, form := range []string{secret, hex.EncodeToString([]byte(secret)), strings.ToUpper(hex.EncodeToString([]byte(secret)))} {
						if strings.Contains(out, form) {
							t.Errorf("%s reveals a secret: %s", where, out)
						}
					}
				}
			}
			if !strings.Contains(outputs["%v"], tt.want) || !strings.Contains(outputs["%+v"], tt.want) {
				t.Errorf("%%v = %q, want the description %q", outputs["%v"], tt.want)
			}
			if want := fmt.Sprintf("auth.Source(%q)", tt.want); outputs["%#v"] != want {
				t.Errorf("%%#v = %q, want %q", outputs["%#v"], want)
			}
		})
	}
}

func TestLogValueDescribesSource(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	src := AssumeRole(testRole2ARN, Static(testKeyID, testSecret, testToken), WithExternalID(testExternal), WithSessionName("polysync-ci"))
	log.Info("credentials", "source", src)
	want := `{"level":"INFO","msg":"credentials","source":{"type":"assume-role","role_arn":"` + testRole2ARN +
		`","external_id":true,"session_name":"polysync-ci","base":{"type":"static","access_key_id":"AKIA****MPLE","session_token":true}}}` + "\n"
	if got := buf.String(); got != want {
		t.Errorf("slog JSON =\n%s\nwant\n%s", got, want)
	}
}

// TestProvidersNeverPrintSecrets formats the providers Credentials returns,
// before their first Retrieve: afterwards the SDK's aws.CredentialsCache holds
// the keys itself, and printing it by reflection is both racy and, for verbs
// other than %v, revealing. That is the SDK's type, out of this package's
// reach; callers must not format providers.
func TestProvidersNeverPrintSecrets(t *testing.T) {
	jwt := makeJWT(t, entraClaims())
	web := WebIdentity(testRoleARN, TokenFunc(func(context.Context) (string, error) { return jwt, nil }))
	tests := []struct {
		name    string
		src     Source
		secrets []string
	}{
		{name: "static", src: Static(testKeyID, testSecret, testToken), secrets: []string{testSecret, testToken}},
		{name: "web identity", src: web, secrets: []string{jwt}},
		{name: "assume role", src: AssumeRole(testRole2ARN, Static(testKeyID, testSecret, testToken), WithExternalID(testExternal)),
			secrets: []string{testSecret, testToken, testExternal}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.src.Credentials(context.Background(), testBase())
			if err != nil {
				t.Fatalf("Credentials() error = %v", err)
			}
			for _, verb := range []string{"%v", "%+v", "%#v"} {
				out := fmt.Sprintf(verb, p)
				for _, secret := range tt.secrets {
					if strings.Contains(out, secret) {
						t.Errorf("fmt %s of the provider reveals a secret: %s", verb, out)
					}
				}
			}
		})
	}
}

// TestCredentialRequestsAreNeverLogged: a caller that turns on the SDK's
// request and response logging for its own clients (base.ClientLogMode) must
// not find the identity token, the external ID, the base session's token or
// the keys STS issues in its log: the STS clients and the default chain's
// clients log retries only.
func TestCredentialRequestsAreNeverLogged(t *testing.T) {
	jwt := makeJWT(t, entraClaims())
	sig := jwt[strings.LastIndex(jwt, ".")+1:]
	const everything = aws.LogSigning | aws.LogRetries | aws.LogRequest | aws.LogRequestWithBody |
		aws.LogResponse | aws.LogResponseWithBody | aws.LogDeprecatedUsage | aws.LogRequestEventMessage |
		aws.LogResponseEventMessage
	sources := map[string]func(t *testing.T, stsURL string) Source{
		"web identity": func(t *testing.T, u string) Source {
			return WebIdentity(testRoleARN, TokenFile(writeToken(t, "", jwt)), WithSTSEndpoint(u))
		},
		"assume role": func(t *testing.T, u string) Source {
			return AssumeRole(testRole2ARN, Static(testKeyID, testSecret, testToken), WithSTSEndpoint(u),
				WithExternalID(testExternal))
		},
		"default chain, web identity from the environment": func(t *testing.T, u string) Source {
			testkit.IsolateAWSEnv(t)
			t.Setenv("AWS_ROLE_ARN", testRoleARN)
			t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", writeToken(t, "", jwt))
			t.Setenv("AWS_ENDPOINT_URL_STS", u)
			return Default()
		},
	}
	for name, newSource := range sources {
		t.Run(name, func(t *testing.T) {
			fake := newSTSFake(t)
			var log logRecorder
			base := testBase()
			base.Logger, base.ClientLogMode = &log, everything
			_, creds := mustRetrieve(t, newSource(t, fake.URL()), base)
			if creds.SecretAccessKey != secretFor(1) {
				t.Fatalf("Retrieve() = %s, want the fake's first keys", creds.AccessKeyID)
			}
			assertNoSecret(t, log.String(), jwt, sig, testExternal, testSecret, testToken, secretFor(1), "session-1")
		})
	}
}
