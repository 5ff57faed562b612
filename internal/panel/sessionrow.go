package panel

import (
	"fmt"
	"github.com/ftppanel/ftppanel/internal/i18n"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ftppanel/ftppanel/internal/format"
	"github.com/ftppanel/ftppanel/internal/session"
	"github.com/ftppanel/ftppanel/templates"
)

// sessionRow prepares a session for the table, in l's language.
func (p *Panel) sessionRow(l *i18n.Locale, s session.Snapshot) templates.SessionRow {
	row := templates.SessionRow{
		ID:           s.ID,
		Node:         s.Node,
		Login:        s.Login,
		Customer:     s.Customer,
		Remote:       net.JoinHostPort(s.RemoteIP, strconv.Itoa(s.RemotePort)),
		RemoteIP:     s.RemoteIP,
		Client:       s.Client,
		Encrypted:    s.TLS,
		ConnectedFor: l.Duration(s.ConnectedFor()),
		IdleFor:      l.Duration(s.IdleFor()),
		State:        string(s.State),
		File:         s.File,
		BytesUp:      l.Bytes(s.BytesUp),
		BytesDown:    l.Bytes(s.BytesDown),
	}
	if s.LoggedIn() {
		row.LoggedInAt = instant(s.LoggedInAt)
	}
	if s.RateLimit > 0 {
		row.Limit = l.T("LimitedTo", "Limit", l.Limit(s.RateLimit))
	}
	if s.AccountDownLimit > 0 || s.AccountUpLimit > 0 {
		row.AccountLimit = l.T("AccountLimitOf", "Limits", limitsText(l, s.AccountDownLimit, s.AccountUpLimit))
	}
	row.Percent = -1
	if s.File != "" && s.State != session.StateListing {
		row.Progress = progress(l, s)
		row.Percent = percent(s)
	}
	idle := s.IdleFor()
	transferring := s.State == session.StateUploading || s.State == session.StateDownloading
	if p.idleWarning > 0 && idle >= p.idleWarning {
		row.LongIdle = true
		row.IdleNote = l.T("LongIdle")
	}
	// The server drops idle sessions, by the account's timeout when it has one,
	// but never one with a transfer open.
	limit := p.idleTimeout
	if s.IdleTimeout > 0 {
		limit = s.IdleTimeout
	}
	if limit > 0 && s.LoggedIn() && !transferring && idle >= limit/2 {
		row.IdleNote = strings.TrimPrefix(row.IdleNote+", ", ", ") + l.T("DroppedIn", "Duration", l.Duration(max(0, limit-idle)))
	}
	return row
}

// progress describes a transfer: bytes so far (of the size, when known), time
// left, the rate over the last seconds, and the average since it began.
func progress(l *i18n.Locale, s session.Snapshot) string {
	text := l.Bytes(s.TransferBytes)
	if s.Size > 0 {
		text = l.T("ProgressOfSize", "Bytes", text, "Size", l.Bytes(s.Size), "Percent", l.Number(percent(s)))
	}
	if s.Size > 0 && s.Rate > 0 && s.TransferBytes < s.Size {
		left := time.Duration(float64(s.Size-s.TransferBytes) / s.Rate * float64(time.Second))
		text = l.T("ProgressLeft", "Progress", text, "Duration", l.Duration(left))
	}
	text = l.T("ProgressAt", "Progress", text, "Rate", l.Rate(s.Rate))
	if !s.TransferStarted.IsZero() {
		text = l.T("ProgressAverage", "Progress", text, "Rate", l.Rate(s.TransferRate), "Duration", l.Duration(s.Now.Sub(s.TransferStarted)))
	}
	return text
}

// percent is how much of the file has moved, or -1 when its size is unknown.
func percent(s session.Snapshot) int {
	if s.Size <= 0 {
		return -1
	}
	return int(min(100, s.TransferBytes*100/s.Size))
}

// displayLogin names a session for messages.
func displayLogin(r *http.Request, s session.Snapshot) string {
	if s.Login == "" {
		return tr(r, "NotLoggedInConnection")
	}
	return s.Login
}

// activity says what a session was doing, for the audit log.
func activity(s session.Snapshot) string {
	if s.File == "" {
		return string(s.State)
	}
	return fmt.Sprintf("%s %s (%s moved)", s.State, s.File, format.Bytes(s.TransferBytes))
}

func instant(t time.Time) templates.Time {
	u := t.UTC()
	return templates.Time{At: u, Text: u.Format("2006-01-02 15:04:05 UTC"), ISO: u.Format(time.RFC3339), Present: true}
}
