package panel

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// apiDeleteCustomer removes a hosting customer with its panel login and that
// login's sign-ins and API tokens. While it owns FTP accounts it is refused
// (409), unless cascade=true: then each account is deleted first, exactly as
// the panel deletes one, its live sessions disconnected and the deletion
// audited. The customer's files stay on disk. Administrators' tokens only.
func (p *Panel) apiDeleteCustomer(w http.ResponseWriter, r *http.Request) {
	q, ok := p.apiQuery(w, r, "cascade")
	if !ok || !p.adminToken(w, r, "manage customers") {
		return
	}
	cascade := false
	if v := q.Get("cascade"); v != "" {
		var err error
		if cascade, err = strconv.ParseBool(v); err != nil {
			p.apiError(w, r, http.StatusBadRequest, "cascade must be true or false")
			return
		}
	}
	c, ok := p.customerNamed(w, r)
	if !ok {
		return
	}
	out := struct {
		DeletedAccounts []string `json:"deleted_accounts"`
		Disconnected    int      `json:"disconnected"`
	}{DeletedAccounts: []string{}}
	if cascade {
		accounts, err := p.store.FTPAccounts(r.Context(), store.CustomerAccounts(c.Name))
		if err != nil {
			p.apiServerError(w, r, err)
			return
		}
		for _, a := range accounts {
			ended, err := p.deleteAccountNow(r, a)
			out.Disconnected += ended
			if errors.Is(err, store.ErrNotFound) { // deleted meanwhile
				continue
			}
			if err != nil {
				p.apiServerError(w, r, err)
				return
			}
			out.DeletedAccounts = append(out.DeletedAccounts, a.Login)
		}
	}
	err := p.store.DeleteCustomer(r.Context(), c.Name)
	switch {
	case errors.Is(err, store.ErrHasAccounts):
		// Counted again: under cascade, only an account added meanwhile is left.
		n := c.Accounts
		if now, err := p.store.CustomerNamed(r.Context(), c.Name); err == nil {
			n = now.Accounts
		}
		them := "them"
		if n == 1 {
			them = "it"
		}
		p.apiError(w, r, http.StatusConflict, fmt.Sprintf(
			"customer %s still owns %s: delete %s first, or add cascade=true to delete %s with the customer",
			c.Name, accountsText(n), them, them))
		return
	case errors.Is(err, store.ErrNotFound): // deleted meanwhile
		p.apiCustomerNotFound(w, r, c.Name)
		return
	case err != nil:
		p.apiServerError(w, r, err)
		return
	}
	detail := "no FTP accounts"
	if n := len(out.DeletedAccounts); n > 0 {
		detail = accountsText(n) + " deleted with it"
		if out.Disconnected > 0 {
			detail += ", " + templates.SessionCountText(context.Background(), out.Disconnected) + " disconnected"
		}
	}
	p.auditCustomer(r, "delete customer", c.Name, detail+" (through the API)")
	p.writeJSON(w, r, http.StatusOK, out)
}
