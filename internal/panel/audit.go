package panel

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// audit logs and records what the signed-in user (or API token) did to a session.
// In a fleet, the detail starts with the node holding the session when that is
// another node: "on node b: idle".
func (p *Panel) audit(r *http.Request, action string, snap session.Snapshot, detail string) {
	u := currentUser(r)
	if p.fleet != nil && snap.Node != "" && snap.Node != p.node {
		detail = "on node " + snap.Node + ": " + detail
	}
	p.log.Info("session "+action, slog.String("by", u.Name), slog.String("session", snap.ID),
		slog.String("login", snap.Login), slog.String("ip", snap.RemoteIP), slog.String("node", snap.Node))
	// The connection is already closed; the row must be written even if the
	// browser or API client has gone away.
	err := p.store.RecordAudit(context.WithoutCancel(r.Context()), store.AuditEntry{
		Actor:     u.Name,
		Action:    action,
		SessionID: snap.ID,
		FTPLogin:  snap.Login,
		Customer:  snap.Customer,
		RemoteIP:  snap.RemoteIP,
		Detail:    detail,
	})
	if err != nil {
		p.log.Error("audit", slog.String("action", action), slog.String("session", snap.ID), slog.Any("error", err))
	}
}
