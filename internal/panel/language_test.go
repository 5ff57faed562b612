package panel

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// browser is a minimal one for the language tests: it keeps the cookies the
// panel sets and sends an Accept-Language.
type browser struct {
	t       *testing.T
	f       *authzFixture
	accept  string
	cookies map[string]string
}

func newBrowser(t *testing.T, f *authzFixture, accept string) *browser {
	return &browser{t: t, f: f, accept: accept, cookies: map[string]string{}}
}

func (b *browser) do(method, path string, form url.Values, header ...string) *httptest.ResponseRecorder {
	b.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequestWithContext(b.t.Context(), method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequestWithContext(b.t.Context(), method, path, nil)
	}
	if b.accept != "" {
		req.Header.Set("Accept-Language", b.accept)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	for name, value := range b.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	rec := httptest.NewRecorder()
	b.f.handler.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return rec
}

func (b *browser) signIn(name string) {
	b.t.Helper()
	rec := b.do(http.MethodPost, "/login", url.Values{"username": {name}, "password": {name + "-password"}})
	if rec.Code != http.StatusSeeOther || b.cookies[signInCookie] == "" {
		b.t.Fatalf("sign in as %s: status %d", name, rec.Code)
	}
}

// pageLang is the lang of a page's <html>.
func pageLang(t *testing.T, body string) string {
	t.Helper()
	_, rest, ok := strings.Cut(body, `<html lang="`)
	if !ok {
		t.Fatalf("no <html lang> in\n%s", body)
	}
	lang, _, _ := strings.Cut(rest, `"`)
	return lang
}

func TestLanguageFromAcceptLanguage(t *testing.T) {
	f := newAuthzFixture(t, newAuthzTemplate(t))
	for _, c := range []struct{ accept, lang, text string }{
		{"de-AT,de;q=0.9,en;q=0.5", "de", "Anmelden"},
		{"pt", "pt-BR", "Entrar"},
		{"pt-BR,pt;q=0.9", "pt-BR", "Entrar"},
		{"es-MX", "es", "Iniciar sesión"},
		{"fr-CA,fr;q=0.8", "fr", "Se connecter"},
		{"ja,zh;q=0.8", "en", "Sign in"},
		{"", "en", "Sign in"},
		{"not a header;;", "en", "Sign in"},
	} {
		rec := newBrowser(t, f, c.accept).do(http.MethodGet, "/login", nil)
		if !strings.Contains(rec.Header().Get("Vary"), "Accept-Language") {
			t.Errorf("the sign-in page does not say it varies by Accept-Language: Vary %q", rec.Header().Get("Vary"))
		}
		body := rec.Body.String()
		if got := pageLang(t, body); got != c.lang || !strings.Contains(body, ">"+c.text+"</h1>") {
			t.Errorf("Accept-Language %q: <html lang=%q>, want %q with %q\n%s", c.accept, got, c.lang, c.text, body)
		}
	}
}

func TestLanguageSwitchIsRemembered(t *testing.T) {
	f := newAuthzFixture(t, newAuthzTemplate(t))
	b := newBrowser(t, f, "en-US,en;q=0.9")
	b.signIn("acme")
	if got := pageLang(t, b.do(http.MethodGet, "/accounts", nil).Body.String()); got != "en" {
		t.Fatalf("before the switch: lang %q, want en", got)
	}

	// The switch on the accounts page, filtered: back to the same view.
	rec := b.do(http.MethodPost, "/language", url.Values{"lang": {"fr"}, "next": {"/history"}},
		"Referer", "http://example.com/history?login=bob")
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/history?login=bob" {
		t.Fatalf("switch: status %d to %q, want 303 to /history?login=bob", rec.Code, rec.Header().Get("Location"))
	}
	body := b.do(http.MethodGet, "/history?login=bob", nil).Body.String()
	if pageLang(t, body) != "fr" || !strings.Contains(body, "Historique des sessions") {
		t.Fatalf("after the switch: not in French\n%s", body)
	}
	u, err := f.db.AuthenticatePanelUser(t.Context(), "acme", "acme-password")
	if err != nil || u.Language != "fr" {
		t.Fatalf("acme's stored language: %q, %v; want fr", u.Language, err)
	}

	// Signed out, the sign-in page stays French for this browser.
	b.do(http.MethodPost, "/logout", url.Values{})
	if got := pageLang(t, b.do(http.MethodGet, "/login", nil).Body.String()); got != "fr" {
		t.Errorf("sign-in page after sign-out: lang %q, want fr", got)
	}

	// Another browser, asking for German: acme's own choice wins once signed in,
	// and that browser's sign-in page follows it from then on.
	other := newBrowser(t, f, "de-DE,de;q=0.9")
	if got := pageLang(t, other.do(http.MethodGet, "/login", nil).Body.String()); got != "de" {
		t.Fatalf("a new German browser: lang %q, want de", got)
	}
	other.signIn("acme")
	body = other.do(http.MethodGet, "/sessions", nil).Body.String()
	if pageLang(t, body) != "fr" || !strings.Contains(body, "Sessions FTP") {
		t.Errorf("acme signed in elsewhere: not in French\n%s", body)
	}
	other.do(http.MethodPost, "/logout", url.Values{})
	if got := pageLang(t, other.do(http.MethodGet, "/login", nil).Body.String()); got != "fr" {
		t.Errorf("the other browser's sign-in page after acme signed out: lang %q, want fr", got)
	}

	// Someone else on that server keeps their browser's language.
	root := newBrowser(t, f, "es")
	root.signIn("root")
	if got := pageLang(t, root.do(http.MethodGet, "/sessions", nil).Body.String()); got != "es" {
		t.Errorf("root with Accept-Language es: lang %q, want es", got)
	}
}

// A language chosen on the sign-in page, before signing in, is the user's.
func TestLanguageChosenBeforeSigningIn(t *testing.T) {
	f := newAuthzFixture(t, newAuthzTemplate(t))
	b := newBrowser(t, f, "en")
	rec := b.do(http.MethodPost, "/language", url.Values{"lang": {"pt-BR"}, "next": {"/login"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login" {
		t.Fatalf("switch on the sign-in page: status %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	if got := pageLang(t, b.do(http.MethodGet, "/login", nil).Body.String()); got != "pt-BR" {
		t.Fatalf("the sign-in page after the switch: lang %q", got)
	}
	b.signIn("globex")
	if u, _ := f.db.AuthenticatePanelUser(t.Context(), "globex", "globex-password"); u.Language != "pt-BR" {
		t.Errorf("globex's language after signing in: %q, want pt-BR", u.Language)
	}
	if got := pageLang(t, newBrowser(t, f, "fr").signedInPage("globex", "/sessions")); got != "pt-BR" {
		t.Errorf("globex in another browser: lang %q, want pt-BR", got)
	}
}

func (b *browser) signedInPage(name, path string) string {
	b.t.Helper()
	b.signIn(name)
	return b.do(http.MethodGet, path, nil).Body.String()
}

func TestLanguageSwitchRefusesBadInput(t *testing.T) {
	f := newAuthzFixture(t, newAuthzTemplate(t))
	b := newBrowser(t, f, "")
	b.signIn("acme")
	if rec := b.do(http.MethodPost, "/language", url.Values{"lang": {"xx"}}); rec.Code != http.StatusBadRequest {
		t.Errorf("lang=xx: status %d, want 400", rec.Code)
	}
	if rec := b.do(http.MethodGet, "/language", nil); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET /language: status %d, want 405", rec.Code)
	}
	if rec := b.do(http.MethodPost, "/language", url.Values{"lang": {"de"}}, "Sec-Fetch-Site", "cross-site"); rec.Code != http.StatusForbidden {
		t.Errorf("cross-origin switch: status %d, want 403", rec.Code)
	}
	if u, _ := f.db.AuthenticatePanelUser(t.Context(), "acme", "acme-password"); u.Language != "" {
		t.Errorf("refused switches changed acme's language to %q", u.Language)
	}
	for _, next := range []string{"//evil.example/x", "https://evil.example/", `/\evil.example`, ""} {
		rec := b.do(http.MethodPost, "/language", url.Values{"lang": {"de"}, "next": {next}})
		if loc := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || loc != "/sessions" {
			t.Errorf("next=%q: status %d to %q, want 303 to /sessions", next, rec.Code, loc)
		}
	}
}

func TestLoginLinkCarriesLanguage(t *testing.T) {
	f := newAuthzFixture(t, newAuthzTemplate(t))
	token, _, err := f.db.CreateLoginLink(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, f, "en")
	rec := b.do(http.MethodGet, "/login-link/"+token+"?lang=es", nil)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || pageLang(t, body) != "es" || !strings.Contains(body, "Sesión iniciada") {
		t.Fatalf("sign-in link with lang=es: status %d\n%s", rec.Code, body)
	}
	if got := pageLang(t, b.do(http.MethodGet, "/sessions", nil).Body.String()); got != "es" {
		t.Errorf("the sessions page after the link: lang %q, want es", got)
	}
	if u, _ := f.db.AuthenticatePanelUser(t.Context(), "acme", "acme-password"); u.Language != "es" {
		t.Errorf("acme's stored language after the link: %q, want es", u.Language)
	}

	// An unknown lang= is ignored: the user's language stays.
	token, _, err = f.db.CreateLoginLink(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if got := pageLang(t, newBrowser(t, f, "de").do(http.MethodGet, "/login-link/"+token+"?lang=tlh", nil).Body.String()); got != "es" {
		t.Errorf("lang=tlh: lang %q, want acme's es", got)
	}
}

// The panel's own answers, error pages and messages after a form, are in the
// user's language too.
func TestPanelAnswersInTheLanguage(t *testing.T) {
	f := newAuthzFixture(t, newAuthzTemplate(t))
	b := newBrowser(t, f, "de")
	if body := b.do(http.MethodGet, "/no-such-page", nil).Body.String(); !strings.Contains(body, "Seite nicht gefunden") || pageLang(t, body) != "de" {
		t.Errorf("404 for a German browser:\n%s", body)
	}
	b.signIn("root")
	rec := b.do(http.MethodPost, "/sessions/"+f.bob.ID()+"/disconnect", url.Values{})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("disconnect: status %d", rec.Code)
	}
	if body := b.do(http.MethodGet, "/sessions", nil).Body.String(); !strings.Contains(body, "bob (192.0.2.1) getrennt") {
		t.Errorf("the German message after a disconnect is missing:\n%s", body)
	}
	if body := b.do(http.MethodPost, "/sessions/"+f.bob.ID()+"/disconnect", url.Values{}).Body.String(); !strings.Contains(body, "Sitzung nicht gefunden") {
		t.Errorf("an ended session in German:\n%s", body)
	}
	if body := b.do(http.MethodGet, "/history?page=0", nil).Body.String(); !strings.Contains(body, "Die Seitenzahl muss eine ganze Zahl von 1 bis") {
		t.Errorf("a bad page number in German:\n%s", body)
	}
}

// A host's panel asks the API for a link in its own language.
func TestLoginLinkAPITakesALanguage(t *testing.T) {
	f := newAuthzFixture(t, newAuthzTemplate(t))
	root := f.visitors["root"]
	a := f.sendRule(t, http.MethodPost, "/api/v1/login-links", routeRule{json: `{"customer": "acme", "lang": "fr"}`}, root, true)
	if a.status != http.StatusCreated || !strings.Contains(a.body, `?lang=fr"`) {
		t.Fatalf("a link with lang fr: %d %s", a.status, a.body)
	}
	_, rest, _ := strings.Cut(a.body, "/login-link/")
	link, _, _ := strings.Cut(rest, `"`)
	if body := newBrowser(t, f, "de").do(http.MethodGet, "/login-link/"+link, nil).Body.String(); pageLang(t, body) != "fr" {
		t.Errorf("the link's page is not French:\n%s", body)
	}
	a = f.sendRule(t, http.MethodPost, "/api/v1/login-links", routeRule{json: `{"customer": "acme", "lang": "tlh"}`}, root, true)
	if a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, `"field":"lang"`) {
		t.Errorf("a link in Klingon: %d %s", a.status, a.body)
	}
	a = f.sendRule(t, http.MethodPost, "/api/v1/login-links", routeRule{json: `{"customer": "acme"}`}, root, true)
	if a.status != http.StatusCreated || strings.Contains(a.body, "lang=") {
		t.Errorf("a link without lang: %d %s", a.status, a.body)
	}
}
