package auth

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Static returns a Source for fixed access keys: an IAM user's long-term keys
// (AKIA...) with an empty sessionToken, or temporary keys (ASIA...) with their
// session token. Prefer WebIdentity or AssumeRole where possible: static keys
// do not rotate.
//
// The access key ID must be at most 128 letters, digits, underscores or
// hyphens (AWS issues 20-character IDs; shorter placeholders are accepted for
// local endpoints) and the secret must be non-empty and without surrounding
// whitespace; Credentials reports a violation without quoting either value.
func Static(accessKeyID, secretAccessKey, sessionToken string) Source {
	return &staticSource{&staticKeys{
		accessKeyID:     accessKeyID,
		secretAccessKey: secretAccessKey,
		sessionToken:    sessionToken,
	}}
}

// staticSource holds its keys behind a pointer: fmt prints a nested pointer
// as an address, so even a badly formatted struct that holds the source in an
// unexported field (where fmt cannot call Format) shows no key.
type staticSource struct{ *staticKeys }

type staticKeys struct {
	accessKeyID     string
	secretAccessKey string
	sessionToken    string
}

// Credentials implements Source.
func (s *staticSource) Credentials(ctx context.Context, _ aws.Config) (aws.CredentialsProvider, error) {
	if err := ctx.Err(); err != nil {
		return nil, sourceErrorf(s.String(), "%w", err)
	}
	if err := validateAccessKeys(s.accessKeyID, s.secretAccessKey, s.sessionToken); err != nil {
		return nil, sourceErrorf("static credentials", "%w", err)
	}
	// A pointer, so that fmt shows an address rather than the keys if the
	// cache is printed before its first Retrieve.
	p := credentials.NewStaticCredentialsProvider(s.accessKeyID, s.secretAccessKey, s.sessionToken)
	return newCache(&p), nil
}

// String implements Source: "static(AKIA****WXYZ)".
func (s *staticSource) String() string {
	return "static(" + maskKeyID(s.accessKeyID) + ")"
}

// GoString implements fmt.GoStringer without revealing the keys.
func (s *staticSource) GoString() string { return goString(s.String()) }

// Format implements fmt.Formatter without revealing the keys, for every verb.
func (s *staticSource) Format(f fmt.State, verb rune) { format(f, verb, s.String()) }

// LogValue implements slog.LogValuer without revealing the keys.
func (s *staticSource) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("type", "static"),
		slog.String("access_key_id", maskKeyID(s.accessKeyID)),
		slog.Bool("session_token", s.sessionToken != ""),
	)
}
