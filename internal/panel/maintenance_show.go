package panel

import (
	"net/http"

	"github.com/ftppanel/ftppanel/templates"
)

// showMaintenance is the form that switches this node's FTP server in and out of
// maintenance (administrators only).
func (p *Panel) showMaintenance(w http.ResponseWriter, r *http.Request) {
	if p.registry == nil {
		p.notFound(w, r)
		return
	}
	m := p.registry.Maintenance()
	p.render(w, r, http.StatusOK, templates.MaintenanceView(templates.MaintenancePage{
		Page: page(r, tr(r, "NavMaintenance")), Flash: takeFlash(w, r), Message: m.Message,
	}))
}
