package panel

import (
	"cmp"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

func TestCleanBasePath(t *testing.T) {
	for in, want := range map[string]string{"": "", "/": "", "/ftp-sessions": "/ftp-sessions", "/ftp-sessions/": "/ftp-sessions", "/a/b_c.d~e": "/a/b_c.d~e"} {
		if got, err := CleanBasePath(in); err != nil || got != want {
			t.Errorf("CleanBasePath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"ftp", "/a//b", "/a/../b", "/a b", "/a?b", "/a#b", "/%2e", `/"x`} {
		if got, err := CleanBasePath(bad); err == nil {
			t.Errorf("CleanBasePath(%q) = %q, want an error", bad, got)
		}
	}
}

const testBase = "/ftp-sessions"

// ownURL finds the URLs an answer sends the browser to: links, forms, assets,
// the live stream, a refresh, a redirect and the API's "url" fields.
var ownURL = regexp.MustCompile(`\s(?:href|action|src|formaction|data-[a-z-]*url)="([^"]*)"|\scontent="\d+;\s*url=([^"]*)"|"url":\s*"([^"]*)"`)

// getForm is a form that is sent with GET, as a link is.
var getForm = regexp.MustCompile(`<form method="get" action="([^"]*)"`)

// outsideBase lists what in an answer names one of the panel's paths without
// the base path: an attribute or Location starting with / but not base/, or an
// absolute URL in JSON without it.
func outsideBase(base string, a authzAnswer) []string {
	var bad []string
	check := func(u string) {
		u = strings.ReplaceAll(u, "&amp;", "&")
		if strings.HasPrefix(u, "/") && u != base && !strings.HasPrefix(u, base+"/") {
			bad = append(bad, u)
		}
	}
	for _, m := range ownURL.FindAllStringSubmatch(a.body, -1) {
		check(m[1] + m[2])
		// The API's URLs are the panel's own, absolute or not.
		if u := m[3]; u != "" && !strings.HasPrefix(u, "/") && !strings.Contains(u, base+"/") {
			bad = append(bad, u)
		}
		check(m[3])
	}
	if a.location != "" {
		check(a.location)
	}
	return bad
}

// TestEveryURLIsUnderTheBasePath serves the panel under a prefix and asks every
// route, as a visitor signed out, a customer and an administrator, then follows
// every GET link of every page: no link, form, asset, stream, refresh, redirect
// or API URL may name a path without the prefix.
func TestEveryURLIsUnderTheBasePath(t *testing.T) {
	tmpl := newAuthzTemplate(t)
	underBase := func(c *Config) { c.BasePath = testBase }
	var routes []string
	err := chi.Walk((&Panel{}).router(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"anonymous", "acme", "root"} {
		t.Run(who, func(t *testing.T) {
			// Every route, each on a fresh panel: a POST's redirect, an error
			// page, a JSON answer.
			for _, route := range routes {
				method, pattern, _ := strings.Cut(route, " ")
				rule, ok := routeRules[route]
				if !ok {
					rule = routeRules["* "+pattern]
				}
				api := rule.access == apiPublic || rule.access == apiToken || rule.access == apiAdmin
				f := newAuthzFixture(t, tmpl, underBase)
				a := f.sendRule(t, method, testBase+cmp.Or(rule.path, pattern), rule, f.visitors[who], api)
				if bad := outsideBase(testBase, a); len(bad) > 0 {
					t.Errorf("%s answers %d with URLs outside %s/: %q", route, a.status, testBase, bad)
				}
			}

			// Every page reachable by GET from these, on one panel.
			f := newAuthzFixture(t, tmpl, underBase)
			v := f.visitors[who]
			queue := []string{testBase, testBase + "/", testBase + "/login", testBase + "/sessions",
				testBase + "/no-such-page", "/outside-the-base-path", testBase + "/sessions/" + f.gina.ID() + "/ban"}
			seen := map[string]bool{}
			for len(queue) > 0 && len(seen) < 400 {
				path := queue[0]
				queue = queue[1:]
				if seen[path] {
					continue
				}
				seen[path] = true
				a := f.send(t, http.MethodGet, path, nil, v, false)
				if bad := outsideBase(testBase, a); len(bad) > 0 {
					t.Errorf("GET %s answers %d with URLs outside %s/: %q", path, a.status, testBase, bad)
				}
				var next []string
				for _, m := range ownURL.FindAllStringSubmatch(a.body, -1) {
					next = append(next, m[1]+m[2])
				}
				for _, m := range getForm.FindAllStringSubmatch(a.body, -1) {
					next = append(next, m[1])
				}
				if a.location != "" {
					next = append(next, a.location)
				}
				for _, u := range next {
					u, _, _ = strings.Cut(strings.ReplaceAll(u, "&amp;", "&"), "#")
					if strings.HasPrefix(u, testBase+"/") && !isPostAction(a.body, u) {
						queue = append(queue, u)
					}
				}
			}
			want := []string{testBase + "/login", testBase + "/static/app.css", testBase + "/static/app.js"}
			if who != "anonymous" {
				want = append(want, testBase+"/sessions", testBase+"/sessions/live", testBase+"/history", testBase+"/audit", testBase+"/accounts", testBase+"/tokens",
					testBase+"/accounts/bob/password", testBase+"/sessions/"+f.bob.ID()+"/disconnect")
			}
			if who == "root" {
				want = append(want, testBase+"/bans", testBase+"/sessions/"+f.bob.ID()+"/ban")
			}
			for _, path := range want {
				if !seen[path] {
					t.Errorf("the walk never reached %s", path)
				}
			}
		})
	}
}

// isPostAction reports whether u is only the action of forms sent with POST.
func isPostAction(page, u string) bool {
	return strings.Contains(page, `method="post" action="`+u+`"`) && !strings.Contains(page, `href="`+u+`"`) &&
		!strings.Contains(page, `method="get" action="`+u+`"`)
}

// TestOutsideBaseFindsStrayURLs makes sure the walk above can fail.
func TestOutsideBaseFindsStrayURLs(t *testing.T) {
	for _, a := range []authzAnswer{
		{body: `<a class="brand" href="/sessions">ftppanel</a>`},
		{body: `<form method="post" action="/logout"></form>`},
		{body: `<script src="/static/app.js" defer></script>`},
		{body: `<div id="live" data-live-url="/sessions/live?login=bob"></div>`},
		{body: `<meta http-equiv="refresh" content="0;url=/sessions"/>`},
		{body: `{"url":"https://panel.example.com/login-link/ftpl_x"}`},
		{location: "/login"},
	} {
		if bad := outsideBase(testBase, a); len(bad) != 1 {
			t.Errorf("%+v: found %q, want the one URL outside %s", a, bad, testBase)
		}
	}
	ok := authzAnswer{body: `<a href="/ftp-sessions/sessions?login=bob&amp;page=2">x</a><a href="#main">skip</a>` +
		`<a href="https://example.com/">elsewhere</a>`, location: "/ftp-sessions/"}
	if bad := outsideBase(testBase, ok); len(bad) > 0 {
		t.Errorf("found %q in links under %s", bad, testBase)
	}
}
