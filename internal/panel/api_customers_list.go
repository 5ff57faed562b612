package panel

import "net/http"

// apiListCustomers lists the hosting customers by name. Administrators' tokens only.
func (p *Panel) apiListCustomers(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok || !p.adminToken(w, r, "manage customers") {
		return
	}
	list, err := p.store.CustomerList(r.Context())
	if err != nil {
		p.apiServerError(w, r, err)
		return
	}
	out := struct {
		Customers []apiCustomer `json:"customers"`
	}{Customers: make([]apiCustomer, 0, len(list))}
	for _, c := range list {
		out.Customers = append(out.Customers, toAPICustomer(c))
	}
	p.writeJSON(w, r, http.StatusOK, out)
}
