package panel

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/ftppanel/ftppanel/internal/pgtest"
	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// TestProvisioningHandlersWithPostgreSQLDown calls each handler of the
// provisioning API (/api/v1/customers and /api/v1/accounts, taken from the
// panel's own routes) with its PostgreSQL server stopped. With the whole store
// down the token check answers before any of them runs (cmd/ftppanel's
// TestProvisioningAPIWhilePostgreSQLIsDown); here the user is put in the
// request as the token check would, as if the store went away just after it.
// Each handler must answer the API's plain JSON 500, with no SQL, driver's
// words, address or path, log the details, and have changed nothing.
func TestProvisioningHandlersWithPostgreSQLDown(t *testing.T) {
	cluster, url := pgtest.Own(t) // its own: stopping the shared one would fail other tests
	ctx := t.Context()
	db, err := store.OpenURL(ctx, url, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.PasswordCost = bcrypt.MinCost
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.AddAdmin(ctx, "root", "root-password"))
	must(db.AddCustomer(ctx, "acme", "acme-password"))
	must(db.AddFTPAccount(ctx, "bob", "acme", "bob-password"))
	token, _, err := db.CreateAPIToken(ctx, "root", "")
	must(err)
	root, err := db.APITokenUser(ctx, token)
	must(err)

	var logged bytes.Buffer // the requests are served one at a time
	registry := session.NewRegistry()
	p := &Panel{store: db, registry: registry, sessions: Local{registry}, now: time.Now,
		log: slog.New(slog.NewTextHandler(&logged, nil))}
	// The provisioning routes' handlers, without the token check in front.
	handlers := chi.NewRouter()
	handlers.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, root)))
		})
	})
	called := map[string]bool{}
	err = chi.Walk(p.router(), func(method, route string, h http.Handler, _ ...func(http.Handler) http.Handler) error {
		if !strings.HasPrefix(route, "/api/v1/customers") && !strings.HasPrefix(route, "/api/v1/accounts") {
			return nil
		}
		key := method + " " + route
		called[key] = false
		handlers.Method(method, route, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			called[key] = true
			h.ServeHTTP(w, r)
		}))
		return nil
	})
	must(err)
	if len(called) < 12 {
		t.Fatalf("found %d provisioning routes: %v", len(called), called)
	}

	must(cluster.Stop())
	hung := false
	for _, rt := range []struct{ method, path, body string }{
		{http.MethodPost, "/api/v1/customers", `{"name": "initech", "password": "initech-password"}`},
		{http.MethodGet, "/api/v1/customers", ""},
		{http.MethodGet, "/api/v1/customers/acme", ""},
		{http.MethodPut, "/api/v1/customers/acme/password", `{"password": "acme-outage-password"}`},
		{http.MethodDelete, "/api/v1/customers/acme", ""},
		{http.MethodDelete, "/api/v1/customers/acme?cascade=true", ""},
		{http.MethodPost, "/api/v1/accounts", `{"login": "olga", "customer": "acme", "password": "olga-password"}`},
		{http.MethodPost, "/api/v1/accounts", `{"login": "olga", "customer": "acme"}`},
		{http.MethodGet, "/api/v1/accounts", ""},
		{http.MethodGet, "/api/v1/accounts?customer=acme", ""},
		{http.MethodGet, "/api/v1/accounts/bob", ""},
		{http.MethodPut, "/api/v1/accounts/bob/password", `{"password": "bob-outage-password"}`},
		{http.MethodPost, "/api/v1/accounts/bob/disable", ""},
		{http.MethodPost, "/api/v1/accounts/bob/enable", ""},
		{http.MethodPatch, "/api/v1/accounts/bob", `{"download_limit": 1000, "upload_limit": 2000, "idle_timeout": 60}`},
		{http.MethodDelete, "/api/v1/accounts/bob", ""},
	} {
		answered := t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			logged.Reset()
			req := httptest.NewRequest(rt.method, rt.path, strings.NewReader(rt.body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			served := make(chan struct{})
			go func() {
				defer close(served)
				handlers.ServeHTTP(rec, req)
			}()
			select { // as a client's timeout would: a handler that hangs fails here
			case <-served:
			case <-time.After(10 * time.Second):
				hung = true
				t.Fatal("no answer within 10s")
			}
			a := apiAnswer{rec.Code, rec.Result().Header, rec.Body.String()}
			if msg := jsonError(t, a, http.StatusInternalServerError); msg != "internal error; the server log has the details" {
				t.Errorf("error %q, want the API's plain internal error", msg)
			}
			lower := strings.ToLower(a.body)
			for _, internal := range []string{"sql", "pgx", "postgres", "database", "dial", "connect", "refused",
				"127.0.0.1", "select", "insert", "goroutine", ".go:", "panic", "/tmp"} {
				if strings.Contains(lower, internal) {
					t.Errorf("the answer shows %q:\n%s", internal, a.body)
				}
			}
			if !strings.Contains(logged.String(), "level=ERROR") {
				t.Errorf("the log has no error with the details:\n%s", logged.String())
			}
		})
		if !answered && hung {
			// The handler still runs and writes to what the next route would
			// reuse: stop here, with that route's failure.
			t.FailNow()
		}
	}
	for route, ok := range called {
		if !ok {
			t.Errorf("%s was not called with the store down: add it to this test", route)
		}
	}

	// Back: nothing asked for while it was down was done.
	must(cluster.Start())
	var accounts []store.FTPAccountInfo
	deadline := time.Now().Add(10 * time.Second)
	for accounts, err = db.FTPAccounts(ctx, store.AllAccounts()); err != nil; accounts, err = db.FTPAccounts(ctx, store.AllAccounts()) {
		if time.Now().After(deadline) {
			t.Fatalf("the store after PostgreSQL is back: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(accounts) != 1 || accounts[0].Login != "bob" || accounts[0].Disabled ||
		accounts[0].DownloadLimit != 0 || accounts[0].UploadLimit != 0 || accounts[0].IdleTimeout != 0 {
		t.Errorf("accounts after the outage: %+v, want bob alone as he was", accounts)
	}
	customers, err := db.Customers(ctx)
	if err != nil || !slices.Equal(customers, []string{"acme"}) {
		t.Errorf("customers after the outage: %v, %v; want acme alone", customers, err)
	}
	if _, err := db.AuthenticateFTP(ctx, "bob", "bob-password"); err != nil {
		t.Errorf("bob's password after the outage: %v", err)
	}
	if _, err := db.AuthenticatePanelUser(ctx, "acme", "acme-password"); err != nil {
		t.Errorf("acme's panel password after the outage: %v", err)
	}
}
