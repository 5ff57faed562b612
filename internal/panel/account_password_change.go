package panel

import (
	"errors"
	"net/http"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// changeAccountPassword gives an FTP account a new password and disconnects its
// live sessions at once, so nobody stays logged in with the old one.
func (p *Panel) changeAccountPassword(w http.ResponseWriter, r *http.Request) {
	a, ok := p.accountFor(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		p.showError(w, r, http.StatusBadRequest, tr(r, "RequestRefused"), tr(r, "FormUnreadable"))
		return
	}
	pw, err := readNewPassword(r.PostForm)
	if err != nil {
		live := len(p.sessions.List(scope(currentUser(r)), session.Filter{ExactLogin: a.Login}))
		p.render(w, r, http.StatusBadRequest, templates.AccountPasswordView(templates.AccountPasswordPage{
			Page: page(r, tr(r, "NewPasswordFor", "Login", a.Login)), Row: p.accountRow(r, a, live), Error: errorText(r, err),
		}))
		return
	}
	ended, err := p.setAccountPassword(r, a, pw)
	if errors.Is(err, store.ErrNotFound) {
		p.accountNotFound(w, r)
		return
	}
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	setFlash(w, r, tr(r, "FlashAccountPassword", "Login", a.Login, "Ended", endedText(r, ended)))
	seeOther(w, r, "/accounts")
}
