package panel

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/internal/session"
)

// apiDisconnectSession closes one session at once and audits it; 204 when it has
// ended, 404 when it was unknown, already ended or out of the token's scope.
func (p *Panel) apiDisconnectSession(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok {
		return
	}
	id := chi.URLParam(r, "id")
	if !session.ValidID(id) {
		p.apiSessionNotFound(w, r)
		return
	}
	u := currentUser(r)
	snap, err := p.sessions.Disconnect(id, scope(u), u.Name)
	if nerr := (*session.NodeError)(nil); errors.As(err, &nerr) {
		p.apiNodeDown(w, r, nerr)
		return
	}
	if err != nil {
		p.apiSessionNotFound(w, r)
		return
	}
	p.auditAPIDisconnect(r, snap)
	w.WriteHeader(http.StatusNoContent)
}
