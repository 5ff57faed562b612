package panel

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// certFixture is the panel of a node whose FTPS certificate the test sets, with
// an admin (root) and a customer (acme), each with a cookie and a token.
type certFixture struct {
	handler http.Handler
	now     time.Time
	leaf    *x509.Certificate // nil: FTPS off
	loaded  time.Time
	cookies map[string]string
	tokens  map[string]string
}

func newCertFixture(t *testing.T) *certFixture {
	t.Helper()
	ctx := t.Context()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "ftppanel.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.PasswordCost = bcrypt.MinCost
	if err := db.AddAdmin(ctx, "root", "root-password"); err != nil {
		t.Fatal(err)
	}
	if err := db.AddCustomer(ctx, "acme", "acme-password"); err != nil {
		t.Fatal(err)
	}
	f := &certFixture{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), cookies: map[string]string{}, tokens: map[string]string{}}
	for _, name := range []string{"root", "acme"} {
		u, err := db.AuthenticatePanelUser(ctx, name, name+"-password")
		if err != nil {
			t.Fatal(err)
		}
		if f.cookies[name], err = db.CreateSignIn(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if f.tokens[name], _, err = db.CreateAPIToken(ctx, name, ""); err != nil {
			t.Fatal(err)
		}
	}
	f.handler = New(Config{Store: db, Registry: session.NewRegistry(), Logger: slog.New(slog.DiscardHandler),
		Now:         func() time.Time { return f.now },
		Certificate: func() (*x509.Certificate, time.Time) { return f.leaf, f.loaded }})
	return f
}

// expiring sets a certificate that expires after d from now.
func (f *certFixture) expiring(d time.Duration) {
	f.leaf = &x509.Certificate{
		Subject:   pkix.Name{CommonName: "ftp.example.com"},
		Issuer:    pkix.Name{CommonName: "R11", Organization: []string{"Let's Encrypt"}, Country: []string{"US"}},
		DNSNames:  []string{"ftp.example.com", "www.example.com"},
		NotBefore: f.now.Add(d - 90*24*time.Hour),
		NotAfter:  f.now.Add(d),
	}
	f.loaded = f.now.Add(-time.Hour)
}

func (f *certFixture) page(t *testing.T, who, path string) string {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.AddCookie(&http.Cookie{Name: signInCookie, Value: f.cookies[who]})
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s as %s: status %d", path, who, rec.Code)
	}
	return rec.Body.String()
}

func (f *certFixture) api(t *testing.T, who string) (int, string) {
	t.Helper()
	req := httptest.NewRequest("GET", "/api/v1/tls", nil)
	req.Header.Set("Authorization", "Bearer "+f.tokens[who])
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(body)
}

func TestCertificateBanner(t *testing.T) {
	f := newCertFixture(t)
	const banner = `data-testid="certificate-banner"`
	for _, tc := range []struct {
		name string
		left time.Duration
		want string // "" for no banner
	}{
		{"in 5 days", 5*24*time.Hour + time.Hour, `The FTPS certificate expires on <time datetime="2026-03-06T13:00:00Z" title="2026-03-06 13:00:00 UTC">2026-03-06</time> (in 5 days).`},
		{"in 1 day", 36 * time.Hour, "(in 1 day)."},
		{"expired", -2 * 24 * time.Hour, `The FTPS certificate expired on <time datetime="2026-02-27T12:00:00Z"`},
		{"in 60 days", 60 * 24 * time.Hour, ""},
		{"in 15 days", 15 * 24 * time.Hour, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.expiring(tc.left)
			for _, path := range []string{"/sessions", "/accounts", "/maintenance"} {
				html := f.page(t, "root", path)
				if tc.want == "" {
					if strings.Contains(html, banner) {
						t.Errorf("%s: a banner for a certificate valid %v more", path, tc.left)
					}
					continue
				}
				if !strings.Contains(html, banner) || !strings.Contains(html, tc.want) {
					t.Errorf("%s: no banner saying %q", path, tc.want)
				}
			}
			if html := f.page(t, "acme", "/sessions"); strings.Contains(html, banner) {
				t.Error("a customer sees the certificate banner")
			}
		})
	}
	t.Run("FTPS off", func(t *testing.T) {
		f.leaf = nil
		if html := f.page(t, "root", "/sessions"); strings.Contains(html, banner) {
			t.Error("a banner without a certificate")
		}
	})
}

func TestAPITLS(t *testing.T) {
	f := newCertFixture(t)
	f.expiring(30 * 24 * time.Hour)

	status, body := f.api(t, "root")
	if status != http.StatusOK {
		t.Fatalf("admin: status %d, body %s", status, body)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"tls": true, "node": "", "subject": "CN=ftp.example.com",
		"dns_names":  []any{"ftp.example.com", "www.example.com"},
		"issuer":     "CN=R11,O=Let's Encrypt,C=US",
		"not_before": "2025-12-31T12:00:00Z", "not_after": "2026-03-31T12:00:00Z", "loaded_at": "2026-03-01T11:00:00Z",
	}
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("admin got\n%s\nwant\n%s", gotJSON, wantJSON)
	}

	if status, body := f.api(t, "acme"); status != http.StatusForbidden || !strings.Contains(body, `"error"`) {
		t.Errorf("customer: status %d, body %s; want 403 with a JSON error", status, body)
	}

	f.leaf = nil
	status, body = f.api(t, "root")
	const off = `{"tls":false,"node":"","subject":"","dns_names":[],"issuer":"","not_before":null,"not_after":null,"loaded_at":null}`
	if status != http.StatusOK || strings.TrimSpace(body) != off {
		t.Errorf("FTPS off: status %d, body %s; want %s", status, body, off)
	}
}
