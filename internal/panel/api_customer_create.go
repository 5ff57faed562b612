package panel

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/ftppanel/ftppanel/internal/store"
)

// apiCreateCustomer adds a hosting customer and its panel login, as
// "ftppanel customer add" does: {"name", "password"}. Administrators' tokens only.
func (p *Panel) apiCreateCustomer(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok || !p.adminToken(w, r, "manage customers") {
		return
	}
	var body struct {
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if !p.readBody(w, r, &body) {
		return
	}
	if err := store.ValidateName("customer", body.Name); err != nil {
		p.apiInvalid(w, r, "name", err)
		return
	}
	if err := passwordProblem(body.Password); err != nil {
		p.apiInvalid(w, r, "password", err)
		return
	}
	err := p.store.AddCustomer(r.Context(), body.Name, body.Password)
	if errors.Is(err, store.ErrNameKept) {
		p.apiError(w, r, http.StatusConflict, fmt.Sprintf("the name %q belonged to a deleted customer whose history is kept; choose another", body.Name))
		return
	}
	if errors.Is(err, store.ErrExists) {
		p.apiError(w, r, http.StatusConflict, fmt.Sprintf("the name %q is taken by a customer or a panel user", body.Name))
		return
	}
	if err != nil {
		p.apiServerError(w, r, err)
		return
	}
	p.auditCustomer(r, "create customer", body.Name, "(through the API)")
	c, err := p.store.CustomerNamed(r.Context(), body.Name)
	if err != nil {
		p.apiServerError(w, r, err)
		return
	}
	p.writeJSON(w, r, http.StatusCreated, toAPICustomer(c))
}
