package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/store"
)

const basePath = "/ftp-sessions"

// pageLink is an attribute of a page that sends the browser somewhere.
var pageLink = regexp.MustCompile(`\s(href|action|src|data-live-url)="([^"]*)"`)

// links returns the page's links, forms and assets that name a path.
func links(page string) []string {
	var out []string
	for _, m := range pageLink.FindAllStringSubmatch(page, -1) {
		out = append(out, strings.ReplaceAll(m[2], "&amp;", "&"))
	}
	return out
}

// TestBasePath walks the whole panel served under a prefix, as a reverse
// proxy forwards it: every link, form and asset of every page it reaches stays
// under the prefix and works, and so do redirects, cookies, the live stream
// and the API.
func TestBasePath(t *testing.T) {
	t.Parallel()
	in := start(t, "--base-path", basePath+"/")
	if !strings.HasSuffix(in.panelURL, basePath) {
		t.Fatalf("serve printed the panel at %s, want it under %s", in.panelURL, basePath)
	}
	root := strings.TrimSuffix(in.panelURL, basePath)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.ftpLogin("bob")

	b := in.browser()
	if r := b.get("/sessions"); r.status != http.StatusSeeOther || r.location != basePath+"/login" {
		t.Errorf("signed out, /sessions sends to %d %q, want 303 %s/login", r.status, r.location, basePath)
	}
	outside := &browser{t: t, base: root, c: b.c}
	for _, path := range []string{"/sessions", "/login", "/static/app.css", "/healthz"} {
		if r := outside.get(path); r.status != http.StatusNotFound {
			t.Errorf("%s outside the base path: %d, want 404", path, r.status)
		}
	}
	if r := outside.get(basePath); r.status != http.StatusSeeOther || r.location != basePath+"/" {
		t.Errorf("%s: %d %q, want 303 to %s/", basePath, r.status, r.location, basePath)
	}

	resp := b.post("/login", url.Values{"username": {"admin"}, "password": {in.adminPW}})
	if resp.status != http.StatusSeeOther || resp.location != basePath+"/sessions" {
		t.Fatalf("sign in: %d %q", resp.status, resp.location)
	}
	cookie := resp.header.Get("Set-Cookie")
	if !strings.Contains(cookie, "Path="+basePath+";") && !strings.HasSuffix(cookie, "Path="+basePath) {
		t.Errorf("the sign-in cookie is not kept to the base path: %s", cookie)
	}
	id, _ := b.rowFor("bob")

	// Every page the panel links to, from the sessions list on, with every GET
	// link followed: all stay under the prefix and answer.
	seen := map[string]bool{}
	queue := []string{basePath + "/sessions", basePath + "/sessions/" + id + "/disconnect", basePath + "/sessions/" + id + "/ban"}
	for len(queue) > 0 && len(seen) < 80 {
		path := queue[0]
		queue = queue[1:]
		if seen[path] {
			continue
		}
		seen[path] = true
		page := outside.get(path)
		if page.status != http.StatusOK {
			t.Errorf("GET %s, linked from the panel: %d", path, page.status)
			continue
		}
		if !strings.HasPrefix(page.header.Get("Content-Type"), "text/html") {
			continue
		}
		forms := regexp.MustCompile(`(?s)<form[^>]*>`).FindAllString(page.body, -1)
		for _, link := range links(page.body) {
			if strings.HasPrefix(link, "#") || strings.HasPrefix(link, "?") {
				continue
			}
			if !strings.HasPrefix(link, basePath+"/") {
				t.Errorf("%s links to %q, outside %s/", path, link, basePath)
				continue
			}
			target, _, _ := strings.Cut(link, "#")
			if isPostOnly(forms, link) || strings.HasSuffix(target, "/live") || strings.Contains(target, "/live?") {
				continue
			}
			queue = append(queue, target)
		}
	}
	for _, want := range []string{basePath + "/history", basePath + "/audit", basePath + "/bans", basePath + "/static/app.js", basePath + "/static/app.css"} {
		if !seen[want] {
			t.Errorf("the walk never reached %s; seen: %v", want, seen)
		}
	}

	// The live stream is where the page says, and what it pushes links under the prefix.
	list := b.get("/sessions")
	liveURL := regexpFind(t, list.body, `data-live-url="([^"]*)"`)
	if !strings.HasPrefix(liveURL, basePath+"/sessions/live") {
		t.Errorf("data-live-url %q is not under the base path", liveURL)
	}
	event := nextEvent(t, b.events(""), "a row for bob", func(html string) bool { return strings.Contains(html, id) })
	for _, link := range links(event) {
		if !strings.HasPrefix(link, basePath+"/") && !strings.HasPrefix(link, "#") {
			t.Errorf("a pushed update links to %q, outside the base path", link)
		}
	}

	// Disconnecting redirects back under the prefix, with the message.
	if r := b.disconnect(id); r.status != http.StatusSeeOther || r.location != basePath+"/sessions" {
		t.Errorf("disconnect: %d %q, want 303 %s/sessions", r.status, r.location, basePath)
	}
	if page := b.get("/sessions"); !strings.Contains(page.body, "Disconnected bob (127.0.0.1)") {
		t.Error("after the disconnect the list does not say whom")
	}

	// The API and its document.
	token := in.apiToken("admin")
	if r := b.api(http.MethodGet, "/api/v1/sessions", token); r.status != http.StatusOK {
		t.Errorf("API under the base path: %d %s", r.status, r.body)
	}
	var doc struct {
		Servers []struct{ URL string } `json:"servers"`
	}
	if r := b.api(http.MethodGet, "/api/v1/openapi.json", ""); json.Unmarshal([]byte(r.body), &doc) != nil ||
		len(doc.Servers) != 1 || doc.Servers[0].URL != basePath+"/api/v1" {
		t.Errorf("the OpenAPI document's server is %+v, want %s/api/v1", doc.Servers, basePath)
	}

	// A sign-in link from the API is under the prefix and works there.
	link := createLoginLink(t, b, token, "acme")
	if !strings.HasPrefix(link, in.panelURL+"/login-link/") {
		t.Errorf("the API made the link %q, not under %s", link, in.panelURL)
	}
	customer := in.browser()
	if r := customer.getURL(link); r.status != http.StatusOK || !strings.Contains(r.body, `url=`+basePath+`/sessions"`) {
		t.Errorf("the link: %d\n%s", r.status, r.body)
	}
	if r := customer.get("/sessions"); r.status != http.StatusOK || !strings.Contains(r.body, `data-testid="signed-in-user">acme<`) {
		t.Errorf("after the link, /sessions: %d, not signed in as acme", r.status)
	}

	// The healthcheck finds the panel under the prefix.
	addr := strings.TrimPrefix(root, "http://")
	if out, _, err := runCmd(t, testEnv, "healthcheck", "--http-addr", addr, "--base-path", basePath); err != nil || !strings.Contains(out, basePath+"/healthz") {
		t.Errorf("healthcheck under the base path: %v\n%s", err, out)
	}

	// Signing out clears the cookie on the same path, and lands on the login page.
	if r := b.post("/logout", nil); r.status != http.StatusSeeOther || r.location != basePath+"/login" ||
		!strings.Contains(r.header.Get("Set-Cookie"), "Path="+basePath) {
		t.Errorf("logout: %d %q %q", r.status, r.location, r.header.Get("Set-Cookie"))
	}
}

// isPostOnly reports whether link is a form's action with method post.
func isPostOnly(forms []string, link string) bool {
	for _, f := range forms {
		if strings.Contains(f, `action="`+link+`"`) && strings.Contains(f, `method="post"`) {
			return true
		}
	}
	return false
}

// getURL fetches an absolute URL with the browser's cookies.
func (b *browser) getURL(u string) response {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return b.do(req)
}

// createLoginLink asks the API for a customer's sign-in link.
func createLoginLink(t *testing.T, b *browser, token, customer string) string {
	t.Helper()
	r := b.apiPost("/api/v1/login-links", token, `{"customer": "`+customer+`"}`)
	var out struct {
		URL       string `json:"url"`
		ExpiresAt string `json:"expires_at"`
	}
	if r.status != http.StatusCreated || json.Unmarshal([]byte(r.body), &out) != nil || out.URL == "" {
		t.Fatalf("POST /api/v1/login-links: %d %s", r.status, r.body)
	}
	if exp, err := time.Parse(time.RFC3339, out.ExpiresAt); err != nil || time.Until(exp) > time.Minute+time.Second || time.Until(exp) < 30*time.Second {
		t.Errorf("the link expires at %q, want about a minute from now", out.ExpiresAt)
	}
	return out.URL
}

// apiPost sends a JSON body to the API as a script does.
func (b *browser) apiPost(path, token, body string, headers ...string) response {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

func TestLoginLinks(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.ftpLogin("bob")

	out, err := in.cli("", "login-link", "acme", "--url", in.panelURL+"/")
	if err != nil {
		t.Fatalf("login-link: %v\n%s", err, out)
	}
	link := regexpFind(t, out, `(?m)^(http://\S+)$`)
	if !strings.HasPrefix(link, in.panelURL+"/login-link/ftpl_") {
		t.Fatalf("login-link printed %q", link)
	}

	t.Run("OK", func(t *testing.T) {
		// A link checker or a mail scanner asks with HEAD first: that must neither
		// use the link up nor sign anyone in.
		req, err := http.NewRequest(http.MethodHead, link, nil)
		if err != nil {
			t.Fatal(err)
		}
		head := in.with(t).browser().do(req)
		if head.status != http.StatusOK || strings.Contains(head.header.Get("Set-Cookie"), signInCookieName) {
			t.Errorf("HEAD of the link: status %d, Set-Cookie %q", head.status, head.header.Get("Set-Cookie"))
		}
		acme := in.with(t).browser()
		r := acme.getURL(link)
		if r.status != http.StatusOK || !strings.Contains(r.body, `data-testid="signed-in-user">acme<`) ||
			!strings.Contains(r.body, `http-equiv="refresh" content="0;url=/sessions"`) {
			t.Fatalf("following the link: %d\n%s", r.status, r.body)
		}
		id, row := acme.rowFor("bob")
		if id == "" || !strings.Contains(row, "bob") {
			t.Error("signed in by the link, acme does not see bob's session")
		}
		if page := acme.get("/sessions"); !strings.Contains(page.body, `data-testid="signed-in-user">acme<`) {
			t.Error("the list does not show acme signed in")
		}
	})
	t.Run("UsedTwice", func(t *testing.T) {
		r := in.with(t).browser().getURL(link)
		if r.status != http.StatusGone || !strings.Contains(r.body, "already been used") {
			t.Errorf("a second use: %d\n%s", r.status, r.body)
		}
		if strings.Contains(r.header.Get("Set-Cookie"), signInCookieName) {
			t.Error("a second use set a sign-in cookie")
		}
	})
	t.Run("Expired", func(t *testing.T) {
		db := openStore(t, in.data)
		db.Now = func() time.Time { return time.Now().Add(-store.LoginLinkTTL - time.Second) }
		token, _, err := db.CreateLoginLink(context.Background(), "acme")
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		r := in.with(t).browser().get("/login-link/" + token)
		if r.status != http.StatusGone || !strings.Contains(r.body, "has expired") {
			t.Errorf("a link made 61 seconds ago: %d\n%s", r.status, r.body)
		}
	})
	t.Run("Unknown", func(t *testing.T) {
		r := in.with(t).browser().get("/login-link/ftpl_" + strings.Repeat("A", 52))
		if r.status != http.StatusNotFound || !strings.Contains(r.body, "not valid") {
			t.Errorf("an unknown link: %d\n%s", r.status, r.body)
		}
	})
	t.Run("CLI", func(t *testing.T) {
		in := in.with(t)
		in.mustFail("", []string{"login-link", "admin"}, `no customer named "admin"`)
		in.mustFail("", []string{"login-link", "nobody"}, `no customer named "nobody"`)
		in.mustFail("", []string{"login-link", "acme", "--url", "ftp://example.com"}, "--url")
	})
	t.Run("API", func(t *testing.T) {
		b := in.with(t).browser()
		admin := in.apiToken("admin")
		link := createLoginLink(t, b, admin, "acme")
		if !strings.HasPrefix(link, in.panelURL+"/login-link/ftpl_") {
			t.Errorf("the API made %q", link)
		}
		if r := in.with(t).browser().getURL(link); r.status != http.StatusOK {
			t.Errorf("the API's link: %d", r.status)
		}
		for _, tc := range []struct {
			token, body string
			status      int
			want        string
		}{
			{in.apiToken("acme"), `{"customer": "acme"}`, http.StatusForbidden, "administrator"},
			{admin, `{"customer": "nobody"}`, http.StatusNotFound, `no customer named \"nobody\"`},
			{admin, `{"customer": "admin"}`, http.StatusNotFound, `no customer named \"admin\"`},
			{admin, `{"name": "acme"}`, http.StatusBadRequest, `{\"customer\": \"NAME\"}`},
			{admin, `not json`, http.StatusBadRequest, "customer"},
			{"", `{"customer": "acme"}`, http.StatusUnauthorized, "token"},
		} {
			if r := b.apiPost("/api/v1/login-links", tc.token, tc.body); r.status != tc.status || !strings.Contains(r.body, tc.want) {
				t.Errorf("%s: %d %s, want %d with %q", tc.body, r.status, r.body, tc.status, tc.want)
			}
		}
		// A browser on another site cannot make one with a signed-in admin's cookies.
		if r := b.apiPost("/api/v1/login-links", admin, `{"customer": "acme"}`, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"); r.status != http.StatusForbidden {
			t.Errorf("a cross-site POST: %d", r.status)
		}
	})
}

// signInCookieName is the panel's sign-in cookie.
const signInCookieName = "ftppanel_session"

func TestTrustedProxies(t *testing.T) {
	t.Parallel()
	// What a request through a proxy says: the client is 203.0.113.7 on HTTPS,
	// asking for panel.example.com.
	forwarded := []string{"X-Forwarded-For", "198.51.100.1, 203.0.113.7", "X-Forwarded-Proto", "https",
		"X-Forwarded-Host", "panel.example.com"}
	signIn := func(in *instance) (cookie, loggedRemote, link string) {
		b := in.browser()
		b.post("/login", url.Values{"username": {"admin"}, "password": {"wrong-password"}}, forwarded...)
		m := regexp.MustCompile(`panel login failed.* remote=(\S+)`).FindStringSubmatch(in.stderr.String())
		if m == nil {
			in.t.Fatalf("no failed login in the log:\n%s", in.stderr.String())
		}
		r := b.post("/login", url.Values{"username": {"admin"}, "password": {in.adminPW}}, forwarded...)
		if r.status != http.StatusSeeOther {
			in.t.Fatalf("sign in: %d", r.status)
		}
		in.addCustomer("acme")
		l := b.apiPost("/api/v1/login-links", in.apiToken("admin"), `{"customer": "acme"}`, forwarded...)
		return r.header.Get("Set-Cookie"), m[1], l.body
	}

	t.Run("Trusted", func(t *testing.T) {
		cookie, remote, link := signIn(start(t, "--trusted-proxies", "127.0.0.0/8"))
		if !strings.Contains(cookie, "; Secure") {
			t.Errorf("behind a trusted proxy on HTTPS the cookie is not Secure: %s", cookie)
		}
		if remote != "203.0.113.7" {
			t.Errorf("the log names %s, want the client 203.0.113.7", remote)
		}
		if !strings.Contains(link, `"url":"https://panel.example.com/login-link/ftpl_`) {
			t.Errorf("the sign-in link is not to https://panel.example.com, as the proxy says: %s", link)
		}
	})
	t.Run("TrustedChain", func(t *testing.T) {
		_, remote, _ := signIn(start(t, "--trusted-proxies", "127.0.0.1,203.0.113.0/24"))
		if remote != "198.51.100.1" {
			t.Errorf("through two trusted proxies the log names %s, want 198.51.100.1", remote)
		}
	})
	for name, flags := range map[string][]string{
		"NotConfigured":   nil,
		"AnotherAddress":  {"--trusted-proxies", "10.0.0.0/8"},
		"OneOtherAddress": {"--trusted-proxies", "192.0.2.1"},
	} {
		t.Run(name, func(t *testing.T) {
			cookie, remote, link := signIn(start(t, flags...))
			if strings.Contains(cookie, "Secure") {
				t.Errorf("from an untrusted address X-Forwarded-Proto made the cookie Secure: %s", cookie)
			}
			if !strings.HasPrefix(remote, "127.0.0.1:") {
				t.Errorf("from an untrusted address the log names %s, want the real 127.0.0.1", remote)
			}
			if !strings.Contains(link, `"url":"http://127.0.0.1:`) {
				t.Errorf("the sign-in link believed the headers: %s", link)
			}
		})
	}
}

func TestFrameAncestors(t *testing.T) {
	t.Parallel()
	b := start(t).browser()
	r := b.get("/login")
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none';") || r.header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("by default no frame may show the panel: CSP %q, X-Frame-Options %q", csp, r.header.Get("X-Frame-Options"))
	}

	in := start(t, "--frame-ancestors", "'self' https://panel.example.com")
	for _, path := range []string{"/login", "/sessions", "/no-such-page"} {
		r := in.browser().get(path)
		if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self' https://panel.example.com;") {
			t.Errorf("%s: CSP %q does not let the host panel frame it", path, csp)
		}
		if xfo := r.header.Get("X-Frame-Options"); xfo != "" {
			t.Errorf("%s: X-Frame-Options %q would keep the host panel from framing it", path, xfo)
		}
	}

	for _, bad := range []string{"https://panel.example.com; script-src *", "*", "'none' 'self'"} {
		_, stderr, err := runCmd(t, testEnv, "serve", "--frame-ancestors", bad, "--print-config")
		if err == nil || !strings.Contains(stderr, "frame-ancestors") {
			t.Errorf("--frame-ancestors %q: %v, want it refused\n%s", bad, err, stderr)
		}
		_, _, err = runCmd(t, envMap(map[string]string{"FTPPANEL_FRAME_ANCESTORS": bad}), "serve", "--print-config")
		if err == nil || !strings.Contains(err.Error(), "FTPPANEL_FRAME_ANCESTORS") {
			t.Errorf("FTPPANEL_FRAME_ANCESTORS=%q: %v, want it refused", bad, err)
		}
	}
	// From the environment, as the source list a config file or a unit gives.
	out, _, err := runCmd(t, envMap(map[string]string{"FTPPANEL_FRAME_ANCESTORS": "'self' https://cpanel.example.com:2083"}), "serve", "--print-config")
	if err != nil || !strings.Contains(out, `frame-ancestors = "'self' https://cpanel.example.com:2083"`) {
		t.Errorf("FTPPANEL_FRAME_ANCESTORS: %v\n%s", err, out)
	}
	file := writeConfig(t, "frame-ancestors = [\"'self'\", \"https://cpanel.example.com\"]\ntrusted-proxies = [\"127.0.0.1\", \"::1\"]\n")
	out, _, err = runCmd(t, testEnv, "serve", "--config", file, "--print-config")
	if err != nil || !strings.Contains(out, `frame-ancestors = "'self' https://cpanel.example.com"`) ||
		!strings.Contains(out, `trusted-proxies = "127.0.0.1/32,::1/128"`) {
		t.Errorf("lists in the config file: %v\n%s", err, out)
	}
}

// --public-url fixes where sign-in links point, whatever a request's Host or a
// proxy's headers say.
func TestPublicURL(t *testing.T) {
	t.Parallel()
	in := start(t, "--public-url", "https://ftp.example.com/panel/", "--trusted-proxies", "127.0.0.0/8")
	in.addCustomer("acme")
	admin := in.apiToken("admin")
	b := in.browser()
	for _, headers := range [][]string{nil, {"X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "http"}} {
		r := b.apiPost("/api/v1/login-links", admin, `{"customer": "acme"}`, headers...)
		if r.status != http.StatusCreated || !strings.Contains(r.body, `"url":"https://ftp.example.com/panel/login-link/ftpl_`) {
			t.Errorf("with headers %q the API made: %d %s", headers, r.status, r.body)
		}
	}
	for _, bad := range []string{"ftp://ftp.example.com", "https://", "https://ftp.example.com/?x=1", "https://user@ftp.example.com", "ftp.example.com"} {
		if out := in.mustFail("", []string{"serve", "--data", t.TempDir(), "--public-url", bad}); !strings.Contains(out, "want the panel's address") {
			t.Errorf("--public-url %q: the error does not say what is wanted:\n%s", bad, out)
		}
	}
}
