package ftpd

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testPair is a self-signed certificate for localhost and its key, as PEM.
type testPair struct{ cert, key []byte }

func newTestPair(t *testing.T, name string) testPair {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{"localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(90 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return testPair{
		cert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		key:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
	}
}

// replace puts data at path as renewals do: written beside it, renamed into place.
func replace(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := path + ".new"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// openTestCertificates writes pair to DIR/cert.pem and DIR/key.pem and opens them.
func openTestCertificates(t *testing.T, pair testPair) (*Certificates, string, string, *logBuffer) {
	t.Helper()
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	replace(t, certFile, pair.cert)
	replace(t, keyFile, pair.key)
	logs := &logBuffer{}
	c, err := OpenCertificates("", certFile, keyFile, false, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return c, certFile, keyFile, logs
}

func commonName(c *Certificates) string { return c.Current().Leaf.Subject.CommonName }

func TestCertificatesReload(t *testing.T) {
	t.Parallel()
	a, b, other := newTestPair(t, "A"), newTestPair(t, "B"), newTestPair(t, "other")
	c, certFile, keyFile, logs := openTestCertificates(t, a)
	cfg := c.TLSConfig()
	first, err := cfg.GetCertificate(nil)
	if err != nil || commonName(c) != "A" {
		t.Fatalf("opened: %q, %v", commonName(c), err)
	}

	replace(t, certFile, b.cert)
	replace(t, keyFile, b.key)
	if err := c.Reload("test"); err != nil {
		t.Fatal(err)
	}
	if commonName(c) != "B" || c.TLSConfig() != cfg {
		t.Fatalf("after the reload: %q (same config: %v)", commonName(c), c.TLSConfig() == cfg)
	}
	if now, _ := cfg.GetCertificate(nil); now == first {
		t.Error("the TLS config still hands out the first pair")
	}

	for _, tc := range []struct {
		name   string
		broken func()
		why    string
	}{
		{"a key that does not match", func() { replace(t, keyFile, other.key) }, "private key does not match public key"},
		{"a certificate that is not one", func() {
			replace(t, keyFile, b.key)
			replace(t, certFile, []byte("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"))
		}, "x509"},
		{"a missing key", func() { replace(t, certFile, b.cert); os.Remove(keyFile) }, "no such file"},
	} {
		name := tc.name
		before := logs.String()
		tc.broken()
		if err := c.Reload("test"); err == nil || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("%s: reloaded with error %v, want one saying %q", name, err, tc.why)
		}
		if commonName(c) != "B" {
			t.Errorf("%s: the pair in use became %q", name, commonName(c))
		}
		logged := strings.TrimPrefix(logs.String(), before)
		if !strings.Contains(logged, "FTPS certificate not reloaded: keeping the one in use") || !strings.Contains(logged, certFile) {
			t.Errorf("%s: the log does not say why:\n%s", name, logged)
		}
	}
}

func TestCertificatesWatch(t *testing.T) {
	t.Parallel()
	a, b, d := newTestPair(t, "A"), newTestPair(t, "B"), newTestPair(t, "D")

	waitForCert := func(t *testing.T, c *Certificates, name string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for commonName(c) != name {
			if time.Now().After(deadline) {
				t.Fatalf("the pair in use is still %q, want %q", commonName(c), name)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	watch := func(t *testing.T, c *Certificates) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			c.Watch(ctx, 10*time.Millisecond)
		}()
		t.Cleanup(func() {
			cancel()
			<-done
		})
	}

	t.Run("renamed into place", func(t *testing.T) {
		t.Parallel()
		c, certFile, keyFile, logs := openTestCertificates(t, a)
		watch(t, c)
		replace(t, certFile, b.cert)
		replace(t, keyFile, b.key)
		waitForCert(t, c, "B")
		// The certificate renewed first, its key later: the old pair stays
		// until the new one is whole.
		replace(t, certFile, d.cert)
		waitFor(t, "the half-renewed pair to be tried", func() bool { return strings.Contains(logs.String(), "keeping the one in use") })
		if commonName(c) != "B" {
			t.Fatalf("with the key of B and the certificate of D, the pair in use is %q", commonName(c))
		}
		replace(t, keyFile, d.key)
		waitForCert(t, c, "D")
		if !strings.Contains(logs.String(), "reason=\"the certificate or key file changed\"") {
			t.Errorf("the log does not say why it reloaded:\n%s", logs.String())
		}
	})

	t.Run("symbolic links turned", func(t *testing.T) {
		t.Parallel()
		// certbot's layout: live/NAME/*.pem are links to archive/NAME/*N.pem.
		dir := t.TempDir()
		archive, live := filepath.Join(dir, "archive"), filepath.Join(dir, "live")
		for _, d := range []string{archive, live} {
			if err := os.Mkdir(d, 0o700); err != nil {
				t.Fatal(err)
			}
		}
		link := func(n string, p testPair) {
			for file, data := range map[string][]byte{"cert": p.cert, "key": p.key} {
				target := filepath.Join(archive, file+n+".pem")
				if err := os.WriteFile(target, data, 0o600); err != nil {
					t.Fatal(err)
				}
				tmp := filepath.Join(live, file+".pem.tmp")
				if err := os.Symlink(target, tmp); err != nil {
					t.Fatal(err)
				}
				if err := os.Rename(tmp, filepath.Join(live, file+".pem")); err != nil {
					t.Fatal(err)
				}
			}
		}
		link("1", a)
		c, err := OpenCertificates("", filepath.Join(live, "cert.pem"), filepath.Join(live, "key.pem"), false, nil)
		if err != nil {
			t.Fatal(err)
		}
		watch(t, c)
		link("2", b)
		waitForCert(t, c, "B")
	})
}
