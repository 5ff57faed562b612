package hooks

import (
	"time"

	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/internal/store"
)

// The types of event, as "type" and the X-Ftppanel-Event header name them.
const (
	SessionStarted      = "session.started"
	SessionEnded        = "session.ended"
	SessionDisconnected = "session.disconnected" // by a panel or API user
	BanAdded            = "ban.added"            // also a ban made longer
	BanLifted           = "ban.lifted"
	AccountCreated      = "account.created"
	AccountPassword     = "account.password_changed"
	AccountDisabled     = "account.disabled"
	AccountEnabled      = "account.enabled"
	AccountDeleted      = "account.deleted"
	AccountChanged      = "account.changed" // any other change to an FTP account, named by "action"
	Audit               = "audit"           // any other audited action, named by "action"
)

// accountEvents maps the audit log's actions on FTP accounts to their events.
var accountEvents = map[string]string{
	"create account":  AccountCreated,
	"change password": AccountPassword,
	"disable account": AccountDisabled,
	"enable account":  AccountEnabled,
	"delete account":  AccountDeleted,
}

// SessionData is the "data" of session.started and session.ended.
type SessionData struct {
	SessionID   string    `json:"session_id"`
	Login       string    `json:"login"`
	Customer    string    `json:"customer"`
	RemoteIP    string    `json:"remote_ip"`
	RemotePort  int       `json:"remote_port"`
	Node        string    `json:"node,omitempty"`
	Client      string    `json:"client,omitempty"`
	TLS         bool      `json:"tls"`
	ConnectedAt time.Time `json:"connected_at"`
	LoggedInAt  time.Time `json:"logged_in_at"`

	// session.ended only
	EndedAt         *time.Time `json:"ended_at,omitempty"`
	EndKind         string     `json:"end_kind,omitempty"`
	EndReason       string     `json:"end_reason,omitempty"`
	EndedBy         string     `json:"ended_by,omitempty"`
	Message         string     `json:"message,omitempty"`
	BytesUp         *int64     `json:"bytes_up,omitempty"`
	BytesDown       *int64     `json:"bytes_down,omitempty"`
	FilesUp         *int       `json:"files_up,omitempty"`
	FilesDown       *int       `json:"files_down,omitempty"`
	DurationSeconds *float64   `json:"duration_seconds,omitempty"`
}

func sessionData(s session.Snapshot) SessionData {
	return SessionData{SessionID: s.ID, Login: s.Login, Customer: s.Customer, RemoteIP: s.RemoteIP,
		RemotePort: s.RemotePort, Node: s.Node, Client: s.Client, TLS: s.TLS,
		ConnectedAt: s.ConnectedAt.UTC(), LoggedInAt: s.LoggedInAt.UTC()}
}

// SessionStarted sends session.started for a session that has just logged in.
func (h *Hooks) SessionStarted(s session.Snapshot) {
	h.Send(SessionStarted, s.LoggedInAt, sessionData(s))
}

// SessionEnded sends session.ended for a session that had logged in; those
// that never did (failed logins, scans) send nothing.
func (h *Hooks) SessionEnded(s session.Snapshot) {
	if s.LoggedInAt.IsZero() {
		return
	}
	d := sessionData(s)
	ended := s.Now.UTC()
	seconds := s.Now.Sub(s.LoggedInAt).Seconds()
	d.EndedAt, d.DurationSeconds = &ended, &seconds
	d.EndKind, d.EndReason, d.EndedBy, d.Message = string(s.EndReason.Kind), s.EndReason.String(), s.EndReason.By, s.EndReason.Message
	d.BytesUp, d.BytesDown, d.FilesUp, d.FilesDown = &s.BytesUp, &s.BytesDown, &s.FilesUp, &s.FilesDown
	h.Send(SessionEnded, s.Now, d)
}

// AuditData is the "data" of session.disconnected, the account events and audit.
type AuditData struct {
	Action    string `json:"action"` // as the audit log names it: "disconnect", "create account", ...
	By        string `json:"by"`     // the panel user or API token's user
	SessionID string `json:"session_id,omitempty"`
	Login     string `json:"login,omitempty"`
	Customer  string `json:"customer,omitempty"`
	RemoteIP  string `json:"remote_ip,omitempty"`
	Detail    string `json:"detail,omitempty"` // the audit log's detail: with a disconnect, "reason: ..."
}

// Audited sends the event of an audit entry: a disconnect, a change to an FTP
// account, or any other audited action as "audit". Bans are left to Ban,
// which knows their end.
func (h *Hooks) Audited(e store.AuditEntry) {
	typ := Audit
	switch {
	case e.Action == "ban" || e.Action == "lift ban":
		return
	case e.SessionID != "" && (e.Action == "disconnect" || e.Action == "disconnect and ban"):
		typ = SessionDisconnected
	case accountEvents[e.Action] != "":
		typ = accountEvents[e.Action]
	case e.FTPLogin != "" && e.SessionID == "":
		typ = AccountChanged
	}
	h.Send(typ, e.At, AuditData{Action: e.Action, By: e.Actor, SessionID: e.SessionID, Login: e.FTPLogin,
		Customer: e.Customer, RemoteIP: e.RemoteIP, Detail: e.Detail})
}

// BanData is the "data" of ban.added and ban.lifted.
type BanData struct {
	BanID     int64      `json:"ban_id"`
	Address   string     `json:"address"`
	Reason    string     `json:"reason,omitempty"`
	By        string     `json:"by"` // who banned ("defender": too many failed logins), or who lifted
	BannedBy  string     `json:"banned_by,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	Until     *time.Time `json:"until"` // null for a ban until lifted
}

// Ban sends ban.added or ban.lifted.
func (h *Hooks) Ban(c store.BanChange, at time.Time) {
	b := c.Ban
	d := BanData{BanID: b.ID, Address: b.IP, Reason: b.Reason, By: b.CreatedBy, CreatedAt: b.CreatedAt.UTC()}
	if !b.Permanent() {
		until := b.Until.UTC()
		d.Until = &until
	}
	typ := BanAdded
	if c.Lifted {
		typ, d.By, d.BannedBy = BanLifted, c.LiftedBy, b.CreatedBy
	}
	h.Send(typ, at, d)
}
