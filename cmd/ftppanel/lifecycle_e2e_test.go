package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestShutdownClosesEverySession(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	bob := in.rawDial()
	bob.login("bob")
	anonymous := in.rawDial()
	admin := in.signInAdmin()
	admin.rowFor("bob")

	in.shutdown() // as SIGINT or SIGTERM would: run must return nil
	for name, c := range map[string]*rawFTP{"bob": bob, "not logged in": anonymous} {
		if err := closedByServer(c.conn); err != nil {
			t.Errorf("%s's connection after shutdown: %v", name, err)
		}
	}
	if !strings.Contains(in.stdout.String(), "Shutting down") {
		t.Error("shutdown was not announced")
	}
}

func TestRestartKeepsAccountsAndAudit(t *testing.T) {
	t.Parallel()
	in := start(t)
	if in.adminPW == "" {
		t.Fatal("the first start must print the admin password")
	}
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	bob := in.rawDial()
	bob.login("bob")
	admin := in.signInAdmin()
	id, _ := admin.rowFor("bob")
	admin.mustDisconnect(id)
	in.shutdown()

	again := startIn(t, in.data)
	if strings.Contains(again.stdout.String(), "password") {
		t.Errorf("a restart must not create or print an admin password:\n%s", again.stdout.String())
	}
	again.adminPW = in.adminPW
	again.signInAdmin()
	again.ftpLogin("bob")
	if e := again.auditEntries(); len(e) != 1 || e[0].SessionID != id {
		t.Errorf("audit after restart: %+v", e)
	}
}

func TestPanelAnswersBadRequestsPlainly(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	bob := in.rawDial()
	bob.login("bob")
	admin := in.signInAdmin()
	id, _ := admin.rowFor("bob")

	t.Run("signed out", func(t *testing.T) {
		anon := in.browser().with(t)
		for _, path := range []string{"/", "/sessions", "/sessions/" + id + "/disconnect"} {
			if r := anon.get(path); r.status != http.StatusSeeOther || r.location != "/login" || strings.Contains(r.body, "bob") {
				t.Errorf("GET %s signed out: status %d, location %q", path, r.status, r.location)
			}
		}
		if r := anon.disconnect(id); r.status != http.StatusSeeOther || r.location != "/login" {
			t.Errorf("POST disconnect signed out: status %d, location %q", r.status, r.location)
		}
		bob.with(t).cmd(200, "NOOP")
	})

	t.Run("malformed or unknown session IDs", func(t *testing.T) {
		admin := admin.with(t)
		for _, bad := range []string{"AAAAAAAAAAAAAAAAAAAAAAAAAA", "not-an-id", "..%2F..%2Fetc", strings.ToLower(id), id + "A"} {
			for _, r := range []response{admin.get("/sessions/" + bad + "/disconnect"), admin.disconnect(bad)} {
				if r.status != http.StatusNotFound || !strings.Contains(r.body, "already ended") {
					t.Errorf("%q: status %d, want 404 saying the session has already ended", bad, r.status)
				}
			}
		}
		bob.with(t).cmd(200, "NOOP")
	})

	t.Run("wrong method", func(t *testing.T) {
		admin := admin.with(t)
		for _, tc := range []struct{ method, path string }{
			{http.MethodDelete, "/sessions"},
			{http.MethodPut, "/sessions/" + id + "/disconnect"},
			{http.MethodPost, "/healthz"},
		} {
			req, _ := http.NewRequest(tc.method, admin.base+tc.path, nil)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			if r := admin.do(req); r.status != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: status %d, want 405", tc.method, tc.path, r.status)
			}
		}
		bob.with(t).cmd(200, "NOOP")
	})

	t.Run("unknown page", func(t *testing.T) {
		if r := admin.with(t).get("/no/such/page"); r.status != http.StatusNotFound || !strings.Contains(r.body, "Page not found") {
			t.Errorf("status %d", r.status)
		}
	})

	t.Run("failed sign-in says the same for a wrong password and an unknown user", func(t *testing.T) {
		wrong := in.browser().with(t).post("/login", url.Values{"username": {"admin"}, "password": {"not-the-password"}})
		unknown := in.browser().with(t).post("/login", url.Values{"username": {"nobody"}, "password": {"not-the-password"}})
		if wrong.status != http.StatusUnauthorized || unknown.status != wrong.status {
			t.Errorf("statuses %d and %d, want 401 both", wrong.status, unknown.status)
		}
		for _, r := range []response{wrong, unknown} {
			if !strings.Contains(r.body, "Invalid username or password.") || len(r.header["Set-Cookie"]) > 0 {
				t.Errorf("failed sign-in page: cookies %v\n%s", r.header["Set-Cookie"], r.body)
			}
		}
		if strings.Contains(in.stderr.String(), "not-the-password") {
			t.Error("a password reached the log")
		}
	})

	t.Run("sign out", func(t *testing.T) {
		b := in.signIn("acme", "acme-password").with(t)
		if r := b.post("/logout", nil); r.status != http.StatusSeeOther || r.location != "/login" {
			t.Fatalf("logout: status %d, location %q", r.status, r.location)
		}
		if r := b.get("/sessions"); r.status != http.StatusSeeOther {
			t.Errorf("after sign-out /sessions answered %d", r.status)
		}
	})

	t.Run("cookies and headers", func(t *testing.T) {
		r := in.browser().with(t).post("/login", url.Values{"username": {"acme"}, "password": {"acme-password"}})
		cookie := strings.Join(r.header["Set-Cookie"], "; ")
		for _, want := range []string{"ftppanel_session=", "HttpOnly", "SameSite=Strict"} {
			if !strings.Contains(cookie, want) {
				t.Errorf("sign-in cookie %q lacks %s", cookie, want)
			}
		}
		page := admin.with(t).get("/sessions")
		if csp := page.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("Content-Security-Policy = %q", csp)
		}
		if page.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Error("X-Content-Type-Options is not nosniff")
		}
	})

	if r := in.browser().get("/healthz"); r.status != http.StatusOK {
		t.Errorf("healthz: %d", r.status)
	}
}

// TestASessionCannotLogInAgainAsSomeoneElse: a second USER/PASS on a live session
// would move it to another customer's panel.
func TestASessionCannotLogInAgainAsSomeoneElse(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addCustomer("globex")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carol", "globex")
	c := in.rawDial()
	c.login("bob")
	c.cmd(331, "USER carol")
	c.cmd(530, "PASS carol-password")
	if err := closedByServer(c.conn); err != nil {
		t.Fatal(err)
	}
	if rows := in.signIn("globex", "globex-password").rows(); len(rows) != 0 {
		t.Errorf("globex sees %d sessions, want none", len(rows))
	}
}
