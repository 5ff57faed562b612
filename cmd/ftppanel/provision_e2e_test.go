package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
)

// The provisioning API, driven as a host's control panel drives it: an
// administrator's token and a customer's, over a real server, with real FTP
// clients logged in to the accounts it changes.

// apiDecode checks the answer's status and decodes its JSON body into v.
func apiDecode(t testing.TB, r response, status int, v any) {
	t.Helper()
	if r.status != status || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, Content-Type %q; want %d and JSON\n%s", r.status, r.header.Get("Content-Type"), status, r.body)
	}
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("%v\n%s", err, r.body)
	}
}

// apiInvalidField checks a 422 answer and returns the field it names.
func apiInvalidField(t testing.TB, r response) string {
	t.Helper()
	var e map[string]string
	apiDecode(t, r, http.StatusUnprocessableEntity, &e)
	if e["error"] == "" || len(e) != 2 {
		t.Errorf("body %q is not {\"error\": \"...\", \"field\": \"...\"}", r.body)
	}
	return e["field"]
}

type provisionedAccount struct {
	Login, Customer, Home, Password string
	Disabled                        bool
	Sessions                        int
}

// ftpDialLogin logs a real FTP client in as login with password and returns
// it with its control connection, or the login's error.
func (in *instance) ftpDialLogin(t testing.TB, login, password string) (*ftp.ServerConn, net.Conn, error) {
	t.Helper()
	var control net.Conn
	dial := func(network, addr string) (net.Conn, error) {
		conn, err := net.DialTimeout(network, addr, 10*time.Second)
		if control == nil {
			control = conn
		}
		return conn, err
	}
	c, err := ftp.Dial(in.ftpAddr, ftp.DialWithTimeout(10*time.Second), ftp.DialWithDialFunc(dial))
	if err != nil {
		t.Fatalf("dial FTP: %v", err)
	}
	if err := c.Login(login, password); err != nil {
		c.Quit()
		return nil, nil, err
	}
	t.Cleanup(func() { c.Quit() })
	return c, control, nil
}

// waitLive waits until the API shows login with n live sessions.
func (b *browser) waitLive(token, login string, n int) {
	b.t.Helper()
	waitFor(b.t, fmt.Sprintf("%d sessions of %s in the API", n, login), func() bool {
		var a provisionedAccount
		r := b.api(http.MethodGet, "/api/v1/accounts/"+login, token)
		return r.status == http.StatusOK && json.Unmarshal([]byte(r.body), &a) == nil && a.Sessions == n
	})
}

func TestProvisioningAPI(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("globex")
	in.addFTPUser("gina", "globex")
	admin := in.apiToken("admin")
	script := in.browser()

	var acme struct {
		Name     string
		Accounts int
	}
	apiDecode(t, script.apiJSON(http.MethodPost, "/api/v1/customers", admin, `{"name": "acme", "password": "acme-password"}`), http.StatusCreated, &acme)
	if acme.Name != "acme" || acme.Accounts != 0 {
		t.Fatalf("created customer %+v", acme)
	}
	// The customer made through the API signs in to the panel and gets a token.
	in.signIn("acme", "acme-password")
	acmeToken := in.apiToken("acme")

	t.Run("the admin lists and shows customers; a customer's token may not", func(t *testing.T) {
		script := script.with(t)
		var list struct{ Customers []struct{ Name string } }
		apiDecode(t, script.api(http.MethodGet, "/api/v1/customers", admin), http.StatusOK, &list)
		if len(list.Customers) != 2 || list.Customers[0].Name != "acme" || list.Customers[1].Name != "globex" {
			t.Errorf("customers %+v", list.Customers)
		}
		var one struct {
			Name      string
			CreatedAt string `json:"created_at"`
			Accounts  int
		}
		apiDecode(t, script.api(http.MethodGet, "/api/v1/customers/globex", admin), http.StatusOK, &one)
		if one.Name != "globex" || one.Accounts != 1 || one.CreatedAt == "" {
			t.Errorf("globex %+v", one)
		}
		for _, req := range [][3]string{
			{http.MethodGet, "/api/v1/customers", ""},
			{http.MethodGet, "/api/v1/customers/acme", ""},
			{http.MethodGet, "/api/v1/customers/globex", ""},
			{http.MethodPost, "/api/v1/customers", `{"name": "evil", "password": "evil-password"}`},
			{http.MethodPut, "/api/v1/customers/globex/password", `{"password": "stolen-password"}`},
			{http.MethodDelete, "/api/v1/customers/globex?cascade=true", ""},
		} {
			r := script.apiJSON(req[0], req[1], acmeToken, req[2])
			if msg := apiErrorMessage(t, r, http.StatusForbidden); strings.Contains(r.body, "gina") {
				t.Errorf("%s %s: %s", req[0], req[1], msg)
			}
		}
		if r := script.api(http.MethodGet, "/api/v1/customers/globex", admin); !strings.Contains(r.body, `"accounts":1`) {
			t.Errorf("acme's refused requests changed globex: %s", r.body)
		}
	})

	t.Run("an account made without a password logs in with the one returned", func(t *testing.T) {
		script := script.with(t)
		var bob provisionedAccount
		apiDecode(t, script.apiJSON(http.MethodPost, "/api/v1/accounts", admin, `{"login": "bob", "customer": "acme"}`), http.StatusCreated, &bob)
		if bob.Login != "bob" || bob.Customer != "acme" || bob.Home != "/bob" || len(bob.Password) < 20 {
			t.Fatalf("created %+v", bob)
		}
		c, _, err := in.ftpDialLogin(t, "bob", bob.Password)
		if err != nil {
			t.Fatalf("bob logs in with the returned password: %v", err)
		}
		if err := c.Stor("hello.txt", strings.NewReader("hi")); err != nil {
			t.Errorf("bob uploads: %v", err)
		}
		c.Quit()
		// Shown once: reading the account never shows it again.
		r := script.api(http.MethodGet, "/api/v1/accounts/bob", admin)
		if r.status != http.StatusOK || strings.Contains(r.body, bob.Password) || strings.Contains(r.body, "password") {
			t.Errorf("GET bob: %d %s", r.status, r.body)
		}
		if e, ok := in.auditFor("create account", "bob"); !ok || e.Actor != "admin" || e.Customer != "acme" || strings.Contains(e.Detail, bob.Password) {
			t.Errorf("audit entry %+v (found %v)", e, ok)
		}
		// The password is chosen again here: the tests below log in as bob-password.
		var d struct{ Disconnected int }
		apiDecode(t, script.apiJSON(http.MethodPut, "/api/v1/accounts/bob/password", admin, `{"password": "bob-password"}`), http.StatusOK, &d)
	})

	t.Run("a customer's token adds accounts to its own only", func(t *testing.T) {
		script := script.with(t)
		var carl provisionedAccount
		apiDecode(t, script.apiJSON(http.MethodPost, "/api/v1/accounts", acmeToken, `{"login": "carl", "password": "carl-password"}`), http.StatusCreated, &carl)
		if carl.Customer != "acme" || carl.Password != "" {
			t.Errorf("created %+v: want acme's, and no password echoed", carl)
		}
		other := script.apiJSON(http.MethodPost, "/api/v1/accounts", acmeToken, `{"login": "carla", "customer": "globex", "password": "carla-password"}`)
		unknown := script.apiJSON(http.MethodPost, "/api/v1/accounts", acmeToken, `{"login": "carla", "customer": "nobody", "password": "carla-password"}`)
		if a, b := apiErrorMessage(t, other, http.StatusNotFound), apiErrorMessage(t, unknown, http.StatusNotFound); strings.Replace(a, "globex", "nobody", 1) != b {
			t.Errorf("another customer should look unknown: %q vs %q", a, b)
		}
		// Taken by another customer: 409, without saying whose.
		if r := script.apiJSON(http.MethodPost, "/api/v1/accounts", acmeToken, `{"login": "gina", "password": "gina2-password"}`); strings.Contains(apiErrorMessage(t, r, http.StatusConflict), "globex") {
			t.Errorf("the 409 names the owner: %s", r.body)
		}
		var list struct{ Accounts []provisionedAccount }
		apiDecode(t, script.api(http.MethodGet, "/api/v1/accounts", acmeToken), http.StatusOK, &list)
		if len(list.Accounts) != 2 || list.Accounts[0].Login != "bob" || list.Accounts[1].Login != "carl" {
			t.Errorf("acme's accounts %+v", list.Accounts)
		}
		apiDecode(t, script.api(http.MethodGet, "/api/v1/accounts?customer=acme", acmeToken), http.StatusOK, &list)
		if len(list.Accounts) != 2 {
			t.Errorf("acme's accounts filtered to acme: %+v", list.Accounts)
		}
		apiErrorMessage(t, script.api(http.MethodGet, "/api/v1/accounts?customer=globex", acmeToken), http.StatusNotFound)
		apiDecode(t, script.api(http.MethodGet, "/api/v1/accounts?customer=globex", admin), http.StatusOK, &list)
		if len(list.Accounts) != 1 || list.Accounts[0].Login != "gina" {
			t.Errorf("the admin's globex accounts %+v", list.Accounts)
		}
		apiDecode(t, script.api(http.MethodGet, "/api/v1/accounts", admin), http.StatusOK, &list)
		if len(list.Accounts) != 3 {
			t.Errorf("the admin's accounts %+v", list.Accounts)
		}
	})

	t.Run("another customer's account is not found", func(t *testing.T) {
		script := script.with(t)
		gina, ginaConn := in.ftpLoginConn("gina")
		for _, req := range [][3]string{
			{http.MethodGet, "/api/v1/accounts/%s", ""},
			{http.MethodPut, "/api/v1/accounts/%s/password", `{"password": "stolen-password"}`},
			{http.MethodPost, "/api/v1/accounts/%s/disable", ""},
			{http.MethodPost, "/api/v1/accounts/%s/enable", ""},
			{http.MethodDelete, "/api/v1/accounts/%s", ""},
		} {
			got := script.apiJSON(req[0], strings.Replace(req[1], "%s", "gina", 1), acmeToken, req[2])
			unknown := script.apiJSON(req[0], strings.Replace(req[1], "%s", "nobody", 1), acmeToken, req[2])
			if apiErrorMessage(t, got, http.StatusNotFound) != apiErrorMessage(t, unknown, http.StatusNotFound) || strings.Contains(got.body, "gina") {
				t.Errorf("%s %s: %s vs %s", req[0], req[1], got.body, unknown.body)
			}
		}
		if err := gina.NoOp(); err != nil {
			t.Errorf("gina's session after acme's refused requests: %v", err)
		}
		gina.Quit()
		ginaConn.Close()
		if _, _, err := in.ftpDialLogin(t, "gina", "gina-password"); err != nil {
			t.Errorf("gina's password changed: %v", err)
		}
	})

	t.Run("password, disable and delete end live sessions as the panel does", func(t *testing.T) {
		script := script.with(t)
		_, conn, err := in.ftpDialLogin(t, "carl", "carl-password")
		if err != nil {
			t.Fatal(err)
		}
		script.waitLive(acmeToken, "carl", 1)
		var d struct{ Disconnected int }
		apiDecode(t, script.apiJSON(http.MethodPut, "/api/v1/accounts/carl/password", acmeToken, `{"password": "new-carl-password"}`), http.StatusOK, &d)
		if d.Disconnected != 1 {
			t.Errorf("new password: disconnected %d, want 1", d.Disconnected)
		}
		if err := closedByServer(conn); err != nil {
			t.Errorf("carl's session after a new password: %v", err)
		}
		if _, _, err := in.ftpDialLogin(t, "carl", "carl-password"); err == nil {
			t.Error("the old password still logs in")
		}
		if e, ok := in.auditFor("change password", "carl"); !ok || e.Actor != "acme" || e.Detail != "1 session disconnected (through the API)" {
			t.Errorf("audit entry %+v (found %v)", e, ok)
		}

		_, conn, err = in.ftpDialLogin(t, "carl", "new-carl-password")
		if err != nil {
			t.Fatal(err)
		}
		script.waitLive(acmeToken, "carl", 1)
		apiDecode(t, script.api(http.MethodPost, "/api/v1/accounts/carl/disable", acmeToken), http.StatusOK, &d)
		if d.Disconnected != 1 {
			t.Errorf("disable: disconnected %d, want 1", d.Disconnected)
		}
		if err := closedByServer(conn); err != nil {
			t.Errorf("carl's session after disable: %v", err)
		}
		in.ftpLoginRefused(t, "carl", "new-carl-password")
		waitFor(t, "carl's session in the history, disconnected by acme", func() bool {
			for _, h := range in.history() {
				if h.FTPLogin == "carl" && h.EndReason == "disconnected by acme" {
					return true
				}
			}
			return false
		})
		var carl provisionedAccount
		apiDecode(t, script.api(http.MethodPost, "/api/v1/accounts/carl/enable", acmeToken), http.StatusOK, &carl)
		if carl.Disabled || carl.Login != "carl" {
			t.Errorf("enabled: %+v", carl)
		}
		if _, ok := in.auditFor("enable account", "carl"); !ok {
			t.Error("no audit entry for enable")
		}

		_, conn, err = in.ftpDialLogin(t, "carl", "new-carl-password")
		if err != nil {
			t.Fatalf("carl after enable: %v", err)
		}
		script.waitLive(acmeToken, "carl", 1)
		apiDecode(t, script.api(http.MethodDelete, "/api/v1/accounts/carl", acmeToken), http.StatusOK, &d)
		if d.Disconnected != 1 {
			t.Errorf("delete: disconnected %d, want 1", d.Disconnected)
		}
		if err := closedByServer(conn); err != nil {
			t.Errorf("carl's session after delete: %v", err)
		}
		in.ftpLoginRefused(t, "carl", "new-carl-password")
		apiErrorMessage(t, script.api(http.MethodGet, "/api/v1/accounts/carl", acmeToken), http.StatusNotFound)
		if e, ok := in.auditFor("delete account", "carl"); !ok || e.Actor != "acme" || e.Customer != "acme" {
			t.Errorf("audit entry %+v (found %v)", e, ok)
		}
	})

	t.Run("a customer's new panel password signs its browsers out", func(t *testing.T) {
		script := script.with(t)
		browser := in.signIn("acme", "acme-password").with(t)
		var out struct {
			SignedOut int `json:"signed_out"`
		}
		apiDecode(t, script.apiJSON(http.MethodPut, "/api/v1/customers/acme/password", admin, `{"password": "acme-new-password"}`), http.StatusOK, &out)
		if out.SignedOut < 1 {
			t.Errorf("signed out %d browsers, want at least the one signed in", out.SignedOut)
		}
		if r := browser.get("/sessions"); r.status != http.StatusSeeOther {
			t.Errorf("acme's browser after the new password: status %d, want a redirect to sign in", r.status)
		}
		in.signIn("acme", "acme-new-password")
		if r := script.api(http.MethodGet, "/api/v1/accounts", acmeToken); r.status != http.StatusOK {
			t.Errorf("acme's token after the new password: %d", r.status)
		}
	})
}

func TestProvisioningAPICascadeDeleteEndsSessions(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	in.addFTPUser("carl", "acme")
	in.addCustomer("globex")
	in.addFTPUser("gina", "globex")
	admin, acmeToken := in.apiToken("admin"), in.apiToken("acme")
	script := in.browser()
	bob, bobConn := in.ftpLoginConn("bob")
	gina := in.ftpLogin("gina")
	script.waitLive(admin, "bob", 1)

	msg := apiErrorMessage(t, script.api(http.MethodDelete, "/api/v1/customers/acme", admin), http.StatusConflict)
	if !strings.Contains(msg, "2 FTP accounts") || !strings.Contains(msg, "cascade=true") {
		t.Errorf("409 says %q", msg)
	}
	apiErrorMessage(t, script.api(http.MethodDelete, "/api/v1/customers/acme?cascade=false", admin), http.StatusConflict)
	apiErrorMessage(t, script.api(http.MethodDelete, "/api/v1/customers/acme?cascade=maybe", admin), http.StatusBadRequest)
	if err := bob.NoOp(); err != nil {
		t.Fatalf("bob's session after the refused deletes: %v", err)
	}

	var out struct {
		DeletedAccounts []string `json:"deleted_accounts"`
		Disconnected    int
	}
	apiDecode(t, script.api(http.MethodDelete, "/api/v1/customers/acme?cascade=true", admin), http.StatusOK, &out)
	if len(out.DeletedAccounts) != 2 || out.DeletedAccounts[0] != "bob" || out.DeletedAccounts[1] != "carl" || out.Disconnected != 1 {
		t.Errorf("answer %+v; want bob and carl deleted, 1 session disconnected", out)
	}
	if err := closedByServer(bobConn); err != nil {
		t.Errorf("bob's session after the cascade: %v", err)
	}
	waitFor(t, "bob's session in the history, disconnected by admin", func() bool {
		for _, h := range in.history() {
			if h.FTPLogin == "bob" && h.EndReason == "disconnected by admin" {
				return true
			}
		}
		return false
	})
	in.ftpLoginRefused(t, "bob", "bob-password")
	in.ftpLoginRefused(t, "carl", "carl-password")
	if e, ok := in.auditFor("delete account", "bob"); !ok || e.Actor != "admin" || e.Detail != "1 session disconnected (through the API)" {
		t.Errorf("bob's audit entry %+v (found %v)", e, ok)
	}
	found := false
	for _, e := range in.auditEntries() {
		if e.Action == "delete customer" && e.Customer == "acme" && e.Actor == "admin" {
			found = true
			if !strings.Contains(e.Detail, "2 FTP accounts deleted") {
				t.Errorf("delete customer's audit detail %q", e.Detail)
			}
		}
	}
	if !found {
		t.Error("no audit entry for the deleted customer")
	}
	// The customer's sign-in and token went with it; globex is untouched.
	if r := script.api(http.MethodGet, "/api/v1/accounts", acmeToken); r.status != http.StatusUnauthorized {
		t.Errorf("acme's token after the delete: %d", r.status)
	}
	if r := in.browser().post("/login", map[string][]string{"username": {"acme"}, "password": {"acme-password"}}); r.status == http.StatusSeeOther {
		t.Error("acme still signs in to the panel")
	}
	apiErrorMessage(t, script.api(http.MethodGet, "/api/v1/customers/acme", admin), http.StatusNotFound)
	if err := gina.NoOp(); err != nil {
		t.Errorf("gina's session after acme's delete: %v", err)
	}
	// A customer without accounts goes without cascade.
	apiDecode(t, script.apiJSON(http.MethodPost, "/api/v1/customers", admin, `{"name": "initech", "password": "initech-password"}`), http.StatusCreated, &struct{}{})
	apiDecode(t, script.api(http.MethodDelete, "/api/v1/customers/initech", admin), http.StatusOK, &out)
	if len(out.DeletedAccounts) != 0 || out.Disconnected != 0 {
		t.Errorf("deleting initech: %+v", out)
	}
}

func TestProvisioningAPIRefusesBadRequests(t *testing.T) {
	t.Parallel()
	in := start(t)
	in.addCustomer("acme")
	in.addFTPUser("bob", "acme")
	admin := in.apiToken("admin")
	script := in.browser()
	post := func(path, body string) response { return script.apiJSON(http.MethodPost, path, admin, body) }

	t.Run("400 for a body that is not one JSON object of the fields", func(t *testing.T) {
		script := script.with(t)
		for _, body := range []string{
			``, `{`, `not json`, `[]`, `{"login": 5, "customer": "acme"}`,
			`{"login": "x1", "customer": "acme", "shell": "/bin/sh"}`,
			`{"login": "x1", "customer": "acme"} {"login": "x2"}`,
		} {
			r := script.apiJSON(http.MethodPost, "/api/v1/accounts", admin, body)
			if msg := apiErrorMessage(t, r, http.StatusBadRequest); strings.Contains(msg, in.data) || strings.Contains(msg, ".go:") {
				t.Errorf("body %q: %s", body, msg)
			}
		}
		if msg := apiErrorMessage(t, post("/api/v1/customers", `{"name": "x", "password": "x-password", "role": "admin"}`), http.StatusBadRequest); !strings.Contains(msg, `"role"`) {
			t.Errorf("unknown field: %q does not name it", msg)
		}
		apiErrorMessage(t, script.apiJSON(http.MethodPut, "/api/v1/accounts/bob/password", admin, `{"password": "a-long-password", "repeat": "a-long-password"}`), http.StatusBadRequest)
		apiErrorMessage(t, script.api(http.MethodGet, "/api/v1/accounts?login=bob", admin), http.StatusBadRequest)
		if _, _, err := in.ftpDialLogin(t, "bob", "bob-password"); err != nil {
			t.Errorf("bob's password changed: %v", err)
		}
	})

	t.Run("413 for a body over 64 KiB", func(t *testing.T) {
		script := script.with(t)
		big := `{"login": "big", "customer": "acme", "password": "` + strings.Repeat("a", 64<<10) + `"}`
		apiErrorMessage(t, script.apiJSON(http.MethodPost, "/api/v1/accounts", admin, big), http.StatusRequestEntityTooLarge)
		// Within the limit but a password too long for its rule: 422, not 413.
		long := `{"login": "big", "customer": "acme", "password": "` + strings.Repeat("a", 60<<10) + `"}`
		if f := apiInvalidField(t, script.apiJSON(http.MethodPost, "/api/v1/accounts", admin, long)); f != "password" {
			t.Errorf("field %q", f)
		}
		apiErrorMessage(t, script.api(http.MethodGet, "/api/v1/accounts/big", admin), http.StatusNotFound)
	})

	t.Run("422 names the field and the rule", func(t *testing.T) {
		script := script.with(t)
		for _, tc := range []struct{ path, body, field, rule string }{
			{"/api/v1/accounts", `{"login": "Bad Name", "customer": "acme", "password": "good-password"}`, "login", "lowercase letters"},
			{"/api/v1/accounts", `{"login": "", "customer": "acme"}`, "login", "must not be empty"},
			{"/api/v1/accounts", `{"login": "` + strings.Repeat("a", 33) + `", "customer": "acme"}`, "login", "at most 32"},
			{"/api/v1/accounts", `{"login": "a..b", "customer": "acme"}`, "login", "must not contain"},
			{"/api/v1/accounts", `{"login": "dave", "customer": "acme", "password": "short"}`, "password", "at least 8"},
			{"/api/v1/accounts", `{"login": "dave", "password": "good-password"}`, "customer", "customer"},
			{"/api/v1/accounts", `{"login": "dave", "customer": "../etc", "password": "good-password"}`, "customer", "not allowed"},
			{"/api/v1/customers", `{"name": "-acme", "password": "good-password"}`, "name", "starting with a letter or digit"},
			{"/api/v1/customers", `{"name": "initech"}`, "password", "at least 8"},
		} {
			r := post(tc.path, tc.body)
			if f := apiInvalidField(t, r); f != tc.field || !strings.Contains(r.body, tc.rule) {
				t.Errorf("%s %s: %s; want field %q and %q", tc.path, tc.body, r.body, tc.field, tc.rule)
			}
		}
		if f := apiInvalidField(t, script.apiJSON(http.MethodPut, "/api/v1/accounts/bob/password", admin, `{"password": "short"}`)); f != "password" {
			t.Errorf("field %q", f)
		}
		if f := apiInvalidField(t, script.apiJSON(http.MethodPut, "/api/v1/customers/acme/password", admin, `{}`)); f != "password" {
			t.Errorf("field %q", f)
		}
		apiErrorMessage(t, script.api(http.MethodGet, "/api/v1/accounts/dave", admin), http.StatusNotFound)
		apiErrorMessage(t, script.api(http.MethodGet, "/api/v1/customers/initech", admin), http.StatusNotFound)
	})

	t.Run("409 for a name taken", func(t *testing.T) {
		for _, tc := range [][2]string{
			{"/api/v1/customers", `{"name": "acme", "password": "other-password"}`},
			{"/api/v1/customers", `{"name": "admin", "password": "other-password"}`}, // a panel user's name
			{"/api/v1/accounts", `{"login": "bob", "customer": "acme", "password": "other-password"}`},
		} {
			apiErrorMessage(t, post(tc[0], tc[1]), http.StatusConflict)
		}
		if _, _, err := in.ftpDialLogin(t, "bob", "bob-password"); err != nil {
			t.Errorf("bob's password changed: %v", err)
		}
		if _, err := in.cli("", "token", "add", "admin"); err != nil {
			t.Errorf("the admin is no longer there: %v", err)
		}
	})

	t.Run("404 for unknown names, with a plain message", func(t *testing.T) {
		script := script.with(t)
		for _, req := range [][3]string{
			{http.MethodGet, "/api/v1/customers/nobody", ""},
			{http.MethodGet, "/api/v1/customers/..%2F..%2Fetc", ""},
			{http.MethodPut, "/api/v1/customers/nobody/password", `{"password": "good-password"}`},
			{http.MethodDelete, "/api/v1/customers/nobody", ""},
			{http.MethodGet, "/api/v1/accounts/nobody", ""},
			{http.MethodGet, "/api/v1/accounts/NOBODY", ""},
			{http.MethodPut, "/api/v1/accounts/nobody/password", `{"password": "good-password"}`},
			{http.MethodPost, "/api/v1/accounts/nobody/disable", ""},
			{http.MethodPost, "/api/v1/accounts/nobody/enable", ""},
			{http.MethodDelete, "/api/v1/accounts/nobody", ""},
			{http.MethodGet, "/api/v1/accounts?customer=nobody", ""},
			{http.MethodPost, "/api/v1/accounts", `{"login": "dave", "customer": "nobody", "password": "good-password"}`},
		} {
			r := script.apiJSON(req[0], req[1], admin, req[2])
			if msg := apiErrorMessage(t, r, http.StatusNotFound); strings.Contains(msg, in.data) {
				t.Errorf("%s %s: %s", req[0], req[1], msg)
			}
		}
	})

	t.Run("405 for a wrong method", func(t *testing.T) {
		script := script.with(t)
		for _, tc := range [][3]string{
			{http.MethodPatch, "/api/v1/customers", "GET, HEAD, POST"},
			{http.MethodPost, "/api/v1/customers/acme", "GET, HEAD, DELETE"},
			{http.MethodPost, "/api/v1/accounts/bob/password", "PUT"},
			{http.MethodGet, "/api/v1/accounts/bob/disable", "POST"},
		} {
			r := script.api(tc[0], tc[1], admin)
			apiErrorMessage(t, r, http.StatusMethodNotAllowed)
			if r.header.Get("Allow") != tc[2] {
				t.Errorf("%s %s: Allow %q, want %q", tc[0], tc[1], r.header.Get("Allow"), tc[2])
			}
		}
	})
}

// TestFleetProvisioningReachesEveryNode: on two nodes sharing a store, an
// account made through node a's API logs in on b with the random password it
// returned, and a customer deleted with cascade=true on a has its session on b
// ended at once, by a, as the panel's delete does.
func TestFleetProvisioningReachesEveryNode(t *testing.T) {
	t.Parallel()
	a, b := sharedNodes(t)
	admin := a.apiToken("admin")
	script := a.browser()
	apiDecode(t, script.apiJSON(http.MethodPost, "/api/v1/customers", admin, `{"name": "acme", "password": "acme-password"}`), http.StatusCreated, &struct{}{})
	var bob provisionedAccount
	apiDecode(t, script.apiJSON(http.MethodPost, "/api/v1/accounts", admin, `{"login": "bob", "customer": "acme"}`), http.StatusCreated, &bob)
	onB, err := ftpDial(t, b.ftpAddr, "bob", bob.Password)
	if err != nil {
		t.Fatalf("bob on b with the password a returned: %v", err)
	}
	script.waitLive(admin, "bob", 1)

	var out struct {
		DeletedAccounts []string `json:"deleted_accounts"`
		Disconnected    int
	}
	deleted := time.Now()
	apiDecode(t, script.api(http.MethodDelete, "/api/v1/customers/acme?cascade=true", admin), http.StatusOK, &out)
	if len(out.DeletedAccounts) != 1 || out.Disconnected != 1 {
		t.Errorf("answer %+v; want bob deleted and his session on b disconnected", out)
	}
	t.Logf("bob's session on b ended %v after the delete on a", endsWithin(t, "bob's session on b to end", onB, deleted).Round(time.Millisecond))
	waitFor(t, "bob's session on b in the history, disconnected by admin", func() bool {
		for _, h := range a.history() {
			if h.FTPLogin == "bob" && h.Node == "b" && h.EndReason == "disconnected by admin" {
				return true
			}
		}
		return false
	})
	if _, err := ftpDial(t, b.ftpAddr, "bob", bob.Password); err == nil {
		t.Error("bob still logs in on b")
	}
}

// TestProvisioningAPIChangesAreHookEvents: what the API changes reaches the
// host's web hook as the panel's changes do, under the token's user.
func TestProvisioningAPIChangesAreHookEvents(t *testing.T) {
	t.Parallel()
	hook := newTestHook(t, false)
	in := start(t, "--webhook-url", hook.srv.URL+"/ftp-events", "--webhook-secret", hookSecret)
	admin := in.apiToken("admin")
	script := in.browser()
	apiDecode(t, script.apiJSON(http.MethodPost, "/api/v1/customers", admin, `{"name": "acme", "password": "acme-password"}`), http.StatusCreated, &struct{}{})
	hook.wait("audit", map[string]any{"action": "create customer", "by": "admin", "customer": "acme"})
	acme := in.apiToken("acme")
	var bob provisionedAccount
	apiDecode(t, script.apiJSON(http.MethodPost, "/api/v1/accounts", acme, `{"login": "bob"}`), http.StatusCreated, &bob)
	created := hook.wait("account.created", map[string]any{"by": "acme", "login": "bob", "customer": "acme"})
	if strings.Contains(jsonText(created.Data), bob.Password) {
		t.Errorf("the event tells the random password: %v", created.Data)
	}
	apiDecode(t, script.api(http.MethodPost, "/api/v1/accounts/bob/disable", acme), http.StatusOK, &struct{}{})
	hook.wait("account.disabled", map[string]any{"by": "acme", "login": "bob"})
	apiDecode(t, script.api(http.MethodDelete, "/api/v1/customers/acme?cascade=true", admin), http.StatusOK, &struct{}{})
	hook.wait("account.deleted", map[string]any{"by": "admin", "login": "bob", "customer": "acme"})
	hook.wait("audit", map[string]any{"action": "delete customer", "by": "admin", "customer": "acme"})
}
