package panel

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// changePassword changes the signed-in user's own panel password once the
// current one is checked, and signs out every other browser of that user. This
// browser stays signed in with a new cookie: the old value stops working. Wrong
// current passwords count against the user and the address like failed sign-ins:
// a stolen cookie must not make guessing easy.
func (p *Panel) changePassword(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	refuse := func(status int, msg string) {
		p.render(w, r, status, templates.PasswordView(templates.PasswordPage{Page: page(r, tr(r, "ChangeYourPassword")), Error: msg}))
	}
	if err := r.ParseForm(); err != nil {
		refuse(http.StatusBadRequest, tr(r, "FormUnreadable"))
		return
	}
	current := r.PostForm.Get("current")
	pw, err := readNewPassword(r.PostForm)
	if err != nil {
		refuse(http.StatusBadRequest, errorText(r, err))
		return
	}
	if pw == current {
		refuse(http.StatusBadRequest, tr(r, "PasswordSame"))
		return
	}
	attempt, wait := p.logins.begin(throttleAddress(r), u.Name)
	if attempt == nil {
		refuse(http.StatusTooManyRequests, tooManyAttempts(w, r, wait))
		return
	}
	var keep string
	if c, err := r.Cookie(signInCookie); err == nil {
		keep = c.Value
	}
	ended, err := p.store.ChangePanelPassword(r.Context(), u.ID, current, pw, keep)
	if errors.Is(err, store.ErrBadCredentials) {
		attempt.failed()
		p.log.Info("panel password change: wrong current password", slog.String("user", u.Name), slog.String("remote", r.RemoteAddr))
		p.logins.holdBack(r.Context())
		refuse(http.StatusBadRequest, tr(r, "CurrentPasswordWrong"))
		return
	}
	if err != nil {
		attempt.abandoned()
		p.serverError(w, r, err)
		return
	}
	attempt.succeeded()
	detail := "signed out " + strconv.Itoa(ended) + " other browsers"
	if ended == 1 {
		detail = "signed out 1 other browser"
	}
	p.log.Info("panel password changed", slog.String("user", u.Name), slog.Int("signed_out", ended))
	if err := p.store.RecordAudit(context.WithoutCancel(r.Context()), store.AuditEntry{
		Actor: u.Name, Action: "change panel password", Customer: u.Customer, Detail: detail,
	}); err != nil {
		p.log.Error("audit", slog.String("action", "change panel password"), slog.Any("error", err))
	}
	if !p.rotateSignInCookie(w, r, u.ID, keep) {
		seeOther(w, r, "/login")
		return
	}
	flash := tr(r, "FlashPasswordChanged")
	if ended > 0 {
		flash = loc(r).N("FlashPasswordChangedSignedOut", ended)
	}
	setFlash(w, r, flash)
	seeOther(w, r, "/password")
}

// rotateSignInCookie gives this browser a new sign-in in place of old, so a copy
// of the cookie taken before the password changed is worth nothing. When no new
// sign-in can be made the browser is signed out instead; it reports whether the
// browser is still signed in.
func (p *Panel) rotateSignInCookie(w http.ResponseWriter, r *http.Request, userID int64, old string) bool {
	ctx := context.WithoutCancel(r.Context())
	token, err := p.store.CreateSignIn(ctx, userID)
	if err == nil {
		setCookie(w, r, signInCookie, token, 0)
	} else {
		p.log.Error("panel password change: new sign-in cookie", slog.Any("error", err))
		clearCookie(w, r, signInCookie)
	}
	if old != "" {
		if err := p.store.EndSignIn(ctx, old); err != nil {
			p.log.Error("panel password change: end the old sign-in", slog.Any("error", err))
		}
	}
	return err == nil
}
