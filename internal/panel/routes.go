package panel

import (
	"io/fs"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/web"
)

// routes lists every route of the panel.
func (p *Panel) routes() http.Handler {
	r := chi.NewRouter()
	r.NotFound(p.notFound)
	r.MethodNotAllowed(p.methodNotAllowed)

	static, _ := fs.Sub(web.Static, "static")
	r.Handle("/static/*", http.StripPrefix("/static/", http.FileServerFS(static)))
	r.Get("/healthz", p.healthz)
	r.Get("/login", p.showLogin)
	r.Post("/login", p.submitLogin)

	r.Group(func(r chi.Router) {
		r.Use(p.requireUser)
		r.Get("/", redirectTo("/sessions"))
		r.Post("/logout", p.logout)
		r.Get("/sessions", p.showSessions)
		r.Get("/sessions/{id}/disconnect", p.confirmDisconnect)
		r.Post("/sessions/{id}/disconnect", p.disconnectSession)
	})

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(p.crossOrigin))
	return securityHeaders(csrf.Handler(r))
}

func redirectTo(path string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, path, http.StatusSeeOther)
	}
}
