package testkit

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestIsolateAWSEnv(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AZURE_CLIENT_ID", "client")
	t.Setenv("AWS_CA_BUNDLE", "/etc/ca.pem")
	t.Run("isolated", func(t *testing.T) {
		IsolateAWSEnv(t, "AWS_CA_BUNDLE")
		for _, name := range []string{"AWS_ACCESS_KEY_ID", "AZURE_CLIENT_ID"} {
			if v, ok := os.LookupEnv(name); ok {
				t.Errorf("%s = %q, want it unset", name, v)
			}
		}
		if got := os.Getenv("AWS_CA_BUNDLE"); got != "/etc/ca.pem" {
			t.Errorf("AWS_CA_BUNDLE = %q, want it kept", got)
		}
		if _, err := os.Stat(os.Getenv("AWS_CONFIG_FILE")); !os.IsNotExist(err) {
			t.Errorf("AWS_CONFIG_FILE names a file that exists (%v)", err)
		}
		if got := os.Getenv("AWS_EC2_METADATA_DISABLED"); got != "true" {
			t.Errorf("AWS_EC2_METADATA_DISABLED = %q", got)
		}
	})
	if got := os.Getenv("AWS_ACCESS_KEY_ID"); got != "AKIDEXAMPLE" {
		t.Errorf("after the test AWS_ACCESS_KEY_ID = %q, want it restored", got)
	}
}

func TestTLSServerValidatesOnlyWithItsBundle(t *testing.T) {
	srv := TLSServer(t, http.NotFoundHandler())
	pem, err := os.ReadFile(CABundle(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("the bundle holds no certificate")
	}
	get := func(roots *x509.CertPool) error {
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
		resp, err := c.Get(srv.URL)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	if err := get(pool); err != nil {
		t.Errorf("GET with the bundle: %v", err)
	}
	if err := get(x509.NewCertPool()); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("GET without the bundle = %v, want a certificate error", err)
	}
}

func TestLockedBuffer(t *testing.T) {
	var b LockedBuffer
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				b.Write([]byte("x"))
				_ = b.String()
			}
		})
	}
	wg.Wait()
	if got := len(b.String()); got != 800 {
		t.Errorf("len = %d, want 800", got)
	}
	b.Write([]byte("end"))
	if got := b.Tail(4); got != "xend" {
		t.Errorf("Tail(4) = %q, want %q", got, "xend")
	}
	if got := b.Tail(1000); len(got) != 803 {
		t.Errorf("Tail(1000) is %d bytes, want all 803", len(got))
	}
}

func TestFreePort(t *testing.T) {
	port, err := FreePort()
	if err != nil || port <= 0 || port > 65535 {
		t.Fatalf("FreePort() = %d, %v", port, err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)) // free: the listener it used is closed
	if err != nil {
		t.Fatalf("listen on the port FreePort returned: %v", err)
	}
	l.Close()
	if low, ok := ephemeralLow(); ok && low > lowestFreePort && (port < lowestFreePort || port >= low) {
		t.Errorf("FreePort() = %d, want a port from %d below the ephemeral range, which starts at %d", port, lowestFreePort, low)
	}
}
