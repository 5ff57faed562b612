package panel

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// createAccount adds an FTP account: to the customer's own accounts, or for an
// admin to the customer chosen. The FTP server creates its home directory at its
// first login.
func (p *Panel) createAccount(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		p.showError(w, r, http.StatusBadRequest, tr(r, "RequestRefused"), tr(r, "FormUnreadable"))
		return
	}
	u := currentUser(r)
	form := templates.NewAccountForm{Login: strings.TrimSpace(r.PostForm.Get("login")), Customer: r.PostForm.Get("customer")}
	a, err := readNewAccount(r.PostForm, u)
	if err != nil {
		form.Error = errorText(r, err)
		p.renderAccounts(w, r, http.StatusBadRequest, "", form)
		return
	}
	err = p.addAccount(r, a.login, a.customer, a.password)
	switch {
	case errors.Is(err, store.ErrExists):
		// Logins are one namespace for every customer: say it is taken, not whose.
		form.Error = tr(r, "LoginTaken", "Login", a.login, "Suggestion", a.customer+"-"+a.login)
	case errors.Is(err, store.ErrNotFound):
		form.Error = tr(r, "NoSuchCustomer", "Customer", a.customer)
	case err != nil:
		p.serverError(w, r, err)
		return
	}
	if form.Error != "" {
		p.renderAccounts(w, r, http.StatusBadRequest, "", form)
		return
	}
	setFlash(w, r, tr(r, "FlashAccountAdded", "Login", a.login, "Home", accountHome(a.login)))
	seeOther(w, r, "/accounts")
}
