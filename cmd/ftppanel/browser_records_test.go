package main

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// disconnectThroughConfirmation disconnects a session with the confirmation
// page, as a visitor without JavaScript does.
func (tb *tab) disconnectThroughConfirmation(id string) {
	tb.t.Helper()
	tb.open("/sessions/" + id + "/disconnect")
	tb.submit("confirm the disconnect", `main form[method="post"] button[type="submit"]`)
	if got := tb.path(); got != "/sessions" {
		tb.t.Fatalf("after a disconnect the browser shows %s, want /sessions", got)
	}
}

// openWithRows reloads path until sel matches something: an ended session
// reaches the history a moment after it ends.
func (tb *tab) openWithRows(path, sel string) {
	tb.t.Helper()
	waitFor(tb.t, sel+" on "+path+" in "+tb.name+"'s browser", func() bool {
		tb.open(path)
		return tb.count(sel) > 0
	})
}

// TestBrowserHistory has a customer reach the history from the header, filter
// it with the form, come back to the filtered view by its address, and read it
// in its own time zone and on a phone.
func TestBrowserHistory(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "acme")
	for _, login := range []string{"bob", "carol"} {
		c, control := in.ftpLoginConn(login)
		c.Quit()
		in.endedAs(control.LocalAddr())
	}
	carol := in.rawDial()
	carol.login("carol")
	carol.conn.Close()
	in.endedAs(carol.conn.LocalAddr())

	chrome := startChromium(t)
	acme := in.newTab(t, chrome, "acme in India")
	acme.setTimeZone("Asia/Kolkata", "en-GB")
	acme.signIn("acme", "acme-password")
	if got := js[string](acme, query(`nav a[aria-current="page"]`)+`.textContent`); got != "Sessions" {
		t.Errorf("on the sessions page the header marks %q as current", got)
	}
	acme.submit("follow History in the header", `nav a[href="/history"]`)
	if got := acme.path(); got != "/history" {
		t.Fatalf("the History link leads to %s", got)
	}
	if got := js[string](acme, query(`nav a[aria-current="page"]`)+`.textContent`); got != "History" {
		t.Errorf("on the history page the header marks %q as current", got)
	}
	if n := acme.count("tr[data-ended-session]"); n != 3 {
		t.Fatalf("acme's history shows %d sessions, want 3", n)
	}

	// Times in the viewer's zone, the exact one on hover.
	iso := js[string](acme, query("tr[data-ended-session] time")+`.getAttribute("datetime")`)
	at, err := time.Parse(time.RFC3339, iso)
	if err != nil {
		t.Fatalf("a start time has datetime=%q: %v", iso, err)
	}
	local := at.In(time.FixedZone("IST", 5*60*60+30*60))
	if shown := acme.text("tr[data-ended-session] time"); !strings.Contains(shown, local.Format("15:04")) || strings.Contains(shown, "UTC") {
		t.Errorf("a start time reads %q in India; want the local time %s", shown, local.Format("15:04"))
	}

	acme.do("filter carol's quits",
		chromedp.SendKeys(chromedp.ID("filter-login"), "carol"),
		chromedp.SetValue(chromedp.ID("filter-reason"), "quit"),
	)
	acme.submit("submit the filters", `form[role="search"] button[type="submit"]`)
	loc := inTab(acme, "read the address", chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil || u.Path != "/history" || u.Query().Get("login") != "carol" || u.Query().Get("reason") != "quit" {
		t.Fatalf("after filtering the browser shows %q, want /history with login=carol and reason=quit", loc)
	}
	check := func(when string) {
		t.Helper()
		if n := acme.count("tr[data-ended-session]"); n != 1 {
			t.Errorf("%s: %d sessions, want carol's one quit", when, n)
		}
		if got := acme.text(`tr[data-ended-session] td[data-label="How it ended"]`); got != "quit" {
			t.Errorf("%s: the session ended by %q, want quit", when, got)
		}
		if got := js[string](acme, query("#filter-login")+".value"); got != "carol" {
			t.Errorf("%s: the login field holds %q", when, got)
		}
		if got := js[string](acme, query("#filter-reason")+".value"); got != "quit" {
			t.Errorf("%s: the reason list shows %q", when, got)
		}
	}
	check("after filtering")
	acme.screenshot("filtered")

	// A bookmark of that view, opened on a phone.
	acme.phone()
	acme.open(u.RequestURI())
	check("from a bookmark")
	if w := js[int](acme, `document.documentElement.scrollWidth`); w > phoneWidth {
		t.Errorf("the history is %dpx wide on a %dpx phone", w, phoneWidth)
	}
	row := "tr[data-ended-session]"
	if js[string](acme, `getComputedStyle(`+query(row)+`).display`) == "table-row" {
		t.Error("on a phone the history rows are still table rows, want cards")
	}
	if label := js[string](acme, `getComputedStyle(`+query(row+` td[data-label="How it ended"]`)+`, "::before").content`); !strings.Contains(label, "How it ended") {
		t.Errorf("on a phone the end reason is not labelled: ::before is %s", label)
	}
	acme.screenshot("phone-filtered")
}
