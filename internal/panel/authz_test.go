package panel

import (
	"cmp"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// Who may reach what, route by route. TestAuthorizationOfEveryRoute walks the real
// router and fails for a route missing here, so a new route cannot forget its
// authorization.

// access is who may reach a route at all.
type access int

const (
	public    access = iota // anyone, signed in or not
	static                  // files: anyone, any method; only GET must serve them
	signedIn                // any signed-in panel user; nobody else is let in
	adminOnly               // signed-in administrators; customers get 403
	apiPublic               // the API's open document
	apiToken                // any API token; cookies count for nothing
	apiAdmin                // administrators' API tokens; customers' get 403
)

// routeRule is what to send to a route and what each visitor must get back.
type routeRule struct {
	access access
	// owned marks a route that names customer A's session or account ({id},
	// {login}, or the same in the form or query): A and the admin reach it,
	// customer B gets 404 as for something that does not exist.
	owned bool
	// path replaces the pattern when it needs a query or a different {id}.
	path string
	form url.Values
	// json is the body of an API request, instead of a form.
	json string
	// ok is the status of an allowed request: 200 unless set.
	ok int
	// self marks an owned route for A's own things, which not even the admin
	// reaches: the admin gets 404 too.
	self bool
	// otherStatus and otherBody are what B gets for an owned route that answers
	// 200 with nothing done rather than 404.
	otherStatus int
	otherBody   string
	ownerBody   string
}

// Placeholders in paths and forms, filled in from the fixture.
const (
	phSession  = "{id}"       // customer A's session
	phLogin    = "{login}"    // customer A's FTP account
	phPassword = "{password}" // the visitor's own panel password
	phBan      = "{ban}"      // a ban in force
	phToken    = "{token}"    // customer A's API token's ID
)

var routeRules = map[string]routeRule{
	"* /static/*":               {access: static, path: "/static/app.css"},
	"GET /healthz":              {access: public},
	"GET /login":                {access: public},
	"POST /login":               {access: public, form: url.Values{"username": {"acme"}, "password": {"acme-password"}}, ok: http.StatusSeeOther},
	"POST /language":            {access: public, form: url.Values{"lang": {"de"}, "next": {"/sessions"}}, ok: http.StatusSeeOther},
	"GET /":                     {access: signedIn, ok: http.StatusSeeOther},
	"POST /logout":              {access: signedIn, ok: http.StatusSeeOther},
	"GET /sessions":             {access: signedIn},
	"GET /sessions/live":        {access: signedIn},
	"GET /history":              {access: signedIn},
	"GET /audit":                {access: signedIn},
	"GET /password":             {access: signedIn},
	"POST /password":            {access: signedIn, form: url.Values{"current": {phPassword}, "password": {"a-new-password"}, "repeat": {"a-new-password"}}, ok: http.StatusSeeOther},
	"GET /accounts":             {access: signedIn},
	"POST /accounts":            {access: signedIn, form: url.Values{"login": {"newcomer"}, "password": {"newcomer-password"}, "customer": {"acme"}}, ok: http.StatusSeeOther},
	"POST /sessions/disconnect": {access: signedIn, owned: true, form: url.Values{"id": {phSession}, "confirm": {"yes"}}, ok: http.StatusSeeOther},
	"POST /sessions/limit":      {access: signedIn, owned: true, form: url.Values{"id": {phSession}, "rate": {"1M"}}, ok: http.StatusSeeOther},

	"GET /sessions/{id}/disconnect":  {access: signedIn, owned: true},
	"POST /sessions/{id}/disconnect": {access: signedIn, owned: true, ok: http.StatusSeeOther},
	"GET /sessions/{id}/limit":       {access: signedIn, owned: true},
	"POST /sessions/{id}/limit":      {access: signedIn, owned: true, form: url.Values{"rate": {"1M"}}, ok: http.StatusSeeOther},
	"GET /accounts/{login}/password": {access: signedIn, owned: true},
	"POST /accounts/{login}/password": {access: signedIn, owned: true,
		form: url.Values{"password": {"another-password"}, "repeat": {"another-password"}}, ok: http.StatusSeeOther},
	"GET /accounts/{login}/limits":   {access: adminOnly},
	"POST /accounts/{login}/limits":  {access: adminOnly, form: url.Values{"down": {"2M"}, "up": {"512K"}}, ok: http.StatusSeeOther},
	"POST /accounts/{login}/disable": {access: signedIn, owned: true, ok: http.StatusSeeOther},
	"POST /accounts/{login}/enable":  {access: signedIn, owned: true, ok: http.StatusSeeOther},
	"GET /accounts/{login}/delete":   {access: signedIn, owned: true},
	"POST /accounts/{login}/delete":  {access: signedIn, owned: true, ok: http.StatusSeeOther},

	"GET /tokens":              {access: signedIn},
	"POST /tokens":             {access: signedIn, form: url.Values{"label": {"deploy script"}}},
	"POST /tokens/{id}/revoke": {access: signedIn, owned: true, self: true, path: "/tokens/" + phToken + "/revoke", ok: http.StatusSeeOther},

	"GET /sessions/{id}/ban":  {access: adminOnly},
	"POST /sessions/{id}/ban": {access: adminOnly, form: url.Values{"duration": {"1h"}}, ok: http.StatusSeeOther},
	"GET /bans":               {access: adminOnly},
	"POST /bans/{id}/lift":    {access: adminOnly, path: "/bans/" + phBan + "/lift", ok: http.StatusSeeOther},
	"GET /nodes":              {access: adminOnly},
	// Maintenance concerns the whole FTP server of a node: administrators only.
	"GET /maintenance":           {access: adminOnly},
	"POST /maintenance":          {access: adminOnly, form: url.Values{"message": {"back soon"}}, ok: http.StatusSeeOther},
	"POST /maintenance/off":      {access: adminOnly, ok: http.StatusSeeOther},
	"GET /api/v1/maintenance":    {access: apiAdmin},
	"POST /api/v1/maintenance":   {access: apiAdmin, json: `{"on": false}`},
	"DELETE /api/v1/maintenance": {access: apiAdmin},
	"GET /api/v1/tls":            {access: apiAdmin},

	"GET /api/v1/openapi.json":       {access: apiPublic},
	"GET /api/v1/sessions":           {access: apiToken},
	"GET /api/v1/sessions/{id}":      {access: apiToken, owned: true},
	"DELETE /api/v1/sessions/{id}":   {access: apiToken, owned: true, ok: http.StatusNoContent},
	"PATCH /api/v1/sessions/{id}":    {access: apiToken, owned: true, json: `{"rate_limit": 1048576}`},
	"PATCH /api/v1/accounts/{login}": {access: apiAdmin, json: `{"download_limit": 1048576, "idle_timeout": 86400}`},
	"DELETE /api/v1/sessions": {access: apiToken, owned: true, path: "/api/v1/sessions?login=" + phLogin,
		ownerBody: `{"disconnected":1}`, otherStatus: http.StatusOK, otherBody: `{"disconnected":0}`},

	// Single sign-on: the link's token is the credential, so an unknown one is
	// refused for anyone; only an administrator's token makes links.
	"GET /login-link/{token}":  {access: public, ok: http.StatusNotFound},
	"POST /api/v1/login-links": {access: apiAdmin, json: `{"customer": "acme"}`, ok: http.StatusCreated},
	"GET /api/v1/nodes":        {access: apiAdmin},

	// Provisioning: customers are administrators' business; a customer's token
	// manages its own FTP accounts and finds nobody else's.
	"POST /api/v1/customers":                {access: apiAdmin, json: `{"name": "newco", "password": "newco-password"}`, ok: http.StatusCreated},
	"GET /api/v1/customers":                 {access: apiAdmin},
	"GET /api/v1/customers/{name}":          {access: apiAdmin, path: "/api/v1/customers/acme"},
	"PUT /api/v1/customers/{name}/password": {access: apiAdmin, path: "/api/v1/customers/acme/password", json: `{"password": "another-password"}`},
	"DELETE /api/v1/customers/{name}":       {access: apiAdmin, path: "/api/v1/customers/acme?cascade=true"},
	"POST /api/v1/accounts": {access: apiToken, owned: true,
		json: `{"login": "newcomer", "customer": "acme", "password": "newcomer-password"}`, ok: http.StatusCreated},
	"GET /api/v1/accounts":                  {access: apiToken},
	"GET /api/v1/accounts/{login}":          {access: apiToken, owned: true},
	"PUT /api/v1/accounts/{login}/password": {access: apiToken, owned: true, json: `{"password": "another-password"}`},
	"POST /api/v1/accounts/{login}/disable": {access: apiToken, owned: true},
	"POST /api/v1/accounts/{login}/enable":  {access: apiToken, owned: true},
	"DELETE /api/v1/accounts/{login}":       {access: apiToken, owned: true},
}

// authzFixture is the panel with an admin (root), customer A (acme, FTP account
// bob, logged in now) and customer B (globex, FTP account gina, logged in now).
type authzFixture struct {
	handler  http.Handler
	db       *store.DB
	registry *session.Registry
	bob      *session.Session
	gina     *session.Session
	ban      int64
	token    int64
	visitors map[string]visitor
}

// visitor is one of the people a route is tried as.
type visitor struct {
	name     string
	password string
	cookie   string
	token    string
}

// authzTemplate is the fixture's database, made once and copied for each
// visitor: opening a new one runs every migration.
type authzTemplate struct {
	path     string
	visitors map[string]visitor
	ban      int64
	token    int64 // acme's
}

func newAuthzTemplate(t *testing.T) authzTemplate {
	t.Helper()
	ctx := t.Context()
	tmpl := authzTemplate{path: filepath.Join(t.TempDir(), "ftppanel.db"), visitors: map[string]visitor{"anonymous": {}}}
	db, err := store.Open(ctx, tmpl.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.PasswordCost = bcrypt.MinCost
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.AddAdmin(ctx, "root", "root-password"))
	must(db.AddCustomer(ctx, "acme", "acme-password"))
	must(db.AddCustomer(ctx, "globex", "globex-password"))
	must(db.AddFTPAccount(ctx, "bob", "acme", "bob-password"))
	must(db.AddFTPAccount(ctx, "gina", "globex", "gina-password"))
	for _, name := range []string{"root", "acme", "globex"} {
		u, err := db.AuthenticatePanelUser(ctx, name, name+"-password")
		must(err)
		v := visitor{name: name, password: name + "-password"}
		v.cookie, err = db.CreateSignIn(ctx, u.ID)
		must(err)
		var rec store.APIToken
		v.token, rec, err = db.CreateAPIToken(ctx, name, "")
		must(err)
		tmpl.visitors[name] = v
		if name == "acme" {
			tmpl.token = rec.ID
		}
	}
	ban, err := db.AddBan(ctx, store.Ban{IP: "203.0.113.9", CreatedBy: "root", Until: store.Forever})
	must(err)
	tmpl.ban = ban.ID
	return tmpl
}

// newAuthzFixture is a panel over a fresh copy of the template's database, with
// bob and gina logged in on node a; configure changes its Config.
func newAuthzFixture(t *testing.T, tmpl authzTemplate, configure ...func(*Config)) *authzFixture {
	t.Helper()
	data, err := os.ReadFile(tmpl.path)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ftppanel.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.PasswordCost = bcrypt.MinCost
	f := &authzFixture{db: db, registry: session.NewRegistry(), ban: tmpl.ban, token: tmpl.token, visitors: tmpl.visitors}
	f.registry.Node = "a"
	now := time.Now()
	f.bob = f.addSession("192.0.2.1", "bob", "acme", now)
	f.gina = f.addSession("192.0.2.2", "gina", "globex", now)
	cfg := Config{Store: db, Registry: f.registry, Logger: slog.New(slog.DiscardHandler),
		LoginLimits: LoginLimits{FailureDelay: -1}}
	for _, c := range configure {
		c(&cfg)
	}
	f.handler = New(cfg)
	return f
}

func (f *authzFixture) addSession(ip, login, customer string, at time.Time) *session.Session {
	var s *session.Session
	s = session.New(ip, 40000, at, func() { go f.registry.Remove(s) })
	f.registry.Add(s)
	s.LoggedIn(login, customer, "", false, at)
	return s
}

// fill puts the fixture's values in for the placeholders.
func (f *authzFixture) fill(s string, v visitor) string {
	return strings.NewReplacer(phSession, f.bob.ID(), phLogin, "bob", phPassword, v.password,
		phBan, strconv.FormatInt(f.ban, 10), phToken, strconv.FormatInt(f.token, 10)).Replace(s)
}

type authzAnswer struct {
	status   int
	location string
	body     string
}

// send makes the request as v would: a browser with its cookie for the panel, a
// script with its token for the API.
func (f *authzFixture) send(t *testing.T, method, path string, form url.Values, v visitor, useToken bool) authzAnswer {
	t.Helper()
	return f.sendRule(t, method, path, routeRule{form: form}, v, useToken)
}

// sendRule is send with the rule's body: its form, or its JSON.
func (f *authzFixture) sendRule(t *testing.T, method, path string, rule routeRule, v visitor, useToken bool) authzAnswer {
	t.Helper()
	form := rule.form
	var body io.Reader
	if form != nil {
		filled := url.Values{}
		for k, vals := range form {
			for _, val := range vals {
				filled.Add(k, f.fill(val, v))
			}
		}
		body = strings.NewReader(filled.Encode())
	}
	if rule.json != "" {
		body = strings.NewReader(rule.json)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, method, f.fill(path, v), body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if rule.json != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if useToken && v.token != "" {
		req.Header.Set("Authorization", "Bearer "+v.token)
	}
	if !useToken && v.cookie != "" {
		req.AddCookie(&http.Cookie{Name: signInCookie, Value: v.cookie})
	}
	rec := &streamRecorder{ResponseRecorder: httptest.NewRecorder(), stop: cancel}
	f.handler.ServeHTTP(rec, req)
	return authzAnswer{rec.Code, rec.Header().Get("Location"), rec.Body.String()}
}

// streamRecorder records a response and ends a live stream after its first event.
type streamRecorder struct {
	*httptest.ResponseRecorder
	stop context.CancelFunc
}

func (r *streamRecorder) Flush() {
	r.ResponseRecorder.Flush()
	r.stop()
}

func (r *streamRecorder) SetReadDeadline(time.Time) error { return nil }

// untouched fails when customer A's session or account was changed by a request
// that should have been refused.
func (f *authzFixture) untouched(t *testing.T, who string) {
	t.Helper()
	if _, err := f.registry.Get(f.bob.ID(), session.AllSessions()); err != nil {
		t.Errorf("%s's refused request ended bob's session", who)
	}
	a, err := f.db.FTPAccountIn(t.Context(), store.AllAccounts(), "bob")
	if err != nil || a.Disabled || a.DownloadLimit != 0 || a.UploadLimit != 0 || a.IdleTimeout != 0 {
		t.Errorf("%s's refused request changed bob's account: %+v, %v", who, a, err)
	}
	if _, err := f.db.AuthenticateFTP(t.Context(), "bob", "bob-password"); err != nil && !errors.Is(err, store.ErrBadCredentials) {
		t.Fatal(err)
	} else if err != nil {
		t.Errorf("%s's refused request changed bob's password", who)
	}
	if u, err := f.db.APITokenUser(t.Context(), f.visitors["acme"].token); err != nil || u.Name != "acme" {
		t.Errorf("%s's refused request revoked acme's API token: %v", who, err)
	}
	if _, err := f.db.FTPAccountIn(t.Context(), store.AllAccounts(), "newcomer"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("%s's refused request added an FTP account: %v", who, err)
	}
	if c, err := f.db.CustomerList(t.Context()); err != nil || len(c) != 2 {
		t.Errorf("%s's refused request changed the customers: %+v, %v", who, c, err)
	}
	if _, err := f.db.AuthenticatePanelUser(t.Context(), "acme", "acme-password"); err != nil {
		t.Errorf("%s's refused request changed acme's panel password: %v", who, err)
	}
	if bans, _ := f.db.Bans(t.Context()); len(bans) != 1 {
		t.Errorf("%s's refused request changed the bans: %d in force", who, len(bans))
	}
}

// secretsOf are what only customer B (globex) and the admin may see.
var secretsOfB = []string{"globex", "gina"}

func TestAuthorizationOfEveryRoute(t *testing.T) {
	tmpl := newAuthzTemplate(t)
	var routes []string
	p := &Panel{}
	err := chi.Walk(p.router(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) < 30 {
		t.Fatalf("walked only %d routes: %q", len(routes), routes)
	}
	seen := map[string]bool{}
	for _, route := range routes {
		method, pattern, _ := strings.Cut(route, " ")
		key := route
		rule, ok := routeRules[key]
		if !ok {
			key = "* " + pattern
			rule, ok = routeRules[key]
		}
		if !ok {
			t.Errorf("route %s has no expectation in routeRules: decide who may reach it, then add it", route)
			continue
		}
		seen[key] = true
		t.Run(route, func(t *testing.T) { checkRoute(t, tmpl, method, pattern, rule) })
	}
	for key := range routeRules {
		if !seen[key] {
			t.Errorf("routeRules expects %s, which is not routed", key)
		}
	}
}

func checkRoute(t *testing.T, tmpl authzTemplate, method, pattern string, rule routeRule) {
	path := cmp.Or(rule.path, pattern)
	ok := cmp.Or(rule.ok, http.StatusOK)
	api := rule.access == apiPublic || rule.access == apiToken || rule.access == apiAdmin

	// Each visitor gets a fresh panel: what one does cannot change what the next sees.
	try := func(t *testing.T, who string, useToken bool) (authzAnswer, *authzFixture) {
		t.Helper()
		f := newAuthzFixture(t, tmpl)
		return f.sendRule(t, method, path, rule, f.visitors[who], useToken), f
	}

	t.Run("anonymous", func(t *testing.T) {
		a, f := try(t, "anonymous", api)
		switch rule.access {
		case static:
			if method == http.MethodGet && a.status != http.StatusOK {
				t.Errorf("status %d, want 200", a.status)
			}
			if a.status >= 500 {
				t.Errorf("status %d", a.status)
			}
			return
		case public, apiPublic:
			if a.status != ok {
				t.Errorf("status %d, want %d\n%s", a.status, ok, a.body)
			}
			return
		case signedIn, adminOnly:
			if a.status != http.StatusSeeOther || a.location != "/login" {
				t.Errorf("status %d to %q, want 303 to /login", a.status, a.location)
			}
		case apiToken, apiAdmin:
			if a.status != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", a.status)
			}
		}
		f.untouched(t, "an anonymous visitor")
	})
	if rule.access == static || rule.access == public || rule.access == apiPublic {
		return
	}

	// The other kind of credential counts for nothing: a cookie on the API, a
	// token on the panel.
	t.Run("wrong credential", func(t *testing.T) {
		a, f := try(t, "root", !api)
		if api && a.status != http.StatusUnauthorized {
			t.Errorf("the admin's cookie on the API: status %d, want 401", a.status)
		}
		if !api && (a.status != http.StatusSeeOther || a.location != "/login") {
			t.Errorf("the admin's API token on the panel: status %d to %q, want 303 to /login", a.status, a.location)
		}
		f.untouched(t, "a visitor with the wrong kind of credential")
	})

	for _, who := range []string{"acme", "globex", "root"} {
		t.Run(who, func(t *testing.T) {
			a, f := try(t, who, api)
			want, body := ok, ""
			switch {
			case (rule.access == adminOnly || rule.access == apiAdmin) && who != "root":
				want = http.StatusForbidden
			case rule.owned && (who == "globex" || rule.self && who == "root"):
				want, body = cmp.Or(rule.otherStatus, http.StatusNotFound), rule.otherBody
			case rule.owned:
				body = rule.ownerBody
			}
			if a.status != want {
				t.Fatalf("status %d (to %q), want %d\n%s", a.status, a.location, want, a.body)
			}
			if body != "" && !strings.Contains(a.body, body) {
				t.Errorf("body %q does not say %s", a.body, body)
			}
			if a.status == http.StatusSeeOther && a.location == "/login" && pattern != "/logout" {
				t.Errorf("a signed-in %s is sent to sign in", who)
			}
			if want != ok {
				f.untouched(t, who)
			}
			if who == "acme" {
				for _, secret := range secretsOfB {
					if strings.Contains(a.body, secret) {
						t.Errorf("customer acme is shown %q, which is globex's:\n%s", secret, a.body)
					}
				}
			}
		})
	}
}

// TestAuthorizationSecretsAreChecked makes sure the leak check above can fail:
// the admin is shown globex's data.
func TestAuthorizationSecretsAreChecked(t *testing.T) {
	f := newAuthzFixture(t, newAuthzTemplate(t))
	for _, path := range []string{"/accounts", "/sessions"} {
		a := f.send(t, http.MethodGet, path, nil, f.visitors["root"], false)
		for _, secret := range secretsOfB {
			if !strings.Contains(a.body, secret) {
				t.Errorf("the admin's %s does not show %q, so its absence proves nothing", path, secret)
			}
		}
	}
}
