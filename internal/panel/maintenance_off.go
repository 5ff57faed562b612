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
		setFlash(w, r, tr(r, "FlashMaintenanceEnded"))
	} else {
		setFlash(w, r, tr(r, "FlashMaintenanceWasOff"))
	}
	seeOther(w, r, "/maintenance")
}
