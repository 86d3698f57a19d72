package sdkhttp

import (
	"context"
	"crypto/tls"
	"fmt"
	"io/fs"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
)

// WithCABundle returns c with the custom CA bundle that the SDK's configuration names (AWS_CA_BUNDLE, or ca_bundle
// in the shared config profile) added to its root CAs, exactly as the SDK's config loader adds it to its own client
// type: to the transport's RootCAs, or, when those are unset, to a new pool that then holds the bundle alone. Without
// a bundle c is returned unchanged. c itself is never modified.
//
//   - nil or an *awshttp.BuildableClient: the loader adds the bundle (nil becomes the SDK's default client).
//   - an *http.Client whose Transport is nil (http.DefaultTransport) or an *http.Transport: a copy of the client
//     with a clone of its transport holding the new root CAs.
//   - any other client cannot take a bundle: WithCABundle returns an error when a bundle is configured.
func WithCABundle(ctx context.Context, c Client) (Client, error) {
	switch c := c.(type) {
	case nil:
		got, _, err := loadCABundle(ctx, awshttp.NewBuildableClient())
		return got, err
	case *awshttp.BuildableClient:
		got, _, err := loadCABundle(ctx, IsolateRootCAs(c))
		return got, err
	case *http.Client:
		if tr, ok := httpTransport(c); ok {
			return clientWithCABundle(ctx, c, tr)
		}
	}
	configured, err := CABundleConfigured(ctx)
	switch {
	case err != nil:
		return nil, err
	case configured:
		return nil, fmt.Errorf("a custom CA bundle is configured (AWS_CA_BUNDLE or ca_bundle in the shared config), "+
			"and a %T cannot take it: use an *http.Client whose Transport is an *http.Transport (or nil), "+
			"or an *awshttp.BuildableClient", c)
	}
	return c, nil
}

// CABundleConfigured reports whether the SDK's configuration names a custom CA bundle, which its config loader
// then only accepts together with an *awshttp.BuildableClient.
func CABundleConfigured(ctx context.Context) (bool, error) {
	_, configured, err := loadCABundle(ctx, awshttp.NewBuildableClient())
	return configured, err
}

// IsolateRootCAs returns a copy of c whose root CA pool, if any, is a copy too, so that the SDK's config loader,
// which appends a custom CA bundle to the pool it finds, cannot change c's.
func IsolateRootCAs(c *awshttp.BuildableClient) *awshttp.BuildableClient {
	return c.WithTransportOptions(func(tr *http.Transport) {
		if tr.TLSClientConfig != nil && tr.TLSClientConfig.RootCAs != nil {
			tr.TLSClientConfig = tr.TLSClientConfig.Clone()
			tr.TLSClientConfig.RootCAs = tr.TLSClientConfig.RootCAs.Clone()
		}
	})
}

// loadCABundle runs the SDK's config loader with seed as its HTTP client. The loader replaces seed by a copy
// holding the custom CA bundle when one is configured, and keeps it otherwise; configured says which.
func loadCABundle(ctx context.Context, seed *awshttp.BuildableClient) (client *awshttp.BuildableClient, configured bool, err error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithHTTPClient(seed),
		config.WithCredentialsProvider(aws.AnonymousCredentials{}))
	switch {
	case err != nil && caBundleError(err):
		return nil, false, fmt.Errorf("load the custom CA bundle: %w", err)
	case err != nil:
		return nil, false, &ConfigError{Err: err}
	}
	got, ok := cfg.HTTPClient.(*awshttp.BuildableClient)
	if !ok {
		return nil, false, fmt.Errorf("load the custom CA bundle: the SDK's config loader returned a %T", cfg.HTTPClient)
	}
	return got, got != seed, nil
}

// ConfigError is the error of WithCABundle and CABundleConfigured when the SDK's config loader fails on something
// other than the custom CA bundle: a shared config profile that does not exist (AWS_PROFILE=nope), a malformed
// shared config file, a bad AWS_* variable. The fault is the configuration's, not the HTTP client's or the bundle's.
type ConfigError struct {
	// Err is the config loader's error.
	Err error
}

// Error implements error: "load AWS configuration: failed to get shared config profile, nope".
func (e *ConfigError) Error() string { return "load AWS configuration: " + e.Err.Error() }

// Unwrap returns Err, so that errors.As finds the SDK's error (config.SharedConfigProfileNotExistError, ...).
func (e *ConfigError) Unwrap() error { return e.Err }

// caBundleError reports whether err, an error of the SDK's config loader, is the custom CA bundle's: the bundle file
// unreadable (os.ReadFile's *fs.PathError, which the loader returns as is, while it skips shared config files it
// cannot read and wraps other failures of theirs in config.SharedConfigLoadError), not PEM, or not addable to the
// client (errors the loader writes with "custom CA bundle" or "custom RootCAs" in them).
func caBundleError(err error) bool {
	if _, ok := err.(*fs.PathError); ok {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "custom CA bundle") || strings.Contains(msg, "custom RootCAs")
}

// httpTransport returns the *http.Transport c sends through, and false when it sends through another RoundTripper.
func httpTransport(c *http.Client) (*http.Transport, bool) {
	rt := c.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	tr, ok := rt.(*http.Transport)
	return tr, ok
}

// clientWithCABundle is WithCABundle for an *http.Client sending through tr: the loader computes the root CAs on a
// client seeded with a copy of tr's, and a copy of c gets them.
func clientWithCABundle(ctx context.Context, c *http.Client, tr *http.Transport) (Client, error) {
	seed := awshttp.NewBuildableClient()
	if tr.TLSClientConfig != nil && tr.TLSClientConfig.RootCAs != nil {
		pool := tr.TLSClientConfig.RootCAs.Clone()
		seed = seed.WithTransportOptions(func(t *http.Transport) {
			t.TLSClientConfig = &tls.Config{RootCAs: pool}
		})
	}
	got, configured, err := loadCABundle(ctx, seed)
	if err != nil {
		return nil, err
	}
	if !configured {
		return c, nil
	}
	bundled := tr.Clone()
	if bundled.TLSClientConfig == nil {
		bundled.TLSClientConfig = &tls.Config{}
	}
	bundled.TLSClientConfig.RootCAs = got.GetTransport().TLSClientConfig.RootCAs
	cp := *c
	cp.Transport = bundled
	return &cp, nil
}
