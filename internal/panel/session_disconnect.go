package panel

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
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
	snap, err := p.registry.Disconnect(id, scope(u), u.Name)
	if err != nil {
		p.sessionEnded(w, r)
		return
	}
	who := displayLogin(snap)
	p.log.Info("session disconnected", slog.String("by", u.Name), slog.String("session", snap.ID),
		slog.String("login", snap.Login), slog.String("ip", snap.RemoteIP))
	// The connection is already closed; the audit row must be written even if the
	// browser has gone away.
	err = p.store.RecordAudit(context.WithoutCancel(r.Context()), store.AuditEntry{
		Actor:     u.Name,
		Action:    "disconnect",
		SessionID: snap.ID,
		FTPLogin:  snap.Login,
		Customer:  snap.Customer,
		RemoteIP:  snap.RemoteIP,
		Detail:    activity(snap),
	})
	if err != nil {
		p.log.Error("audit disconnect", slog.String("session", snap.ID), slog.Any("error", err))
	}
	setFlash(w, r, fmt.Sprintf("Disconnected %s (%s)", who, snap.RemoteIP))
	http.Redirect(w, r, "/sessions", http.StatusSeeOther)
}
