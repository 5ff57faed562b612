package main

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftppanel/ftppanel/internal/pgtest"
)

// provisionRoutes are every route of the provisioning API, each with a body
// that would succeed with the store up.
var provisionRoutes = []struct{ method, path, body string }{
	{http.MethodPost, "/api/v1/customers", `{"name": "initech", "password": "initech-password"}`},
	{http.MethodGet, "/api/v1/customers", ""},
	{http.MethodGet, "/api/v1/customers/acme", ""},
	{http.MethodPut, "/api/v1/customers/acme/password", `{"password": "acme-outage-password"}`},
	{http.MethodPost, "/api/v1/accounts", `{"login": "olga", "customer": "acme", "password": "olga-password"}`},
	{http.MethodGet, "/api/v1/accounts", ""},
	{http.MethodGet, "/api/v1/accounts?customer=acme", ""},
	{http.MethodGet, "/api/v1/accounts/bob", ""},
	{http.MethodPut, "/api/v1/accounts/bob/password", `{"password": "bob-outage-password"}`},
	{http.MethodPost, "/api/v1/accounts/bob/disable", ""},
	{http.MethodPost, "/api/v1/accounts/bob/enable", ""},
	{http.MethodPatch, "/api/v1/accounts/bob", `{"download_limit": 1000, "upload_limit": 2000, "idle_timeout": 60}`},
	{http.MethodDelete, "/api/v1/accounts/bob", ""},
	{http.MethodDelete, "/api/v1/customers/acme", ""},
	{http.MethodDelete, "/api/v1/customers/acme?cascade=true", ""},
}

// TestProvisioningAPIWhilePostgreSQLIsDown stops the PostgreSQL server under a
// node after a customer and an account were provisioned through the API: every
// provisioning route then answers at once with the API's plain JSON 500 (no
// SQL, no driver's words, no path, no stack), the node keeps serving, and once
// the database is back the routes work again and nothing asked for during the
// outage was done, even in part.
func TestProvisioningAPIWhilePostgreSQLIsDown(t *testing.T) {
	t.Parallel()
	cluster, url := pgtest.Own(t) // its own: stopping the shared one would fail other tests
	dir := t.TempDir()
	useDatabase(dir, url)
	in := startIn(t, dir)
	admin := in.apiToken("admin")
	script := in.browser()

	var created provisionedAccount
	apiDecode(t, script.apiJSON(http.MethodPost, "/api/v1/customers", admin, `{"name": "acme", "password": "acme-password"}`), http.StatusCreated, &struct{}{})
	apiDecode(t, script.apiJSON(http.MethodPost, "/api/v1/accounts", admin, `{"login": "bob", "customer": "acme", "password": "bob-password"}`), http.StatusCreated, &created)
	if _, _, err := in.ftpDialLogin(t, "bob", "bob-password"); err != nil {
		t.Fatalf("bob logs in before the outage: %v", err)
	}

	audited := in.auditEntries()
	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	// A client of its own, with a short timeout: a route that hangs fails here.
	outage := in.browser()
	outage.c.Timeout = 10 * time.Second
	for _, rt := range provisionRoutes {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			r := outage.with(t).apiJSON(rt.method, rt.path, admin, rt.body)
			msg := apiErrorMessage(t, r, http.StatusInternalServerError)
			checkNoInternals(t, r.body, dir)
			if msg != "internal error; the server log has the details" {
				t.Errorf("error %q, want the API's plain internal error", msg)
			}
		})
	}
	// The node stays up: the panel answers what needs no store, FTP greets.
	if r := outage.get("/api/v1/openapi.json"); r.status != http.StatusOK {
		t.Errorf("GET /api/v1/openapi.json during the outage: %d", r.status)
	}
	raw := in.rawDial()
	raw.cmd(331, "USER bob")
	raw.conn.Close()
	select {
	case err := <-in.done:
		t.Fatalf("serve ended during the outage: %v\nstderr:\n%s", err, in.stderr.String())
	default:
	}

	if err := cluster.Start(); err != nil {
		t.Fatal(err)
	}
	// Back: the routes answer again once the pool has new connections.
	waitFor(t, "the provisioning API after PostgreSQL is back", func() bool {
		return script.api(http.MethodGet, "/api/v1/accounts", admin).status == http.StatusOK
	})
	var customers struct{ Customers []struct{ Name string } }
	apiDecode(t, script.api(http.MethodGet, "/api/v1/customers", admin), http.StatusOK, &customers)
	if len(customers.Customers) != 1 || customers.Customers[0].Name != "acme" {
		t.Errorf("customers after the outage %+v, want acme alone (initech was refused)", customers.Customers)
	}
	var accounts struct{ Accounts []provisionedAccount }
	apiDecode(t, script.api(http.MethodGet, "/api/v1/accounts", admin), http.StatusOK, &accounts)
	if len(accounts.Accounts) != 1 || accounts.Accounts[0].Login != "bob" || accounts.Accounts[0].Disabled {
		t.Errorf("accounts after the outage %+v, want bob alone, enabled (olga was refused)", accounts.Accounts)
	}
	var bob map[string]any
	apiDecode(t, script.api(http.MethodGet, "/api/v1/accounts/bob", admin), http.StatusOK, &bob)
	for _, limit := range []string{"download_limit", "upload_limit", "idle_timeout"} {
		if bob[limit] != 0.0 {
			t.Errorf("bob's %s after the refused PATCH: %v, want 0", limit, bob[limit])
		}
	}
	// The passwords are the ones from before: the refused changes did nothing.
	if _, _, err := in.ftpDialLogin(t, "bob", "bob-password"); err != nil {
		t.Errorf("bob's password after the outage: %v", err)
	}
	in.signIn("acme", "acme-password")
	if after := in.auditEntries(); len(after) != len(audited) {
		t.Errorf("%d audit entries after the outage, %d before: refused requests were audited: %+v", len(after), len(audited), after)
	}
	for _, refused := range []string{in.home("acme", "olga"), filepath.Join(in.data, "home", "initech")} {
		if _, err := os.Stat(refused); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s, refused during the outage, on disk: %v", refused, err)
		}
	}
	// A new account made now logs in with a real FTP client.
	apiDecode(t, script.apiJSON(http.MethodPost, "/api/v1/accounts", admin, `{"login": "olga", "customer": "acme", "password": "olga-password"}`), http.StatusCreated, &created)
	c, _, err := in.ftpDialLogin(t, "olga", "olga-password")
	if err != nil {
		t.Fatalf("olga, made after the outage, logs in: %v", err)
	}
	if err := c.Stor("after.txt", strings.NewReader("back")); err != nil {
		t.Errorf("olga uploads: %v", err)
	}
}

// checkNoInternals fails when body shows what users must not see: SQL, the
// driver's or the network's words, a path, a stack trace.
func checkNoInternals(t *testing.T, body, dataDir string) {
	t.Helper()
	lower := strings.ToLower(body)
	for _, internal := range []string{"sql", "pgx", "postgres", "database", "dial", "connect", "refused",
		"127.0.0.1", "select", "insert", "update ", "delete from", "goroutine", ".go:", "panic", "/tmp", dataDir} {
		if strings.Contains(lower, strings.ToLower(internal)) {
			t.Errorf("the answer shows %q:\n%s", internal, body)
		}
	}
}
