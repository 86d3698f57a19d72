package auth

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

const (
	testRegion    = "eu-west-1"
	testAccount   = "123456789012"
	testRoleARN   = "arn:aws:iam::123456789012:role/polysync-sfn"
	testRole2ARN  = "arn:aws:iam::210987654321:role/polysync-target"
	testTenant    = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	testIssuer    = "https://login.microsoftonline.com/" + testTenant + "/v2.0"
	testObjectID  = "5a1f2a3b-0000-4c4d-8e8f-0123456789ab"
	testAppIDURI  = "api://polysync-aws"
	testExternal  = "polysync-ext-7f3a9c"
	stsXMLNS      = "https://sts.amazonaws.com/doc/2011-06-15/"
	fakeKeyPrefix = "ASIAFAKE"
)

// stsCall is what the fake STS received in one request.
type stsCall struct {
	Action           string
	RoleArn          string
	RoleSessionName  string
	WebIdentityToken string
	ExternalID       string
	DurationSeconds  string
	PolicyArns       []string
	// SignedBy is the access key ID in the SigV4 Authorization header, empty
	// for an unsigned request.
	SignedBy string
	// Scope is the credential scope's "<region>/<service>".
	Scope string
}

// stsError is an STS error answer.
type stsError struct {
	Status  int
	Code    string
	Message string
}

// stsFake is an STS endpoint speaking the awsQuery protocol: form-encoded POST
// in, XML out, in the shapes of the SDK's deserializers and real STS answers.
type stsFake struct {
	t   *testing.T
	srv *httptest.Server

	mu     sync.Mutex
	calls  []stsCall
	queue  []stsError // answered first, one per request
	always *stsError  // answered when the queue is empty, if set
	issued int
	// expiry is the lifetime of the credentials issued, or the requested
	// DurationSeconds if shorter.
	expiry time.Duration
	// skew is how far STS's clock is ahead of this host's (behind if
	// negative): it shifts the Expiration STS reports.
	skew time.Duration
}

var authKeyRE = regexp.MustCompile(`Credential=([^/]+)/[0-9]{8}/([^/]+)/([^/]+)/aws4_request`)

func newSTSFake(t *testing.T) *stsFake {
	t.Helper()
	f := &stsFake{t: t, expiry: time.Hour}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// URL is the fake's base endpoint for WithSTSEndpoint.
func (f *stsFake) URL() string { return f.srv.URL }

// failNext queues error answers for the next requests.
func (f *stsFake) failNext(errs ...stsError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queue = append(f.queue, errs...)
}

// failAlways makes every request (after the queue) answer e.
func (f *stsFake) failAlways(e stsError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.always = &e
}

// Calls returns a copy of the requests received so far.
func (f *stsFake) Calls() []stsCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]stsCall(nil), f.calls...)
}

// keyID is the access key ID the fake issues in its n-th (1-based) answer.
func keyID(n int) string { return fmt.Sprintf("%s%012d", fakeKeyPrefix, n) }

// secretFor is the secret issued with keyID(n).
func secretFor(n int) string { return fmt.Sprintf("fakeSecret/%d+EXAMPLEKEYEXAMPLEKEYEXAMPLE", n) }

func (f *stsFake) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		f.t.Errorf("fake STS: method %s, want POST", r.Method)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		f.t.Errorf("fake STS: Content-Type %q, want application/x-www-form-urlencoded", ct)
	}
	if err := r.ParseForm(); err != nil {
		f.t.Errorf("fake STS: parse form: %v", err)
	}
	c := stsCall{
		Action:           r.PostForm.Get("Action"),
		RoleArn:          r.PostForm.Get("RoleArn"),
		RoleSessionName:  r.PostForm.Get("RoleSessionName"),
		WebIdentityToken: r.PostForm.Get("WebIdentityToken"),
		ExternalID:       r.PostForm.Get("ExternalId"),
		DurationSeconds:  r.PostForm.Get("DurationSeconds"),
	}
	var policyKeys []string
	for k := range r.PostForm {
		if strings.HasPrefix(k, "PolicyArns.member.") {
			policyKeys = append(policyKeys, k)
		}
	}
	sort.Strings(policyKeys)
	for _, k := range policyKeys {
		c.PolicyArns = append(c.PolicyArns, r.PostForm.Get(k))
	}
	if m := authKeyRE.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		c.SignedBy, c.Scope = m[1], m[2]+"/"+m[3]
	}
	if v := r.PostForm.Get("Version"); v != "2011-06-15" {
		f.t.Errorf("fake STS: Version %q, want 2011-06-15", v)
	}

	f.mu.Lock()
	f.calls = append(f.calls, c)
	var fail *stsError
	if len(f.queue) > 0 {
		fail = &f.queue[0]
		f.queue = f.queue[1:]
	} else if f.always != nil {
		fail = f.always
	}
	if fail == nil {
		f.issued++
	}
	n, expiry := f.issued, f.expiry
	if secs, err := strconv.Atoi(c.DurationSeconds); err == nil && time.Duration(secs)*time.Second < expiry {
		expiry = time.Duration(secs) * time.Second // as STS, which issues the duration asked for
	}
	expiry += f.skew
	f.mu.Unlock()

	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", fmt.Sprintf("req-%d", len(f.calls)))
	if fail != nil {
		w.WriteHeader(fail.Status)
		fmt.Fprintf(w, `<ErrorResponse xmlns="%s"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>req-err</RequestId></ErrorResponse>`,
			stsXMLNS, fail.Code, html.EscapeString(fail.Message))
		return
	}
	creds := fmt.Sprintf(`<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey><SessionToken>session-%d</SessionToken><Expiration>%s</Expiration></Credentials>`,
		keyID(n), html.EscapeString(secretFor(n)), n, time.Now().Add(expiry).UTC().Format(time.RFC3339))
	roleName := c.RoleArn[strings.LastIndex(c.RoleArn, "/")+1:]
	account := strings.Split(c.RoleArn, ":")[4]
	user := fmt.Sprintf(`<AssumedRoleUser><Arn>arn:aws:sts::%s:assumed-role/%s/%s</Arn><AssumedRoleId>AROAFAKE:%s</AssumedRoleId></AssumedRoleUser>`,
		account, roleName, c.RoleSessionName, c.RoleSessionName)
	switch c.Action {
	case "AssumeRoleWithWebIdentity":
		fmt.Fprintf(w, `<AssumeRoleWithWebIdentityResponse xmlns="%s"><AssumeRoleWithWebIdentityResult><SubjectFromWebIdentityToken>%s</SubjectFromWebIdentityToken><Audience>%s</Audience>%s%s<Provider>login.microsoftonline.com/%s/v2.0</Provider></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>req-ok</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
			stsXMLNS, testObjectID, testAppIDURI, user, creds, testTenant)
	case "AssumeRole":
		fmt.Fprintf(w, `<AssumeRoleResponse xmlns="%s"><AssumeRoleResult>%s%s</AssumeRoleResult><ResponseMetadata><RequestId>req-ok</RequestId></ResponseMetadata></AssumeRoleResponse>`,
			stsXMLNS, user, creds)
	default:
		f.t.Errorf("fake STS: unexpected Action %q", c.Action)
		w.WriteHeader(http.StatusBadRequest)
	}
}

// testBase is the aws.Config a caller would pass: a region and a standard
// retryer without backoff delays, so retries are real but instant.
func testBase() aws.Config {
	return aws.Config{
		Region: testRegion,
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
				o.RateLimiter = ratelimit.None
			})
		},
	}
}

// makeJWT builds an unsigned-looking JWT with the given claims and a unique
// signature part, the secret part that must never be printed.
func makeJWT(t *testing.T, claims map[string]any) string {
	t.Helper()
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT","kid":"test"}`))
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	sig := base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "signature-%s-%d", t.Name(), time.Now().UnixNano()))
	return header + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + sig
}

// entraClaims are the claims of a Microsoft Entra ID v2.0 application token.
func entraClaims() map[string]any {
	return map[string]any{
		"iss": testIssuer,
		"aud": testAppIDURI,
		"sub": testObjectID,
		"oid": testObjectID,
		"tid": testTenant,
		"ver": "2.0",
		"exp": time.Now().Add(time.Hour).Unix(),
	}
}

// writeToken writes token to a file in dir the way a token projector does,
// with a trailing newline, and returns its path.
func writeToken(t *testing.T, path, token string) string {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "azure-identity-token")
	}
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
