package panel

import "net/http"

// apiStopMaintenance switches this node's maintenance off (nothing to do when it
// is off). Only an administrator's token may.
func (p *Panel) apiStopMaintenance(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok {
		return
	}
	if !currentUser(r).IsAdmin() {
		p.apiError(w, r, http.StatusForbidden, "only an administrator's token can see or switch maintenance")
		return
	}
	if _, err := p.stopMaintenance(r); err != nil {
		p.apiError(w, r, http.StatusNotFound, err.Error())
		return
	}
	p.writeJSON(w, r, http.StatusOK, p.apiMaintenanceView(p.registry.Maintenance()))
}
