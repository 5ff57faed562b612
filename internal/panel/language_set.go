package panel

import (
	"errors"
	"github.com/ftppanel/ftppanel/templates"
	"net/http"
	"net/url"
	"strings"

	"github.com/ftppanel/ftppanel/internal/i18n"
	"github.com/ftppanel/ftppanel/internal/store"
)

// setLanguage switches the panel's language from the form on every page: for
// this browser (a cookie, so that the sign-in page follows) and, when someone
// is signed in, for that user wherever they sign in next. It goes back to the
// page the form was on.
func (p *Panel) setLanguage(w http.ResponseWriter, r *http.Request) {
	tag, ok := i18n.Supported(r.PostFormValue("lang"))
	if !ok {
		p.showError(w, r, http.StatusBadRequest, tr(r, "RequestRefused"), tr(r, "UnknownLanguage"))
		return
	}
	signedIn := false
	if c, err := r.Cookie(signInCookie); err == nil && c.Value != "" {
		u, err := p.store.SignedInUser(r.Context(), c.Value)
		switch {
		case err == nil:
			if err := p.store.SetUserLanguage(r.Context(), u.ID, tag); err != nil {
				p.serverError(w, r, err)
				return
			}
			signedIn = true
		case !errors.Is(err, store.ErrNotFound):
			p.serverError(w, r, err)
			return
		}
	}
	setLanguageCookie(w, r, tag)
	next := r.PostFormValue("next")
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && ref.Path != "" {
		// The same page with its filters: the browser names it, on this site.
		if path, ok := strings.CutPrefix(ref.Path, templates.BasePath(r.Context())); ok && path == next {
			next = (&url.URL{Path: path, RawQuery: ref.RawQuery}).RequestURI()
		}
	}
	if !localPath(next) {
		next = "/sessions"
		if !signedIn {
			next = "/login"
		}
	}
	seeOther(w, r, next)
}

// localPath reports whether next is a path of the panel itself, never another
// site ("//evil.example", "/\evil.example").
func localPath(next string) bool {
	return strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.ContainsAny(next, "\\\r\n")
}
