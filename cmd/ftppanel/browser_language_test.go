package main

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The panel in each language, in a real browser: the browser's Accept-Language
// chooses the sign-in page's, the switch in the header every other, and every
// page says which it is in <html lang>, as screen readers need.

// sessionsInLanguage is what the sessions page says in each language.
var sessionsInLanguage = []struct{ lang, heading, disconnect string }{
	{"de", "FTP-Sitzungen", "Trennen"},
	{"es", "Sesiones FTP", "Desconectar"},
	{"fr", "Sessions FTP", "Déconnecter"},
	{"pt-BR", "Sessões FTP", "Desconectar"},
	{"en", "FTP Sessions", "Disconnect"},
}

func TestBrowserLanguages(t *testing.T) {
	t.Parallel()
	axe := axeScript(t)
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	chrome := startChromium(t)
	acme := in.newTab(t, chrome, "acme")
	call(acme, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Accept-Language": "de-AT,de;q=0.9,en;q=0.5"}})

	acme.open("/login")
	if lang := js[string](acme, "document.documentElement.lang"); lang != "de" {
		t.Errorf("the sign-in page for de-AT has lang %q, want de", lang)
	}
	if got := acme.text("h1"); got != "Anmelden" {
		t.Errorf("the sign-in page for de-AT says %q", got)
	}
	acme.checkAccessibility(axe, "the German sign-in page")

	bob := in.rawDial()
	bob.login("bob")
	acme.signIn("acme", "acme-password")
	id := acme.rowFor("bob")
	for _, want := range sessionsInLanguage {
		if js[string](acme, "document.documentElement.lang") != want.lang {
			acme.do("choose "+want.lang, chromedp.SetValue(chromedp.CSS("#language-choice"), want.lang))
			acme.submit("switch to "+want.lang, chromedp.CSS(`.language-switch button[type="submit"]`))
		}
		if got := acme.path(); got != "/sessions" {
			t.Fatalf("the switch to %s went to %s, want back to /sessions", want.lang, got)
		}
		if lang := js[string](acme, "document.documentElement.lang"); lang != want.lang {
			t.Errorf("after the switch to %s the page has lang %q", want.lang, lang)
		}
		if got := acme.text("h1"); got != want.heading {
			t.Errorf("%s: the heading says %q, want %q", want.lang, got, want.heading)
		}
		if got := acme.text(rowSelector(id) + " form[data-disconnect] button"); got != want.disconnect {
			t.Errorf("%s: bob's row offers %q, want %q", want.lang, got, want.disconnect)
		}
		if got := js[string](acme, query(`[data-testid="signed-in-user"]`)+".textContent"); got != "acme" {
			t.Errorf("%s: signed in as %q", want.lang, got)
		}
		acme.checkAccessibility(axe, "the sessions page in "+want.lang)
		acme.screenshot("sessions-" + want.lang)
	}

	// The last choice stays with acme after signing out and in: a new browser
	// asking for German gets acme's Portuguese once acme signs in.
	acme.do("choose Português", chromedp.SetValue(chromedp.CSS("#language-choice"), "pt-BR"))
	acme.submit("switch to pt-BR", chromedp.CSS(`.language-switch button[type="submit"]`))
	acme.submit("sign out", chromedp.CSS(`form[action$="/logout"] button`))
	if lang := js[string](acme, "document.documentElement.lang"); lang != "pt-BR" {
		t.Errorf("the sign-in page after signing out has lang %q, want pt-BR", lang)
	}
	other := in.newTab(t, chrome, "acme elsewhere")
	call(other, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"Accept-Language": "de"}})
	other.signIn("acme", "acme-password")
	if lang := js[string](other, "document.documentElement.lang"); lang != "pt-BR" {
		t.Errorf("acme signed in from a German browser: lang %q, want acme's pt-BR", lang)
	}
	// Times are written by the browser in the page's language.
	other.waitUntil("bob's row", query(rowSelector(id))+" !== null")
	if got := other.text(rowSelector(id) + " time"); strings.Contains(got, "AM") || strings.Contains(got, "PM") {
		t.Errorf("a time on the Portuguese page reads %q", got)
	}
}
