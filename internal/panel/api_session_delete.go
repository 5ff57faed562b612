package panel

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/internal/session"
)

// apiDisconnectSession closes one session at once and audits it; 204 when it has
// ended, 404 when it was unknown, already ended or out of the token's scope. The
// optional reason query parameter is told to the client ("421 REASON").
func (p *Panel) apiDisconnectSession(w http.ResponseWriter, r *http.Request) {
	q, ok := p.apiQuery(w, r, "reason")
	if !ok {
		return
	}
	message, err := disconnectMessage(q.Get("reason"))
	if err != nil {
		p.apiError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	id := chi.URLParam(r, "id")
	if !session.ValidID(id) {
		p.apiSessionNotFound(w, r)
		return
	}
	u := currentUser(r)
	snap, err := p.sessions.Disconnect(id, scope(u), u.Name, message)
	if nerr := (*session.NodeError)(nil); errors.As(err, &nerr) {
		p.apiNodeDown(w, r, nerr)
		return
	}
	if err != nil {
		p.apiSessionNotFound(w, r)
		return
	}
	p.auditAPIDisconnect(r, snap, "", message)
	w.WriteHeader(http.StatusNoContent)
}
