package panel

import (
	"net/http"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/templates"
)

// confirmDeleteAccount asks whether to delete an FTP account.
func (p *Panel) confirmDeleteAccount(w http.ResponseWriter, r *http.Request) {
	a, ok := p.accountFor(w, r)
	if !ok {
		return
	}
	live := len(p.sessions.List(scope(currentUser(r)), session.Filter{ExactLogin: a.Login}))
	p.render(w, r, http.StatusOK, templates.AccountDeleteView(templates.AccountDeletePage{
		Page: page(r, tr(r, "DeleteLogin", "Login", a.Login)),
		Row:  p.accountRow(r, a, live),
	}))
}
