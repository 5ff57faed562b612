package panel

import (
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
		p.showError(w, r, http.StatusUnprocessableEntity, tr(r, "ReasonTooLong"), tr(r, "ReasonTooLongText", "Max", session.MaxMessageLen))
		return
	}
	u := currentUser(r)
	snap, err := p.sessions.Disconnect(id, scope(u), u.Name, message)
	if err != nil {
		p.sessionMissing(w, r, err)
		return
	}
	p.audit(r, "disconnect", snap, disconnectDetail(snap, "", message))
	setFlash(w, r, tr(r, "FlashDisconnected", "Login", displayLogin(r, snap), "IP", snap.RemoteIP))
	seeOther(w, r, "/sessions")
}
