package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// How the panel looks and reads: accessibility, times in the viewer's zone, and a
// phone's screen.

// TestBrowserAccessibility runs axe-core on every page and state a user meets.
func TestBrowserAccessibility(t *testing.T) {
	t.Parallel()
	axe := axeScript(t)
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "acme")
	in.addFTPUser("dave", "acme")
	bob := in.ftpLogin("bob")
	in.startDownload(t, "acme", "carol")
	in.ftpLogin("dave")
	chrome := startChromium(t)
	admin := in.newTab(t, chrome, "admin")

	admin.open("/login")
	admin.checkAccessibility(axe, "the sign-in page")

	admin.signIn("admin", in.adminPW)
	admin.checkAccessibility(axe, "the empty sessions list")
	id := admin.rowFor("bob")
	admin.waitState(admin.rowFor("carol"), "downloading")
	admin.checkAccessibility(axe, "the sessions list")
	admin.screenshot("list")

	admin.do("click Disconnect", chromedp.Click(chromedp.CSS(rowSelector(id)+" button")))
	admin.waitUntil("the dialog opens", dialogOpen)
	admin.checkAccessibility(axe, "the open disconnect dialog")
	admin.do("press Escape", chromedp.KeyEvent(kb.Escape))
	admin.waitUntil("the dialog closes", "!"+dialogOpen)

	admin.open("/sessions/" + id + "/disconnect")
	admin.checkAccessibility(axe, "the confirmation page")

	admin.open("/sessions/AAAAAAAAAAAAAAAAAAAAAAAAAA/disconnect")
	admin.checkAccessibility(axe, "the session-ended page")

	// dave's disconnect fills the history and the audit log; a change made
	// with the command line adds a row by "command line".
	admin.disconnectThroughConfirmation(admin.rowFor("dave"))
	in.mustCLI("", "ftp-user", "limit", "dave", "--down", "1M")
	admin.openWithRows("/history", "tr[data-ended-session]")
	admin.checkAccessibility(axe, "the history")
	admin.screenshot("history")
	admin.openWithRows("/audit", "tr[data-audit-id]")
	admin.checkAccessibility(axe, "the audit log")
	admin.screenshot("audit")
	admin.open("/accounts")
	admin.checkAccessibility(axe, "the FTP accounts page")
	admin.screenshot("accounts")
	admin.open("/accounts/bob/password")
	admin.checkAccessibility(axe, "an FTP account's new password form")
	admin.open("/accounts/bob/delete")
	admin.checkAccessibility(axe, "the delete confirmation")
	admin.open("/password")
	admin.checkAccessibility(axe, "the change-password page")
	admin.screenshot("password")
	admin.open("/nodes")
	admin.checkAccessibility(axe, "the nodes page")

	admin.phone()
	admin.open("/sessions")
	admin.checkAccessibility(axe, "the sessions list on a phone")
	admin.screenshot("phone-list-checked")
	admin.open("/history")
	admin.checkAccessibility(axe, "the history on a phone")
	admin.screenshot("phone-history")
	admin.open("/audit")
	admin.checkAccessibility(axe, "the audit log on a phone")
	admin.screenshot("phone-audit")
	admin.open("/accounts")
	admin.checkAccessibility(axe, "the FTP accounts page on a phone")
	admin.screenshot("phone-accounts")

	if err := bob.NoOp(); err != nil {
		t.Errorf("looking must not disconnect bob: %v", err)
	}
}

// TestBrowserShowsLocalTimes checks that times are shown in the viewer's time
// zone, with the exact time on hover.
func TestBrowserShowsLocalTimes(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.ftpLogin("bob")
	chrome := startChromium(t)
	admin := in.newTab(t, chrome, "admin in India")
	// India is UTC+5:30 all year, so a time shown in UTC cannot pass for it.
	admin.setTimeZone("Asia/Kolkata", "en-GB")
	india := time.FixedZone("IST", 5*60*60+30*60)
	admin.signIn("admin", in.adminPW)
	id := admin.rowFor("bob")
	cell := rowSelector(id) + " time"

	iso := js[string](admin, query(cell)+`.getAttribute("datetime")`)
	at, err := time.Parse(time.RFC3339, iso)
	if err != nil {
		t.Fatalf("bob's login time has datetime=%q: %v", iso, err)
	}
	if since := time.Since(at); since < -time.Minute || since > time.Hour {
		t.Errorf("bob logged in at %s, which is not just now", at)
	}
	local := at.In(india)
	shown := admin.text(cell)
	if !strings.Contains(shown, local.Format("15:04")) || strings.Contains(shown, "UTC") {
		t.Errorf("bob's login time reads %q in India; want the local time %s", shown, local.Format("15:04"))
	}
	hover := js[string](admin, query(cell)+`.title`)
	if !strings.Contains(hover, local.Format("15:04:05")) || !strings.Contains(hover, local.Format("2006")) {
		t.Errorf("hovering bob's login time shows %q; want the exact local time %s", hover, local.Format("2006-01-02 15:04:05"))
	}
	admin.screenshot("india")
}

// TestBrowserLayout checks that the table fits a laptop's screen, and that on a
// phone it turns into cards that fit, with each value labelled and Disconnect in
// reach.
func TestBrowserLayout(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "acme")
	bob := in.rawDial()
	bob.cmd(200, "CLNT FileZilla 3.66.4")
	bob.login("bob")
	in.startDownload(t, "acme", "carol")
	chrome := startChromium(t)
	admin := in.newTab(t, chrome, "admin")
	admin.signIn("admin", in.adminPW)
	id := admin.rowFor("bob")
	admin.waitState(admin.rowFor("carol"), "downloading")
	row := rowSelector(id)
	disconnectOnScreen := `(function () {
		var r = ` + query(row+" button") + `.getBoundingClientRect();
		return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth;
	})()`

	// A laptop: the whole table at once, no sideways scrolling.
	if w := js[int](admin, `document.documentElement.scrollWidth`); w > desktopWidth {
		t.Errorf("the page is %dpx wide on a %dpx screen", w, desktopWidth)
	}
	if js[bool](admin, `(function () { var c = `+query(".table-card")+`; return c.scrollWidth > c.clientWidth; })()`) {
		t.Errorf("at %dpx the sessions table scrolls sideways", desktopWidth)
	}
	if !js[bool](admin, disconnectOnScreen) {
		t.Errorf("at %dpx bob's Disconnect button is not on the screen", desktopWidth)
	}
	admin.screenshot("laptop-list")

	// Everything comes from the binary: no fonts, styles or scripts from elsewhere.
	if foreign := js[[]string](admin, `performance.getEntriesByType("resource")
		.map(function (e) { return e.name; })
		.filter(function (u) { return new URL(u).origin !== location.origin; })`); len(foreign) > 0 {
		t.Errorf("the page loads from other sites: %q", foreign)
	}
	if n := js[int](admin, `performance.getEntriesByType("resource").length`); n < 2 {
		t.Errorf("the page loaded %d resources, want at least its stylesheet and script", n)
	}

	admin.phone()
	admin.open("/sessions")
	if w := js[int](admin, `document.documentElement.scrollWidth`); w > phoneWidth {
		t.Errorf("the page is %dpx wide on a %dpx phone: it scrolls sideways", w, phoneWidth)
	}
	if js[string](admin, `getComputedStyle(`+query(row)+`).display`) == "table-row" {
		t.Error("on a phone the sessions are still table rows, want cards")
	}
	if h := js[float64](admin, query("table.sessions thead")+`.getBoundingClientRect().height`); h > 1 {
		t.Errorf("on a phone the column headers still take %.0fpx; each value should carry its label", h)
	}
	if label := js[string](admin, `getComputedStyle(`+query(row+` td[data-label="From"]`)+`, "::before").content`); !strings.Contains(label, "From") {
		t.Errorf("on a phone the remote address is not labelled: ::before is %s", label)
	}
	if !js[bool](admin, disconnectOnScreen) {
		t.Error("on a phone bob's Disconnect button is not fully on the screen")
	}
	if got := admin.text(`[data-testid="signed-in-user"]`); got != "admin" {
		t.Errorf("on a phone the header names %q as signed in", got)
	}
	admin.screenshot("phone-list")

	admin.do("tap Disconnect", chromedp.Click(chromedp.CSS(row+" button")))
	admin.waitUntil("the dialog opens", dialogOpen)
	if !js[bool](admin, `(function () {
		var r = `+query(confirmDialog)+`.getBoundingClientRect();
		return r.left >= 0 && r.right <= window.innerWidth;
	})()`) {
		t.Error("on a phone the dialog does not fit the screen")
	}
	admin.screenshot("phone-dialog")
	bob.cmd(200, "NOOP")
}
