package main

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// The accounts page shows each account's speed limits; a page sets them,
// for administrators only (the limits are the host's); the sessions page
// limits the ticked rows at once.

func TestBrowserAccountLimits(t *testing.T) {
	t.Parallel()
	axe := axeScript(t)
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	chrome := startChromium(t)
	customer := in.newTab(t, chrome, "acme")
	customer.signIn("acme", "acme-password")

	customer.open("/accounts")
	limits := `tr[data-account="bob"] [data-testid="account-limits"]`
	if got := customer.text(limits); got != "no limit" {
		t.Errorf("bob's limits cell says %q", got)
	}
	customer.checkAccessibility(axe, "the accounts page with its limits")
	// A customer sees the limits but is not offered the form, nor let in.
	if n := customer.count(`tr[data-account="bob"] form[action$="/limits"]`); n != 0 {
		t.Errorf("a customer is offered %d speed limits forms", n)
	}
	customer.open("/accounts/bob/limits")
	if got := customer.text("main h1"); got != "Administrators only" {
		t.Errorf("a customer opening the limits page is shown %q", got)
	}

	admin := in.newTab(t, chrome, "admin")
	admin.signIn("admin", in.adminPW)
	admin.open("/accounts")
	admin.submit("click Speed limits…", `tr[data-account="bob"] form[action$="/limits"] button`)
	if got := admin.path(); got != "/accounts/bob/limits" {
		t.Fatalf("Speed limits… shows %s", got)
	}
	admin.checkAccessibility(axe, "the limits page")

	// A value it cannot read: the page again, saying why, with what was typed.
	admin.do("type a bad limit", chromedp.SendKeys(chromedp.ID("limit-down"), "fast"))
	admin.submit("save a bad limit", `main form[method="post"] button[type="submit"]`)
	if got := admin.text(`[data-testid="form-error"]`); got != `The download limit is not accepted: "fast" is not a rate: give bytes per second, such as 500K, 1M or off.` {
		t.Errorf("the error says %q", got)
	}
	admin.checkAccessibility(axe, "the limits page with an error")

	admin.do("type the limits",
		chromedp.Clear(chromedp.ID("limit-down")), chromedp.SendKeys(chromedp.ID("limit-down"), "2M"),
		chromedp.Clear(chromedp.ID("limit-up")), chromedp.SendKeys(chromedp.ID("limit-up"), "512K"))
	admin.submit("save the limits", `main form[method="post"] button[type="submit"]`)
	if got := admin.text(`[data-testid="flash"]`); got != "Speed limits of bob: down 2 MiB/s, up 512 KiB/s." {
		t.Errorf("the message says %q", got)
	}
	if got := admin.text(limits); got != "down 2 MiB/s, up 512 KiB/s" {
		t.Errorf("bob's limits cell says %q", got)
	}
	customer.open("/accounts")
	if got := customer.text(limits); got != "down 2 MiB/s, up 512 KiB/s" {
		t.Errorf("bob's limits cell, as his customer sees it, says %q", got)
	}
}

func TestBrowserLimitTickedRows(t *testing.T) {
	t.Parallel()
	axe := axeScript(t)
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "acme")
	chrome := startChromium(t)
	bob, carol := in.rawDial(), in.rawDial()
	bob.login("bob")
	carol.login("carol")
	tick := func(id string) chromedp.Action[chromedp.Void] {
		return chromedp.Click(chromedp.CSS(rowSelector(id) + ` input[name="id"]`))
	}
	bulkLimit := chromedp.CSS(`#bulk button[data-bulk-limit]`)

	t.Run("dialog", func(t *testing.T) {
		customer := in.newTab(t, chrome, "acme")
		customer.signIn("acme", "acme-password")
		bobID, carolID := customer.rowFor("bob"), customer.rowFor("carol")
		customer.do("tick both rows", tick(bobID), tick(carolID))
		customer.do("click Limit speed… for the ticked rows", chromedp.Click(bulkLimit))
		customer.waitUntil("the dialog opens", query(limitDialog)+".open")
		if got := customer.text(limitDialog + " h2"); got != "Limit the speed of 2 sessions" {
			t.Errorf("the dialog asks %q", got)
		}
		customer.checkAccessibility(axe, "the limit dialog for ticked rows")
		customer.do("choose Other", chromedp.SendKeys(chromedp.CSS("#dialog-limit-custom"), "300K"))
		customer.submit("limit in the dialog", limitDialog+` button[type="submit"]`)
		if got := customer.text(`[data-testid="flash"]`); got != "Limited 2 sessions to 300 KiB/s: bob (127.0.0.1), carol (127.0.0.1)" &&
			got != "Limited 2 sessions to 300 KiB/s: carol (127.0.0.1), bob (127.0.0.1)" {
			t.Errorf("the message says %q", got)
		}
		for _, id := range []string{bobID, carolID} {
			if got := customer.text(rowSelector(id) + ` [data-testid="limit"]`); got != "limited to 300 KiB/s" {
				t.Errorf("a row says %q", got)
			}
		}
	})

	t.Run("page without JavaScript", func(t *testing.T) {
		admin := in.newTab(t, chrome, "admin without JavaScript")
		admin.disableJavaScript()
		admin.signIn("admin", in.adminPW)
		bobID := admin.rowFor("bob")
		admin.do("tick bob", tick(bobID))
		admin.submit("click Limit speed… for the ticked rows", bulkLimit)
		if got := admin.path(); got != "/sessions/limit" {
			t.Fatalf("without JavaScript the browser shows %s", got)
		}
		if got := admin.text("main h1"); got != "Limit the speed of 1 session" {
			t.Errorf("the page asks %q", got)
		}
		// axe needs JavaScript: another tab posts the same form to see the page.
		seer := in.newTab(t, chrome, "admin with JavaScript")
		seer.signIn("admin", in.adminPW)
		inTab(seer, "add a form that posts the ticked row", chromedp.Evaluate[bool](`(function () {
			var f = document.createElement("form");
			f.method = "post";
			f.action = "`+in.basePath()+`/sessions/limit";
			f.id = "post-ticked";
			f.innerHTML = '<input type="hidden" name="id" value="`+bobID+`"><button type="submit">go</button>';
			document.body.appendChild(f);
			return true;
		})()`))
		seer.submit("post the ticked row", "#post-ticked button")
		if got := seer.path(); got != "/sessions/limit" {
			t.Fatalf("the posted form shows %s", got)
		}
		seer.checkAccessibility(axe, "the limit page for ticked rows")
		admin.do("choose 2 MiB/s", chromedp.Click(chromedp.CSS(`main input[name="rate"][value="2M"]`)))
		admin.submit("limit on the page", `main form[method="post"] button[type="submit"]`)
		if got := admin.text(`[data-testid="flash"]`); got != "Limited 1 session to 2 MiB/s: bob (127.0.0.1)" {
			t.Errorf("the message says %q", got)
		}
		if got := admin.text(rowSelector(bobID) + ` [data-testid="limit"]`); got != "limited to 2 MiB/s" {
			t.Errorf("bob's row says %q", got)
		}
	})
}
