package main

import (
	"net/http"
	"strings"
	"testing"
)

// "ftppanel login-link --lang" makes a link that opens the panel in that
// language, and the customer keeps it.
func TestLoginLinkWithALanguage(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	out, err := in.cli("", "login-link", "acme", "--url", in.panelURL, "--lang", "es")
	if err != nil {
		t.Fatalf("login-link --lang es: %v\n%s", err, out)
	}
	link, _, _ := strings.Cut(out, "\n")
	if !strings.HasSuffix(link, "?lang=es") {
		t.Fatalf("login-link --lang es printed %q", link)
	}
	customer := in.browser()
	if r := customer.getURL(link); r.status != http.StatusOK || !strings.Contains(r.body, `<html lang="es"`) || !strings.Contains(r.body, "Sesión iniciada") {
		t.Errorf("the link: %d\n%s", r.status, r.body)
	}
	if r := customer.get("/sessions"); !strings.Contains(r.body, `<html lang="es"`) || !strings.Contains(r.body, "Sesiones FTP") {
		t.Errorf("after the link, /sessions is not in Spanish:\n%s", r.body)
	}
	if out, err := in.cli("", "login-link", "acme", "--lang", "tlh"); err == nil || !strings.Contains(err.Error(), "pt-BR") {
		t.Errorf("login-link --lang tlh: %v\n%s", err, out)
	}
}
