package panel

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/ftppanel/ftppanel/internal/store"
)

// apiSetCustomerPassword gives a customer a new panel password, as "ftppanel
// customer passwd" does: every browser signed in as the customer is signed out;
// its API tokens keep working. Administrators' tokens only.
func (p *Panel) apiSetCustomerPassword(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok || !p.adminToken(w, r, "manage customers") {
		return
	}
	c, ok := p.customerNamed(w, r)
	if !ok {
		return
	}
	var body struct {
		Password string `json:"password"`
	}
	if !p.readBody(w, r, &body) {
		return
	}
	if err := passwordProblem(body.Password); err != nil {
		p.apiInvalid(w, r, "password", err)
		return
	}
	ended, err := p.store.SetPanelPassword(r.Context(), c.Name, store.RoleCustomer, body.Password)
	if errors.Is(err, store.ErrNotFound) { // deleted meanwhile
		p.apiCustomerNotFound(w, r, c.Name)
		return
	}
	if err != nil {
		p.apiServerError(w, r, err)
		return
	}
	p.auditCustomer(r, "change panel password", c.Name, "signed out "+strconv.Itoa(ended)+" browsers (through the API)")
	p.writeJSON(w, r, http.StatusOK, struct {
		SignedOut int `json:"signed_out"`
	}{ended})
}
