package auth

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

func TestAssumeRoleChainSignsWithPreviousLink(t *testing.T) {
	fake := newSTSFake(t)
	const role3 = "arn:aws:iam::333333333333:role/team/polysync-leaf"
	web := WebIdentity(testRoleARN, TokenFile(writeToken(t, "", makeJWT(t, entraClaims()))), WithSTSEndpoint(fake.URL()))
	mid := AssumeRole(testRole2ARN, web, WithSTSEndpoint(fake.URL()), WithExternalID(testExternal), WithSessionName("polysync-mid"))
	leaf := AssumeRole(role3, mid, WithSTSEndpoint(fake.URL()), WithDuration(30*time.Minute))

	p, c := mustRetrieve(t, leaf, testBase())
	assertCachedOnce(t, p)

	calls := fake.Calls()
	want := []stsCall{
		{Action: "AssumeRoleWithWebIdentity", RoleArn: testRoleARN, DurationSeconds: "3600"},
		{Action: "AssumeRole", RoleArn: testRole2ARN, ExternalID: testExternal, RoleSessionName: "polysync-mid", DurationSeconds: "3600", SignedBy: keyID(1), Scope: testRegion + "/sts"},
		{Action: "AssumeRole", RoleArn: role3, DurationSeconds: "1800", SignedBy: keyID(2), Scope: testRegion + "/sts"},
	}
	if len(calls) != len(want) {
		t.Fatalf("STS calls = %+v, want %d calls", calls, len(want))
	}
	for i, w := range want {
		g := calls[i]
		if g.Action != w.Action || g.RoleArn != w.RoleArn || g.ExternalID != w.ExternalID ||
			g.DurationSeconds != w.DurationSeconds || g.SignedBy != w.SignedBy || g.Scope != w.Scope {
			t.Errorf("call %d = {%s %s ext=%q dur=%s signedBy=%q scope=%q}, want {%s %s ext=%q dur=%s signedBy=%q scope=%q}",
				i, g.Action, g.RoleArn, g.ExternalID, g.DurationSeconds, g.SignedBy, g.Scope,
				w.Action, w.RoleArn, w.ExternalID, w.DurationSeconds, w.SignedBy, w.Scope)
		}
		if w.RoleSessionName != "" && g.RoleSessionName != w.RoleSessionName {
			t.Errorf("call %d RoleSessionName = %q, want %q", i, g.RoleSessionName, w.RoleSessionName)
		}
	}
	if c.AccessKeyID != keyID(3) || c.Source != stscreds.ProviderName || c.AccountID != "333333333333" {
		t.Errorf("Retrieve() = {%s %s %s}, want the leaf role's {%s %s 333333333333}", c.AccessKeyID, c.Source, c.AccountID, keyID(3), stscreds.ProviderName)
	}

	// Each link is cached on its own: refreshing the leaf reuses the middle
	// link's credentials instead of walking the chain again.
	p.(*aws.CredentialsCache).Invalidate()
	c, err := p.Retrieve(context.Background())
	if err != nil {
		t.Fatalf("Retrieve() after Invalidate error = %v", err)
	}
	calls = fake.Calls()
	if len(calls) != 4 || calls[3].RoleArn != role3 || calls[3].SignedBy != keyID(2) {
		t.Errorf("refresh of the leaf made calls %+v, want one AssumeRole of %s signed by %s", calls[3:], role3, keyID(2))
	}
	if c.AccessKeyID != keyID(4) {
		t.Errorf("Retrieve() after Invalidate = %q, want %q", c.AccessKeyID, keyID(4))
	}
}

func TestAssumeRoleOverStaticKeys(t *testing.T) {
	fake := newSTSFake(t)
	p, err := AssumeRole(testRole2ARN, Static(testKeyID, testSecret, ""),
		WithSTSEndpoint(fake.URL()), WithDuration(2*time.Hour)).Credentials(context.Background(), testBase())
	if err != nil {
		t.Fatalf("Credentials() error = %v", err)
	}
	if _, err := p.Retrieve(context.Background()); err != nil {
		t.Fatalf("Retrieve() error = %v", err)
	}
	calls := fake.Calls()
	if len(calls) != 1 {
		t.Fatalf("STS calls = %d, want 1", len(calls))
	}
	if calls[0].SignedBy != testKeyID {
		t.Errorf("AssumeRole signed by %q, want the static key %q", calls[0].SignedBy, testKeyID)
	}
	if calls[0].DurationSeconds != "7200" {
		t.Errorf("DurationSeconds = %q, want 7200 (not chained, so more than an hour is allowed)", calls[0].DurationSeconds)
	}
	if calls[0].ExternalID != "" {
		t.Errorf("ExternalId = %q, want none", calls[0].ExternalID)
	}
	if !strings.HasPrefix(calls[0].RoleSessionName, DefaultSessionPrefix+"-") {
		t.Errorf("RoleSessionName = %q, want the default prefix %q", calls[0].RoleSessionName, DefaultSessionPrefix)
	}
}

func TestAssumeRoleErrors(t *testing.T) {
	t.Run("base web identity rejected", func(t *testing.T) {
		fake := newSTSFake(t)
		fake.failAlways(stsError{Status: 400, Code: "InvalidIdentityToken", Message: "Incorrect token audience"})
		web := WebIdentity(testRoleARN, TokenFile(writeToken(t, "", makeJWT(t, entraClaims()))), WithSTSEndpoint(fake.URL()))
		err := retrieveErr(t, AssumeRole(testRole2ARN, web, WithSTSEndpoint(fake.URL())), testBase())
		if !errors.Is(err, ErrInvalidIdentityToken) {
			t.Fatalf("Retrieve() error = %v, want ErrInvalidIdentityToken from the base", err)
		}
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidIdentityToken" {
			t.Errorf("errors.As(err, &smithy.APIError) = %v, want code InvalidIdentityToken", ae)
		}
		if !strings.Contains(err.Error(), "base credentials") {
			t.Errorf("error does not say the base failed: %v", err)
		}
		for _, c := range fake.Calls() {
			if c.Action == "AssumeRole" {
				t.Errorf("AssumeRole was called although its base credentials failed")
			}
		}
	})
	t.Run("access denied explains", func(t *testing.T) {
		fake := newSTSFake(t)
		fake.failAlways(stsError{Status: 403, Code: "AccessDenied", Message: "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole"})
		err := retrieveErr(t, AssumeRole(testRole2ARN, Static(testKeyID, testSecret, ""), WithExternalID(testExternal),
			WithSTSEndpoint(fake.URL())), testBase())
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
			t.Fatalf("Retrieve() error = %v, want AccessDenied", err)
		}
		for _, want := range []string{"sts:AssumeRole on the role", "trust policy", "sts:ExternalId", "static(AKIA****MPLE)"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q: %v", want, err)
			}
		}
		if errors.Is(err, ErrInvalidIdentityToken) {
			t.Errorf("errors.Is(err, ErrInvalidIdentityToken) = true for AccessDenied, want false")
		}
		assertNoSecret(t, err.Error(), testSecret, testExternal)
	})
}

func TestAssumeRoleValidation(t *testing.T) {
	static := Static(testKeyID, testSecret, "")
	web := WebIdentity(testRoleARN, TokenFile("/var/run/secrets/azure/tokens/azure-identity-token"))
	badBase := Static("", testSecret, "")
	tests := []struct {
		name    string
		roleARN string
		base    Source
		opts    []AssumeRoleOption
		wantErr string
	}{
		{name: "nil base", roleARN: testRole2ARN, wantErr: "base source is nil"},
		{name: "bad role ARN", roleARN: "arn:aws:iam::123456789012:role/", base: static, wantErr: `role name ""`},
		{name: "chained duration over an hour", roleARN: testRole2ARN, base: web, opts: []AssumeRoleOption{WithDuration(2 * time.Hour)}, wantErr: "role chaining"},
		{name: "chain of assume roles over an hour", roleARN: testRole2ARN, base: AssumeRole(testRoleARN, static), opts: []AssumeRoleOption{WithDuration(90 * time.Minute)}, wantErr: "role chaining"},
		{name: "external ID with space", roleARN: testRole2ARN, base: static, opts: []AssumeRoleOption{WithExternalID("secret id " + testExternal)}, wantErr: "external ID must be 2-1224"},
		{name: "external ID too short", roleARN: testRole2ARN, base: static, opts: []AssumeRoleOption{WithExternalID("x")}, wantErr: "external ID must be 2-1224"},
		{name: "invalid base", roleARN: testRole2ARN, base: badBase, wantErr: "access key ID is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := AssumeRole(tt.roleARN, tt.base, tt.opts...).Credentials(context.Background(), testBase())
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Credentials() = %v, %v; want error containing %q", p, err, tt.wantErr)
			}
			assertNoSecret(t, err.Error(), testSecret, testExternal)
		})
	}
}

func TestNilOptionsAreIgnored(t *testing.T) {
	var zeroRole RoleOption
	fake := newSTSFake(t)
	web := WebIdentity(testRoleARN, TokenFile(writeToken(t, "", makeJWT(t, entraClaims()))), nil, zeroRole, WithSTSEndpoint(fake.URL()))
	src := AssumeRole(testRole2ARN, web, nil, zeroRole, WithSTSEndpoint(fake.URL()))
	mustRetrieve(t, src, testBase())
	if n := len(fake.Calls()); n != 2 {
		t.Errorf("STS calls = %d, want 2", n)
	}
}

// foreignSource is a Source from outside this package whose provider is not
// cached and counts its retrievals.
type foreignSource struct {
	n      atomic.Int32
	nilies bool // return a nil provider
}

func (f *foreignSource) Credentials(context.Context, aws.Config) (aws.CredentialsProvider, error) {
	if f.nilies {
		return nil, nil
	}
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		f.n.Add(1)
		return aws.Credentials{AccessKeyID: "AKIAFOREIGNEXAMPLE00", SecretAccessKey: testSecret}, nil
	}), nil
}

func (f *foreignSource) String() string { return "foreign" }

func TestAssumeRoleOverForeignSource(t *testing.T) {
	t.Run("uncached provider is cached once", func(t *testing.T) {
		fake := newSTSFake(t)
		base := &foreignSource{}
		mustRetrieve(t, AssumeRole(testRole2ARN, base, WithSTSEndpoint(fake.URL())), testBase())
		if n := base.n.Load(); n != 1 {
			t.Errorf("base retrieved %d times for one refresh, want 1", n)
		}
		if calls := fake.Calls(); len(calls) != 1 || calls[0].SignedBy != "AKIAFOREIGNEXAMPLE00" {
			t.Errorf("STS calls = %+v, want one signed by the foreign key", calls)
		}
	})
	t.Run("nil provider", func(t *testing.T) {
		_, err := AssumeRole(testRole2ARN, &foreignSource{nilies: true}).Credentials(context.Background(), testBase())
		if err == nil || !strings.Contains(err.Error(), "base source returned no credentials provider") {
			t.Errorf("Credentials() error = %v, want a nil-provider error", err)
		}
	})
}

// TestWithSTSOptions checks that WithSTSOptions adjusts the STS client, after
// WithSTSEndpoint: here it points the client at the fake in place of an
// endpoint that answers nothing, and allows one attempt, so that a
// throttled call fails at once.
func TestWithSTSOptions(t *testing.T) {
	fake := newSTSFake(t)
	dead := "http://127.0.0.1:1" // nothing listens on port 1
	opts := WithSTSOptions(func(o *sts.Options) { o.BaseEndpoint = aws.String(fake.URL()) },
		func(o *sts.Options) { o.RetryMaxAttempts = 1 })
	creds := AssumeRole(testRole2ARN, Static(testKeyID, testSecret, ""), WithSTSEndpoint(dead), opts)
	if err := retrieveErr(t, creds, testBase()); err != nil {
		t.Fatalf("Retrieve() error = %v, want the call answered by the endpoint WithSTSOptions set", err)
	}
	if n := len(fake.Calls()); n != 1 {
		t.Fatalf("STS calls = %d, want 1", n)
	}
	fake.failNext(stsError{Status: 400, Code: "Throttling", Message: "Rate exceeded"})
	if err := retrieveErr(t, AssumeRole(testRole2ARN, Static(testKeyID, testSecret, ""), opts), testBase()); err == nil {
		t.Fatal("Retrieve() after a throttle = nil error, want the throttle (one attempt allowed)")
	}
	if n := len(fake.Calls()); n != 2 {
		t.Errorf("STS calls = %d, want 2: the throttled call is not retried", n)
	}
}
