package panel

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// submitLogin signs a panel user in. A wrong password and an unknown user get the
// same answer, held back a moment; too many of them lock the address or the
// username for a while (loginthrottle.go).
func (p *Panel) submitLogin(w http.ResponseWriter, r *http.Request) {
	username, password := r.PostFormValue("username"), r.PostFormValue("password")
	address := throttleAddress(r)
	attempt, wait := p.logins.begin(address, username)
	if attempt == nil {
		p.log.Warn("panel login refused: too many failures", slog.String("username", username), slog.String("remote", r.RemoteAddr))
		p.render(w, r, http.StatusTooManyRequests, templates.LoginView(templates.LoginPage{
			Page:     page(r, tr(r, "SignIn")),
			Username: username,
			Error:    tooManyAttempts(w, r, wait),
		}))
		return
	}
	u, err := p.store.AuthenticatePanelUser(r.Context(), username, password)
	if errors.Is(err, store.ErrBadCredentials) {
		attempt.failed()
		p.log.Info("panel login failed", slog.String("username", username), slog.String("remote", r.RemoteAddr))
		p.logins.holdBack(r.Context())
		p.render(w, r, http.StatusUnauthorized, templates.LoginView(templates.LoginPage{
			Page:     page(r, tr(r, "SignIn")),
			Username: username,
			Error:    tr(r, "InvalidCredentials"),
		}))
		return
	}
	if err != nil {
		attempt.abandoned()
		p.serverError(w, r, err)
		return
	}
	attempt.succeeded()
	token, err := p.store.CreateSignIn(r.Context(), u.ID)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	setCookie(w, r, signInCookie, token, 0)
	if tag, ok := chosenLanguage(r); ok && u.Language == "" {
		// A language chosen on the sign-in page is the user's choice from now on.
		if err := p.store.SetUserLanguage(r.Context(), u.ID, tag); err != nil {
			p.log.Error("keep the language chosen before signing in", slog.String("username", u.Name), slog.Any("error", err))
		}
	} else if u.Language != "" {
		// The sign-in page follows the user's language after they sign out.
		setLanguageCookie(w, r, u.Language)
	}
	seeOther(w, r, "/sessions")
}
