package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/ftppanel/ftppanel/internal/apiclient"
)

// apiToken makes an API token for panel user NAME with "ftppanel token add" and
// returns what the command printed on standard output: the token alone.
func (in *instance) apiToken(user string) string {
	in.t.Helper()
	var stdout, stderr syncBuffer
	err := run(context.Background(), append([]string{"ftppanel", "token", "add", user, "--data", in.data}, storeArgs(in.t, in.data)...),
		testEnv, strings.NewReader(""), &stdout, &stderr)
	if err != nil {
		in.t.Fatalf("token add %s: %v\n%s", user, err, stderr.String())
	}
	token := strings.TrimSuffix(stdout.String(), "\n")
	if token == "" || strings.ContainsAny(token, " \n") {
		in.t.Fatalf("token add %s printed %q on standard output, want the token alone", user, stdout.String())
	}
	return token
}

// api sends a request to the JSON API as a script does: a bearer token (none
// when token is ""), no Origin header, and through b the cookies b holds, if any.
func (b *browser) api(method, path, token string) response {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.base+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return b.do(req)
}

// apiSessions lists sessions through the API and returns them by login.
func (b *browser) apiSessions(token, query string) map[string][]apiclient.Session {
	b.t.Helper()
	r := b.api(http.MethodGet, "/api/v1/sessions"+query, token)
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
		b.t.Fatalf("GET /api/v1/sessions%s: status %d, Content-Type %q\n%s", query, r.status, r.header.Get("Content-Type"), r.body)
	}
	var list struct{ Sessions []apiclient.Session }
	if err := json.Unmarshal([]byte(r.body), &list); err != nil {
		b.t.Fatalf("GET /api/v1/sessions%s: %v\n%s", query, err, r.body)
	}
	out := map[string][]apiclient.Session{}
	for _, s := range list.Sessions {
		out[s.Login] = append(out[s.Login], s)
	}
	return out
}

// apiID waits until the API shows one session of login and returns its ID.
func (b *browser) apiID(token, login string) string {
	b.t.Helper()
	var id string
	waitFor(b.t, "the API to list "+login, func() bool {
		if s := b.apiSessions(token, "")[login]; len(s) == 1 {
			id = s[0].ID
			return true
		}
		return false
	})
	return id
}

// apiErrorMessage checks a JSON error answer and returns its message.
func apiErrorMessage(t testing.TB, r response, status int) string {
	t.Helper()
	if r.status != status || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("status %d, Content-Type %q; want %d and JSON\n%s", r.status, r.header.Get("Content-Type"), status, r.body)
	}
	var e map[string]string
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || e["error"] == "" || len(e) != 1 {
		t.Errorf("body %q is not {\"error\": \"...\"}", r.body)
	}
	return e["error"]
}

func TestAPITokensSeeAndTouchOnlyTheirScope(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("globex")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("dave", "globex")
	adminToken, acmeToken, globexToken := in.apiToken("admin"), in.apiToken("acme"), in.apiToken("globex")
	bob := in.rawDial()
	bob.login("bob")
	dave := in.rawDial()
	dave.login("dave")
	anonymous := in.rawDial() // connected, never logs in
	script := in.browser()    // no cookies: a script with a token

	bobID := script.apiID(adminToken, "bob")
	daveID := script.apiID(adminToken, "dave")

	t.Run("admin sees every session", func(t *testing.T) {
		script := script.with(t)
		all := script.apiSessions(adminToken, "")
		if len(all["bob"]) != 1 || len(all["dave"]) != 1 || len(all[""]) != 1 {
			t.Errorf("admin sees %v, want bob, dave and the connection that has not logged in", all)
		}
		for _, id := range []string{bobID, daveID} {
			if r := script.api(http.MethodGet, "/api/v1/sessions/"+id, adminToken); r.status != http.StatusOK || !strings.Contains(r.body, id) {
				t.Errorf("admin GET %s: %d %s", id, r.status, r.body)
			}
		}
	})

	t.Run("customers see only their own", func(t *testing.T) {
		script := script.with(t)
		for _, tc := range []struct{ token, own, other, otherID string }{
			{acmeToken, "bob", "dave", daveID},
			{globexToken, "dave", "bob", bobID},
		} {
			seen := script.apiSessions(tc.token, "")
			if len(seen) != 1 || len(seen[tc.own]) != 1 {
				t.Errorf("the token of %s's customer sees %v, want %s alone", tc.own, seen, tc.own)
			}
			// A filter naming the other customer finds nothing rather than widening the scope.
			if seen := script.apiSessions(tc.token, "?login="+tc.other); len(seen) != 0 {
				t.Errorf("filtering for %s shows %v", tc.other, seen)
			}
			got := script.api(http.MethodGet, "/api/v1/sessions/"+tc.otherID, tc.token)
			unknown := script.api(http.MethodGet, "/api/v1/sessions/AAAAAAAAAAAAAAAAAAAAAAAAAA", tc.token)
			if apiErrorMessage(t, got, http.StatusNotFound) != apiErrorMessage(t, unknown, http.StatusNotFound) || strings.Contains(got.body, tc.other) {
				t.Errorf("another customer's session should look unknown: %s vs %s", got.body, unknown.body)
			}
		}
	})

	t.Run("customers cannot disconnect another customer's sessions", func(t *testing.T) {
		script := script.with(t)
		apiErrorMessage(t, script.api(http.MethodDelete, "/api/v1/sessions/"+daveID, acmeToken), http.StatusNotFound)
		r := script.api(http.MethodDelete, "/api/v1/sessions?login=dave", acmeToken)
		if r.status != http.StatusOK || strings.TrimSpace(r.body) != `{"disconnected":0}` {
			t.Errorf("acme disconnecting dave by login: %d %s, want 200 and 0", r.status, r.body)
		}
		dave.with(t).cmd(200, "NOOP")
		if all := script.apiSessions(adminToken, ""); len(all["dave"]) != 1 || all["dave"][0].ID != daveID {
			t.Errorf("dave's session is gone: %v", all)
		}
		if len(in.auditEntries()) != 0 {
			t.Errorf("refused disconnects wrote the audit log: %+v", in.auditEntries())
		}
	})

	t.Run("a customer disconnects its own", func(t *testing.T) {
		script := script.with(t)
		if r := script.api(http.MethodDelete, "/api/v1/sessions/"+bobID, acmeToken); r.status != http.StatusNoContent || r.body != "" {
			t.Fatalf("acme DELETE bob: %d %q, want 204 and no body", r.status, r.body)
		}
		if err := closedByServer(bob.conn); err != nil {
			t.Fatalf("bob's connection: %v", err)
		}
		entries := in.auditEntries()
		if len(entries) != 1 || entries[0].Actor != "acme" || entries[0].Action != "disconnect" || entries[0].SessionID != bobID {
			t.Errorf("audit log = %+v, want acme disconnecting bob", entries)
		}
		if e := in.with(t).endedAs(bob.conn.LocalAddr()); e.EndReason != "disconnected by acme" {
			t.Errorf("history says %q, want disconnected by acme", e.EndReason)
		}
		dave.with(t).cmd(200, "NOOP")
	})
	anonymous.cmd(200, "NOOP")
}

func TestAPIRefusesRequestsWithoutAValidToken(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	bob := in.rawDial()
	bob.login("bob")
	adminToken := in.apiToken("admin")
	script := in.browser()
	id := script.apiID(adminToken, "bob")

	revoked := in.apiToken("admin")
	out, err := in.cli("", "token", "list", "admin")
	if err != nil || strings.Count(out, "never") != 1 { // the first token has been used, the second not
		t.Fatalf("token list: %v\n%s", err, out)
	}
	in.mustCLI("", "token", "revoke", "admin", "2")

	// Signed in to the panel, with its cookie: still no way into the API.
	signedIn := in.signInAdmin()
	for name, call := range map[string]func(method, path string) response{
		"no token":      func(m, p string) response { return script.api(m, p, "") },
		"unknown token": func(m, p string) response { return script.api(m, p, "ftpp_"+strings.Repeat("A", 52)) },
		"revoked token": func(m, p string) response { return script.api(m, p, revoked) },
		"panel cookie":  func(m, p string) response { return signedIn.api(m, p, "") },
		"panel cookie as a token": func(m, p string) response {
			var cookie string
			for _, c := range signedIn.c.Jar.Cookies(mustParseURL(t, in.panelURL)) {
				cookie = c.Value
			}
			return script.api(m, p, cookie)
		},
	} {
		t.Run(name, func(t *testing.T) {
			for _, req := range []struct{ method, path string }{
				{http.MethodGet, "/api/v1/sessions"},
				{http.MethodGet, "/api/v1/sessions/" + id},
				{http.MethodDelete, "/api/v1/sessions/" + id},
				{http.MethodDelete, "/api/v1/sessions?login=bob"},
			} {
				r := call(req.method, req.path)
				apiErrorMessage(t, r, http.StatusUnauthorized)
				if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("%s %s: WWW-Authenticate %q", req.method, req.path, r.header.Get("WWW-Authenticate"))
				}
				if strings.Contains(r.body, "bob") {
					t.Errorf("%s %s: the refusal shows bob's session", req.method, req.path)
				}
			}
			bob.with(t).cmd(200, "NOOP")
		})
	}
	if len(in.auditEntries()) != 0 {
		t.Errorf("refused requests wrote the audit log")
	}
}

func TestAPIDisconnectByIDClosesTheConnection(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	token := in.apiToken("admin")
	bob := in.rawDial()
	bob.login("bob")
	script := in.browser()
	id := script.apiID(token, "bob")

	if r := script.api(http.MethodDelete, "/api/v1/sessions/"+id, token); r.status != http.StatusNoContent {
		t.Fatalf("DELETE: status %d\n%s", r.status, r.body)
	}
	if err := closedByServer(bob.conn); err != nil {
		t.Fatalf("bob's control connection: %v", err)
	}
	entries := in.auditEntries()
	if len(entries) != 1 {
		t.Fatalf("want 1 audit entry, got %+v", entries)
	}
	if e := entries[0]; e.Actor != "admin" || e.Action != "disconnect" || e.SessionID != id || e.FTPLogin != "bob" ||
		e.Customer != "acme" || e.RemoteIP != "127.0.0.1" || !strings.HasPrefix(e.Detail, "idle") {
		t.Errorf("audit entry = %+v", e)
	}
	if e := in.endedAs(bob.conn.LocalAddr()); e.EndReason != "disconnected by admin" {
		t.Errorf("history says %q, want disconnected by admin", e.EndReason)
	}
	// Gone: not listed, and a second DELETE finds nothing.
	if all := script.apiSessions(token, ""); len(all) != 0 {
		t.Errorf("still listed: %v", all)
	}
	apiErrorMessage(t, script.api(http.MethodGet, "/api/v1/sessions/"+id, token), http.StatusNotFound)
	apiErrorMessage(t, script.api(http.MethodDelete, "/api/v1/sessions/"+id, token), http.StatusNotFound)
	if n := len(in.auditEntries()); n != 1 {
		t.Errorf("%d audit entries after a second DELETE, want 1", n)
	}
}

func TestAPIDisconnectAllSessionsOfALogin(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	for _, login := range []string{"bob", "bobby", "carol"} {
		in.addFTPUser(login, "acme")
	}
	token := in.apiToken("admin")
	var bobs []*rawFTP
	for range 2 {
		c := in.rawDial()
		c.login("bob")
		bobs = append(bobs, c)
	}
	bobby := in.rawDial()
	bobby.login("bobby") // "bob" is part of the name, but it is not bob
	carol := in.rawDial()
	carol.login("carol")
	script := in.browser()
	waitFor(t, "four sessions in the API", func() bool {
		all := script.apiSessions(token, "")
		return len(all["bob"]) == 2 && len(all["bobby"]) == 1 && len(all["carol"]) == 1
	})
	bobIDs := []string{}
	for _, s := range script.apiSessions(token, "")["bob"] {
		bobIDs = append(bobIDs, s.ID)
	}

	r := script.api(http.MethodDelete, "/api/v1/sessions?login=bob", token)
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" || strings.TrimSpace(r.body) != `{"disconnected":2}` {
		t.Fatalf("DELETE ?login=bob: %d %q %s, want 200 {\"disconnected\":2}", r.status, r.header.Get("Content-Type"), r.body)
	}
	for i, c := range bobs {
		if err := closedByServer(c.conn); err != nil {
			t.Errorf("bob's session %d: %v", i+1, err)
		}
	}
	carol.cmd(200, "NOOP")
	bobby.cmd(200, "NOOP")
	all := script.apiSessions(token, "")
	if len(all["bob"]) != 0 || len(all["bobby"]) != 1 || len(all["carol"]) != 1 {
		t.Errorf("after disconnecting bob: %v", all)
	}
	var audited []string
	for _, e := range in.auditEntries() {
		if e.Actor != "admin" || e.Action != "disconnect" || e.FTPLogin != "bob" {
			t.Errorf("audit entry %+v", e)
		}
		audited = append(audited, e.SessionID)
	}
	slices.Sort(audited)
	slices.Sort(bobIDs)
	if !slices.Equal(audited, bobIDs) {
		t.Errorf("audited sessions %v, want bob's %v", audited, bobIDs)
	}

	// Nobody left to disconnect is no error; no login or address at all is, and
	// so are both at once and an address that is not one.
	if r := script.api(http.MethodDelete, "/api/v1/sessions?login=bob", token); r.status != http.StatusOK || strings.TrimSpace(r.body) != `{"disconnected":0}` {
		t.Errorf("second DELETE: %d %s", r.status, r.body)
	}
	for _, q := range []string{"", "?login=", "?ip=", "?ip=carol", "?login=carol&ip=127.0.0.1"} {
		apiErrorMessage(t, script.api(http.MethodDelete, "/api/v1/sessions"+q, token), http.StatusBadRequest)
	}
	carol.cmd(200, "NOOP")
	bobby.cmd(200, "NOOP")
}

func TestAPIFilters(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("globex")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("dave", "globex")
	token := in.apiToken("admin")
	bob := in.rawDial()
	bob.login("bob")
	dave := in.rawDial()
	dave.login("dave")
	anonymous := in.rawDial()
	script := in.browser()
	waitFor(t, "three sessions", func() bool { return len(script.apiSessions(token, "")) == 3 })

	for query, want := range map[string][]string{
		"?login=bob":                 {"bob"},
		"?login=o":                   {"bob"}, // substrings, as in the panel
		"?customer=globex":           {"dave"},
		"?ip=127.0.0.1":              {"", "bob", "dave"},
		"?ip=192.0.2.1":              {},
		"?state=idle":                {"bob", "dave"},
		"?state=not%20logged%20in":   {""},
		"?state=uploading":           {},
		"?login=dave&customer=acme":  {},
		"?login=dave&customer=globe": {"dave"},
	} {
		var got []string
		for login := range script.apiSessions(token, query) {
			got = append(got, login)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("GET /api/v1/sessions%s lists %q, want %q", query, got, want)
		}
	}
	for _, query := range []string{"?state=sleeping", "?state=Idle", "?user=bob", "?login=bob&login=dave"} {
		msg := apiErrorMessage(t, script.api(http.MethodGet, "/api/v1/sessions"+query, token), http.StatusBadRequest)
		if strings.Contains(msg, "\n") || msg == "" {
			t.Errorf("%s: message %q", query, msg)
		}
	}
	bob.cmd(200, "NOOP")
	dave.cmd(200, "NOOP")
	anonymous.cmd(200, "NOOP")
}

func TestAPIAnswersJSONForWrongMethodsAndPaths(t *testing.T) {
	t.Parallel()
	in := start(t)
	token := in.apiToken("admin")
	script := in.browser()
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{http.MethodPost, "/api/v1/sessions", http.StatusMethodNotAllowed},
		{http.MethodPut, "/api/v1/sessions/AAAAAAAAAAAAAAAAAAAAAAAAAA", http.StatusMethodNotAllowed},
		{http.MethodGet, "/api/v1/no-such-thing", http.StatusNotFound},
		{http.MethodGet, "/api/v2/sessions", http.StatusNotFound},
	} {
		apiErrorMessage(t, script.api(tc.method, tc.path, token), tc.status)
	}
	// A browser on another site cannot use the API even with a token; the refusal is JSON too.
	req, _ := http.NewRequest(http.MethodDelete, in.panelURL+"/api/v1/sessions?login=bob", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	apiErrorMessage(t, script.do(req), http.StatusForbidden)

	// The panel's own pages still answer with pages.
	if r := script.get("/no/such/page"); r.status != http.StatusNotFound || !strings.Contains(r.body, "Page not found") {
		t.Errorf("panel 404: %d", r.status)
	}

	doc := script.get("/api/v1/openapi.json")
	var parsed struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if doc.status != http.StatusOK || json.Unmarshal([]byte(doc.body), &parsed) != nil ||
		!strings.HasPrefix(parsed.OpenAPI, "3.") || parsed.Paths["/sessions/{id}"]["delete"] == nil {
		t.Errorf("GET /api/v1/openapi.json: %d %.200s", doc.status, doc.body)
	}
}

func mustParseURL(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
