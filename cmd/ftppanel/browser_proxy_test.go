package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The panel as a host runs it: under a path of its own behind a reverse proxy,
// and opened from the host's control panel with a one-time sign-in link.

func TestBrowserUnderBasePath(t *testing.T) {
	t.Parallel()
	in := start(t, "--base-path", basePath)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	chrome := startChromium(t)
	admin := in.newTab(t, chrome, "admin")

	admin.signIn("admin", in.adminPW)
	if got := js[string](admin, `location.pathname`); got != basePath+"/sessions" {
		t.Fatalf("signed in, the browser is at %s, want %s/sessions", got, basePath)
	}
	if !js[bool](admin, `getComputedStyle(document.querySelector("header.topbar")).display !== "" && document.styleSheets.length > 0 && document.styleSheets[0].cssRules.length > 0`) {
		t.Error("the stylesheet did not load under the base path")
	}

	bob := in.ftpLogin("bob")
	id := admin.rowFor("bob") // the row arrives through the live stream, without a reload
	admin.screenshot("row-arrived")

	admin.do("click Disconnect", chromedp.Click(chromedp.CSS(rowSelector(id)+" button")))
	admin.waitUntil("the dialog opens", dialogOpen)
	if got := js[string](admin, "new URL("+query(confirmDialog+" [data-confirm-form]")+".action).pathname"); got != basePath+"/sessions/"+id+"/disconnect" {
		t.Errorf("the dialog's form posts to %s", got)
	}
	admin.screenshot("dialog")
	admin.submit("confirm in the dialog", confirmDialog+` button[type="submit"]`)
	expectDisconnected(t, admin, id, bob.NoOp)
	admin.screenshot("disconnected")
}

func TestBrowserSignInLinkFromHostPanel(t *testing.T) {
	t.Parallel()
	in := start(t, "--base-path", basePath)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.ftpLogin("bob")
	out, err := in.cli("", "login-link", "acme", "--url", in.panelURL)
	if err != nil {
		t.Fatalf("login-link: %v\n%s", err, out)
	}
	link := regexp.MustCompile(`(?m)^http://\S+$`).FindString(out)

	// The host's control panel: another site (localhost, where the panel is
	// 127.0.0.1), whose page links to the panel with the sign-in link.
	hostPanel := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html lang="en"><title>Host panel</title><link rel="icon" href="data:,">`+
			`<h1>Host panel</h1><a id="ftp" href="%s">FTP Sessions</a></html>`, link)
	}))
	t.Cleanup(hostPanel.Close)
	hostURL := strings.Replace(hostPanel.URL, "127.0.0.1", "localhost", 1)

	chrome := startChromium(t)
	acme := in.newTab(t, chrome, "acme")
	acme.do("open the host panel", chromedp.Navigate(hostURL))
	acme.do("click FTP Sessions", chromedp.Click(chromedp.ID("ftp")))
	// The link's page moves on by itself; while it does, the page may be gone.
	arrived := fmt.Sprintf(`location.pathname === %q && (document.querySelector('[data-testid="signed-in-user"]') || {}).textContent === "acme"`,
		basePath+"/sessions")
	waitFor(t, "the sessions list, signed in as acme", func() bool {
		ctx, cancel := context.WithTimeout(acme.ctx, browserStep)
		defer cancel()
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](arrived))
		return err == nil && ok
	})
	if id := acme.rowFor("bob"); id == "" {
		t.Error("signed in by the link, acme does not see bob's session")
	}
	acme.screenshot("signed-in-by-link")

	// The same link again, as a second click or a stolen copy would use it.
	again := in.newTab(t, chrome, "someone else")
	again.do("open the used link", chromedp.Navigate(link))
	if got := again.text(`[data-testid="error-message"]`); !strings.Contains(got, "already been used") {
		t.Errorf("a used link shows %q", got)
	}
	if again.count(`[data-testid="signed-in-user"]`) != 0 {
		t.Error("a used link signed someone in")
	}
	again.screenshot("link-used")
}
