package panel

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/templates"
)

// confirmBan asks before disconnecting every session from a session's address and
// banning it, and for how long.
func (p *Panel) confirmBan(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	snap, err := p.sessions.Get(id, session.AllSessions())
	if !session.ValidID(id) || err != nil {
		p.sessionMissing(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, templates.BanConfirmView(templates.BanConfirmPage{
		Page:     page(r, tr(r, "DisconnectAndBan")),
		Row:      p.sessionRow(loc(r), snap),
		Sessions: len(p.sessions.List(session.AllSessions(), session.Filter{ExactIP: snap.RemoteIP})),
	}))
}
