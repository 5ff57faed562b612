package main

import (
	"context"
	"fmt"
	"time"

	"github.com/ftppanel/ftppanel/internal/i18n"
	"github.com/ftppanel/ftppanel/internal/store"
)

// cliActor is who the audit log says made a change with the command line: it
// is no panel user (their names have no space), as "server" and "defender" are
// not.
const cliActor = "command line"

// audit writes the audit log entry of a change the command line has made, as
// the panel writes one for the same change; never with a password. The running
// server sends no hook for it: the command does not go through the server.
func (c *cli) audit(ctx context.Context, db *store.DB, e store.AuditEntry) error {
	e.Actor = cliActor
	// The change is made; its row is written even if the command is interrupted.
	if err := db.RecordAudit(context.WithoutCancel(ctx), e); err != nil {
		return fmt.Errorf("the change is made, but its audit log entry could not be written: %w", err)
	}
	return nil
}

// idleTimeoutAudit is an account's idle timeout as the audit log says it, in
// English as the panel writes it ("30m 00s", "server default").
func idleTimeoutAudit(d time.Duration) string {
	l := i18n.For(i18n.Default)
	if d > 0 {
		return "idle timeout: " + l.Duration(d)
	}
	return "idle timeout: " + l.T("ServerDefault")
}
