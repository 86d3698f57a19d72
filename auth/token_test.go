package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTokenFileRereadsAndTrims(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	ts := TokenFile(path)
	for i, content := range []string{"first.jwt.value\n", "  second.jwt.value\r\n", "third.jwt.value"} {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := ts.Token(context.Background())
		if err != nil {
			t.Fatalf("Token() #%d error = %v", i, err)
		}
		if want := strings.TrimSpace(content); got != want {
			t.Errorf("Token() #%d = %q, want %q", i, got, want)
		}
	}
}

func TestTokenFileErrorsNeverQuoteContent(t *testing.T) {
	dir := t.TempDir()
	unreadable := filepath.Join(dir, "dir-not-file")
	if err := os.Mkdir(unreadable, 0o700); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		path    string
		wantErr string
		wantIs  error
	}{
		{name: "canceled", ctx: ctx, path: filepath.Join(dir, "x"), wantIs: context.Canceled},
		{name: "directory", ctx: context.Background(), path: unreadable, wantErr: "read token file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := TokenFile(tt.path).Token(tt.ctx)
			if err == nil {
				t.Fatal("Token() error = nil, want an error")
			}
			if tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Token() error = %v, want %q", err, tt.wantErr)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.wantIs)
			}
		})
	}
}

func TestDescribeClaims(t *testing.T) {
	exp := time.Now().Add(-time.Hour).Unix()
	tests := []struct {
		name  string
		token string
		want  []string
		not   []string
	}{
		{name: "not a JWT", token: "opaque-secret-token", want: []string{"not a JWT (1 dot-separated parts, want 3)"}, not: []string{"opaque-secret-token"}},
		{name: "bad base64", token: "a.!!!.c", want: []string{"payload is not base64url"}},
		{name: "not JSON", token: "a.bm90IGpzb24.c", want: []string{"not a JSON object"}},
		{
			name:  "expired v2 token",
			token: makeJWT(t, map[string]any{"iss": testIssuer, "aud": []string{"a", "b"}, "sub": "s", "exp": exp}),
			want:  []string{`iss="` + testIssuer + `"`, `aud="a,b"`, `sub="s"`, "(expired 1h0m", `"arn:aws-cn:iam::123456789012:oidc-provider/login.microsoftonline.com/`},
		},
		{
			name:  "control characters are quoted",
			token: makeJWT(t, map[string]any{"iss": "https://evil\n/", "sub": strings.Repeat("x", 300)}),
			want:  []string{`iss="https://evil\n/"`, strings.Repeat("x", 200) + "..."},
			not:   []string{strings.Repeat("x", 201)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := describeClaims(tt.token, "arn:aws-cn:iam::123456789012:role/x")
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("describeClaims() = %q, want it to contain %q", got, w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(got, n) {
					t.Errorf("describeClaims() = %q, must not contain %q", got, n)
				}
			}
		})
	}
}

func FuzzDescribeClaims(f *testing.F) {
	f.Add("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2xvZ2luLm1pY3Jvc29mdG9ubGluZS5jb20vdC92Mi4wIn0.c2ln")
	f.Add("a.b.c")
	f.Add("")
	f.Fuzz(func(t *testing.T, token string) {
		parts := strings.Split(token, ".")
		if len(parts) != 3 {
			if got, want := describeClaims(token, testRoleARN), fmt.Sprintf("Token: the token is not a JWT (%d dot-separated parts, want 3).", len(parts)); got != want {
				t.Errorf("describeClaims(%q) = %q, want %q", token, got, want)
			}
			return
		}
		// The signature is the secret part: the output must not depend on it.
		now := time.Unix(1_800_000_000, 0)
		if got, masked := describeClaimsAt(token, testRoleARN, now), describeClaimsAt(parts[0]+"."+parts[1]+".SIG", testRoleARN, now); got != masked {
			t.Errorf("describeClaims(%q) depends on the signature: %q vs %q", token, got, masked)
		}
	})
}

// TestFixedTokenNeverPrints checks that the token handed to the SDK's web
// identity provider prints as **** under every fmt verb, should the SDK or a
// logger format it.
func TestFixedTokenNeverPrints(t *testing.T) {
	tok := fixedToken("eyJ.secret-claims.signature")
	got := fmt.Sprintf("%v %s %q %x %+v %#v %d", tok, tok, tok, tok, tok, tok, tok)
	if want := "**** **** **** **** **** **** ****"; got != want {
		t.Errorf("fmt of a fixedToken = %q, want %q", got, want)
	}
	if b, err := tok.GetIdentityToken(); err != nil || string(b) != "eyJ.secret-claims.signature" {
		t.Errorf("GetIdentityToken() = %q, %v; want the token", b, err)
	}
}
