package panel

import (
	"net/http"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/templates"
)

// showSessions lists the FTP sessions the user may see.
func (p *Panel) showSessions(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	snaps := p.registry.List(scope(u), session.Filter{})
	rows := make([]templates.SessionRow, len(snaps))
	for i, s := range snaps {
		rows[i] = sessionRow(s)
	}
	p.render(w, r, http.StatusOK, templates.SessionsView(templates.SessionsPage{
		Page:    page(r, "FTP Sessions"),
		Rows:    rows,
		Flash:   takeFlash(w, r),
		IsAdmin: u.IsAdmin(),
	}))
}
