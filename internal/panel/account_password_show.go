package panel

import (
	"net/http"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/templates"
)

// showAccountPassword shows the form that sets an FTP account's new password.
func (p *Panel) showAccountPassword(w http.ResponseWriter, r *http.Request) {
	a, ok := p.accountFor(w, r)
	if !ok {
		return
	}
	live := len(p.sessions.List(scope(currentUser(r)), session.Filter{ExactLogin: a.Login}))
	p.render(w, r, http.StatusOK, templates.AccountPasswordView(templates.AccountPasswordPage{
		Page: page(r, tr(r, "NewPasswordFor", "Login", a.Login)),
		Row:  p.accountRow(r, a, live),
	}))
}
