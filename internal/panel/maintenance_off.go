package panel

import "net/http"

// stopMaintenanceForm ends this node's maintenance (administrators only).
func (p *Panel) stopMaintenanceForm(w http.ResponseWriter, r *http.Request) {
	on, err := p.stopMaintenance(r)
	if err != nil {
		p.notFound(w, r)
		return
	}
	if on {
		setFlash(w, r, "Maintenance ended: FTP logins are let in again")
	} else {
		setFlash(w, r, "Maintenance was not on")
	}
	seeOther(w, r, "/maintenance")
}
