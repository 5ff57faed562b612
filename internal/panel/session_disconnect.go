package panel

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/internal/session"
)

// disconnectSession closes an FTP session at once, telling the client the reason
// given (if any), records it in the audit log and returns to the list.
func (p *Panel) disconnectSession(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if !session.ValidID(id) {
		p.sessionEnded(w, r)
		return
	}
	message, err := disconnectMessage(r.PostFormValue("reason"))
	if err != nil {
		p.showError(w, r, http.StatusUnprocessableEntity, "Reason too long", sentenceCase(err.Error())+".")
		return
	}
	u := currentUser(r)
	snap, err := p.sessions.Disconnect(id, scope(u), u.Name, message)
	if err != nil {
		p.sessionMissing(w, r, err)
		return
	}
	p.audit(r, "disconnect", snap, disconnectDetail(snap, "", message))
	setFlash(w, r, fmt.Sprintf("Disconnected %s (%s)", displayLogin(snap), snap.RemoteIP))
	seeOther(w, r, "/sessions")
}
