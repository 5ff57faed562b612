package panel

import (
	"context"
	"errors"
	"net/http"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// signInCookie holds a browser's panel sign-in token. The name predates "sign-in"
// and stays: browsers signed in before send it, and a new name would sign them out.
const signInCookie = "ftppanel_session"

type userKey struct{}

// currentUser is the signed-in panel user; requireUser guarantees one.
func currentUser(r *http.Request) store.User {
	u, _ := r.Context().Value(userKey{}).(store.User)
	return u
}

// scope is whose FTP sessions the user may see and disconnect.
func scope(u store.User) session.Scope {
	if u.IsAdmin() {
		return session.AllSessions()
	}
	return session.CustomerSessions(u.Customer)
}

// requireUser lets signed-in users through and sends everyone else to the login page.
func (p *Panel) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(signInCookie)
		if err != nil || c.Value == "" {
			seeOther(w, r, "/login")
			return
		}
		u, err := p.store.SignedInUser(r.Context(), c.Value)
		if errors.Is(err, store.ErrNotFound) {
			clearCookie(w, r, signInCookie)
			seeOther(w, r, "/login")
			return
		}
		if err != nil {
			p.serverError(w, r, err)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), userKey{}, u))
		if u.Language != "" {
			r = inLanguage(r, u.Language)
		}
		next.ServeHTTP(w, r)
	})
}

// securityHeaders keeps pages out of caches and out of frames but those of the
// configured ancestors, and allows only our own scripts and styles.
func (p *Panel) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"frame-ancestors "+p.frameAncestors+"; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		// Browsers that know frame-ancestors ignore X-Frame-Options, which cannot
		// name origins: it is sent only when no frame may show the panel.
		if p.frameAncestors == "'none'" {
			h.Set("X-Frame-Options", "DENY")
		}
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     cookiePath(r),
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   isHTTPS(r),
		SameSite: http.SameSiteStrictMode,
	})
}

// cookiePath keeps the panel's cookies to its base path, so that other
// applications on the same host never see them.
func cookiePath(r *http.Request) string {
	if base := templates.BasePath(r.Context()); base != "" {
		return base
	}
	return "/"
}

func clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	setCookie(w, r, name, "", -1)
}

// requireAdmin lets only administrators through: bans act on the whole server,
// the nodes are the whole fleet's, and an account's speed limits are the host's
// to set (as a host's bandwidth limits are), not its customer's.
func (p *Panel) requireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !currentUser(r).IsAdmin() {
			p.showError(w, r, http.StatusForbidden, tr(r, "AdministratorsOnly"), tr(r, "AdministratorsOnlyText"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
