package panel

import (
	"net/http"

	"github.com/ftppanel/ftppanel/templates"
)

// showAccounts lists the FTP accounts the user may manage, with their live
// session counts, and the form that adds one.
func (p *Panel) showAccounts(w http.ResponseWriter, r *http.Request) {
	p.renderAccounts(w, r, http.StatusOK, takeFlash(w, r), templates.NewAccountForm{})
}

// renderAccounts shows the accounts page with a message and the add form as given.
func (p *Panel) renderAccounts(w http.ResponseWriter, r *http.Request, status int, flash string, form templates.NewAccountForm) {
	u := currentUser(r)
	accounts, err := p.store.FTPAccounts(r.Context(), accountScope(u))
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	live := p.liveSessions(u)
	rows := make([]templates.AccountRow, len(accounts))
	for i, a := range accounts {
		rows[i] = p.accountRow(r, a, live[a.Login])
	}
	var customers []string
	if u.IsAdmin() {
		if customers, err = p.store.Customers(r.Context()); err != nil {
			p.serverError(w, r, err)
			return
		}
	}
	p.render(w, r, status, templates.AccountsView(templates.AccountsPage{
		Page:      page(r, tr(r, "AccountsHeading")),
		Flash:     flash,
		IsAdmin:   u.IsAdmin(),
		Rows:      rows,
		Customers: customers,
		Form:      form,
	}))
}
