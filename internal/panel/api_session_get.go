package panel

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/internal/session"
)

// apiGetSession shows one session. Another customer's session is as unknown as
// one that never existed.
func (p *Panel) apiGetSession(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.apiQuery(w, r); !ok {
		return
	}
	id := chi.URLParam(r, "id")
	if !session.ValidID(id) {
		p.apiSessionNotFound(w, r)
		return
	}
	snap, err := p.sessions.Get(id, scope(currentUser(r)))
	if nerr := (*session.NodeError)(nil); errors.As(err, &nerr) {
		p.apiNodeDown(w, r, nerr)
		return
	}
	if err != nil {
		p.apiSessionNotFound(w, r)
		return
	}
	p.writeJSON(w, r, http.StatusOK, toAPISession(snap))
}
