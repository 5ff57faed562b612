package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An FTPS certificate that expires in 5 days: every page tells admins (axe on a
// page with the banner), not customers; renewed on disk with one valid for 60
// days, the banner goes without a restart.
func TestBrowserCertificateExpiryBanner(t *testing.T) {
	t.Parallel()
	axe := axeScript(t)
	soon := newFTPSPairFor(t, "soon", 5*24*time.Hour+time.Hour)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	renew(t, certFile, keyFile, soon)
	in := start(t, "--tls-cert", certFile, "--tls-key", keyFile)
	in.addCustomer("acme")
	chrome := startChromium(t)
	admin := in.newTab(t, chrome, "admin")
	admin.signIn("admin", in.adminPW)
	customer := in.newTab(t, chrome, "customer")
	customer.signIn("acme", "acme-password")

	// The page's script shows the date in the browser's time zone and language,
	// as every time in the panel; the datetime attribute keeps it exact.
	iso := soon.leaf.NotAfter.UTC().Format(time.RFC3339)
	for _, path := range []string{"/sessions", "/accounts", "/audit"} {
		admin.open(path)
		got := admin.text(`[data-testid="certificate-banner"]`)
		if !strings.HasPrefix(got, "The FTPS certificate expires on ") || !strings.HasSuffix(got, " (in 5 days).") {
			t.Errorf("%s: banner %q", path, got)
		}
		if n := admin.count(`[data-testid="certificate-banner"] time[datetime="` + iso + `"]`); n != 1 {
			t.Errorf("%s: no <time datetime=%q> in the banner", path, iso)
		}
	}
	admin.checkAccessibility(axe, "the audit page with the certificate banner")
	admin.screenshot("certificate-banner")
	customer.open("/sessions")
	if n := customer.count(`[data-testid="certificate-banner"]`); n != 0 {
		t.Error("a customer is shown the certificate banner")
	}

	renew(t, certFile, keyFile, newFTPSPairFor(t, "later", 60*24*time.Hour))
	deadline := time.Now().Add(30 * time.Second)
	for {
		admin.open("/sessions")
		if admin.count(`[data-testid="certificate-banner"]`) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the banner stays after the renewal: %q", admin.text(`[data-testid="certificate-banner"]`))
		}
		time.Sleep(200 * time.Millisecond)
	}
	if strings.Contains(in.stderr.String(), "not reloaded") {
		t.Errorf("a reload failed:\n%s", in.stderr.String())
	}
}
