package panel

import (
	"errors"
	"github.com/ftppanel/ftppanel/internal/i18n"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// redeemLoginLink signs in the customer a one-time link was made for: how a
// host's control panel sends a customer here, as WHM opens cPanel. A link works
// once, within a minute; after that it is refused with a page that says why.
// A link may carry lang= (such as "de" or "pt-BR"): the language of the host's
// panel, which the customer then keeps here too.
func (p *Panel) redeemLoginLink(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		// Link checkers and mail scanners ask with HEAD: the link is for the
		// browser that follows it, so HEAD neither uses it up nor signs in.
		w.WriteHeader(http.StatusOK)
		return
	}
	u, err := p.store.RedeemLoginLink(r.Context(), chi.URLParam(r, "token"))
	switch {
	case errors.Is(err, store.ErrLinkUsed):
		p.showError(w, r, http.StatusGone, tr(r, "LinkUsed"), tr(r, "LinkUsedText"))
		return
	case errors.Is(err, store.ErrLinkExpired):
		p.showError(w, r, http.StatusGone, tr(r, "LinkExpired"), tr(r, "LinkExpiredText"))
		return
	case errors.Is(err, store.ErrNotFound):
		p.showError(w, r, http.StatusNotFound, tr(r, "LinkNotValid"), tr(r, "LinkNotValidText"))
		return
	case err != nil:
		p.serverError(w, r, err)
		return
	}
	// Whoever this browser was signed in as before is signed out.
	if c, err := r.Cookie(signInCookie); err == nil {
		if err := p.store.EndSignIn(r.Context(), c.Value); err != nil {
			p.serverError(w, r, err)
			return
		}
	}
	token, err := p.store.CreateSignIn(r.Context(), u.ID)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	p.log.Info("panel sign-in with a one-time link", slog.String("username", u.Name), slog.String("remote", r.RemoteAddr))
	setCookie(w, r, signInCookie, token, 0)
	if tag, ok := i18n.Supported(r.URL.Query().Get("lang")); ok && tag != u.Language {
		if err := p.store.SetUserLanguage(r.Context(), u.ID, tag); err != nil {
			p.serverError(w, r, err)
			return
		}
		u.Language = tag
	}
	if u.Language != "" {
		r = inLanguage(r, u.Language)
		setLanguageCookie(w, r, u.Language)
	}
	p.render(w, r, http.StatusOK, templates.LoginLinkView(templates.LoginLinkPage{User: u.Name}))
}
