package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/smithy-go"
)

func TestWebIdentityExchangesToken(t *testing.T) {
	tests := []struct {
		name             string
		opts             []WebIdentityOption
		wantSession      string // exact, or prefix when wantPrefix
		wantPrefix       bool
		wantDuration     string
		wantPolicyARNs   []string
		wantTokenTrimmed bool
	}{
		{
			name:         "defaults",
			wantSession:  DefaultSessionPrefix + "-",
			wantPrefix:   true,
			wantDuration: "3600",
		},
		{
			name: "explicit options",
			opts: []WebIdentityOption{
				WithSessionName("polysync@host-1"),
				WithDuration(15 * time.Minute),
				WithPolicyARNs("arn:aws:iam::aws:policy/AWSStepFunctionsReadOnlyAccess", "arn:aws:iam::123456789012:policy/polysync-run"),
			},
			wantSession:    "polysync@host-1",
			wantDuration:   "900",
			wantPolicyARNs: []string{"arn:aws:iam::aws:policy/AWSStepFunctionsReadOnlyAccess", "arn:aws:iam::123456789012:policy/polysync-run"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newSTSFake(t)
			token := makeJWT(t, entraClaims())
			path := writeToken(t, "", token)
			opts := append([]WebIdentityOption{WithSTSEndpoint(fake.URL())}, tt.opts...)
			before := time.Now()

			p, err := WebIdentity(testRoleARN, TokenFile(path), opts...).Credentials(context.Background(), testBase())
			if err != nil {
				t.Fatalf("Credentials() error = %v", err)
			}
			assertCachedOnce(t, p)
			if n := len(fake.Calls()); n != 0 {
				t.Fatalf("Credentials() made %d STS calls, want none before Retrieve", n)
			}
			c, err := p.Retrieve(context.Background())
			if err != nil {
				t.Fatalf("Retrieve() error = %v", err)
			}

			calls := fake.Calls()
			if len(calls) != 1 {
				t.Fatalf("STS calls = %d, want 1", len(calls))
			}
			got := calls[0]
			if got.Action != "AssumeRoleWithWebIdentity" {
				t.Errorf("Action = %q, want AssumeRoleWithWebIdentity", got.Action)
			}
			if got.RoleArn != testRoleARN {
				t.Errorf("RoleArn = %q, want %q", got.RoleArn, testRoleARN)
			}
			if got.WebIdentityToken != token {
				t.Errorf("WebIdentityToken differs from the token file's trimmed content (len %d, want %d)", len(got.WebIdentityToken), len(token))
			}
			if tt.wantPrefix {
				if !strings.HasPrefix(got.RoleSessionName, tt.wantSession) {
					t.Errorf("RoleSessionName = %q, want prefix %q", got.RoleSessionName, tt.wantSession)
				}
				if err := validateSessionName(got.RoleSessionName); err != nil {
					t.Errorf("default RoleSessionName invalid: %v", err)
				}
			} else if got.RoleSessionName != tt.wantSession {
				t.Errorf("RoleSessionName = %q, want %q", got.RoleSessionName, tt.wantSession)
			}
			if got.DurationSeconds != tt.wantDuration {
				t.Errorf("DurationSeconds = %q, want %q", got.DurationSeconds, tt.wantDuration)
			}
			if !slices.Equal(got.PolicyArns, tt.wantPolicyARNs) {
				t.Errorf("PolicyArns = %q, want %q", got.PolicyArns, tt.wantPolicyARNs)
			}
			if got.SignedBy != "" {
				t.Errorf("AssumeRoleWithWebIdentity signed by %q, want an unsigned request", got.SignedBy)
			}

			if c.AccessKeyID != keyID(1) || c.SecretAccessKey != secretFor(1) || c.SessionToken != "session-1" {
				t.Errorf("Retrieve() = %s/%s, want the keys STS issued", c.AccessKeyID, c.SessionToken)
			}
			if c.Source != stscreds.WebIdentityProviderName {
				t.Errorf("Retrieve().Source = %q, want %q", c.Source, stscreds.WebIdentityProviderName)
			}
			if c.AccountID != testAccount {
				t.Errorf("Retrieve().AccountID = %q, want %q", c.AccountID, testAccount)
			}
			// The cache refreshes 4-5 minutes before the session's expiry.
			d, _ := strconv.Atoi(tt.wantDuration)
			lifetime := time.Duration(d) * time.Second
			if !c.CanExpire || c.Expires.Before(before.Add(lifetime-6*time.Minute)) || c.Expires.After(before.Add(lifetime-3*time.Minute)) {
				t.Errorf("Retrieve().Expires = %v, want 4-5 minutes before the %v session ends", c.Expires, lifetime)
			}
		})
	}
}

func TestWebIdentityPicksUpRotatedToken(t *testing.T) {
	fake := newSTSFake(t)
	first := makeJWT(t, entraClaims())
	path := writeToken(t, "", first)
	p, err := WebIdentity(testRoleARN, TokenFile(path), WithSTSEndpoint(fake.URL())).Credentials(context.Background(), testBase())
	if err != nil {
		t.Fatalf("Credentials() error = %v", err)
	}
	ctx := context.Background()
	if _, err := p.Retrieve(ctx); err != nil {
		t.Fatalf("first Retrieve() error = %v", err)
	}
	// A second Retrieve is served from the cache: the token is not re-sent.
	if _, err := p.Retrieve(ctx); err != nil {
		t.Fatalf("second Retrieve() error = %v", err)
	}
	if n := len(fake.Calls()); n != 1 {
		t.Fatalf("STS calls after two Retrieves = %d, want 1 (cached)", n)
	}

	second := makeJWT(t, entraClaims())
	writeToken(t, path, second)
	p.(*aws.CredentialsCache).Invalidate()
	c, err := p.Retrieve(ctx)
	if err != nil {
		t.Fatalf("Retrieve() after rotation error = %v", err)
	}
	calls := fake.Calls()
	if len(calls) != 2 {
		t.Fatalf("STS calls = %d, want 2", len(calls))
	}
	if calls[1].WebIdentityToken != second {
		t.Errorf("refresh sent the old token, want the rotated one")
	}
	if c.AccessKeyID != keyID(2) {
		t.Errorf("Retrieve().AccessKeyID = %q, want the refreshed %q", c.AccessKeyID, keyID(2))
	}
}

func TestWebIdentityRejectedToken(t *testing.T) {
	tests := []struct {
		name     string
		err      stsError
		claims   func() map[string]any
		wantText []string
	}{
		{
			name:   "InvalidIdentityToken",
			err:    stsError{Status: 400, Code: "InvalidIdentityToken", Message: "Incorrect token audience"},
			claims: entraClaims,
			wantText: []string{
				"InvalidIdentityToken", "Incorrect token audience",
				"https://login.microsoftonline.com/<tenant-id>/v2.0", "sts.amazonaws.com", ":sub", "oid",
				`iss="` + testIssuer + `"`, `aud="` + testAppIDURI + `"`, `oid="` + testObjectID + `"`,
				`"arn:aws:iam::123456789012:oidc-provider/login.microsoftonline.com/` + testTenant + `/v2.0"`,
				`"login.microsoftonline.com/` + testTenant + `/v2.0:sub = ` + testObjectID + `"`,
			},
		},
		{
			name:     "IDPRejectedClaim",
			err:      stsError{Status: 403, Code: "IDPRejectedClaim", Message: "Token audience is not valid for this provider"},
			claims:   entraClaims,
			wantText: []string{"IDPRejectedClaim", "trust policy", ":aud", ":sub", `sub="` + testObjectID + `"`},
		},
		{
			name: "ExpiredTokenException",
			err:  stsError{Status: 400, Code: "ExpiredTokenException", Message: "Token expired: current date/time 1 must be before the expiration date/time 0"},
			claims: func() map[string]any {
				c := entraClaims()
				c["exp"] = time.Now().Add(-10 * time.Minute).Unix()
				return c
			},
			wantText: []string{"ExpiredTokenException", "has expired", "AZURE_FEDERATED_TOKEN_FILE", "expired 10m", "clock"},
		},
		{
			name: "v1.0 Entra token",
			err:  stsError{Status: 400, Code: "InvalidIdentityToken", Message: "No OpenIDConnect provider found in your account for https://sts.windows.net/" + testTenant + "/"},
			claims: func() map[string]any {
				c := entraClaims()
				c["ver"], c["iss"] = "1.0", "https://sts.windows.net/"+testTenant+"/"
				return c
			},
			wantText: []string{"v1.0 token", "accessTokenAcceptedVersion"},
		},
		{
			name: "AKS service account token",
			err:  stsError{Status: 400, Code: "InvalidIdentityToken", Message: "No OpenIDConnect provider found in your account"},
			claims: func() map[string]any {
				return map[string]any{
					"iss": "https://westeurope.oic.prod-aks.azure.com/" + testTenant + "/0b6e1c2d/",
					"aud": []string{"api://AzureADTokenExchange"},
					"sub": "system:serviceaccount:polysync:runner",
					"exp": time.Now().Add(time.Hour).Unix(),
				}
			},
			wantText: []string{"Azure Workload Identity service account token", `aud="api://AzureADTokenExchange"`,
				`"westeurope.oic.prod-aks.azure.com/` + testTenant + `/0b6e1c2d:sub = system:serviceaccount:polysync:runner"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newSTSFake(t)
			fake.failAlways(tt.err)
			token := makeJWT(t, tt.claims())
			err := retrieveErr(t, WebIdentity(testRoleARN, TokenFunc(func(context.Context) (string, error) { return token, nil }),
				WithSTSEndpoint(fake.URL())), testBase())
			if err == nil {
				t.Fatal("Retrieve() error = nil, want the STS error")
			}
			if !errors.Is(err, ErrInvalidIdentityToken) {
				t.Errorf("errors.Is(%v, ErrInvalidIdentityToken) = false, want true", err)
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != tt.err.Code {
				t.Errorf("errors.As(err, &smithy.APIError) code = %v, want %q", ae, tt.err.Code)
			}
			for _, want := range tt.wantText {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
			assertNoSecret(t, err.Error(), token, strings.Split(token, ".")[2])
		})
	}
}

func TestWebIdentityIDPCommunicationError(t *testing.T) {
	idpDown := stsError{Status: 400, Code: "IDPCommunicationError", Message: "Couldn't retrieve verification key from your identity provider"}
	t.Run("transient failure is retried", func(t *testing.T) {
		fake := newSTSFake(t)
		fake.failNext(idpDown, idpDown)
		p, err := WebIdentity(testRoleARN, TokenFile(writeToken(t, "", makeJWT(t, entraClaims()))),
			WithSTSEndpoint(fake.URL())).Credentials(context.Background(), testBase())
		if err != nil {
			t.Fatalf("Credentials() error = %v", err)
		}
		c, err := p.Retrieve(context.Background())
		if err != nil {
			t.Fatalf("Retrieve() error = %v, want success after retries", err)
		}
		if c.AccessKeyID != keyID(1) {
			t.Errorf("Retrieve().AccessKeyID = %q, want %q", c.AccessKeyID, keyID(1))
		}
		if n := len(fake.Calls()); n != 3 {
			t.Errorf("STS calls = %d, want 3 (two failures, one success)", n)
		}
	})
	t.Run("persistent failure explains", func(t *testing.T) {
		fake := newSTSFake(t)
		fake.failAlways(idpDown)
		err := retrieveErr(t, WebIdentity(testRoleARN, TokenFile(writeToken(t, "", makeJWT(t, entraClaims()))),
			WithSTSEndpoint(fake.URL())), testBase())
		if err == nil {
			t.Fatal("Retrieve() error = nil, want IDPCommunicationError")
		}
		if errors.Is(err, ErrInvalidIdentityToken) {
			t.Errorf("errors.Is(err, ErrInvalidIdentityToken) = true for a transient IDP outage, want false")
		}
		if !strings.Contains(err.Error(), "openid-configuration") {
			t.Errorf("error lacks the OpenID configuration hint: %v", err)
		}
		if n := len(fake.Calls()); n != 3 {
			t.Errorf("STS calls = %d, want 3 (the retryer's max attempts)", n)
		}
	})
}

func TestWebIdentityTokenSourceErrors(t *testing.T) {
	dir := t.TempDir()
	emptyFile := filepath.Join(dir, "empty")
	if err := os.WriteFile(emptyFile, []byte(" \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bigFile := filepath.Join(dir, "big")
	if err := os.WriteFile(bigFile, make([]byte, maxTokenSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	errMint := errors.New("azidentity: managed identity unavailable")
	tests := []struct {
		name    string
		token   TokenSource
		opts    []WebIdentityOption
		wantErr string
		wantIs  error
	}{
		{name: "missing file", token: TokenFile(filepath.Join(dir, "nope")), wantErr: `token file "` + filepath.Join(dir, "nope") + `" does not exist`, wantIs: os.ErrNotExist},
		{name: "empty file", token: TokenFile(emptyFile), wantErr: `token file "` + emptyFile + `" is empty`},
		{name: "oversized file", token: TokenFile(bigFile), wantErr: "too large for an identity token"},
		{name: "empty path", token: TokenFile(""), wantErr: "token file path is empty"},
		{name: "func error", token: TokenFunc(func(context.Context) (string, error) { return "", errMint }), wantErr: "managed identity unavailable", wantIs: errMint},
		{name: "func empty token", token: TokenFunc(func(context.Context) (string, error) { return "\n", nil }), wantErr: "empty token"},
		{
			name: "func hangs past the token timeout",
			token: TokenFunc(func(ctx context.Context) (string, error) {
				<-ctx.Done()
				return "", ctx.Err()
			}),
			opts:    []WebIdentityOption{WithTokenTimeout(10 * time.Millisecond)},
			wantErr: "get identity token",
			wantIs:  context.DeadlineExceeded,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newSTSFake(t)
			opts := append([]WebIdentityOption{WithSTSEndpoint(fake.URL())}, tt.opts...)
			err := retrieveErr(t, WebIdentity(testRoleARN, tt.token, opts...), testBase())
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Retrieve() error = %v, want it to contain %q", err, tt.wantErr)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false, want true", err, tt.wantIs)
			}
			if n := len(fake.Calls()); n != 0 {
				t.Errorf("STS calls = %d, want none without a token", n)
			}
		})
	}
}

func TestWebIdentityValidation(t *testing.T) {
	token := TokenFunc(func(context.Context) (string, error) { return "unused", nil })
	var nilFunc TokenFunc
	tests := []struct {
		name    string
		roleARN string
		token   TokenSource
		opts    []WebIdentityOption
		base    func(*aws.Config)
		wantErr string
	}{
		{name: "empty role ARN", token: token, wantErr: "role ARN is empty"},
		{name: "user ARN", roleARN: "arn:aws:iam::123456789012:user/alice", token: token, wantErr: `resource type is "user", not role`},
		{name: "assumed-role ARN", roleARN: "arn:aws:sts::123456789012:assumed-role/polysync-sfn/session", token: token, wantErr: "assumed-role session ARN"},
		{name: "short account", roleARN: "arn:aws:iam::12345:role/x", token: token, wantErr: `account "12345" is not 12 digits`},
		{name: "nil token source", roleARN: testRoleARN, wantErr: "token source is nil"},
		{name: "nil token func", roleARN: testRoleARN, token: nilFunc, wantErr: "token source is nil"},
		{name: "bad session name", roleARN: testRoleARN, token: token, opts: []WebIdentityOption{WithSessionName("has space")}, wantErr: `session name "has space"`},
		{name: "duration too short", roleARN: testRoleARN, token: token, opts: []WebIdentityOption{WithDuration(time.Minute)}, wantErr: "outside STS's range"},
		{name: "duration too long", roleARN: testRoleARN, token: token, opts: []WebIdentityOption{WithDuration(13 * time.Hour)}, wantErr: "outside STS's range"},
		{name: "fractional duration", roleARN: testRoleARN, token: token, opts: []WebIdentityOption{WithDuration(20*time.Minute + time.Millisecond)}, wantErr: "whole number of seconds"},
		{name: "endpoint with password", roleARN: testRoleARN, token: token, opts: []WebIdentityOption{WithSTSEndpoint("https://user:hunter2@sts.example")}, wantErr: `host "sts.example" must not carry user information`},
		{name: "unparsable endpoint", roleARN: testRoleARN, token: token, opts: []WebIdentityOption{WithSTSEndpoint("https://hunter2@[::1")}, wantErr: "STS endpoint is not a URL"},
		{name: "relative endpoint", roleARN: testRoleARN, token: token, opts: []WebIdentityOption{WithSTSEndpoint("sts.eu-west-1.amazonaws.com")}, wantErr: "absolute http or https URL"},
		{name: "plain http to another host", roleARN: testRoleARN, token: token, opts: []WebIdentityOption{WithSTSEndpoint("http://localstack:4566")}, wantErr: `STS endpoint "http://localstack:4566" is plain http to a host that is not loopback`},
		{name: "bad policy ARN", roleARN: testRoleARN, token: token, opts: []WebIdentityOption{WithPolicyARNs("arn:aws:iam::aws:role/x")}, wantErr: "not an IAM managed policy ARN"},
		{name: "too many policy ARNs", roleARN: testRoleARN, token: token, opts: []WebIdentityOption{WithPolicyARNs(slices.Repeat([]string{"arn:aws:iam::aws:policy/P"}, 11)...)}, wantErr: "at most 10"},
		{name: "zero token timeout", roleARN: testRoleARN, token: token, opts: []WebIdentityOption{WithTokenTimeout(0)}, wantErr: "token timeout 0s must be positive"},
		{name: "no region", roleARN: testRoleARN, token: token, base: func(c *aws.Config) { c.Region = "" }, wantErr: "region is empty"},
		{name: "global region", roleARN: testRoleARN, token: token, base: func(c *aws.Config) { c.Region = "aws-global" }, wantErr: "global STS endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := testBase()
			if tt.base != nil {
				tt.base(&base)
			}
			p, err := WebIdentity(tt.roleARN, tt.token, tt.opts...).Credentials(context.Background(), base)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Credentials() = %v, %v; want error containing %q", p, err, tt.wantErr)
			}
			assertNoSecret(t, err.Error(), "hunter2")
		})
	}
}

func TestWebIdentitySharesOneRefresh(t *testing.T) {
	fake := newSTSFake(t)
	p, err := WebIdentity(testRoleARN, TokenFile(writeToken(t, "", makeJWT(t, entraClaims()))),
		WithSTSEndpoint(fake.URL())).Credentials(context.Background(), testBase())
	if err != nil {
		t.Fatalf("Credentials() error = %v", err)
	}
	const callers = 64
	var wg sync.WaitGroup
	keys := make([]string, callers)
	errs := make([]error, callers)
	start := make(chan struct{})
	for i := range callers {
		wg.Go(func() {
			<-start
			c, err := p.Retrieve(context.Background())
			keys[i], errs[i] = c.AccessKeyID, err
		})
	}
	close(start)
	wg.Wait()
	for i := range callers {
		if errs[i] != nil || keys[i] != keyID(1) {
			t.Fatalf("caller %d: Retrieve() = %q, %v; want %q", i, keys[i], errs[i], keyID(1))
		}
	}
	if n := len(fake.Calls()); n != 1 {
		t.Errorf("STS calls for %d concurrent Retrieves = %d, want 1", callers, n)
	}
}

func TestWebIdentityOtherSTSErrors(t *testing.T) {
	tests := []struct {
		err      stsError
		wantText string
	}{
		{err: stsError{Status: 403, Code: "AccessDenied", Message: "Not authorized to perform sts:AssumeRoleWithWebIdentity"}, wantText: "trust policy does not allow this token"},
		{err: stsError{Status: 403, Code: "RegionDisabledException", Message: "STS is not activated in this region"}, wantText: "Activate STS in this region"},
		{err: stsError{Status: 400, Code: "PackedPolicyTooLarge", Message: "Packed policy too large"}, wantText: "PackedPolicyTooLarge"},
	}
	for _, tt := range tests {
		t.Run(tt.err.Code, func(t *testing.T) {
			fake := newSTSFake(t)
			fake.failAlways(tt.err)
			token := makeJWT(t, entraClaims())
			err := retrieveErr(t, WebIdentity(testRoleARN, TokenFile(writeToken(t, "", token)), WithSTSEndpoint(fake.URL())), testBase())
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != tt.err.Code {
				t.Fatalf("Retrieve() error = %v, want STS code %s", err, tt.err.Code)
			}
			if errors.Is(err, ErrInvalidIdentityToken) {
				t.Errorf("errors.Is(err, ErrInvalidIdentityToken) = true for %s, want false", tt.err.Code)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error lacks %q: %v", tt.wantText, err)
			}
			assertNoSecret(t, err.Error(), token)
		})
	}
}

// TestWebIdentityTokenSourceIgnoringItsContext: a TokenSource that never
// returns, whatever its context (a TokenFunc blocked on a lock, a file on a
// hung network mount), must not wedge the credential cache: each refresh
// ends after the token timeout with an error naming it, and later refreshes
// wait for the same stuck call instead of piling up more of them.
func TestWebIdentityTokenSourceIgnoringItsContext(t *testing.T) {
	fake := newSTSFake(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	var mu sync.Mutex
	calls := 0
	token := TokenFunc(func(context.Context) (string, error) {
		mu.Lock()
		calls++
		mu.Unlock()
		<-release // ignores its context
		return "", errors.New("released")
	})
	p, err := WebIdentity(testRoleARN, token, WithSTSEndpoint(fake.URL()), WithTokenTimeout(20*time.Millisecond)).
		Credentials(context.Background(), testBase())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		done := make(chan error, 1)
		go func() {
			_, err := p.Retrieve(context.Background())
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "20ms") {
				t.Errorf("Retrieve() #%d error = %v, want context.DeadlineExceeded naming the 20ms token timeout", i+1, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Retrieve() #%d still blocked 10s after a 20ms token timeout: a stuck TokenSource wedges the cache", i+1)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if calls != 1 {
		t.Errorf("TokenSource calls = %d, want 1: later refreshes wait for the stuck call rather than start more", calls)
	}
}

// TestIncompleteSTSAnswerIsAnError: an answer that lacks part of the
// credentials (from a broken proxy or STS look-alike) is an error naming what
// is missing, not credentials that fail every call (no session token) or
// that are expired on arrival, which sent one STS request per AWS call (no
// Expiration).
func TestIncompleteSTSAnswerIsAnError(t *testing.T) {
	const (
		key    = "<AccessKeyId>ASIAINCOMPLETE000001</AccessKeyId>"
		secret = "<SecretAccessKey>incompleteSecretEXAMPLE</SecretAccessKey>"
		token  = "<SessionToken>incomplete-session</SessionToken>"
		expiry = "<Expiration>2099-01-01T00:00:00Z</Expiration>"
	)
	tests := []struct {
		missing string
		creds   string
	}{
		{"Expiration", key + secret + token},
		{"SessionToken", key + secret + expiry},
		{"SecretAccessKey", key + token + expiry},
		{"AccessKeyId", secret + token + expiry},
	}
	sources := map[string]func(u string) Source{
		"web identity": func(u string) Source {
			return WebIdentity(testRoleARN, TokenFunc(func(context.Context) (string, error) { return "a.b.c", nil }), WithSTSEndpoint(u))
		},
		"assume role": func(u string) Source {
			return AssumeRole(testRole2ARN, Static(testKeyID, testSecret, ""), WithSTSEndpoint(u))
		},
	}
	for name, newSource := range sources {
		for _, tt := range tests {
			t.Run(name+"/no "+tt.missing, func(t *testing.T) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					_ = r.ParseForm()
					action := r.PostForm.Get("Action")
					w.Header().Set("Content-Type", "text/xml")
					fmt.Fprintf(w, `<%sResponse xmlns="%s"><%sResult><Credentials>%s</Credentials></%sResult></%sResponse>`,
						action, stsXMLNS, action, tt.creds, action, action)
				}))
				t.Cleanup(srv.Close)
				err := retrieveErr(t, newSource(srv.URL), testBase())
				if err == nil || !strings.Contains(err.Error(), tt.missing) {
					t.Fatalf("Retrieve() of an answer without %s: error = %v, want one naming it", tt.missing, err)
				}
				assertNoSecret(t, err.Error(), "incompleteSecretEXAMPLE", "incomplete-session")
			})
		}
	}
}

func TestWebIdentityRefusesATokenLongerThanSTSAccepts(t *testing.T) {
	// A JWT padded by a claim to exactly n characters.
	jwtOfLength := func(t *testing.T, n int) string {
		t.Helper()
		claims := entraClaims()
		claims["pad"] = ""
		short := makeJWT(t, claims)
		// Each 3 bytes of claim add 4 base64url characters.
		claims["pad"] = strings.Repeat("p", (n-len(short))/4*3)
		token := makeJWT(t, claims)
		token += strings.Repeat("s", n-len(token)) // lengthen the signature part
		if len(token) != n {
			t.Fatalf("test token is %d characters, want %d", len(token), n)
		}
		return token
	}
	for _, n := range []int{maxWebIdentityTokenLength, maxWebIdentityTokenLength + 1, maxTokenSize - 1} {
		for _, kind := range []string{"file", "func"} {
			t.Run(fmt.Sprintf("%s %d", kind, n), func(t *testing.T) {
				token := jwtOfLength(t, n)
				ts := TokenSource(TokenFunc(func(context.Context) (string, error) { return token, nil }))
				if kind == "file" {
					ts = TokenFile(writeToken(t, "", token))
				}
				fake := newSTSFake(t)
				src := WebIdentity(testRoleARN, ts, WithSTSEndpoint(fake.URL()))
				err := retrieveErr(t, src, testBase())
				if n <= maxWebIdentityTokenLength {
					if err != nil {
						t.Fatalf("Retrieve() with a token of %d characters: %v", n, err)
					}
					return
				}
				want := fmt.Sprintf("identity token is %d characters long, more than the %d", n, maxWebIdentityTokenLength)
				if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), src.String()) {
					t.Fatalf("Retrieve() error = %v, want it to name the source %s and contain %q", err, src, want)
				}
				sig := strings.Split(token, ".")[2]
				assertNoSecret(t, err.Error(), sig[:16], strings.Repeat("p", 16))
				if calls := len(fake.Calls()); calls != 0 {
					t.Errorf("STS calls = %d, want none: the token goes nowhere", calls)
				}
			})
		}
	}
}
