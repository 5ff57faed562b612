package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Maintenance from the panel's form, without JavaScript as a plain form: the
// banner shows on every page (axe on the form page and on a page with the
// banner), a new FTP login is told the message, and End maintenance lets
// logins in again.
func TestBrowserMaintenanceForm(t *testing.T) {
	t.Parallel()
	axe := axeScript(t)
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	chrome := startChromium(t)
	admin := in.newTab(t, chrome, "admin without JavaScript")
	admin.disableJavaScript()
	admin.signIn("admin", in.adminPW)
	seer := in.newTab(t, chrome, "admin with JavaScript")
	seer.signIn("admin", in.adminPW)

	seer.open("/maintenance")
	seer.checkAccessibility(axe, "the maintenance form")
	if n := seer.count(`[data-testid="maintenance-banner"]`); n != 0 {
		t.Errorf("a banner while off: %d", n)
	}

	admin.open("/maintenance")
	admin.do("type a message", chromedp.SendKeys(chromedp.CSS("#maintenance-message"), "Moving to new disks, back at 10:00"))
	admin.do("type a deadline", chromedp.SendKeys(chromedp.CSS("#maintenance-after"), "30m"))
	admin.screenshot("maintenance-form")
	admin.submit("start maintenance", `[data-testid="maintenance-on"]`)
	if got := admin.text(`[data-testid="flash"]`); !strings.Contains(got, "Maintenance is on") {
		t.Errorf("the message says %q", got)
	}

	refused := in.rawDial()
	refused.cmd(331, "USER bob")
	refused.text.PrintfLine("PASS bob-password")
	if got := refused.farewell(); got != "Moving to new disks, back at 10:00" {
		t.Errorf("the client read 421 %q", got)
	}

	for _, path := range []string{"/sessions", "/accounts", "/audit"} {
		seer.open(path)
		banner := seer.text(`[data-testid="maintenance-banner"]`)
		if !strings.Contains(banner, "switched on by admin") || !strings.Contains(banner, "Moving to new disks, back at 10:00") ||
			!strings.Contains(banner, "are disconnected") {
			t.Errorf("%s: banner %q", path, banner)
		}
	}
	seer.checkAccessibility(axe, "the audit page with the maintenance banner")
	seer.open("/maintenance")
	seer.checkAccessibility(axe, "the maintenance form while on")
	seer.screenshot("maintenance-on")

	admin.open("/maintenance")
	admin.submit("end maintenance", `[data-testid="maintenance-off"]`)
	if got := admin.text(`[data-testid="flash"]`); !strings.Contains(got, "Maintenance ended") {
		t.Errorf("the message says %q", got)
	}
	if n := admin.count(`[data-testid="maintenance-banner"]`); n != 0 {
		t.Errorf("the banner is still shown after the end")
	}
	in.rawDial().login("bob")
}
