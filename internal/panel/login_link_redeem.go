package panel

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// redeemLoginLink signs in the customer a one-time link was made for: how a
// host's control panel sends a customer here, as WHM opens cPanel. A link works
// once, within a minute; after that it is refused with a page that says why.
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
		p.showError(w, r, http.StatusGone, "Sign-in link already used",
			"This sign-in link has already been used: each link signs in once. "+
				"Open FTP Sessions from your hosting control panel again, or sign in with your password.")
		return
	case errors.Is(err, store.ErrLinkExpired):
		p.showError(w, r, http.StatusGone, "Sign-in link expired",
			"This sign-in link has expired: a link works for one minute after it is made. "+
				"Open FTP Sessions from your hosting control panel again, or sign in with your password.")
		return
	case errors.Is(err, store.ErrNotFound):
		p.showError(w, r, http.StatusNotFound, "Sign-in link not valid",
			"This sign-in link is not valid. Open FTP Sessions from your hosting control panel again, or sign in with your password.")
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
	p.render(w, r, http.StatusOK, templates.LoginLinkView(templates.LoginLinkPage{User: u.Name}))
}
