package testkit

import (
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// TLSServer starts an httptest HTTPS server for h, closed when the test ends.
// It does not log the handshakes that fail because a client lacks its
// certificate, which tests of AWS_CA_BUNDLE cause on purpose. All httptest
// TLS servers share one certificate.
func TLSServer(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// CABundle writes srv's certificate to a PEM file in a temporary directory
// and returns its path: a bundle for AWS_CA_BUNDLE under which TLS to srv
// validates.
func CABundle(t testing.TB, srv *httptest.Server) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(path, cert, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
