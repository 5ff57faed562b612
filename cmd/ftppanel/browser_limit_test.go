package main

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// "Limit speed…" opens a dialog with presets and a custom speed; without
// JavaScript, a page. The row then says the limit and can lift it.

const limitDialog = "#limit-dialog"

func TestBrowserLimitSpeedInDialog(t *testing.T) {
	t.Parallel()
	axe := axeScript(t)
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	chrome := startChromium(t)
	customer := in.newTab(t, chrome, "acme")
	customer.signIn("acme", "acme-password")
	bob := in.rawDial()
	bob.login("bob")
	id := customer.rowFor("bob")

	customer.do("click Limit speed…", chromedp.Click(chromedp.CSS(rowSelector(id)+" form[data-limit] button")))
	customer.waitUntil("the dialog opens", query(limitDialog)+".open")
	if got := customer.text(limitDialog + " h2"); got != "Limit the speed of bob" {
		t.Errorf("the dialog asks %q", got)
	}
	customer.checkAccessibility(axe, "the limit dialog")
	customer.do("type a custom speed", chromedp.SendKeys(chromedp.CSS("#dialog-limit-custom"), "300K"))
	customer.screenshot("limit-dialog")
	customer.submit("limit in the dialog", limitDialog+` button[type="submit"]`)
	if got := customer.text(`[data-testid="flash"]`); got != "Limited bob (127.0.0.1) to 300 KiB/s" {
		t.Errorf("the message says %q", got)
	}
	if got := customer.text(rowSelector(id) + ` [data-testid="limit"]`); got != "limited to 300 KiB/s" {
		t.Errorf("the row says %q", got)
	}
	customer.checkAccessibility(axe, "a row with a limit")
	customer.submit("lift the limit", chromedp.CSS(rowSelector(id)+` button[aria-label="Lift limit of bob"]`))
	if got := customer.text(`[data-testid="flash"]`); got != "Lifted the speed limit of bob (127.0.0.1)" {
		t.Errorf("the message says %q", got)
	}
	if n := customer.count(rowSelector(id) + ` [data-testid="limit"]`); n != 0 {
		t.Errorf("the row still shows a limit after it was lifted")
	}
}

func TestBrowserLimitSpeedWithoutJavaScript(t *testing.T) {
	t.Parallel()
	axe := axeScript(t)
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	chrome := startChromium(t)
	admin := in.newTab(t, chrome, "admin without JavaScript")
	admin.disableJavaScript()
	admin.signIn("admin", in.adminPW)
	bob := in.rawDial()
	bob.login("bob")
	id := admin.rowFor("bob")

	admin.submit("click Limit speed…", chromedp.CSS(rowSelector(id)+" form[data-limit] button"))
	if got := admin.path(); got != "/sessions/"+id+"/limit" {
		t.Fatalf("without JavaScript the browser shows %s", got)
	}
	seer := in.newTab(t, chrome, "admin with JavaScript")
	seer.signIn("admin", in.adminPW)
	seer.open("/sessions/" + id + "/limit")
	seer.checkAccessibility(axe, "the limit page")

	// "Other" without a speed: the page says what is missing.
	admin.do("choose Other", chromedp.Click(chromedp.CSS(`main input[name="rate"][value="custom"]`)))
	admin.submit("limit with no speed", `main form[method="post"] button[type="submit"]`)
	if got := admin.text(`[data-testid="error-message"]`); got != "No speed was given: choose one, or give one such as 300K or 1.5M." {
		t.Errorf("the error says %q", got)
	}
	admin.do("choose 2 MiB/s", chromedp.Click(chromedp.CSS(`main input[name="rate"][value="2M"]`)))
	admin.submit("limit on the page", `main form[method="post"] button[type="submit"]`)
	if got := admin.text(`[data-testid="flash"]`); got != "Limited bob (127.0.0.1) to 2 MiB/s" {
		t.Errorf("the message says %q", got)
	}
	if got := admin.text(rowSelector(id) + ` [data-testid="limit"]`); got != "limited to 2 MiB/s" {
		t.Errorf("the row says %q", got)
	}
	// The page offers to lift it.
	admin.submit("open the limit page again", chromedp.CSS(rowSelector(id)+" form[data-limit] button"))
	admin.submit("lift it on the page", `main button.outline[type="submit"]`)
	if got := admin.text(`[data-testid="flash"]`); got != "Lifted the speed limit of bob (127.0.0.1)" {
		t.Errorf("the message says %q", got)
	}
}
