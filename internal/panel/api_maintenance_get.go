package panel

import "net/http"

// apiGetMaintenance tells whether this node is in maintenance. Only an
// administrator's token may ask.
func (p *Panel) apiGetMaintenance(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok {
		return
	}
	if !currentUser(r).IsAdmin() {
		p.apiError(w, r, http.StatusForbidden, "only an administrator's token can see or switch maintenance")
		return
	}
	if p.registry == nil {
		p.apiError(w, r, http.StatusNotFound, errNoRegistry.Error())
		return
	}
	p.writeJSON(w, r, http.StatusOK, p.apiMaintenanceView(p.registry.Maintenance()))
}
