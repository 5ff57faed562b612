package main

import (
	"net/http"
	"testing"
)

// Uptime checks ask with HEAD: every address that answers GET answers HEAD the
// same way, without a body, and the live stream's HEAD does not stay open.
func TestHEADIsAnsweredWhereverGETIs(t *testing.T) {
	t.Parallel()
	in := start(t)
	admin := in.signInAdmin()
	anonymous := in.browser()
	token := in.apiToken("admin")
	head := func(b *browser, path, token string) response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodHead, b.base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return b.do(req)
	}
	for _, c := range []struct {
		b           *browser
		path, token string
		status      int
		typ         string
	}{
		{anonymous, "/healthz", "", http.StatusOK, "text/plain; charset=utf-8"},
		{anonymous, "/login", "", http.StatusOK, "text/html; charset=utf-8"},
		{anonymous, "/static/app.css", "", http.StatusOK, "text/css; charset=utf-8"},
		{anonymous, "/sessions", "", http.StatusSeeOther, ""},
		{admin, "/sessions", "", http.StatusOK, "text/html; charset=utf-8"},
		{admin, "/sessions/live", "", http.StatusOK, "text/event-stream"},
		{admin, "/history", "", http.StatusOK, "text/html; charset=utf-8"},
		{admin, "/audit", "", http.StatusOK, "text/html; charset=utf-8"},
		{admin, "/accounts", "", http.StatusOK, "text/html; charset=utf-8"},
		{admin, "/bans", "", http.StatusOK, "text/html; charset=utf-8"},
		{anonymous, "/api/v1/openapi.json", "", http.StatusOK, "application/json"},
		{anonymous, "/api/v1/sessions", token, http.StatusOK, "application/json"},
		{admin, "/logout", "", http.StatusMethodNotAllowed, "text/html; charset=utf-8"}, // POST only
	} {
		r := head(c.b, c.path, c.token)
		if r.status != c.status || (c.typ != "" && r.header.Get("Content-Type") != c.typ) || r.body != "" {
			t.Errorf("HEAD %s: status %d, Content-Type %q, %d bytes of body; want %d, %q and no body",
				c.path, r.status, r.header.Get("Content-Type"), len(r.body), c.status, c.typ)
		}
	}
}
