package panel

import (
	"net/http"
	"strconv"

	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// showBans lists the addresses banned now.
func (p *Panel) showBans(w http.ResponseWriter, r *http.Request) {
	bans, err := p.store.Bans(r.Context())
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	rows := make([]templates.BanRow, len(bans))
	for i, b := range bans {
		rows[i] = templates.BanRow{ID: strconv.FormatInt(b.ID, 10), IP: b.IP, Reason: b.Reason, By: b.CreatedBy, Since: instant(b.CreatedAt)}
		if b.Until.Before(store.Forever) {
			rows[i].Until = instant(b.Until)
		}
	}
	p.render(w, r, http.StatusOK, templates.BansView(templates.BansPage{
		Page:  page(r, tr(r, "BansHeading")),
		Flash: takeFlash(w, r),
		Bans:  rows,
	}))
}
