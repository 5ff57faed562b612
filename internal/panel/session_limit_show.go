package panel

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/templates"
)

// showLimit offers to limit a session's speed, or lift its limit: the page
// for browsers without JavaScript (with it, a dialog on the list asks).
func (p *Panel) showLimit(w http.ResponseWriter, r *http.Request) {
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
	p.render(w, r, http.StatusOK, templates.LimitView(templates.LimitPage{
		Page: page(r, tr(r, "LimitSpeed")),
		Row:  p.sessionRow(loc(r), snap),
	}))
}
