package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The panel as a person uses it, in headless Chromium: sign in, watch sessions
// come and go, disconnect one with the mouse, with the keyboard and without
// JavaScript.

const confirmDialog = "#confirm-disconnect"

func TestBrowserSignInShowsEmptyList(t *testing.T) {
	t.Parallel()
	in := start(t)
	chrome := startChromium(t)
	admin := in.newTab(t, chrome, "admin")

	admin.open("/sessions")
	if got := admin.path(); got != "/login" {
		t.Fatalf("a signed-out visitor sees %s, want /login", got)
	}
	admin.screenshot("login")

	admin.do("sign in with a wrong password",
		chromedp.SendKeys(chromedp.ID("username"), "admin"),
		chromedp.SendKeys(chromedp.ID("password"), "not-the-password"),
	)
	admin.submit("send the form", `form.login button[type="submit"]`)
	if got := admin.text(`[data-testid="login-error"]`); got != "Invalid username or password." {
		t.Errorf("a wrong password shows %q", got)
	}
	if got := js[string](admin, `document.getElementById("username").value`); got != "admin" {
		t.Errorf("the username field should keep what was typed, has %q", got)
	}
	if got := js[string](admin, `document.activeElement.id`); got != "password" {
		t.Errorf("after a wrong password the focus is on %q, want the password field", got)
	}
	admin.screenshot("login-failed")

	admin.signIn("admin", in.adminPW)
	if got := js[string](admin, `document.title`); got != "FTP Sessions · ftppanel" {
		t.Errorf("title = %q", got)
	}
	if got := admin.text("h1"); got != "FTP Sessions" {
		t.Errorf("heading = %q", got)
	}
	if got := admin.text(`[data-testid="signed-in-user"]`); got != "admin" {
		t.Errorf("the header names %q as signed in, want admin", got)
	}
	if got := admin.text(`[data-testid="empty"]`); got != "No users logged in" {
		t.Errorf("the empty list says %q, want No users logged in", got)
	}
	if n := admin.count("tr[data-session-id]"); n != 0 {
		t.Errorf("the empty list has %d rows", n)
	}
	admin.screenshot("empty")
}

func TestBrowserSessionAppearsAfterReload(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	chrome := startChromium(t)
	admin := in.newTab(t, chrome, "admin")
	admin.signIn("admin", in.adminPW)
	if admin.count("tr[data-session-id]") != 0 {
		t.Fatal("rows before anyone connected")
	}

	bob := in.ftpLogin("bob")
	id := admin.rowFor("bob")
	row := rowSelector(id)
	if got := admin.text(row + ` [data-label="From"]`); !strings.HasPrefix(got, "127.0.0.1:") {
		t.Errorf("bob's row shows him from %q, want 127.0.0.1:PORT", got)
	}
	if got := admin.text(row + ` [data-label="Customer"]`); got != "acme" {
		t.Errorf("bob's row shows customer %q, want acme", got)
	}
	if got := admin.text(row + ` [data-label="State"]`); !strings.Contains(got, "idle") {
		t.Errorf("bob's row shows state %q, want idle", got)
	}
	if got := admin.text(row + " button"); got != "Disconnect" {
		t.Errorf("bob's row has a button %q, want Disconnect", got)
	}
	admin.screenshot("one-session")
	if err := bob.NoOp(); err != nil {
		t.Errorf("bob's FTP connection: %v", err)
	}
}

func TestBrowserDisconnectThroughDialog(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	chrome := startChromium(t)
	admin := in.newTab(t, chrome, "admin")
	admin.signIn("admin", in.adminPW)
	bob := in.ftpLogin("bob")
	id := admin.rowFor("bob")
	button := rowSelector(id) + " button"

	admin.do("click Disconnect", chromedp.Click(chromedp.CSS(button)))
	admin.waitUntil("the dialog opens", dialogOpen)
	if got := admin.text(confirmDialog + " p"); !strings.Contains(got, "bob from 127.0.0.1") {
		t.Errorf("the dialog asks %q; it should name bob and 127.0.0.1", got)
	}
	admin.screenshot("dialog")

	admin.do("click Cancel", chromedp.Click(chromedp.CSS(confirmDialog+" [data-cancel]")))
	admin.waitUntil("the dialog closes", "!"+dialogOpen)
	if got := admin.path(); got != "/sessions" {
		t.Errorf("Cancel went to %s", got)
	}
	if admin.count(rowSelector(id)) != 1 {
		t.Error("bob's row is gone after Cancel")
	}
	if err := bob.NoOp(); err != nil {
		t.Fatalf("after Cancel bob's FTP connection should still work: %v", err)
	}
	admin.screenshot("cancelled")

	admin.do("click Disconnect again", chromedp.Click(chromedp.CSS(button)))
	admin.waitUntil("the dialog opens", dialogOpen)
	admin.submit("confirm in the dialog", confirmDialog+` button[type="submit"]`)
	expectDisconnected(t, admin, id, bob.NoOp)
	admin.screenshot("disconnected")
}

func TestBrowserDisconnectWithoutJavaScript(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	chrome := startChromium(t)
	admin := in.newTab(t, chrome, "admin without JavaScript")
	admin.disableJavaScript()
	admin.signIn("admin", in.adminPW)
	bob := in.ftpLogin("bob")
	id := admin.rowFor("bob")
	button := rowSelector(id) + " button"
	confirmPath := "/sessions/" + id + "/disconnect"

	admin.submit("click Disconnect", chromedp.CSS(button))
	if got := admin.path(); got != confirmPath {
		t.Fatalf("without JavaScript Disconnect should open %s, the browser shows %s", confirmPath, got)
	}
	if got := admin.text(`[data-testid="confirm-question"]`); !strings.Contains(got, "bob from 127.0.0.1") {
		t.Errorf("the confirmation page asks %q; it should name bob and 127.0.0.1", got)
	}
	admin.screenshot("confirmation-page")

	admin.submit("click Cancel", `main a[href="/sessions"]`)
	if got := admin.path(); got != "/sessions" {
		t.Errorf("Cancel went to %s", got)
	}
	if err := bob.NoOp(); err != nil {
		t.Fatalf("after Cancel bob's FTP connection should still work: %v", err)
	}

	admin.submit("click Disconnect again", chromedp.CSS(button))
	admin.submit("confirm on the page", `main form[method="post"] button[type="submit"]`)
	expectDisconnected(t, admin, id, bob.NoOp)
	admin.screenshot("disconnected")
}

func TestBrowserDisconnectWithKeyboard(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	chrome := startChromium(t)
	admin := in.newTab(t, chrome, "admin")
	admin.signIn("admin", in.adminPW)
	bob := in.ftpLogin("bob")
	id := admin.rowFor("bob")
	button := rowSelector(id) + " button"
	focused := fmt.Sprintf(`document.activeElement.matches(%q)`, button)

	// Only keys from here on: Tab from the top of the page to bob's Disconnect.
	const maxTabs = 40 // past the header, the filters and the sortable column headers
	for tabs := 1; !js[bool](admin, focused); tabs++ {
		if tabs > maxTabs {
			t.Fatalf("%d presses of Tab did not reach bob's Disconnect button", maxTabs)
		}
		admin.do("press Tab", chromedp.KeyEvent(kb.Tab))
	}
	if !js[bool](admin, `(function () {
		var s = getComputedStyle(document.activeElement);
		return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
	})()`) {
		t.Error("the focused Disconnect button shows no focus outline of at least 2px")
	}
	admin.screenshot("focus-on-disconnect")

	admin.do("press Enter", chromedp.KeyEvent(kb.Enter))
	admin.waitUntil("the dialog opens", dialogOpen)
	if !js[bool](admin, `document.getElementById("confirm-disconnect").contains(document.activeElement)`) {
		t.Error("the open dialog does not have the focus")
	}
	if got := js[string](admin, `document.activeElement.textContent.trim()`); got != "Cancel" {
		t.Errorf("the dialog opens with the focus on %q; the safe choice, Cancel, should have it", got)
	}
	admin.screenshot("dialog")

	admin.do("press Escape", chromedp.KeyEvent(kb.Escape))
	admin.waitUntil("the dialog closes", "!"+dialogOpen)
	if !js[bool](admin, focused) {
		t.Errorf("after Escape the focus is on %s, want bob's Disconnect button",
			js[string](admin, `document.activeElement.outerHTML`))
	}
	if err := bob.NoOp(); err != nil {
		t.Fatalf("Escape should leave bob connected: %v", err)
	}
	admin.screenshot("focus-returned")
}

func TestBrowserCustomerSeesOnlyOwnSessions(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("globex")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("gina", "globex")
	bob := in.ftpLogin("bob")
	gina := in.ftpLogin("gina")
	chrome := startChromium(t)

	admin := in.newTab(t, chrome, "admin")
	admin.signIn("admin", in.adminPW)
	ids := map[string]string{"bob": admin.rowFor("bob"), "gina": admin.rowFor("gina")}
	admin.screenshot("admin-sees-all")

	for _, c := range []struct{ customer, own, other string }{
		{"acme", "bob", "gina"},
		{"globex", "gina", "bob"},
	} {
		browser := in.newTab(t, chrome, c.customer)
		browser.signIn(c.customer, c.customer+"-password")
		if got := browser.rowFor(c.own); got != ids[c.own] {
			t.Errorf("%s sees %s's session as %s, want %s", c.customer, c.own, got, ids[c.own])
		}
		if n := browser.count("tr[data-session-id]"); n != 1 {
			t.Errorf("%s sees %d rows, want only %s's", c.customer, n, c.own)
		}
		page := js[string](browser, `document.documentElement.outerHTML`)
		if strings.Contains(page, c.other) || strings.Contains(page, ids[c.other]) {
			t.Errorf("%s's page shows %s's session", c.customer, c.other)
		}
		if browser.count(`th`) != browser.count(`thead th`) || strings.Contains(browser.text("thead"), "Customer") {
			t.Errorf("%s's table should have no Customer column", c.customer)
		}
		browser.screenshot(c.customer + "-sees-own")

		// Even with the address of the other customer's session in hand.
		browser.open("/sessions/" + ids[c.other] + "/disconnect")
		if got := browser.text(`[data-testid="error-message"]`); !strings.Contains(got, "already ended") {
			t.Errorf("%s opening %s's session sees %q, want that it has already ended", c.customer, c.other, got)
		}
		if strings.Contains(js[string](browser, `document.documentElement.outerHTML`), c.other) {
			t.Errorf("%s's error page names %s", c.customer, c.other)
		}
	}
	for name, c := range map[string]interface{ NoOp() error }{"bob": bob, "gina": gina} {
		if err := c.NoOp(); err != nil {
			t.Errorf("%s's FTP connection: %v", name, err)
		}
	}
}

// dialogOpen is true while the disconnect dialog is open.
var dialogOpen = fmt.Sprintf(`document.querySelector(%q).open`, confirmDialog)

// expectDisconnected checks the list after a confirmed disconnect: the row is
// gone, the message names who was disconnected, and the client's connection is
// closed.
func expectDisconnected(t *testing.T, admin *tab, id string, noop func() error) {
	t.Helper()
	if got := admin.path(); got != "/sessions" {
		t.Errorf("after the disconnect the browser shows %s, want /sessions", got)
	}
	if admin.count(rowSelector(id)) != 0 {
		t.Error("the disconnected session is still listed")
	}
	if got := admin.text(`[data-testid="flash"]`); got != "Disconnected bob (127.0.0.1)" {
		t.Errorf("the message after the disconnect says %q, want Disconnected bob (127.0.0.1)", got)
	}
	if err := noop(); err == nil {
		t.Error("bob's FTP client still works after the disconnect")
	}
}
