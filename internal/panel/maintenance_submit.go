package panel

import (
	"net/http"

	"github.com/ftppanel/ftppanel/templates"
)

// startMaintenanceForm switches this node's FTP server to maintenance, or
// changes the message and deadline of the one on (administrators only).
func (p *Panel) startMaintenanceForm(w http.ResponseWriter, r *http.Request) {
	if p.registry == nil {
		p.notFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	text, after := r.PostFormValue("message"), r.PostFormValue("disconnect_after")
	message, d, err := maintenanceInput(text, after)
	if err != nil {
		p.render(w, r, http.StatusBadRequest, templates.MaintenanceView(templates.MaintenancePage{
			Page: page(r, tr(r, "NavMaintenance")), Error: errorText(r, err), Message: text, After: after,
		}))
		return
	}
	if _, err := p.startMaintenance(r, message, d); err != nil {
		p.notFound(w, r)
		return
	}
	setFlash(w, r, tr(r, "FlashMaintenanceOn"))
	seeOther(w, r, "/maintenance")
}
