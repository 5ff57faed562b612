package panel

import "net/http"

// apiGetCustomer shows one hosting customer. Administrators' tokens only.
func (p *Panel) apiGetCustomer(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok || !p.adminToken(w, r, "manage customers") {
		return
	}
	c, ok := p.customerNamed(w, r)
	if !ok {
		return
	}
	p.writeJSON(w, r, http.StatusOK, toAPICustomer(c))
}
