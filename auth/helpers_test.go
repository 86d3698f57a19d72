package auth

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// assertCachedOnce fails unless p is an *aws.CredentialsCache whose inner
// provider is not a cache too.
func assertCachedOnce(t *testing.T, p aws.CredentialsProvider) {
	t.Helper()
	if _, ok := p.(*aws.CredentialsCache); !ok {
		t.Fatalf("provider is %T, want *aws.CredentialsCache", p)
	}
	if inner := innerProviderType(t, p); inner == reflect.TypeOf(&aws.CredentialsCache{}) {
		t.Fatalf("provider is an aws.CredentialsCache wrapping another aws.CredentialsCache")
	}
}

// mustRetrieve makes src's provider from base and retrieves credentials with it
// once, failing t on either error.
func mustRetrieve(t *testing.T, src Source, base aws.Config) (aws.CredentialsProvider, aws.Credentials) {
	t.Helper()
	p, err := src.Credentials(context.Background(), base)
	if err != nil {
		t.Fatalf("Credentials() error = %v", err)
	}
	c, err := p.Retrieve(context.Background())
	if err != nil {
		t.Fatalf("Retrieve() error = %v", err)
	}
	return p, c
}

// retrieveErr makes src's provider from base, failing t if that fails, and
// returns the error of one Retrieve with it: the check of a Retrieve that is
// meant to fail is the caller's.
func retrieveErr(t *testing.T, src Source, base aws.Config) error {
	t.Helper()
	p, err := src.Credentials(context.Background(), base)
	if err != nil {
		t.Fatalf("Credentials() error = %v", err)
	}
	_, err = p.Retrieve(context.Background())
	return err
}

// innerProviderType returns the dynamic type of the provider a cache wraps,
// read by reflection because the SDK keeps it unexported.
func innerProviderType(t *testing.T, p aws.CredentialsProvider) reflect.Type {
	t.Helper()
	c, ok := p.(*aws.CredentialsCache)
	if !ok {
		t.Fatalf("provider is %T, want *aws.CredentialsCache", p)
	}
	f := reflect.ValueOf(c).Elem().FieldByName("provider")
	if !f.IsValid() || f.Kind() != reflect.Interface || f.IsNil() {
		t.Fatalf("aws.CredentialsCache has no provider field: the SDK changed, update this test")
	}
	return f.Elem().Type()
}

// assertNoSecret fails if s contains any of the secrets.
func assertNoSecret(t *testing.T, s string, secrets ...string) {
	t.Helper()
	for _, secret := range secrets {
		if secret != "" && strings.Contains(s, secret) {
			t.Errorf("output reveals a secret: %q", s)
		}
	}
}
