package panel

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/internal/session"
)

// disconnectSession closes an FTP session at once, records it in the audit log and
// returns to the list.
func (p *Panel) disconnectSession(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if !session.ValidID(id) {
		p.sessionEnded(w, r)
		return
	}
	u := currentUser(r)
	snap, err := p.sessions.Disconnect(id, scope(u), u.Name)
	if err != nil {
		p.sessionMissing(w, r, err)
		return
	}
	p.audit(r, "disconnect", snap, activity(snap))
	setFlash(w, r, fmt.Sprintf("Disconnected %s (%s)", displayLogin(snap), snap.RemoteIP))
	seeOther(w, r, "/sessions")
}
