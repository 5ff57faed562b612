package panel

import (
	"io/fs"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/ftppanel/ftppanel/web"
)

// routes is the panel's handler: every route, behind cross-origin protection,
// under the base path, with the client's address and scheme from a trusted proxy.
func (p *Panel) routes() http.Handler {
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(p.refuseCrossOrigin))
	return p.behindProxy(p.securityHeaders(p.withLanguage(p.underBasePath(csrf.Handler(p.router())))))
}

// router lists every route of the panel.
func (p *Panel) router() *chi.Mux {
	r := chi.NewRouter()
	r.Use(middleware.GetHead) // uptime checks ask with HEAD wherever GET works
	r.NotFound(p.notFound)
	r.MethodNotAllowed(p.methodNotAllowed)

	static, _ := fs.Sub(web.Static, "static")
	r.Handle("/static/*", http.StripPrefix("/static/", http.FileServerFS(static)))
	r.Get("/healthz", p.healthz)
	r.Get("/login", p.showLogin)
	r.Post("/login", p.submitLogin)
	r.Get("/login-link/{token}", p.redeemLoginLink)
	r.Post("/language", p.setLanguage)

	r.Group(func(r chi.Router) {
		r.Use(p.requireUser, p.withFleet, p.withMaintenance, p.withCertificateWarning)
		r.Get("/", redirectTo("/sessions"))
		r.Post("/logout", p.logout)
		r.Get("/sessions", p.showSessions)
		r.Get("/sessions/live", p.streamSessions)
		r.Get("/sessions/{id}/disconnect", p.confirmDisconnect)
		r.Post("/sessions/{id}/disconnect", p.disconnectSession)
		r.Get("/sessions/{id}/limit", p.showLimit)
		r.Post("/sessions/{id}/limit", p.limitSession)
		r.Post("/sessions/disconnect", p.disconnectSessions)
		r.Post("/sessions/limit", p.limitSessions)
		r.Get("/history", p.showHistory)
		r.Get("/audit", p.showAudit)
		r.Get("/accounts", p.showAccounts)
		r.Post("/accounts", p.createAccount)
		r.Get("/accounts/{login}/password", p.showAccountPassword)
		r.Post("/accounts/{login}/password", p.changeAccountPassword)
		r.Post("/accounts/{login}/disable", p.disableAccount)
		r.Post("/accounts/{login}/enable", p.enableAccount)
		r.Get("/accounts/{login}/delete", p.confirmDeleteAccount)
		r.Post("/accounts/{login}/delete", p.deleteAccount)
		r.Get("/password", p.showPassword)
		r.Post("/password", p.changePassword)
		r.Get("/tokens", p.showTokens)
		r.Post("/tokens", p.createToken)
		r.Post("/tokens/{id}/revoke", p.revokeToken)
		r.Group(func(r chi.Router) {
			r.Use(p.requireAdmin)
			r.Get("/sessions/{id}/ban", p.confirmBan)
			r.Post("/sessions/{id}/ban", p.banSession)
			r.Get("/bans", p.showBans)
			r.Post("/bans/{id}/lift", p.liftBan)
			r.Get("/nodes", p.showNodes)
			r.Get("/accounts/{login}/limits", p.showAccountLimits)
			r.Post("/accounts/{login}/limits", p.setAccountLimits)
			r.Get("/maintenance", p.showMaintenance)
			r.Post("/maintenance", p.startMaintenanceForm)
			r.Post("/maintenance/off", p.stopMaintenanceForm)
		})
	})

	// The JSON API: bearer tokens instead of cookies, and JSON errors, also for
	// unknown paths and wrong methods.
	r.Route("/api", func(r chi.Router) {
		r.NotFound(p.apiNotFound)
		r.MethodNotAllowed(p.apiMethodNotAllowed)
		r.Get("/v1/openapi.json", p.showOpenAPI)
		r.Group(func(r chi.Router) {
			r.Use(p.requireToken)
			r.Get("/v1/sessions", p.apiListSessions)
			r.Delete("/v1/sessions", p.apiDisconnectMatching)
			r.Get("/v1/sessions/{id}", p.apiGetSession)
			r.Delete("/v1/sessions/{id}", p.apiDisconnectSession)
			r.Patch("/v1/sessions/{id}", p.apiPatchSession)
			r.Patch("/v1/accounts/{login}", p.apiPatchAccount)
			r.Post("/v1/login-links", p.apiCreateLoginLink)
			r.Get("/v1/nodes", p.apiListNodes)
			r.Get("/v1/maintenance", p.apiGetMaintenance)
			r.Post("/v1/maintenance", p.apiSetMaintenance)
			r.Delete("/v1/maintenance", p.apiStopMaintenance)
			// Provisioning, for a host's control panel: customers (administrators'
			// tokens only) and FTP accounts (within the token's scope).
			r.Post("/v1/customers", p.apiCreateCustomer)
			r.Get("/v1/customers", p.apiListCustomers)
			r.Get("/v1/customers/{name}", p.apiGetCustomer)
			r.Put("/v1/customers/{name}/password", p.apiSetCustomerPassword)
			r.Delete("/v1/customers/{name}", p.apiDeleteCustomer)
			r.Post("/v1/accounts", p.apiCreateAccount)
			r.Get("/v1/accounts", p.apiListAccounts)
			r.Get("/v1/accounts/{login}", p.apiGetAccount)
			r.Put("/v1/accounts/{login}/password", p.apiSetAccountPassword)
			r.Post("/v1/accounts/{login}/disable", p.apiDisableAccount)
			r.Post("/v1/accounts/{login}/enable", p.apiEnableAccount)
			r.Delete("/v1/accounts/{login}", p.apiDeleteAccount)
			r.Get("/v1/tls", p.apiGetTLS)
		})
	})
	return r
}

func redirectTo(path string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		seeOther(w, r, path)
	}
}
