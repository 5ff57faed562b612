package panel

import (
	"errors"
	"net/http"

	"github.com/ftppanel/ftppanel/internal/store"
)

// apiListAccounts lists the FTP accounts within the token's scope, by customer
// and login, each with its live sessions. customer=NAME keeps one customer's;
// for a customer's token any other customer is not found.
func (p *Panel) apiListAccounts(w http.ResponseWriter, r *http.Request) {
	q, ok := p.apiQuery(w, r, "customer")
	if !ok {
		return
	}
	u := currentUser(r)
	sc := accountScope(u)
	if name, given := q["customer"]; given {
		switch {
		case !u.IsAdmin() && name[0] != u.Customer:
			p.apiCustomerNotFound(w, r, name[0])
			return
		case u.IsAdmin():
			if _, err := p.store.CustomerNamed(r.Context(), name[0]); errors.Is(err, store.ErrNotFound) {
				p.apiCustomerNotFound(w, r, name[0])
				return
			} else if err != nil {
				p.apiServerError(w, r, err)
				return
			}
			sc = store.CustomerAccounts(name[0])
		}
	}
	list, err := p.store.FTPAccounts(r.Context(), sc)
	if err != nil {
		p.apiServerError(w, r, err)
		return
	}
	live := p.liveSessions(u)
	out := struct {
		Accounts []apiAccount `json:"accounts"`
	}{Accounts: make([]apiAccount, 0, len(list))}
	for _, a := range list {
		out.Accounts = append(out.Accounts, toAPIAccount(a, live[a.Login]))
	}
	p.writeJSON(w, r, http.StatusOK, out)
}
