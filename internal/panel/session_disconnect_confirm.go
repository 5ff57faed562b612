package panel

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/templates"
)

// confirmDisconnect asks whether to disconnect a session: the prompt for browsers
// without JavaScript.
func (p *Panel) confirmDisconnect(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if !session.ValidID(id) {
		p.sessionEnded(w, r)
		return
	}
	snap, err := p.sessions.Get(id, scope(currentUser(r)))
	if err != nil {
		p.sessionMissing(w, r, err)
		return
	}
	same := 0
	if snap.Login != "" {
		same = len(p.sessions.List(scope(currentUser(r)), session.Filter{ExactLogin: snap.Login}))
	}
	p.render(w, r, http.StatusOK, templates.ConfirmView(templates.ConfirmPage{
		Page:          page(r, tr(r, "DisconnectSessionTitle")),
		Row:           p.sessionRow(loc(r), snap),
		LoginSessions: same,
	}))
}
