package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestTokensFromThePanel(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("globex")
	acme := in.signIn("acme", "acme-password")
	if body := acme.get("/tokens").body; !strings.Contains(body, "You have no API tokens") {
		t.Error("a new user should have no tokens")
	}
	made := acme.post("/tokens", url.Values{"label": {"monitoring"}})
	token := regexpFind(t, made.body, `<code class="token">(ftpp_[^<]+)</code>`)

	api := func(tok string) int {
		req, _ := http.NewRequest(http.MethodGet, in.panelURL+"/api/v1/sessions", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		return in.browser().do(req).status
	}
	if status := api(token); status != http.StatusOK {
		t.Fatalf("the new token: API status %d", status)
	}
	list := acme.get("/tokens").body
	if strings.Contains(list, token) {
		t.Error("the token is shown again after it was made")
	}
	if !strings.Contains(list, "monitoring") {
		t.Error("the token's label is not listed")
	}
	revoke := regexpFind(t, list, `action="(/tokens/\d+/revoke)"`)

	globex := in.signIn("globex", "globex-password")
	if r := globex.post(revoke, nil); r.status != http.StatusNotFound {
		t.Errorf("another user revoking acme's token: %d, want 404", r.status)
	}
	if status := api(token); status != http.StatusOK {
		t.Fatal("another user's attempt revoked the token")
	}
	if r := acme.post(revoke, nil); r.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.status)
	}
	if status := api(token); status != http.StatusUnauthorized {
		t.Errorf("a revoked token: API status %d, want 401", status)
	}
	if r := acme.post("/tokens", url.Values{"label": {strings.Repeat("x", 500)}}); r.status != http.StatusBadRequest {
		t.Errorf("an overlong label: %d, want 400", r.status)
	}
}
