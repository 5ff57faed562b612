package panel

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// TestOpenAPIDocumentsEveryRoute walks the real routes: every API route and method
// is in the OpenAPI document, and everything the document names is routed.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	var doc struct {
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/v1" {
		t.Fatalf("servers = %+v, want the one base /api/v1", doc.Servers)
	}
	var documented []string
	for path, item := range doc.Paths {
		for key := range item {
			if key == "parameters" || key == "summary" || key == "description" {
				continue
			}
			documented = append(documented, strings.ToUpper(key)+" "+doc.Servers[0].URL+path)
		}
	}

	var routed []string
	p := &Panel{}
	err := chi.Walk(p.router(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasPrefix(route, apiPrefix) {
			routed = append(routed, method+" "+route)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(documented)
	slices.Sort(routed)
	if len(routed) < 5 {
		t.Fatalf("walked only %q: the walk misses the API's routes", routed)
	}
	for _, r := range routed {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(routed, d) {
			t.Errorf("openapi.json documents %s, which is not routed", d)
		}
	}
}

// apiFixture is the panel over a real database and a registry with hand-made
// sessions, for what the end-to-end tests cannot pin down: exact JSON values.
type apiFixture struct {
	handler  http.Handler
	registry *session.Registry
	db       *store.DB
	admin    string // tokens
	acme     string
	now      time.Time
}

func newAPIFixture(t *testing.T) *apiFixture {
	t.Helper()
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "ftppanel.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.PasswordCost = bcrypt.MinCost
	if err := db.AddAdmin(t.Context(), "root", "root-password"); err != nil {
		t.Fatal(err)
	}
	if err := db.AddCustomer(t.Context(), "acme", "acme-password"); err != nil {
		t.Fatal(err)
	}
	f := &apiFixture{registry: session.NewRegistry(), now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	f.registry.Now = func() time.Time { return f.now }
	f.db = db
	for _, u := range []struct {
		name  string
		token *string
	}{{"root", &f.admin}, {"acme", &f.acme}} {
		if *u.token, _, err = db.CreateAPIToken(t.Context(), u.name, ""); err != nil {
			t.Fatal(err)
		}
	}
	f.handler = New(Config{Store: db, Registry: f.registry, Logger: slog.New(slog.DiscardHandler)})
	return f
}

// add registers a session whose close func ends it, as the FTP side would.
func (f *apiFixture) add(ip string, port int, connectedAt time.Time) *session.Session {
	var s *session.Session
	s = session.New(ip, port, connectedAt, func() { go f.registry.Remove(s) })
	f.registry.Add(s)
	return s
}

type apiAnswer struct {
	status int
	header http.Header
	body   string
}

// call sends a request as a script would: no Origin, no cookies.
func (f *apiFixture) call(t *testing.T, method, path, token string, headers ...string) apiAnswer {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return apiAnswer{rec.Code, rec.Result().Header, string(body)}
}

// jsonError checks that an answer is a JSON error and returns its message.
func jsonError(t *testing.T, a apiAnswer, status int) string {
	t.Helper()
	if a.status != status {
		t.Errorf("status %d, want %d; body %s", a.status, status, a.body)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json; body %s", ct, a.body)
	}
	var e map[string]string
	if err := json.Unmarshal([]byte(a.body), &e); err != nil || len(e) != 1 || e["error"] == "" {
		t.Errorf("body %q is not {\"error\": \"...\"}", a.body)
	}
	return e["error"]
}

func TestAPISessionJSON(t *testing.T) {
	f := newAPIFixture(t)
	f.registry.Node = "ftp-a"
	connected := f.now.Add(-90 * time.Second)
	bob := f.add("192.0.2.7", 40123, connected)
	bob.LoggedIn("bob", "acme", "FileZilla", true, connected.Add(time.Second))
	bob.StartTransfer(session.StateDownloading, "/site.tar", 5000, f.now.Add(-10*time.Second))
	bob.AddDown(1200, f.now.Add(-4*time.Second))
	anon := f.add("198.51.100.1", 5000, connected.Add(time.Second))

	a := f.call(t, http.MethodGet, "/api/v1/sessions/"+bob.ID(), f.admin)
	if a.status != http.StatusOK || a.header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET bob: status %d, Content-Type %q\n%s", a.status, a.header.Get("Content-Type"), a.body)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(a.body), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"id": bob.ID(), "login": "bob", "customer": "acme", "remote_ip": "192.0.2.7", "remote_port": 40123.0,
		"client": "FileZilla", "tls": true, "connected_at": "2026-03-01T11:58:30Z",
		"logged_in_at": "2026-03-01T11:58:31Z", "last_activity": "2026-03-01T11:59:56Z", "idle_seconds": 4.0,
		"state": "downloading", "file": "/site.tar", "size": 5000.0, "transfer_bytes": 1200.0, "rate": 0.0,
		"bytes_up": 0.0, "bytes_down": 1200.0, "node": "ftp-a", "rate_limit": 0.0,
		"account_download_limit": 0.0, "account_upload_limit": 0.0,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected field %s", k)
		}
	}

	a = f.call(t, http.MethodGet, "/api/v1/sessions/"+anon.ID(), f.admin)
	got = nil
	json.Unmarshal([]byte(a.body), &got)
	for _, k := range []string{"logged_in_at", "size"} {
		if v, ok := got[k]; !ok || v != nil {
			t.Errorf("before login, %s = %#v (present %v), want null", k, v, ok)
		}
	}
	if got["state"] != "not logged in" || got["login"] != "" {
		t.Errorf("before login: state %#v, login %#v", got["state"], got["login"])
	}

	// The list holds the same objects, oldest connection first; an empty one is [].
	var list struct{ Sessions []map[string]any }
	json.Unmarshal([]byte(f.call(t, http.MethodGet, "/api/v1/sessions", f.admin).body), &list)
	if len(list.Sessions) != 2 || list.Sessions[0]["id"] != bob.ID() || list.Sessions[1]["id"] != anon.ID() {
		t.Errorf("list = %v", list.Sessions)
	}
	if a := f.call(t, http.MethodGet, "/api/v1/sessions?login=nobody", f.admin); a.status != http.StatusOK ||
		strings.TrimSpace(a.body) != `{"sessions":[]}` {
		t.Errorf("empty list: %d %s", a.status, a.body)
	}
}

func TestAPIErrorsAreJSON(t *testing.T) {
	f := newAPIFixture(t)
	s := f.add("192.0.2.7", 40123, f.now)
	s.LoggedIn("bob", "acme", "", false, f.now)

	t.Run("unauthorized", func(t *testing.T) {
		for _, auth := range []string{"", "Bearer", "Bearer ", "Basic cm9vdDpyb290LXBhc3N3b3Jk", "Bearer ftpp_NOTATOKEN", f.admin} {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/sessions", nil)
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			rec := httptest.NewRecorder()
			f.handler.ServeHTTP(rec, req)
			a := apiAnswer{rec.Code, rec.Result().Header, rec.Body.String()}
			jsonError(t, a, http.StatusUnauthorized)
			if !strings.HasPrefix(a.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("Authorization %q: WWW-Authenticate = %q", auth, a.header.Get("WWW-Authenticate"))
			}
			if strings.Contains(a.body, "bob") {
				t.Errorf("Authorization %q: the answer shows a session", auth)
			}
		}
	})
	t.Run("scheme is case-insensitive", func(t *testing.T) {
		if a := f.call(t, http.MethodGet, "/api/v1/sessions", "", "Authorization", "bearer "+f.admin); a.status != http.StatusOK {
			t.Errorf("lower-case bearer: %d %s", a.status, a.body)
		}
	})
	t.Run("bad filters", func(t *testing.T) {
		for _, q := range []string{"state=sleeping", "state=IDLE", "user=bob", "login=bob&login=carol", "login=%zz"} {
			msg := jsonError(t, f.call(t, http.MethodGet, "/api/v1/sessions?"+q, f.admin), http.StatusBadRequest)
			if q == "state=sleeping" && !strings.Contains(msg, `"sleeping"`) {
				t.Errorf("bad state message %q does not name the value", msg)
			}
		}
		jsonError(t, f.call(t, http.MethodDelete, "/api/v1/sessions", f.admin), http.StatusBadRequest)
		jsonError(t, f.call(t, http.MethodDelete, "/api/v1/sessions?login=", f.admin), http.StatusBadRequest)
		jsonError(t, f.call(t, http.MethodDelete, "/api/v1/sessions?login=bob&ip=192.0.2.7", f.admin), http.StatusBadRequest)
	})
	t.Run("not found", func(t *testing.T) {
		for _, path := range []string{"/api/v1/sessions/" + session.NewID(), "/api/v1/sessions/not-an-id", "/api/v1/nothing", "/api/v2/sessions", "/api"} {
			jsonError(t, f.call(t, http.MethodGet, path, f.admin), http.StatusNotFound)
		}
		jsonError(t, f.call(t, http.MethodDelete, "/api/v1/sessions/"+session.NewID(), f.admin), http.StatusNotFound)
	})
	t.Run("wrong method", func(t *testing.T) {
		for _, tc := range []struct{ method, path, allow string }{
			{http.MethodPost, "/api/v1/sessions", "GET, HEAD, DELETE"},
			{http.MethodPut, "/api/v1/sessions/" + s.ID(), "GET, HEAD, PATCH, DELETE"},
			{http.MethodDelete, "/api/v1/openapi.json", "GET, HEAD"},
		} {
			a := f.call(t, tc.method, tc.path, f.admin)
			jsonError(t, a, http.StatusMethodNotAllowed)
			if got := strings.Join(a.header.Values("Allow"), ", "); got != tc.allow {
				t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.path, got, tc.allow)
			}
		}
	})
	t.Run("cross-origin browser request", func(t *testing.T) {
		a := f.call(t, http.MethodDelete, "/api/v1/sessions/"+s.ID(), f.admin, "Sec-Fetch-Site", "cross-site")
		jsonError(t, a, http.StatusForbidden)
		if _, err := f.registry.Get(s.ID(), session.AllSessions()); err != nil {
			t.Error("a refused cross-origin DELETE disconnected the session")
		}
	})
	// The panel's own pages still answer with pages.
	if a := f.call(t, http.MethodGet, "/no/such/page", ""); a.status != http.StatusNotFound || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
		t.Errorf("panel 404: %d %q", a.status, a.header.Get("Content-Type"))
	}
}

func TestAPIOpenAPIDocumentIsServed(t *testing.T) {
	f := newAPIFixture(t)
	a := f.call(t, http.MethodGet, "/api/v1/openapi.json", "") // no token needed
	if a.status != http.StatusOK || a.header.Get("Content-Type") != "application/json" || a.body != string(openAPIDocument) {
		t.Fatalf("status %d, Content-Type %q, %d bytes", a.status, a.header.Get("Content-Type"), len(a.body))
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(a.body), &doc); err != nil || !strings.HasPrefix(doc["openapi"].(string), "3.") {
		t.Errorf("not an OpenAPI 3 document: %v", err)
	}
}
