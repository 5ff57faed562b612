package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The reason for a disconnect, typed in the dialog or on the confirmation page,
// reaches the FTP client; "Disconnect all shown" asks with the count.

func TestBrowserDisconnectReasonInDialog(t *testing.T) {
	t.Parallel()
	axe := axeScript(t)
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	chrome := startChromium(t)
	admin := in.newTab(t, chrome, "admin")
	admin.signIn("admin", in.adminPW)
	bob := in.rawDial()
	bob.login("bob")
	id := admin.rowFor("bob")

	admin.do("click Disconnect", chromedp.Click(chromedp.CSS(rowSelector(id)+" button")))
	admin.waitUntil("the dialog opens", dialogOpen)
	admin.checkAccessibility(axe, "the disconnect dialog with its reason field")
	admin.do("type a reason", chromedp.SendKeys(chromedp.CSS("#confirm-reason"), "Too many connections"))
	admin.screenshot("dialog-with-reason")
	admin.submit("confirm in the dialog", confirmDialog+` button[type="submit"]`)
	if msg := bob.farewell(); msg != "Too many connections" {
		t.Errorf("the client read 421 %q", msg)
	}
	if got := admin.text(`[data-testid="flash"]`); got != "Disconnected bob (127.0.0.1)" {
		t.Errorf("the message says %q", got)
	}
}

func TestBrowserDisconnectReasonWithoutJavaScript(t *testing.T) {
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

	admin.submit("click Disconnect", chromedp.CSS(rowSelector(id)+" button"))
	if got := admin.path(); got != "/sessions/"+id+"/disconnect" {
		t.Fatalf("without JavaScript the browser shows %s", got)
	}
	// axe needs JavaScript: it looks at the same page in a tab that has it.
	seer := in.newTab(t, chrome, "admin with JavaScript")
	seer.signIn("admin", in.adminPW)
	seer.open("/sessions/" + id + "/disconnect")
	seer.checkAccessibility(axe, "the confirmation page with its reason field")
	admin.do("type a reason", chromedp.SendKeys(chromedp.CSS("#reason"), "Abuse report #42"))
	admin.submit("confirm on the page", `main form[method="post"] button[type="submit"]`)
	if msg := bob.farewell(); msg != "Abuse report #42" {
		t.Errorf("the client read 421 %q", msg)
	}
}

func TestBrowserDisconnectAllShown(t *testing.T) {
	t.Parallel()
	axe := axeScript(t)
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	chrome := startChromium(t)

	t.Run("dialog", func(t *testing.T) {
		admin := in.with(t).newTab(t, chrome, "admin")
		admin.signIn("admin", in.adminPW)
		kicked := []*rawFTP{in.with(t).rawDialFrom("127.0.0.8"), in.with(t).rawDialFrom("127.0.0.8")}
		stays := in.with(t).rawDialFrom("127.0.0.1")
		for _, c := range append(kicked, stays) {
			c.login("bob")
		}
		admin.open("/sessions?ip=127.0.0.8")
		admin.waitUntil("both sessions from 127.0.0.8 listed", `document.querySelectorAll("tr[data-session-id]").length === 2`)
		admin.do("click Disconnect all shown", chromedp.Click(chromedp.CSS(`[data-testid="disconnect-shown"]`)))
		admin.waitUntil("the dialog opens", `document.querySelector("#confirm-kick").open`)
		if got := admin.text("#kick-text"); !strings.Contains(got, "All 2 sessions from 127.0.0.8/32") {
			t.Errorf("the dialog asks %q; it should give the count and the address", got)
		}
		admin.checkAccessibility(axe, "the Disconnect all shown dialog")
		admin.do("type a reason", chromedp.SendKeys(chromedp.CSS("#kick-reason"), "Blocked range"))
		admin.screenshot("disconnect-all-shown-dialog")
		admin.submit("confirm in the dialog", `#confirm-kick button[type="submit"]`)
		for _, c := range kicked {
			if msg := c.farewell(); msg != "Blocked range" {
				t.Errorf("the client read 421 %q", msg)
			}
		}
		stays.cmd(200, "NOOP")
		if got := admin.text(`[data-testid="flash"]`); !strings.HasPrefix(got, "Disconnected 2 sessions:") {
			t.Errorf("the message says %q", got)
		}
	})

	t.Run("without JavaScript", func(t *testing.T) {
		admin := in.with(t).newTab(t, chrome, "admin without JavaScript")
		admin.disableJavaScript()
		admin.signIn("admin", in.adminPW)
		kicked := []*rawFTP{in.with(t).rawDialFrom("127.0.0.9"), in.with(t).rawDialFrom("127.0.0.10")}
		stays := in.with(t).rawDialFrom("127.0.0.1")
		for _, c := range append(kicked, stays) {
			c.login("bob")
		}
		admin.open("/sessions?ip=127.0.0.8/29")
		admin.submit("click Disconnect all shown", `[data-testid="disconnect-shown"]`)
		if got := admin.text("main h1"); got != "Disconnect all 2 sessions from 127.0.0.8/29?" {
			t.Errorf("the confirmation page asks %q", got)
		}
		// axe needs JavaScript: it looks at the same page in a tab that has it,
		// the form sent as without JavaScript.
		seer := in.with(t).newTab(t, chrome, "admin with JavaScript")
		seer.signIn("admin", in.adminPW)
		seer.open("/sessions?ip=127.0.0.8/29")
		seer.do("stop the dialog", chromedp.Evaluate[chromedp.Void](`document.querySelector("form[data-kick]").removeAttribute("data-kick")`))
		seer.submit("click Disconnect all shown", `[data-testid="disconnect-shown"]`)
		if got := seer.text("main h1"); got != "Disconnect all 2 sessions from 127.0.0.8/29?" {
			t.Errorf("the confirmation page asks %q", got)
		}
		seer.checkAccessibility(axe, "the Disconnect all shown confirmation page")
		seer.screenshot("disconnect-all-shown-page")
		admin.do("type a reason", chromedp.SendKeys(chromedp.CSS("#reason"), "Blocked range"))
		admin.submit("confirm on the page", `main form[method="post"] button[type="submit"]`)
		for _, c := range kicked {
			if msg := c.farewell(); msg != "Blocked range" {
				t.Errorf("the client read 421 %q", msg)
			}
		}
		stays.cmd(200, "NOOP")
	})
}
