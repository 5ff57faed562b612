package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
)

// ftpsPair is a self-signed certificate for localhost, its key, and a pool
// that trusts it.
type ftpsPair struct {
	name      string
	cert, key []byte
	leaf      *x509.Certificate
}

func newFTPSPair(t *testing.T, name string) ftpsPair {
	t.Helper()
	return newFTPSPairFor(t, name, 90*24*time.Hour)
}

// newFTPSPairFor is newFTPSPair valid for the time given from now.
func newFTPSPairFor(t *testing.T, name string, valid time.Duration) ftpsPair {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{"localhost"},
		NotBefore:    time.Now().Add(-time.Hour).Truncate(time.Second),
		NotAfter:     time.Now().Add(valid).Truncate(time.Second),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return ftpsPair{name: name, leaf: leaf,
		cert: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		key:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
	}
}

// renew puts the pair at certFile and keyFile as renewals do: each file
// written beside its place, then renamed into it.
func renew(t *testing.T, certFile, keyFile string, p ftpsPair) {
	t.Helper()
	for file, data := range map[string][]byte{certFile: p.cert, keyFile: p.key} {
		if err := os.WriteFile(file+".new", data, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(file+".new", file); err != nil {
			t.Fatal(err)
		}
	}
}

// seenCerts records the certificate each TLS handshake of one client was shown.
type seenCerts struct {
	mu    sync.Mutex
	names []string
}

func (s *seenCerts) first() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.names) == 0 {
		return ""
	}
	return s.names[0]
}

// dialFTPS logs in as bob over explicit FTPS, verifying the server's certificate
// against trusted, and returns the client and what its handshakes were shown.
// Its data connections resume the control connection's TLS session, as
// FileZilla's, lftp's and curl's do.
func dialFTPS(t *testing.T, addr string, trusted ...ftpsPair) (*ftp.ServerConn, *seenCerts, error) {
	t.Helper()
	pool := x509.NewCertPool()
	for _, p := range trusted {
		pool.AddCert(p.leaf)
	}
	seen := &seenCerts{}
	cfg := &tls.Config{RootCAs: pool, ServerName: "localhost", ClientSessionCache: tls.NewLRUClientSessionCache(4),
		VerifyConnection: func(cs tls.ConnectionState) error {
			seen.mu.Lock()
			defer seen.mu.Unlock()
			seen.names = append(seen.names, cs.PeerCertificates[0].Subject.CommonName)
			return nil
		}}
	c, err := ftp.Dial(addr, ftp.DialWithTimeout(10*time.Second), ftp.DialWithExplicitTLS(cfg))
	if err != nil {
		return nil, seen, err
	}
	if err := c.Login("bob", "bob-password"); err != nil {
		c.Quit()
		return nil, seen, err
	}
	return c, seen, nil
}

// waitForCertificate dials until a new FTPS connection is shown the pair want.
func waitForCertificate(t *testing.T, addr string, want ftpsPair, trusted ...ftpsPair) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, seen, err := dialFTPS(t, addr, trusted...)
		if err == nil {
			c.Quit()
		}
		if seen.first() == want.name {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("new connections are still shown %q (%v), want %q", seen.first(), err, want.name)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestFTPSCertificateRenewedOnDisk: a renewal that renames new files into place
// reaches new FTPS connections without a restart, while a session opened before
// goes on; a broken pair keeps the one in use. The API and the metrics tell
// the new certificate.
func TestFTPSCertificateRenewedOnDisk(t *testing.T) {
	t.Parallel()
	a, b := newFTPSPair(t, "A"), newFTPSPair(t, "B")
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "fullchain.pem"), filepath.Join(dir, "privkey.pem")
	renew(t, certFile, keyFile, a)
	in := start(t, "--tls-cert", certFile, "--tls-key", keyFile, "--metrics-addr", "127.0.0.1:0")
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")

	before, seenBefore, err := dialFTPS(t, in.ftpAddr, a)
	if err != nil {
		t.Fatalf("FTPS with certificate A: %v", err)
	}
	defer before.Quit()
	if seenBefore.first() != "A" {
		t.Fatalf("the first session was shown %q, want A", seenBefore.first())
	}
	if err := before.Stor("kept.txt", strings.NewReader("still here")); err != nil {
		t.Fatal(err)
	}

	renew(t, certFile, keyFile, b)
	waitForCertificate(t, in.ftpAddr, b, a, b)

	// The session opened before goes on, trusting only A: its control
	// connection, and its new data connections, which resume its TLS session.
	if err := before.NoOp(); err != nil {
		t.Fatalf("the session opened before the renewal: %v", err)
	}
	r, err := before.Retr("kept.txt")
	if err != nil {
		t.Fatalf("download in the session opened before the renewal: %v", err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || string(got) != "still here" {
		t.Errorf("download in the session opened before the renewal: %q, %v", got, err)
	}
	seenBefore.mu.Lock()
	if len(seenBefore.names) < 3 || strings.Count(strings.Join(seenBefore.names, ""), "A") != len(seenBefore.names) {
		t.Errorf("the session opened before was shown %q, want A on the control and both data connections", seenBefore.names)
	}
	seenBefore.mu.Unlock()

	admin := in.signInAdmin()
	var shown struct {
		TLS      bool     `json:"tls"`
		Subject  string   `json:"subject"`
		DNSNames []string `json:"dns_names"`
		NotAfter string   `json:"not_after"`
		LoadedAt string   `json:"loaded_at"`
	}
	resp := admin.api(http.MethodGet, "/api/v1/tls", in.apiToken("admin"))
	if resp.status != http.StatusOK {
		t.Fatalf("GET /api/v1/tls as admin: %d %s", resp.status, resp.body)
	}
	if err := json.Unmarshal([]byte(resp.body), &shown); err != nil {
		t.Fatal(err)
	}
	if !shown.TLS || shown.Subject != "CN=B" || len(shown.DNSNames) != 1 || shown.DNSNames[0] != "localhost" ||
		shown.NotAfter != b.leaf.NotAfter.UTC().Format(time.RFC3339) || shown.LoadedAt == "" {
		t.Errorf("GET /api/v1/tls after the renewal: %s", resp.body)
	}
	if resp := admin.api(http.MethodGet, "/api/v1/tls", in.apiToken("acme")); resp.status != http.StatusForbidden {
		t.Errorf("GET /api/v1/tls as a customer: %d %s, want 403", resp.status, resp.body)
	}
	metrics := regexp.MustCompile(`Metrics at (http://\S+/metrics)`).FindStringSubmatch(in.stdout.String())
	if metrics == nil {
		t.Fatalf("no metrics address printed:\n%s", in.stdout.String())
	}
	mr, err := http.Get(metrics[1])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(mr.Body)
	mr.Body.Close()
	if want := fmt.Sprintf("ftppanel_tls_certificate_expiry_timestamp_seconds %g", float64(b.leaf.NotAfter.Unix())); !strings.Contains(string(body), want) {
		t.Errorf("the metrics do not say %q", want)
	}

	// A renewal gone wrong: a key that is not the certificate's.
	other := newFTPSPair(t, "other")
	renew(t, certFile, keyFile, ftpsPair{name: "broken", cert: a.cert, key: other.key})
	waitFor(t, "the log to tell the broken pair", func() bool {
		return strings.Contains(in.stderr.String(), "FTPS certificate not reloaded: keeping the one in use")
	})
	after, seenAfter, err := dialFTPS(t, in.ftpAddr, b)
	if err != nil {
		t.Fatalf("FTPS after a broken renewal: %v", err)
	}
	after.Quit()
	if seenAfter.first() != "B" {
		t.Errorf("after a broken renewal new connections are shown %q, want B", seenAfter.first())
	}
}

// TestSIGHUPReloadsTheCertificate runs the real binary: SIGHUP loads the pair
// on disk now, and does not end the process, with FTPS or without.
func TestSIGHUPReloadsTheCertificate(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	data, env := binaryWithBob(t, bin)
	a, b := newFTPSPair(t, "A"), newFTPSPair(t, "B")
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	renew(t, certFile, keyFile, a)

	for _, tc := range []struct {
		name    string
		flags   []string
		wantLog string
	}{
		{"FTPS", []string{"--tls-cert", certFile, "--tls-key", keyFile}, `reason=SIGHUP cert=` + certFile + ` subject="CN=B"`},
		{"plain FTP", nil, "FTPS is off, there is no certificate to reload"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			serve := exec.Command(bin, append([]string{"serve", "--data", data, "--ftp-addr", "127.0.0.1:0",
				"--http-addr", "127.0.0.1:0", "--passive-ports", "41100-41199"}, tc.flags...)...)
			serve.Env = env
			stdout, err := serve.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			stderr := &syncBuffer{}
			serve.Stderr = stderr
			if err := serve.Start(); err != nil {
				t.Fatal(err)
			}
			exited := false
			t.Cleanup(func() {
				if !exited {
					serve.Process.Kill()
					serve.Wait()
				}
			})
			lines := bufio.NewScanner(stdout)
			var ftpAddr string
			addrLine := regexp.MustCompile(`^FTP server listening on (\S+)`)
			for ftpAddr == "" && lines.Scan() {
				if m := addrLine.FindStringSubmatch(lines.Text()); m != nil {
					ftpAddr = m[1]
				}
			}
			if ftpAddr == "" {
				t.Fatalf("serve printed no FTP address\n%s", stderr.String())
			}
			go io.Copy(io.Discard, stdout)

			if tc.flags != nil {
				renew(t, certFile, keyFile, b)
			}
			if err := serve.Process.Signal(syscall.SIGHUP); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the log to tell the SIGHUP", func() bool { return strings.Contains(stderr.String(), tc.wantLog) })
			if tc.flags != nil {
				c, seen, err := dialFTPS(t, ftpAddr, b)
				if err != nil || seen.first() != "B" {
					t.Fatalf("after SIGHUP: shown %q, %v", seen.first(), err)
				}
				c.Quit()
			} else {
				c, err := ftp.Dial(ftpAddr, ftp.DialWithTimeout(10*time.Second))
				if err != nil {
					t.Fatalf("after SIGHUP: %v", err)
				}
				c.Quit()
			}

			if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			err = serve.Wait()
			exited = true
			if err != nil {
				t.Fatalf("serve after SIGHUP and SIGTERM: %v\nstderr:\n%s", err, stderr.String())
			}
		})
	}
}
