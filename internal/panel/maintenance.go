package panel

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
	"github.com/ftppanel/ftppanel/templates"
)

// Maintenance is per node: it is the state of this node's FTP server (the
// registry it was given), not the fleet's, and lives in memory only.

type maintenanceKey struct{}

// withMaintenance puts this node's maintenance state in the request, for the
// banner every page shows while it is on.
func (p *Panel) withMaintenance(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.registry == nil {
			next.ServeHTTP(w, r)
			return
		}
		ctx := context.WithValue(r.Context(), maintenanceKey{}, p.maintenanceBanner())
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// maintenanceOf is the banner withMaintenance put in the request.
func maintenanceOf(r *http.Request) templates.MaintenanceBanner {
	b, _ := r.Context().Value(maintenanceKey{}).(templates.MaintenanceBanner)
	return b
}

// maintenanceBanner is this node's maintenance state as the banner shows it.
func (p *Panel) maintenanceBanner() templates.MaintenanceBanner {
	m := p.registry.Maintenance()
	if !m.On {
		return templates.MaintenanceBanner{}
	}
	b := templates.MaintenanceBanner{On: true, Since: instant(m.Since), By: m.By, Message: m.Message}
	if p.fleet != nil {
		b.Node = p.node
	}
	if !m.Deadline.IsZero() {
		b.Deadline = instant(m.Deadline)
	}
	return b
}

// maxDisconnectAfter bounds the deadline a maintenance may set.
const maxDisconnectAfter = 7 * 24 * time.Hour

var errNoRegistry = errors.New("this panel has no FTP server of its own")

// maintenanceInput checks a switch-on request's message and deadline ("" or a
// Go duration such as "10m").
func maintenanceInput(message, after string) (string, time.Duration, error) {
	if utf8.RuneCountInString(strings.TrimSpace(message)) > session.MaxMessageLen {
		return "", 0, sayError("MaintenanceMessageTooLong", "Max", session.MaxMessageLen)
	}
	var d time.Duration
	if after = strings.TrimSpace(after); after != "" {
		var err error
		d, err = time.ParseDuration(after)
		if err != nil || d <= 0 || d > maxDisconnectAfter {
			return "", 0, sayError("MaintenanceAfterInvalid")
		}
	}
	return session.CleanMessage(message), d, nil
}

// startMaintenance switches this node's maintenance on and audits it.
func (p *Panel) startMaintenance(r *http.Request, message string, after time.Duration) (session.Maintenance, error) {
	if p.registry == nil {
		return session.Maintenance{}, errNoRegistry
	}
	u := currentUser(r)
	m := p.registry.StartMaintenance(u.Name, message, after)
	detail := "on node " + p.node
	if after > 0 {
		detail += "; disconnect after " + after.String()
	}
	if m.Message != "" {
		detail += "; message: " + m.Message
	}
	p.auditMaintenance(r, "maintenance on", detail)
	return m, nil
}

// stopMaintenance switches this node's maintenance off and audits it when it
// was on; it reports whether it was.
func (p *Panel) stopMaintenance(r *http.Request) (bool, error) {
	if p.registry == nil {
		return false, errNoRegistry
	}
	was, on := p.registry.StopMaintenance()
	if on {
		detail := "on node " + p.node
		if was.Message != "" {
			detail += "; message was: " + was.Message
		}
		p.auditMaintenance(r, "maintenance off", detail)
	}
	return on, nil
}

func (p *Panel) auditMaintenance(r *http.Request, action, detail string) {
	u := currentUser(r)
	p.log.Info(action, slog.String("by", u.Name), slog.String("node", p.node))
	err := p.store.RecordAudit(context.WithoutCancel(r.Context()), store.AuditEntry{Actor: u.Name, Action: action, Detail: detail})
	if err != nil {
		p.log.Error("audit", slog.String("action", action), slog.Any("error", err))
	}
}

// apiMaintenance is the maintenance state as the JSON API shows it. The field
// names are a contract with scripts: add fields, never rename or remove one.
type apiMaintenance struct {
	On       bool    `json:"on"`
	Node     string  `json:"node"`
	Message  string  `json:"message"`
	By       string  `json:"by"`
	Since    *string `json:"since"`    // RFC 3339, UTC; null when off
	Deadline *string `json:"deadline"` // when the sessions left are disconnected; null for never
}

func (p *Panel) apiMaintenanceView(m session.Maintenance) apiMaintenance {
	out := apiMaintenance{On: m.On, Node: p.node, Message: m.Message, By: m.By}
	if !m.Since.IsZero() {
		s := m.Since.UTC().Format(time.RFC3339)
		out.Since = &s
	}
	if !m.Deadline.IsZero() {
		s := m.Deadline.UTC().Format(time.RFC3339)
		out.Deadline = &s
	}
	return out
}
